"""File names a client chose: shown and recorded cleaned, the original kept only as data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from dashboard.core.db import make_engine, migrate
from loaders.errors import Rejected
from loaders.names import MAX_NAME_CHARS, display_name
from loaders.store import load_bytes

ROOT = Path(__file__).resolve().parents[2]
HEADER = "participant,indicator,date,value,source,note"
GOOD = f"{HEADER}\nAUS,R2.2,2020,1,Names test report,\n".encode()
BAD = f"{HEADER}\nVietnan,R2.2,2020,1,Names test report,\n".encode()
LONG = "n" * 296 + ".csv"
# What a browser (or a forged upload) may call a file, and the name shown for it.
HOSTILE = {
    "invoice\u202egpj.csv": "invoice\ufffdgpj.csv",  # a right-to-left override shows 'invoicevsc.jpg'
    '<img src=x onerror="alert(1)">.csv': "\ufffdimg src=x onerror=\ufffdalert(1)\ufffd\ufffd.csv",
    "../../../etc/passwd.csv": "passwd.csv",
    "C:\\Users\\me\\Desktop\\report.csv": "report.csv",
    "[click](https://evil.example).csv": "evil.example).csv",  # the last part of a path
    "[click](mailto:x).csv": "\ufffdclick\ufffd(mailto\ufffdx).csv",
    "# heading\n:red[x] $x$.csv": "\ufffd heading \ufffdred\ufffdx\ufffd \ufffdx\ufffd.csv",
    "bell\x07\x00\u200b.csv": "bell\ufffd.csv",
    "half\ud800.csv": "half\ufffd.csv",
    "Việt Nam – données (2).csv": "Việt Nam – données (2).csv",
    LONG: "n" * (MAX_NAME_CHARS - 5) + "….csv",
    "/": "unnamed file",
}


@pytest.mark.parametrize(("given", "shown"), list(HOSTILE.items()))
def test_an_upload_name_is_shown_cleaned(given: str, shown: str) -> None:
    assert display_name(given, base_only=True) == shown


def test_a_command_line_path_keeps_its_folders_and_is_cleaned() -> None:
    assert display_name("../data/obs.csv") == "../data/obs.csv"
    assert display_name("/tmp/x\u202e/o\tbs.csv") == "/tmp/x\ufffd/o bs.csv"
    assert display_name("/" + "d/" * 200 + "f.csv").startswith("…")
    assert len(display_name("/" + "d/" * 200 + "f.csv")) == 255


def _runs(engine: Engine) -> list[tuple[str, bytes | None, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT file_name, original_name, errors FROM load_run ORDER BY id")
        ).all()
    return [(r[0], None if r[1] is None else bytes(r[1]), r[2]) for r in rows]


def test_the_log_records_the_cleaned_name_and_keeps_the_original_as_data(
    ref_engine: Engine,
) -> None:
    before = len(_runs(ref_engine))
    given = "invoice\u202egpj.csv"
    load_bytes(engine=ref_engine, data=GOOD, name=given, uploaded=True)
    with pytest.raises(Rejected) as info:
        load_bytes(engine=ref_engine, data=BAD, name="../../../etc/passwd.csv", uploaded=True)
    assert str(info.value.problems[0]).startswith("passwd.csv:2: participant: ")
    load_bytes(engine=ref_engine, data=GOOD, name="plain.csv", uploaded=True)
    loaded, rejected, plain = _runs(ref_engine)[before:]
    assert loaded[:2] == ("invoice\ufffdgpj.csv", given.encode())
    assert rejected[:2] == ("passwd.csv", b"../../../etc/passwd.csv")
    assert all(e.startswith("passwd.csv:2:") for e in json.loads(rejected[2]))
    assert plain[:2] == ("plain.csv", None)  # nothing to keep: the name was clean


def test_review_list_and_history_show_cleaned_names(sqlite_reference_path: Path) -> None:
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    for given in ('<img src=x onerror="alert(1)">.csv', "invoice\u202egpj.csv", LONG):
        load_bytes(engine=engine, data=GOOD, name=given, review=True)
    engine.dispose()
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{sqlite_reference_path}"}
    for command in (["review", "list"], ["history", "--limit", "1"]):
        out = subprocess.run(
            [sys.executable, "-m", "loaders", *command],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert "\ufffdimg src=x onerror=\ufffdalert(1)\ufffd\ufffd.csv" in out.stdout
        assert "invoice\ufffdgpj.csv" in out.stdout and "\u202e" not in out.stdout
        assert "<img" not in out.stdout and LONG not in out.stdout
        assert "n" * (MAX_NAME_CHARS - 5) + "….csv" in out.stdout


def test_the_upgrade_cleans_names_already_stored(sqlite_reference_path: Path) -> None:
    from alembic import command

    from dashboard.core.db import alembic_config

    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    command.downgrade(alembic_config(engine=engine), "0007")
    with engine.begin() as conn:
        for name in ("evil\u202etxt.csv", "<b>x</b>.csv", "fine.csv"):
            conn.execute(
                text(
                    "INSERT INTO load_run (file_name, sha256, kind, file_format, rows_read, "
                    "inserted, updated, unchanged, status, errors, started_at, user, "
                    "review_state, reviewed_by, review_comment, owners, review_opened_by) "
                    "VALUES (:n, '', 'observations', 'csv', 0, 0, 0, 0, 'ok', '[]', "
                    "'2026-01-01 00:00:00', 'old', 'published', '', '', '', '')"
                ),
                {"n": name},
            )
    migrate(engine=engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT file_name, original_name FROM load_run WHERE user = 'old' ORDER BY id")
        ).all()
    engine.dispose()
    assert [(r[0], None if r[1] is None else bytes(r[1])) for r in rows] == [
        ("evil\ufffdtxt.csv", "evil\u202etxt.csv".encode()),
        (
            "\ufffdb\ufffdx\ufffd/b\ufffd.csv",
            b"<b>x</b>.csv",
        ),  # folders are kept: a stored name may be a path
        ("fine.csv", None),
    ]
