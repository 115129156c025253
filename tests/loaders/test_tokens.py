"""Read tokens (`rtop tokens add|revoke|list`, dashboard/core/tokens.py): stored hashed, one
active per name, revoked at once, their use recorded at most once a minute per token."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from dashboard.core import tokens
from loaders.tokens import TokenError, add_token, list_tokens, revoke_token

ROOT = Path(__file__).resolve().parents[2]


def test_a_token_is_stored_hashed_checked_and_revoked(ref_engine: Engine) -> None:
    token = add_token(engine=ref_engine, name="partner", by="admin")
    assert token.startswith("rtop_") and len(token) > 40
    with ref_engine.connect() as conn:
        stored = conn.execute(text("SELECT name, token_hash FROM read_token")).all()
    assert stored == [("partner", tokens.token_hash(token))]
    assert token not in repr(stored)
    with pytest.raises(TokenError, match="exists: revoke it first"):
        add_token(engine=ref_engine, name="partner", by="admin")
    uses = tokens.UseRecorder()
    now = tokens.now_utc()
    assert uses.check(engine=ref_engine, token=token, now=now) == "partner"
    assert uses.check(engine=ref_engine, token=token + "x", now=now) is None
    assert uses.check(engine=ref_engine, token="not-a-token", now=now) is None
    revoke_token(engine=ref_engine, name="partner")
    assert uses.check(engine=ref_engine, token=token, now=now) is None
    with pytest.raises(TokenError, match="no active token"):
        revoke_token(engine=ref_engine, name="partner")
    again = add_token(engine=ref_engine, name="partner", by="admin")  # a new one, same name
    assert uses.check(engine=ref_engine, token=again, now=now) == "partner"
    listed = list_tokens(engine=ref_engine)
    assert [(t.name, t.revoked_at is None) for t in listed] == [
        ("partner", False),
        ("partner", True),
    ]


def test_uses_are_recorded_at_most_once_a_minute_with_their_count(ref_engine: Engine) -> None:
    token = add_token(engine=ref_engine, name="script", by="admin")
    uses = tokens.UseRecorder()
    start = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    for second in range(5):  # five uses in five seconds: recorded once, the first
        assert uses.check(engine=ref_engine, token=token, now=start + dt.timedelta(seconds=second))
    (first,) = list_tokens(engine=ref_engine)
    assert first.uses == 1 and first.last_used_at is not None
    assert first.last_used_at.replace(tzinfo=dt.UTC) == start
    later = start + dt.timedelta(minutes=2)
    uses.check(engine=ref_engine, token=token, now=later)
    (second,) = list_tokens(engine=ref_engine)
    assert second.uses == 6  # the four in between are counted with this one
    assert second.last_used_at is not None and second.last_used_at.replace(tzinfo=dt.UTC) == later


def test_the_command_line(sqlite_reference_path: Path) -> None:
    env = {"RTOP_DATABASE_URL": f"sqlite:///{sqlite_reference_path}", "RTOP_USER": "ops",
           "PATH": "/usr/bin:/bin"}  # fmt: skip

    def rtop(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "loaders", "tokens", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    issued = rtop("add", "institute")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.splitlines()[1]
    assert token.startswith("rtop_")
    listed = rtop("list")
    assert "institute" in listed.stdout and "ops" in listed.stdout and token not in listed.stdout
    assert rtop("add", "institute").returncode == 1
    assert rtop("revoke", "institute").returncode == 0
    refused = rtop("revoke", "institute")
    assert refused.returncode == 1 and "no active token named 'institute'" in refused.stderr
