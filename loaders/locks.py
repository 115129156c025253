"""One writer at a time, and database failures told as plain messages.

Every write takes the database's write lock at the start of its transaction (a PostgreSQL
advisory lock; on SQLite the RESERVED lock, taken by a no-op UPDATE), so two loads serialise:
the second waits, then checks its file against what the first wrote. Readers never wait for
it. A write that cannot get the lock within LOCK_WAIT_SECONDS fails with a clear message, and
so does a read-only or full database; nothing is half-written, since the whole load is one
transaction.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from dashboard.core.db import LOCK_WAIT_SECONDS
from loaders.errors import LoaderError

WRITE_LOCK_KEY = 7_140_518  # any constant; one advisory lock for every writer of the database
SQLITE_WRITE_CACHE_KB = (
    65_536  # 64 MB: a 1M-row load was no slower than with 128 MB, and 64 MB less resident
)


class CannotWrite(LoaderError):
    """The database refused a write (busy, read-only, full); nothing was written."""


def write_lock(conn: Connection) -> None:
    """Wait (up to LOCK_WAIT_SECONDS) for the database's single write lock, held to commit."""
    try:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL lock_timeout = '{int(LOCK_WAIT_SECONDS)}s'"))
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
        else:
            conn.execute(text("UPDATE load_run SET id = id WHERE 1 = 0"))
            # A bulk write updates several indexes: SQLite's default 2 MB page cache makes
            # that spill to disk again and again (this connection only, back to the pool).
            conn.execute(text(f"PRAGMA cache_size = -{SQLITE_WRITE_CACHE_KB}"))
    except DBAPIError as exc:
        raise cannot_write(exc) from None


def cannot_write(exc: DBAPIError) -> CannotWrite:
    """A plain message for a database error met while writing."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    low = reason.lower()
    if "locked" in low or "lock timeout" in low or "busy" in low:
        why = (
            f"another write has held the database for over {int(LOCK_WAIT_SECONDS)} s; "
            "try again when it has finished"
        )
    elif "readonly" in low or "read-only" in low or "read only" in low:
        why = "the database is read-only for this process (a check with --dry-run still works)"
    elif "full" in low or "no space" in low or "could not extend" in low:
        why = "the disk or database is full; free space and try again"
    else:
        why = f"the database refused the write ({reason})"
    return CannotWrite(f"nothing was written: {why}")
