"""The command line: exit codes and what it prints, run as a separate process like a user would."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

FIX = Path(__file__).parent.parent / "fixtures"
EVIDENCE = Path(__file__).parent.parent.parent / "data" / "evidence"


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


def test_an_older_schema_is_named_and_init_upgrades_it(sqlite_reference_path: Path) -> None:
    from alembic import command

    from dashboard.core.db import alembic_config, head_revision, make_engine, schema_revision

    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    command.downgrade(alembic_config(engine=engine), "-1")
    older = schema_revision(engine=engine)
    assert older is not None and older != head_revision()
    for args in (("load", str(FIX / "observations_good.csv")), ("explain", "VNM", "R1")):
        out = run(sqlite_reference_path, *args)
        assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
        assert f"made by another version of RtoP Monitor (schema {older}, this version needs " \
               f"{head_revision()}): run `rtop init`" in out.stderr
    assert run(sqlite_reference_path, "init").returncode == 0
    assert schema_revision(engine=engine) == head_revision()
    engine.dispose()
    ok = run(sqlite_reference_path, "load", str(FIX / "observations_good.csv"))
    assert ok.returncode == 0 and "4 new" in ok.stdout, ok.stderr


def test_dry_run_and_kind(sqlite_reference_path: Path) -> None:
    with (EVIDENCE / "events.csv").open(newline="", encoding="utf-8") as f:
        shipped = sum(1 for _ in csv.DictReader(f))  # the shipped public-record events
    assert shipped > 100
    dry = run(
        sqlite_reference_path, "load", "--dry-run", "--kind", "events", str(FIX / "events_good.csv")
    )
    assert dry.returncode == 0 and "would load 2 events rows: 2 new" in dry.stdout
    status = json.loads(run(sqlite_reference_path, "status", "--json").stdout)
    assert status["events"] == shipped  # the dry run wrote nothing


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


def test_explain_json_text_and_unknown_participant(sqlite_reference_path: Path) -> None:
    """`explain` gives the status of a cell and every input of rule 2.1 behind it."""
    out = run(sqlite_reference_path, "explain", "AUS", "R1", "--json")  # default year: this year
    assert out.returncode == 0, out.stderr
    e = json.loads(out.stdout)
    assert (e["schema"], e["rule_version"]) == (1, "2.1")
    assert e["year"] == dt.date.today().year
    assert (e["participant"]["code"], e["recommendation"]["code"]) == ("AUS", "R1")
    assert set(e["coverage"]) == {"observed", "expected", "share", "minimum"}
    assert e["coverage"]["minimum"] == 0.5 and e["coverage"]["expected"] == 2
    assert [i["code"] for i in e["indicators"]] == ["R1.1", "R1.2"]
    assert all("source_url" in i for i in e["indicators"])

    # 2016: R1.1 = 4 (APCR2P study, 2016-07) and the 2015-11 dialogue flow still counts
    dated = json.loads(
        run(sqlite_reference_path, "explain", "AUS", "R1", "--year", "2016", "--json").stdout
    )
    assert (dated["status"], dated["status_label"], dated["basis"]) == (
        4,
        "Implemented",
        "computed",
    )
    assert dated["coverage"] == {"observed": 2, "expected": 2, "share": 1.0, "minimum": 0.5}
    r11 = {i["code"]: i for i in dated["indicators"]}["R1.1"]
    assert (r11["value"], r11["date"], r11["status"], r11["stale"]) == (4.0, "2016-07", 4, False)
    assert r11["source_url"].startswith("https://docest.com/")

    text = run(sqlite_reference_path, "explain", "Australia", "R1", "--year", "2016")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == "Australia (AUS), R1 National focal point, 2016"
    assert lines[1] == "Status: Implemented (basis: computed)"
    assert "Coverage: 2 of 2 indicators with current data (minimum 50%)" in lines
    assert any(
        line.startswith(
            "  R1.1 National RtoP focal point [stock]: 4 (appointed and a member of the Global "
            "Network of R2P Focal Points) on 2016-07 (month)"
        )
        and "<https://docest.com/" in line
        for line in lines
    )
    assert lines[-1] == "Rule version 2.1 (docs/methodology.md)"

    unknown = run(sqlite_reference_path, "explain", "Atlantis", "R1")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "unknown participant 'Atlantis'" in unknown.stderr and "Traceback" not in unknown.stderr
    near = run(sqlite_reference_path, "explain", "Australa", "R1")
    assert near.returncode == 1 and "did you mean Australia / AUS?" in near.stderr


def test_explain_says_when_only_lapsed_flows_are_behind_no_data(sqlite_reference_path: Path) -> None:
    """China's latest R12 evidence is a flow (the 2016 APPAP meeting; its UN debate statements
    are events since rule 2.1's proxy review): in 2026 it no longer counts, so the cell is "no
    data" and the explanation says why; in 2017 it still counts and no such limit is given."""
    later = json.loads(
        run(sqlite_reference_path, "explain", "CHN", "R12", "--year", "2026", "--json").stdout
    )
    assert (later["result"], later["status"], later["coverage"]["observed"]) == ("no data", None, 0)
    lapsed = [i for i in later["indicators"] if i["value"] is not None]
    assert [i["code"] for i in lapsed] == ["R12.1"]
    assert all(not i["counted"] and i["reason"].startswith("outside its window") for i in lapsed)
    said = [x for x in later["limits"] if x.startswith("none of its observations counts in 2026")]
    # the indicator by its name (issue 19 item 9), not its code
    assert len(said) == 1 and "RtoP best-practice dialogues (2016-11-07) is too old" in said[0]
    text = run(sqlite_reference_path, "explain", "CHN", "R12", "--year", "2026").stdout
    assert "Limit: none of its observations counts in 2026" in text

    earlier = json.loads(
        run(sqlite_reference_path, "explain", "CHN", "R12", "--year", "2017", "--json").stdout
    )
    assert earlier["coverage"]["observed"] == 1 and earlier["result"] != "no data"
    assert not any(x.startswith("none of its observations") for x in earlier["limits"])


def test_the_rtop_command_loads_explains_and_refreshes(sqlite_reference_path: Path) -> None:
    """The console script `rtop` (pyproject's [project.scripts]) is the same command."""
    rtop = Path(sys.executable).parent / "rtop"
    assert rtop.exists(), "pip install -e . puts rtop beside the interpreter"
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{sqlite_reference_path}"}

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(rtop), *args], env=env, capture_output=True, text=True, timeout=120
        )

    helped = call("--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: rtop")
    for command in ("load", "explain", "export", "refresh", "init", "sample", "serve"):
        assert command in helped.stdout
    loaded = call("load", str(FIX / "observations_good.csv"))
    assert loaded.returncode == 0, loaded.stderr
    assert "observations rows" in loaded.stdout
    why = call("explain", "VNM", "R1", "--json")
    assert why.returncode == 0, why.stderr
    assert json.loads(why.stdout)["participant"]["code"] == "VNM"
    refreshed = call("refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "read model rebuilt" in refreshed.stdout
    usage = subprocess.run(
        [sys.executable, "-m", "loaders", "--help"], env=env, capture_output=True, text=True
    )
    assert usage.stdout.startswith("usage: python -m loaders")


def test_serve_names_a_bad_streamlit_option_without_a_traceback(
    sqlite_reference_path: Path,
) -> None:
    """`rtop serve` passes options after -- to `streamlit run`; a wrong one stops it with
    Streamlit's message and exit code 2 before any server starts (a running server is tested
    in tests/e2e/test_serve.py)."""
    bad = run(sqlite_reference_path, "serve", "--port", "1", "--", "--no.such-option", "1")
    assert bad.returncode == 2, bad.stderr
    assert "No such option '--no.such-option'" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout
    helped = run(sqlite_reference_path, "serve", "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: python -m loaders serve")
    assert "--port" in helped.stdout and "--address" in helped.stdout


def test_output_cut_short_by_its_reader_ends_quietly(sqlite_reference_path: Path) -> None:
    """`rtop history | head`: the reader leaves; the command stops without a BrokenPipeError
    (the pipe's reading end is closed before the command writes a byte)."""
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{sqlite_reference_path}"}
    for command in (["history"], ["indicators"], ["status"]):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "loaders", *command],
                env=env, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120,
            )  # fmt: skip
        finally:
            os.close(write_end)
        assert done.stderr == "", (command, done.stderr)
        assert done.returncode == 0, command


def test_a_lone_surrogate_and_an_undecodable_path_are_refused_plainly(
    sqlite_reference_path: Path, tmp_path: Path
) -> None:
    """Both used to end in a traceback (pyarrow's UnicodeEncodeError; the database's, for a
    name no text column takes) with no rejected run recorded."""
    note = tmp_path / "surrogate.json"
    note.write_bytes(
        b'[{"participant": "VNM", "indicator": "R1.1", "date": "2019", "value": 2, '
        b'"source": "s", "note": "a\\ud800b"}]'
    )
    odd = tmp_path / os.fsdecode(b"odd\xff.csv")
    odd.write_bytes(b"participant,indicator,date,value,source\nVietnan,R1.1,2019,2,s\n")
    out = run(sqlite_reference_path, "load", str(note), str(odd))
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert f"{note}:1: note: U+D800 (unpaired surrogate) in the cell" in out.stderr
    assert f"{tmp_path}/odd\ufffd.csv:2: participant: unknown participant 'Vietnan'" in out.stderr
    history = run(sqlite_reference_path, "history", "--json", "--limit", "0")
    runs = json.loads(history.stdout)[:2]
    assert [(r["status"], r["file_name"]) for r in runs] == [
        ("rejected", f"{tmp_path}/odd\ufffd.csv"),
        ("rejected", str(note)),
    ]
