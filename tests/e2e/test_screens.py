"""Issue 19 in the real browser: charts laid out whole at 1366x768 and 1920x1080 (item 7),
clicks answered where the eye is (item 8), and presentation mode's views each on one screen
(item 3). Measured in headless Chromium against the running app (tests/e2e/test_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_browser import (  # noqa: F401 - app and browser are fixtures
    IDLE,
    PLOTLY_READY,
    RENDER_TIMEOUT_MS,
    App,
    app,
    browser,
)

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
    return a["l"] < b["r"] - 1 and b["l"] < a["r"] - 1 and a["t"] < b["b"] - 1 and b["t"] < a["b"] - 1


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_chart_words_are_whole_and_apart(browser: Any, app: App, size: tuple[int, int]) -> None:
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
