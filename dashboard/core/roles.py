"""Roles and what each may do, and the account lookups the app reads (no writes here).

viewer < editor (load files, record expert assessments) < reviewer (publish or reject others'
pending changes, never their own) < admin (accounts, undo). Accounts are written only by
loaders/accounts.py; the app reads them here, as it reads everything else, from the core.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.config import get_settings

ROLES = models.ROLES
RANK = {role: rank for rank, role in enumerate(ROLES)}
USERS = models.table(models.AppUser)

# What each action needs (the least role that may do it).
ACTIONS: dict[str, str] = {
    "read": "viewer",
    "load": "editor",
    "assess": "editor",
    "sample": "editor",
    "review": "reviewer",
    "undo": "admin",
    "accounts": "admin",
}


def valid_role(role: str) -> str:
    """The role, lower-cased, or ValueError naming the roles there are."""
    name = role.strip().lower()
    if name not in RANK:
        raise ValueError(f"unknown role '{role}': use one of {', '.join(ROLES)}")
    return name


def allows(*, role: str, needed: str) -> bool:
    """True when ``role`` is ``needed`` or above it; an unknown role allows nothing."""
    have = RANK.get(role.strip().lower())
    return have is not None and have >= RANK[valid_role(needed)]


def may(*, role: str, action: str) -> bool:
    """True when ``role`` may do ``action`` (a key of ACTIONS)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action '{action}': use one of {', '.join(ACTIONS)}")
    return allows(role=role, needed=ACTIONS[action])


def may_review(*, role: str, reviewer: str, author: str) -> bool:
    """True when ``reviewer`` (with ``role``) may publish or reject a change made by ``author``:
    a reviewer or admin, and never their own change (names compared case-insensitively)."""
    same = reviewer.strip().casefold() == author.strip().casefold()
    return allows(role=role, needed="reviewer") and bool(reviewer.strip()) and not same


def may_preview(*, role: str, user: str, author: str) -> bool:
    """True when ``user`` (with ``role``) may see a pending change before it is published: its
    author (an editor or above) or any reviewer or admin."""
    own = bool(user.strip()) and user.strip().casefold() == author.strip().casefold()
    return allows(role=role, needed="reviewer") or (own and allows(role=role, needed="editor"))


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost, and
    127.0.0.0/8 written as an IPv4-mapped IPv6 address)."""
    if address is None or not address.strip():
        return False
    text = address.strip().strip("[]")
    if text.lower() == "localhost":
        return True
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return False
    mapped = getattr(found, "ipv4_mapped", None)  # ::ffff:127.0.0.1 from a dual-stack socket
    return bool((mapped or found).is_loopback)


def plain_address(address: str) -> str:
    """An address as people write it: an IPv4 address a dual-stack socket reports as
    ::ffff:a.b.c.d is given as a.b.c.d."""
    try:
        found = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return address
    mapped = getattr(found, "ipv4_mapped", None)
    return str(mapped or found)


# Headers a reverse proxy adds: a request that carries one was relayed for someone else.
PROXY_HEADERS = frozenset({"forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host"})


def client_is_local(*, in_process: bool, peer: str | None, headers: Iterable[str] = ()) -> bool:
    """True when the person at the app is at this machine: the script runs with no server at
    all (AppTest, a bare script: nothing can reach it over a network), or the browser's own
    connection comes from a loopback address and no proxy relayed it. Decided per request from
    the connection, never from the server's configured address (a server on every address
    serves this machine and the network alike). An unknown peer is not local."""
    if in_process:
        return True
    if peer is None or not is_loopback(peer):
        return False
    return not any(h.strip().lower() in PROXY_HEADERS for h in headers)


def open_install(*, any_accounts: bool, oidc: bool, require_login: bool, local: bool) -> bool:
    """True for a fresh single-user install, where the person at the app acts as admin: no
    account exists yet, no identity provider is configured, login is not required, and the
    browser is on this machine (client_is_local). Everyone else is a viewer."""
    return not any_accounts and not oidc and not require_login and local


def any_accounts(*, engine: Engine) -> bool:
    """True when at least one account exists (a database without the table has none)."""
    try:
        with Session(engine) as session:
            return bool(session.scalar(select(func.count()).select_from(USERS)))
    except SQLAlchemyError:
        return False


def find_user(*, engine: Engine, username: str) -> models.AppUser | None:
    """The account with this user name (case-insensitive), or None."""
    name = username.strip().lower()
    if not name:
        return None
    with Session(engine) as session:
        found = session.scalars(
            select(models.AppUser).where(func.lower(USERS.c.username) == name)
        ).first()
        if found is not None:
            session.expunge(found)
        return found


def role_for_email(*, engine: Engine, email: str) -> str | None:
    """The role of the active account with this e-mail address (case-insensitive), or None."""
    address = email.strip().lower()
    if not address:
        return None
    with Session(engine) as session:
        role = session.scalar(
            select(USERS.c.role)
            .where(func.lower(USERS.c.email) == address, USERS.c.active.is_(True))
            .order_by(USERS.c.id)
        )
    return None if role is None else str(role)


def scope_of(*, engine: Engine, username: str = "", email: str = "") -> frozenset[str]:
    """The participants an account may submit for (a contributor's scope; empty otherwise),
    found by user name or, for the identity provider's users, by e-mail."""
    column = USERS.c.username if username else USERS.c.email
    key = (username or email).strip().lower()
    if not key:
        return frozenset()
    with Session(engine) as session:
        found = session.scalar(
            select(USERS.c.participants).where(func.lower(column) == key, USERS.c.active.is_(True))
        )
    return frozenset(p for p in str(found or "").split(";") if p)


def review_required(*, engine: Engine) -> bool:
    """RTOP_REVIEW: 'required' -> True, 'off' -> False, unset -> True once any account exists."""
    setting = get_settings().review
    if setting == "required":
        return True
    if setting == "off":
        return False
    return any_accounts(engine=engine)


# Sign-in throttling (issue 20 item 4): failures are counted per (user name, client address)
# and per client address alone, since the last success, within WINDOW; each pair waits longer
# after every failure past the first few, and so does a client trying many user names. The
# right password from another address is never held back by someone else's failures.
WINDOW = dt.timedelta(minutes=30)
PAIR_FREE, PAIR_MAX_WAIT = 3, 300.0  # free failures per user name and client; longest wait (s)
CLIENT_FREE, CLIENT_MAX_WAIT = 10, 900.0  # free failures per client, any user name; longest wait
ATTEMPTS = models.table(models.SignInAttempt)


def _wait(failures: list[dt.datetime], *, free: int, cap: float, now: dt.datetime) -> float:
    """Seconds still to wait: none for the first ``free`` failures, then 1, 2, 4 … seconds
    (at most ``cap``) after the latest one."""
    if len(failures) < free:
        return 0.0
    delay = min(2.0 ** (len(failures) - free), cap)
    return max(0.0, delay - (now - max(failures)).total_seconds())


def _failures_since_success(rows: list[tuple[dt.datetime, bool]]) -> list[dt.datetime]:
    last_ok = max((at for at, ok in rows if ok), default=None)
    return [at for at, ok in rows if not ok and (last_ok is None or at > last_ok)]


def sign_in_wait(*, engine: Engine, username: str, client: str, now: dt.datetime) -> float:
    """Seconds before this user name may be tried again from this client (0: go ahead)."""
    since = now - WINDOW
    name = username.strip().lower()
    try:
        with Session(engine) as session:
            pair = session.execute(
                select(ATTEMPTS.c.at, ATTEMPTS.c.ok).where(
                    ATTEMPTS.c.username == name, ATTEMPTS.c.client == client,
                    ATTEMPTS.c.at >= since,
                )
            ).all()  # fmt: skip
            spread = session.execute(
                select(ATTEMPTS.c.at, ATTEMPTS.c.ok).where(
                    ATTEMPTS.c.client == client, ATTEMPTS.c.at >= since
                )
            ).all()
    except SQLAlchemyError:
        return 0.0  # a database without the table: nothing recorded, nothing to wait for
    stamp = [(_utc(at), bool(ok)) for at, ok in pair]
    by_client = [(_utc(at), bool(ok)) for at, ok in spread]
    return max(
        _wait(_failures_since_success(stamp), free=PAIR_FREE, cap=PAIR_MAX_WAIT, now=now),
        _wait(_failures_since_success(by_client), free=CLIENT_FREE, cap=CLIENT_MAX_WAIT, now=now),
    )


def _utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def failed_sign_ins(*, engine: Engine, since: dt.datetime) -> list[dict[str, object]]:
    """Failed sign-ins since a time, newest first (what an admin reads)."""
    with Session(engine) as session:
        rows = session.execute(
            select(ATTEMPTS.c.at, ATTEMPTS.c.username, ATTEMPTS.c.client)
            .where(ATTEMPTS.c.ok.is_(False), ATTEMPTS.c.at >= since)
            .order_by(ATTEMPTS.c.at.desc())
        ).all()
    return [{"at": _utc(at), "username": u, "client": c} for at, u, c in rows]
