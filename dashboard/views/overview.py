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
    SYMBOLS,
    rec_levels,
    rec_names,
    selected_participants,
    selected_recommendations,
    status_at,
)
from dashboard.views.dataset import Dataset
from dashboard.views.timeline import timeline_events
from dashboard.views.tracker import regional_track, tracker_matrix


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


def headlines(*, ds: Dataset, filters: Filters, since: int) -> list[Headline]:
    """Focal points, recommendations at or above 'initiated', average status by pillar."""
    people = selected_participants(ds=ds, filters=filters)
    year = filters.to_year

    def focal(y: int) -> int:
        p = ds.indicators_at(y)
        hit = p[
            (p["indicator_code"] == FOCAL_POINT_INDICATOR)
            & (p["participant_code"].isin(people))
            & (p["value"] >= FOCAL_POINT_APPOINTED)
        ]
        return int(hit["participant_code"].nunique())

    levels = rec_levels(ds)
    statuses: dict[int, pd.DataFrame] = {}  # per year: both levels come from one computation

    def initiated(y: int, level: str) -> tuple[int, int, int]:
        if y not in statuses:
            statuses[y] = rec_region_status(ds=ds, filters=filters, year=y)
        r = statuses[y]
        if len(r):
            r = r[r["recommendation"].map(levels).eq(level)]
        if not len(r):
            return 0, 0, 0
        return int((r["status"] >= scoring.INITIATED).sum()), len(r), int(r["status"].notna().sum())

    out = []
    f_now, f_then = focal(year), focal(since)
    out.append(
        Headline(
            "Participants with an RtoP focal point",
            f"{f_now} of {len(people)}",
            f"{f_now - f_then:+d} since {since}",
            f"Indicator {FOCAL_POINT_INDICATOR} at level 'appointed' or higher, as of {year}.",
        )
    )
    for level, label, how in (
        (
            "participant",
            "National recommendations ≥ Initiated",
            "Acts of each participant: the median status over the selected participants, shown "
            "when at least half of them have enough data.",
        ),
        (
            "region",
            "Regional recommendations ≥ Initiated",
            "Acts of the ARF as a whole: the region's own status, the same whichever "
            "participants are selected.",
        ),
    ):
        i_now, n_recs, with_data = initiated(year, level)
        i_then, _, _ = initiated(since, level)
        out.append(
            Headline(
                label,
                "none selected" if n_recs == 0 else f"{i_now} of {n_recs}",
                None if n_recs == 0 else f"{i_now - i_then:+d} since {since}",
                how,
                # under the figure, not in it: a long value is cut short on a 1366 px screen
                detail=f"{with_data} of {n_recs} with enough data" if with_data < n_recs else "",
            )
        )
    now = pillar_summary(ds=ds, filters=filters, year=year).set_index("pillar")
    then = pillar_summary(ds=ds, filters=filters, year=since).set_index("pillar")
    for pillar, row in now.iterrows():
        value, before = row["average_status"], then.at[pillar, "average_status"]
        out.append(
            Headline(
                f"Pillar {pillar} average",
                "insufficient data" if pd.isna(value) else f"{value:.1f} / 4",
                None
                if pd.isna(value) or pd.isna(before)
                else f"{value - before:+.1f} since {since}",
                PILLAR_AVERAGE_HELP,
                detail=str(row["name"]),
            )
        )
    return out


PILLAR_AVERAGE_HELP = (
    "Mean status over the selected participants' national recommendations whose primary pillar "
    "this is (regional recommendations have their own figure); shown when at least half of "
    "those participant-recommendation pairs have enough data."
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


def freshness(*, ds: Dataset) -> dict[str, str]:
    """When data was last observed and loaded, and how many sources stand behind it."""
    o = ds.observed
    return {
        "latest observation": o.latest or "none",
        "latest documented (non-sample) observation": o.latest_documented or "none",
        "observations": f"{o.total:,}" + (f" ({o.synthetic:,} sample)" if o.synthetic else ""),
        "sources cited": str(int(((ds.sources["observations"] + ds.sources["events"]) > 0).sum())),
        "data read": ds.loaded_at,
    }


STANDING = (  # (key, symbol, label) from the best status down, then the two kinds of no status
    *((str(s), SYMBOLS[s], STATUS_LABELS[s]) for s in (4, 3, 2, 1, 0)),
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
        np.where(matrix["result"].eq(scoring.RESULT_INSUFFICIENT), "insufficient", "none"),
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
