"""The real app in headless Chromium: every page renders, charts and the map draw, nothing leaves.

One `streamlit run` subprocess and one browser serve the whole module. Every request a page
makes is recorded (and any request off this machine is aborted, so the test needs no network);
each test asserts that all of them went to 127.0.0.1/localhost. Screenshots of every page go to
test-artifacts/screenshots/ for a human to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import need

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("RTOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1600, "height": 2000}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
START_TIMEOUT_S = 45.0
RENDER_TIMEOUT_MS = 30_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PLOTLY_READY = '[data-testid="stPlotlyChart"] .main-svg'
DECK_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
FILTERED = (
    "recommendations?participants=VNM,THA&pillars=1,3&recommendations=R1,R4&from=2011&to=2024"
)

try:
    from playwright.sync_api import Browser, Page, sync_playwright
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    HAVE_PLAYWRIGHT = True
except ImportError:  # pragma: no cover - depends on the machine
    HAVE_PLAYWRIGHT = False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@dataclass(frozen=True)
class App:
    """The running app: its base URL and the file its output goes to."""

    url: str
    log: Path
    db: Path | None = None  # the SQLite file it serves, when the test made it

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server log (tracebacks are redacted in the browser)."""
        return self.log.read_text(errors="replace")[-chars:]


@contextmanager
def serve_app(
    *,
    env: dict[str, str],
    log_path: Path,
    db: Path | None = None,
    port: int | None = None,
    cwd: Path = ROOT,
    script: str = "pages/app.py",
) -> Iterator[App]:
    """Run the app on a port (a free one by default) until the block ends, as `make run` does
    (`rtop serve`, here `python -m loaders serve`, with its warm-up); another script or folder
    by `streamlit run`. Fails the test with the end of the server log when it does not become
    healthy."""
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    quiet = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    if script == "pages/app.py" and cwd == ROOT:
        cmd = [sys.executable, "-m", "loaders", "serve", "--port", str(port),
               "--address", "127.0.0.1", "--", *quiet]  # fmt: skip
    else:
        cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
               "--server.address", "127.0.0.1", *quiet]  # fmt: skip
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"streamlit did not become healthy at {url} (exit code {proc.poll()}):\n"
                        + log_path.read_text(errors="replace")[-3000:]
                    )
                time.sleep(0.2)  # polling with a deadline, not synchronisation by sleep
            yield App(url=url, log=log_path, db=db)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@contextmanager
def sample_server(
    template_dir: Path, tmp_path_factory: pytest.TempPathFactory, *, name: str
) -> Iterator[App]:
    """The app (`rtop serve`) on a free port over a private copy of the sample database."""
    work = tmp_path_factory.mktemp(name)
    db = work / "app.sqlite"
    shutil.copy(template_dir / "sample.sqlite", db)
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}"}
    with serve_app(env=env, log_path=work / "streamlit.log", db=db) as running:
        yield running


def idle(page: Page) -> None:
    """Wait until the app's script has finished its run."""
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)


def sign_in_form(page: Page, *, username: str, password: str) -> None:
    """Sign in through the app's own form (from the sidebar's Sign in link) as a person would,
    and wait until the app says so."""
    from playwright.sync_api import expect

    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"You are signed in as {username}")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    idle(page)


def in_own_chromium(scenario: Callable[..., Any], *args: Any) -> Any:
    """``scenario(chromium, *args)`` in a Chromium of its own, from a worker thread: Playwright's
    sync API allows one instance per thread, and the session-wide ``browser`` may be open.
    Skips without Playwright or Chromium (fails in CI); returns what the scenario returns."""
    need("Playwright (pip install playwright)", HAVE_PLAYWRIGHT)
    need(f"Chromium at {CHROMIUM} (apt-get install chromium)", Path(CHROMIUM).exists())

    def run() -> Any:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return scenario(chromium, *args)
            finally:
                chromium.close()

    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(run).result()


@dataclass
class Visit:
    """A loaded page and every URL it asked for."""

    page: Page
    app: App
    requests: list[str] = field(default_factory=list)

    def external(self) -> list[str]:
        """Requests to anywhere but this machine (data:/blob: URLs never leave the browser)."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                continue
            if parts.hostname not in LOCAL_HOSTS:
                out.append(url)
        return out


@pytest.fixture
def visit(browser: Browser, app: App) -> Iterator[Any]:
    """Open a path of the app and wait until the script has finished and the page is idle."""
    context = browser.new_context(viewport=VIEWPORT)
    visits: list[Visit] = []

    def _open(path: str) -> Visit:
        page = context.new_page()
        v = Visit(page=page, app=app)
        page.on("request", lambda r: v.requests.append(r.url))
        page.on("websocket", lambda ws: v.requests.append(ws.url))

        def _route(route: Any) -> None:
            if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
                route.continue_()
            else:
                route.abort()  # recorded above; aborted so the test itself needs no network

        page.route("**/*", _route)
        page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stApp"]', timeout=RENDER_TIMEOUT_MS)
        page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
        page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
        visits.append(v)
        return v

    yield _open
    context.close()


def _check_clean(v: Visit) -> None:
    page = v.page
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{exceptions.all_inner_texts()}\n{v.app.log_tail()}"
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.all_inner_texts()
    missing = page.locator('[data-testid="stDialog"]', has_text="Page not found")
    assert missing.count() == 0, f"{page.url}: Streamlit says 'Page not found'"
    assert v.external() == [], f"requests left the machine: {v.external()}"
    assert any(urlsplit(u).hostname in LOCAL_HOSTS for u in v.requests)


def _shoot(v: Visit, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _wait_plotly(page: Page, at_least: int = 1) -> int:
    page.wait_for_selector(PLOTLY_READY, timeout=RENDER_TIMEOUT_MS)
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n",
        arg=[PLOTLY_READY, at_least],
        timeout=RENDER_TIMEOUT_MS,
    )
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):
        box = charts.nth(i).locator(".main-svg").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, (i, box)
    return charts.count()


def _wait_deck(page: Page) -> None:
    canvas = page.locator(DECK_CANVAS).first
    canvas.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    # A new canvas is 300x150 until deck.gl sizes it to its container: wait for that.
    try:
        page.wait_for_function(
            "(sel) => { const r = document.querySelector(sel).getBoundingClientRect();"
            " return r.width > 200 && r.height > 200; }",
            arg=DECK_CANVAS,
            timeout=RENDER_TIMEOUT_MS,
        )
    except PlaywrightTimeout:
        pass
    box = canvas.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200, box
    size = page.evaluate(
        "(sel) => { const c = document.querySelector(sel); return [c.width, c.height]; }",
        DECK_CANVAS,
    )
    assert size[0] > 0 and size[1] > 0, size


def _pick(page: Page, widget: str, option: str) -> None:
    """Open a select box and choose an option, opening it again if a rerun closed it."""
    choice = page.get_by_role("option", name=option)
    for _ in range(3):
        page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
        page.locator(widget).click()
        try:
            choice.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    choice.click()


def _main_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


@pytest.mark.parametrize(
    ("path", "shot", "heading", "plots", "deck", "sample_mark"),
    [
        pytest.param(
            "",
            "overview",
            "Responsibility to Protect in the ARF region",
            0,
            True,
            None,
            id="overview",
        ),
        pytest.param("map", "map", "Implementation map", 0, True, None, id="map"),
        pytest.param(
            "country?participant=AUS", "country", "Australia", 2, False, None, id="country"
        ),
        pytest.param(
            "recommendations?sample=1",
            "recommendations",
            None,
            1,
            False,
            True,
            id="recommendations",
        ),
        pytest.param(
            "recommendations",
            "recommendations-documented",
            None,
            1,
            False,
            False,
            id="documented-by-default",
        ),
        pytest.param("timeline", "timeline", None, 1, False, None, id="timeline"),
        pytest.param("pillars", "pillars", None, 1, False, None, id="pillars"),
        pytest.param("methodology", "methodology", "Methodology", 0, False, None, id="methodology"),
        pytest.param("upload", "upload", None, 0, False, None, id="upload"),
        pytest.param("exports", "exports", None, 0, False, None, id="exports"),
        pytest.param(
            FILTERED, "recommendations-filtered", None, 1, False, False, id="filtered-link"
        ),
    ],
)
def test_page_renders_offline(
    visit: Any,
    path: str,
    shot: str,
    heading: str | None,
    plots: int,
    deck: bool,
    sample_mark: bool | None,
) -> None:
    """No exception or error; its charts and map draw; SAMPLE DATA iff the sample is included."""
    v = visit(path)
    page = v.page
    try:
        _check_clean(v)
        if heading:
            assert heading in page.inner_text('[data-testid="stMain"] h1')
        if plots:
            assert _wait_plotly(page, plots) >= plots
        if deck:
            _wait_deck(page)
        page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
        text = _main_text(page)
        if sample_mark is not None:
            assert ("SAMPLE DATA" in text) is sample_mark, text[:2000]
        if path == FILTERED:
            assert "Viet Nam" in text and "Thailand" in text, text[:2000]
        _check_clean(v)
    finally:
        if shot:
            _shoot(v, shot)


def test_chart_download_click(visit: Any) -> None:
    """A person clicks the tracker's PNG download: the server renders it, the browser saves it."""
    from dashboard.export import png_size

    v = visit("recommendations?participants=VNM,THA&to=2024&sample=1")
    _wait_plotly(v.page)
    button = v.page.locator(".st-key-dl_tracker_heatmap_png button")
    with v.page.expect_download(timeout=RENDER_TIMEOUT_MS) as download:
        button.click()
    saved = download.value
    assert saved.suggested_filename == "rtop-tracker-VNM-THA-2011-2024-sample.png"
    data = Path(saved.path()).read_bytes()
    width, height = png_size(data)
    assert width == 3200 and height > 600
    csv_button = v.page.locator(".st-key-dl_tracker_heatmap_csv button")
    with v.page.expect_download(timeout=RENDER_TIMEOUT_MS) as download:
        csv_button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("participant_code,") and "Viet Nam" in text and "SAMPLE DATA" in text
    _check_clean(v)


def test_why_this_status_on_the_profile(visit: Any) -> None:
    """A person picks a recommendation under "Why this status?": its explanation opens."""
    v = visit("country?participant=AUS&to=2016")
    page = v.page
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
    assert "Why this status?" in _main_text(page)
    _pick(page, ".st-key-scorecard_pick", "R1 National focal point")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"]').innerText.includes('Australia, R1')",
        timeout=RENDER_TIMEOUT_MS,
    )
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
    text = _main_text(page)
    assert "Australia, R1 National focal point, 2016: Implemented" in text, text[:3000]
    assert "Coverage: 2 of 2 indicators with current data" in text
    assert "Computed by the rule (version 2.1): Implemented" in text
    _check_clean(v)
    _shoot(v, "why-this-status")


def test_a_filter_change_updates_the_map_in_place(visit: Any) -> None:
    """Choosing a pillar changes the number of headline rows; the map's canvas is kept (a new
    WebGL map costs a second or more without a GPU), and its layers show the new selection."""
    v = visit("")
    page = v.page
    _wait_deck(page)
    page.evaluate("(sel) => { document.querySelector(sel).dataset.rtopKept = 'yes'; }", DECK_CANVAS)
    metrics_before = page.locator('[data-testid="stMetric"]').count()
    _pick(page, '[data-testid="stSidebar"] .st-key-f_pillars', "Pillar 1")
    page.keyboard.press("Escape")
    page.wait_for_function(
        "(n) => document.querySelectorAll('[data-testid=\"stMetric\"]').length < n",
        arg=metrics_before,
        timeout=RENDER_TIMEOUT_MS,
    )
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
    assert "pillars=1" in page.url
    kept = page.evaluate("(sel) => document.querySelector(sel).dataset.rtopKept || ''", DECK_CANVAS)
    assert kept == "yes", "the map was mounted anew on a filter change"
    _check_clean(v)


def _cell_centre(page: Page, *, row: str, column: str) -> tuple[float, float]:
    """Screen position of the tracker heatmap cell at a y tick label and an x tick label."""
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    # After a click the page reruns and Plotly may redraw the chart: read the ticks once the
    # script is idle and the labels are drawn again
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
    for axis, label in ((".ytick text", row), (".xtick text", column)):
        chart.locator(axis, has_text=label).first.wait_for(
            state="visible", timeout=RENDER_TIMEOUT_MS
        )
    y = chart.locator(".ytick text", has_text=row).first.bounding_box()
    x = chart.locator(".xtick text", has_text=column).first.bounding_box()
    plot = chart.locator(".nsewdrag").first.bounding_box()
    assert x and y and plot, (x, y, plot)
    centre_x = x["x"] + x["width"] / 2
    centre_y = y["y"] + y["height"] / 2
    assert plot["x"] < centre_x < plot["x"] + plot["width"]
    assert plot["y"] < centre_y < plot["y"] + plot["height"]
    return centre_x, centre_y


def test_clicking_a_tracker_cell_explains_it(visit: Any) -> None:
    """A person clicks a cell of the heatmap: "Why this status?" and the evidence follow it."""
    v = visit("recommendations?participants=VNM,THA,JPN&to=2024")
    page = v.page
    _wait_plotly(page)
    ticks = page.locator('[data-testid="stPlotlyChart"] .xtick text')
    first, second = ticks.nth(0).bounding_box(), ticks.nth(1).bounding_box()
    assert first and second
    spacing = second["x"] - first["x"]  # one cell's width
    for row, column, expected, offset, evidence in (
        ("Thailand", "R7", "Thailand, R7 ", 0.0, False),  # no observation on record
        ("Japan", "R12", "Japan, R12 ", 0.35, True),  # near the cell's edge, not on its symbol
    ):
        x, y = _cell_centre(page, row=row, column=column)
        page.mouse.click(x - offset * spacing, y)
        # the answer opens in a drawer beside the chart (issue 19 item 8; tests/e2e/
        # test_screens.py); closed, the page below it has followed the click too
        drawer = page.locator('[data-testid="stDialog"]', has_text=f"Why this status? {expected}")
        drawer.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        page.keyboard.press("Escape")
        drawer.wait_for(state="hidden", timeout=RENDER_TIMEOUT_MS)
        page.wait_for_function(
            "(t) => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(t)",
            arg=f"Why this status? {expected}",
            timeout=RENDER_TIMEOUT_MS,
        )
        # The evidence follows the click: a table (with its downloads) or a notice naming
        # the cell (the grid is drawn on a canvas, so its rows are not page text).
        none = f"No observations for {row} on {column} up to 2024."
        if evidence:
            page.locator(".st-key-dl_cell_evidence_csv").wait_for(timeout=RENDER_TIMEOUT_MS)
        else:
            page.wait_for_function(
                "(t) => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(t)",
                arg=none,
                timeout=RENDER_TIMEOUT_MS,
            )
        page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
        assert (none in _main_text(page)) is not evidence
    _check_clean(v)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["laptop", "projector"])
def test_layouts_keep_titles_buttons_and_charts_whole(
    browser: Browser, app: App, size: tuple[int, int]
) -> None:
    """At 1366x768 and 1920x1080: whole titles, labelled download buttons, wide plots."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        for path in (
            "",
            "map",
            "recommendations",
            "country?participant=AUS",
            "timeline",
            "pillars",
        ):
            page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
            page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
            if path in ("", "map"):
                _wait_deck(page)
            else:
                _wait_plotly(page)
            page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
            page.locator('[data-testid="stDownloadButton"]').first.wait_for(
                timeout=RENDER_TIMEOUT_MS
            )
            clipped = page.evaluate(
                "() => [...document.querySelectorAll('[data-testid=\"stMain\"] h1')]"
                ".filter(h => h.scrollWidth > h.clientWidth + 1).map(h => h.innerText)"
            )
            assert clipped == [], (path, clipped)
            # :visible - a button with a help tooltip has a second, undisplayed copy in the DOM
            buttons = page.locator('[data-testid="stDownloadButton"] button:visible')
            assert buttons.count() > 0, path
            for i in range(buttons.count()):
                box = buttons.nth(i).bounding_box()
                label = buttons.nth(i).inner_text()
                assert box and box["width"] >= 60, (path, label, box)  # "⬇ XLSX" needs ~70 px
            plots = page.locator('[data-testid="stPlotlyChart"] .nsewdrag')
            for i in range(plots.count()):
                box = plots.nth(i).bounding_box()
                assert box and box["width"] >= 0.3 * width - 300, (path, i, box)
    finally:
        context.close()


def _view_ready(page: Page) -> None:
    """The view at the page's address is drawn: its keys' script has run (it says which view it
    serves: a key pressed before is heard by the previous view, or none) and its run, footer
    included, has finished."""
    here = urlsplit(page.url).path.strip("/")
    page.wait_for_function(
        "(here) => window.__rtopPresentAt === here", arg=here, timeout=RENDER_TIMEOUT_MS
    )
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)


def _footer(page: Page) -> str:
    page.wait_for_selector(".rtop-present-footer", timeout=RENDER_TIMEOUT_MS)
    return page.inner_text(".rtop-present-footer")


def _press_and_wait(page: Page, key: str, path_part: str) -> None:
    _view_ready(page)
    page.keyboard.press(key)
    page.wait_for_url(f"**/{path_part}", timeout=RENDER_TIMEOUT_MS)
    _view_ready(page)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)


def test_presentation_mode_steps_through_views_with_the_keyboard(visit: Any) -> None:
    """?present=1: no sidebar or widgets, body text 24 px on the 1920x1080 slide (scaled
    with it to the screen), → and ← through the sequence (filters kept), a footer with the
    view, filters and data version; a custom sequence goes round; an interval advances by
    itself."""
    v = visit("?present=1&participants=VNM")
    page = v.page
    page.wait_for_selector('[data-testid="stSidebar"]', state="hidden", timeout=RENDER_TIMEOUT_MS)
    assert not page.get_by_role("button", name="Next view").is_visible()
    # Body text of the main area (markdown paragraphs and captions) is at least 24 px on the
    # slide, the headline figures' labels and notes 20 px, scaled with the slide to this
    # screen (1600 px wide: 0.833 of it).
    smallest = (
        "(tiles) => Math.min(...[...document.querySelectorAll("
        "'[data-testid=stMain] [data-testid=stMarkdownContainer] p')]"
        ".filter((p) => !!p.closest('[data-testid=stColumn]') === tiles)"
        ".map((p) => parseFloat(getComputedStyle(p).fontSize)))"
    )
    share = min(VIEWPORT["width"] / 1920, VIEWPORT["height"] / 1080)
    try:
        page.wait_for_function(
            f"({smallest})(false) >= {24 * share - 0.5}", timeout=RENDER_TIMEOUT_MS
        )
    except PlaywrightTimeout:
        pass
    size = page.evaluate(smallest, False)
    assert size >= 24 * share - 0.5, size
    assert page.evaluate(smallest, True) >= 20 * share - 0.5
    text = _footer(page)
    assert "view 1 of 6" in text and "Viet Nam" in text and "data r" in text, text
    _press_and_wait(page, "ArrowRight", "map?present=1*")
    assert "participants=VNM" in page.url and "view 2 of 6" in _footer(page)
    _press_and_wait(page, "ArrowRight", "recommendations?present=1*")
    assert page.inner_text('[data-testid="stMain"] h1') == "Recommendation tracker"
    _press_and_wait(page, "ArrowLeft", "map?present=1*")
    assert "view 2 of 6" in _footer(page)
    _check_clean(v)

    custom = visit("changes?present=1&views=changes|pillars")
    assert "view 1 of 2" in _footer(custom.page)
    _press_and_wait(custom.page, "PageDown", "pillars?present=1*")
    _press_and_wait(custom.page, "ArrowRight", "changes?present=1*")  # round to the first

    timed = visit("pillars?present=1&views=pillars|timeline&interval=5")
    timed.page.wait_for_url("**/timeline?present=1*", timeout=RENDER_TIMEOUT_MS)
    _view_ready(timed.page)
    assert "view 2 of 2" in _footer(timed.page)


AXE_PAGES = [
    "",
    "map",
    "country?participant=VNM",
    "recommendations",
    "recommendations?sample=1",
    "timeline",
    "pillars",
    "changes",
    "exports",
    "methodology",
    "upload",
    "history",
    "?present=1",
]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_pages_pass_axe_without_serious_violations(visit: Any, path: str) -> None:
    """axe-core (bundled with axe-playwright-python, nothing fetched) finds no serious or
    critical accessibility violation on any page."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:  # pragma: no cover - depends on the machine
        need("axe-playwright-python (pip install axe-playwright-python)", False)
    v = visit(path)
    v.page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
    if path in ("", "map"):  # presentation mode's Overview is its figures and chart, no map
        _wait_deck(v.page)
    # A rerun (a URL parameter written back) dims the previous elements for a moment: axe
    # would measure their faded contrast. Wait until nothing on the page is stale.
    v.page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=RENDER_TIMEOUT_MS
    )
    v.page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
    if "present=1" in path:
        # The first run of a presentation is cut short by the rerun the screen's measurement
        # asks for, and the page is idle for a moment in between, drawn in part (no style yet):
        # wait for the view's end, its footer, and an idle page after it.
        v.page.wait_for_selector(".rtop-present-footer", timeout=RENDER_TIMEOUT_MS)
        _view_ready(v.page)
    results = Axe().run(v.page)
    bad = [
        (
            x["id"],
            x["impact"],
            [(n["html"][:200], n.get("failureSummary", "")[-160:]) for n in x["nodes"][:3]],
        )
        for x in results.response["violations"]
        if x["impact"] in ("serious", "critical")
    ]
    assert not bad, bad
    _check_clean(v)


def test_what_changed_after_two_loads(visit: Any, app: App) -> None:
    """Two loads, the first before the meeting: /changes since the meeting shows the status the
    second one moved, with its evidence, in the browser."""
    import datetime as dt
    import sqlite3

    from dashboard.core.db import make_engine
    from loaders.store import load_bytes

    assert app.db is not None
    engine = make_engine(url=f"sqlite:///{app.db}")
    year = dt.date.today().year
    header = "participant,indicator,date,value,source,note\n"
    load_bytes(
        engine=engine,
        data=(header + f"KHM,R1.1,{year},1,Meeting source,\n").encode(),
        name="before-meeting.csv",
    )
    then = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).isoformat()
    with sqlite3.connect(app.db) as conn:  # everything so far was known at the meeting
        conn.execute("UPDATE load_run SET started_at = ?, finished_at = ?", (then, then))
    load_bytes(
        engine=engine,
        data=(header + f"KHM,R1.1,{year},4,Meeting source,\n").encode(),
        name="after-meeting.csv",
    )
    engine.dispose()
    since = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    v = visit(f"changes?since={since}")
    page = v.page
    page.wait_for_selector('[data-testid="stMetric"]', timeout=RENDER_TIMEOUT_MS)
    text = _main_text(page)
    # The tables are drawn on a canvas: the sentence and the counts say what they hold.
    assert "1 status change in" in text and "(1 up, 0 down) across 1 participant;" in text
    assert "0 · 1 · 0" in text, text[:2000]  # evidence added · changed · removed
    _check_clean(v)


FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const key = e.closest('[class*="st-key-"]');
  const box = e.closest('[data-testid]');
  return {
    tag: e.tagName,
    name: (e.getAttribute('aria-label') || e.innerText || '').trim().split('\\n').pop().slice(0, 60),
    key: key ? [...key.classList].find(c => c.startsWith('st-key-')) : '',
    testid: box ? box.dataset.testid : '',
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
  };
}"""


@pytest.mark.parametrize("path", ["", "recommendations"])
def test_every_control_is_reached_by_the_keyboard_with_a_visible_focus(
    visit: Any, path: str
) -> None:
    """Tab from the top: the navigation, every sidebar filter, the page's own controls, the
    downloads and 'Cite this view' are each reached, focus goes round (no trap), and every
    link, button and the map show a solid focus outline."""
    v = visit(path)
    if path == "":
        _wait_deck(v.page)
    else:
        _wait_plotly(v.page)
    # A rerun (a URL parameter written back) would move the focus back to the top: start once
    # nothing on the page is stale.
    v.page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=RENDER_TIMEOUT_MS
    )
    v.page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
    v.page.mouse.click(v.page.viewport_size["width"] // 2, 5)  # start from the page, not a control
    stops: list[dict[str, Any]] = []
    rounds = 0
    for _ in range(400):
        v.page.keyboard.press("Tab")
        found = v.page.evaluate(FOCUS_JS)
        if found is None:
            continue
        if found["testid"] == "stSkipToContent":  # the first stop of the page, again
            rounds += 1
            if rounds == 3:
                break
        if rounds:
            stops.append(found)  # two whole rounds from the skip link (one may be cut short)
    else:
        pytest.fail(f"focus did not come round in 400 presses: {stops[-5:]}")
    names = {s["name"] for s in stops}
    keys = {s["key"] for s in stops}
    nav = {"Overview", "Map", "Participant profile", "Recommendation tracker", "Timeline",
           "Pillar coverage", "What changed", "Exports", "Methodology"}  # fmt: skip
    assert nav <= names, nav - names
    filters = {"st-key-f_shortcut", "st-key-f_participants", "st-key-f_pillars", "st-key-f_recs",
               "st-key-f_period", "st-key-f_sample"}  # fmt: skip
    assert filters <= keys, filters - keys
    assert any(k.startswith("st-key-dl_") for k in keys), "no download button is reachable"
    assert "Cite this view" in names
    own = {"": {"st-key-overview_since"}, "recommendations": {"st-key-tracker_sort",
                                                              "st-key-tracker_year"}}[path]  # fmt: skip
    assert own <= keys, own - keys
    if path == "":
        assert "stDeckGlJsonChart" in {s["testid"] for s in stops}, "the map is not reachable"
    unmarked = [s for s in stops if s["tag"] in ("A", "BUTTON", "SUMMARY") and not s["outline"]]
    unmarked += [s for s in stops if s["testid"] == "stDeckGlJsonChart" and not s["outline"]]
    assert not unmarked, unmarked[:5]
    _check_clean(v)
