"""The Map page: one value per participant (or the region) for a layer and year."""

from __future__ import annotations

import pandas as pd

from dashboard.core import scoring
from dashboard.filters import RECOMMENDATIONS, Filters
from dashboard.views.common import (
    INSUFFICIENT,
    INSUFFICIENT_SYMBOL,
    STALE,
    STALE_SYMBOL,
    cell_label,
    cell_texts,
    level_words,
    rec_levels,
    rec_names,
    selected_recommendations,
    status_at,
    status_label,
)
from dashboard.views.dataset import Dataset


def map_layers(*, ds: Dataset) -> dict[str, str]:
    """What the map can show: recommendations, pillars and indicators, key -> label."""
    names = rec_names(ds)
    out = {r: f"{r} {names.get(r, '')}" for r in RECOMMENDATIONS}
    out.update({f"P{p}": f"Pillar {p} (average)" for p in (1, 2, 3)})
    for row in ds.indicators.itertuples():
        out[str(row.code)] = f"Indicator {row.code}: {row.name}"
    return out


def map_values(*, ds: Dataset, filters: Filters, layer: str, year: int) -> pd.DataFrame:
    """Per participant: status, label, value, date and source for the chosen layer and year.

    Every participant appears (with 'No data' where nothing is known) so all can be seen.
    """
    people = ds.participants[["code", "name", "lat", "lon", "grouping"]].copy()
    if filters.participants:
        people["selected"] = people["code"].isin(filters.participants)
    else:
        people["selected"] = True
    at = status_at(ds, year)
    if layer == "SELECTED" or (layer.startswith("P") and layer[1:].isdigit()):
        if layer == "SELECTED":
            levels = rec_levels(ds)
            recs = [
                r
                for r in selected_recommendations(ds=ds, filters=filters)
                if levels.get(r) != "region"
            ]
        else:
            primary = ds.items.set_index("code")["primary_pillar"]
            recs = [r for r in RECOMMENDATIONS if primary.get(r) == int(layer[1:])]
        hit = at[at["recommendation"].isin(recs)]
        agg = hit.groupby("participant_code").agg(
            status=("status", "mean"),
            date=("last_date", "max"),
            source=("sources", lambda s: "; ".join(sorted(set("; ".join(s).split("; "))))),
            synthetic=("synthetic", "any"),
            n=("recommendation", "nunique"),
        )
        agg["value"] = (
            agg["status"].round(1).astype(str) + " (mean of " + agg["n"].astype(str) + ")"
        )
        agg["status"] = agg["status"].map(lambda v: int(v))
        # no current status on any of them, but stale evidence on some (rule 2.1): say so
        cells = ds.cells[(ds.cells["year"] == year) & ds.cells["recommendation"].isin(recs)]
        stale = (
            cells[cells["result"].eq(scoring.RESULT_STALE)]
            .groupby("participant_code")
            .agg(n_stale=("recommendation", "nunique"), evidence=("last_date", "max"))
        )
        stale = stale[~stale.index.isin(agg.index)]
        if len(stale):
            agg = pd.concat(
                [
                    agg,
                    pd.DataFrame(
                        {
                            "status": float("nan"),
                            "date": stale["evidence"],
                            "source": "",
                            "synthetic": False,
                            "value": stale["n_stale"].astype(str)
                            + f" of {len(recs)} on stale evidence only",
                            "stale_only": True,
                        },
                        index=stale.index,
                    ),
                ]
            )
    elif layer in RECOMMENDATIONS:
        cells = ds.cells[ds.cells["year"] == year]
        hit = cells[cells["recommendation"] == layer].set_index("participant_code")
        agg = pd.DataFrame(
            {
                "status": hit["status"],
                "date": hit["last_date"],
                "source": hit["sources"],
                "synthetic": hit["synthetic"],
                "value": hit["n_indicators"].astype(str)
                + " of "
                + hit["n_expected"].astype(str)
                + " indicators; "
                + hit["basis"],
                "insufficient": hit["result"].eq(scoring.RESULT_INSUFFICIENT),
                "stale_only": hit["result"].eq(scoring.RESULT_STALE),
                "evidence": hit["last_date"],
                "known": hit["last_known"],
            }
        )
    else:
        p = ds.indicators_at(year)
        hit = p[p["indicator_code"] == layer].set_index("participant_code")
        agg = pd.DataFrame(
            {
                "status": hit["ind_status"],
                "date": hit["date"],
                "source": hit["source"],
                "synthetic": hit["synthetic"],
                "value": hit["value"].map(level_words(ds, layer)),
            }
        )
    if is_regional_layer(ds, layer) and scoring.REGION in agg.index:
        # An act of the region: every participant shows the region's own status.
        agg = pd.DataFrame([agg.loc[scoring.REGION]] * len(people), index=list(people["code"]))
    out = people.merge(agg, left_on="code", right_index=True, how="left")
    out["status_label"] = out["status"].map(status_label)
    if "stale_only" in out and "insufficient" not in out:  # an average of several
        out.loc[out["stale_only"].eq(True), "status_label"] = f"{STALE_SYMBOL} {STALE}"
        out = out.drop(columns=["stale_only"])
    if "insufficient" in out:
        short = f"{INSUFFICIENT_SYMBOL} {INSUFFICIENT}"
        out.loc[out["insufficient"].eq(True), "status_label"] = short
        stale = out["stale_only"].eq(True)
        out.loc[stale, "status_label"] = [
            cell_label(result=scoring.RESULT_STALE, status=None, observed=0, expected=0,
                       last_known=k, last_date=d)
            for k, d in zip(out.loc[stale, "known"], out.loc[stale, "evidence"], strict=True)
        ]  # fmt: skip
        out = out.drop(columns=["insufficient", "stale_only", "known", "evidence"])
    out["date"] = out["date"].map(lambda d: "" if pd.isna(d) else str(pd.Timestamp(d).date()))
    out["source"] = out["source"].fillna("")
    out["value"] = out["value"].fillna("")
    out["synthetic"] = out["synthetic"].fillna(False).astype(bool)
    return out


def is_regional_layer(ds: Dataset, layer: str) -> bool:
    if layer in RECOMMENDATIONS:
        return rec_levels(ds).get(layer) == "region"
    ind = ds.indicators[ds.indicators["code"] == layer]
    return bool(len(ind)) and ind["level"].iloc[0] == "region"


def overview_map(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Per participant: mean status over the selected national recommendations at a year."""
    return map_values(ds=ds, filters=filters, layer="SELECTED", year=year)


def regional_value(*, ds: Dataset, layer: str, year: int) -> str | None:
    """For region-level layers, the region's own status as text (None for national layers)."""
    at = ds.cells[ds.cells["year"] == year]
    if layer in RECOMMENDATIONS and rec_levels(ds).get(layer) == "region":
        hit = at[(at["participant_code"] == scoring.REGION) & (at["recommendation"] == layer)]
        return cell_texts(hit.iloc[0] if len(hit) else None)["status_label"]
    ind = ds.indicators.set_index("code")
    if layer in ind.index and ind.loc[layer, "level"] == "region":
        p = ds.indicators_at(year)
        hit = p[p["indicator_code"] == layer]
        return status_label(hit["ind_status"].iloc[0] if len(hit) else None)
    return None


SUMMARY_NAMES = 8  # names listed per status before 'and N more'


def map_summary(*, values: pd.DataFrame, title: str) -> str:
    """The map's text alternative, naming the participants at each status: 'R1 National focal
    point, 2026, 27 participants. Substantial progress: Australia. Stale evidence (no current
    evidence): Japan and New Zealand. No data: 20 participants (Bangladesh, …, and 12 more).'"""
    from dashboard.maps import status  # here: dashboard.maps imports dashboard.views.common

    if values.empty:
        return f"{title}: no participants in this selection."
    kinds = status.kinds(values)
    names = [str(n) for n in values["name"]]
    parts = [f"{title}, {len(values)} participants."]
    order = ["4", "3", "2", "1", "0", "stale", "insufficient", "none"]
    for kind in order:
        who = sorted(n for n, k in zip(names, kinds, strict=True) if k == kind)
        if not who:
            continue
        shown = who[:SUMMARY_NAMES]
        more = len(who) - len(shown)
        listed = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1]
        if more:
            listed = f"{len(who)} participants ({', '.join(shown)} and {more} more)"
        parts.append(f"{status.LABEL[kind]}: {listed}.")
    return " ".join(parts)
