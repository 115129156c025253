"""The collection cycle's writes (issue 18): contributors' scope, submissions held for review,
collection rounds and each participant's focal contact.

- A contributor submits evidence for the participants of their scope only (``ARF`` in a scope
  is the region's own evidence). ``submit`` refuses, naming the row, a file with any row for
  a participant outside the scope, before anything is written, and everything a contributor
  sends is held for a reviewer (a pending load run), whatever RTOP_REVIEW says. The scope is
  checked here, where every route (the form, a file, a forged request) ends up.
- A collection round asks every participant for evidence by a due date; its status per
  participant is read from the load runs since it opened (nothing received, submitted, in
  review, published).
- Focal contacts (name, e-mail) are kept per participant by admins; nothing is sent from the
  app.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.models import table
from dashboard.core.scoring import REGION
from loaders.errors import LoaderError, Problem, Rejected
from loaders.parts import read_parts
from loaders.readers import ROW_COLUMN
from loaders.runs import now
from loaders.store import LoadResult, load_bytes
from loaders.validate import REGION_MARKERS, Reference

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROUND_STATES = ("nothing received", "submitted", "in review", "published")


class CollectionError(LoaderError):
    """A collection action was refused (named reason; nothing was changed)."""


# ---------------------------------------------------------------- contributors' scope


def parse_scope(text: str, *, engine: Engine) -> list[str]:
    """'VNM, Thailand, ARF' -> ['VNM', 'THA', 'ARF'] (any spelling of a participant; ARF or
    'region' for the region), or CollectionError naming the unknown ones."""
    with Session(engine) as session:
        ref = Reference.from_session(session)
    codes: list[str] = []
    unknown: list[str] = []
    for part in [p.strip() for p in re.split(r"[,;]", text) if p.strip()]:
        if part.casefold() in REGION_MARKERS:
            codes.append(REGION)
            continue
        code = ref.resolve_participant(part)
        if code is None:
            unknown.append(f"'{part}'{ref.suggest_participant(part)}")
        else:
            codes.append(code)
    if unknown:
        raise CollectionError(f"unknown participant {', '.join(unknown)}")
    if not codes:
        raise CollectionError("a contributor's scope names at least one participant (or ARF)")
    return list(dict.fromkeys(codes))


def set_scope(*, engine: Engine, username: str, participants: list[str]) -> None:
    """Give an account its scope (participant codes; ARF for the region)."""
    users = table(models.AppUser)
    with Session(engine) as session:
        done = session.execute(
            update(users)
            .where(func.lower(users.c.username) == username.strip().lower())
            .values(participants=";".join(participants))
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            raise CollectionError(f"there is no account '{username}'")
        session.commit()


def scope_of(user: models.AppUser | None) -> frozenset[str]:
    """The participants a contributor may submit for (empty for anyone else's account)."""
    if user is None or not user.participants:
        return frozenset()
    return frozenset(p for p in user.participants.split(";") if p)


# ---------------------------------------------------------------- submissions


def owners_of(*, data: bytes, name: str, kind: str | None, engine: Engine) -> pd.DataFrame:
    """Each row's owner as the checker will resolve it: the file's row number and the
    participant code (REGION for the region, '' for a name no participant has)."""
    parsed = read_parts(data=data, name=name, kind=kind)
    frames = [p.table.frame for p in parsed.parts]
    with Session(engine) as session:
        ref = Reference.from_session(session)
    out = []
    for f in frames:
        column = next((c for c in ("participant", "country", "participants") if c in f), None)
        texts = f[column].fillna("") if column else pd.Series("", index=f.index)
        for row, text in zip(f[ROW_COLUMN], texts.astype(str), strict=True):
            parts = (
                [p.strip() for p in re.split(r"[;]", text)] if column == "participants" else [text]
            )
            for part in parts:
                part = part.strip()
                if part.casefold() in REGION_MARKERS:
                    code = REGION
                else:
                    code = ref.resolve_participant(part) or ""
                out.append({"row": int(row), "owner": code, "text": part})
    return pd.DataFrame(out, columns=["row", "owner", "text"])


def submit(
    *,
    engine: Engine,
    data: bytes,
    name: str,
    user: str,
    scope: frozenset[str],
    kind: str | None = None,
    dry_run: bool = False,
) -> LoadResult:
    """A contributor's file (or one-record form): refused, with nothing written, when any row
    is for a participant outside ``scope``; otherwise checked and held for a reviewer."""
    if not scope:
        raise Rejected([Problem(name, None, None, f"{user} has no participants to submit for")])
    owners = owners_of(data=data, name=name, kind=kind, engine=engine)
    outside = owners[~owners["owner"].isin(scope)]
    allowed = ", ".join(sorted(scope))
    if len(outside):
        raise Rejected(
            [
                Problem(
                    name,
                    int(r.row),
                    "participant",
                    f"'{r.text or 'the region'}' is outside what {user} may submit for "
                    f"({allowed}): nothing was loaded",
                )
                for r in outside.itertuples()
            ][:50]
        )
    result = load_bytes(
        engine=engine, data=data, name=name, kind=kind, dry_run=dry_run, user=user,
        review=not dry_run,
    )  # fmt: skip
    if result.pending and result.load_run_id is not None:
        mark_owners(engine=engine, run_id=result.load_run_id, owners=set(owners["owner"]))
    return result


def mark_owners(*, engine: Engine, run_id: int, owners: set[str]) -> None:
    """Record whose rows a run holds (for the collection round's status)."""
    runs = table(models.LoadRun)
    with Session(engine) as session:
        session.execute(
            update(runs).where(runs.c.id == run_id).values(owners=";".join(sorted(owners)))
        )
        session.commit()


def mark_opened(*, engine: Engine, run_id: int, reviewer: str) -> None:
    """A reviewer opened a pending run: from now on it is 'in review' (first opening kept)."""
    runs = table(models.LoadRun)
    with Session(engine) as session:
        session.execute(
            update(runs)
            .where(runs.c.id == run_id, runs.c.review_opened_at.is_(None))
            .values(review_opened_by=reviewer, review_opened_at=now())
        )
        session.commit()


# ---------------------------------------------------------------- rounds


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


def _round(row: models.CollectionRound) -> Round:
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
        return None if row is None else _round(row)


def open_round(*, engine: Engine, name: str, due: dt.date, user: str) -> Round:
    """Open a round (only one at a time)."""
    label = name.strip()
    if not label:
        raise CollectionError("a round needs a name, e.g. 'ARF ISM 2027'")
    found = current_round(engine=engine)
    if found is not None and found.open:
        raise CollectionError(f"round '{found.name}' is still open: close it first")
    with Session(engine) as session:
        clash = session.scalar(
            select(func.count()).select_from(table(models.CollectionRound))
            .where(func.lower(table(models.CollectionRound).c.name) == label.lower())
        )  # fmt: skip
        if clash:
            raise CollectionError(f"there is already a round named '{label}'")
        row = models.CollectionRound(name=label, opened_at=now(), due=due, opened_by=user)
        session.add(row)
        session.commit()
        session.refresh(row)
        return _round(row)


def close_round(*, engine: Engine, user: str) -> Round:
    """Close the open round."""
    found = current_round(engine=engine)
    if found is None or not found.open:
        raise CollectionError("no round is open")
    with Session(engine) as session:
        row = session.get(models.CollectionRound, found.id)
        assert row is not None
        row.closed_at = now()
        row.note = (row.note + f" closed by {user}").strip()
        session.add(row)
        session.commit()
        session.refresh(row)
        return _round(row)


def round_status(*, engine: Engine, round_: Round) -> pd.DataFrame:
    """Per participant (and the region): the furthest a round got, from the load runs since it
    opened (until it closed): nothing received, submitted (pending, unopened), in review
    (a reviewer opened it), published; with the runs, the focal contact and whether overdue."""
    runs, changes = table(models.LoadRun).c, table(models.DataChange).c
    end = round_.closed_at or now()
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


# ---------------------------------------------------------------- focal contacts


def set_contact(*, engine: Engine, participant: str, name: str, email: str, user: str) -> None:
    """Keep a participant's focal contact (an admin's write)."""
    address = email.strip()
    if address and not EMAIL.match(address):
        raise CollectionError(f"invalid e-mail address '{email}'")
    with Session(engine) as session:
        if session.get(models.Participant, participant) is None:
            raise CollectionError(f"unknown participant '{participant}'")
        row = session.get(models.ParticipantContact, participant)
        if row is None:
            row = models.ParticipantContact(participant_code=participant, updated_at=now())
        row.name, row.email = name.strip()[:200], address[:254]
        row.updated_at, row.updated_by = now(), user
        session.add(row)
        session.commit()


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
