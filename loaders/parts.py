"""A file as the parts a load checks and writes in one transaction: usually one table of one
kind; a returned questionnaire is observations and, when its events sheet has rows, events
(loaders/questionnaire.py), each checked with messages that name the file's own columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dashboard.core import questionnaire as q
from loaders.errors import Problem, Rejected
from loaders.readers import Format, Table, read_table, sniff_format


@dataclass(frozen=True)
class Part:
    """One table of one kind, and the file's own names for the checker's columns."""

    kind: str  # "observations" | "events"
    table: Table
    columns: Mapping[str, str] = field(default_factory=dict)  # checker's name -> the file's

    def named(self, exc: Rejected) -> Rejected:
        """The same problems, naming the columns as the file does."""
        if not self.columns:
            return exc
        return Rejected(
            [
                Problem(p.file, p.row, self.columns.get(p.column or "", p.column), p.reason)
                for p in exc.problems
            ]
        )


@dataclass(frozen=True)
class Parsed:
    """What a file holds, ready to check: its parts, its format, and what reading it said."""

    parts: tuple[Part, ...]
    file_format: Format
    notes: tuple[str, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)  # a questionnaire's _meta sheet
    questionnaire: bool = False

    @property
    def rows(self) -> int:
        return sum(len(p.table.frame) for p in self.parts)

    @property
    def kind(self) -> str:
        """'observations', 'events' or 'questionnaire' (as the load run records it)."""
        return "questionnaire" if self.questionnaire else self.parts[0].kind

    @property
    def columns(self) -> list[str]:
        return list(self.parts[0].table.frame.columns) if self.parts else []


def sniff_kind(*, columns: list[str]) -> str:
    """Guess observations or events from the header when no kind is given."""
    cols = set(columns)
    if {"title"} <= cols and "indicator" not in cols:
        return "events"
    return "observations"


def read_parts(
    *, data: bytes, name: str, file_format: Format | None = None, kind: str | None = None
) -> Parsed:
    """Parse a file into the parts a load checks (raises Rejected naming row and reason)."""
    from loaders import questionnaire  # noqa: PLC0415 (it imports this module's neighbours)

    fmt = file_format or sniff_format(data=data, name=name)
    reply = None
    # a workbook with a questionnaire sheet is a questionnaire, whatever kind was chosen for it
    # (the Load data page's "observations" included); only "events" reads its events sheet
    if (
        kind != "events"
        and fmt is Format.XLSX
        and q.SHEET in {s.lower() for s in questionnaire.sheet_names(data=data, name=name)}
    ):
        sheet = questionnaire.read_sheet(data=data, name=name, sheet=q.SHEET)
        reply = questionnaire.read_reply(table=sheet, data=data)
    else:
        table = read_table(
            data=data, name=name, file_format=fmt, kind=None if kind == "questionnaire" else kind
        )
        if kind in (None, "questionnaire") and q.is_questionnaire(list(table.frame.columns)):
            reply = questionnaire.read_reply(table=table)
        else:
            chosen = kind or sniff_kind(columns=list(table.frame.columns))
            return Parsed(parts=(Part(kind=chosen, table=table),), file_format=table.file_format)
    parts: list[Part] = []
    if reply.observations is not None:
        parts.append(
            Part(kind="observations", table=reply.observations, columns=questionnaire.USER_COLUMN)
        )
    if reply.events is not None:
        parts.append(Part(kind="events", table=reply.events))
    return Parsed(
        parts=tuple(parts), file_format=fmt, notes=reply.notes, meta=reply.meta,
        questionnaire=True,
    )  # fmt: skip
