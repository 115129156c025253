"""The Load history page: runs and their changes, undo by an admin, review of pending loads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from apptest_support import OpenPage, assert_ok, table, warnings
from streamlit.testing.v1 import AppTest
from test_app_auth import add, sign_in

from dashboard.core.db import make_engine
from loaders.store import load_bytes

HEADER = "participant,indicator,date,value,source,note"


def load(db: Path, *lines: str, name: str, user: str | None = None, review: bool = False) -> int:
    engine = make_engine(url=f"sqlite:///{db}")
    data = ("\n".join([HEADER, *lines]) + "\n").encode()
    result = load_bytes(engine=engine, data=data, name=name, user=user, review=review)
    engine.dispose()
    assert result.load_run_id is not None
    return result.load_run_id


def values(db: Path, code: str) -> list[tuple[str, float]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT o.participant_code, o.value FROM observation o JOIN source s "
            "ON s.id = o.source_id WHERE o.indicator_code = ? AND s.title = 'Page source' "
            "ORDER BY o.participant_code",
            (code,),
        ).fetchall()


def test_history_lists_changes_and_an_admin_undoes_a_run(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    first = load(sqlite_reference_path, "AUS,R2.1,2020,1,Page source,", name="first.csv")
    second = load(
        sqlite_reference_path,
        "AUS,R2.1,2020,3,Page source,",
        "VNM,R2.1,2020,2,Page source,",
        name="second.csv",
    )
    at = open_page(sqlite_reference_path, "history.py")  # no accounts: the local user is admin
    assert_ok(at)
    runs = at.dataframe[-3].value if len(at.dataframe) >= 3 else at.dataframe[0].value
    assert {"first.csv", "second.csv"} <= set(runs["File or action"])
    at.selectbox(key="history_run").select(second).run()
    changes = at.dataframe[-1].value
    assert set(changes["Change"]) == {"insert", "update"}
    row = changes[changes["Change"] == "update"].iloc[0]
    assert (row["Before"], row["After"]) == ("1", "3")
    undo = next(b for b in at.button if b.label == f"Undo run {second}")
    assert undo.disabled  # the confirmation comes first
    at.checkbox(key="history_undo_sure").check().run()
    next(b for b in at.button if b.label == f"Undo run {second}").click().run()
    assert_ok(at)
    assert any(f"undid run {second}" in s.value for s in at.success)
    assert values(sqlite_reference_path, "R2.1") == [("AUS", 1.0)]
    # The earlier run is blocked by nothing now; undoing the undone run is refused by name.
    at.selectbox(key="history_run").select(first).run()
    assert_ok(at)


def test_an_editors_load_waits_and_another_reviewer_publishes_it(
    open_page: OpenPage, sqlite_reference_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(sqlite_reference_path, "ed", "editor")
    add(sqlite_reference_path, "rita", "reviewer")
    run = load(
        sqlite_reference_path, "THA,R2.1,2025,4,Page source,", name="pending.csv", user="ed",
        review=True,
    )
    assert values(sqlite_reference_path, "R2.1") == []
    at = sign_in(open_page(sqlite_reference_path), "ed")
    at.switch_page("history.py").run()
    assert_ok(at)
    assert not [b for b in at.button if b.label == "Publish"]  # an editor cannot publish
    next(b for b in at.button if b.label == "List the statuses it would move").click().run()
    assert_ok(at)
    assert any("would load 1 observations rows: 1 new" in i.value for i in at.info), [
        e.value for e in [*at.info, *at.error]
    ]
    moved = [d.value for d in at.dataframe if "Status once published" in d.value.columns]
    assert moved and moved[0].iloc[0]["Participant"] == "THA"
    at = sign_in(open_page(sqlite_reference_path), "rita")
    at.switch_page("history.py").run()
    assert at.selectbox(key="history_pending_run").value == run
    at.text_input(key="history_comment").input("source checked").run()
    next(b for b in at.button if b.label == "Publish").click().run()
    assert_ok(at)
    assert any(f"Published run {run}" in s.value for s in at.success), [s.value for s in at.success]
    assert values(sqlite_reference_path, "R2.1") == [("THA", 4.0)]
    with sqlite3.connect(sqlite_reference_path) as conn:
        state = conn.execute(
            "SELECT review_state, reviewed_by, review_comment, user FROM load_run WHERE id = ?",
            (run,),
        ).fetchone()
    assert state == ("published", "rita", "source checked", "ed")


def test_a_guest_does_not_see_the_history(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    add(sqlite_reference_path, "ed", "editor")
    at = open_page(sqlite_reference_path)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("history.py")


def test_an_editor_records_an_expert_assessment_in_the_app(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    add(sqlite_reference_path, "ed", "editor")
    at = sign_in(open_page(sqlite_reference_path), "ed")
    at.switch_page("upload.py").run()
    assert_ok(at)
    at.selectbox(key="assess_who").select("KHM")
    at.selectbox(key="assess_rec").select("R3")
    at.radio(key="assess_status").set_value(2)
    at.text_input(key="assess_assessor").input("APR2P expert panel")
    at.text_input(key="assess_source").input("Panel minutes, 2026")
    next(b for b in at.button if b.label == "Record the assessment").click().run()
    assert_ok(at)
    # No rationale: refused with the row and column, nothing written.
    assert any("rejected" in e.value for e in at.error), [
        x.value for x in [*at.error, *at.info, *at.success, *at.warning]
    ]
    assert "rationale" in set(at.dataframe[-1].value["Column"])
    at.text_area(key="assess_rationale").input("Focal point named; no report yet")
    next(b for b in at.button if b.label == "Record the assessment").click().run()
    assert_ok(at)
    assert any("submitted for review" in i.value for i in at.info), [
        x.value for x in [*at.error, *at.info, *at.success, *at.warning]
    ]
    with sqlite3.connect(sqlite_reference_path) as conn:
        assert conn.execute("SELECT count(*) FROM assessment").fetchone() == (0,)
        run = conn.execute(
            "SELECT user, review_state FROM load_run ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert run == ("ed", "pending")


def _scorecard_row(at: AppTest, rec: str) -> pd.Series:
    card = table(at, "Rec.", "Status", "Last update")
    return card[card["Rec."].astype(str).str.startswith(rec)].iloc[0]


def test_the_author_previews_the_whole_dashboard_until_a_reviewer_publishes(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    add(sqlite_reference_path, "ed", "editor")
    add(sqlite_reference_path, "rita", "reviewer")
    run = load(
        sqlite_reference_path, "THA,R2.1,2025,4,Page source,", "THA,R2.2,2025,3,Page source,",
        name="pending.csv", user="ed", review=True,
    )
    at = sign_in(open_page(sqlite_reference_path), "ed")
    at.switch_page("country.py").run()
    at.selectbox(key="p_participant").set_value("THA").run()
    published = _scorecard_row(at, "R2")
    at.switch_page("history.py").run()
    next(b for b in at.button if b.label == "Preview the whole dashboard with it").click().run()
    assert_ok(at)
    assert any(w.startswith("**PREVIEW — not published.**") and f"load run {run}" in w
               for w in warnings(at)), warnings(at)
    at.switch_page("country.py").run()
    assert_ok(at)
    assert any("PREVIEW — not published" in w for w in warnings(at))
    previewed = _scorecard_row(at, "R2")
    assert str(previewed["Last update"]).startswith("2025"), previewed
    assert previewed["Status"] != published["Status"], (published, previewed)
    assert any(f"preview of pending run {run}" in c.value for c in at.caption), "data version"
    assert values(sqlite_reference_path, "R2.1") == []  # nothing was written
    rita = sign_in(open_page(sqlite_reference_path), "rita")  # another session publishes it
    rita.switch_page("history.py").run()
    assert not any("PREVIEW" in w for w in warnings(rita))  # a preview is its session's only
    rita.text_input(key="history_comment").input("checked").run()
    next(b for b in rita.button if b.label == "Publish").click().run()
    assert_ok(rita)
    at.run()  # the author's next rerun: the preview ends, saying why; the data are public now
    assert_ok(at)
    assert f"The preview ended: Load run {run} is no longer pending review (it was published " \
           "by rita)." in [i.value for i in at.info]
    assert not any("PREVIEW" in w for w in warnings(at))
    assert _scorecard_row(at, "R2")["Status"] == previewed["Status"]


def test_a_forged_preview_request_is_refused_on_the_server(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    add(sqlite_reference_path, "ed", "editor")
    add(sqlite_reference_path, "eve", "editor")
    run = load(sqlite_reference_path, "THA,R2.1,2025,4,Page source,", name="pending.csv",
               user="ed", review=True)
    for who in (None, "eve"):  # a guest, and an editor who is not its author
        at = open_page(sqlite_reference_path)
        if who:
            at = sign_in(at, who)
        at.session_state["preview_run"] = run  # what a forged request would have to set
        at.run()
        assert_ok(at)
        assert not any("PREVIEW" in w for w in warnings(at))
        assert "The preview ended: Only its author and reviewers preview a pending load." in [
            i.value for i in at.info]
        assert not any(f"preview of pending run {run}" in c.value for c in at.caption)
