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

import io
import json
from dataclasses import dataclass, field

import pandas as pd

from dashboard.core import questionnaire as q
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


def changed_since(*, meta: dict[str, str], now: dict[str, dict[str, str]], answered: list[str])\
        -> list[str]:  # fmt: skip
    """Notes for the answered indicators whose record changed since the form was made: ``now``
    maps an indicator to its current record (value, date, source), as the form shows them."""
    try:
        then: dict[str, dict[str, str]] = json.loads(meta.get("current", "") or "{}")
    except json.JSONDecodeError:
        return []
    notes = []
    made = meta.get("data_version", "an earlier release")
    changed = [
        code for code in dict.fromkeys(answered)
        if code in then and _record(then[code]) != _record(now.get(code, {}))
    ]  # fmt: skip
    if changed:
        notes.append(
            f"made from data release {made}; since then someone else changed "
            f"{len(changed)} of the indicators answered: {', '.join(changed)} (check them "
            "before publishing: this file's rows are added beside theirs, not over them)"
        )
        for code in changed:
            a, b = then[code], now.get(code, {})
            notes.append(f"{code}: the form showed {_show(a)}; the data now hold {_show(b)}")
    return notes


def _record(r: dict[str, str]) -> tuple[str, str, str]:
    value = str(r.get("value", "") or "").replace(" (stale)", "")
    return (q.level_value(value), str(r.get("date", "") or ""), str(r.get("source", "") or ""))


def _show(r: dict[str, str]) -> str:
    value, date, source = _record(r)
    if not value:
        return "no record"
    return f"{value} on {date}" + (f" ({source})" if source else "")


__all__ = ["Reply", "changed_since", "is_reply", "read_reply", "user_columns"]
