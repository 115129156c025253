"""The thin Streamlit layer: cached engine and data, sidebar filters mirrored in the URL."""

from __future__ import annotations

import html
import inspect
import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard import views
from dashboard.charts import ChartMeta
from dashboard.core.config import get_settings
from dashboard.core.db import data_version, is_initialised, make_engine
from dashboard.filters import (
    FILTER_KEYS,
    FIRST_YEAR,
    PILLARS,
    RECOMMENDATIONS,
    Filters,
    parse_query,
    this_year,
)

NO_CACHE = os.environ.get("RTOP_NO_CACHE") == "1"  # for the benchmark's naive baseline
SHORTCUTS = ("All participants", "ASEAN members", "CSCAP members")
PLOTLY_CONFIG_BASE = {"displaylogo": False, "responsive": True}


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return make_engine(url=url)


def engine() -> Engine:
    """The database engine for RTOP_DATABASE_URL (one per URL, kept across reruns)."""
    return _engine(get_settings().database_url)


def refresh_version() -> str:
    """Read the data version token (it changes on every load) once for this script run."""
    token = data_version(engine=engine())
    st.session_state["_data_version"] = token
    return token


def version() -> str:
    """The data version read at the start of this run; part of every cache key."""
    token = st.session_state.get("_data_version")
    return token if isinstance(token, str) else refresh_version()


@st.cache_resource(show_spinner="Reading the database…", max_entries=4)
def _dataset(url: str, data_version_: str, include_sample: bool) -> views.Dataset:
    return views.load_dataset(engine=_engine(url), include_sample=include_sample)


def dataset(*, include_sample: bool) -> views.Dataset:
    """The whole dataset for the current data version, loaded once and shared."""
    if NO_CACHE:
        return views.load_dataset(engine=engine(), include_sample=include_sample)
    return _dataset(get_settings().database_url, version(), include_sample)


@st.cache_data(show_spinner=False, max_entries=512)
def _compute(
    name: str,
    url: str,
    data_version_: str,
    include_sample: bool,
    kwargs: tuple[tuple[str, Any], ...],
) -> Any:
    ds = _dataset(url, data_version_, include_sample)
    return getattr(views, name)(ds=ds, **dict(kwargs))


def compute(name: str, *, filters: Filters, **kwargs: Any) -> Any:
    """Call views.<name>(ds=..., **kwargs), cached by data version and the arguments."""
    if "filters" in inspect.signature(getattr(views, name)).parameters:
        kwargs["filters"] = filters
    if NO_CACHE:
        ds = views.load_dataset(engine=engine(), include_sample=filters.sample)
        return getattr(views, name)(ds=ds, **kwargs)
    key = tuple(sorted(kwargs.items()))
    return _compute(name, get_settings().database_url, version(), filters.sample, key)


def require_data() -> None:
    """Stop the page with a helpful message when the database has no schema or reference data."""
    try:
        ready = is_initialised(engine=engine())
    except Exception as exc:  # noqa: BLE001 - shown to the user instead of a stack trace
        st.error(f"Cannot open the database ({type(exc).__name__}). Check RTOP_DATABASE_URL.")
        st.stop()
    if not ready:
        st.title("RtoP Monitor")
        st.info(
            "The database is empty. Run `make run` (or `python -m loaders init`) to load the "
            "reference data and the documented evidence, then reload this page."
        )
        st.stop()


# ---------------------------------------------------------------- filters


def _known_participants(ds: views.Dataset) -> dict[str, str]:
    known = {c.upper(): c for c in ds.participants["code"]}
    known.update(
        {
            n.upper(): c
            for c, n in zip(ds.participants["code"], ds.participants["name"], strict=True)
        }
    )
    return known


def _shortcut_codes(ds: views.Dataset, choice: str) -> list[str]:
    p = ds.participants
    if choice in ("ASEAN members", "CSCAP members"):
        period = st.session_state.get("f_period") or (FIRST_YEAR, this_year())
        return views.members_at(ds=ds, group=choice.split()[0], year=int(period[1]))
    if choice.startswith("Sub-region: "):
        return list(p[p["grouping"] == choice.removeprefix("Sub-region: ")]["code"])
    return []


def _apply_shortcut(ds: views.Dataset) -> None:
    choice = st.session_state.get("f_shortcut", "")
    if choice:
        st.session_state["f_participants"] = _shortcut_codes(ds, choice)
        st.session_state["f_shortcut"] = ""


def _query_dict() -> dict[str, str | list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _write_query(updates: dict[str, str], managed: tuple[str, ...]) -> None:
    for key in managed:
        if key in st.query_params and key not in updates:
            del st.query_params[key]
    for key, value in updates.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


FILTER_WIDGETS = ("f_participants", "f_pillars", "f_recs", "f_period", "f_sample")


def _set_filter_widgets(filters: Filters) -> None:
    state = st.session_state
    state["f_participants"] = list(filters.participants)
    state["f_pillars"] = list(filters.pillars)
    state["f_recs"] = list(filters.recommendations)
    state["f_period"] = (filters.from_year, filters.to_year)
    state["f_sample"] = filters.sample


def sidebar_filters() -> Filters:
    """Draw the shared filters; read them from the URL on arrival and keep the URL in step."""
    state = st.session_state
    ds_ref = dataset(include_sample=True)
    query = {k: v for k, v in _query_dict().items() if k in FILTER_KEYS}
    if "f_init" not in state or (query and query != state.get("f_last_query")):
        filters, notices = parse_query(query=query, known_participants=_known_participants(ds_ref))
        _set_filter_widgets(filters)
        state["f_notices"] = notices
        state["f_init"] = True
    elif any(k not in state for k in FILTER_WIDGETS) and isinstance(state.get("f_saved"), Filters):
        # st.switch_page (the map's click) reruns without widget states, so Streamlit drops
        # every widget's value: put back the filters of the previous run.
        _set_filter_widgets(state["f_saved"])
    names = dict(zip(ds_ref.participants["code"], ds_ref.participants["name"], strict=True))
    groupings = sorted(set(ds_ref.participants["grouping"]))
    with st.sidebar:
        st.header("Filters")
        st.selectbox(
            "Quick select participants",
            ["", *SHORTCUTS, *[f"Sub-region: {g}" for g in groupings]],
            key="f_shortcut",
            on_change=_apply_shortcut,
            args=(ds_ref,),
            format_func=lambda x: x or "Choose a group…",
        )
        st.multiselect(
            "Participants (none = all)",
            list(names),
            key="f_participants",
            format_func=lambda c: f"{names.get(c, c)} ({c})",
        )
        st.multiselect(
            "Pillars", list(PILLARS), key="f_pillars", format_func=lambda p: f"Pillar {p}"
        )
        st.multiselect(
            "Recommendations",
            list(RECOMMENDATIONS),
            key="f_recs",
            format_func=lambda r: f"{r} {views.rec_names(ds_ref).get(r, '')}",
        )
        st.slider("Period", FIRST_YEAR, this_year(), key="f_period")
        if ds_ref.has_synthetic:
            st.checkbox(
                "Include sample data (demo)",
                key="f_sample",
                help="The synthetic demonstration dataset: invented values, never real "
                "assessments. Charts and exports that include it say SAMPLE DATA.",
            )
        else:
            state["f_sample"] = False
            st.caption(
                "Documented data only. A synthetic demo sample can be added on the "
                "Methodology page."
            )
        st.caption(
            "ASEAN and CSCAP quick selections use membership in the period's last year "
            "(CSCAP member committees are known as of September 2011)."
        )
    period = state["f_period"]
    filters = Filters(
        participants=tuple(state["f_participants"]),
        pillars=tuple(sorted(state["f_pillars"])),
        recommendations=tuple(sorted(state["f_recs"], key=lambda r: int(r[1:]))),
        from_year=int(period[0]),
        to_year=int(period[1]),
        sample=bool(state["f_sample"]),
    )
    q = filters.to_query()
    _write_query(q, FILTER_KEYS)
    state["f_last_query"] = {k: [v] for k, v in q.items()}
    state["f_saved"] = filters
    return filters


def show_notices() -> None:
    """Show (once) what was ignored in the link the page was opened with."""
    for notice in st.session_state.pop("f_notices", []) or []:
        st.warning(notice, icon=":material/warning:")


def current_filters() -> Filters:
    """The filters the sidebar set on this run."""
    got = st.session_state.get("filters")
    return got if isinstance(got, Filters) else Filters()


def page_param(
    key: str,
    *,
    options: list[str],
    default: str,
    remember: bool = True,
    label: Callable[[str], str] | None = None,
) -> str:
    """A page-specific URL parameter (e.g. participant=VNM), validated against options.

    The value lives in st.session_state["p_<key>"], the key of the page's widget. A new value in
    the URL wins, then the widget's own value. Streamlit drops a widget's value when its page is
    left (and on st.switch_page); then the URL's value, the value the page showed last
    (``remember``) or the default is used, so coming back to a page shows what it showed.
    """
    raw = st.query_params.get(key)
    state_key = f"p_{key}"
    last = st.session_state.get(f"{state_key}_last")
    if raw is not None and raw != last:
        if raw in options:
            st.session_state[state_key] = raw
        else:
            st.warning(f"Ignored unknown {key} '{raw}' in the link.", icon=":material/warning:")
    if st.session_state.get(state_key) not in options:
        candidates = (raw, last, default) if remember else (raw, default)
        usable = [c for c in candidates if c in options]
        st.session_state[state_key] = usable[0] if usable else options[0]
    return str(st.session_state[state_key])


def sync_param(key: str, value: str) -> None:
    """Write a page-specific parameter back to the URL."""
    st.session_state[f"p_{key}_last"] = value
    if st.query_params.get(key) != value:
        st.query_params[key] = value


# ---------------------------------------------------------------- drawing


def sample_banner(ds: views.Dataset) -> None:
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
    ds: views.Dataset,
    sources: list[str] | pd.Series | None = None,
    synthetic: bool = False,
    stem: str = "rtop-chart",
    participant: str | None = None,
) -> ChartMeta:
    """ChartMeta for a chart drawn under the current filters (about one participant, if given)."""
    if participant is not None:
        filters = replace(filters, participants=(participant,))
    srcs: list[str] = []
    for s in list(sources if sources is not None else []):
        for part in str(s).split("; "):
            if part and part not in srcs:
                srcs.append(part)
    return ChartMeta(
        title=title,
        subtitle=filters.describe(names=ds.names),
        sources=tuple(srcs),
        synthetic=synthetic and filters.sample,
        file_stem=stem,
    )


def plot(
    fig: go.Figure,
    *,
    chart_meta: ChartMeta,
    key: str,
    on_select: str = "ignore",
    data: pd.DataFrame | None = None,
) -> Any:
    """Draw a Plotly figure (its toolbar PNG named and print-sized like the server's), with
    PNG/SVG downloads rendered on the server and CSV/XLSX of ``data``, the rows behind it."""
    from dashboard import ui_export

    config = {
        **PLOTLY_CONFIG_BASE,
        "toImageButtonOptions": {
            "format": "png",
            "filename": ui_export.file_stem(chart_meta, filters=current_filters()),
            "scale": 2,
            "width": 1600,
            "height": int(fig.layout.height or 600),
        },
    }
    event = st.plotly_chart(
        fig,
        key=key,
        config=config,
        on_select=on_select,  # type: ignore[call-overload]
        selection_mode="points",
        width="stretch",
        theme=None,  # what is on screen is what the PNG/SVG export shows
    )
    ui_export.downloads(fig=fig, meta=chart_meta, data=data, filters=current_filters(), key=key)
    return event


def status_table(
    frame: pd.DataFrame,
    *,
    columns: dict[str, str],
    key: str,
    height: int | None = None,
    title: str | None = None,
    select_key: str | None = None,
) -> None:
    """A read-only table with plain column names (text is shown as text, never HTML); with a
    title, CSV and XLSX downloads of exactly what it shows (formulas neutralised). With
    ``select_key``, clicking a row puts its first column's value into that widget's state."""
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
        if value is not None and st.session_state.get(f"{key}_picked") != value:
            st.session_state[select_key] = value
            st.session_state[f"{key}_picked"] = value
    if title is not None:
        from dashboard import ui_export

        filters = current_filters()
        synthetic = bool(frame["synthetic"].astype(bool).any()) if "synthetic" in frame else False
        table_meta = ChartMeta(
            title=title,
            subtitle=filters.describe(names=dataset(include_sample=filters.sample).names),
            sources=_sources_of(frame),
            synthetic=synthetic and filters.sample,
            file_stem=f"rtop-{key}",
        )
        ui_export.downloads(fig=None, meta=table_meta, data=shown, filters=filters, key=key)


def _sources_of(frame: pd.DataFrame) -> tuple[str, ...]:
    out: list[str] = []
    for column in ("source", "sources"):
        if column in frame:
            for value in frame[column].dropna():
                for part in str(value).split("; "):
                    if part and part not in out:
                        out.append(part)
    return tuple(out)


def names(ds: views.Dataset) -> dict[str, str]:
    """Participant code -> name (with the region)."""
    return ds.names


def clicked_cell(event: Any) -> tuple[str, str] | None:
    """(participant, recommendation) of a newly clicked heatmap cell, once per click."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or []:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and len(data) == 2:
            cell = (str(data[0]), str(data[1]))
            if st.session_state.get("cell_last_click") != cell:
                st.session_state["cell_last_click"] = cell
                return cell
    return None


def rule_text(doc: str) -> str:
    """The numbered rule from a module docstring, as Markdown (drops the first summary line)."""
    lines = doc.strip().splitlines()[1:]
    return "\n".join(
        line.strip() if line.strip()[:2].rstrip(".").isdigit() else "   " + line.strip()
        for line in lines
        if line.strip()
    )


def demo_sample(*, add: bool) -> str:
    """Add or remove the synthetic demo sample through the loaders; a message for the page."""
    from loaders.sample import add_sample, remove_sample

    settings = get_settings()
    if add:
        n = add_sample(
            engine=engine(), seed=settings.sample_seed, last_year=settings.sample_to_year
        )
        message = f"Added {n:,} synthetic observations (SAMPLE DATA)."
    else:
        n = remove_sample(engine=engine())
        message = f"Removed the synthetic sample ({n:,} observations)."
    refresh_version()
    return message


class LoadOutcome:
    """What a check or load of an uploaded file said, ready to show."""

    def __init__(self, *, ok: bool, message: str, notes: list[str], problems: pd.DataFrame) -> None:
        self.ok, self.message, self.notes, self.problems = ok, message, notes, problems


def load_file(*, data: bytes, name: str, kind: str, dry_run: bool) -> LoadOutcome:
    """Check (dry run) or load an uploaded file through the loaders; never raises to the page."""
    from loaders.errors import LoaderError, Rejected
    from loaders.store import load_bytes

    empty = pd.DataFrame(columns=["row", "column", "reason"])
    try:
        chosen = None if kind == "detect" else kind
        result = load_bytes(engine=engine(), data=data, name=name, kind=chosen, dry_run=dry_run)
    except Rejected as exc:
        problems = pd.DataFrame(
            [
                {
                    "row": "-" if p.row is None else str(p.row),
                    "column": p.column or "",
                    "reason": p.reason,
                }
                for p in exc.problems
            ]
        )
        return LoadOutcome(
            ok=False,
            message=f"{name} was rejected: {len(exc.problems)} problem(s); nothing was written.",
            notes=[],
            problems=problems,
        )
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc), notes=[], problems=empty)
    if not dry_run:
        refresh_version()  # the rest of this run already sees the new data
    return LoadOutcome(ok=True, message=result.summary(), notes=result.notes, problems=empty)


def event_rows(events: pd.DataFrame) -> pd.DataFrame:
    """The plain columns of an events frame, for its CSV/XLSX download."""
    columns = [
        "when",
        "title",
        "kind_label",
        "participants",
        "items",
        "pillars",
        "source",
        "synthetic",
    ]
    return events[[c for c in columns if c in events]].rename(columns={"kind_label": "kind"})


def tracker_rows(matrix: pd.DataFrame) -> pd.DataFrame:
    """The plain columns behind the tracker heatmap, for its CSV/XLSX download."""
    columns = [
        "participant_code",
        "name",
        "grouping",
        "recommendation",
        "status",
        "status_label",
        "basis",
        "last_date",
        "indicators",
        "sources",
        "synthetic",
    ]
    rows = matrix[[c for c in columns if c in matrix]].copy()
    if "indicators" in rows:
        rows["indicators"] = rows["indicators"].map(lambda t: str(t).replace("<br>", "; "))
    return rows


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_figure(key: tuple[Any, ...], _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def figure(
    name: str, build: Callable[[], go.Figure], *, filters: Filters, extra: tuple[Any, ...] = ()
) -> go.Figure:
    """A chart built once per data version, filters and page choices (``extra``), then reused:
    building a Plotly figure costs tens of milliseconds, more than the rest of a warm rerun.
    The figure is shared, so callers must not change it (exports work on a copy)."""
    if NO_CACHE:
        return build()
    return _cached_figure((name, get_settings().database_url, version(), filters, extra), build)


def status_legend() -> None:
    """The map's colour key: a swatch, symbol and label per status (a fixed string, no data)."""
    from dashboard.charts import NO_DATA_COLOR, STATUS_COLORS
    from dashboard.core.models import NO_DATA, STATUS_LABELS

    items = [
        (STATUS_COLORS[s], f"{views.SYMBOLS[s]} {STATUS_LABELS[s]}") for s in sorted(STATUS_LABELS)
    ] + [(NO_DATA_COLOR, f"{views.NO_DATA_SYMBOL} {NO_DATA}")]
    swatches = "".join(
        f'<span style="display:inline-flex;align-items:center;margin:0 1.2em 0.3em 0">'
        f'<span style="width:1.4em;height:1.1em;background:{color};border:1px solid #333;'
        f'display:inline-block;margin-right:0.4em"></span>{html.escape(label)}</span>'
        for color, label in items
    )
    st.html(f'<div style="font-size:1.05rem;line-height:1.8">{swatches}</div>')
