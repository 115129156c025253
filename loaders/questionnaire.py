"""Read a returned questionnaire (dashboard/export/questionnaire.py makes them) as ordinary
tables of observations and events, checked and written like any file.

- Rows whose new_value is empty were left untouched: ignored, and said so.
- new_value may be a dropdown choice ('3 = appointed'), a number or yes/no; date_precision
  (day, month, year) cuts the date to what is known; the source is source_title (or the URL
  when there is no title), and a new source keeps source_url; the excerpt is the note.
- The participant comes from the participant column or the hidden _meta sheet.
- Messages name the questionnaire's own columns (new_value, not value).
- Against the current records the form was made from (in _meta), each answered indicator
  whose record changed since is flagged in the check's notes, never silently overwritten.
A CSV or JSON with the eight fill columns (other tools write them) and a participant column is
read the same way.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from dashboard.core import models
from dashboard.core import questionnaire as q
from dashboard.core.models import table
from dashboard.core.scoring import REGION
from loaders.errors import Problem, Rejected
from loaders.readers import ROW_COLUMN, Format, Table, _read_xlsx, _reject

# The questionnaire's columns as the observation checker names them, and back for messages.
TO_OBSERVATIONS = {"new_value": "value", "source_title": "source", "excerpt": "note"}
USER_COLUMN = {v: k for k, v in TO_OBSERVATIONS.items()}


@dataclass(frozen=True)
class Reply:
    """A returned questionnaire: its observations (checker's columns, rows as in the file),
    its events (or None), what it was made from, and notes for the person loading it."""

    observations: Table | None
    events: Table | None
    meta: dict[str, str]
    notes: tuple[str, ...] = field(default_factory=tuple)


def sheet_names(*, data: bytes, name: str) -> list[str]:
    """A workbook's sheet names (hidden ones too), or [] for bytes that are not one."""
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except Exception:  # noqa: BLE001 - not a workbook: the reader says why when it reads it
        return []


def read_sheet(*, data: bytes, name: str, sheet: str) -> Table:
    """One named sheet of a workbook as a Table (with every check the reader makes)."""
    frame = _read_xlsx(data=data, name=name, kind=sheet)
    if frame.empty:
        raise _reject(name, None, None, f"sheet '{sheet}' has a header but no data rows")
    return Table(name=name, file_format=Format.XLSX, frame=frame)


def is_reply(*, data: bytes, name: str, file_format: Format, columns: list[str]) -> bool:
    """True for a workbook with a 'questionnaire' sheet, or a table of its fill columns."""
    if file_format is Format.XLSX:
        return q.SHEET in {s.lower() for s in sheet_names(data=data, name=name)}
    return q.is_questionnaire(columns)


def _meta(*, data: bytes, name: str) -> dict[str, str]:
    if q.META_SHEET not in {s.lower() for s in sheet_names(data=data, name=name)}:
        return {}
    table = read_sheet(data=data, name=name, sheet=q.META_SHEET)
    frame = table.frame
    if not {"key", "value"} <= set(frame.columns):
        return {}
    return dict(zip(frame["key"].astype(str), frame["value"].astype(str), strict=True))


def _precise(date: str, precision: str) -> str:
    """'2024-05-31' at month precision -> '2024-05'; a date the cell gave with a time of day
    ('2024-05-31 00:00:00') keeps its date part."""
    text = date.strip().split(" ")[0].split("T")[0]
    cut = {"year": 4, "month": 7}.get(precision.strip().lower())
    return text[:cut] if cut and len(text) >= cut else text


def read_reply(*, table: Table, data: bytes | None = None) -> Reply:
    """The questionnaire rows of ``table`` (the 'questionnaire' sheet, or a CSV/JSON of its
    columns) as an observations table; the workbook's events sheet and _meta when ``data``
    is the workbook. Raises Rejected naming the row and the questionnaire's column."""
    name = table.name
    frame = table.frame.copy()
    meta: dict[str, str] = {}
    events: Table | None = None
    if data is not None and table.file_format is Format.XLSX:
        meta = _meta(data=data, name=name)
        if q.EVENTS_SHEET in {s.lower() for s in sheet_names(data=data, name=name)}:
            try:
                events = read_sheet(data=data, name=name, sheet=q.EVENTS_SHEET)
            except Rejected as exc:  # an events sheet left empty is no events
                if not all("empty" in p.reason or "no data rows" in p.reason for p in exc.problems):
                    raise
    for column in q.FILL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    missing = [c for c in ("indicator", "new_value") if c not in table.frame.columns]
    if missing:
        raise Rejected([Problem(name, None, c, "missing column") for c in missing])
    answered = frame["new_value"].fillna("").str.strip().ne("")
    untouched = int((~answered).sum())
    frame = frame[answered]
    notes: list[str] = []
    if untouched:
        notes.append(f"{untouched} untouched row(s) ignored (no new_value)")
    who = meta.get("participant", "")
    if "participant" not in frame.columns or frame["participant"].fillna("").eq("").all():
        if not who:
            raise Rejected(
                [Problem(name, None, "participant", "missing: the questionnaire names no "
                         "participant (no participant column and no _meta sheet)")]
            )  # fmt: skip
        frame["participant"] = who
    elif who:
        other = frame["participant"].fillna("").str.strip().ne(who)
        if other.any():
            rows = frame.loc[other, ROW_COLUMN].astype(int).tolist()
            raise Rejected(
                [Problem(name, int(r), "participant", f"this questionnaire is {who}'s: the "
                         "participant column may not name another") for r in rows[:20]]
            )  # fmt: skip
    problems: list[Problem] = []
    precision = frame["date_precision"].fillna("").str.strip().str.lower()
    bad = precision.ne("") & ~precision.isin(q.PRECISIONS)
    for row, text in zip(frame.loc[bad, ROW_COLUMN], frame.loc[bad, "date_precision"], strict=True):
        problems.append(
            Problem(name, int(row), "date_precision", f"'{text}': use day, month or year")
        )
    title = frame["source_title"].fillna("").str.strip()
    url = frame["source_url"].fillna("").str.strip()
    unsourced = title.eq("") & url.eq("")
    for row in frame.loc[unsourced, ROW_COLUMN]:
        problems.append(
            Problem(name, int(row), "source_title", "empty: a new value needs its source "
                    "(a source_title or a source_url)")
        )  # fmt: skip
    if problems:
        raise Rejected(problems)
    excerpt = frame["excerpt"].fillna("").str.strip()
    comment = frame["comment"].fillna("").str.strip()
    for row, code, text in zip(frame[ROW_COLUMN], frame["indicator"], comment, strict=True):
        if text:
            notes.append(f"row {int(row)} ({code}): comment for the reviewer: {text}")
    out = pd.DataFrame(
        {
            "participant": frame["participant"].fillna("").str.strip(),
            "indicator": frame["indicator"].fillna("").str.strip(),
            "date": [
                _precise(d, p) for d, p in zip(frame["date"].fillna(""), precision, strict=True)
            ],
            "value": frame["new_value"].fillna("").map(q.level_value),
            "source": title.where(title.ne(""), url),
            "source_url": url,
            "note": excerpt,
            ROW_COLUMN: frame[ROW_COLUMN],
        },
        index=frame.index,
    )
    observations = Table(name=name, file_format=table.file_format, frame=out) if len(out) else None
    if observations is None and events is None:
        raise Rejected(
            [Problem(name, None, "new_value", "nothing to load: every row is untouched (fill "
                     "new_value where there is new evidence)")]
        )  # fmt: skip
    return Reply(observations=observations, events=events, meta=meta, notes=tuple(notes))


def user_columns(exc: Rejected) -> Rejected:
    """The same problems, naming the questionnaire's columns (new_value, source_title,
    excerpt) instead of the checker's (value, source, note)."""
    return Rejected(
        [
            Problem(p.file, p.row, USER_COLUMN.get(p.column or "", p.column), p.reason)
            for p in exc.problems
        ]
    )


def current_records(
    session: Session, *, owner: str, indicators: list[str], since: str
) -> dict[str, list[str]]:
    """Per answered indicator, the published load runs that changed the owner's records of it
    after ``since`` (the form's made_at): '#12 by ann on 2026-12-08'. Runs undone since do not
    count."""
    try:
        made = dt.datetime.fromisoformat(since)
    except ValueError:
        return {}
    if made.tzinfo is None:
        made = made.replace(tzinfo=dt.UTC)
    changes, runs = table(models.DataChange).c, table(models.LoadRun).c
    owner_match = (
        changes.participant_code.is_(None) if owner == REGION else changes.participant_code == owner
    )
    rows = session.execute(
        select(changes.code, runs.id, runs.user, runs.finished_at)
        .select_from(table(models.DataChange).join(
            table(models.LoadRun), runs.id == changes.load_run_id))
        .where(owner_match, changes.code.in_(sorted(set(indicators))))
        .where(runs.review_state == "published", runs.undone_by_run_id.is_(None))
        .where(runs.finished_at > made)
        .distinct()
    ).all()  # fmt: skip
    found: dict[str, list[str]] = {}
    for code, run_id, user, finished in rows:
        when = "" if finished is None else f" on {finished:%Y-%m-%d}"
        found.setdefault(str(code), []).append(f"#{run_id} by {user or 'unknown'}{when}")
    return found


def changed_since(
    *, meta: Mapping[str, str], now: dict[str, list[str]], answered: list[str]
) -> list[str]:
    """Notes for the answered indicators someone else changed since the form was made (``now``
    from current_records): flagged for the reviewer, never silently overwritten (this file's
    rows are added beside theirs)."""
    changed = [code for code in dict.fromkeys(answered) if now.get(code)]
    made = meta.get("data_version", "an earlier release")
    if not changed:
        return [
            f"made from data {made}: none of the {len(set(answered))} answered indicator(s) "
            "changed since"
        ]
    try:
        then: dict[str, dict[str, str]] = json.loads(meta.get("current", "") or "{}")
    except json.JSONDecodeError:
        then = {}
    notes = [
        f"CHANGED SINCE THE FORM WAS MADE (from data {made}): {len(changed)} answered "
        f"indicator(s) changed since: {', '.join(changed)}. Check them before publishing; this "
        "file's rows are added beside the newer records, not over them."
    ]
    for code in changed:
        shown = then.get(code, {})
        value = str(shown.get("value", "") or "no record")
        notes.append(
            f"{code}: the form showed {value}"
            + (f" ({shown.get('date')})" if shown.get("date") else "")
            + f"; changed since by load run {', '.join(now[code])}"
        )
    return notes


__all__ = ["Reply", "changed_since", "current_records", "is_reply", "read_reply", "user_columns"]
