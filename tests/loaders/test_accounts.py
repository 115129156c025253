"""Accounts: the `users` command, Argon2 hashes, password checks, roles (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json

import pytest
from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text, update
from sqlalchemy.engine import Engine

from dashboard.cli import main
from dashboard.core import models, roles
from loaders import accounts
from loaders.errors import AccountError

PASSWORD = "correct horse battery"


def cli(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    """Run `python -m loaders ARGS` in this process against the engine's database."""
    monkeypatch.setenv("RTOP_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args), prog="python -m loaders")
    out = capsys.readouterr()
    return code, out.out, out.err


def hashes(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT username, password_hash FROM app_user")).all()
    return {r[0]: r[1] for r in rows}


def test_users_add_list_set_role_remove(
    schema_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = lambda *a, stdin="": cli(schema_engine, monkeypatch, capsys, *a, stdin=stdin)  # noqa: E731
    code, out, err = run(
        "users",
        "add",
        "Alice",
        "--role",
        "admin",
        "--name",
        "Alice A.",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert (code, err) == (0, "")
    assert out == "added user alice (admin; signs in with a password)\n"
    assert PASSWORD not in out
    code, out, _ = run(
        "users", "add", "erin", "--role", "editor", "--email", "Erin@Example.org", "--no-password"
    )
    assert code == 0 and "identity provider (Erin@Example.org)" in out
    code, out, _ = run("users", "list", "--json")
    listed = json.loads(out)
    assert [(u["username"], u["role"], u["sign_in"]) for u in listed] == [
        ("alice", "admin", "password"),
        ("erin", "editor", "identity provider"),
    ]
    assert listed[0]["name"] == "Alice A."
    assert all("hash" not in key for u in listed for key in u)
    assert PASSWORD not in out and "argon2" not in out
    # the stored hash is Argon2id, not the password, and verifies the password
    stored = hashes(schema_engine)
    assert stored["alice"].startswith("$argon2id$") and PASSWORD not in stored["alice"]
    assert PasswordHasher().verify(stored["alice"], PASSWORD)
    assert stored["erin"] == ""
    code, out, _ = run("users", "set-role", "ERIN", "reviewer")
    assert (code, out) == (0, "user erin is now reviewer\n")
    assert accounts.role_for_email(engine=schema_engine, email="erin@EXAMPLE.org ") == "reviewer"
    code, out, _ = run("users", "list")
    assert out.splitlines()[0].split() == [
        "username",
        "role",
        "email",
        "name",
        "sign_in",
        "participants",
        "active",
        "created",
    ]
    code, out, _ = run("users", "remove", "erin")
    assert code == 0 and out == "removed user erin\n"
    assert set(hashes(schema_engine)) == {"alice"}
    assert accounts.role_for_email(engine=schema_engine, email="erin@example.org") is None


def test_errors_are_clear_and_write_nothing(
    schema_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = lambda *a, stdin="": cli(schema_engine, monkeypatch, capsys, *a, stdin=stdin)  # noqa: E731
    assert run("users", "add", "bob", "--role", "editor", "--password-stdin", stdin="\n")[2] == (
        "error: the password is empty\n"
    )
    code, _, err = run("users", "add", "bob", "--role", "editor", "--password-stdin", stdin="short")
    assert code == 1 and "too short: use at least 8 characters" in err
    code, _, err = run("users", "add", "bob", "--role", "editor", "--no-password")
    assert code == 1 and "needs an e-mail address" in err
    code, _, err = run("users", "add", "bob", "--role", "editor")  # stdin is not a terminal
    assert code == 1 and "use --password-stdin" in err
    code, _, err = run("users", "add", "bad name", "--role", "editor", "--no-password")
    assert code == 1 and "invalid user name 'bad name'" in err
    assert hashes(schema_engine) == {}
    with pytest.raises(SystemExit) as usage:  # argparse: unknown role on the command line
        run("users", "add", "bob", "--role", "owner", "--password-stdin", stdin=PASSWORD)
    assert usage.value.code == 2
    assert "invalid choice: 'owner'" in capsys.readouterr().err
    with pytest.raises(AccountError, match="unknown role 'owner': use one of viewer, contributor, editor"):
        accounts.add_user(engine=schema_engine, username="bob", role="owner", password=PASSWORD)
    assert (
        run("users", "add", "bob", "--role", "editor", "--password-stdin", stdin=PASSWORD)[0] == 0
    )
    code, _, err = run(
        "users", "add", "BOB", "--role", "viewer", "--password-stdin", stdin=PASSWORD
    )
    assert code == 1 and err == "error: user 'bob' already exists\n"
    accounts.add_user(
        engine=schema_engine, username="x1", role="viewer", password=None, email="x@example.org"
    )
    with pytest.raises(AccountError, match="already used by 'x1'"):
        accounts.add_user(
            engine=schema_engine, username="x2", role="viewer", password=None, email="X@example.ORG"
        )
    code, _, err = run("users", "remove", "nobody")
    assert code == 1 and err == "error: no such user 'nobody'\n"
    code, _, err = run("users", "set-role", "nobody", "admin")
    assert code == 1 and "no such user" in err
    assert set(hashes(schema_engine)) == {"bob", "x1"}


def test_last_admin_is_protected(
    schema_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = lambda *a, stdin="": cli(schema_engine, monkeypatch, capsys, *a, stdin=stdin)  # noqa: E731
    run("users", "add", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    run("users", "add", "ed", "--role", "editor", "--password-stdin", stdin=PASSWORD)
    code, _, err = run("users", "remove", "root")
    assert code == 1 and "'root' is the last admin" in err
    code, _, err = run("users", "set-role", "root", "reviewer")
    assert code == 1 and "'root' is the last admin" in err
    assert run("users", "set-role", "ed", "admin")[0] == 0
    assert run("users", "set-role", "root", "viewer")[0] == 0  # another admin exists now
    code, _, err = run("users", "remove", "ed")
    assert code == 1 and "'ed' is the last admin" in err
    assert run("users", "remove", "root")[0] == 0
    assert run("users", "remove", "ed")[0] == 0  # the only account: back to no accounts at all
    assert not accounts.any_accounts(engine=schema_engine)


def test_verify_password(schema_engine: Engine) -> None:
    accounts.add_user(engine=schema_engine, username="Ann", role="editor", password=PASSWORD)
    accounts.add_user(
        engine=schema_engine, username="oidc", role="editor", password=None, email="o@example.org"
    )
    user = accounts.verify_password(engine=schema_engine, username=" ANN ", password=PASSWORD)
    assert user is not None and (user.username, user.role) == ("ann", "editor")
    assert (
        accounts.verify_password(engine=schema_engine, username="ann", password="wrong one") is None
    )
    assert accounts.verify_password(engine=schema_engine, username="ann", password="") is None
    assert (
        accounts.verify_password(engine=schema_engine, username="nobody", password=PASSWORD) is None
    )
    assert accounts.verify_password(engine=schema_engine, username="oidc", password="") is None
    assert (
        accounts.verify_password(engine=schema_engine, username="oidc", password=PASSWORD) is None
    )
    with schema_engine.begin() as conn:
        conn.execute(update(models.table(models.AppUser)).values(active=False))
    assert accounts.verify_password(engine=schema_engine, username="ann", password=PASSWORD) is None
    assert accounts.role_for_email(engine=schema_engine, email="o@example.org") is None  # inactive


def test_unknown_users_cost_a_hash_check_too(
    schema_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        calls.append(hash[:10])
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    assert (
        accounts.verify_password(engine=schema_engine, username="ghost", password=PASSWORD) is None
    )
    assert calls == ["$argon2id$"]


def test_old_hash_is_rehashed_on_sign_in(schema_engine: Engine) -> None:
    accounts.add_user(engine=schema_engine, username="old", role="viewer", password=PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with schema_engine.begin() as conn:
        conn.execute(update(models.table(models.AppUser)).values(password_hash=weak))
    assert accounts.verify_password(engine=schema_engine, username="old", password=PASSWORD)
    new = hashes(schema_engine)["old"]
    assert new != weak and not PasswordHasher().check_needs_rehash(new)
    assert accounts.verify_password(engine=schema_engine, username="old", password=PASSWORD)


def test_review_required_follows_the_setting(
    schema_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    for setting, expected in (("required", True), ("off", False), ("", False)):
        monkeypatch.setenv("RTOP_REVIEW", setting)
        assert accounts.review_required(engine=schema_engine) is expected, setting
    accounts.add_user(engine=schema_engine, username="v", role="viewer", password=PASSWORD)
    for setting, expected in (("required", True), ("OFF", False), ("", True)):
        monkeypatch.setenv("RTOP_REVIEW", setting)
        assert accounts.review_required(engine=schema_engine) is expected, setting


# --- the role rules: plain functions, no database ---

ROLE_NAMES = st.sampled_from(models.ROLES)


@given(role=ROLE_NAMES, needed=ROLE_NAMES)
def test_a_role_allows_what_every_role_below_it_needs(role: str, needed: str) -> None:
    order = list(models.ROLES)
    assert roles.allows(role=role, needed=needed) is (order.index(role) >= order.index(needed))
    assert roles.allows(role=role.upper(), needed=needed) is roles.allows(role=role, needed=needed)


@given(role=st.text(max_size=12).filter(lambda r: r.strip().lower() not in models.ROLES))
def test_an_unknown_role_allows_nothing(role: str) -> None:
    assert not any(roles.allows(role=role, needed=n) for n in models.ROLES)
    with pytest.raises(ValueError, match="unknown role"):
        roles.valid_role(role)


@pytest.mark.parametrize(
    ("role", "load", "review", "undo"),
    [
        ("viewer", False, False, False),
        ("editor", True, False, False),
        ("reviewer", True, True, False),
        ("admin", True, True, True),
    ],
)
def test_what_each_role_may_do(role: str, load: bool, review: bool, undo: bool) -> None:
    assert roles.may(role=role, action="read")
    assert roles.may(role=role, action="load") is load
    assert roles.may(role=role, action="assess") is load
    assert roles.may(role=role, action="review") is review
    assert roles.may(role=role, action="undo") is undo
    assert roles.may(role=role, action="accounts") is undo


@pytest.mark.parametrize(
    ("role", "reviewer", "author", "allowed"),
    [
        ("reviewer", "rita", "ed", True),
        ("admin", "root", "ed", True),
        ("reviewer", "rita", "rita", False),  # never one's own change
        ("admin", "Root", "root ", False),
        ("editor", "ed2", "ed", False),
        ("reviewer", "", "ed", False),
    ],
)
def test_who_may_review(role: str, reviewer: str, author: str, allowed: bool) -> None:
    assert roles.may_review(role=role, reviewer=reviewer, author=author) is allowed


@pytest.mark.parametrize(
    ("in_process", "peer", "headers", "local"),
    [
        (True, None, (), True),  # AppTest, a bare script: no server, nobody on a network
        (False, "127.0.0.1", ("host",), True),  # a browser on this machine
        (False, "::1", (), True),
        (False, "127.5.6.7", (), True),
        (False, "10.23.0.2", ("host",), False),  # another machine, whatever the bind address
        (False, "192.168.1.5", (), False),
        (False, "::ffff:10.0.0.1", (), False),
        (False, "::ffff:127.0.0.1", (), True),  # this machine, through a dual-stack socket
        (False, None, (), False),  # a server that cannot say who is there: not local
        (False, "127.0.0.1", ("Host", "X-Forwarded-For"), False),  # relayed by a local proxy
        (False, "127.0.0.1", ("forwarded",), False),
        (False, "127.0.0.1", ("X-Real-IP",), False),
    ],
)
def test_who_is_at_this_machine(
    in_process: bool, peer: str | None, headers: tuple[str, ...], local: bool
) -> None:
    assert roles.client_is_local(in_process=in_process, peer=peer, headers=headers) is local


@pytest.mark.parametrize(
    ("accounts_", "oidc", "require_login", "local", "open_"),
    [
        (False, False, False, True, True),  # a fresh install, a browser on this machine
        (False, False, False, False, False),  # the same install, a visitor from the network
        (True, False, False, True, False),  # once an account exists, the rules apply
        (False, True, False, True, False),  # an identity provider is configured
        (False, False, True, True, False),  # RTOP_REQUIRE_LOGIN=1
    ],
)
def test_open_install(
    accounts_: bool, oidc: bool, require_login: bool, local: bool, open_: bool
) -> None:
    assert (
        roles.open_install(
            any_accounts=accounts_, oidc=oidc, require_login=require_login, local=local
        )
        is open_
    )


def test_plain_address() -> None:
    assert roles.plain_address("::ffff:10.231.4.2") == "10.231.4.2"
    assert roles.plain_address("::1") == "::1"
    assert roles.plain_address("not an address") == "not an address"


def test_sign_in_waits_grow_per_user_and_client_and_never_lock_out_another_address(
    schema_engine: Engine,
) -> None:
    """Issue 20 item 4: failures slow down the same user name from the same client (1, 2, 4 …
    seconds after the first few), and a client trying many user names; the right password from
    another address is never held back, and the counters live in the database."""
    import datetime as dt

    from dashboard.core.roles import CLIENT_FREE, PAIR_FREE

    t0 = dt.datetime.now(dt.UTC)

    def wait(user: str, client: str, at: dt.datetime) -> float:
        return roles.sign_in_wait(engine=schema_engine, username=user, client=client, now=at)

    for _ in range(PAIR_FREE - 1):
        accounts.record_sign_in(engine=schema_engine, username="Ann", client="10.0.0.9", ok=False)
    assert wait("ann", "10.0.0.9", t0) == 0.0  # the first few are free
    accounts.record_sign_in(engine=schema_engine, username="ann", client="10.0.0.9", ok=False)
    first = wait("ANN ", "10.0.0.9", dt.datetime.now(dt.UTC))
    assert 0 < first <= 1.0
    accounts.record_sign_in(engine=schema_engine, username="ann", client="10.0.0.9", ok=False)
    assert 1.0 < wait("ann", "10.0.0.9", dt.datetime.now(dt.UTC)) <= 2.0  # it grows
    assert wait("ann", "127.0.0.1", dt.datetime.now(dt.UTC)) == 0.0  # not for another address
    assert wait("ann", "10.0.0.9", dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)) == 0.0
    accounts.record_sign_in(engine=schema_engine, username="ann", client="10.0.0.9", ok=True)
    assert wait("ann", "10.0.0.9", dt.datetime.now(dt.UTC)) == 0.0  # a success starts afresh
    # one password tried across many user names from one client
    for i in range(CLIENT_FREE + 2):
        accounts.record_sign_in(engine=schema_engine, username=f"user{i}", client="10.0.0.7", ok=False)
    assert wait("someone-new", "10.0.0.7", dt.datetime.now(dt.UTC)) > 0
    assert wait("someone-new", "10.0.0.8", dt.datetime.now(dt.UTC)) == 0.0
    failed = roles.failed_sign_ins(engine=schema_engine, since=t0 - dt.timedelta(minutes=1))
    assert len(failed) == PAIR_FREE + 1 + CLIENT_FREE + 2
    assert {f["client"] for f in failed} == {"10.0.0.9", "10.0.0.7"}


