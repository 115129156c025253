"""The Timeline page: events in the period, and status over time."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard.core import scoring
from dashboard.filters import FIRST_YEAR, Filters
from dashboard.views.common import selected_participants, selected_recommendations
from dashboard.views.dataset import REGION_NAME, Dataset
from dashboard.views.words import kind_name, names_of


def shown_period(*, filters: Filters, since_first: bool) -> Filters:
    """The filters the timeline is drawn for: from 2005 (the World Summit) with ``since_first``,
    so its axis, subtitle and file name say the same period."""
    return replace(filters, from_year=FIRST_YEAR) if since_first else filters


def timeline_events(*, ds: Dataset, filters: Filters, since_first: bool = False) -> pd.DataFrame:
    """Events in the period touching the selection (participants, recommendations, pillars).

    Events with no participants (global or regional) are always kept; each event gets a start
    and end drawn to its date precision (a year-precise event spans its year). With
    ``since_first`` the period starts in 2005 (the World Summit) whatever the filter says.
    """
    ev = ds.events.copy()
    if ev.empty:
        return ev.assign(
            start=pd.Series(dtype="datetime64[ns]"),
            end=pd.Series(dtype="datetime64[ns]"),
            pillar="",
        )
    ev = ev[(ev["date"].dt.year <= filters.to_year)]
    end_year = ev["end_date"].dt.year.fillna(ev["date"].dt.year)
    ev = ev[end_year >= (FIRST_YEAR if since_first else filters.from_year)]
    if filters.participants:
        keep = ev["participants"].map(
            lambda s: not s or bool(set(s.split(";")) & set(filters.participants))
        )
        ev = ev[keep.astype(bool)]
    recs = filters.recommendations
    if recs:
        # astype(bool): on an empty frame map() gives an object Series, which pandas would
        # take for a list of column labels instead of a row mask.
        ev = ev[
            ev["items"]
            .map(lambda s: any(i.rstrip("abcdef") in recs for i in s.split(";") if i))
            .astype(bool)
        ]
    if filters.pillars:
        wanted = {str(p) for p in filters.pillars}
        ev = ev[ev["pillars"].map(lambda s: bool(set(s.split(";")) & wanted)).astype(bool)]
    offsets = {
        "year": pd.DateOffset(years=1),
        "month": pd.DateOffset(months=1),
        "day": pd.DateOffset(days=1),
    }
    ev["start"] = ev["date"]
    ev["end"] = [
        (e + pd.DateOffset(days=1)) if pd.notna(e) else d + offsets.get(p, pd.DateOffset(days=1))
        for d, e, p in zip(ev["date"], ev["end_date"], ev["precision"], strict=True)
    ]
    ev["when"] = [
        d.strftime("%Y")
        if p == "year"
        else d.strftime("%b %Y")
        if p == "month"
        else d.strftime("%d %b %Y")
        for d, p in zip(ev["date"], ev["precision"], strict=True)
    ]
    ev["pillar"] = ev["pillars"].map(lambda s: ("Pillar " + s.split(";")[0]) if s else "No pillar")
    ev["kind_label"] = ev["kind"].map(kind_name)  # 'UN dialogue', never 'un_dialogue'
    ev["participant_names"] = ev["participants"].map(lambda s: names_of(s, ds.names))
    return ev.reset_index(drop=True)


def status_over_time(*, ds: Dataset, filters: Filters, max_lines: int = 8) -> pd.DataFrame:
    """Mean status over the selected recommendations per participant (or region) and year."""
    recs = selected_recommendations(ds=ds, filters=filters)
    people = selected_participants(ds=ds, filters=filters)
    st = ds.status
    st = st[
        st["recommendation"].isin(recs) & st["year"].between(filters.from_year, filters.to_year)
    ]
    if len(people) > max_lines or not filters.participants:
        mine = st[st["participant_code"].isin(people)]
        series = mine.groupby("year").agg(
            status=("status", "mean"), synthetic=("synthetic", "any"), pairs=("status", "size")
        )
        # The minimum-data rule of every average: a year's mean is drawn only when at least
        # half of the participant-recommendation pairs have a current status; a mean over the
        # few that have data would speak for the many that have none.
        levels = {r: lv for r, lv in zip(ds.items["code"], ds.items["level"], strict=True)}
        expected = len(people) * len([r for r in recs if levels.get(r) != "region"])
        enough = series["pairs"] >= scoring.MIN_DATA_SHARE * max(expected, 1)
        series["status"] = series["status"].where(enough)
        series = series.drop(columns=["pairs"])
        series["participant"] = f"Mean of the {len(people)} participants (years with enough data)"
        region = (
            st[st["participant_code"] == scoring.REGION]
            .groupby("year")
            .agg(status=("status", "mean"), synthetic=("synthetic", "any"))
        )
        region["participant"] = REGION_NAME
        out = pd.concat([series, region]).reset_index()
    else:
        mine = st[st["participant_code"].isin(people)]
        out = (
            mine.groupby(["participant_code", "year"])
            .agg(status=("status", "mean"), synthetic=("synthetic", "any"))
            .reset_index()
        )
        out["participant"] = out["participant_code"].map(ds.names)
    return out[["participant", "year", "status", "synthetic"]]


def missing_lines(*, ds: Dataset, filters: Filters, max_lines: int = 8) -> list[str]:
    """Why a chosen participant has no line in status_over_time (one sentence each): no status
    in any year of the period for the selected recommendations, with insufficient data or with
    no evidence at all. Empty when the chart draws a mean instead of one line each."""
    people = selected_participants(ds=ds, filters=filters)
    if not filters.participants or len(people) > max_lines:
        return []
    recs = selected_recommendations(ds=ds, filters=filters)
    period = f"{filters.from_year}–{filters.to_year}"

    def scoped(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[
            frame["recommendation"].isin(recs)
            & frame["year"].between(filters.from_year, filters.to_year)
        ]

    with_status = set(scoped(ds.status)["participant_code"])
    with_evidence = set(scoped(ds.cells)["participant_code"])
    said = []
    for code in people:
        if code in with_status:
            continue
        name = ds.names.get(code, code)
        if code in with_evidence:
            said.append(
                f"No line for {name}: in every year of {period} its evidence is too little "
                "(fewer than half the indicators observed) or stale, so there is no current status."
            )
        else:
            said.append(f"No line for {name}: no evidence for these recommendations in {period}.")
    return said
