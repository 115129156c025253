"""Presentation mode (`?present=1` on any page): no sidebar or widgets, type readable from the
back of a room, previous/next through a sequence of views with the keyboard (→/PageDown/Space,
←/PageUp), an optional auto-advance (`interval=30`), and the data version and filters in a
footer. The sequence logic is in dashboard/presentation.py."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard import presentation
from dashboard.core.scoring import RULE_VERSION
from dashboard.filters import Filters
from dashboard.views.dataset import Dataset

NEXT, PREVIOUS = "Next view", "Previous view"

CSS = """
<style>
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
.st-key-present_prev, .st-key-present_next, .st-key-present_keys, hr {
  display: none !important;
}
[data-testid="stMainBlockContainer"] {
  max-width: 100% !important; padding: 1.2rem 2.5rem 5rem 2.5rem !important;
}
[data-testid="stMain"] :is(p, li, td, th, label, [data-testid="stMarkdownContainer"],
  [data-testid="stCaptionContainer"], [data-testid="stMetricLabel"], [data-testid="stAlert"]) {
  font-size: 24px !important; line-height: 1.35 !important;
}
[data-testid="stMain"] h1 { font-size: 52px !important; }
[data-testid="stMain"] h2 { font-size: 38px !important; }
[data-testid="stMain"] h3 { font-size: 30px !important; }
[data-testid="stMetricValue"] { font-size: 60px !important; }
.rtop-present-footer {
  position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000; padding: 8px 2.5rem;
  background: #ffffff; border-top: 2px solid #444; color: #222; font-size: 20px;
}
</style>
"""


def active() -> bool:
    """True when the page was opened with `?present=1`."""
    return st.query_params.get("present") == "1"


def _current() -> dict[str, str]:
    return {k: str(st.query_params.get(k)) for k in st.query_params}


def controls(*, pages: Mapping[str, Any], path: str) -> None:
    """Hidden previous/next buttons (the keyboard clicks them) that switch to the neighbour
    view, with its query; the style; and the keyboard and auto-advance script."""
    st.html(CSS)
    views = presentation.parse_views(st.query_params.get("views"), known=set(pages))
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
    st.html(f'<div class="rtop-present-footer" role="contentinfo">{html.escape(text)}</div>')
