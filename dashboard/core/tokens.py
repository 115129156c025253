"""Read tokens for the open-data routes (RTOP_REQUIRE_LOGIN=1): how a token is made, hashed and
checked, and the record of its use, the one write a route ever makes. Issuing and revoking are
the writer's (loaders/tokens.py, `rtop tokens add|revoke|list`).

A token is 32 random bytes (URL-safe text with an `rtop_` prefix), shown once when issued; the
database keeps only its SHA-256, so a copy of the database gives no usable token. A revoked
token stops working at the next request. Uses are recorded as a count and the last time, at
most once a minute per token and process (the count of the uses in between is added then), so
fifty requests at once make one small write, not fifty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import threading

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard.core import models

PREFIX = "rtop_"
TOKENS = models.table(models.ReadToken)
RECORD_EVERY = dt.timedelta(minutes=1)

log = logging.getLogger(__name__)


def new_token() -> str:
    """A fresh token: 'rtop_' and 43 URL-safe characters (256 random bits)."""
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored (hex)."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def now_utc() -> dt.datetime:
    """The time as the token table records it."""
    return dt.datetime.now(dt.UTC)


class UseRecorder:
    """Checks tokens against the database and records their use (per process)."""

    def __init__(self, *, every: dt.timedelta = RECORD_EVERY) -> None:
        self.every = every
        self._pending: dict[int, int] = {}  # token id -> uses not yet recorded
        self._recorded: dict[int, dt.datetime] = {}  # token id -> when last recorded
        self._lock = threading.Lock()

    def check(self, *, engine: Engine, token: str, now: dt.datetime) -> str | None:
        """The name of the token when it is valid (issued, not revoked), its use counted and
        recorded when due; None otherwise."""
        if not token.startswith(PREFIX):
            return None
        t = TOKENS.c
        try:
            with engine.connect() as conn:
                row = conn.execute(
                    select(t.id, t.name).where(
                        t.token_hash == token_hash(token), t.revoked_at.is_(None)
                    )
                ).first()
        except SQLAlchemyError:
            log.warning("read tokens could not be checked", exc_info=True)
            return None
        if row is None:
            return None
        self._use(engine=engine, token_id=int(row.id), now=now)
        return str(row.name)

    def _use(self, *, engine: Engine, token_id: int, now: dt.datetime) -> None:
        with self._lock:
            uses = self._pending.get(token_id, 0) + 1
            last = self._recorded.get(token_id)
            if last is not None and now - last < self.every:
                self._pending[token_id] = uses
                return
            self._pending[token_id] = 0
            self._recorded[token_id] = now
        t = TOKENS.c
        try:
            with engine.begin() as conn:
                conn.execute(
                    update(TOKENS)
                    .where(t.id == token_id)
                    .values(uses=t.uses + uses, last_used_at=now)
                )
        except SQLAlchemyError:  # a busy or read-only database: count them next time
            log.warning("the use of a read token could not be recorded", exc_info=True)
            with self._lock:
                self._pending[token_id] = self._pending.get(token_id, 0) + uses
                self._recorded.pop(token_id, None)


def tokens_table_exists(*, engine: Engine) -> bool:
    """True when the database has the token table (a schema from before it has none)."""
    from sqlalchemy import inspect

    return inspect(engine).has_table(TOKENS.name)
