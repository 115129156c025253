"""Pages in headless Chromium, as ratios against a floor app and the perf-baseline-0.1 code.

Usage: .venv/bin/python benchmarks/browser.py [--db default,large] [--quick]
       [--refs floor,before,now,plain] [--repeats N] [--rebuild] [--before-ref REF]
       [--pages map,recommendations,...] [--settled]

Three apps ("refs") are measured in the same run, interleaved, on the same machine:

* floor:  benchmarks/floor_app.py, an st.navigation app of two pages, each with one small Plotly
          bar chart and one pydeck ScatterplotLayer of 30 points (no base map), the first also
          with a selectbox; it reads no database. What Streamlit, Plotly and deck.gl cost on
          their own: no page of the app can be faster.
* before: pages/app.py as it was at git tag perf-baseline-0.1 (or --before-ref, e.g. HEAD to
          compare uncommitted work or a commit with its parent), from a temporary `git worktree`
          (removed at the end), imported through PYTHONPATH (checked: dashboard.__file__);
* now:    pages/app.py of the working tree, started as its `make run` starts it: `rtop serve`
          (`python -m loaders serve`), which warms up in the background as the server starts
          (dashboard/ui/warm.py); a "before" whose Makefile says `rtop serve` is started so too;
* plain:  the same working tree started by `streamlit run pages/app.py`: no warm-up (what the
          warm-up is worth, in the same run).

Databases are built (or reused) by benchmarks/pages.py's ensure_database in benchmarks/out/:
default (reference + evidence + synthetic sample) and large (pages.LARGE: 320 participants x 60
indicators, quarterly 2005-2026, about 1.03M observations; --quick: 60 x 30, the file
large-quick). Every server gets its own copy of
the file (RTOP_DATABASE_URL) and runs as `streamlit run <app> --server.headless true
--server.port <free> --browser.gatherUsageStats false --server.fileWatcherType none` (or
`python -m loaders serve --port <free> -- <the same options>`) from its code root, so it reads
that root's .streamlit/config.toml. Each repeat is a fresh server and a fresh browser context
(empty HTTP cache); medians over --repeats (default 3) are reported.

Figures (s = wall seconds as the browser sees them, kB = websocket bytes received):

* cold launch_s: server process launched -> first chart drawn on `/` (a Plotly `.main-svg` or a
  deck.gl canvas, whichever comes first: the app's overview has a map and no Plotly chart);
* cold nav_s:    the server healthy, page.goto(`/`) -> the same first chart;
* cold drawn_s:  page.goto(`/`) -> "drawn": the app idle, every visible chart (Plotly svg, deck
  canvas) present and then the end of the last long main-thread task (the page waits for 12
  frames with no gap over 50 ms: deck.gl and Plotly keep working after their element appears);
* settled nav_s, drawn_s (--settled): the same first visit on another fresh server, made once
  the server is idle (no CPU used for 0.25 s; idle_after_s: from launch to then): what a
  visitor meets who opens a server started a moment before, after `rtop serve`'s warm-up;
* page:<p> s:    click on the sidebar link of page <p> -> the server's script_finished message
  and "drawn" as above. Pages in order: map, recommendations, the rest of the navigation, `/`
  (--pages: only those named, `overview` for `/`, which always ends the tour);
                 `/` has a map and no Plotly chart, so the first page with one (recommendations)
                 also loads and compiles Streamlit's Plotly chunk (measured once: 2.0 s on the
                 first visit, 0.5-0.65 s on later visits from the same pages);
* filter s:      on `/`, pick "Pillar 1" in the sidebar's Pillars multiselect -> the same end;
* rerun s:       (floor only) pick another option of its selectbox -> the same end; the charts
  stay mounted and are redrawn. The floor's rerun is the reference ("x floor") for every page
  and filter change (the issue asks for that ratio);
* nav s:         (floor only) click the sidebar link of its other page -> script_finished and
  "drawn", as page:<p>: the old chart and map are unmounted, a new Plotly chart and a new WebGL
  deck mounted. Four per session (/second, /, /second, /), pooled. The floor's page change is
  the fair reference for the app's page changes ("x floor page");
* <rerun> kB:    websocket bytes the browser received from the action until the next action
  (the payload of that rerun); the biggest elements (Plotly figure, deck layer, table) of each
  rerun are listed below the table;
* rss_peak MB:   peak resident memory (VmHWM) of the streamlit process after every page of the
  navigation and the filter change were drawn;
* breakdown:     server CPU seconds (utime+stime of the streamlit process), browser main-thread
  seconds (CDP Performance TaskDuration, of which ScriptDuration and Layout+RecalcStyle) and the
  tail from the script_finished frame to the painted end, per rerun (frames are timestamped as
  Playwright sees them, late while the page's main thread is busy).

Chromium runs with --disable-gpu, so WebGL (every deck.gl map) is rendered by SwiftShader in
software: the main thread waits in GLES2::ReadPixels while a map is mounted (new WebGL context,
shaders compiled, first frame). That cost is real here and much smaller on a machine with a GPU;
the floor's map pays it too, once, on the cold load.

"x floor" divides by the floor's figure of the same kind (its widget rerun for page, filter and
nav figures), "x floor page" a page change by the floor's page change (nav), "x before" by the
baseline's. The
machine is shared: read ratios, not absolute times. JSON with every raw figure goes to
benchmarks/out/browser.json. Nothing is fetched from outside the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
FLOOR_APP = ROOT / "benchmarks" / "floor_app.py"
BASELINE_TAG = "perf-baseline-0.1"  # tag of commit 47323e5 (used when the tag is missing)
BASELINE_COMMIT = "47323e5"


def _baseline_ref() -> str:
    """The tag if this clone has it, else the commit it names (tags are not always fetched)."""
    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{BASELINE_TAG}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return BASELINE_TAG if found.returncode == 0 else BASELINE_COMMIT


REFS = ("floor", "before", "now", "plain")
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
START_TIMEOUT_S = 120.0
RENDER_TIMEOUT_MS = 300_000  # a script run and its charts (the large DB is slow)
UI_TIMEOUT_MS = 30_000  # finding a link or a widget
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PLOTLY_READY = '[data-testid="stPlotlyChart"] .main-svg'
DECK_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
NAV_LINK = '[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]'
FIRST_PAGES = ("map", "recommendations")  # the page changes of the main table, in this order
FILTER_WIDGET = ".st-key-f_pillars"
FILTER_OPTION = "Pillar 1"
FLOOR_WIDGET = ".st-key-floor_series"
FLOOR_OPTIONS = ("b", "c", "a")
FLOOR_NAV = ("second", "", "second", "")  # the floor's page changes: there and back, twice
# Every visible chart has drawn its svg/canvas and the script is not running.
CHARTS_DRAWN_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const shown = (el) => el.getClientRects().length > 0;
  const plots = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(shown);
  const decks = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')].filter(shown);
  return plots.every((p) => p.querySelector('.main-svg'))
    && decks.every((d) => { const c = d.querySelector('canvas'); return c && c.width > 0; });
}"""
TWO_FRAMES_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
# Resolves once the main thread has drawn QUIET_FRAMES frames without a gap over GAP_MS (no long
# task: deck.gl and Plotly do their work after the element appears); returns how many ms ago that
# quiet stretch began, i.e. when the last long task ended.
QUIET_JS = """async ([gapMs, frames]) => {
  let last = performance.now(), start = last, quiet = 0;
  while (quiet < frames) {
    const t = await new Promise((r) => requestAnimationFrame(r));
    if (t - last > gapMs) { quiet = 0; start = t; } else { quiet += 1; }
    last = t;
  }
  return performance.now() - start;
}"""
GAP_MS = 50
QUIET_FRAMES = 12
CHART_COUNTS_JS = """() => ({
  plotly: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  deck: document.querySelectorAll('[data-testid="stDeckGlJsonChart"]').length,
})"""
CORE_FIELDS = (
    ("cold", "launch_s"),
    ("cold", "nav_s"),
    ("cold", "drawn_s"),
    ("cold", "kB"),
    ("settled", "idle_after_s"),
    ("settled", "nav_s"),
    ("settled", "drawn_s"),
    *((f"page:{p}", f) for p in FIRST_PAGES for f in ("s", "kB")),
    ("filter", "s"),
    ("filter", "kB"),
    ("rerun", "s"),
    ("rerun", "kB"),
    ("nav", "s"),
    ("nav", "kB"),
    ("memory", "rss_peak_MB"),
)
HEADER = [
    "| db | ref | metric | median | × floor | × floor page | × before |",
    "|---|---|---|---:|---:|---:|---:|",
]
BREAKDOWN = ("s", "server_cpu_s", "browser_task_s", "browser_script_s", "browser_layout_s")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------- apps and servers


@dataclass(frozen=True)
class AppSpec:
    """One reference: the script to run, the directory it runs in and its import root."""

    ref: str
    script: Path
    cwd: Path
    pythonpath: Path
    serve: bool = False  # started by `python -m loaders serve` (rtop serve), as its make run does


def _make_run_serves(root: Path) -> bool:
    """Whether that code's `make run` starts the app with `rtop serve` (and its warm-up)."""
    makefile = root / "Makefile"
    return makefile.exists() and "rtop serve" in makefile.read_text()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(*, url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _server_env(*, spec: AppSpec, db_file: Path, base_env: dict[str, str]) -> dict[str, str]:
    env = {**base_env, "RTOP_DATABASE_URL": f"sqlite:///{db_file}"}
    env["PYTHONPATH"] = str(spec.pythonpath)
    env.pop("RTOP_NO_CACHE", None)
    return env


def check_imports(*, spec: AppSpec, base_env: dict[str, str]) -> str:
    """Where the server's `import dashboard` resolves (same env and cwd; -P: no cwd on path)."""
    env = _server_env(spec=spec, db_file=Path("/nonexistent.sqlite"), base_env=base_env)
    proc = subprocess.run(
        [sys.executable, "-P", "-c", "import dashboard; print(dashboard.__file__)"],
        cwd=spec.cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    where = proc.stdout.strip() or proc.stderr.strip()[-300:]
    if spec.ref != "floor" and not where.startswith(str(spec.pythonpath)):
        raise SystemExit(f"{spec.ref}: dashboard imported from {where}, not {spec.pythonpath}")
    return where


def _proc_status(*, pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                out[name] = int(value.split()[0])  # kB
    return out


def _cpu_s(*, pid: int) -> float:
    """utime + stime of a process (all threads), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """A running `streamlit run` subprocess and where its output goes."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_tail(self, *, chars: int = 3000) -> str:
        """The end of the server's output (tracebacks are redacted in the browser)."""
        return self.log.read_text(errors="replace")[-chars:]


@contextlib.contextmanager
def serve(
    *, spec: AppSpec, db_file: Path, base_env: dict[str, str], workdir: Path
) -> Iterator[Server]:
    """Launch the app on a free port; stop it on exit. Health is awaited by the caller."""
    port = _free_port()
    log_path = workdir / f"{spec.ref}-{port}.log"
    same = ["--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none"]  # fmt: skip
    if spec.serve:  # rtop serve: the same `streamlit run`, in a process that warms up first
        cmd = [sys.executable, "-m", "loaders", "serve", "--port", str(port),
               "--address", "127.0.0.1", "--", *same]  # fmt: skip
    else:
        cmd = [sys.executable, "-m", "streamlit", "run", str(spec.script), "--server.port",
               str(port), "--server.address", "127.0.0.1", *same]  # fmt: skip
    env = _server_env(spec=spec, db_file=db_file, base_env=base_env)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=spec.cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield Server(proc=proc, url=f"http://127.0.0.1:{port}", log=log_path)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def wait_healthy(*, server: Server) -> None:
    """Poll /_stcore/health with a deadline (polling, not synchronisation by sleep)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _healthy(url=server.url):
        if server.proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(
                f"streamlit did not become healthy (exit {server.proc.poll()}):\n"
                + server.log_tail()
            )
        time.sleep(0.05)


def wait_idle(*, server: Server, quiet_cpu_s: float = 0.02, window_s: float = 0.25) -> None:
    """Poll the server's CPU time until a window passes with (almost) none used."""
    deadline = time.monotonic() + START_TIMEOUT_S
    used = _cpu_s(pid=server.proc.pid)
    while time.monotonic() < deadline:
        time.sleep(window_s)
        now = _cpu_s(pid=server.proc.pid)
        if now - used < quiet_cpu_s:
            return
        used = now


# ---------------------------------------------------------------- websocket frames


def _forward_msg(payload: bytes | str) -> Any:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    if isinstance(payload, bytes):
        with contextlib.suppress(Exception):
            msg.ParseFromString(payload)
    return msg


def _finished_ok(payload: bytes | str) -> bool:
    msg = _forward_msg(payload)
    return bool(
        msg.WhichOneof("type") == "script_finished"
        and msg.script_finished == msg.FINISHED_SUCCESSFULLY
    )


def _element_key(element_id: str) -> str:
    match = re.match(r"\$\$ID-[0-9a-f]+-(.*)$", element_id)
    key = match.group(1) if match else ""
    return "" if key in ("", "None") else key


def _largest_part(*, kind: str, body: Any) -> str:
    """For a deck: its biggest layer; for a Plotly figure: its biggest trace (id/type, kB)."""
    try:
        if kind == "deck_gl_json_chart":
            spec = json.loads(body.json)
            compact = len(json.dumps(spec, separators=(",", ":")))
            parts = [
                (
                    f"{compact / 1000:.0f} kB as compact JSON; "
                    f"layer {layer.get('id') or layer.get('@@type')}",
                    len(json.dumps(layer, separators=(",", ":"))),
                )
                for layer in spec.get("layers", [])
            ]
        elif kind == "plotly_chart":
            spec = json.loads(body.spec)
            parts = [
                (f"trace {t.get('type', 'scatter')}", len(json.dumps(t, separators=(",", ":"))))
                for t in spec["data"]
            ]
            parts.append(("layout", len(json.dumps(spec.get("layout", {}), separators=(",", ":")))))
        else:
            return ""
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""
    if not parts:
        return ""
    name, size = max(parts, key=lambda p: p[1])
    return f"{name} {size / 1000:.0f} kB"


def describe_frame(payload: bytes | str) -> dict[str, Any]:
    """What one websocket frame carried: message type, element kind, key and size."""
    size = len(payload)
    msg = _forward_msg(payload)
    kind = msg.WhichOneof("type") or "unparsed"
    out: dict[str, Any] = {"bytes": size, "msg": kind, "element": "", "key": "", "part": ""}
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        el_kind = element.WhichOneof("type") or "?"
        body = getattr(element, el_kind, None)
        out["element"] = el_kind
        out["key"] = _element_key(str(getattr(body, "id", "") or ""))
        if size > 20_000:
            out["part"] = _largest_part(kind=el_kind, body=body)
    return out


@dataclass
class Frames:
    """Every websocket frame the page received, with the time it reached this process."""

    received: list[tuple[float, bytes | str]] = field(default_factory=list)
    sockets: list[Any] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        """Record frames of every websocket the page opens."""

        def _on_ws(ws: Any) -> None:
            self.sockets.append(ws)
            ws.on("framereceived", lambda p: self.received.append((time.perf_counter(), p)))

        page.on("websocket", _on_ws)

    def since(self, *, start: float, end: float = float("inf")) -> list[tuple[float, bytes | str]]:
        """Frames received in [start, end)."""
        return [(t, p) for t, p in self.received if start <= t < end]


# ---------------------------------------------------------------- one session


@dataclass
class Step:
    """One measured rerun (cold load, page change, filter change, widget rerun)."""

    name: str
    start: float
    figures: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    charts: dict[str, int] = field(default_factory=dict)
    url: str = ""


class Session:
    """One fresh server + browser context: the cold load, then reruns, then memory."""

    def __init__(self, *, browser: Any, server: Server, spec: AppSpec) -> None:
        self.server = server
        self.spec = spec
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.page.set_default_timeout(UI_TIMEOUT_MS)
        self.frames = Frames()
        self.frames.attach(self.page)
        self.external: list[str] = []
        self.page.route("**/*", self._route)
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self.steps: list[Step] = []

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def close(self) -> None:
        """Close the browser context."""
        with contextlib.suppress(Exception):
            self.context.close()

    def _browser_metrics(self) -> dict[str, float]:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return {m["name"]: float(m["value"]) for m in metrics}

    def _problems(self) -> list[str]:
        out = []
        for testid in ("stException", "stAlertContentError"):
            loc = self.page.locator(f'[data-testid="{testid}"]')
            out += [f"{testid}: {t[:160]}" for t in loc.all_inner_texts()]
        missing = self.page.locator('[data-testid="stDialog"]', has_text="Page not found")
        if missing.count():
            out.append(f"page not found: {self.page.url}")
        return out

    def _drawn(self) -> float:
        """Wait for every chart and a quiet main thread; the time the last long task ended."""
        self.page.wait_for_function(CHARTS_DRAWN_JS, timeout=RENDER_TIMEOUT_MS)
        age_ms = float(self.page.evaluate(QUIET_JS, [GAP_MS, QUIET_FRAMES]))
        return time.perf_counter() - age_ms / 1000

    def _finish_step(
        self, *, step: Step, before: dict[str, float], cpu_before: float, end: float
    ) -> None:
        after = self._browser_metrics()
        pid = self.server.proc.pid
        step.figures["s"] = end - step.start
        step.figures["server_cpu_s"] = _cpu_s(pid=pid) - cpu_before
        step.figures["browser_task_s"] = after["TaskDuration"] - before["TaskDuration"]
        step.figures["browser_script_s"] = after["ScriptDuration"] - before["ScriptDuration"]
        step.figures["browser_layout_s"] = (
            after["LayoutDuration"]
            - before["LayoutDuration"]
            + after["RecalcStyleDuration"]
            - before["RecalcStyleDuration"]
        )
        finished = [t for t, p in self.frames.since(start=step.start, end=end) if _finished_ok(p)]
        if finished:
            step.figures["finished_s"] = finished[0] - step.start
            step.figures["tail_s"] = end - finished[0]
        step.problems = self._problems()
        step.charts = self.page.evaluate(CHART_COUNTS_JS)
        step.url = self.page.url
        self.steps.append(step)

    def cold(self, *, launched: float, settle: bool = False) -> Step:
        """From launch (server already started at `launched`) to the first chart on `/`; with
        `settle`, the visit waits until the started server is idle (its warm-up done)."""
        wait_healthy(server=self.server)
        healthy = time.perf_counter()
        if settle:
            wait_idle(server=self.server)
        before = self._browser_metrics()
        cpu_before = _cpu_s(pid=self.server.proc.pid)
        step = Step(name="settled" if settle else "cold", start=time.perf_counter())
        self.page.goto(f"{self.server.url}/", wait_until="commit", timeout=RENDER_TIMEOUT_MS)
        self.page.wait_for_selector(
            f"{PLOTLY_READY}, {DECK_CANVAS}", state="visible", timeout=RENDER_TIMEOUT_MS
        )
        self.page.evaluate(TWO_FRAMES_JS)
        first = time.perf_counter()
        end = self._drawn()
        self._finish_step(step=step, before=before, cpu_before=cpu_before, end=end)
        step.figures["launch_s"] = first - launched
        step.figures["healthy_s"] = healthy - launched
        step.figures["idle_after_s"] = step.start - launched
        step.figures["nav_s"] = first - step.start
        step.figures["drawn_s"] = end - step.start
        return step

    def rerun(self, *, name: str, action: Callable[[], None]) -> Step:
        """Time `action` (a click that reruns the script) to the page idle and drawn."""
        ws = self.frames.sockets[-1]
        before = self._browser_metrics()
        cpu_before = _cpu_s(pid=self.server.proc.pid)
        step = Step(name=name, start=time.perf_counter())
        with ws.expect_event("framereceived", predicate=_finished_ok, timeout=RENDER_TIMEOUT_MS):
            action()
        end = self._drawn()
        self._finish_step(step=step, before=before, cpu_before=cpu_before, end=end)
        return step

    def nav_paths(self) -> list[str]:
        """The url paths of the sidebar navigation ('' is `/`), in their order."""
        more = self.page.locator('[data-testid="stSidebarNavViewButton"]')
        if more.count() and "more" in more.inner_text().lower():
            more.click()
        hrefs = self.page.locator(NAV_LINK).evaluate_all("els => els.map((e) => e.href)")
        return [urlsplit(h).path.strip("/") for h in hrefs]

    def click_nav(self, *, path: str) -> Callable[[], None]:
        """The action: click the sidebar link to `path`."""

        def _click() -> None:
            links = self.page.locator(NAV_LINK)
            for i in range(links.count()):
                link = links.nth(i)
                href = link.get_attribute("href") or ""
                if urlsplit(href).path.strip("/") == path:
                    link.click()
                    return
            raise RuntimeError(f"no sidebar link to /{path}")

        return _click

    def pick(self, *, widget: str, option: str) -> Callable[[], None]:
        """Open a select/multiselect widget (untimed) and return the click on its option."""
        self.page.locator(f"{widget} [role='combobox']").first.click()
        target = self.page.get_by_role("option", name=option, exact=True)
        target.wait_for(state="visible")
        return target.click

    def memory(self) -> dict[str, float]:
        """Peak and current RSS of the server process, in MB."""
        status = _proc_status(pid=self.server.proc.pid)
        return {
            "rss_peak_MB": status.get("VmHWM", 0) / 1024,
            "rss_MB": status.get("VmRSS", 0) / 1024,
        }


def run_session(
    *,
    browser: Any,
    spec: AppSpec,
    db_path: Path,
    base_env: dict[str, str],
    workdir: Path,
    pages: set[str] | None = None,
    settled: bool = False,
) -> dict[str, Any]:
    """Copy the database, start the server, measure everything, stop it; a JSON-ready dict.
    `settled`: only the first visit, once the started server is idle (step "settled")."""
    db_file = workdir / f"{spec.ref}.sqlite"
    shutil.copyfile(db_path, db_file)
    result: dict[str, Any] = {"ref": spec.ref, "steps": {}, "problems": [], "error": None}
    stamp = code_stamp()
    launched = time.perf_counter()
    with serve(spec=spec, db_file=db_file, base_env=base_env, workdir=workdir) as server:
        session = Session(browser=browser, server=server, spec=spec)
        try:
            session.cold(launched=launched, settle=settled)
            if settled:
                pass
            elif spec.ref == "floor":
                for option in FLOOR_OPTIONS:
                    session.page.keyboard.press("Escape")
                    action = session.pick(widget=FLOOR_WIDGET, option=option)
                    session.rerun(name=f"rerun:{option}", action=action)
                session.page.keyboard.press("Escape")
                result["nav"] = session.nav_paths()
                for i, path in enumerate(FLOOR_NAV):
                    name = f"nav:{path or 'first'}:{i + 1}"
                    session.rerun(name=name, action=session.click_nav(path=path))
            else:
                paths = session.nav_paths()
                result["nav"] = paths
                rest = [p for p in paths if p not in (*FIRST_PAGES, "")]
                tour = [*FIRST_PAGES, *rest]
                if pages is not None:
                    tour = [p for p in tour if p in pages]
                for path in [*tour, ""]:
                    name = f"page:{path or 'overview'}"
                    session.rerun(name=name, action=session.click_nav(path=path))
                action = session.pick(widget=FILTER_WIDGET, option=FILTER_OPTION)
                session.rerun(name="filter", action=action)
            if not settled:
                result["memory"] = session.memory()
        except Exception as exc:  # noqa: BLE001 - a failing app is a result, not a crash
            result["error"] = f"{type(exc).__name__}: {str(exc)[:400]}"
            result["log_tail"] = server.log_tail()
            result["memory"] = session.memory()
        finally:
            result["external_requests"] = session.external
            frames = session.frames.received
            bounds = [s.start for s in session.steps] + [float("inf")]
            for i, step in enumerate(session.steps):
                got = [p for t, p in frames if bounds[i] <= t < bounds[i + 1]]
                step.figures["kB"] = sum(len(p) for p in got) / 1000
                elements = [describe_frame(p) for p in got]
                elements.sort(key=lambda e: -int(e["bytes"]))
                result["steps"][step.name] = {
                    "figures": step.figures,
                    "charts": step.charts,
                    "url": step.url,
                    "problems": step.problems,
                    "frames": len(got),
                    "largest": elements[:4],
                }
                result["problems"] += [f"{step.name}: {p}" for p in step.problems]
            session.close()
    db_file.unlink(missing_ok=True)
    if spec.ref == "now" and code_stamp() != stamp:
        result["code_changed"] = True
    return result


# ---------------------------------------------------------------- references


def code_stamp() -> str:
    """A hash of the app code of the working tree, to notice edits made while measuring."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]):
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextlib.contextmanager
def baseline_worktree(ref: str | None = None) -> Iterator[Path]:
    """A detached worktree of `ref` (default BASELINE_TAG) in a temporary directory, removed on
    exit."""
    parent = Path(tempfile.mkdtemp(prefix="rtop-before-"))
    path = parent / "before"
    git = ["git", "-C", str(ROOT)]
    subprocess.run(
        [*git, "worktree", "add", "--detach", str(path), ref or _baseline_ref()],
        check=True,
        stdout=sys.stderr,
    )
    try:
        yield path
    finally:
        subprocess.run(
            [*git, "worktree", "remove", "--force", str(path)], check=False, stdout=sys.stderr
        )
        shutil.rmtree(parent, ignore_errors=True)


def app_specs(*, refs: list[str], before_root: Path | None) -> list[AppSpec]:
    """The AppSpec of every requested reference."""
    specs = []
    for ref in refs:
        if ref == "floor":
            specs.append(AppSpec(ref=ref, script=FLOOR_APP, cwd=ROOT, pythonpath=ROOT))
        elif ref == "before":
            assert before_root is not None
            script = before_root / "pages" / "app.py"
            specs.append(
                AppSpec(
                    ref=ref,
                    script=script,
                    cwd=before_root,
                    pythonpath=before_root,
                    serve=_make_run_serves(before_root),
                )
            )
        else:  # now: as make run starts it; plain: `streamlit run pages/app.py`, no warm-up
            specs.append(
                AppSpec(
                    ref=ref,
                    script=ROOT / "pages" / "app.py",
                    cwd=ROOT,
                    pythonpath=ROOT,
                    serve=ref == "now" and _make_run_serves(ROOT),
                )
            )
    return specs


@contextlib.contextmanager
def _build_env() -> Iterator[None]:
    """While building: RTOP_DATA_DIR defaults to ./data (code moves must not break the build)."""
    had = os.environ.get("RTOP_DATA_DIR")
    os.environ.setdefault("RTOP_DATA_DIR", str(ROOT / "data"))
    try:
        yield
    finally:
        if had is None:
            os.environ.pop("RTOP_DATA_DIR", None)


def databases(*, names: list[str], quick: bool, rebuild: bool) -> list[dict[str, Any]]:
    """Build or reuse the requested databases with benchmarks/pages.py's ensure_database."""
    import importlib.util

    # By file: on sys.path, benchmarks/loaders.py would shadow the loaders package it builds with.
    where = importlib.util.spec_from_file_location("bench_pages", ROOT / "benchmarks" / "pages.py")
    assert where is not None and where.loader is not None
    bench_pages = importlib.util.module_from_spec(where)
    sys.modules["bench_pages"] = bench_pages
    where.loader.exec_module(bench_pages)
    LARGE, LARGE_QUICK = bench_pages.LARGE, bench_pages.LARGE_QUICK
    ensure_database = bench_pages.ensure_database

    out = []
    with _build_env():
        for name in names:
            if name == "default":
                out.append(
                    ensure_database(name="default", params={"kind": "default"}, rebuild=rebuild)
                )
            else:
                params = LARGE_QUICK if quick else LARGE
                db_name = "large-quick" if quick else "large"
                out.append(ensure_database(name=db_name, params=params, rebuild=rebuild))
    return out


# ---------------------------------------------------------------- report


def _floor_name(name: str) -> str:
    return "rerun" if name.startswith(("page:", "filter", "rerun", "nav")) else name


def medians(*, runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """{step: {figure: median over repeats}}; the floor's widget reruns pool as 'rerun', its
    page changes as 'nav'."""
    pooled: dict[str, dict[str, list[float]]] = {}
    for run in runs:
        for name, step in run["steps"].items():
            key = name.split(":", 1)[0] if name.startswith(("rerun:", "nav:")) else name
            for fig_name, value in step["figures"].items():
                pooled.setdefault(key, {}).setdefault(fig_name, []).append(value)
        for fig_name, value in (run.get("memory") or {}).items():
            pooled.setdefault("memory", {}).setdefault(fig_name, []).append(value)
    return {
        step: {f: statistics.median(v) for f, v in figs.items()} for step, figs in pooled.items()
    }


def _ratio(*, value: float | None, ref: float | None) -> str:
    if value is None or ref is None or ref <= 0:
        return "–"
    return f"{value / ref:.1f}×"


def _fmt(*, value: float, fig: str) -> str:
    if fig.endswith("kB"):
        return f"{value:,.0f}"
    if fig.endswith("MB"):
        return f"{value:.0f}"
    return f"{value:.2f}" if value >= 0.095 else f"{value:.3f}"


def table(
    *, db: str, meds: dict[str, dict[str, dict[str, float]]], fields: list[tuple[str, str]]
) -> list[str]:
    """Rows `| db | ref | metric | median | x floor | x floor page | x before |`.

    x floor: against the floor's widget rerun (for page, filter and rerun figures) or the floor's
    figure of the same name; x floor page: page changes against the floor's page change."""
    lines = []
    for step, fig in fields:
        for ref in REFS:
            value = meds.get(ref, {}).get(step, {}).get(fig)
            if value is None:
                continue
            floor = meds.get("floor", {}).get(_floor_name(step), {}).get(fig)
            floor_page = (
                meds.get("floor", {}).get("nav", {}).get(fig)
                if step.startswith(("page:", "nav"))
                else None
            )
            before = meds.get("before", {}).get(step, {}).get(fig)
            vs_before = _ratio(value=value, ref=before) if ref != "floor" else "–"
            lines.append(
                f"| {db} | {ref} | {step} {fig} | {_fmt(value=value, fig=fig)} | "
                f"{_ratio(value=value, ref=floor)} | {_ratio(value=value, ref=floor_page)} | "
                f"{vs_before} |"
            )
    return lines


def payload_lines(*, db: str, runs: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The biggest frames of each rerun of the first successful run of each reference."""
    lines = []
    for ref in REFS:
        good = [r for r in runs.get(ref, []) if r["steps"]]
        if not good:
            continue
        for name, step in good[0]["steps"].items():
            big = [e for e in step["largest"] if e["bytes"] >= 5_000][:3]
            what = "; ".join(
                f"{e['element'] or e['msg']}{'[' + e['key'] + ']' if e['key'] else ''} "
                f"{e['bytes'] / 1000:,.0f} kB{' (' + e['part'] + ')' if e['part'] else ''}"
                for e in big
            )
            lines.append(
                f"- {db} {ref} {name}: {step['figures'].get('kB', 0):,.0f} kB in "
                f"{step['frames']} frames; {what or 'no frame over 5 kB'}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--refs", default=",".join(REFS), help="comma list of floor,before,now,plain"
    )
    parser.add_argument("--db", default="default,large", help="comma list of default,large")
    parser.add_argument("--quick", action="store_true", help="the smaller large DB (60 x 30)")
    parser.add_argument("--repeats", type=int, default=3, help="fresh servers per app (median)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    parser.add_argument(
        "--before-ref", default=None, help=f"git ref of the 'before' code (default {BASELINE_TAG})"
    )
    parser.add_argument(
        "--out", default="browser", help="file stem under benchmarks/out/ (.md and .json)"
    )
    parser.add_argument(
        "--settled",
        action="store_true",
        help="also time, on another fresh server per ref and repeat, the first visit once the "
        "started server is idle (its warm-up done): step 'settled'",
    )
    parser.add_argument(
        "--pages", default=None, help="comma list of pages to visit (url paths; overview = /)"
    )
    args = parser.parse_args(argv)
    refs = [r for r in REFS if r in args.refs.split(",")]
    db_names = [d for d in ("default", "large") if d in args.db.split(",")]
    if not refs or not db_names:
        parser.error("--refs and --db need at least one known name")
    pages = (
        None
        if args.pages is None
        else {p.strip() for p in args.pages.split(",")}
        - {
            "overview",
            "",
        }
    )

    from playwright.sync_api import sync_playwright

    base_env = dict(os.environ)
    OUT.mkdir(parents=True, exist_ok=True)
    dbs = databases(names=db_names, quick=args.quick, rebuild=args.rebuild)
    load_before = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    all_runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    imports: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        before_root = (
            stack.enter_context(baseline_worktree(args.before_ref)) if "before" in refs else None
        )
        specs = app_specs(refs=refs, before_root=before_root)
        for spec in specs:
            imports[spec.ref] = check_imports(spec=spec, base_env=base_env)
            print(f"{spec.ref}: dashboard from {imports[spec.ref]}", file=sys.stderr)
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rtop-browser-")))
        for db in dbs:
            runs = all_runs.setdefault(db["name"], {})
            rounds = [(spec, False) for spec in specs]  # interleaved: load spreads evenly
            rounds += [(spec, True) for spec in specs] if args.settled else []
            for rep in range(args.repeats):
                for spec, settled in rounds:
                    what = f"{spec.ref}{' settled' if settled else ''}"
                    print(f"{db['name']} #{rep + 1} {what} ...", file=sys.stderr, flush=True)
                    run = run_session(
                        browser=browser,
                        spec=spec,
                        db_path=Path(db["url"].removeprefix("sqlite:///")),
                        base_env=base_env,
                        workdir=workdir,
                        pages=pages,
                        settled=settled,
                    )
                    if run["error"]:
                        print(f"  {what} failed: {run['error']}", file=sys.stderr)
                    runs.setdefault(spec.ref, []).append(run)

    meds = {
        db: {ref: medians(runs=[r for r in rs if r["steps"]]) for ref, rs in runs.items()}
        for db, runs in all_runs.items()
    }
    out: list[str] = [
        "## Pages in headless Chromium (medians; ratios to floor rerun, floor page, before)\n"
    ]
    for db in dbs:
        c = db.get("counts", {})
        out.append(
            f"- **{db['name']}** DB: {c.get('observations', 0):,} observations, {db['size_mb']} MB"
        )
    out.append(
        f"- {args.repeats} repeat(s), {os.cpu_count()} CPUs, load average {load_before:.1f} "
        f"before, {os.getloadavg()[0]:.1f} after; before = "
        f"{args.before_ref or _baseline_ref()}; dashboard imported from: "
        + ", ".join(f"{k}={v}" for k, v in imports.items())
    )
    out += ["", *HEADER]
    for db in dbs:
        out += table(db=db["name"], meds=meds[db["name"]], fields=list(CORE_FIELDS))
    out += ["", "### Every page change (s, kB)", ""]
    out += HEADER
    for db in dbs:
        steps = list(meds[db["name"]].get("now") or meds[db["name"]].get("before") or {})
        tour = [s for s in steps if s.startswith("page:") and s[5:] not in FIRST_PAGES]
        fields = [(s, f) for s in tour for f in ("s", "kB")]
        out += table(db=db["name"], meds=meds[db["name"]], fields=fields)
    out += ["", "### Where the seconds go (per rerun: wall, server CPU, browser main thread)", ""]
    out += HEADER
    for db in dbs:
        names = ["cold", *(f"page:{p}" for p in FIRST_PAGES), "filter", "rerun", "nav"]
        fields = [(n, f) for n in names for f in (*BREAKDOWN, "tail_s")]
        out += table(db=db["name"], meds=meds[db["name"]], fields=fields)
    out += ["", "### Biggest websocket frames per rerun (first repeat)", ""]
    for db in dbs:
        out += payload_lines(db=db["name"], runs=all_runs[db["name"]])
    notes = []
    for db_name, db_runs in all_runs.items():
        for ref, rs in db_runs.items():
            for i, run in enumerate(rs):
                if run["error"]:
                    notes.append(f"- {db_name} {ref} #{i + 1} FAILED: {run['error'][:200]}")
                if run["problems"]:
                    notes.append(
                        f"- {db_name} {ref} #{i + 1} on-page errors: {run['problems'][:3]}"
                    )
                if run.get("external_requests"):
                    notes.append(
                        f"- {db_name} {ref} #{i + 1} blocked: {run['external_requests'][:3]}"
                    )
                if run.get("code_changed"):
                    notes.append(
                        f"- {db_name} now #{i + 1}: the working tree changed during the run"
                    )
    if notes:
        out += ["", "### Notes", "", *notes]
    text = "\n".join(out)
    print(text)
    result = {
        "started": started,
        "args": vars(args),
        "imports": imports,
        "databases": dbs,
        "medians": meds,
        "runs": all_runs,
        "now_code_stamp": code_stamp(),
    }
    (OUT / f"{args.out}.json").write_text(json.dumps(result, indent=2, default=str))
    (OUT / f"{args.out}.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
