"""The load-run log: one row for every write (and every rejected load) with what happened."""

from __future__ import annotations

import datetime as dt
import json

from dashboard.core import models
from dashboard.core.config import get_settings

MAX_ERRORS = 200  # problems a rejected run keeps; the rest are counted
MAX_ERROR_CHARS = 500  # each problem's text, cut with an ellipsis


def bounded(errors: list[str]) -> list[str]:
    """At most MAX_ERRORS problems of at most MAX_ERROR_CHARS each, then a count of the rest."""
    kept = [e if len(e) <= MAX_ERROR_CHARS else e[: MAX_ERROR_CHARS - 1] + "…" for e in errors]
    if len(kept) > MAX_ERRORS:
        kept = [*kept[:MAX_ERRORS], f"… and {len(errors) - MAX_ERRORS:,} more problem(s)"]
    return kept


def now() -> dt.datetime:
    """The current time in UTC (timezone-aware, as the log stores it)."""
    return dt.datetime.now(dt.UTC)


def new_run(
    *,
    file_name: str,
    kind: str,
    file_format: str,
    started: dt.datetime,
    rows_read: int = 0,
    inserted: int = 0,
    status: str = "ok",
    errors: list[str] | None = None,
    sha256: str = "",
    finished: bool = True,
    user: str | None = None,
) -> models.LoadRun:
    """A LoadRun stamped with the user (signed in, else RTOP_USER) and, when finished, its end."""
    return models.LoadRun(
        file_name=file_name,
        sha256=sha256,
        kind=kind,
        file_format=file_format,
        rows_read=rows_read,
        inserted=inserted,
        status=status,
        errors=json.dumps(bounded(errors or [])),
        started_at=started,
        finished_at=now() if finished else None,
        user=user or get_settings().user,
    )
