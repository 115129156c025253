"""Read tokens for the open-data routes: issue, revoke, list (`rtop tokens ...`, an admin's
command-line tool). Only the token's SHA-256 is stored; the token is printed once, here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import models, tokens
from loaders.errors import LoaderError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class TokenError(LoaderError):
    """A token command that cannot be done (shown as one line, exit code 1)."""


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never the token itself."""

    name: str
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    uses: int


def _name(name: str) -> str:
    text = name.strip()
    if not NAME.match(text):
        raise TokenError(
            f"a token name is 1 to 64 letters, digits and . _ @ - (got '{name}'), "
            "e.g. 'partner-institute'"
        )
    return text


def _active(session: Session, name: str) -> models.ReadToken | None:
    t = tokens.TOKENS.c
    return session.scalars(
        select(models.ReadToken).where(t.name == name, t.revoked_at.is_(None))
    ).first()


def add_token(*, engine: Engine, name: str, by: str) -> str:
    """Issue a token named ``name`` (one active token per name); the token, to show once."""
    label = _name(name)
    token = tokens.new_token()
    with Session(engine) as session, session.begin():
        if _active(session, label) is not None:
            raise TokenError(f"a token named '{label}' exists: revoke it first")
        session.add(
            models.ReadToken(
                name=label,
                token_hash=tokens.token_hash(token),
                created_at=tokens.now_utc(),
                created_by=by[:120],
            )
        )
    return token


def revoke_token(*, engine: Engine, name: str) -> None:
    """Revoke the active token named ``name`` (requests with it get 401 from now on)."""
    label = _name(name)
    with Session(engine) as session, session.begin():
        found = _active(session, label)
        if found is None:
            raise TokenError(f"no active token named '{label}'")
        found.revoked_at = tokens.now_utc()


def list_tokens(*, engine: Engine) -> list[TokenInfo]:
    """Every token issued, oldest first (revoked ones too, with when)."""
    with Session(engine) as session:
        rows = session.scalars(select(models.ReadToken).order_by(tokens.TOKENS.c.id)).all()
        return [
            TokenInfo(
                name=r.name,
                created_at=r.created_at,
                created_by=r.created_by,
                revoked_at=r.revoked_at,
                last_used_at=r.last_used_at,
                uses=r.uses,
            )
            for r in rows
        ]
