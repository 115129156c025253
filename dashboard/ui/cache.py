"""The pages' caches: the engine, the data version, the Dataset, view results and figures.

The engine and the Dataset of a data version come from the core's store
(dashboard/core/store.py), which the data routes (dashboard/api) read too: this module is the
pages' thin adapter over it, reading the version token once per script run (with the pending
run a session previews) and keeping view results and figures in Streamlit's caches under it.
Everything a page reads goes through here, keyed by the data version (which changes on every
load), so a load is seen by the next run. RTOP_NO_CACHE=1 is the benchmarks' honest naive
baseline: the Dataset is read once per script run and nothing is kept between runs.
"""

from __future__ import annotations

import gc
import importlib
import inspect
import os
import weakref
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.charts.common import for_projector
from dashboard.charts.steady import steady
from dashboard.core import store
from dashboard.core.config import get_settings
from dashboard.core.db import data_version, head_revision, is_initialised, schema_revision
from dashboard.filters import Filters
from dashboard.views.dataset import Dataset, load_dataset

NO_CACHE = os.environ.get("RTOP_NO_CACHE") == "1"  # for the benchmark's naive baseline
RUN_MEMO = "_run_datasets"  # NO_CACHE: the Datasets read in this script run
PREVIEWING = "_previewing"  # the pending run this session previews (set by dashboard.ui.preview)
PREVIEW_MARK = "|preview="  # in a version token: the pending run applied on top of that version


def _engine(url: str) -> Engine:
    return store.engine_for(url)


def engine() -> Engine:
    """The database engine for RTOP_DATABASE_URL (one per URL, kept across reruns)."""
    return _engine(get_settings().database_url)


def refresh_version() -> str:
    """Read the data version token (it changes on every load) once for this script run.

    While this session previews a pending run, the token names it too, so every cached
    Dataset, view and figure of the preview is kept apart from the published ones.
    """
    token = data_version(engine=engine())
    previewing = st.session_state.get(PREVIEWING)
    if isinstance(previewing, int):
        token = f"{token}{PREVIEW_MARK}{previewing}"
    st.session_state["_data_version"] = token
    st.session_state[RUN_MEMO] = {}
    return token


def version() -> str:
    """The data version read at the start of this run; part of every cache key."""
    token = st.session_state.get("_data_version")
    return token if isinstance(token, str) else refresh_version()


def read_key(url: str, token: str, include_sample: bool) -> store.ReadKey:
    """The store's key for a version token of this module (with its preview mark, if any)."""
    published, _, run = token.partition(PREVIEW_MARK)
    return store.ReadKey(
        url=url, version=published, sample=include_sample, preview=int(run) if run else None
    )


def _read_dataset(url: str, token: str, include_sample: bool) -> Dataset:
    key = read_key(url, token, include_sample)
    if key.preview is not None:
        from dashboard.ui.preview import preview_dataset  # noqa: PLC0415 (it imports this module)

        return preview_dataset(
            engine=_engine(url), run_id=key.preview, include_sample=include_sample
        )
    return load_dataset(engine=_engine(url), include_sample=include_sample)


def dataset_at(url: str, data_version_: str, include_sample: bool) -> Dataset:
    """The Dataset of one database and data version, from the core's store (read once per
    process and version; for other cached functions); a token with a preview mark gives the
    Dataset with that pending run applied."""
    found: Dataset = store.DATASETS.get(
        read_key(url, data_version_, include_sample),
        load=lambda: _read_dataset(url, data_version_, include_sample),
    )
    return found


def dataset(*, include_sample: bool) -> Dataset:
    """The Dataset for the current data version, loaded once and shared."""
    if NO_CACHE:
        memo = st.session_state.setdefault(RUN_MEMO, {})
        if include_sample not in memo:
            memo[include_sample] = _read_dataset(
                get_settings().database_url, version(), include_sample
            )
        found: Dataset = memo[include_sample]
        return found
    url, token = get_settings().database_url, version()
    if store.DATASETS.has(read_key(url, token, include_sample)):
        return dataset_at(url, token, include_sample)
    with st.spinner("Reading the database…"):
        return dataset_at(url, token, include_sample)


def _resolve(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


@st.cache_data(show_spinner=False, max_entries=512)
def _compute(
    path: str,
    url: str,
    data_version_: str,
    include_sample: bool,
    kwargs: tuple[tuple[str, Any], ...],
) -> Any:
    ds = dataset_at(url, data_version_, include_sample)
    return _resolve(path)(ds=ds, **dict(kwargs))


def compute(view: Callable[..., Any], *, filters: Filters, **kwargs: Any) -> Any:
    """Call a view function (``view(ds=..., **kwargs)``), cached by data version and arguments.

    ``filters`` is passed on when the view takes it, and always keys the cache (the sample
    switch chooses the Dataset).
    """
    if "filters" in inspect.signature(view).parameters:
        kwargs["filters"] = filters
    if NO_CACHE:
        return view(ds=dataset(include_sample=filters.sample), **kwargs)
    path = f"{view.__module__}:{view.__name__}"
    key = tuple(sorted(kwargs.items()))
    return _compute(path, get_settings().database_url, version(), filters.sample, key)


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
    found = schema_revision(engine=engine())
    if found != head_revision():
        st.title("RtoP Monitor")
        st.info(
            f"The database was made by another version of RtoP Monitor (schema {found or 'unknown'}"
            f", this version reads {head_revision()}). Run `make db` (or `rtop init`) to upgrade "
            "it — nothing in it is lost — then reload this page."
        )
        st.stop()


@st.cache_resource(show_spinner=False)
def _freeze_once() -> int:
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def freeze_startup_objects() -> None:
    """Once per process, after its first script run: move the objects alive then (almost all
    from imports: streamlit, sqlalchemy, alembic, pandas, plotly; about 170k) out of the cyclic
    garbage collector's sight. Streamlit collects garbage in full after every rerun
    (runner.postScriptGC), and scanning those objects took 0.08-0.13 s of every rerun before
    the browser heard the script had finished. They live as long as the process; objects made
    later (datasets, figures, sessions) are collected as before."""
    _freeze_once()


def warm() -> Dataset | None:
    """Outside any script run, as the server starts (dashboard/ui/warm.py): read the published
    Dataset of the current data version, documented data only (the filters' default), into
    the cache the pages read, then freeze the startup objects. None, and nothing read, when
    the database is not ready: the first page says why."""
    url = get_settings().database_url
    engine_ = _engine(url)
    found = None
    if is_initialised(engine=engine_) and schema_revision(engine=engine_) == head_revision():
        found = dataset_at(url, data_version(engine=engine_), False)
    _freeze_once()
    return found


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_figure(key: tuple[Any, ...], _build: Callable[[], go.Figure]) -> go.Figure:
    return steady(_build())


def figure(
    name: str, build: Callable[[], go.Figure], *, filters: Filters, extra: tuple[Any, ...] = ()
) -> go.Figure:
    """A chart built once per data version, filters and page choices (``extra``), then reused:
    building a Plotly figure costs tens of milliseconds, more than the rest of a warm rerun.
    The figure is shared, so callers must not change it (exports work on a copy). It is made
    ``steady`` (dashboard/charts/steady.py): its mount in the browser draws it once, not twice."""
    if NO_CACHE:
        return steady(build())
    return _cached_figure((name, get_settings().database_url, version(), filters, extra), build)


_PROJECTED: dict[int, tuple[weakref.ReferenceType[go.Figure], go.Figure]] = {}


def projected(fig: go.Figure) -> go.Figure:
    """The presentation-mode copy of a figure (charts.common.for_projector, then steady), made
    once per figure object and kept while it lives: the figures are cached and shared, and
    every rerun of a page on the meeting-room screen made the copy again (tens of ms a chart).
    """
    key = id(fig)
    found = _PROJECTED.get(key)
    if found is not None and found[0]() is fig:
        return found[1]
    copy = steady(for_projector(fig))
    _PROJECTED[key] = (weakref.ref(fig, lambda _gone: _PROJECTED.pop(key, None)), copy)
    return copy
