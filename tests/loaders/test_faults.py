"""Faults and concurrency: loads serialise, a killed loader leaves nothing, a database that
cannot be written says so plainly, and a check needs no write access. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine

from dashboard.core import inputs, models
from dashboard.core.db import make_engine
from dashboard.core.models import table
from loaders import locks
from loaders.errors import Rejected
from loaders.locks import CannotWrite
from loaders.store import load_bytes
from tests.loaders.test_readmodel import HEADER, assert_current, csv_bytes

ROOT = Path(__file__).resolve().parents[2]


def snapshot(engine: Engine) -> dict[str, int]:
    counts = inputs.counts(engine=engine)
    with engine.connect() as conn:
        counts["changes"] = int(
            conn.execute(select(func.count()).select_from(table(models.DataChange))).scalar() or 0
        )
        counts["unfinished_runs"] = int(
            conn.execute(
                select(func.count()).where(table(models.LoadRun).c.finished_at.is_(None))
            ).scalar()
            or 0
        )
    return counts


def test_two_loads_at_once_serialise_even_with_a_shared_new_source(ref_engine: Engine) -> None:
    files = [
        csv_bytes(HEADER, f"{who},R2.1,2020,1,A source both files introduce,")
        for who in ("AUS", "VNM")
    ]
    same = csv_bytes(HEADER, "THA,R2.1,2021,2,The same file twice,")
    jobs = [(files[0], "a.csv"), (files[1], "b.csv"), (same, "same.csv"), (same, "same.csv")]
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        data, name = jobs[i]
        start.wait()
        try:
            results[i] = load_bytes(engine=ref_engine, data=data, name=name)
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    inserted = sorted(r.inserted for r in results)  # type: ignore[attr-defined]
    assert inserted == [0, 1, 1, 1]  # the second copy of the same file finds it loaded
    with ref_engine.connect() as conn:
        s = table(models.Source).c
        assert (
            conn.execute(
                select(func.count()).where(s.title == "A source both files introduce")
            ).scalar()
            == 1
        )
    assert_current(ref_engine)


def big_file(path: Path, rows: int) -> Path:
    people = ["AUS", "VNM", "THA", "JPN", "IDN", "MYS", "PHL", "KHM"]
    lines = [HEADER]
    for i in range(rows):
        lines.append(
            f"{people[i % 8]},R2.1,{1950 + (i // 8) % 70}-{1 + i % 12:02d}-{1 + i % 28:02d},{i % 5},Kill source {i // 560},"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def _writer_holds_lock(engine: Engine, db_file: Path | None) -> bool:
    if db_file is not None:  # SQLite: a write transaction has its rollback journal
        return Path(f"{db_file}-journal").exists()
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k"),
                {"k": locks.WRITE_LOCK_KEY},
            ).scalar()
        )


def test_kill_9_mid_load_leaves_the_database_as_before(ref_engine: Engine, tmp_path: Path) -> None:
    before = snapshot(ref_engine)
    url = ref_engine.url.render_as_string(hide_password=False)
    db_file = Path(ref_engine.url.database) if ref_engine.dialect.name == "sqlite" else None
    data = big_file(tmp_path / "big.csv", 120_000)
    env = {**os.environ, "RTOP_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "loaders", "load", str(data)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not _writer_holds_lock(ref_engine, db_file):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the loader never started writing"
        time.sleep(0.02)
    time.sleep(0.3)  # well inside the write
    assert proc.poll() is None, "the load finished before it could be killed: use a bigger file"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    ref_engine.dispose()
    assert snapshot(ref_engine) == before  # nothing written, no run left looking "running"
    # The next load works, and its run is finished.
    load_bytes(
        engine=ref_engine,
        data=csv_bytes(HEADER, "AUS,R2.1,2020,1,After the kill,"),
        name="next.csv",
    )
    after = snapshot(ref_engine)
    assert after["observations"] == before["observations"] + 1 and after["unfinished_runs"] == 0


def test_a_read_only_database_says_so_and_a_check_still_works(sqlite_reference_path: Path) -> None:
    read_only = make_engine(url=f"sqlite:///file:{sqlite_reference_path}?mode=ro&uri=true")
    data = csv_bytes(HEADER, "AUS,R2.1,2020,1,Read-only source,")
    checked = load_bytes(engine=read_only, data=data, name="ro.csv", dry_run=True)
    assert checked.dry_run and checked.inserted == 1
    with pytest.raises(CannotWrite, match="nothing was written: the database is read-only"):
        load_bytes(engine=read_only, data=data, name="ro.csv")
    read_only.dispose()
    with sqlite3.connect(sqlite_reference_path) as conn:
        assert conn.execute(
            "SELECT count(*) FROM observation WHERE indicator_code = 'R2.1' AND note = ''"
            " AND participant_code = 'AUS'"
        ).fetchone() == (0,)


def _read_only(engine: Engine) -> Engine:
    """The same database, opened so that every write fails (SQLite's mode=ro, PostgreSQL's
    read-only transactions)."""
    if engine.dialect.name == "sqlite":
        return make_engine(url=f"sqlite:///file:{engine.url.database}?mode=ro&uri=true")
    return create_engine(
        engine.url, connect_args={"options": "-c default_transaction_read_only=on"}
    )


def test_a_bad_file_on_a_read_only_database_is_told_its_problems(ref_engine: Engine) -> None:
    """The file's problems come first: 'read-only' used to hide them (the write was tried
    before the check)."""
    before = snapshot(ref_engine)
    read_only = _read_only(ref_engine)
    bad = csv_bytes(HEADER, "Vietnan,R2.1,2020,1,Read-only source,", "AUS,R2.1,2020,x,src,")
    with pytest.raises(Rejected) as info:
        load_bytes(engine=read_only, data=bad, name="ro.csv")
    assert [str(p) for p in info.value.problems] == [
        "ro.csv:2: participant: unknown participant 'Vietnan' (did you mean Viet Nam / VNM?)",
        "ro.csv:3: value: 'x' is not a number",
    ]
    good = csv_bytes(HEADER, "AUS,R2.1,2020,1,Read-only source,")
    with pytest.raises(CannotWrite, match="nothing was written: the database is read-only"):
        load_bytes(engine=read_only, data=good, name="ro.csv")
    read_only.dispose()
    assert snapshot(ref_engine) == before


def test_the_command_line_check_needs_no_write_access(
    sqlite_reference_path: Path, tmp_path: Path
) -> None:
    data = tmp_path / "check.csv"
    data.write_bytes(csv_bytes(HEADER, "AUS,R2.1,2020,1,Read-only source,"))
    env = {
        **os.environ,
        "RTOP_DATABASE_URL": f"sqlite:///file:{sqlite_reference_path}?mode=ro&uri=true",
    }
    checked = subprocess.run(
        [sys.executable, "-m", "loaders", "load", "--dry-run", str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "would load 1 observations rows: 1 new" in checked.stdout
    loaded = subprocess.run(
        [sys.executable, "-m", "loaders", "load", str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert loaded.returncode == 1
    assert "nothing was written: the database is read-only" in loaded.stderr
    assert "Traceback" not in loaded.stderr
    data.write_bytes(csv_bytes(HEADER, "Vietnan,R2.1,2020,1,Read-only source,"))
    bad = subprocess.run(
        [sys.executable, "-m", "loaders", "load", str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert f"{data}:2: participant: unknown participant 'Vietnan'" in bad.stderr
    assert "read-only" not in bad.stderr and "Traceback" not in bad.stderr


def test_a_full_database_says_so_and_writes_nothing(sqlite_reference_path: Path) -> None:
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    with engine.connect() as conn:
        pages = int(conn.execute(text("PRAGMA page_count")).scalar() or 0)

    @event.listens_for(engine, "connect")
    def _cap(dbapi_conn: object, _record: object) -> None:
        cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
        cur.execute(f"PRAGMA max_page_count = {pages + 3}")  # a real "database or disk is full"
        cur.close()

    engine.dispose()
    before = snapshot(engine)
    with pytest.raises(CannotWrite, match="the disk or database is full"):
        load_bytes(
            engine=engine,
            data=big_file(sqlite_reference_path.parent / "f.csv", 5_000).read_bytes(),
            name="full.csv",
        )
    assert snapshot(engine) == before
    engine.dispose()


def test_a_writer_waits_for_another_then_gives_up_plainly(sqlite_reference_path: Path) -> None:
    holder = sqlite3.connect(sqlite_reference_path, timeout=1)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    # The same engine settings as make_engine's, with a 1 s wait instead of LOCK_WAIT_SECONDS.
    waiting = create_engine(f"sqlite:///{sqlite_reference_path}", connect_args={"timeout": 1})
    data = csv_bytes(HEADER, "AUS,R2.1,2020,1,Busy source,")
    started = time.monotonic()
    with pytest.raises(CannotWrite, match="another write has held the database"):
        load_bytes(engine=waiting, data=data, name="busy.csv")
    assert time.monotonic() - started >= 0.9
    holder.rollback()  # the other writer is done: the same load now goes through
    assert load_bytes(engine=waiting, data=data, name="busy.csv").inserted == 1
    holder.close()
    waiting.dispose()
