"""Review before publishing: a pending load run is published (written) or declined by a reviewer.

A load made in the app with review on is checked and kept as a pending load run with its file
(loaders/store.py ``load_bytes(review=True)``); nothing public changes. A reviewer — never its
author — publishes it (the file is checked again against the data as they are now and written
under the same run, so its history cites it) or declines it with a comment. ``preview`` shows
what publishing would change without writing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import delete
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.models import table
from dashboard.core.readmodel import read_cells
from loaders.errors import LoaderError
from loaders.locks import write_lock
from loaders.parts import Parsed, read_parts
from loaders.readers import ROW_COLUMN, Format
from loaders.runs import now
from loaders.store import LoadResult, apply_file


class ReviewRefused(LoaderError):
    """A review action was refused (named reason; nothing was changed)."""


def _pending(session: Session, run_id: int) -> models.LoadRun:
    run = session.get(models.LoadRun, run_id)
    if run is None:
        raise ReviewRefused(f"there is no load run {run_id}")
    if run.review_state != "pending":
        state = run.review_state
        by = f" by {run.reviewed_by}" if run.reviewed_by else ""
        raise ReviewRefused(f"load run {run_id} is not pending review (it was {state}{by})")
    return run


def _check_reviewer(run: models.LoadRun, reviewer: str) -> None:
    if not reviewer:
        raise ReviewRefused("a review must name its reviewer")
    if reviewer.casefold() == (run.user or "").casefold():
        raise ReviewRefused(
            f"{reviewer} made load run {run.id}: a change needs a second pair of eyes, so "
            "another reviewer must publish or decline it"
        )


def pending_parts(session: Session, run: models.LoadRun) -> Parsed:
    """A pending run's file as the parts its load checks (raises ReviewRefused without one)."""
    assert run.id is not None
    pending = session.get(models.PendingFile, run.id)
    if pending is None:
        raise ReviewRefused(f"load run {run.id} has no file kept for review")
    fmt = Format(run.file_format) if run.file_format in set(Format) else None
    return read_parts(data=pending.data, name=run.file_name, file_format=fmt, kind=run.kind)


def submission_rows(*, engine: Engine, run_id: int) -> pd.DataFrame:
    """A pending run's rows as a reviewer picks from them: part (observations or events), the
    row number in the file, and the row's own columns (as text)."""
    with Session(engine) as session:
        run = _pending(session, run_id)
        parsed = pending_parts(session, run)
    frames = []
    for part in parsed.parts:
        frame = part.table.frame.rename(columns={ROW_COLUMN: "row"})
        frames.append(frame.assign(part=part.kind).rename(columns=dict(part.columns)))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    first = ["part", "row"]
    return out[[*first, *[c for c in out.columns if c not in first]]] if len(out) else out


def _only(parsed: Parsed, rows: set[tuple[str, int]]) -> Parsed:
    """The parts with only the chosen (part, row) rows (parts left empty are dropped)."""
    kept = []
    for part in parsed.parts:
        frame = part.table.frame
        mask = frame[ROW_COLUMN].astype(int).map(lambda r, k=part.kind: (k, int(r)) in rows)
        if mask.astype(bool).any():
            table_ = replace(part.table, frame=frame[mask.astype(bool)].reset_index(drop=True))
            kept.append(replace(part, table=table_))
    if not kept:
        raise ReviewRefused("choose at least one row to publish (or decline the submission)")
    return replace(parsed, parts=tuple(kept))


def _apply_pending(
    session: Session, run: models.LoadRun, *, rows: set[tuple[str, int]] | None = None
) -> LoadResult:
    parsed = pending_parts(session, run)
    if rows is not None:
        parsed = _only(parsed, rows)
    write_lock(session.connection())
    result = LoadResult(file_name=run.file_name, kind=run.kind, file_format=run.file_format)
    apply_file(session, run=run, parsed=parsed, replaces_earlier=False, result=result, dry=False)
    return result


def publish(
    *,
    engine: Engine,
    run_id: int,
    reviewer: str,
    comment: str = "",
    rows: set[tuple[str, int]] | None = None,
) -> LoadResult:
    """Write a pending load run's file now (checked again) and make it public; with ``rows``
    ((part, row number) pairs, as submission_rows lists them) only those rows: the others are
    declined, and the review comment names them.

    Raises Rejected when the file no longer checks against the current data (the run stays
    pending, so it can be declined), ReviewRefused for the reviewer's own run or a run that is
    not pending.
    """
    with Session(engine) as session:
        run = _pending(session, run_id)
        _check_reviewer(run, reviewer)
        left_out: list[str] = []
        if rows is not None:
            every = {(p.kind, int(r)) for p in pending_parts(session, run).parts
                     for r in p.table.frame[ROW_COLUMN]}  # fmt: skip
            left_out = [f"{k} row {r}" for k, r in sorted(every - rows)]
        result = _apply_pending(session, run, rows=rows)
        run.review_state = "published"
        if left_out:
            declined = f"published in part; not published: {', '.join(left_out)}"
            comment = f"{comment.strip()} ({declined})" if comment.strip() else declined
            result.notes.append(declined)
        run.reviewed_by, run.reviewed_at, run.review_comment = reviewer, now(), comment
        session.add(run)
        session.execute(
            delete(table(models.PendingFile)).where(
                table(models.PendingFile).c.load_run_id == run_id
            )
        )
        session.commit()
        result.load_run_id = run_id
        return result


def decline(*, engine: Engine, run_id: int, reviewer: str, comment: str) -> None:
    """Decline a pending load run with a comment for its author; nothing is written."""
    if not comment.strip():
        raise ReviewRefused("say why in a comment: its author reads it")
    with Session(engine) as session:
        run = _pending(session, run_id)
        _check_reviewer(run, reviewer)
        run.review_state = "declined"
        run.reviewed_by, run.reviewed_at, run.review_comment = reviewer, now(), comment.strip()
        session.add(run)
        session.execute(
            delete(table(models.PendingFile)).where(
                table(models.PendingFile).c.load_run_id == run_id
            )
        )
        session.commit()


@dataclass(frozen=True)
class Preview:
    """What publishing a pending run would do: its counts and the cells whose status moves."""

    result: LoadResult
    moved: pd.DataFrame  # participant_code, recommendation, before, after (this year's cells)


@contextmanager
def applied(*, engine: Engine, run_id: int) -> Iterator[tuple[Connection, LoadResult]]:
    """A connection on which a pending run's file is applied as publishing would apply it
    (checked again against the data as they are now); everything is rolled back when the block
    ends, so nothing is ever written. Raises Rejected when the file no longer checks and
    ReviewRefused when the run is not pending. Holds the write lock while the block runs."""
    with Session(engine) as session:
        run = _pending(session, run_id)
        result = _apply_pending(session, run)
        result.dry_run = True
        try:
            yield session.connection(), result
        finally:
            session.rollback()


def preview(*, engine: Engine, run_id: int, year: int | None = None) -> Preview:
    """Apply a pending run inside a transaction that is rolled back: the status changes it
    would make in ``year`` (default: the current year), documented data only."""
    year = year or dt.date.today().year
    key = ["participant_code", "recommendation"]
    before = read_cells(engine=engine, include_sample=False)
    with applied(engine=engine, run_id=run_id) as (conn, result):
        after = read_cells(engine=conn, include_sample=False)
    columns = [*key, "result"]
    was = before[before["year"] == year][columns].rename(columns={"result": "before"})
    will = after[after["year"] == year][columns].rename(columns={"result": "after"})
    both = was.merge(will, on=key, how="outer").fillna({"before": "", "after": ""})
    moved = both[both["before"] != both["after"]].sort_values(key).reset_index(drop=True)
    return Preview(result=result, moved=moved)
