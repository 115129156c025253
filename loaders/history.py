"""Write the change history inside each write's transaction, and undo one load run exactly.

Large writes are recorded in SQL (``INSERT INTO data_change ... SELECT``), so a million-row load
does not round-trip its rows through Python twice; events, which are few, are recorded from
Python with their links. See dashboard/core/history.py for the format and the read side.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Text,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.history import (
    ENTITIES,
    EVENT_FIELDS,
    event_key,
    fields_json_sql,
    loads,
    measured_key_sql,
)
from dashboard.core.models import table
from dashboard.core.scoring import REGION
from loaders.errors import LoaderError
from loaders.locks import write_lock
from loaders.readmodel import refresh
from loaders.runs import new_run, now

CHUNK = 5_000
LINKS = (
    ("items", models.EventItem, "item_code"),
    ("pillars", models.EventPillar, "pillar"),
    ("participants", models.EventParticipant, "participant_code"),  # last: see _participant_filter
)


class UndoRefused(LoaderError):
    """A load run cannot be undone (named reason; nothing was changed)."""


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def last_id(conn: Connection, *, entity: str) -> int:
    """The highest row id of an observation or assessment table (0 when empty), read before an
    insert so ``inserted_by`` can find the new rows through the primary key."""
    t = table(ENTITIES[entity][0])
    return int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())


def inserted_by(*, entity: str, run_id: int, after: int) -> ColumnElement[bool]:
    """The rows this run inserted after ``last_id`` returned ``after``: a primary-key range
    (load_run_id has no index: an index would cost every bulk load), narrowed by the run id.

    Ids only grow (SQLite's rowid past the highest, PostgreSQL's sequence), and the write lock
    keeps other writers out, so every row this run inserts lies in the range."""
    t = table(ENTITIES[entity][0])
    return and_(t.c.id > after, t.c.load_run_id == run_id)


def record_measured(
    conn: Connection, *, entity: str, run_id: int, op: str, where: ColumnElement[bool]
) -> None:
    """Record the rows of an observation or assessment table matching ``where``, in SQL.

    Call it after inserting (op insert: the rows' fields are the after), before deleting (op
    delete: they are the before) and before updating (op update: the before; ``fill_after``
    completes it once the update is done).
    """
    model, code, _ = ENTITIES[entity]
    t = table(model)
    fields = fields_json_sql(entity, dialect=conn.dialect.name)
    empty = cast(null(), Text)
    c = table(models.DataChange)
    rows = select(
        literal_column(str(int(run_id))),
        literal_column(f"'{entity}'"),
        literal_column(f"'{op}'"),
        t.c.id,
        measured_key_sql(entity),
        t.c.participant_code,
        t.c[code],
        t.c.date,
        empty if op == "insert" else fields,
        fields if op == "insert" else empty,
    ).where(where)
    columns = [
        "load_run_id",
        "entity",
        "op",
        "row_id",
        "row_key",
        "participant_code",
        "code",
        "date",
        "before",
        "after",
    ]
    conn.execute(insert(c).from_select(columns, rows))


def record_measured_ids(
    conn: Connection, *, entity: str, run_id: int, op: str, ids: list[int]
) -> None:
    """``record_measured`` for rows given by id (in chunks)."""
    model = ENTITIES[entity][0]
    for chunk in _chunks(ids):
        record_measured(
            conn, entity=entity, run_id=run_id, op=op, where=table(model).c.id.in_(chunk)
        )


def fill_after(conn: Connection, *, entity: str, run_id: int) -> None:
    """Complete this run's update records of an entity with the rows' fields after the update."""
    model = ENTITIES[entity][0]
    t, c = table(model), table(models.DataChange)
    now_fields = (
        select(fields_json_sql(entity, dialect=conn.dialect.name))
        .where(t.c.id == c.c.row_id)
        .scalar_subquery()
    )
    conn.execute(
        update(c)
        .where(
            c.c.load_run_id == run_id,
            c.c.entity == entity,
            c.c.op == "update",
            c.c.after.is_(None),
        )
        .values(after=now_fields)
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def event_states(conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The stored fields and links of events by id, as JSON-ready dicts."""
    e = table(models.Event).c
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for row in conn.execute(
            select(e.id, e.date, e.title, *[e[f] for f in EVENT_FIELDS]).where(e.id.in_(chunk))
        ).mappings():
            out[int(row["id"])] = {k: _plain(row[k]) for k in ("date", "title", *EVENT_FIELDS)}
        for name, model, column in LINKS:
            lt = table(model).c
            for event_id in chunk:
                if event_id in out:
                    out[event_id].setdefault(name, [])
            for event_id, value in conn.execute(
                select(lt.event_id, lt[column]).where(lt.event_id.in_(chunk))
            ).all():
                out[int(event_id)][name].append(value)
    for state in out.values():
        for name, _, _ in LINKS:
            state[name] = sorted(state.get(name, []))
        state["participants"] = state.pop("participants")  # keep it the last key
    return out


def record_events(
    conn: Connection,
    *,
    run_id: int,
    op: str,
    before: dict[int, dict[str, Any]] | None = None,
    after: dict[int, dict[str, Any]] | None = None,
) -> None:
    """Record event changes from their states (inserts: after only; deletes: before only)."""
    ids = sorted(set(before or {}) | set(after or {}))
    rows = []
    for event_id in ids:
        old = (before or {}).get(event_id)
        new = (after or {}).get(event_id)
        state = new or old
        assert state is not None
        rows.append(
            {
                "load_run_id": run_id,
                "entity": "event",
                "op": op,
                "row_id": event_id,
                "row_key": event_key(
                    date=dt.date.fromisoformat(state["date"]),
                    source_id=int(state["source_id"]),
                    title=str(state["title"]),
                ),
                "participant_code": None,
                "code": None,
                "date": dt.date.fromisoformat(state["date"]),
                "before": None if old is None else json.dumps(old),
                "after": None if new is None else json.dumps(new),
            }
        )
    if rows:
        conn.execute(insert(table(models.DataChange)), rows)


def delete_events(conn: Connection, *, run_id: int, ids: list[int]) -> None:
    """Delete events and their links, recording each as deleted by the run."""
    if not ids:
        return
    record_events(conn, run_id=run_id, op="delete", before=event_states(conn, ids))
    for chunk in _chunks(ids):
        for _, model, _ in LINKS:
            conn.execute(delete(table(model)).where(table(model).c.event_id.in_(chunk)))
        conn.execute(delete(table(models.Event)).where(table(models.Event).c.id.in_(chunk)))


def delete_measured(
    conn: Connection, *, entity: str, run_id: int, where: ColumnElement[bool]
) -> int:
    """Delete the entity's rows matching ``where``, recording each as deleted by the run."""
    model = ENTITIES[entity][0]
    record_measured(conn, entity=entity, run_id=run_id, op="delete", where=where)
    result = conn.execute(delete(table(model)).where(where))
    return int(result.rowcount or 0)


# ---------------------------------------------------------------- undo


@dataclass
class UndoResult:
    """What undoing a load run did."""

    undone_run_id: int
    run_id: int
    restored: int = 0  # rows put back (updated back or re-inserted)
    removed: int = 0  # rows the undone run had inserted, deleted again
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for a person."""
        return (
            f"undid run {self.undone_run_id} (recorded as run {self.run_id}): "
            f"{self.removed} row(s) it added removed, {self.restored} row(s) it changed or "
            "deleted restored"
        )


def _describe(run: Any) -> str:
    when = run.started_at.strftime("%Y-%m-%d %H:%M") if run.started_at else "?"
    return f"run {run.id} ({run.file_name}, {when} UTC, by {run.user or 'unknown'})"


def _stale_keys(conn: Connection, *, run_id: int) -> dict[str, set[str]]:
    """Rows no longer as this run left them, by entity: a later change would be overwritten.

    Inserted and updated rows must still hold the run's ``after``; deleted rows must still be
    absent. Later runs that were undone since (and the undos) leave rows as they were, so they
    do not block an undo; anything else that changed a row does.
    """
    c = table(models.DataChange)
    stale: dict[str, set[str]] = {}
    for entity, (model, code, _) in ENTITIES.items():
        t = table(model)
        now_fields = fields_json_sql(entity, dialect=conn.dialect.name)
        by_key = and_(
            t.c[code] == c.c.code,
            t.c.date == c.c.date,
            measured_key_sql(entity) == c.c.row_key,
        )
        mine = and_(c.c.load_run_id == run_id, c.c.entity == entity)
        changed = (
            select(c.c.row_key)
            .join_from(c, t, by_key, isouter=True)
            .where(
                mine,
                c.c.op.in_(("insert", "update")),
                or_(t.c.id.is_(None), now_fields != c.c.after),
            )
        )
        back = select(c.c.row_key).join_from(c, t, by_key).where(mine, c.c.op == "delete")
        keys = set(conn.execute(changed).scalars()) | set(conn.execute(back).scalars())
        if keys:
            stale[entity] = keys
    events = list(
        conn.execute(
            select(c.c.row_id, c.c.op, c.c.row_key, c.c.after).where(
                c.c.load_run_id == run_id, c.c.entity == "event"
            )
        )
    )
    if events:
        present = _events_by_key(conn, [str(k) for _, _, k, _ in events])
        states = event_states(conn, sorted(present.values()))
        for _row_id, op, key, after in events:
            now_id = present.get(key)
            if op == "delete":
                bad = now_id is not None
            else:
                bad = now_id is None or loads(after) != loads(json.dumps(states[now_id]))
            if bad:
                stale.setdefault("event", set()).add(key)
    return stale


def _events_by_key(conn: Connection, keys: list[str]) -> dict[str, int]:
    """The current ids of events by row key (absent keys left out)."""
    e = table(models.Event).c
    dates = sorted({dt.date.fromisoformat(k[:10]) for k in keys})
    wanted = set(keys)
    found: dict[str, int] = {}
    for start in range(0, len(dates), CHUNK):
        stmt = select(e.id, e.date, e.source_id, e.title).where(
            e.date.in_(dates[start : start + CHUNK])
        )
        for i, d, source, title in conn.execute(stmt):
            key = event_key(date=d, source_id=source, title=title)
            if key in wanted:
                found[key] = int(i)
    return found


def _blocking_runs(conn: Connection, *, run_id: int, stale: dict[str, set[str]]) -> list[int]:
    """The latest later run that changed each stale row (none: changed outside the loaders)."""
    c = table(models.DataChange).c
    found: set[int] = set()
    for entity, keys in stale.items():
        ordered = sorted(keys)
        for start in range(0, len(ordered), CHUNK):
            stmt = (
                select(c.row_key, func.max(c.load_run_id))
                .where(
                    c.entity == entity,
                    c.row_key.in_(ordered[start : start + CHUNK]),
                    c.load_run_id > run_id,
                )
                .group_by(c.row_key)
            )
            found |= {int(r) for _, r in conn.execute(stmt)}
    return sorted(found)


def _current_ids(conn: Connection, *, entity: str, run_id: int) -> dict[str, int]:
    """The ids the rows a run inserted or updated have now, by row key (a row deleted and
    restored since has a new id)."""
    model, code, _ = ENTITIES[entity]
    t, c = table(model), table(models.DataChange)
    by_key = and_(
        t.c[code] == c.c.code, t.c.date == c.c.date, measured_key_sql(entity) == c.c.row_key
    )
    stmt = (
        select(c.c.row_key, t.c.id)
        .join_from(c, t, by_key)
        .where(c.c.load_run_id == run_id, c.c.entity == entity, c.c.op.in_(("insert", "update")))
    )
    return {str(k): int(i) for k, i in conn.execute(stmt)}


def _restore_measured(
    conn: Connection, *, entity: str, run_id: int, undone: int, changes: list[Any]
) -> tuple[int, int, set[tuple[str, str]]]:
    """Apply the inverse of one entity's changes; returns (removed, restored, touched)."""
    model, code, fields = ENTITIES[entity]
    t = table(model)
    touched = {(ch.participant_code or REGION, str(ch.code)) for ch in changes}
    now_ids = _current_ids(conn, entity=entity, run_id=undone)
    inserted = [now_ids[ch.row_key] for ch in changes if ch.op == "insert"]
    for chunk in _chunks(inserted):
        delete_measured(conn, entity=entity, run_id=run_id, where=t.c.id.in_(chunk))
    updated = [ch for ch in changes if ch.op == "update"]
    record_measured_ids(
        conn, entity=entity, run_id=run_id, op="update", ids=[now_ids[c.row_key] for c in updated]
    )
    if updated:
        params = []
        for ch in updated:
            old = loads(ch.before) or {}
            params.append(
                {"_id": now_ids[ch.row_key], **{f: _value(f, old.get(f)) for f in fields}}
            )
        stmt = update(t).where(t.c.id == bindparam("_id")).values({f: bindparam(f) for f in fields})
        conn.execute(stmt, params)
        fill_after(conn, entity=entity, run_id=run_id)
    deleted = [ch for ch in changes if ch.op == "delete"]
    if deleted:
        rows = []
        for ch in deleted:
            old = loads(ch.before) or {}
            rows.append(
                {
                    "participant_code": ch.participant_code,
                    code: ch.code,
                    "date": ch.date,
                    **{f: _value(f, old.get(f)) for f in fields},
                }
            )
        ids = [
            int(i)
            for i in conn.execute(
                insert(t).returning(t.c.id, sort_by_parameter_order=True), rows
            ).scalars()
        ]
        record_measured_ids(conn, entity=entity, run_id=run_id, op="insert", ids=ids)
    return len(inserted), len(updated) + len(deleted), touched


def _value(name: str, value: Any) -> Any:
    if name == "synthetic":
        return bool(value)
    if name in ("status", "source_id", "load_run_id") and value is not None:
        return int(value)
    if name == "value" and value is not None:
        return float(value)
    return value


def _restore_events(conn: Connection, *, run_id: int, changes: list[Any]) -> tuple[int, int]:
    e = table(models.Event)
    now_ids = _events_by_key(conn, [str(ch.row_key) for ch in changes])
    inserted = [now_ids[ch.row_key] for ch in changes if ch.op == "insert"]
    delete_events(conn, run_id=run_id, ids=inserted)
    restored = 0
    for ch in changes:
        if ch.op == "insert":
            continue
        old = loads(ch.before) or {}
        values = {f: old.get(f) for f in EVENT_FIELDS}
        values["date"] = dt.date.fromisoformat(old["date"])
        values["end_date"] = dt.date.fromisoformat(old["end_date"]) if old.get("end_date") else None
        values["title"] = old["title"]
        values["synthetic"] = bool(values["synthetic"])
        if ch.op == "update":
            event_id = now_ids[ch.row_key]
            before = event_states(conn, [event_id])
            conn.execute(update(e).where(e.c.id == event_id).values(values))
            for _, model, _ in LINKS:
                conn.execute(delete(table(model)).where(table(model).c.event_id == event_id))
        else:
            event_id = int(conn.execute(insert(e).returning(e.c.id), values).scalar_one())
            before = {}
        for name, model, column in LINKS:
            links = [{"event_id": event_id, column: v} for v in old.get(name, [])]
            if links:
                conn.execute(insert(table(model)), links)
        record_events(
            conn,
            run_id=run_id,
            op=str(ch.op if ch.op == "update" else "insert"),
            before=before or None,
            after=event_states(conn, [event_id]),
        )
        restored += 1
    return len(inserted), restored


def undo(*, engine: Engine, run_id: int, user: str | None = None) -> UndoResult:
    """Revert exactly one published load run, recorded as a new run; refuse with the reason
    when it cannot be (unknown, rejected, pending, already undone, or a later run changed the
    same rows — named, so that one can be undone first)."""
    with Session(engine) as session:
        run = session.get(models.LoadRun, run_id)
        if run is None:
            raise UndoRefused(f"there is no load run {run_id} (see `rtop history`)")
        if run.status == "rejected":
            raise UndoRefused(f"{_describe(run)} was rejected and wrote nothing: nothing to undo")
        if run.review_state != "published":
            raise UndoRefused(
                f"{_describe(run)} is {run.review_state}, not published: it changed nothing "
                "(a reviewer publishes or declines it)"
            )
        if run.undone_by_run_id is not None:
            raise UndoRefused(f"{_describe(run)} was already undone by run {run.undone_by_run_id}")
        conn = session.connection()
        write_lock(conn)
        session.refresh(run)  # as it is now that no other writer runs
        if run.undone_by_run_id is not None:
            raise UndoRefused(f"{_describe(run)} was already undone by run {run.undone_by_run_id}")
        c = table(models.DataChange).c
        changes = list(
            conn.execute(
                select(table(models.DataChange))
                .where(c.load_run_id == run_id)
                .order_by(c.id.desc())
            )
        )
        if not changes:
            raise UndoRefused(f"{_describe(run)} changed no rows: nothing to undo")
        stale = _stale_keys(conn, run_id=run_id)
        if stale:
            later = _blocking_runs(conn, run_id=run_id, stale=stale)
            runs = [session.get(models.LoadRun, x) for x in later]
            named = "; ".join(_describe(r) for r in runs if r is not None)
            rows = sum(len(keys) for keys in stale.values())
            raise UndoRefused(
                f"cannot undo {_describe(run)}: {rows} of its rows were changed since by "
                f"{named or 'a change made outside the loaders'}. Undo the later run(s) first "
                "(newest first); nothing was changed"
            )
        record = new_run(
            file_name=f"undo of run {run_id} ({run.file_name})",
            kind="undo",
            file_format="undo",
            started=now(),
            finished=False,
            user=user,
        )
        record.undoes_run_id = run_id
        session.add(record)
        session.flush()
        assert record.id is not None
        result = UndoResult(undone_run_id=run_id, run_id=record.id)
        touched: set[tuple[str, str]] = set()
        for entity in ENTITIES:
            mine = [ch for ch in changes if ch.entity == entity]
            if mine:
                removed, restored, pairs = _restore_measured(
                    conn, entity=entity, run_id=record.id, undone=run_id, changes=mine
                )
                result.removed += removed
                result.restored += restored
                touched |= pairs
        events = [ch for ch in changes if ch.entity == "event"]
        if events:
            removed, restored = _restore_events(conn, run_id=record.id, changes=events)
            result.removed += removed
            result.restored += restored
        if touched:
            refresh(conn, touched=touched)
        ops: dict[str, int] = dict(
            conn.execute(
                select(c.op, func.count()).where(c.load_run_id == record.id).group_by(c.op)
            ).all()
        )
        record.rows_read = len(changes)
        record.inserted, record.updated = int(ops.get("insert", 0)), int(ops.get("update", 0))
        record.finished_at = now()
        run.undone_by_run_id = record.id
        session.add_all([record, run])
        session.commit()
        return result
