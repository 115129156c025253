"""Collection rounds and focal contacts as the app and `rtop round` read them (issue 18):
the open (or latest) round, each participant's progress in it from the load runs since it
opened, and the overdue list an organiser copies into a message. The writes are in
loaders/collection.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.models import table
from dashboard.core.scoring import REGION

ROUND_STATES = ("nothing received", "submitted", "in review", "published")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Round:
    """A collection round as the app and `rtop round` show it."""

    id: int
    name: str
    opened_at: dt.datetime
    due: dt.date
    closed_at: dt.datetime | None
    opened_by: str

    @property
    def open(self) -> bool:
        return self.closed_at is None


def round_of(row: models.CollectionRound) -> Round:
    assert row.id is not None
    return Round(row.id, row.name, row.opened_at, row.due, row.closed_at, row.opened_by)


def current_round(*, engine: Engine) -> Round | None:
    """The open round, or else the most recent one, or None."""
    with Session(engine) as session:
        row = session.scalars(
            select(models.CollectionRound).order_by(
                models.CollectionRound.closed_at.is_(None).desc(),  # type: ignore[union-attr]
                models.CollectionRound.opened_at.desc(),  # type: ignore[attr-defined]
            )
        ).first()
        return None if row is None else round_of(row)


def round_status(*, engine: Engine, round_: Round) -> pd.DataFrame:
    """Per participant (and the region): the furthest a round got, from the load runs since it
    opened (until it closed): nothing received, submitted (pending, unopened), in review
    (a reviewer opened it), published; with the runs, the focal contact and whether overdue."""
    runs, changes = table(models.LoadRun).c, table(models.DataChange).c
    end = round_.closed_at or _now()
    with Session(engine) as session:
        pending = session.execute(
            select(runs.id, runs.owners, runs.review_opened_at)
            .where(runs.review_state == "pending", runs.started_at >= round_.opened_at)
            .where(runs.started_at <= end)
        ).all()
        owner = func.coalesce(changes.participant_code, REGION)
        joined = table(models.DataChange).join(
            table(models.LoadRun), table(models.LoadRun).c.id == changes.load_run_id
        )
        published = session.execute(
            select(owner, func.count(func.distinct(runs.id)))
            .select_from(joined)
            .where(runs.review_state == "published", runs.finished_at >= round_.opened_at)
            .where(runs.finished_at <= end, runs.undone_by_run_id.is_(None))
            .group_by(owner)
        ).all()
        people = session.execute(
            select(table(models.Participant).c.code, table(models.Participant).c.name)
            .order_by(table(models.Participant).c.name)
        ).all()  # fmt: skip
        contacts = {
            c.participant_code: c for c in session.scalars(select(models.ParticipantContact))
        }
    state: dict[str, int] = {}
    runs_of: dict[str, list[str]] = {}
    for run_id, owners, opened in pending:
        level = 2 if opened is not None else 1
        for owner in filter(None, (owners or "").split(";")):
            state[owner] = max(state.get(owner, 0), level)
            runs_of.setdefault(owner, []).append(f"r{run_id} pending")
    for who, count in published:
        state[who] = 3
        runs_of.setdefault(who, []).append(f"{count} published")
    overdue = dt.date.today() > round_.due and round_.open
    rows = []
    for code, name in [*people, (REGION, "ARF (region)")]:
        contact = contacts.get(code)
        level = state.get(code, 0)
        rows.append(
            {
                "participant": code,
                "name": name,
                "state": ROUND_STATES[level],
                "runs": ", ".join(runs_of.get(code, [])),
                "contact": "" if contact is None else contact.name,
                "email": "" if contact is None else contact.email,
                "overdue": overdue and level == 0,
            }
        )
    return pd.DataFrame(rows)


def reminder(*, status: pd.DataFrame, round_: Round) -> str:
    """The overdue participants with their contacts, as text an organiser pastes into a
    message (names and addresses; nothing is sent from the app)."""
    late = status[status["overdue"].astype(bool)]
    if late.empty:
        return f"Round '{round_.name}': nobody is overdue."
    lines = [f"Round '{round_.name}' was due {round_.due.isoformat()}; nothing received from:"]
    for r in late.itertuples():
        who = f"{r.contact} <{r.email}>" if r.email else (r.contact or "no contact on record")
        lines.append(f"- {r.name}: {who}")
    addresses = [str(e) for e in late["email"] if e]
    if addresses:
        lines.append("")
        lines.append("To: " + "; ".join(addresses))
    return "\n".join(lines)
