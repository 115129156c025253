"""Issue 19 in the real browser: charts laid out whole at 1366x768 and 1920x1080 (item 7),
clicks answered where the eye is (item 8), and presentation mode's views each on one screen
(item 3). Measured in headless Chromium against the running app (tests/e2e/test_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_browser import IDLE, PLOTLY_READY, RENDER_TIMEOUT_MS, App

pytestmark = pytest.mark.e2e

SIZES = [(1366, 768), (1920, 1080)]
SIZE_IDS = ["laptop", "projector"]

# Every chart's title, subtitle, legend and source line, as the browser drew them.
CHART_BOXES = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].map((c) => {
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return r.width > 0 ? {l: r.left, r: r.right, t: r.top, b: r.bottom} : null;
  };
  const svg = box(c.querySelector('.main-svg'));
  const texts = (sel) => [...c.querySelectorAll(sel)].map((e) => ({text: e.textContent, ...box(e)}));
  return {
    svg,
    title: texts('.g-gtitle .gtitle'),
    subtitle: texts('.g-gtitle .gtitle-subtitle'),
    legend: box(c.querySelector('.legend')),
    notes: [...c.querySelectorAll('.annotation')].map((a) => ({
      text: a.textContent, ...box(a.querySelector('.annotation-text') || a)})),
  };
})"""


def _open(page: Any, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(PLOTLY_READY, timeout=RENDER_TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
        ".every((c) => c.querySelector('.main-svg'))",
        timeout=RENDER_TIMEOUT_MS,
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=RENDER_TIMEOUT_MS
    )
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)


def _overlap(a: dict[str, float] | None, b: dict[str, float] | None) -> bool:
    if not a or not b:
        return False
    return (
        a["l"] < b["r"] - 1 and b["l"] < a["r"] - 1 and a["t"] < b["b"] - 1 and b["t"] < a["b"] - 1
    )


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_chart_words_are_whole_and_apart(browser: Any, app: App, size: tuple[int, int]) -> None:  # noqa: F811
    """Item 7: every chart's title, subtitle and source line lie inside the chart (two titles
    were cut, '…indica' and '…SG rep', and the Overview's and tracker's source lines at the
    right edge), and no legend sits on the title or subtitle (Pillars, Timeline)."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    problems: list[str] = []
    try:
        page = context.new_page()
        for path in ("", "recommendations", "pillars", "timeline", "country?participant=VNM"):
            _open(page, f"{app.url}/{path}")
            for n, chart in enumerate(page.evaluate(CHART_BOXES)):
                svg = chart["svg"]
                where = f"/{path} chart {n + 1}"
                words = [*chart["title"], *chart["subtitle"]]
                words += [x for x in chart["notes"] if x["text"].startswith("Source:")]
                assert any(x["text"].startswith("Source:") for x in words), where
                for x in words:
                    if x.get("r") is None:
                        continue
                    if x["l"] < svg["l"] - 1 or x["r"] > svg["r"] + 1:
                        problems.append(f"{where}: cut at the side: {x['text'][:50]!r}")
                for x in [*chart["title"], *chart["subtitle"]]:
                    if _overlap(chart["legend"], x):
                        problems.append(f"{where}: the legend sits on {x['text'][:50]!r}")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


# Everything a view shows, against the screen: the footer's top, the viewport's right edge.
VIEW_BOXES = """() => {
  const foot = document.querySelector('.rtop-present-footer').getBoundingClientRect();
  const shown = [...document.querySelectorAll(
      '[data-testid=stMainBlockContainer] [data-testid=stElementContainer]')]
    .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height > 2
      && !e.querySelector('.rtop-present-footer'))
    .map((e) => {
      const r = e.getBoundingClientRect();
      const kind = (e.querySelector('[data-testid]') || e).dataset.testid || '';
      return {kind, text: e.innerText.slice(0, 40), b: r.bottom, r: r.right, l: r.left};
    });
  return {foot: foot.top, width: innerWidth, height: innerHeight, shown};
}"""
TICKS = """(sel) => [...document.querySelectorAll(sel)].map((t) => {
  const r = t.getBoundingClientRect();
  return {text: t.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom};
})"""


def _open_view(page: Any, url: str, *, chart: bool) -> None:
    """A presentation view, once drawn for this screen (its chart as wide as the screen
    allows, after the browser has told the server the screen's size)."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
    size = page.viewport_size
    page.wait_for_selector(
        f'.rtop-present-footer[data-screen="{size["width"]}x{size["height"]}"]',
        timeout=RENDER_TIMEOUT_MS,
    )
    if chart:
        page.wait_for_function(
            "() => { const s = document.querySelector('[data-testid=stPlotlyChart] .main-svg');"
            " return s && parseFloat(s.getAttribute('width')) <= innerWidth; }",
            timeout=RENDER_TIMEOUT_MS,
        )
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=RENDER_TIMEOUT_MS
    )
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_every_presentation_view_fits_its_screen(  # noqa: F811
    browser: Any, app: App, size: tuple[int, int]
) -> None:
    """Item 3: each view of presentation mode lies whole on the screen, above the footer; the
    tracker shows all 27 rows (it showed 15, every ASEAN member below the fold), the Overview
    its figures, big, beside the whole chart (cut at R12; at 1366x768 only the figures showed),
    the pillar chart every participant's name whole, the timeline a date axis."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    problems: list[str] = []
    try:
        page = context.new_page()
        for view in ("", "map", "recommendations", "pillars", "changes", "timeline"):
            _open_view(page, f"{app.url}/{view}?present=1", chart=view not in ("map", "changes"))
            seen = page.evaluate(VIEW_BOXES)
            where = f"/{view} at {width}x{height}"
            assert seen["shown"], where
            for box in seen["shown"]:
                if box["b"] > seen["foot"] + 1 or box["r"] > width + 1 or box["l"] < -1:
                    problems.append(f"{where}: {box['kind']} {box['text']!r} off the screen")
            footer_top = seen["foot"]

            def inside(
                ticks: list[dict[str, Any]], *, where: str = where, top: float = footer_top
            ) -> None:
                for t in ticks:
                    if t["b"] > top + 1 or t["r"] > width + 1 or t["l"] < -1 or t["t"] < -1:
                        problems.append(f"{where}: {t['text']!r} off the screen")

            if view == "recommendations":
                rows = page.evaluate(TICKS, "[data-testid=stPlotlyChart] .ytick text")
                assert len(rows) == 27, (where, len(rows))
                assert {"Viet Nam", "Thailand", "Indonesia"} <= {r["text"] for r in rows}
                inside(rows)
            if view == "":
                recs = page.evaluate(TICKS, "[data-testid=stPlotlyChart] .ytick text")
                assert any(r["text"].startswith("R12") for r in recs), (where, recs)
                inside(recs)
                metrics = page.locator('[data-testid="stMetricValue"]')
                assert metrics.count() >= 7, where
                body = page.evaluate(
                    "() => parseFloat(getComputedStyle(document.querySelector("
                    "'[data-testid=stCaptionContainer]')).fontSize)"
                )
                for i in range(metrics.count()):
                    big = metrics.nth(i).evaluate(
                        "(m) => Math.max(...[m, ...m.querySelectorAll('*')]"
                        ".filter((e) => e.textContent.trim()).map((e) => parseFloat(getComputedStyle(e).fontSize)))"
                    )
                    assert big >= 2 * body and big >= 30, (where, i, big, body)
            if view == "pillars":
                names = page.evaluate(TICKS, "[data-testid=stPlotlyChart] .xtick text")
                assert len(names) == 27, (where, len(names))
                inside(names)
            if view == "timeline":
                years = page.evaluate(TICKS, "[data-testid=stPlotlyChart] .xtick text")
                assert len(years) >= 5 and all(y["text"].isdigit() for y in years), (where, years)
                inside(years)
    finally:
        context.close()
    assert problems == [], "\n".join(problems[:40])


DIALOG = '[data-testid="stDialog"]'


def _answer_in_sight(page: Any, title: str) -> dict[str, float]:
    """Wait for the "Why this status?" drawer with ``title``; its box, and the answer's line,
    both inside the viewport."""
    drawer = page.locator(DIALOG, has_text=title)
    drawer.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    answer = drawer.get_by_text("Why this status?", exact=False).last
    answer.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    view = page.viewport_size
    for box in (drawer.bounding_box(), answer.bounding_box()):
        assert box is not None
        assert box["x"] >= -1 and box["y"] >= -1, (title, box)
        assert box["x"] + box["width"] <= view["width"] + 1, (title, box, view)
        assert box["y"] + box["height"] <= view["height"] + 1, (title, box, view)
    found = answer.bounding_box()
    assert found is not None
    return found


def _dismiss(page: Any) -> None:
    page.keyboard.press("Escape")
    page.locator(DIALOG).first.wait_for(state="hidden", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)


def test_a_click_is_answered_where_the_eye_is(browser: Any, app: App) -> None:  # noqa: F811
    """Item 8, at 1366x768: a click on a tracker cell, a map point or a profile's scorecard row
    opens "Why this status?" in a drawer inside the viewport (it filled a panel ~1,500 px below,
    and nothing seemed to happen); dismissed, the same cell answers a second click."""
    from tests.e2e.test_browser import _cell_centre
    from tests.e2e.test_map_browser import _drawn, _scene, _to_screen

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        # the tracker: Viet Nam's row is below the fold at first; the person scrolls to it
        _open(page, f"{app.url}/recommendations")
        page.locator(
            '[data-testid="stPlotlyChart"] .ytick text', has_text="Viet Nam"
        ).first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # the scroll settles (a smooth scroll): no state to wait on
        for attempt in ("first", "again"):
            x, y = _cell_centre(page, row="Viet Nam", column="R6")
            page.mouse.click(x, y)
            _answer_in_sight(page, "Why this status? Viet Nam, R6")
            said = page.locator(DIALOG).inner_text()  # the tables are drawn on canvases
            assert "Coverage: " in said and "The evidence on record" in said, (attempt, said)
            _dismiss(page)
        # the map: a click on Viet Nam's point in the Southeast Asia inset
        page.goto(f"{app.url}/map", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
        _drawn(page)
        page.locator('[data-testid="stDeckGlJsonChart"]').first.scroll_into_view_if_needed()
        _drawn(page)
        page.wait_for_load_state("networkidle")  # the outlines and labels' image, as files
        box = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
        assert box is not None
        scene = _scene(app, (round(box["width"]), round(box["height"])))
        vnm = next(m for m in scene.markers if m.code == "VNM" and m.where == "inset")
        page.mouse.click(*_to_screen(page, scene, vnm.x, vnm.y))
        _answer_in_sight(page, "Why this status? Viet Nam, R1")
        assert (
            page.locator(DIALOG)
            .get_by_role("link", name="Open the profile of Viet Nam")
            .is_visible()
        )
        _dismiss(page)
        # the profile: a click on the scorecard's first row (R1), a grid drawn on a canvas
        page.goto(f"{app.url}/country?participant=AUS", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
        page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
        grid = page.locator(".st-key-scorecard [data-testid='stDataFrame']").first
        grid.scroll_into_view_if_needed()
        grid.locator("canvas").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
        page.wait_for_timeout(300)  # the scroll settles (a smooth scroll): no state to wait on
        cell = grid.bounding_box()
        assert cell is not None
        page.mouse.click(cell["x"] + 16, cell["y"] + 35 + 17)  # the first row's selection box
        _answer_in_sight(page, "Why this status? Australia, R1")
    finally:
        context.close()
