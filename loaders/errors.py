"""Problems found in an input file (file, row, column, reason) and the rejection of a file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell, row or file; renders as ``FILE:ROW: column: reason``."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row if self.row is not None else '-'}:"
        return f"{where} {self.column}: {self.reason}" if self.column else f"{where} {self.reason}"


class LoaderError(Exception):
    """Base class of errors the loaders report to a person (no stack trace needed)."""


class Rejected(LoaderError):
    """A file was rejected; nothing of it was written. Carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotInitialised(LoaderError):
    """The database has no schema or reference data yet."""

    def __init__(self) -> None:
        super().__init__("the database is not initialised: run `python -m loaders init` first")


class OutdatedSchema(LoaderError):
    """The database was last upgraded by another version of the code."""

    def __init__(self, *, found: str, needed: str) -> None:
        super().__init__(
            f"the database was made by another version of RtoP Monitor (schema {found}, this "
            f"version needs {needed}): run `rtop init` (or `make db`) to upgrade it; nothing in "
            "it is lost"
        )


class AccountError(LoaderError):
    """An account could not be added, changed or removed (unknown role, duplicate, last admin)."""
