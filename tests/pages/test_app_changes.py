"""The What changed page: since a date in the link or a recorded meeting, after two loads."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from apptest_support import OpenPage, assert_ok, titles

from dashboard.core.db import make_engine
from loaders.store import load_bytes

HEADER = "participant,indicator,date,value,source,note"
YEAR = dt.date.today().year


def load(db: Path, *lines: str) -> None:
    engine = make_engine(url=f"sqlite:///{db}")
    load_bytes(engine=engine, data=("\n".join([HEADER, *lines]) + "\n").encode(), name="f.csv")
    engine.dispose()


def test_changes_since_a_date_after_two_loads(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    load(sqlite_reference_path, f"KHM,R1.1,{YEAR},1,Page source,")
    then = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).isoformat()
    with sqlite3.connect(sqlite_reference_path) as conn:  # the first load was before the meeting
        conn.execute("UPDATE load_run SET started_at = ?, finished_at = ?", (then, then))
    load(sqlite_reference_path, f"KHM,R1.1,{YEAR},4,Page source,")
    since = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    at = open_page(sqlite_reference_path, "changes.py", query={"since": since})
    assert_ok(at)
    assert titles(at) == ["What changed"]
    assert at.radio(key="changes_mode").value == "a date"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Status changes (records)"] == "1" and metrics["Up / new"] == "1"
    # first what happened by the evidence's own dates: nothing (the record is dated 1 January,
    # before the chosen day, though it was loaded after it)
    said = [i.value for i in at.info]
    assert "No status moved on evidence dated since then in this selection." in said
    # then what is new in our records since (the second load, a week ago or less)
    table = next(d.value for d in at.dataframe if "Rec." in d.value and "Load runs" in d.value)
    assert list(table["Participant"]) == ["Cambodia"] and list(table["Rec."]) == ["R1"]
    assert "Implemented" in table.iloc[0]["Now"] or "progress" in table.iloc[0]["Now"]
    assert at.query_params["since"] == [since] or at.query_params["since"] == since
    # A recorded meeting long ago: everything documented since then counts.
    at.radio(key="changes_mode").set_value("a recorded meeting").run()
    assert_ok(at)
    assert at.selectbox(key="changes_meeting").value is not None
    assert int({m.label: m.value for m in at.metric}["Status changes (records)"]) >= 1


def test_every_page_says_its_data_version_and_how_to_cite_it(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path, "recommendations.py", query={"participants": "VNM"})
    assert_ok(at)
    with sqlite3.connect(sqlite_reference_path) as conn:
        run = conn.execute("SELECT max(id) FROM load_run WHERE status = 'ok'").fetchone()[0]
    caption = next(c.value for c in at.caption if c.value.startswith("Data version"))
    assert f"Data version release {run} of " in caption and "status rule version 2.1" in caption
    cite = at.code[-1].value
    assert cite.startswith("RtoP Monitor, “Recommendation tracker”, ")
    assert "participants=VNM" in cite and f"data version release {run} of " in cite
    assert f"accessed {dt.date.today().isoformat()}" in cite
    load(sqlite_reference_path, f"KHM,R1.1,{YEAR},1,Page source,")
    at.run()
    assert f"release {run + 1} of" in at.code[-1].value  # a load is a new data version
