"""What happened in the region since a date, by the evidence's own dates (issue 19, item 2).

The meeting's question is "what happened since we last met", not "what did we load": so the
status *then* is the rule's result on the evidence dated up to the chosen day (evaluated for
that day's year), and the status *now* is today's, for every participant and recommendation
with evidence dated after the day. Evidence merely loaded since (dated years earlier) moves
nothing here; that is the second question, answered by views.changes ("new in our records").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.core import readmodel, scoring
from dashboard.core.models import FIRST_YEAR
from dashboard.filters import Filters
from dashboard.views.changes import _direction
from dashboard.views.common import (
    cell_texts,
    rec_names,
    selected_participants,
    selected_recommendations,
)
from dashboard.views.dataset import Dataset
from dashboard.views.words import day_text, value_text


@dataclass(frozen=True)
class Happened:
    """Status changes by evidence dated after ``since``, and that evidence itself."""

    since: dt.date
    year: int
    statuses: pd.DataFrame  # participant, name, recommendation, then, now, direction, evidence
    evidence: pd.DataFrame  # date, participant, indicator, value, source (dated after since)
    synthetic: bool


STATUS_COLUMNS = ["participant", "name", "recommendation", "then", "now", "direction", "evidence"]
EVIDENCE_COLUMNS = ["date", "participant", "name", "recommendation", "indicator",
                    "indicator_name", "value", "value_text", "when", "source",
                    "synthetic"]  # fmt: skip


def _moved(before: pd.Series | None, after: pd.Series | None) -> str:
    """up, down, new status, changed; or 'lapsed' where the newer evidence is itself too old
    by now (the cell has no current status): ageing, never a decline."""
    now_status = None if after is None else after["status"]
    if after is None or after["result"] != scoring.RESULT_STATUS:
        had = before is not None and before["result"] == scoring.RESULT_STATUS
        return "lapsed since (evidence too old by now)" if had else "changed"
    return _direction(None if before is None else before["status"], now_status)


def happened_since(*, ds: Dataset, filters: Filters, since: dt.date) -> Happened:
    """For the selection: every cell whose status now differs from its status on the
    evidence dated up to ``since`` (only cells with evidence dated after it), and that
    evidence; statuses now are for the period's last year."""
    year = filters.to_year
    people = set(selected_participants(ds=ds, filters=filters)) | {scoring.REGION}
    if filters.participants:
        people = set(filters.participants)
    recs = set(selected_recommendations(ds=ds, filters=filters))
    catalogue = ds.indicators
    scoped = catalogue[catalogue["recommendation"].isin(recs)]
    obs = ds.observations(owners=people, indicators=set(scoped["code"]))
    newer = obs[obs["date"] > pd.Timestamp(since)]
    names = ds.names
    ind = catalogue.set_index("code")
    evidence = pd.DataFrame(
        {
            "date": newer["date"].dt.date.astype(str),
            "participant": newer["participant_code"].astype(str),
            "name": newer["participant_code"].map(names),
            "recommendation": newer["indicator_code"].map(ind["recommendation"]),
            "indicator": newer["indicator_code"].astype(str),
            "indicator_name": newer["indicator_code"].map(ind["name"]),
            "value": newer["value"],
            "value_text": [
                value_text(ds, code=c, value=v, unit=u)
                for c, v, u in zip(
                    newer["indicator_code"],
                    newer["value"],
                    newer["indicator_code"].map(ind["unit"]),
                    strict=True,
                )
            ],
            "when": [day_text(d) for d in newer["date"]],
            "source": newer["source"],
            "synthetic": newer["synthetic"].astype(bool),
        },
        columns=EVIDENCE_COLUMNS,
    ).sort_values("date", ascending=False)
    if newer.empty:
        return Happened(since, year, pd.DataFrame(columns=STATUS_COLUMNS), evidence, False)
    pairs = newer.assign(recommendation=newer["indicator_code"].map(ind["recommendation"]))
    pairs = pairs[["participant_code", "recommendation"]].drop_duplicates()
    owners = set(pairs["participant_code"])
    touched = set(pairs["recommendation"])
    before = obs[(obs["date"] <= pd.Timestamp(since)) & obs["participant_code"].isin(owners)]
    assessments = ds.assessments(owners=owners)
    then_year = max(since.year, FIRST_YEAR)
    then = readmodel.compute(
        inputs={
            "observations": before,
            "assessments": assessments[assessments["date"] <= pd.Timestamp(since)],
            "indicators": catalogue[catalogue["recommendation"].isin(touched)],
        },
        sample=ds.include_sample,
        first_year=FIRST_YEAR,
        last_year=then_year,
    ).cells
    then = then[then["year"] == then_year].set_index(["participant_code", "recommendation"])
    now = ds.cells[ds.cells["year"] == year].set_index(["participant_code", "recommendation"])
    titles = rec_names(ds)
    rows = []
    for owner, rec in sorted(set(zip(pairs["participant_code"], pairs["recommendation"],
                                      strict=True))):  # fmt: skip
        b = then.loc[(owner, rec)] if (owner, rec) in then.index else None
        a = now.loc[(owner, rec)] if (owner, rec) in now.index else None
        was, became = cell_texts(b)["status_label"], cell_texts(a)["status_label"]
        if was == became:
            continue
        mine = newer[(newer["participant_code"] == owner)
                     & (newer["indicator_code"].map(ind["recommendation"]) == rec)]  # fmt: skip
        rows.append(
            {
                "participant": owner,
                "name": names.get(owner, owner),
                "recommendation": f"{rec} {titles.get(rec, '')}".strip(),
                "then": was,
                "now": became,
                "direction": _moved(b, a),
                "evidence": "; ".join(
                    f"{ind['name'].get(code, code)} ({day_text(d)})"
                    for code, d in zip(mine["indicator_code"], mine["date"], strict=True)
                )[:400],
            }
        )
    statuses = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    synthetic = bool(evidence["synthetic"].any())
    return Happened(since, year, statuses, evidence.reset_index(drop=True), synthetic)
