"""Load data page, through AppTest's file_uploader (supported in Streamlit 1.67)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
from apptest_support import OpenPage, assert_ok, table, titles

from dashboard.core.config import DATA_DIR

FIX = Path(__file__).parent.parent / "fixtures"
BAD = (
    b"participant,indicator,date,value,source,note\n"
    b"Vietnan,R1.1,2019,2,Ministry report,\n"
    b"THA,R99.1,2020,1,Ministry report,\n"
)


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("observation", "event", "load_run")
        }


def test_rejected_file_lists_problems_and_writes_nothing(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path, "upload.py")
    assert_ok(at)
    assert titles(at) == ["Load progress indicators"]
    uploader = at.file_uploader(key="upload_file")
    assert set(uploader.allowed_type) == {".csv", ".xlsx", ".json"}
    before = _counts(sqlite_reference_path)
    uploader.set_value(("bad.csv", BAD, "text/csv")).run()
    assert_ok(at)
    assert [e.value for e in at.error] == [
        "bad.csv was rejected: 2 problem(s); nothing was written."
    ]
    problems = table(at, "Row", "Column", "Problem")
    assert list(problems["Row"]) == ["2", "3"]
    assert list(problems["Column"]) == ["participant", "indicator"]
    assert "did you mean Viet Nam / VNM?" in problems["Problem"].iloc[0]
    assert "R99.1" in problems["Problem"].iloc[1]
    assert not [b for b in at.button if b.key == "upload_go"]  # nothing to load
    after = _counts(sqlite_reference_path)
    assert (after["observation"], after["event"]) == (before["observation"], before["event"])
    # a rerun with the same file does not check it again (the check records a rejected run)
    at.run()
    assert_ok(at)
    assert _counts(sqlite_reference_path) == after
    assert len(at.error) == 1
    # a file that is not CSV/XLSX/JSON at all, under a .csv name
    at.file_uploader(key="upload_file").set_value(
        ("garbage.csv", (FIX / "garbage.bin").read_bytes(), "text/csv")
    ).run()
    assert_ok(at)
    assert "garbage.csv was rejected" in at.error[0].value
    assert table(at, "Row", "Column", "Problem")["Row"].tolist() == ["-"]
    assert _counts(sqlite_reference_path)["observation"] == before["observation"]


def test_good_file_is_checked_then_loaded(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "upload.py")
    before = _counts(sqlite_reference_path)
    data = (FIX / "observations_good.csv").read_bytes()
    at.file_uploader(key="upload_file").set_value(("good.csv", data, "text/csv")).run()
    assert_ok(at)
    assert [s.value for s in at.success] == [
        "good.csv: would load 4 observations rows: 4 new, 0 updated, 0 unchanged"
    ]
    notes = [c.value for c in at.caption]
    assert "note: read participant 'Viet Nam' as VNM" in notes
    assert _counts(sqlite_reference_path)["observation"] == before["observation"]  # dry run
    at.button(key="upload_go").click().run()
    assert_ok(at)
    assert [s.value for s in at.success] == [
        "good.csv: loaded 4 observations rows: 4 new, 0 updated, 0 unchanged"
    ]
    assert _counts(sqlite_reference_path)["observation"] == before["observation"] + 4
    at.run()  # checked again against the new data
    assert [s.value for s in at.success] == [
        "good.csv: would load 4 observations rows: 0 new, 0 updated, 4 unchanged"
    ]
    # the other pages see the new data at once (the data version is part of every cache key)
    at.switch_page("country.py")
    at.query_params["participant"] = "VNM"
    at.run()
    assert_ok(at)
    assert titles(at) == ["Viet Nam"]
    evidence = table(at, "When", "Rec.", "Indicator", "Value", "Code")  # names, the code last
    loaded = evidence[evidence["Code"] == "R1.1"]
    assert list(loaded["Value"]) == ["designated informally"] and list(loaded["When"]) == ["2019"]
    # beside Viet Nam's shipped evidence in the period (treaty records: TR.CAT, TR.ATT, TR.ICC)
    shipped = pd.read_csv(DATA_DIR / "evidence" / "observations.csv", dtype=str)
    vnm = shipped[(shipped["participant"] == "VNM") & shipped["date"].str[:4].astype(int).ge(2011)]
    assert len(evidence) == len(vnm) + 1
    assert set(evidence["Code"]) == {"R1.1", *vnm["indicator"]}
    # and the scorecard uses it: R1.1 = 2 (2019) alone would be Initiated, but by now it is
    # past its five-year age limit: stale evidence, its last known status beside it
    card = table(at, "Rec.", "Status", "Coverage").set_index("Rec.")
    assert (card.loc["R1", "Status"], card.loc["R1", "Coverage"]) == (
        "◷ Stale evidence: last known Initiated (2019)", "0 of 2"
    )


def test_events_file(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "recommendations.py")
    track = table(at, "Item", "Related events").set_index("Item")["Related events"]
    at.switch_page("upload.py").run()
    data = (FIX / "events_good.csv").read_bytes()
    # forced to be read as observations, the file is refused with the reason
    at.radio(key="upload_kind").set_value("observations").run()
    at.file_uploader(key="upload_file").set_value(("events.csv", data, "text/csv")).run()
    assert_ok(at)
    reason = table(at, "Row", "Column", "Problem")["Problem"].iloc[0]
    assert "missing required column(s) participant, indicator, value" in reason
    # detected from its header (the default), it is checked as events
    at.radio(key="upload_kind").set_value("detect").run()
    assert_ok(at)
    assert [s.value for s in at.success] == [
        "events.csv: would load 2 events rows: 2 new, 0 updated, 0 unchanged"
    ]
    at.button(key="upload_go").click().run()
    assert [s.value for s in at.success] == [
        "events.csv: loaded 2 events rows: 2 new, 0 updated, 0 unchanged"
    ]
    # the regional track counts them, an event on a sub-item (R11c, R5a) for its recommendation
    at.switch_page("recommendations.py").run()
    assert_ok(at)
    after = table(at, "Item", "Related events").set_index("Item")["Related events"]
    assert after["R4"] == track["R4"] + 1  # items R4;R11c
    assert after["R11"] == track["R11"] + 1
    assert after["R5"] == track["R5"] + 1  # items R5;R5a: one event, counted once
    assert after["R8"] == track["R8"]


def test_a_hostile_upload_name_is_shown_cleaned_here_and_in_the_history(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    """The browser chooses an upload's name: a path, a right-to-left override (which shows
    'invoicevsc.jpg'), markup. The page, the problem list and the Load history show it cleaned."""
    at = open_page(sqlite_reference_path, "upload.py")
    at.file_uploader(key="upload_file").set_value(("../../../etc/passwd.csv", BAD, "text/csv")).run()
    assert_ok(at)
    assert [e.value for e in at.error] == [
        "passwd.csv was rejected: 2 problem(s); nothing was written."
    ]
    good = (FIX / "observations_good.csv").read_bytes()
    at.file_uploader(key="upload_file").set_value(("invoice\u202egpj.csv", good, "text/csv")).run()
    at.button(key="upload_go").click().run()
    assert_ok(at)
    assert [s.value for s in at.success] == [
        "invoice\ufffdgpj.csv: loaded 4 observations rows: 4 new, 0 updated, 0 unchanged"
    ]
    at.switch_page("history.py").run()
    assert_ok(at)
    shown = set(table(at, "File or action")["File or action"])
    assert "invoice\ufffdgpj.csv" in shown
    assert not [n for n in shown if "\u202e" in n or "etc/passwd" in n]
    assert [s.value for s in at.subheader][-1].endswith(": invoice\ufffdgpj.csv")
