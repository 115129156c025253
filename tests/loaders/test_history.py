"""Nothing is ever lost: every change is kept with its load run, and one run can be undone.

On SQLite and PostgreSQL: the history records inserts, updates and deletes with their before
and after values; undo restores exactly the state before the run (rows and read model), refuses
when a later run changed the same rows (naming it), and is itself recorded and undoable; a
pending load is written only when another person publishes it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from dashboard.cli import main
from dashboard.core import history, models
from dashboard.core.db import make_engine
from dashboard.core.models import table
from loaders.errors import Rejected
from loaders.history import UndoRefused, undo
from loaders.review import ReviewRefused, decline, preview, publish
from loaders.sample import remove_sample
from loaders.store import load_bytes
from tests.loaders.test_readmodel import HEADER, assert_current, csv_bytes

EVENTS = "date,title,source,kind,participants"


def rows(engine: Engine) -> dict[str, pd.DataFrame]:
    """Every observation, assessment and event (with links) by identity, ids left out."""
    out = {}
    with engine.connect() as conn:
        for name, model, key in (
            (
                "observation",
                models.Observation,
                ["participant_code", "indicator_code", "date", "source_id"],
            ),
            (
                "assessment",
                models.Assessment,
                ["participant_code", "item_code", "date", "source_id"],
            ),
            ("event", models.Event, ["date", "title", "source_id"]),
        ):
            t = table(model)
            frame = pd.DataFrame(conn.execute(select(t)).mappings().all())
            if frame.empty:
                out[name] = frame
                continue
            if name == "event":
                links = pd.DataFrame(
                    conn.execute(select(table(models.EventParticipant))).mappings().all(),
                    columns=["event_id", "participant_code"],
                )
                joined = links.groupby("event_id")["participant_code"].agg(
                    lambda s: ";".join(sorted(s))
                )
                frame["participants"] = frame["id"].map(joined).fillna("")
            frame["participant_code"] = frame.get("participant_code", pd.Series(dtype=object))
            out[name] = (
                frame.drop(columns=["id"])
                .fillna({"participant_code": ""})
                .sort_values(key)
                .reset_index(drop=True)
            )
    return out


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, obj=name)


def load(engine: Engine, *lines: str, name: str = "f.csv", user: str | None = None) -> int:
    result = load_bytes(engine=engine, data=csv_bytes(HEADER, *lines), name=name, user=user)
    assert result.load_run_id is not None
    return result.load_run_id


def test_a_load_records_inserts_and_updates_with_before_and_after(ref_engine: Engine) -> None:
    first = load(ref_engine, "AUS,R2.1,2020,1,History source,", "VNM,R2.1,2021,2,History source,")
    second = load(
        ref_engine, "AUS,R2.1,2020,3,History source,fixed", "THA,R2.1,2022,5,History source,"
    )
    mine = history.changes(engine=ref_engine, run_id=first)
    assert sorted(mine["op"]) == ["insert", "insert"]
    assert set(mine["participant_code"]) == {"AUS", "VNM"}
    moved = history.changes(engine=ref_engine, run_id=second).set_index("participant_code")
    assert moved.loc["THA", "op"] == "insert"
    aus = moved.loc["AUS"]
    assert aus["op"] == "update"
    before, after = history.loads(aus["before"]), history.loads(aus["after"])
    assert before is not None and after is not None
    assert (before["value"], before["note"], before["load_run_id"]) == (1.0, "", first)
    assert (after["value"], after["note"], after["load_run_id"]) == (3.0, "fixed", second)
    runs = history.load_runs(
        engine=ref_engine, participant="THA", since=history.Since(after_run=first)
    )
    assert list(runs["id"]) == [second]
    assert int(runs.iloc[0]["changes_insert"]) == 1 and int(runs.iloc[0]["changes_update"]) == 1
    later = history.changes(engine=ref_engine, since=history.Since(after_run=first))
    assert set(later["load_run_id"]) == {second}


def test_undo_restores_exactly_the_state_before_the_run(ref_engine: Engine) -> None:
    load(ref_engine, "AUS,R2.1,2020,1,History source,", "VNM,R2.1,2021,2,History source,")
    before = rows(ref_engine)
    run = load(
        ref_engine,
        "AUS,R2.1,2020,3,History source,fixed",
        "THA,R2.1,2022,5,History source,",
        "ARF,R4.1,2021,2,History source,",
    )
    assert len(rows(ref_engine)["observation"]) == len(before["observation"]) + 2
    done = undo(engine=ref_engine, run_id=run, user="admin-a")
    assert (done.removed, done.restored) == (2, 1)
    assert_same(rows(ref_engine), before)
    assert_current(ref_engine)
    runs = history.load_runs(engine=ref_engine).set_index("id")
    assert runs.loc[run, "undone_by_run_id"] == done.run_id
    assert runs.loc[done.run_id, "undoes_run_id"] == run
    assert runs.loc[done.run_id, "user"] == "admin-a"
    with pytest.raises(UndoRefused, match=f"already undone by run {done.run_id}"):
        undo(engine=ref_engine, run_id=run)
    # The undo is itself a run, and undoing it puts the load's values back.
    undo(engine=ref_engine, run_id=done.run_id)
    aus = rows(ref_engine)["observation"].query(
        "participant_code == 'AUS' and indicator_code == 'R2.1'"
    )
    assert aus["value"].tolist() == [3.0]
    assert_current(ref_engine)


def test_undo_is_refused_when_a_later_run_changed_the_same_rows(ref_engine: Engine) -> None:
    first = load(ref_engine, "AUS,R2.1,2020,1,History source,", name="first.csv")
    second = load(ref_engine, "AUS,R2.1,2020,4,History source,", name="second.csv")
    before = rows(ref_engine)
    with pytest.raises(UndoRefused) as refused:
        undo(engine=ref_engine, run_id=first)
    message = str(refused.value)
    assert f"run {second} (second.csv" in message and "nothing was changed" in message
    assert_same(rows(ref_engine), before)
    # Undo the later run first, then the earlier one goes.
    undone = undo(engine=ref_engine, run_id=second)
    undo(engine=ref_engine, run_id=first)
    left = rows(ref_engine)["observation"]
    assert left.query("indicator_code == 'R2.1' and participant_code == 'AUS'").empty
    # Re-applying the later run (undoing its undo) blocks nothing it did not touch again...
    with pytest.raises(UndoRefused, match="already undone"):
        undo(engine=ref_engine, run_id=first)
    assert undone.run_id > second


def test_a_redone_later_run_still_blocks_the_earlier_undo(ref_engine: Engine) -> None:
    first = load(ref_engine, "AUS,R2.1,2020,1,History source,")
    second = load(ref_engine, "AUS,R2.1,2020,4,History source,")
    back = undo(engine=ref_engine, run_id=second)
    redo = undo(engine=ref_engine, run_id=back.run_id)
    with pytest.raises(UndoRefused, match=f"run {redo.run_id} "):
        undo(engine=ref_engine, run_id=first)


def test_events_and_withdrawn_rows_are_kept_and_restored(ref_engine: Engine) -> None:
    one = (
        EVENTS + "\n2020-03-01,Workshop on atrocity prevention,History source,dialogue,AUS;VNM\n"
    ).encode()
    two = (
        EVENTS + "\n2020-03-01,Workshop on atrocity prevention,History source,meeting,AUS\n"
    ).encode()
    load_bytes(engine=ref_engine, data=one, name="events.csv", replaces_earlier=True)
    before = rows(ref_engine)
    result = load_bytes(engine=ref_engine, data=two, name="events.csv", replaces_earlier=True)
    assert result.updated == 1
    changed = history.changes(engine=ref_engine, run_id=result.load_run_id)
    assert changed["op"].tolist() == ["update"]
    old, new = history.loads(changed.iloc[0]["before"]), history.loads(changed.iloc[0]["after"])
    assert old and new and old["participants"] == ["AUS", "VNM"] and new["participants"] == ["AUS"]
    assert (
        history.load_runs(engine=ref_engine, participant="VNM")["id"].tolist()[0]
        == result.load_run_id
    )
    assert result.load_run_id is not None
    undo(engine=ref_engine, run_id=result.load_run_id)
    assert_same(rows(ref_engine), before)
    # A file that no longer has a row withdraws it; undo brings it back.
    load(
        ref_engine,
        "AUS,R2.1,2020,1,History source,",
        "VNM,R2.1,2020,1,History source,",
        name="w.csv",
    )
    kept = rows(ref_engine)
    shorter = load_bytes(
        engine=ref_engine,
        data=csv_bytes(HEADER, "AUS,R2.1,2020,1,History source,"),
        name="w.csv",
        replaces_earlier=True,
    )
    assert shorter.load_run_id is not None
    gone = history.changes(engine=ref_engine, run_id=shorter.load_run_id)
    assert gone["op"].tolist() == ["delete"] and gone["participant_code"].tolist() == ["VNM"]
    undo(engine=ref_engine, run_id=shorter.load_run_id)
    assert_same(rows(ref_engine), kept)
    assert_current(ref_engine)


def test_sample_removal_is_recorded_and_can_be_undone(sample_engine: Engine) -> None:
    before = rows(sample_engine)
    removed = remove_sample(engine=sample_engine)
    assert removed > 0
    run = int(history.load_runs(engine=sample_engine).iloc[0]["id"])
    with sample_engine.connect() as conn:
        c = table(models.DataChange).c
        deletes = conn.execute(
            select(func.count()).where(
                c.load_run_id == run, c.op == "delete", c.entity == "observation"
            )
        ).scalar()
    assert deletes == removed
    undo(engine=sample_engine, run_id=run)
    assert_same(rows(sample_engine), before)
    assert_current(sample_engine)


def test_rejected_and_unknown_runs_cannot_be_undone(ref_engine: Engine) -> None:
    with pytest.raises(Rejected):
        load(ref_engine, "AUS,NOPE,2020,1,History source,")
    rejected = int(history.load_runs(engine=ref_engine).iloc[0]["id"])
    with pytest.raises(UndoRefused, match="was rejected and wrote nothing"):
        undo(engine=ref_engine, run_id=rejected)
    with pytest.raises(UndoRefused, match="there is no load run 99999"):
        undo(engine=ref_engine, run_id=99999)


def test_review_publishes_only_with_a_second_person(ref_engine: Engine) -> None:
    before = rows(ref_engine)
    pending = load_bytes(
        engine=ref_engine,
        data=csv_bytes(HEADER, "AUS,R1.1,2026,4,Review source,", "VNM,R2.1,2025,3,Review source,"),
        name="pending.csv",
        user="editor-e",
        review=True,
    )
    assert pending.pending and pending.load_run_id is not None
    assert "submitted for review" in pending.summary()
    assert_same(rows(ref_engine), before)  # nothing public yet
    run = pending.load_run_id
    shown = preview(engine=ref_engine, run_id=run, year=2026)
    assert shown.result.inserted == 2
    moved = shown.moved.set_index(["participant_code", "recommendation"])
    assert moved.loc[("VNM", "R2"), "after"] != moved.loc[("VNM", "R2"), "before"]
    assert_same(rows(ref_engine), before)  # a preview writes nothing
    with pytest.raises(ReviewRefused, match="second pair of eyes"):
        publish(engine=ref_engine, run_id=run, reviewer="Editor-E")
    done = publish(engine=ref_engine, run_id=run, reviewer="reviewer-r", comment="checked")
    assert done.inserted == 2
    runs = history.load_runs(engine=ref_engine).set_index("id")
    assert runs.loc[run, "review_state"] == "published"
    assert runs.loc[run, "reviewed_by"] == "reviewer-r" and runs.loc[run, "user"] == "editor-e"
    assert len(history.changes(engine=ref_engine, run_id=run)) == 2
    with pytest.raises(ReviewRefused, match="not pending"):
        publish(engine=ref_engine, run_id=run, reviewer="reviewer-r")
    assert_current(ref_engine)


def test_a_declined_load_writes_nothing_and_says_why(ref_engine: Engine) -> None:
    before = rows(ref_engine)
    pending = load_bytes(
        engine=ref_engine,
        data=csv_bytes(HEADER, "AUS,R1.1,2026,4,Review source,"),
        name="pending.csv",
        user="editor-e",
        review=True,
    )
    assert pending.load_run_id is not None
    with pytest.raises(ReviewRefused, match="comment"):
        decline(engine=ref_engine, run_id=pending.load_run_id, reviewer="reviewer-r", comment=" ")
    decline(
        engine=ref_engine, run_id=pending.load_run_id, reviewer="reviewer-r", comment="no source"
    )
    assert_same(rows(ref_engine), before)
    run = history.load_runs(engine=ref_engine).set_index("id").loc[pending.load_run_id]
    assert (run["review_state"], run["review_comment"]) == ("declined", "no source")
    with pytest.raises(UndoRefused, match="declined, not published"):
        undo(engine=ref_engine, run_id=pending.load_run_id)


def test_history_and_undo_from_the_command_line(
    sqlite_reference_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RTOP_DATABASE_URL", f"sqlite:///{sqlite_reference_path}")
    monkeypatch.setenv("RTOP_USER", "operator-o")
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    first = load(engine, "AUS,R2.1,2020,1,History source,")
    second = load(engine, "AUS,R2.1,2020,2,History source,", "VNM,R2.1,2020,2,History source,")
    capsys.readouterr()
    assert main(["history", "--participant", "VNM", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["id"] == second and first not in [r["id"] for r in listed]
    assert [(c["op"], c["participant"]) for c in listed[0]["changes"]] == [("insert", "VNM")]
    assert main(["undo", str(first)]) == 1
    err = capsys.readouterr().err
    assert f"run {second} (" in err and "Traceback" not in err
    assert main(["undo", str(second)]) == 0
    assert f"undid run {second}" in capsys.readouterr().out
    assert main(["history", "--since", "2000-01-01", "--limit", "5"]) == 0
    text = capsys.readouterr().out
    assert f"[published; undone by run {second + 1}]" in text
    assert "update observation AUS R2.1 2020-01-01: 2 -> 1" in text
    runs = history.load_runs(engine=engine).set_index("id")
    assert runs.loc[second + 1, "user"] == "operator-o"
    engine.dispose()


PEOPLE = ("AUS", "VNM", "THA")
CODES = ("R1.1", "R2.1")


@st.composite
def runs(draw: st.DrawFn) -> list[list[str]]:
    """A few loads of a few rows over a small key space, so that they overlap."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        picked = {}
        for _ in range(draw(st.integers(1, 4))):
            key = (
                draw(st.sampled_from(PEOPLE)),
                draw(st.sampled_from(CODES)),
                draw(st.integers(2019, 2021)),
            )
            picked[key] = draw(st.integers(0, 1))
        out.append([f"{p},{c},{y},{v},Property source,n{v}" for (p, c, y), v in picked.items()])
    return out


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=runs(), replace=st.booleans())
def test_undoing_runs_newest_first_restores_every_earlier_state(
    template_dir: Path, files: list[list[str]], replace: bool
) -> None:
    """For any sequence of loads, undoing them newest first passes back through each state."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.sqlite"
        shutil.copy(template_dir / "reference.sqlite", path)
        engine = make_engine(url=f"sqlite:///{path}")
        try:
            states, ids = [rows(engine)], []
            for lines in files:
                result = load_bytes(
                    engine=engine,
                    data=csv_bytes(HEADER, *lines),
                    name="same.csv",
                    replaces_earlier=replace,
                )
                assert result.load_run_id is not None
                ids.append(result.load_run_id)
                states.append(rows(engine))
            for run_id, state in zip(reversed(ids), reversed(states[:-1]), strict=True):
                if history.changes(engine=engine, run_id=run_id).empty:
                    with pytest.raises(UndoRefused, match="changed no rows"):
                        undo(engine=engine, run_id=run_id)
                    continue
                undo(engine=engine, run_id=run_id)
                assert_same(rows(engine), state)
            assert_current(engine)
        finally:
            engine.dispose()
