"""The command line: exit codes and what it prints, run as a separate process like a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIX = Path(__file__).parent.parent / "fixtures"


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_status_json_and_indicators(sqlite_sample_path: Path) -> None:
    out = run(sqlite_sample_path, "status", "--json")
    assert out.returncode == 0, out.stderr
    counts = json.loads(out.stdout)
    assert counts["participants"] == 27 and counts["recommendations"] == 12
    assert counts["observations_synthetic"] > 0
    ind = run(sqlite_sample_path, "indicators", "--json")
    codes = {i["code"] for i in json.loads(ind.stdout)}
    assert {"R1.1", "R12.1"} <= codes


def test_load_ok_then_rejected_exit_codes(sqlite_reference_path: Path) -> None:
    ok = run(sqlite_reference_path, "load", str(FIX / "observations_good.csv"))
    assert ok.returncode == 0, ok.stderr
    assert "4 new" in ok.stdout and "note: read participant 'Viet Nam' as VNM" in ok.stdout
    again = run(sqlite_reference_path, "load", str(FIX / "observations_good.csv"))
    assert "already loaded: nothing added" in again.stdout
    bad = run(sqlite_reference_path, "load", str(FIX / "garbage.bin"))
    assert bad.returncode == 1
    assert "rejected, nothing was written" in bad.stderr
    assert "binary data" in bad.stderr and "Traceback" not in bad.stderr
    missing = run(sqlite_reference_path, "load", "/nonexistent.csv")
    assert missing.returncode == 1 and "cannot read the file" in missing.stderr


def test_dry_run_and_kind(sqlite_reference_path: Path) -> None:
    dry = run(
        sqlite_reference_path, "load", "--dry-run", "--kind", "events", str(FIX / "events_good.csv")
    )
    assert dry.returncode == 0 and "would load 2 events rows: 2 new" in dry.stdout
    status = json.loads(run(sqlite_reference_path, "status", "--json").stdout)
    assert status["events"] == 16


def test_sample_remove(sqlite_sample_path: Path) -> None:
    out = run(sqlite_sample_path, "sample", "--remove")
    assert out.returncode == 0 and "removed the synthetic sample" in out.stdout
    assert (
        json.loads(run(sqlite_sample_path, "status", "--json").stdout)["observations_synthetic"]
        == 0
    )


def test_fresh_database_init_with_sample(tmp_path: Path) -> None:
    db = tmp_path / "fresh.sqlite"
    out = run(db, "init", "--if-empty-sample")
    assert out.returncode == 0, out.stderr
    assert "evidence:" in out.stdout and "synthetic observations added" in out.stdout
    again = run(db, "init", "--if-empty-sample")
    assert "synthetic observations added" not in again.stdout
