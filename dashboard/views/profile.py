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
from dashboard.views.words import value_text, when_text


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


# Why a regional organisation cannot be a party: each treaty's own final clauses.
FINAL_CLAUSES = {
    "TR.GEN": "Genocide Convention, Art. XI (Members of the UN and invited non-member States)",
    "TR.CAT": "Convention against Torture, Arts. 25-26 (all States)",
    "TR.ICC": "Rome Statute, Art. 125 (all States)",
    "TR.ATT": "Arms Trade Treaty, Arts. 20-22 (all States)",
}


def treaty_record(*, value: float | None, when: str, organisation: bool) -> str:
    """What a treaty row says: 'party since 9 Jun 1981', 'signed 3 Jun 2013, not ratified',
    'not a party as of 24 Apr 2024', or that the treaty is not open to a regional organisation."""
    if organisation:
        return "not open to it: the treaty admits States only"
    if value is None or pd.isna(value):
        return "no record found"
    if value >= 2:
        return f"party since {when}"
    if value >= 1:
        return f"signed {when}, not ratified"
    return f"not a party as of {when}"


def commitments(*, ds: Dataset, participant: str, year: int) -> pd.DataFrame:
    """The participant's treaty status at a year, one row per treaty, in words ('party since
    9 Jun 1981'), with the date, the source and the Secretary-General's role it serves. A
    regional organisation (the EU) is not eligible: said so, not 'no data'."""
    ind = ds.indicators[ds.indicators["code"].str.startswith(TREATY_PREFIX)]
    p = ds.indicators_at(year)
    now = p[p["participant_code"] == participant]
    now = now.set_index("indicator_code")
    roles = rec_names_all(ds)
    kinds = ds.participants.set_index("code")["kind"] if "kind" in ds.participants else None
    organisation = kinds is not None and str(kinds.get(participant, "State")) != "State"
    obs = ds.observations(owners={participant}, indicators=set(ind["code"]))
    rows = []
    for spec in ind.itertuples():
        hit = now.loc[spec.code] if spec.code in now.index else None
        precision = "day"
        if hit is not None:
            same = obs[(obs["indicator_code"] == spec.code) & (obs["date"] == hit["date"])]
            precision = str(same["precision"].iloc[-1]) if len(same) else "day"
        when = "" if hit is None else when_text(hit["date"], precision)
        value = None if hit is None else float(hit["value"])
        rows.append(
            {
                "indicator": spec.code,
                "name": spec.name,
                "status": None if hit is None else int(hit["ind_status"]),
                "status_label": status_label(None if hit is None else hit["ind_status"]),
                "record": treaty_record(value=value, when=when, organisation=organisation),
                "value": "" if hit is None else level_words(ds, str(spec.code))(hit["value"]),
                "date": when,
                "role": roles.get(str(spec.item_code), str(spec.item_code)),
                "source": FINAL_CLAUSES.get(str(spec.code), "")
                if organisation
                else ("" if hit is None else str(hit["source"])),
                "synthetic": False if hit is None else bool(hit["synthetic"]),
            }
        )
    return pd.DataFrame(rows)


REGION_WIDE_KINDS = ("arf_",)  # kinds of an event of the ARF as a whole (every participant's)
ASEAN_KINDS = ("asean_",)  # kinds of an ASEAN-wide event (its members')


def participant_events(*, ds: Dataset, filters: Filters, participant: str) -> pd.DataFrame:
    """Events naming this participant, and the ARF-wide ones (ARF decisions and meetings: every
    participant's) and, for an ASEAN member at the time, ASEAN's; ``scope`` says which."""
    ev = timeline_events(
        ds=ds, filters=Filters(from_year=filters.from_year, to_year=filters.to_year)
    )
    if ev.empty:
        return ev.assign(scope=pd.Series(dtype=object))
    named = ev["participants"].map(lambda s: participant in s.split(";")).astype(bool)
    nobody = ev["participants"].eq("")
    kind = ev["kind"].fillna("")
    arf = nobody & kind.str.startswith(REGION_WIDE_KINDS)
    member_years = ds.memberships[
        (ds.memberships["participant_code"] == participant)
        & (ds.memberships["group_code"] == "ASEAN")
    ]["joined"]
    joined = (
        int(str(member_years.iloc[0])[:4]) if len(member_years) and member_years.iloc[0] else None
    )
    asean = (
        nobody
        & kind.str.startswith(ASEAN_KINDS)
        & (joined is not None)
        & (ev["date"].dt.year >= (joined or 9999))
    )
    mine = ev[named | arf | asean].copy()
    mine["scope"] = [
        "this participant" if n else ("ARF-wide" if a else "ASEAN-wide")
        for n, a in zip(named[named | arf | asean], arf[named | arf | asean], strict=True)
    ]
    return mine.reset_index(drop=True)


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
    """The observations behind a participant (and optionally a recommendation), with sources;
    ``when`` is the date as precise as recorded and ``value_text`` the value in words."""
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
    units = frame["indicator_code"].map(ind["unit"])
    return pd.DataFrame(
        {
            "date": frame["date"].dt.date.astype(str),
            "when": [
                when_text(d, p) for d, p in zip(frame["date"], frame["precision"], strict=True)
            ],
            "precision": frame["precision"],
            "participant": frame["participant_code"].map(ds.names),
            "recommendation": frame["recommendation"],
            "indicator": frame["indicator_code"],
            "indicator_name": frame["indicator_code"].map(ind["name"]),
            "value": frame["value"],
            "unit": units,
            "value_text": [
                value_text(ds, code=c, value=v, unit=u)
                for c, v, u in zip(frame["indicator_code"], frame["value"], units, strict=True)
            ],
            "source": frame["source"],
            "note": frame["note"],
            "synthetic": frame["synthetic"],
        }
    ).reset_index(drop=True)
