"""Accounts: add, remove, list, change role or password, and check a password (Argon2id).

The operator's tool (``python -m loaders users ...``) and the app's sign-in both come here.
Passwords are never stored, printed or logged: only their Argon2 hash is kept. Accounts that
sign in through an OpenID Connect provider have no password; their role is found by e-mail.
"""

from __future__ import annotations

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.roles import (
    USERS,
    allows,
    any_accounts,
    find_user,
    may,
    may_review,
    review_required,
    role_for_email,
    valid_role,
)
from loaders.errors import AccountError
from loaders.runs import now

__all__ = [
    "add_user",
    "record_sign_in",
    "allows",
    "any_accounts",
    "list_users",
    "may",
    "may_review",
    "remove_user",
    "review_required",
    "role_for_email",
    "set_password",
    "set_role",
    "verify_password",
]

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # longer input is refused before hashing (hashing cost is per byte)


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # Argon2id with argon2-cffi's current defaults (RFC 9106 low-memory)


@cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown users, so they cost as much time as known ones."""
    return _hasher().hash("not a password of anyone's")


def _need_table(engine: Engine) -> None:
    if not inspect(engine).has_table("app_user"):
        raise AccountError("the database has no accounts yet: run `python -m loaders init` first")


def _username(text: str) -> str:
    name = text.strip().lower()
    if not USERNAME.match(name):
        raise AccountError(
            f"invalid user name '{text}': 1 to 64 letters, digits or . _ @ -, "
            "starting with a letter or digit"
        )
    return name


def _role(text: str) -> str:
    try:
        return valid_role(text)
    except ValueError as exc:
        raise AccountError(str(exc)) from None


def _check_password(password: str) -> None:
    if not password:
        raise AccountError("the password is empty")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password is too long: use at most {MAX_PASSWORD} characters")


def _other_admins(session: Session, *, username: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(USERS)
            .where(USERS.c.role == "admin", USERS.c.active.is_(True))
            .where(USERS.c.username != username)
        )
        or 0
    )


def add_user(
    *,
    engine: Engine,
    username: str,
    role: str,
    password: str | None,
    email: str = "",
    display_name: str = "",
) -> models.AppUser:
    """Create an account. ``password=None`` makes an identity-provider account (needs an
    e-mail); otherwise the password is checked and only its Argon2 hash is stored."""
    _need_table(engine)
    name = _username(username)
    role_name = _role(role)
    address = email.strip()
    if address and not EMAIL.match(address):
        raise AccountError(f"invalid e-mail address '{email}'")
    if password is None:
        if not address:
            raise AccountError(
                "an account without a password signs in through the identity provider "
                "and needs an e-mail address (--email)"
            )
        password_hash = ""
    else:
        _check_password(password)
        password_hash = _hasher().hash(password)
    with Session(engine) as session:
        if find_user(engine=engine, username=name) is not None:
            raise AccountError(f"user '{name}' already exists")
        if address:
            taken = session.scalar(
                select(USERS.c.username).where(func.lower(USERS.c.email) == address.lower())
            )
            if taken is not None:
                raise AccountError(f"the e-mail address {address} is already used by '{taken}'")
        user = models.AppUser(
            username=name,
            email=address,
            display_name=display_name.strip() or name,
            role=role_name,
            password_hash=password_hash,
            active=True,
            created_at=now(),
        )
        session.add(user)
        try:
            session.commit()
        except IntegrityError:
            raise AccountError(f"user '{name}' already exists") from None
        session.refresh(user)
        session.expunge(user)
        return user


def list_users(*, engine: Engine) -> list[models.AppUser]:
    """Every account, by user name."""
    _need_table(engine)
    with Session(engine) as session:
        users = list(session.scalars(select(models.AppUser).order_by(USERS.c.username)))
        for user in users:
            session.expunge(user)
        return users


def _existing(session: Session, *, username: str) -> models.AppUser:
    name = username.strip().lower()
    user = session.scalars(select(models.AppUser).where(USERS.c.username == name)).first()
    if user is None:
        raise AccountError(f"no such user '{username}'")
    return user


def remove_user(*, engine: Engine, username: str) -> None:
    """Delete an account; refused for the last admin while other accounts remain."""
    _need_table(engine)
    with Session(engine) as session:
        user = _existing(session, username=username)
        others = int(
            session.scalar(
                select(func.count()).select_from(USERS).where(USERS.c.username != user.username)
            )
            or 0
        )
        if (
            user.role == "admin"
            and user.active
            and others
            and not _other_admins(session, username=user.username)
        ):
            raise AccountError(
                f"'{user.username}' is the last admin: make another account admin first "
                "(users set-role NAME admin)"
            )
        session.delete(user)
        session.commit()


def set_role(*, engine: Engine, username: str, role: str) -> models.AppUser:
    """Change an account's role; refused when it would leave no admin."""
    _need_table(engine)
    role_name = _role(role)
    with Session(engine) as session:
        user = _existing(session, username=username)
        if (
            user.role == "admin"
            and role_name != "admin"
            and not _other_admins(session, username=user.username)
        ):
            raise AccountError(
                f"'{user.username}' is the last admin: make another account admin first"
            )
        user.role = role_name
        session.add(user)
        session.commit()
        session.refresh(user)
        session.expunge(user)
        return user


def set_password(*, engine: Engine, username: str, password: str) -> None:
    """Replace an account's password (an identity-provider account gains one)."""
    _need_table(engine)
    _check_password(password)
    with Session(engine) as session:
        user = _existing(session, username=username)
        user.password_hash = _hasher().hash(password)
        session.add(user)
        session.commit()


def verify_password(*, engine: Engine, username: str, password: str) -> models.AppUser | None:
    """The active account whose password this is, or None (unknown user, inactive account,
    no password set, wrong password: all alike, and about as slow). Rehashes an old hash."""
    user = find_user(engine=engine, username=username)
    stored = user.password_hash if user is not None and user.active else ""
    if not password or len(password) > MAX_PASSWORD:
        return None
    try:
        _hasher().verify(stored or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not stored:
        return None
    if _hasher().check_needs_rehash(stored):
        with Session(engine) as session:
            session.execute(
                update(USERS)
                .where(USERS.c.id == user.id, USERS.c.password_hash == stored)
                .values(password_hash=_hasher().hash(password))
            )
            session.commit()
    return user


def record_sign_in(*, engine: Engine, username: str, client: str, ok: bool) -> None:
    """Keep one sign-in attempt (the user name as typed, lower-cased and cut to 64 characters;
    the client's address): the throttle every app process reads, and the failures admins list."""
    with Session(engine) as session:
        session.add(
            models.SignInAttempt(
                username=username.strip().lower()[:64], client=client[:64], at=now(), ok=ok
            )
        )
        session.commit()
