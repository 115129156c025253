"""The Overview page: headline figures, the region's status per recommendation, latest events."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.core import scoring
from dashboard.core.models import NO_DATA, STATUS_LABELS
from dashboard.filters import PILLARS, Filters
from dashboard.views.common import (
    FOCAL_POINT_APPOINTED,
    FOCAL_POINT_INDICATOR,
    INSUFFICIENT,
    INSUFFICIENT_SYMBOL,
    NO_DATA_SYMBOL,
    STALE,
    STALE_SYMBOL,
    SYMBOLS,
    rec_levels,
    rec_names,
    selected_observations,
    selected_participants,
    selected_recommendations,
    status_at,
)
from dashboard.views.dataset import Dataset
from dashboard.views.timeline import timeline_events
from dashboard.views.tracker import regional_track, tracker_matrix, treaty_summary, treaty_track


@dataclass(frozen=True)
class Headline:
    """One headline figure now and at the comparison year."""

    label: str
    value: str
    delta: str | None
    help: str
    detail: str = ""  # shown under the figure (a pillar's name), so the label stays short

    @property
    def text(self) -> str:
        """The figure as one line, as a pack's bullet lists it."""
        label = f"{self.label} ({self.detail})" if self.detail else self.label
        return f"{label}: {self.value}" + (f" ({self.delta})" if self.delta else "")


def rec_region_status(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Status of each selected recommendation for the region at a year.

    Region-level recommendations use the region's own status; participant-level ones the median
    over the selected participants with data, shown only when at least half have data.
    """
    at = status_at(ds, year)
    people = selected_participants(ds=ds, filters=filters)
    levels = rec_levels(ds)
    recs = selected_recommendations(ds=ds, filters=filters)
    at = at[at["recommendation"].isin(recs)]
    national = at[at["participant_code"].isin(people)]
    regional = at[at["participant_code"] == scoring.REGION]
    by_rec = {  # one scan per kind of row, then a lookup per recommendation
        "participant": dict(tuple(national.groupby("recommendation", sort=False))),
        "region": dict(tuple(regional.groupby("recommendation", sort=False))),
    }
    none = at.iloc[0:0]
    rows = []
    for rec in recs:
        if levels.get(rec) == "region":
            hit = by_rec["region"].get(rec, none)
            status = float(hit["status"].iloc[0]) if len(hit) else None
            have, basis = (1 if len(hit) else 0), "regional status"
            synthetic = bool(hit["synthetic"].any())
        else:
            hit = by_rec["participant"].get(rec, none)
            have = len(hit)
            ok = have >= scoring.MIN_DATA_SHARE * len(people) and have > 0
            status = float(hit["status"].median()) if ok else None
            basis = f"median of {have}/{len(people)} participants"
            synthetic = bool(hit["synthetic"].any())
        rows.append(
            {
                "recommendation": rec,
                "status": status,
                "basis": basis,
                "with_data": have,
                "synthetic": synthetic,
            }
        )
    return pd.DataFrame(
        rows, columns=["recommendation", "status", "basis", "with_data", "synthetic"]
    )


@dataclass(frozen=True)
class Change:
    """How a count of recommendations at or above Initiated moved between two years, counted
    only over the recommendations known in both (unknown is not zero)."""

    now: int  # at or above Initiated now, of those known now
    known_now: int
    delta: int | None  # over the recommendations known in both years; None when none is
    lapsed: int  # at or above Initiated then, with no status now (evidence lapsed or gone)


def compare_initiated(*, then: dict[str, float | None], now: dict[str, float | None]) -> Change:
    """The Initiated count now against then: a recommendation without a status in either year
    is left out of the change, and one that had a status then and has none now is 'lapsed',
    never a decline. So the change is negative only where a status really fell."""

    def up(v: float | None) -> bool:
        return v is not None and not pd.isna(v) and v >= scoring.INITIATED

    def known(v: float | None) -> bool:
        return v is not None and not pd.isna(v)

    both = [r for r in now if known(now[r]) and known(then.get(r))]
    return Change(
        now=sum(up(v) for v in now.values()),
        known_now=sum(known(v) for v in now.values()),
        delta=(sum(up(now[r]) for r in both) - sum(up(then[r]) for r in both)) if both else None,
        lapsed=sum(up(then.get(r)) and not known(now[r]) for r in now),
    )


def cell_counts(*, ds: Dataset, filters: Filters, year: int) -> dict[str, int]:
    """The selected participants' national cells at a year by what is known of them: a current
    status, stale evidence only, insufficient data, or no data (counted from the tracker's own
    cells, so the Overview, /gaps and the tracker agree)."""
    matrix = tracker_matrix(ds=ds, filters=filters, year=year, sort="grouping")
    result = matrix["result"] if len(matrix) else pd.Series(dtype=object)
    return {
        "cells": len(matrix),
        "current": int(result.eq(scoring.RESULT_STATUS).sum()),
        "stale": int(result.eq(scoring.RESULT_STALE).sum()),
        "insufficient": int(result.eq(scoring.RESULT_INSUFFICIENT).sum()),
        "none": int(result.isna().sum()),
    }


def _delta_text(change: Change, since: int) -> str | None:
    return None if change.delta is None else f"{change.delta:+d} since {since}"


def headlines(*, ds: Dataset, filters: Filters, since: int) -> list[Headline]:
    """How much is known first, then focal points, recommendations at or above 'initiated'
    and the average status by pillar. An unknown figure reads 'not enough data' with no change;
    a status that lapsed is said to have lapsed, not to have fallen."""
    people = selected_participants(ds=ds, filters=filters)
    year = filters.to_year

    def focal(y: int) -> tuple[int, int]:
        p = ds.indicators_at(y)
        hit = p[
            (p["indicator_code"] == FOCAL_POINT_INDICATOR)
            & (p["participant_code"].isin(people))
            & (p["value"] >= FOCAL_POINT_APPOINTED)
        ]
        current = hit[~hit["stale"].astype(bool)]
        return int(current["participant_code"].nunique()), int(hit["participant_code"].nunique())

    levels = rec_levels(ds)
    statuses: dict[int, pd.DataFrame] = {}  # per year: both levels come from one computation

    def by_rec(y: int, level: str) -> dict[str, float | None]:
        if y not in statuses:
            statuses[y] = rec_region_status(ds=ds, filters=filters, year=y)
        r = statuses[y]
        if len(r):
            r = r[r["recommendation"].map(levels).eq(level)]
        return {
            rec: (None if pd.isna(v) else float(v))
            for rec, v in zip(r["recommendation"], r["status"], strict=True)
        }

    counts = cell_counts(ds=ds, filters=filters, year=year)
    out = [
        Headline(
            "National cells with a current status",
            f"{counts['current']} of {counts['cells']}",
            None,
            "Participants × national recommendations in this selection whose evidence is "
            "current (within each indicator's window or age limit). The rest: stale evidence "
            "only (shown with its year, not as a current status), too few indicators observed, "
            "or no evidence at all. Each is a gap the collection cycle (/gaps) lists.",
            detail=f"{counts['stale']} stale · {counts['insufficient']} insufficient · "
            f"{counts['none']} no data",
        )
    ]
    f_now, f_any = focal(year)
    f_then, _ = focal(since)
    out.append(
        Headline(
            "Participants with an RtoP focal point",
            f"{f_now} of {len(people)}",
            f"{f_now - f_then:+d} since {since}",
            f"Indicator {FOCAL_POINT_INDICATOR} at level 'appointed' or higher, as of {year}, "
            "on current evidence (a record at most five years old).",
            detail=f"{f_any - f_now} more on stale evidence" if f_any > f_now else "",
        )
    )
    for level, label, how in (
        (
            "participant",
            "National recommendations ≥ Initiated",
            "Acts of each participant: the median status over the selected participants, known "
            "when at least half of them have a current status. The change counts only "
            "recommendations known in both years.",
        ),
        (
            "region",
            "Regional recommendations ≥ Initiated",
            "Acts of the ARF as a whole: the region's own status, the same whichever "
            "participants are selected. The change counts only recommendations known in both "
            "years.",
        ),
    ):
        now = by_rec(year, level)
        change = compare_initiated(then=by_rec(since, level), now=now)
        n_recs = len(now)
        if n_recs == 0:
            value, delta, detail = "none selected", None, ""
        elif change.known_now == 0:
            value, delta, detail = "not enough data", None, f"0 of {n_recs} known"
        else:
            value = f"{change.now} of {change.known_now} known"
            delta = _delta_text(change, since)
            detail = f"{change.known_now} of {n_recs} with enough data"
        if change.lapsed:
            lapsed = f"{change.lapsed} lapsed since {since} (evidence too old)"
            detail = f"{detail} · {lapsed}" if detail else lapsed
        out.append(Headline(label, value, delta, how, detail=detail))
    now_p = pillar_summary(ds=ds, filters=filters, year=year).set_index("pillar")
    then_p = pillar_summary(ds=ds, filters=filters, year=since).set_index("pillar")
    for pillar, row in now_p.iterrows():
        value, before = row["average_status"], then_p.at[pillar, "average_status"]
        out.append(
            Headline(
                f"Pillar {pillar} average",
                "not enough data" if pd.isna(value) else f"{value:.1f} / 4",
                None
                if pd.isna(value) or pd.isna(before)
                else f"{value - before:+.1f} since {since}",
                PILLAR_AVERAGE_HELP,
                detail=f"{row['name']} · {int(row['with_data'])} of {int(row['pairs'])} "
                "pairs known",
            )
        )
    return out


PILLAR_AVERAGE_HELP = (
    "Mean status over the selected participants' national recommendations whose primary pillar "
    "this is (regional recommendations have their own figure); shown when at least half of "
    "those participant-recommendation pairs have enough data. The Pillar coverage page counts "
    "something else: each participant's share of a pillar's recommendations at or above "
    "Initiated."
)


def pillar_summary(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """The average status by primary pillar, defined once for every page, download and pack.

    Over the selected participants and the selected national (participant-level)
    recommendations of each pillar: the mean status of the (participant, recommendation) pairs
    with a status, shown only when at least half of the pairs have one. Columns: pillar, name,
    recommendations (how many), pairs, with_data, average_status (NaN when not shown).
    """
    at = status_at(ds, year)
    levels = rec_levels(ds)
    recs = [
        r for r in selected_recommendations(ds=ds, filters=filters) if levels.get(r) != "region"
    ]
    people = selected_participants(ds=ds, filters=filters)
    primary = ds.items.set_index("code")["primary_pillar"]
    names = dict(zip(ds.pillars["number"], ds.pillars["short_name"], strict=True))
    rows = []
    for pillar in filters.pillars or PILLARS:
        pillar_recs = [r for r in recs if primary.get(r) == pillar]
        hit = at[at["recommendation"].isin(pillar_recs) & at["participant_code"].isin(people)]
        pairs = len(pillar_recs) * len(people)
        mean = scoring.mean_with_minimum(statuses=hit["status"].astype(float), expected=pairs)
        rows.append(
            {
                "pillar": int(pillar),
                "name": names.get(int(pillar), f"Pillar {pillar}"),
                "recommendations": len(pillar_recs),
                "pairs": pairs,
                "with_data": len(hit),
                "average_status": float("nan") if mean is None else round(mean, 2),
            }
        )
    return pd.DataFrame(rows)


def latest_events(*, ds: Dataset, filters: Filters, limit: int = 8) -> pd.DataFrame:
    """The most recent events within the period and selection."""
    ev = timeline_events(ds=ds, filters=filters)
    return ev.sort_values("date", ascending=False).head(limit)


def freshness(*, ds: Dataset, filters: Filters) -> dict[str, str]:
    """When data was last observed and loaded, and how many observations and sources stand
    behind the selection, each beside the database's total: the selection's observations are
    exactly the Exports page's file (views.selected_observations), and a briefing pack lists
    only the sources of what it shows, so every count says what it counts."""
    o = ds.observed
    chosen = selected_observations(ds=ds, filters=filters)
    sample = int(chosen["synthetic"].astype(bool).sum()) if len(chosen) else 0
    events = timeline_events(ds=ds, filters=filters)
    cited = set(chosen["source"].dropna()) | set(events["source"].dropna())
    on_record = int(((ds.sources["observations"] + ds.sources["events"]) > 0).sum())
    return {
        "latest observation": o.latest or "none",
        "latest documented (non-sample) observation": o.latest_documented or "none",
        "observations": f"{len(chosen):,}"
        + (f" ({sample:,} sample)" if sample else "")
        + f" in this selection ({filters.from_year}–{filters.to_year}; the Exports page's "
        f"file), of {o.total:,} on record",
        "sources cited": f"{len(cited):,} behind this selection's observations and events, of "
        f"{on_record:,} on record (the Methodology page lists them all; a briefing pack lists "
        "those of what it shows)",
        "data read": ds.loaded_at,
    }


STANDING = (  # (key, symbol, label) from the best status down, then the kinds of no status
    *((str(s), SYMBOLS[s], STATUS_LABELS[s]) for s in (4, 3, 2, 1, 0)),
    ("stale", STALE_SYMBOL, STALE),
    ("insufficient", INSUFFICIENT_SYMBOL, INSUFFICIENT),
    ("none", NO_DATA_SYMBOL, NO_DATA),
)


def rec_standing(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Where the region stands on each national recommendation: how many of the selected
    participants are at each status in ``year``, with insufficient data and no data counted.

    Counted from the tracker's own cells (tracker_matrix), so the Overview and the tracker
    never disagree. One row per (recommendation, status) with a count, in the recommendations'
    order and the statuses' from Implemented down: recommendation, name, key, rank (that
    order), symbol, label, count, of (participants selected), synthetic (a sample value is
    among those counted), sources (of the counted cells' evidence, "; "-separated).
    """
    matrix = tracker_matrix(ds=ds, filters=filters, year=year, sort="grouping")
    return standing_of(matrix=matrix, ds=ds, filters=filters)


def standing_of(*, matrix: pd.DataFrame, ds: Dataset, filters: Filters) -> pd.DataFrame:
    """rec_standing from a tracker_matrix already at hand (the briefing pack draws both)."""
    columns = [
        "recommendation",
        "name",
        "key",
        "rank",
        "symbol",
        "label",
        "count",
        "of",
        "synthetic",
        "sources",
    ]
    if matrix.empty:
        return pd.DataFrame(columns=columns)
    key = np.where(
        matrix["result"].eq(scoring.RESULT_STATUS),
        matrix["status"].fillna(-1).astype(int).astype(str),
        np.where(
            matrix["result"].eq(scoring.RESULT_INSUFFICIENT),
            "insufficient",
            np.where(matrix["result"].eq(scoring.RESULT_STALE), "stale", "none"),
        ),
    )
    cells = matrix.assign(key=key)
    names = rec_names(ds)
    people = len(selected_participants(ds=ds, filters=filters))
    rows = []
    for rec in dict.fromkeys(cells["recommendation"]):
        mine = cells[cells["recommendation"] == rec]
        for rank, (k, symbol, label) in enumerate(STANDING):
            hit = mine[mine["key"] == k]
            if len(hit):
                rows.append(
                    {
                        "recommendation": rec,
                        "name": names.get(rec, ""),
                        "key": k,
                        "rank": rank,
                        "symbol": symbol,
                        "label": label,
                        "count": len(hit),
                        "of": people,
                        "synthetic": bool(hit["synthetic"].any()),
                        "sources": "; ".join(
                            dict.fromkeys(
                                part
                                for cell in hit["sources"].dropna()
                                for part in str(cell).split("; ")
                                if part
                            )
                        ),
                    }
                )
    return pd.DataFrame(rows, columns=columns)


def regional_standing(*, ds: Dataset, filters: Filters, year: int) -> list[str]:
    """The selected regional recommendations' statuses (acts of the ARF as a whole), one short
    text each ("R4 Early warning: ◑ Initiated"), from the tracker's regional track."""
    track = regional_track(ds=ds, filters=filters, year=year)
    if track.empty:
        return []
    track = track[track["kind"] == "regional recommendation"]
    return [
        f"{code} {name}: {label}"
        for code, name, label in zip(
            track["code"], track["name"], track["status_label"], strict=True
        )
    ]


def treaty_lines(*, ds: Dataset, filters: Filters, year: int) -> list[str]:
    """One line per treaty: 'Genocide Convention: 21 parties, 5 not a party (of 26 States)'."""
    summary = treaty_summary(treaty_track(ds=ds, filters=filters, year=year))
    lines = []
    for row in summary.itertuples(index=False):
        parts = [f"{row.parties} parties"]
        if row.signed:
            parts.append(f"{row.signed} signed only")
        if row.not_party:
            parts.append(f"{row.not_party} not a party")
        if row.no_record:
            parts.append(f"{row.no_record} no record")
        lines.append(f"{row.treaty_name}: {', '.join(parts)} (of {row.of} States)")
    return lines
