"""The Overview page: headline figures, the region's status per recommendation, latest events."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core import scoring
from dashboard.filters import Filters
from dashboard.views.common import (
    FOCAL_POINT_APPOINTED,
    FOCAL_POINT_INDICATOR,
    rec_levels,
    selected_participants,
    selected_recommendations,
    status_at,
)
from dashboard.views.dataset import Dataset
from dashboard.views.timeline import timeline_events


@dataclass(frozen=True)
class Headline:
    """One headline figure now and at the comparison year."""

    label: str
    value: str
    delta: str | None
    help: str


def rec_region_status(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Status of each selected recommendation for the region at a year.

    Region-level recommendations use the region's own status; participant-level ones the median
    over the selected participants with data, shown only when at least half have data.
    """
    at = status_at(ds, year)
    people = selected_participants(ds=ds, filters=filters)
    levels = rec_levels(ds)
    rows = []
    for rec in selected_recommendations(ds=ds, filters=filters):
        if levels.get(rec) == "region":
            hit = at[(at["participant_code"] == scoring.REGION) & (at["recommendation"] == rec)]
            status = float(hit["status"].iloc[0]) if len(hit) else None
            have, basis = (1 if len(hit) else 0), "regional status"
            synthetic = bool(hit["synthetic"].any())
        else:
            hit = at[(at["participant_code"].isin(people)) & (at["recommendation"] == rec)]
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
    return pd.DataFrame(rows)


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

    def initiated(y: int) -> tuple[int, int, int]:
        r = rec_region_status(ds=ds, filters=filters, year=y)
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
    i_now, n_recs, with_data = initiated(year)
    i_then, _, _ = initiated(since)
    out.append(
        Headline(
            "Recommendations at or above 'Initiated'",
            f"{i_now} of {n_recs}"
            + (f" ({with_data} with enough data)" if with_data < n_recs else ""),
            f"{i_now - i_then:+d} since {since}",
            "Regional status for regional recommendations; the median over participants "
            "(at least half with data) for national ones.",
        )
    )
    by_now = pillar_averages(ds=ds, filters=filters, year=year)
    by_then = pillar_averages(ds=ds, filters=filters, year=since)
    for pillar, value in by_now.items():
        before = by_then.get(pillar)
        out.append(
            Headline(
                f"Average status, pillar {pillar}",
                "insufficient data" if value is None else f"{value:.1f} / 4",
                None if value is None or before is None else f"{value - before:+.1f} since {since}",
                "Mean status over selected participants and the recommendations whose primary "
                "pillar this is; shown only when at least half the pairs have data.",
            )
        )
    return out


def pillar_averages(*, ds: Dataset, filters: Filters, year: int) -> dict[int, float | None]:
    """Mean status per primary pillar over (participant or region, recommendation) pairs."""
    at = status_at(ds, year)
    recs = selected_recommendations(ds=ds, filters=filters)
    people = selected_participants(ds=ds, filters=filters)
    levels = rec_levels(ds)
    primary = ds.items.set_index("code")["primary_pillar"]
    out: dict[int, float | None] = {}
    for pillar in filters.pillars or (1, 2, 3):
        pillar_recs = [r for r in recs if primary.get(r) == pillar]
        expected = sum(1 if levels.get(r) == "region" else len(people) for r in pillar_recs)
        owners = [*people, scoring.REGION]
        hit = at[at["recommendation"].isin(pillar_recs) & at["participant_code"].isin(owners)]
        out[int(pillar)] = scoring.mean_with_minimum(statuses=hit["status"], expected=expected)
    return out


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
