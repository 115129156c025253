"""Embeds (`?embed=1` on a page link, or /api/v1/embed/PAGE): the view alone, for an iframe on
a partner's page.

The link goes on to Streamlit's own embed mode (`embed=true`: no header, toolbar or padding;
dashboard/serving/embed.py), which st.query_params does not show a script, so it is read from
the run's own query string here. The app then hides its sidebar and navigation and ends the
view with a footer that names the data and method versions and links back to the full view.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qsl, urlencode

import streamlit as st

from dashboard.core.scoring import RULE_VERSION
from dashboard.views.dataset import Dataset

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] {
  padding-top: 1rem !important; padding-bottom: 4rem !important;
}
.rtop-embed-footer { border-top: 1px solid #999; margin-top: 1.5rem; padding-top: 0.5rem;
  color: #222; font-size: 0.95rem; }
.rtop-embed-footer a { color: #0b3d91; }
</style>
"""


def active() -> bool:
    """True when this run's page was opened in embed mode (`embed=true`, or `embed=1` where
    no redirect happened, e.g. a link followed inside the app)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

    ctx = get_script_run_ctx()
    query = getattr(ctx, "query_string", "") if ctx is not None else ""
    return any(
        k.lower() == "embed" and v.strip().lower() in ("true", "1", "yes")
        for k, v in parse_qsl(str(query or ""), keep_blank_values=True)
    )


def chrome() -> None:
    """Hide the sidebar, navigation and header (the view alone)."""
    st.html(CSS)


def full_view_link() -> str:
    """The link to the same view outside the embed (its page and query, without embed)."""
    base = str(getattr(st.context, "url", "") or "").split("?")[0]
    query = urlencode({k: st.query_params.get(k) for k in st.query_params})  # no embed keys
    return f"{base}?{query}" if query else base


def footer(*, ds: Dataset, title: str) -> None:
    """The embed's foot: what it is, the data and method versions, the link back."""
    link = full_view_link()
    text = (
        f"RtoP Monitor · {html.escape(title)} · data version {html.escape(ds.version)} · "
        f"status rule version {html.escape(RULE_VERSION)} · "
        f'<a href="{html.escape(link, quote=True)}" target="_blank" rel="noopener">'
        "Open the full view</a>"
    )
    st.html(f'<div class="rtop-embed-footer" role="contentinfo">{text}</div>')
