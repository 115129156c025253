"""Presentation mode (`?present=1` on any page): no sidebar or widgets, type readable from the
back of a room, previous/next through a sequence of views with the keyboard (→/PageDown/Space,
←/PageUp), an optional auto-advance (`interval=30`), and the data version and filters in a
footer. Each view is one slide of 1920x1080 CSS pixels (dashboard/presentation.py SLIDE),
scaled to the screen (CSS zoom): at 1366x768 the whole view shows, smaller, never a part of
it. The sequence logic is in dashboard/presentation.py."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v2

from dashboard import presentation
from dashboard.charts.common import Screen
from dashboard.core.scoring import RULE_VERSION
from dashboard.filters import Filters
from dashboard.views.dataset import Dataset

NEXT, PREVIOUS = "Next view", "Previous view"

# The screen's size, measured in the browser and sent back to the server (a component of our
# own, Streamlit's components v2: inline script, no sandbox, no file): the charts are drawn for
# it (the type is scaled by CSS alone, --rtop-px below). Our own script and values only, never
# data.
SCREEN_JS = """
export default function(component) {
  const { setStateValue, data } = component;
  const fit = () => {
    const w = window.innerWidth, h = window.innerHeight;
    const size = `${w}x${h}`;
    if (data !== size) setStateValue('screen', size);
  };
  fit();
  let timer;
  const onResize = () => { clearTimeout(timer); timer = setTimeout(fit, 250); };
  window.addEventListener('resize', onResize);
  return () => window.removeEventListener('resize', onResize);
}
"""
_SCREEN = st.components.v2.component("rtop_present_screen", js=SCREEN_JS)
SCREEN_KEY = "present_screen"

# Every size is in the slide's pixels (1920x1080) times --rtop-px, one slide pixel on this
# screen: the smaller of the window's width / 1920 and height / 1080, computed by CSS from the
# viewport itself, so the type is right from the first paint, before any script runs: the same
# view on every 16:9 screen, smaller on a smaller one. The charts are drawn for the screen's
# pixels on the server (screen() reads the size the script puts in the link).
CSS = """
<style>
:root { --rtop-px: min(calc(100vw / 1920), calc(100vh / 1080)); }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {
  display: none !important;
}
[data-testid="stMain"] :is([data-testid="stRadio"], [data-testid="stSelectbox"],
  [data-testid="stMultiSelect"], [data-testid="stCheckbox"], [data-testid="stDateInput"],
  [data-testid="stTextInput"], [data-testid="stTextArea"], [data-testid="stButton"],
  [data-testid="stDownloadButton"], [data-testid="stExpander"], [data-testid="stForm"],
  [data-testid="stFileUploader"], [data-testid="stSlider"], [data-testid="stSegmentedControl"],
  [data-testid="stCheckbox"], [data-testid="stToggle"], [data-testid="stCode"]),
.st-key-present_prev, .st-key-present_next, .st-key-present_screen, .st-key-present_keys, hr {
  display: none !important;
}
/* What a view hides leaves no gap: Streamlit spaces every element, shown or not */
[data-testid="stElementContainer"]:has(> :is([data-testid="stRadio"],
  [data-testid="stSelectbox"], [data-testid="stCheckbox"], [data-testid="stSlider"],
  [data-testid="stToggle"], [data-testid="stButton"], [data-testid="stDownloadButton"],
  [data-testid="stExpander"], [data-testid="stCode"], [data-testid="stMultiSelect"],
  [data-testid="stDateInput"], [data-testid="stSegmentedControl"])),
[data-testid="stElementContainer"]:has(> .stHtml:empty),
.st-key-present_keys, .st-key-present_prev, .st-key-present_next, .st-key-present_screen {
  display: none !important;
}
[data-testid="stMain"] { overflow: hidden !important; }
[data-testid="stMainBlockContainer"] {
  max-width: 100% !important;
  padding: calc(14 * var(--rtop-px)) calc(40 * var(--rtop-px))
           calc(60 * var(--rtop-px)) calc(40 * var(--rtop-px)) !important;
}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {
  gap: calc(16 * var(--rtop-px)) !important;
}
[data-testid="stMain"] :is(p, li, td, th, label, [data-testid="stMarkdownContainer"],
  [data-testid="stCaptionContainer"], [data-testid="stMetricLabel"], [data-testid="stAlert"]) {
  font-size: calc(24 * var(--rtop-px)) !important; line-height: 1.3 !important;
}
[data-testid="stMain"] h1 {
  font-size: calc(48 * var(--rtop-px)) !important; line-height: 1.15 !important;
  padding: 0 0 calc(6 * var(--rtop-px)) 0 !important;
}
[data-testid="stMain"] h2 { font-size: calc(36 * var(--rtop-px)) !important; }
[data-testid="stMain"] h3 { font-size: calc(30 * var(--rtop-px)) !important; }
/* The headline figures: big numbers (the text rule above would make them body size) */
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] :is(p, div, span,
  [data-testid="stMarkdownContainer"]) {
  font-size: calc(48 * var(--rtop-px)) !important; line-height: 1.15 !important;
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stMain"] [data-testid="stMetricDelta"] :is(p, div, span,
  [data-testid="stMarkdownContainer"]) {
  font-size: calc(20 * var(--rtop-px)) !important;
}
[data-testid="stMain"] [data-testid="stMetricLabel"] :is(p, div, span, label,
  [data-testid="stMarkdownContainer"]),
[data-testid="stMain"] [data-testid="stColumn"] [data-testid="stCaptionContainer"] :is(p, div),
[data-testid="stMain"] [data-testid="stColumn"] [data-testid="stCaptionContainer"] {
  font-size: calc(20 * var(--rtop-px)) !important;
}
[data-testid="stMetricLabel"] svg { width: calc(18 * var(--rtop-px)) !important; }
.rtop-sr-only {
  position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap;
}
.rtop-present-footer {
  position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000;
  padding: calc(8 * var(--rtop-px)) calc(40 * var(--rtop-px));
  background: #ffffff; border-top: 2px solid #444; color: #222;
  font-size: calc(20 * var(--rtop-px)); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis;
}
</style>
"""


def active() -> bool:
    """True when the page was opened with `?present=1`."""
    return st.query_params.get("present") == "1"


def screen() -> tuple[int, int]:
    """The screen's size in CSS pixels, as the browser measured it (the slide's, 1920x1080,
    until it has, or for a value out of range)."""
    return presentation.screen_size(st.session_state.get(f"{SCREEN_KEY}_size"))


def _measure_screen() -> None:
    """Mount the measuring component; keep what it measured for this session's views."""
    result = _SCREEN(key=SCREEN_KEY, data=st.session_state.get(f"{SCREEN_KEY}_size"),
                     on_screen_change=lambda: None)  # fmt: skip
    measured = getattr(result, "screen", None)
    if measured:
        st.session_state[f"{SCREEN_KEY}_size"] = str(measured)


def room(view: tuple[int, int] = presentation.VIEW) -> Screen:
    """A chart's room on this screen: ``view`` (slide pixels) times the screen's share of the
    slide, with the type scaled the same way."""
    return presentation.room(view, screen=screen())


def _current() -> dict[str, str]:
    return {k: str(st.query_params.get(k)) for k in st.query_params}


def style() -> None:
    """The presentation's style: drawn before anything else of the page (the sidebar's filters
    included), so no screen shows the sidebar or the dashboard's type even for a moment."""
    st.html(CSS)


def controls(*, pages: Mapping[str, Any], path: str) -> None:
    """Hidden previous/next buttons (the keyboard clicks them) that switch to the neighbour
    view, with its query, and the keyboard and auto-advance script (after :func:`style`)."""
    views = presentation.parse_views(st.query_params.get("views"), known=set(pages))
    _measure_screen()
    for label, by, key in ((PREVIOUS, -1, "present_prev"), (NEXT, 1, "present_next")):
        if st.button(label, key=key):
            view = presentation.step(views, path=path, by=by)
            query = presentation.query_for(view, current=_current())
            st.switch_page(pages[view.path], query_params=query)
    every = presentation.interval_seconds(st.query_params.get("interval"))
    here = presentation.position(views, path=path)
    script = f"""
<script>
const doc = window.parent.document;
const NEXT = {json.dumps(NEXT)}, PREV = {json.dumps(PREVIOUS)};
const click = (label) => {{
  const b = [...doc.querySelectorAll('button')].find((x) => x.innerText.trim() === label);
  if (b) b.click();
}};
// This script's realm ends when its view is left: each view replaces the parent's listener.
const onKey = (e) => {{
  if (e.target.closest && e.target.closest('input, textarea, [contenteditable="true"]')) return;
  const keys = {{ArrowRight: NEXT, PageDown: NEXT, ' ': NEXT, ArrowLeft: PREV, PageUp: PREV}};
  const label = keys[e.key];
  if (label) {{ e.preventDefault(); e.stopPropagation(); click(label); }}
}};
if (window.parent.__rtopPresentKeys) {{
  doc.removeEventListener('keydown', window.parent.__rtopPresentKeys, true);
}}
window.parent.__rtopPresentKeys = onKey;
window.parent.__rtopPresentAt = {json.dumps(path)};  // the view whose keys are heard
doc.addEventListener('keydown', onKey, true);  // capture: the map must not swallow the arrows
clearTimeout(window.parent.__rtopPresentTimer);
if ({every} > 0) {{
  window.parent.__rtopPresentTimer = setTimeout(() => click(NEXT), {every} * 1000);
}}
// view {here} of {len(views)} at {json.dumps(path)}: a new view mounts a new script
</script>
"""
    with st.container(key="present_keys"):
        st.iframe(script, height=1)  # only our own script and values, never data


def footer(
    *, ds: Dataset, filters: Filters, title: str, path: str, pages: Mapping[str, Any]
) -> None:
    """The fixed footer: the view's place in the sequence, filters, data and method versions."""
    views = presentation.parse_views(st.query_params.get("views"), known=set(pages))
    here = presentation.position(views, path=path) + 1
    text = (
        f"{title} · view {here} of {len(views)} (← →) · {filters.describe(names=ds.names)} · "
        f"data {ds.version} · status rule v{RULE_VERSION}"
    )
    size = "x".join(map(str, screen()))  # the screen the view was drawn for (tests wait on it)
    st.html(
        f'<div class="rtop-present-footer" role="contentinfo" data-screen="{size}">'
        f"{html.escape(text)}</div>"
    )


def chart(fig: go.Figure, *, key: str, summary: str) -> None:
    """A view's chart on the screen: drawn at its own size (laid out for this screen by its
    ``room()``, never stretched by the browser), no toolbar; its text alternative kept for
    screen readers, out of sight."""
    st.plotly_chart(
        fig,
        key=key,
        width=int(fig.layout.width or 1840),  # in pixels: the slide's, however it is scaled
        height=int(fig.layout.height or 860),
        theme=None,
        config={"displayModeBar": False, "responsive": False, "displaylogo": False},
    )
    st.html(f'<p class="rtop-sr-only">Chart summary: {html.escape(summary)}</p>')


def end_view() -> None:
    """End the page here in presentation mode: its view is on the slide, and what the page
    has below it (tables, downloads, explanations) is for the desk, not the room."""
    if active():
        st.stop()
