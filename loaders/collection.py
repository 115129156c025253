"""The collection cycle's writes (issue 18): contributors' scope, submissions held for review,
collection rounds and each participant's focal contact.

- A contributor submits evidence for the participants of their scope only (``ARF`` in a scope
  is the region's own evidence). ``submit`` refuses, naming the row, a file with any row for
  a participant outside the scope, before anything is written, and everything a contributor
  sends is held for a reviewer (a pending load run), whatever RTOP_REVIEW says. The scope is
  checked here, where every route (the form, a file, a forged request) ends up.
- A collection round asks every participant for evidence by a due date; its status per
  participant is read from the load runs since it opened (dashboard.core.collection).
- Focal contacts (name, e-mail) are kept per participant by admins; nothing is sent from the
  app.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.collection import (
    ROUND_STATES,
    Round,
    current_round,
    reminder,
    round_of,
    round_status,
)
from dashboard.core.models import table
from dashboard.core.scoring import REGION
from loaders.errors import LoaderError, Problem, Rejected
from loaders.parts import read_parts
from loaders.readers import ROW_COLUMN
from loaders.runs import now
from loaders.store import LoadResult, load_bytes
from loaders.validate import REGION_MARKERS, Reference

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


# ------------------------------------------- rounds (their reads: dashboard.core.collection)


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
        return round_of(row)


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
        return round_of(row)


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


__all__ = [
    "ROUND_STATES", "CollectionError", "Round", "close_round", "current_round", "mark_opened",
    "mark_owners", "open_round", "owners_of", "parse_scope", "reminder", "round_status",
    "scope_of", "set_contact", "set_scope", "submit",
]  # fmt: skip
