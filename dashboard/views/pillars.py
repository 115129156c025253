"""The Pillars page: coverage by pillar, the breakdown, and the Secretary-General's roles."""

from __future__ import annotations

import pandas as pd

from dashboard.core import scoring
from dashboard.filters import Filters
from dashboard.views.common import (
    rec_levels,
    rec_names,
    selected_participants,
    selected_recommendations,
    status_at,
    status_label,
)
from dashboard.views.dataset import Dataset
from dashboard.views.overview import pillar_summary, rec_region_status


def pillar_coverage(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Per participant and pillar: share of linked recommendations and indicators >= initiated."""
    people = selected_participants(ds=ds, filters=filters)
    recs = selected_recommendations(ds=ds, filters=filters)
    links = ds.item_pillars[ds.item_pillars["item_code"].isin(recs)]
    at = status_at(ds, year)
    p = ds.indicators_at(year)
    levels = rec_levels(ds)
    pillar_names = dict(zip(ds.pillars["number"], ds.pillars["short_name"], strict=True))
    at = at[at["participant_code"].isin(people)]
    p = p[p["participant_code"].isin(people)]
    frames = []
    for pillar in filters.pillars or (1, 2, 3):
        prec = [
            r for r in links[links["pillar"] == pillar]["item_code"] if levels.get(r) != "region"
        ]
        pind = ds.indicators[
            ds.indicators["recommendation"].isin(prec) & (ds.indicators["level"] == "participant")
        ]
        mine = at[at["recommendation"].isin(prec)]
        recs_ok = (mine["status"] >= scoring.INITIATED).groupby(mine["participant_code"]).sum()
        recs_syn = mine["synthetic"].groupby(mine["participant_code"]).any()
        vals = p[p["indicator_code"].isin(pind["code"])]
        ind_ok = (vals["ind_status"] >= scoring.INITIATED).groupby(vals["participant_code"]).sum()
        ind_syn = vals["synthetic"].groupby(vals["participant_code"]).any()
        frame = pd.DataFrame({"participant_code": people})
        frame["pillar"] = f"Pillar {pillar}"
        frame["pillar_name"] = pillar_names.get(int(pillar), "")
        frame["recommendations"] = len(prec)
        frame["recs_initiated"] = frame["participant_code"].map(recs_ok).fillna(0).astype(int)
        frame["rec_share"] = (frame["recs_initiated"] / len(prec)).round(3) if prec else None
        frame["indicators"] = len(pind)
        frame["ind_initiated"] = frame["participant_code"].map(ind_ok).fillna(0).astype(int)
        frame["ind_share"] = (frame["ind_initiated"] / len(pind)).round(3) if len(pind) else None
        synthetic = set(recs_syn[recs_syn].index) | set(ind_syn[ind_syn].index)
        frame["synthetic"] = frame["participant_code"].isin(synthetic)
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out = pd.DataFrame(rows)
    if not out.empty:
        out["name"] = out["participant_code"].map(ds.names)
    return out


def pillar_breakdown(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Pillar -> recommendation -> indicator, with the share of participants >= initiated."""
    people = selected_participants(ds=ds, filters=filters)
    recs = selected_recommendations(ds=ds, filters=filters)
    primary = ds.items.set_index("code")["primary_pillar"]
    p = ds.indicators_at(year)
    names = rec_names(ds)
    rows = []
    for ind in ds.indicators[ds.indicators["recommendation"].isin(recs)].itertuples():
        owners = [scoring.REGION] if ind.level == "region" else people
        vals = p[(p["indicator_code"] == ind.code) & p["participant_code"].isin(owners)]
        rows.append(
            {
                "pillar": f"Pillar {int(primary[ind.recommendation])}",
                "recommendation": f"{ind.recommendation} {names.get(str(ind.recommendation), '')}",
                "indicator": f"{ind.code} {ind.name}",
                "indicator_name": str(ind.name),
                "owners": len(owners),
                "with_data": len(vals),
                "initiated": int((vals["ind_status"] >= scoring.INITIATED).sum()),
                "share_initiated": round(
                    (vals["ind_status"] >= scoring.INITIATED).sum() / len(owners), 3
                ),
                "synthetic": bool(vals["synthetic"].any()),
            }
        )
    return pd.DataFrame(rows)


def sg_role_coverage(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """The SG report's regional roles: which CSCAP recommendations address each, and whether
    any of them is at or above 'initiated' for the region (median rule, see rec_region_status)."""
    roles = ds.items[ds.items["framework_code"] == "SG2011"]
    pillar_of = ds.item_pillars.set_index("item_code")["pillar"]
    everything = Filters(
        participants=filters.participants,
        from_year=filters.from_year,
        to_year=filters.to_year,
        sample=filters.sample,
    )
    rec_status = rec_region_status(ds=ds, filters=everything, year=year).set_index("recommendation")
    rows = []
    for role in roles.itertuples():
        linked = ds.item_links[ds.item_links["to_item"] == role.code]["from_item"].tolist()
        statuses = [rec_status["status"].get(r) for r in linked]
        known = [s for s in statuses if s is not None and not pd.isna(s)]
        rows.append(
            {
                "pillar": int(pillar_of.get(role.code, 0)),
                "role": role.code,
                "name": role.short_name,
                "addressed_by": ", ".join(linked) or "—",
                "covered": bool(known and max(known) >= scoring.INITIATED),
                "covered_text": "yes" if known and max(known) >= scoring.INITIATED else "not yet",
                "best_status": status_label(max(known) if known else None),
            }
        )
    out = pd.DataFrame(rows)
    if filters.pillars and not out.empty:
        out = out[out["pillar"].isin(filters.pillars)]
    return out.reset_index(drop=True)


def overview_difference(*, ds: Dataset, filters: Filters, year: int) -> str:
    """What the coverage bars count, beside what the Overview's pillar average counts, so the
    two are never read as one figure that disagrees with itself (issue 19 item 10)."""
    summary = pillar_summary(ds=ds, filters=filters, year=year)
    parts = []
    for row in summary.itertuples(index=False):
        value = (
            "not enough data"
            if pd.isna(row.average_status)
            else f"{float(row.average_status):.1f} of 4"
        )
        parts.append(
            f"Pillar {int(row.pillar)}: {int(row.with_data)} of {int(row.pairs)} pairs known, "
            f"average {value}"
        )
    return (
        "Not the Overview's pillar average. A bar here is one participant's share of a "
        "pillar's recommendations (primary and secondary links) at or above Initiated; a "
        "recommendation with no current status counts as not reached. The Overview averages the "
        "status over the selected participants and each pillar's primary recommendations, and "
        "gives it only when at least half of those participant–recommendation pairs have a "
        "current status (" + "; ".join(parts) + ")."
    )
