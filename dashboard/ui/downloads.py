"""Download widgets: chart and data downloads built on click, and briefing-pack buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import export
from dashboard.charts.common import ChartMeta
from dashboard.charts.meta import file_stem
from dashboard.core.config import get_settings
from dashboard.filters import Filters
from dashboard.ui.cache import NO_CACHE, dataset, dataset_at, version
from dashboard.views.dataset import Dataset

BUNDLE_HELP = (
    "Everything about this chart in one ZIP: its data as CSV, the chart as PNG and SVG, a "
    "datapackage.json (Frictionless Data Package: every column typed and described, sources, "
    "licence, citation, data and method versions) and a README."
)
ABOUT_HELP = (
    "What the CSV beside it is: title, filters, every source, export date, method and data "
    "version (the XLSX has the same on its About sheet)."
)


def downloads(
    *,
    fig: go.Figure | Callable[[], go.Figure] | None,
    meta: ChartMeta,
    data: pd.DataFrame | None,
    filters: Filters,
    key: str,
) -> None:
    """PNG/SVG of the chart and CSV/XLSX of its data, all produced only when clicked.

    ``fig`` may be a function that builds the figure (e.g. the static map), so nothing is
    built or copied on an ordinary rerun.
    """
    stem = file_stem(meta, filters=filters)
    buttons: list[tuple[str, str, Callable[[], bytes]]] = []
    if fig is not None:

        def image(fmt: str) -> bytes:
            figure = fig() if callable(fig) else fig
            exported = export.for_export(figure, meta=meta)
            return export.render(exported, fmt=fmt, scale=2 if fmt == "png" else 1)

        buttons.append(("PNG", "png", lambda: image("png")))
        buttons.append(("SVG", "svg", lambda: image("svg")))
    if data is not None:
        buttons.append(("CSV", "csv", lambda: export.table_bytes(data, fmt="csv", meta=meta)))
        buttons.append(("XLSX", "xlsx", lambda: export.table_bytes(data, fmt="xlsx", meta=meta)))
        # the plain CSV's description (title, filters, sources, versions): a file beside it
        buttons.append(
            ("About", "txt", lambda: export.about_text(meta, data_file=f"{stem}.csv").encode())
        )
    # Everything at once (dashboard/bundle.py): the CSV and images above with a
    # datapackage.json and a README, as /api/v1/bundle/PAGE.zip gives a whole view.
    if fig is not None:  # a chart's downloads (a table's have no images to bundle)
        bundled = partial(_bundle, fig=fig, meta=meta, data=data, filters=filters, key=key)
        buttons.append(("ZIP", "zip", bundled))
    # One row of buttons as wide as their labels, wrapping when the column is narrow (fixed
    # columns cut the labels to "⬇ …" in the Overview's map column at 1366 px).
    row = st.container(horizontal=True, gap="small", wrap=True)
    for label, fmt, make in buttons:
        row.download_button(
            f"⬇ {label}",
            data=make,
            file_name=f"{stem}-about.txt" if fmt == "txt" else f"{stem}.{fmt}",
            mime=export.MIME.get(fmt, "application/zip"),
            key=f"dl_{key}_{'about' if fmt == 'txt' else fmt}",
            help=ABOUT_HELP if fmt == "txt" else BUNDLE_HELP if fmt == "zip" else None,
            on_click="ignore",
        )


def view_link(*, path: str | None = None) -> str:
    """This view's link: the page's address (its ``path``, else the one the browser used) and
    its query (filters and page choices), at the public address (RTOP_PUBLIC_URL) when one is
    set, else at the address the browser used."""
    from urllib.parse import urlsplit  # noqa: PLC0415

    from dashboard.views.common import view_link as link_for  # noqa: PLC0415

    used = str(getattr(st.context, "url", "") or "").split("?")[0] or "http://localhost:8501/"
    parts = urlsplit(used)
    public = get_settings().public_url
    base = public or f"{parts.scheme}://{parts.netloc}"
    query = {k: str(st.query_params.get(k)) for k in st.query_params}
    return link_for(base=base, path=parts.path if path is None else path, query=query)


def _bundle(
    *,
    fig: go.Figure | Callable[[], go.Figure] | None,
    meta: ChartMeta,
    data: pd.DataFrame | None,
    filters: Filters,
    key: str,
) -> bytes:
    """The chart's download bundle (CSV, PNG, SVG, datapackage.json, README) as a ZIP."""
    from dashboard import bundle  # noqa: PLC0415 (kaleido and the images, when clicked)

    names = dataset(include_sample=filters.sample).names
    chart = bundle.Chart(name=key, meta=meta, data=data, figure=fig, filters=filters)
    return bundle.build(
        charts=[chart], title=meta.title, link=view_link(), data_version=meta.data_version,
        filters=filters, names=names,
    )  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=32)
def _data_export(url: str, data_version: str, filters: Filters) -> tuple[pd.DataFrame, ChartMeta]:
    ds = dataset_at(url, data_version, filters.sample)
    return export.data_export(ds=ds, filters=filters)


def data_for_export(*, filters: Filters) -> tuple[pd.DataFrame, ChartMeta]:
    """The observations in the selection, ready for CSV/XLSX (cached per data version)."""
    if NO_CACHE:
        return export.data_export(ds=dataset(include_sample=filters.sample), filters=filters)
    return _data_export(get_settings().database_url, version(), filters)


def briefing_buttons(
    *,
    ds: Dataset,
    filters: Filters,
    participant: str | None,
    key: str,
    since: dt.date | None = None,
) -> None:
    """Build a briefing pack (PPTX or PDF) with a progress bar, then offer it for download;
    with ``since``, it has a "What changed" slide."""
    who = participant or "region"
    fmt = st.radio(
        "Format",
        ["pptx", "pdf"],
        horizontal=True,
        key=f"{key}_fmt",
        format_func=lambda f: {"pptx": "PowerPoint (PPTX)", "pdf": "PDF"}[f],
    )
    state_key = f"{key}_pack"
    if st.button(f"Build the briefing pack ({fmt.upper()})", type="primary", key=f"{key}_build"):
        bar = st.progress(0.0, text="Starting…")

        def progress(fraction: float, text: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=text)

        try:
            payload = export.build_briefing(
                ds=ds,
                filters=filters,
                participant=participant,
                fmt=fmt,
                progress=progress,
                since=since,
            )
        except Exception as exc:  # noqa: BLE001 - shown to the person, not a stack trace
            st.error(f"The briefing pack could not be built ({type(exc).__name__}: {exc}).")
            return
        st.session_state[state_key] = (fmt, payload, filters, participant, since)
    built = st.session_state.get(state_key)
    if built and built[0] == fmt and built[2:] == (filters, participant, since):
        sample = "-sample" if filters.sample and ds.has_synthetic else ""
        changed = f"-changes-since-{since.isoformat()}" if since else ""
        name = f"rtop-briefing-{who}-{filters.from_year}-{filters.to_year}{changed}{sample}.{fmt}"
        st.success(f"Ready: {name} ({len(built[1]) / 1e6:.1f} MB)")
        st.download_button(
            f"⬇ Download {name}",
            data=built[1],
            file_name=name,
            mime=export.MIME[fmt],
            key=f"{key}_download",
            on_click="ignore",
        )


def questionnaire_button(*, ds: Dataset, owner: str, year: int, key: str) -> None:
    """Download the questionnaire (XLSX) for one participant or the region (scoring.REGION),
    made when clicked."""
    from dashboard.export import questionnaire  # noqa: PLC0415 (openpyxl on demand)

    label = "the region (ARF)" if owner == "ARF" else ds.names.get(owner, owner)
    st.download_button(
        f"⬇ Questionnaire for {label} (XLSX)",
        data=lambda: questionnaire.template(ds=ds, owner=owner, year=year),
        file_name=f"rtop-questionnaire-{owner}-{dt.date.today().isoformat()}.xlsx",
        mime=export.MIME["xlsx"],
        key=f"{key}_questionnaire_{owner}",
        on_click="ignore",
        help="One row per indicator: what it measures and what is recorded now; fill the "
        "yellow columns with newer public evidence and send it back. `rtop load FILE` or the "
        "Load data page reads it.",
    )
