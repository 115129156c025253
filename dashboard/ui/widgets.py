"""Drawing helpers: charts with their downloads, tables, banners and the status key."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.charts.common import NO_DATA_COLOR, STATUS_COLORS, ChartMeta
from dashboard.charts.meta import chart_meta, with_who
from dashboard.charts.meta import event_rows as event_rows  # pages draw with these
from dashboard.charts.meta import tracker_rows as tracker_rows
from dashboard.core.models import NO_DATA, STATUS_LABELS
from dashboard.core.scoring import RULE_VERSION
from dashboard.filters import Filters
from dashboard.maps.status import STALE_COLOR
from dashboard.ui import present
from dashboard.ui.cache import dataset, projected
from dashboard.ui.downloads import downloads, file_stem, view_link
from dashboard.ui.state import current_filters, show_notices
from dashboard.ui.why import md_escape
from dashboard.views.common import (
    INSUFFICIENT,
    INSUFFICIENT_SYMBOL,
    NO_DATA_SYMBOL,
    STALE,
    STALE_SYMBOL,
    SYMBOLS,
    citation,
    is_local_address,
)
from dashboard.views.dataset import Dataset
from dashboard.views.words import summarise

PLOTLY_CONFIG_BASE = {"displaylogo": False, "responsive": True}


def notices(ds: Dataset | None = None) -> None:
    """The link's ignored-value notices and the sample banner, in one container: they come and
    go, and a container keeps every element after them in its place, so charts and maps are
    updated, not mounted anew (a new WebGL map costs a second or more without a GPU)."""
    with st.container():
        show_notices()
        if ds is not None:
            sample_banner(ds)


def sample_banner(ds: Dataset) -> None:
    """A visible notice on every page whose data include the synthetic sample."""
    if ds.include_sample and ds.has_synthetic:
        st.warning(
            "**SAMPLE DATA** is included: synthetic demonstration values, not real assessments. "
            "Untick *Include sample data (demo)* in the sidebar to see documented evidence only.",
            icon=":material/science:",
        )


def meta(
    title: str,
    *,
    filters: Filters,
    ds: Dataset,
    sources: list[str] | pd.Series | None = None,
    synthetic: bool = False,
    stem: str = "rtop-chart",
    participant: str | None = None,
) -> ChartMeta:
    """ChartMeta for a chart drawn under the current filters (about one participant, if given;
    dashboard/charts/meta.py, which the data routes use too)."""
    return chart_meta(
        title,
        filters=filters,
        names=ds.names,
        data_version=ds.version,
        sources=sources,
        synthetic=synthetic,
        stem=stem,
        participant=participant,
    )


def plot(
    fig: go.Figure,
    *,
    chart_meta: ChartMeta,
    key: str,
    on_select: str = "ignore",
    data: pd.DataFrame | None = None,
    filters: Filters | None = None,
    summary: str | None = None,
    widget_key: str | None = None,
) -> Any:
    """Draw a Plotly figure (its toolbar PNG named and print-sized like the server's), with
    PNG/SVG downloads rendered on the server and CSV/XLSX of ``data``, the rows behind it.

    With ``data`` and no rows in it, a notice says so instead: no empty chart, no downloads of
    nothing. ``filters``: the period the chart shows, when not the sidebar's (file names).
    ``summary``: the chart's text alternative when the view has its own sentence (else one is
    made from ``data``). ``widget_key``: the chart's own key when it differs from ``key`` (the
    downloads'), e.g. a chart mounted afresh after each click."""
    if data is not None and data.empty:
        st.info(f"{chart_meta.title}: nothing to show for this selection.")
        return None
    filters = filters or current_filters()
    # Presentation mode (?present=1, see dashboard/ui/present.py): type for the back of a room;
    # the downloads below keep the print sizes.
    shown = projected(fig) if present.active() else fig
    config = {
        **PLOTLY_CONFIG_BASE,
        "toImageButtonOptions": {
            "format": "png",
            "filename": file_stem(chart_meta, filters=filters),
            "scale": 2,
            "width": 1600,
            "height": int(shown.layout.height or 600),
        },
    }
    event = st.plotly_chart(
        shown,
        key=widget_key or key,
        config=config,
        on_select=on_select,  # type: ignore[call-overload]
        selection_mode="points",
        width="stretch",
        theme=None,  # what is on screen is what the PNG/SVG export shows
    )
    summary_caption(data, title=chart_meta.title, sentence=summary)
    downloads(fig=fig, meta=chart_meta, data=data, filters=filters, key=key)
    return event


def headline_tiles(figures: list[Any], *, per_row: int) -> None:
    """The Overview's headline figures (views.overview.Headline), ``per_row`` to a row, each
    with its change, its help and what is known under it."""
    for start in range(0, len(figures), per_row):
        cols = st.columns(per_row)
        for col, h in zip(cols, figures[start : start + per_row], strict=False):
            col.metric(h.label, h.value, h.delta, help=h.help, delta_color="normal")
            if h.detail:
                col.caption(h.detail)


def summary_caption(
    data: pd.DataFrame | None, *, title: str, what: str = "Chart", sentence: str | None = None
) -> None:
    """A chart's or map's text alternative: one sentence of what it shows (its rows are
    downloadable beside it); ``sentence`` when the view says it better than the rows can."""
    st.caption(f"{what} summary: {sentence or summarise(data, title=title)}")


EVIDENCE_COLUMNS = {  # the evidence tables: names and words first, the indicator's code last
    "when": "When",
    "indicator_name": "Indicator",
    "value_text": "Value",
    "source": "Source",
    "note": "Note",
    "synthetic": "Sample",
    "indicator": "Code",
}


def evidence_rows(evidence: pd.DataFrame) -> pd.DataFrame:
    """An evidence frame (views.profile.evidence) as the tables show it."""
    return evidence[list(EVIDENCE_COLUMNS)].rename(columns=EVIDENCE_COLUMNS)


def treaty_grid(track: pd.DataFrame) -> pd.DataFrame:
    """The treaty track as a table: a row per participant, a column per treaty."""
    if track.empty:
        return pd.DataFrame(columns=["Participant"])
    grid = track.pivot(index="name", columns="treaty_name", values="text")
    order = list(dict.fromkeys(track["name"]))
    return grid.reindex(order).reset_index().rename(columns={"name": "Participant"})


def no_status_note(national: pd.DataFrame, *, evidence: int, year: int) -> str:
    """What a profile says when none of its national recommendations has a current status:
    whether there is evidence at all (stale or too little), never 'no observations' above the
    evidence it lists."""
    stale = int(national["status_label"].astype(str).str.startswith("◷").sum())
    if evidence == 0:
        return f"No evidence recorded for this participant up to {year}."
    parts = [f"{evidence} record(s) of evidence up to {year} (listed below), but no national "
             "recommendation has a current status"]  # fmt: skip
    if stale:
        parts.append(f"{stale} rest on stale evidence only")
    return "; ".join(parts) + ". The Gaps page lists what would change that."


def status_table(
    frame: pd.DataFrame,
    *,
    columns: dict[str, str],
    key: str,
    height: int | None = None,
    title: str | None = None,
    select_key: str | None = None,
) -> Any:
    """A read-only table with plain column names (text is shown as text, never HTML); with a
    title, CSV and XLSX downloads of exactly what it shows (formulas neutralised). With
    ``select_key``, clicking a row puts its first column's value into that widget's state and
    returns it (once per click; None otherwise)."""
    clicked = None
    shown = frame[list(columns)].rename(columns=columns)
    if select_key is None:
        st.dataframe(shown, hide_index=True, width="stretch", key=key, height=height or "auto")
    else:
        event = st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            key=key,
            height=height or "auto",
            on_select="rerun",
            selection_mode="single-row",
        )
        rows = list(event.selection.rows) if event is not None else []  # type: ignore[union-attr]
        value = frame.iloc[rows[0]][list(columns)[0]] if rows else None
        if value is None:
            st.session_state.pop(f"{key}_picked", None)  # unselected: the same row may come again
        elif st.session_state.get(f"{key}_picked") != value:
            st.session_state[select_key] = value
            st.session_state[f"{key}_picked"] = value
            clicked = value
    if title is not None:
        _table_downloads(frame, shown=shown, key=key, title=title)
    return clicked


def compact_list(frame: pd.DataFrame, *, columns: dict[str, str], key: str, title: str) -> None:
    """A short table as a bulleted list, one row per line: the first column in bold, the others
    after it (the last labelled, and left out where it repeats one of them), text escaped;
    with CSV and XLSX downloads of the same rows as ``status_table``'s (every column there).
    Lighter in the browser than a data grid (no grid scripts to load), for the few rows of a
    page that opens first."""
    shown = frame[list(columns)].rename(columns=columns)
    first, *rest = list(columns)
    lines = []
    for _, row in frame.iterrows():
        parts = [f"**{md_escape(row[first])}**", *(md_escape(row[c]) for c in rest[:-1])]
        said = {str(row[c]).strip().casefold() for c in [first, *rest[:-1]]}
        last = str(row[rest[-1]]).strip() if rest and pd.notna(row[rest[-1]]) else ""
        if last and last.casefold() not in said:  # a source named as the event is said once
            parts.append(f"*{md_escape(columns[rest[-1]])}: {md_escape(last)}*")
        lines.append("- " + " · ".join(parts))
    st.markdown("\n".join(lines))
    _table_downloads(frame, shown=shown, key=key, title=title)


def _table_downloads(frame: pd.DataFrame, *, shown: pd.DataFrame, key: str, title: str) -> None:
    """CSV and XLSX downloads of what a table shows, with its filters, sources and marks."""
    filters = current_filters()
    synthetic = bool(frame["synthetic"].astype(bool).any()) if "synthetic" in frame else False
    ds = dataset(include_sample=filters.sample)
    table_meta = ChartMeta(
        title=title,
        subtitle=filters.describe(names=ds.names),
        sources=_sources_of(frame),
        synthetic=synthetic and filters.sample,
        file_stem=with_who(f"rtop-{key}", filters.participants),
        data_version=ds.version,
    )
    downloads(fig=None, meta=table_meta, data=shown, filters=filters, key=key)


def _sources_of(frame: pd.DataFrame) -> tuple[str, ...]:
    out: list[str] = []
    for column in ("source", "sources"):
        if column in frame:
            for value in frame[column].dropna():
                for part in str(value).split("; "):
                    if part and part not in out:
                        out.append(part)
    return tuple(out)


def names(ds: Dataset) -> dict[str, str]:
    """Participant code -> name (with the region)."""
    return ds.names


def fresh_key(chart: str) -> str:
    """The widget key of a chart that is mounted afresh after each click it answers (see
    ``remount``): ``chart`` at first, then ``chart_1``, ``chart_2`` ..."""
    generation = int(st.session_state.get(f"{chart}_generation", 0))
    return f"{chart}_{generation}" if generation else chart


def remount(chart: str) -> None:
    """From the next run on, the chart is a new widget with no selection: a click on the cell
    it answered selects it anew (Plotly would take a second click on a selected point for
    'deselect')."""
    st.session_state[f"{chart}_generation"] = (
        int(st.session_state.get(f"{chart}_generation", 0)) + 1
    )


def clicked_cell(event: Any, *, chart: str = "tracker_heatmap") -> tuple[str, str] | None:
    """(participant, recommendation) of a newly clicked heatmap cell, once per click."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or []:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and len(data) == 2:
            cell = (str(data[0]), str(data[1]))
            seen = (fresh_key(chart), cell)
            if st.session_state.get("cell_last_click") != seen:
                st.session_state["cell_last_click"] = seen
                return cell
    return None


def cell_pick(
    *, clicked: tuple[str, str] | None, people: list[str], recs: list[str]
) -> tuple[str, tuple[str, str]]:
    """The tracker's chosen cell and the key suffix of its select boxes.

    A click starts a new suffix, so the select boxes are new widgets that open on the clicked
    cell; the browser's values for the old ones are then ignored. Without a click, the select
    boxes keep their suffix (and what the person chose in them).
    """
    state = st.session_state
    if clicked and clicked[0] in people and clicked[1] in recs:
        state["cell_generation"] = int(state.get("cell_generation", 0)) + 1
        state["cell_clicked"] = clicked
    generation = int(state.get("cell_generation", 0))
    suffix = f"_{generation}" if generation else ""
    chosen = (state.get(f"cell_participant{suffix}"), state.get(f"cell_rec{suffix}"))
    start = state.get("cell_clicked") or (people[0], recs[0])
    who = chosen[0] if chosen[0] in people else start[0] if start[0] in people else people[0]
    rec = chosen[1] if chosen[1] in recs else start[1] if start[1] in recs else recs[0]
    return suffix, (who, rec)


def rule_text(doc: str) -> str:
    """The numbered rule from a module docstring, as Markdown (drops the first summary line)."""
    lines = doc.strip().splitlines()[1:]
    return "\n".join(
        line.strip() if line.strip()[:2].rstrip(".").isdigit() else "   " + line.strip()
        for line in lines
        if line.strip()
    )


def status_legend() -> None:
    """The map's colour key: a swatch, symbol and label per status (a fixed string, no data)."""
    items = [
        (STATUS_COLORS[s], f"{SYMBOLS[s]} {STATUS_LABELS[s]}") for s in sorted(STATUS_LABELS)
    ] + [
        (NO_DATA_COLOR, f"{NO_DATA_SYMBOL} {NO_DATA}"),
        (NO_DATA_COLOR, f"{INSUFFICIENT_SYMBOL} {INSUFFICIENT} (too few indicators observed)"),
        (STALE_COLOR, f"{STALE_SYMBOL} {STALE} (every record past its age limit)"),
    ]
    swatches = "".join(
        f'<span style="display:inline-flex;align-items:center;margin:0 1.2em 0.3em 0">'
        f'<span style="width:1.4em;height:1.1em;background:{color};border:1px solid #333;'
        f'display:inline-block;margin-right:0.4em"></span>{html.escape(label)}</span>'
        for color, label in items
    )
    st.html(f'<div style="font-size:1.05rem;line-height:1.8">{swatches}</div>')


def cite_footer(*, title: str, url_path: str, ds: Dataset) -> None:
    """Every page's foot: the data and method versions, and a "Cite this view" text with the
    link to exactly this view (its filters and page choices are in the URL), at the public
    address (RTOP_PUBLIC_URL) when one is set."""
    link = view_link(path=url_path)
    st.divider()
    st.caption(f"Data version {ds.version} · status rule version {RULE_VERSION}")
    with st.expander("Cite this view"):
        st.code(
            citation(
                title=title,
                link=link,
                data_version=ds.version,
                method=RULE_VERSION,
                accessed=dt.date.today().isoformat(),
            ),
            language=None,
            wrap_lines=True,
        )
        if is_local_address(link):
            st.caption(
                "This address opens only on the machine the dashboard runs on. The "
                "administrator can give its public address with RTOP_PUBLIC_URL (README, "
                "Configuration); citations and briefing packs then use it."
            )


BASE_CSS = """
<style>
/* Captions: Streamlit fades them (opacity 0.6) to 3.9:1 on white; WCAG AA asks 4.5:1. */
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #555555; }
/* Keyboard focus: Streamlit draws none on navigation links, toolbar buttons or the map, and a
   faint half-transparent ring elsewhere; one solid dark outline everywhere (about 10:1). */
a:focus-visible, button:focus-visible, summary:focus-visible, [tabindex]:focus-visible,
[data-testid="stDeckGlJsonChart"]:focus-visible {
  outline: 3px solid #0b3d91 !important; outline-offset: 2px;
}
</style>
"""


def base_style() -> None:
    """Style every page needs (accessible contrast, a visible keyboard focus); drawn once per
    run by the entry point."""
    st.html(BASE_CSS)
