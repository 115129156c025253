"""A participant's profile: scorecard, treaty commitments, events, pillars and evidence."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard.core import scoring
from dashboard.filters import FIRST_YEAR, RECOMMENDATIONS, Filters, this_year
from dashboard.views.common import (
    cell_texts,
    cells_at,
    level_words,
    rec_levels,
    rec_names,
    rec_names_all,
    status_label,
)
from dashboard.views.dataset import Dataset
from dashboard.views.overview import pillar_summary
from dashboard.views.timeline import timeline_events


def scorecard(*, ds: Dataset, participant: str, year: int) -> pd.DataFrame:
    """The twelve recommendations for one participant: status, trend, last update, source.

    Regional recommendations show the region's status (marked 'regional').
    """
    names = rec_names(ds)
    levels = rec_levels(ds)
    st = ds.status[ds.status["year"] <= year]
    cells = cells_at(ds=ds, year=year)
    rows = []
    for rec in RECOMMENDATIONS:
        owner = scoring.REGION if levels.get(rec) == "region" else participant
        hist = st[(st["participant_code"] == owner) & (st["recommendation"] == rec)].sort_values(
            "year"
        )
        cell = cells.loc[(owner, rec)] if (owner, rec) in cells.index else None
        now = hist.iloc[-1] if len(hist) and hist.iloc[-1]["year"] == year else None
        before = None
        if now is not None:
            earlier = hist[pd.to_datetime(hist["last_date"]) < pd.to_datetime(now["last_date"])]
            before = earlier.iloc[-1]["status"] if len(earlier) else None
        rows.append(
            {
                "recommendation": rec,
                "name": names.get(rec, ""),
                "level": "regional" if owner == scoring.REGION else "national",
                "status": None if now is None else int(now["status"]),
                **cell_texts(cell),
                "trend": scoring.trend_symbol(
                    now=None if now is None else float(now["status"]),
                    before=None if before is None else float(before),
                ),
                "last_update": "" if cell is None else str(pd.Timestamp(cell["last_date"]).date()),
                "basis": "" if cell is None else str(cell["basis"]),
                "source": "" if cell is None else str(cell["sources"] or ""),
                "synthetic": False if cell is None else bool(cell["synthetic"]),
            }
        )
    return pd.DataFrame(rows)


TREATY_PREFIX = "TR."


def commitments(*, ds: Dataset, participant: str, year: int) -> pd.DataFrame:
    """The participant's treaty status at a year, one row per treaty indicator, with source."""
    ind = ds.indicators[ds.indicators["code"].str.startswith(TREATY_PREFIX)]
    p = ds.indicators_at(year)
    now = p[p["participant_code"] == participant]
    now = now.set_index("indicator_code")
    roles = rec_names_all(ds)
    rows = []
    for spec in ind.itertuples():
        hit = now.loc[spec.code] if spec.code in now.index else None
        rows.append(
            {
                "indicator": spec.code,
                "name": spec.name,
                "status": None if hit is None else int(hit["ind_status"]),
                "status_label": status_label(None if hit is None else hit["ind_status"]),
                "value": "" if hit is None else level_words(ds, str(spec.code))(hit["value"]),
                "date": "" if hit is None else str(pd.Timestamp(hit["date"]).date()),
                "role": f"{spec.item_code} {roles.get(str(spec.item_code), '')}",
                "source": "" if hit is None else str(hit["source"]),
                "synthetic": False if hit is None else bool(hit["synthetic"]),
            }
        )
    return pd.DataFrame(rows)


def participant_events(*, ds: Dataset, filters: Filters, participant: str) -> pd.DataFrame:
    """Events naming this participant, drawn to their date precision."""
    ev = timeline_events(
        ds=ds, filters=Filters(from_year=filters.from_year, to_year=filters.to_year)
    )
    if ev.empty:
        return ev
    mine = ev["participants"].map(lambda s: participant in s.split(";")).astype(bool)
    return ev[mine].reset_index(drop=True)


def pillar_status_for(
    *, ds: Dataset, filters: Filters, participant: str, year: int
) -> pd.DataFrame:
    """One participant's average status by pillar: the Overview's figure for that participant
    (overview.pillar_summary with the participant selected), so the two always agree."""
    return pillar_summary(ds=ds, filters=replace(filters, participants=(participant,)), year=year)


def evidence(
    *,
    ds: Dataset,
    participant: str | None,
    recommendation: str | None = None,
    from_year: int = FIRST_YEAR,
    to_year: int | None = None,
) -> pd.DataFrame:
    """The observations behind a participant (and optionally a recommendation), with sources."""
    ind = ds.indicators.set_index("code")
    codes = None
    if recommendation:
        codes = set(ds.indicators[ds.indicators["recommendation"] == recommendation]["code"])
    frame = ds.observations(
        owners=None if participant is None else {participant},
        indicators=codes,
    )
    frame = frame.assign(recommendation=frame["indicator_code"].map(ind["recommendation"]))
    if recommendation:
        frame = frame[frame["recommendation"] == recommendation]
    years = frame["date"].dt.year
    frame = frame[(years >= from_year) & (years <= (to_year or this_year()))]
    frame = frame.sort_values("date", ascending=False)
    return pd.DataFrame(
        {
            "date": frame["date"].dt.date.astype(str),
            "precision": frame["precision"],
            "participant": frame["participant_code"].map(ds.names),
            "recommendation": frame["recommendation"],
            "indicator": frame["indicator_code"],
            "indicator_name": frame["indicator_code"].map(ind["name"]),
            "value": frame["value"],
            "unit": frame["indicator_code"].map(ind["unit"]),
            "source": frame["source"],
            "note": frame["note"],
            "synthetic": frame["synthetic"],
        }
    ).reset_index(drop=True)
