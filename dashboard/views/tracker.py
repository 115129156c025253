"""The Recommendations tracker: participants x recommendations, and the regional track."""

from __future__ import annotations

import pandas as pd

from dashboard.core import scoring
from dashboard.filters import Filters
from dashboard.views.common import (
    cell_labels,
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
    frame["status_label"] = cell_labels(frame)
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


TREATY_SHORT = {2: "party", 1: "signed", 0: "not a party"}


def treaty_track(*, ds: Dataset, filters: Filters, year: int) -> pd.DataFrame:
    """Participants x the four treaties at ``year``: a track of its own beside the
    recommendations (treaty status scores none of the twelve), one short text per cell
    ('party since 1981', 'signed 2013', 'not a party', 'not open to it' for the EU, 'no record')
    with the status value (2, 1, 0; NaN) for ordering and counting."""
    people = selected_participants(ds=ds, filters=filters)
    treaties = ds.indicators[ds.indicators["code"].str.startswith("TR.")]
    names = dict(zip(treaties["code"], treaties["name"], strict=True))
    p = ds.indicators_at(year)
    p = p[p["indicator_code"].isin(list(names)) & p["participant_code"].isin(people)]
    hit = p.set_index(["participant_code", "indicator_code"])
    info = ds.participants.set_index("code")
    rows = []
    for code in people:
        organisation = str(info.loc[code, "kind"]) != "State" if "kind" in info else False
        for treaty, name in names.items():
            found = hit.loc[(code, treaty)] if (code, treaty) in hit.index else None
            value = None if found is None else float(found["value"])
            if organisation:
                text = "not open to it"
            elif value is None:
                text = "no record"
            else:
                level = int(value)
                since = pd.Timestamp(found["date"]).year  # type: ignore[index]
                text = {2: f"party since {since}", 1: f"signed {since}"}.get(
                    level, f"not a party as of {since}"
                )
            rows.append(
                {
                    "participant_code": code,
                    "name": str(info.loc[code, "name"]),
                    "treaty": treaty,
                    "treaty_name": name,
                    "value": value,
                    "text": text,
                    "source": "" if found is None else str(found["source"]),
                }
            )
    return pd.DataFrame(
        rows,
        columns=["participant_code", "name", "treaty", "treaty_name", "value", "text", "source"],
    )


def treaty_summary(track: pd.DataFrame) -> pd.DataFrame:
    """Per treaty: how many of the selected States are parties, signatories, not parties, or
    have no record (the EU, not a State, apart)."""
    if track.empty:
        return pd.DataFrame(
            columns=["treaty_name", "parties", "signed", "not_party", "no_record", "of"]
        )
    states = track[track["text"] != "not open to it"]
    out = states.groupby("treaty_name", sort=False).agg(
        parties=("value", lambda v: int((v == 2).sum())),
        signed=("value", lambda v: int((v == 1).sum())),
        not_party=("value", lambda v: int((v == 0).sum())),
        no_record=("value", lambda v: int(v.isna().sum())),
        of=("participant_code", "nunique"),
    )
    return out.reset_index()
