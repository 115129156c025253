"""The change history: what each load run did to each row, in a form writers and readers share.

Every write through the loaders records one ``data_change`` row per row it inserted, updated or
deleted (observations, expert assessments, events), with the row's fields before and after as
JSON and the row's identity as ``row_key`` (participant|code|date|source id for observations and
assessments; date|source id|title for events), which survives deletes and re-inserts. This
module builds those keys and reads the history; loaders/history.py writes and undoes it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import String, Text, and_, cast, func, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement

from dashboard.core import models
from dashboard.core.inputs import Bind, connection
from dashboard.core.models import table

# Each measured entity: its model, the column holding its code, and the fields a change keeps.
ENTITIES: dict[str, tuple[type, str, tuple[str, ...]]] = {
    "observation": (
        models.Observation,
        "indicator_code",
        ("precision", "value", "note", "synthetic", "source_id", "load_run_id"),
    ),
    "assessment": (
        models.Assessment,
        "item_code",
        (
            "precision",
            "status",
            "assessor",
            "rationale",
            "note",
            "synthetic",
            "source_id",
            "load_run_id",
        ),
    ),
}
EVENT_FIELDS = (
    "precision",
    "end_date",
    "kind",
    "description",
    "url",
    "synthetic",
    "source_id",
    "load_run_id",
)


def measured_key(*, participant: str | None, code: str, date: dt.date, source_id: int) -> str:
    """The row key of an observation or assessment (the SQL of ``measured_key_sql``)."""
    return f"{participant or ''}|{code}|{date.isoformat()}|{int(source_id)}"


def event_key(*, date: dt.date, source_id: int, title: str) -> str:
    """The row key of an event (title last: it may hold the separator)."""
    return f"{date.isoformat()}|{int(source_id)}|{title}"


def measured_key_sql(entity: str) -> ColumnElement[Any]:
    """SQL building ``measured_key`` for every row of the entity's table (SQLite and PostgreSQL)."""
    model, code, _ = ENTITIES[entity]
    t = table(model).c
    return (
        func.coalesce(t.participant_code, "")
        + "|"
        + t[code]
        + "|"
        + cast(t.date, String)
        + "|"
        + cast(t.source_id, String)
    )


def fields_json_sql(entity: str, *, dialect: str) -> ColumnElement[Any]:
    """SQL building a JSON object of the entity's kept fields for every row of its table."""
    model, _, fields = ENTITIES[entity]
    t = table(model).c
    args: list[Any] = []
    for name in fields:
        args += [literal_column(f"'{name}'"), t[name]]
    if dialect == "postgresql":
        return cast(func.json_build_object(*args), Text)
    return func.json_object(*args)


def loads(text: object) -> dict[str, Any] | None:
    """A change's before/after JSON as a dict (None, or a frame's NaN, is None)."""
    return dict(json.loads(text)) if isinstance(text, str) else None


# ---------------------------------------------------------------- reading the history


@dataclass(frozen=True)
class Since:
    """Where a "what changed" query starts and ends: dates (inclusive) or load-run ids."""

    start: dt.date | None = None
    end: dt.date | None = None
    after_run: int | None = None
    through_run: int | None = None


def _run_filter(since: Since) -> list[ColumnElement[bool]]:
    r = table(models.LoadRun).c
    # When the data changed: a pending run changes them when it is published (its finish).
    when = func.coalesce(r.finished_at, r.started_at)
    out: list[ColumnElement[bool]] = []
    if since.start is not None:
        out.append(when >= dt.datetime.combine(since.start, dt.time(), tzinfo=dt.UTC))
    if since.end is not None:
        end = dt.datetime.combine(since.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        out.append(when < end)
    if since.after_run is not None:
        out.append(r.id > since.after_run)
    if since.through_run is not None:
        out.append(r.id <= since.through_run)
    return out


RUN_COLUMNS = [
    "id",
    "started_at",
    "user",
    "file_name",
    "kind",
    "status",
    "review_state",
    "rows_read",
    "inserted",
    "updated",
    "unchanged",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
    "undoes_run_id",
    "undone_by_run_id",
    "owners",
    "review_opened_by",
]


def load_runs(
    *,
    engine: Bind,
    since: Since | None = None,
    participant: str | None = None,
    include_rejected: bool = True,
) -> pd.DataFrame:
    """Load runs, newest first, with how many rows each inserted, updated and deleted.

    ``participant`` keeps the runs that changed a row of that participant (or an event naming
    it); rejected files are listed too unless ``include_rejected`` is false.
    """
    r, c = table(models.LoadRun).c, table(models.DataChange).c
    stmt = select(*[r[name] for name in RUN_COLUMNS]).order_by(r.id.desc())
    where = _run_filter(since or Since())
    if not include_rejected:
        where.append(r.status != "rejected")
    if participant is not None:
        where.append(r.id.in_(select(c.load_run_id).where(_participant_filter(participant))))
    if where:
        stmt = stmt.where(and_(*where))
    with connection(engine) as conn:
        runs = pd.DataFrame(conn.execute(stmt).all(), columns=RUN_COLUMNS)
        ops = pd.DataFrame(
            conn.execute(
                select(c.load_run_id, c.op, func.count())
                .where(c.load_run_id.in_(runs["id"].astype(int).tolist()))
                .group_by(c.load_run_id, c.op)
            ).all(),
            columns=["id", "op", "n"],
        )
    counts = ops.pivot_table(index="id", columns="op", values="n", aggfunc="sum", fill_value=0)
    for op in ("insert", "update", "delete"):
        runs[f"changes_{op}"] = (
            runs["id"].map(counts[op]).fillna(0).astype(int) if op in counts else 0
        )
    return runs


def _participant_filter(participant: str) -> ColumnElement[bool]:
    c = table(models.DataChange).c
    code = participant.upper()
    named = or_(
        c.before.like(f'%"participants": [%"{code}"%'),
        c.after.like(f'%"participants": [%"{code}"%'),
    )
    return or_(c.participant_code == code, and_(c.entity == "event", named))


CHANGE_COLUMNS = [
    "change_id",
    "load_run_id",
    "started_at",
    "user",
    "file_name",
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


def changes(
    *,
    engine: Bind,
    since: Since | None = None,
    participant: str | None = None,
    run_id: int | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Every recorded change in published runs (or of one run), oldest first, with its run.

    ``before``/``after`` stay JSON text; ``loads`` turns them into dicts.
    """
    r, c = table(models.LoadRun).c, table(models.DataChange).c
    stmt = (
        select(
            c.id,
            c.load_run_id,
            r.started_at,
            r.user,
            r.file_name,
            c.entity,
            c.op,
            c.row_id,
            c.row_key,
            c.participant_code,
            c.code,
            c.date,
            c.before,
            c.after,
        )
        .join_from(table(models.DataChange), table(models.LoadRun), r.id == c.load_run_id)
        .order_by(c.id)
    )
    where = _run_filter(since or Since())
    if run_id is not None:
        where.append(c.load_run_id == run_id)
    if participant is not None:
        where.append(_participant_filter(participant))
    if where:
        stmt = stmt.where(and_(*where))
    if limit is not None:
        stmt = stmt.limit(limit)
    with connection(engine) as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=CHANGE_COLUMNS)


def describe(
    *,
    entity: str,
    op: str,
    participant: str | None,
    code: str | None,
    date: object,
    before: object,
    after: object,
) -> tuple[str, str, str]:
    """A change for a person: (what row, its value or fields before, after)."""
    old, new = loads(before), loads(after)
    if entity == "event":
        state = new or old or {}
        what = f"event {state.get('date')} {state.get('title')!r}"

        def event_text(s: dict[str, Any] | None) -> str:
            if s is None:
                return ""
            who = ";".join(s.get("participants", []))
            return f"{s.get('kind') or 'event'}; {who or 'no participants'}"

        return what, event_text(old), event_text(new)
    what = f"{entity} {participant or 'ARF'} {code} {date}"
    field = "status" if entity == "assessment" else "value"
    keys = [field, "note", "assessor", "rationale"]
    if op == "update":
        moved = [k for k in keys if (old or {}).get(k) != (new or {}).get(k)] or [field]
    else:
        moved = [field]

    def shown(value: object) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{float(value):g}"  # 1, 2.5: the same on SQLite and PostgreSQL
        return repr(value)

    def text(s: dict[str, Any] | None) -> str:
        if s is None:
            return ""
        return "; ".join(
            f"{k}: {shown(s.get(k))}" if k != field else shown(s.get(k)) for k in moved
        )

    return what, text(old), text(new)


def describe_change(change: Any) -> tuple[str, str, str]:
    """``describe`` for one row of ``changes`` (a Series or a named tuple)."""
    get = change.get if isinstance(change, pd.Series) else lambda k: getattr(change, k)
    return describe(
        entity=get("entity"),
        op=get("op"),
        participant=get("participant_code"),
        code=get("code"),
        date=get("date"),
        before=get("before"),
        after=get("after"),
    )


def when_text(value: object) -> str:
    """A stored time as 'YYYY-MM-DD HH:MM' (UTC), or '' when missing."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


def run_state(run: pd.Series) -> str:
    """A load run's state for a person: rejected, pending, published, declined; undone by."""
    if run["status"] == "rejected":
        return "rejected (nothing written)"
    state = str(run["review_state"])
    if pd.notna(run["undone_by_run_id"]):
        state += f"; undone by run {int(run['undone_by_run_id'])}"
    if pd.notna(run["undoes_run_id"]):
        state += f"; undoes run {int(run['undoes_run_id'])}"
    return state


@dataclass(frozen=True)
class DataVersion:
    """Which data a view shows: the newest published load run, its date and a content hash.

    The hash covers every published run in order (id, file hash, what it changed, whether it
    was undone since), so two databases that went through the same loads agree on it and any
    load, undo or publication changes it.
    """

    run_id: int
    date: str
    digest: str

    @property
    def label(self) -> str:
        """'release 42 of 1 Dec 2026 #1a2b3c4d': what a reader says first (which release, when),
        the hash second (or 'empty database' before any load)."""
        if not self.run_id:
            return "empty database"
        try:
            day = dt.date.fromisoformat(self.date)
            when = f"{day.day} {day:%b %Y}"
        except ValueError:
            when = self.date
        return f"release {self.run_id} of {when} #{self.digest}"


def data_version(*, engine: Bind) -> DataVersion:
    """The data version of the database as it is now (published runs only)."""
    import hashlib

    r = table(models.LoadRun).c
    stmt = (
        select(r.id, r.sha256, r.finished_at, r.inserted, r.updated, r.undone_by_run_id)
        .where(r.status == "ok", r.review_state == "published")
        .order_by(r.id)
    )
    with connection(engine) as conn:
        runs = conn.execute(stmt).all()
    if not runs:
        return DataVersion(run_id=0, date="", digest="")
    h = hashlib.sha256()
    for run in runs:
        h.update(
            f"{run.id}:{run.sha256}:{run.inserted}:{run.updated}:{run.undone_by_run_id};".encode()
        )
    last = runs[-1]
    when = when_text(last.finished_at)[:10]
    return DataVersion(run_id=int(last.id), date=when, digest=h.hexdigest()[:8])
