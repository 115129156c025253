"""The Recommendations tracker: participants x recommendations, and the regional track."""

from __future__ import annotations

import pandas as pd

from dashboard.core import scoring
from dashboard.filters import Filters
from dashboard.views.common import (
    cell_label,
    cell_texts,
    rec_levels,
    rec_names,
    selected_participants,
    selected_recommendations,
)
from dashboard.views.dataset import Dataset


def tracker_matrix(*, ds: Dataset, filters: Filters, year: int, sort: str) -> pd.DataFrame:
    """Participants x national recommendations: status, label, and the indicator values behind."""
    levels = rec_levels(ds)
    recs = [
        r for r in selected_recommendations(ds=ds, filters=filters) if levels.get(r) != "region"
    ]
    people = selected_participants(ds=ds, filters=filters)
    at = ds.cells[ds.cells["year"] == year]
    at = at[at["participant_code"].isin(people) & at["recommendation"].isin(recs)]
    p = ds.indicators_at(year)
    vals = p[p["participant_code"].isin(people) & p["recommendation"].isin(recs)]
    # Built row by row: an empty selection must still give a text column (string + float
    # Series arithmetic fails on empty frames under pandas 3's string dtype).
    text = [
        f"{code} = {value:g} ({pd.Timestamp(date).date()})"
        for code, value, date in zip(
            vals["indicator_code"], vals["value"], vals["date"], strict=True
        )
    ]
    vals = vals.assign(text=pd.Series(text, index=vals.index, dtype=object))
    behind = vals.groupby(["participant_code", "recommendation"])["text"].agg("<br>".join)
    grid = pd.MultiIndex.from_product([people, recs], names=["participant_code", "recommendation"])
    frame = at.set_index(["participant_code", "recommendation"]).reindex(grid).reset_index()
    frame["indicators"] = [
        behind.get((a, b), "no observations")
        for a, b in zip(frame["participant_code"], frame["recommendation"], strict=True)
    ]
    info = ds.participants.set_index("code")
    frame["name"] = frame["participant_code"].map(info["name"])
    frame["grouping"] = frame["participant_code"].map(info["grouping"])
    frame["status_label"] = [
        cell_label(
            result=r,
            status=v,
            observed=0 if pd.isna(o) else int(o),
            expected=0 if pd.isna(e) else int(e),
            last_known=k,
            last_date=d,
        )
        for r, v, o, e, k, d in zip(
            frame["result"],
            frame["status"],
            frame["n_indicators"],
            frame["n_expected"],
            frame["last_known"],
            frame["last_date"],
            strict=True,
        )
    ]
    frame["synthetic"] = frame["synthetic"].fillna(False).astype(bool)
    score = frame.groupby("participant_code")["status"].mean()
    frame["score"] = frame["participant_code"].map(score)
    if sort == "score":
        frame = frame.sort_values(["score", "name"], ascending=[False, True], na_position="last")
    else:
        frame = frame.sort_values(["grouping", "name"])
    return frame.reset_index(drop=True)


def regional_track(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Regional recommendations and the ARF next steps: status at the year and related events."""
    levels = rec_levels(ds)
    names = rec_names(ds)
    at = ds.cells[ds.cells["year"] == year]
    region = at[at["participant_code"] == scoring.REGION].set_index("recommendation")
    ev = ds.events
    codes = [
        r for r in selected_recommendations(ds=ds, filters=filters) if levels.get(r) == "region"
    ]
    steps = list(ds.items[ds.items["kind"] == "next_step"]["code"])
    # An event linked to a sub-item (R10c) counts for its recommendation (R10) too.
    top = dict(zip(ds.items["code"], ds.items["recommendation"], strict=True))
    ev = ev.assign(
        item_tops=ev["items"].map(
            lambda s: {i for x in s.split(";") if x for i in (x, top.get(x, x))}
        )
    )
    rows = []
    for code in [*codes, *steps]:
        hit = region.loc[code] if code in region.index else None
        related = ev[ev["item_tops"].map(lambda tops, c=code: c in tops).astype(bool)]
        related = related[related["date"].dt.year <= year]
        rows.append(
            {
                "code": code,
                "name": names.get(code, ""),
                "kind": "next step" if code in steps else "regional recommendation",
                "status": None if hit is None or pd.isna(hit["status"]) else int(hit["status"]),
                **{k: v for k, v in cell_texts(hit).items() if k != "computed"},
                "last_update": "" if hit is None else str(pd.Timestamp(hit["last_date"]).date()),
                "source": "" if hit is None else hit["sources"],
                "events": len(related),
                "synthetic": False if hit is None else bool(hit["synthetic"]),
            }
        )
    return pd.DataFrame(rows)
