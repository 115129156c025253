"""Filter state: the sidebar's filters and page parameters, mirrored in the URL."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.filters import (
    FILTER_KEYS,
    FIRST_YEAR,
    PILLARS,
    RECOMMENDATIONS,
    Filters,
    parse_query,
    this_year,
)
from dashboard.ui.cache import dataset
from dashboard.views.common import members_at, rec_names
from dashboard.views.dataset import Dataset

SHORTCUTS = ("All participants", "ASEAN members", "CSCAP members")


def _known_participants(ds: Dataset) -> dict[str, str]:
    known = {c.upper(): c for c in ds.participants["code"]}
    known.update(
        {
            n.upper(): c
            for c, n in zip(ds.participants["code"], ds.participants["name"], strict=True)
        }
    )
    return known


def _shortcut_codes(ds: Dataset, choice: str) -> list[str]:
    p = ds.participants
    if choice in ("ASEAN members", "CSCAP members"):
        period = st.session_state.get("f_period") or (FIRST_YEAR, this_year())
        return members_at(ds=ds, group=choice.split()[0], year=int(period[1]))
    if choice.startswith("Sub-region: "):
        return list(p[p["grouping"] == choice.removeprefix("Sub-region: ")]["code"])
    return []


def _apply_shortcut(ds: Dataset) -> None:
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
    # Names and codes are the same in both variants: read the one the page will read.
    ds_ref = dataset(include_sample=bool(state.get("f_sample", False)))
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
            format_func=lambda r: f"{r} {rec_names(ds_ref).get(r, '')}",
        )
        st.slider("Period", FIRST_YEAR, this_year(), key="f_period")
        if ds_ref.observed.sample_in_database:
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
