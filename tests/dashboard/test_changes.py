"""What changed since a date: the statuses the evidence moved, the evidence, and the events —
built on the history, so updates, removals and undos are taken back correctly."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from pptx import Presentation
from sqlalchemy import update
from sqlalchemy.engine import Engine

from dashboard import export
from dashboard.core import models
from dashboard.core.models import table
from dashboard.filters import Filters
from dashboard.views import changes
from dashboard.views.dataset import load_dataset
from loaders.history import undo
from loaders.store import load_bytes

HEADER = "participant,indicator,date,value,source,note"
YEAR = dt.date.today().year
TODAY = dt.date.today()


def load(engine: Engine, *lines: str, name: str = "f.csv") -> int:
    result = load_bytes(
        engine=engine, data=("\n".join([HEADER, *lines]) + "\n").encode(), name=name
    )
    assert result.load_run_id is not None
    return result.load_run_id


def backdate(engine: Engine, days: int) -> None:
    """Move every load run so far `days` into the past (as if loaded before the meeting)."""
    r = table(models.LoadRun)
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with engine.begin() as conn:
        conn.execute(update(r).values(started_at=then, finished_at=then))


def moved(engine: Engine, since: dt.date, **filters: object) -> changes.WhatChanged:
    ds = load_dataset(engine=engine, include_sample=False)
    return changes.changes_for(ds=ds, filters=Filters(**filters), since=since)  # type: ignore[arg-type]


def row(frame: pd.DataFrame, participant: str, rec: str) -> pd.Series:
    found = frame[(frame["participant"] == participant) & (frame["recommendation"] == rec)]
    assert len(found) == 1, frame
    return found.iloc[0]


def test_only_changes_since_the_date_move_statuses(ref_engine: Engine) -> None:
    load(ref_engine, f"KHM,R1.1,{YEAR},1,Meeting source,", name="before.csv")
    backdate(ref_engine, 30)  # everything so far was known at the meeting
    meeting = TODAY - dt.timedelta(days=10)
    assert moved(ref_engine, meeting).statuses.empty
    run = load(
        ref_engine, f"KHM,R1.1,{YEAR},4,Meeting source,", f"LAO,R1.1,{YEAR},3,Meeting source,"
    )
    found = moved(ref_engine, meeting)
    khm, lao = row(found.statuses, "KHM", "R1"), row(found.statuses, "LAO", "R1")
    assert khm["direction"] == "up" and lao["direction"] == "new status"
    assert khm["before"] != khm["after"] and "No data" in lao["before"]
    assert f"run {run}:" in khm["loads"] and "National RtoP focal point" in khm["evidence"]
    assert khm["name"] == "Cambodia"
    assert found.summary["statuses changed"] == 2 and found.summary["participants affected"] == 2
    assert found.summary["evidence added"] == 1 and found.summary["evidence changed"] == 1
    changed = found.evidence[found.evidence["change"] == "changed"].iloc[0]
    assert (changed["participant"], changed["before"], changed["after"]) == ("KHM", "1", "4")
    # The selection narrows it; a date after the load shows nothing.
    assert list(moved(ref_engine, meeting, participants=("LAO",)).statuses["participant"]) == [
        "LAO"
    ]
    assert moved(ref_engine, TODAY + dt.timedelta(days=1)).statuses.empty


def test_an_undo_since_the_meeting_nets_to_nothing(ref_engine: Engine) -> None:
    load(ref_engine, f"KHM,R1.1,{YEAR},1,Meeting source,")
    backdate(ref_engine, 30)
    run = load(ref_engine, f"KHM,R1.1,{YEAR},4,Meeting source,")
    undo(engine=ref_engine, run_id=run)
    found = moved(ref_engine, TODAY - dt.timedelta(days=1))
    assert found.statuses.empty  # changed and changed back: the status is as it was
    assert found.summary["evidence changed"] == 2  # both the change and its undo are listed


def test_removed_evidence_is_put_back_for_then(ref_engine: Engine) -> None:
    load(ref_engine, f"KHM,R1.1,{YEAR},3,Meeting source,", name="w.csv")
    backdate(ref_engine, 30)
    load_bytes(
        engine=ref_engine,
        data=f"{HEADER}\nLAO,R1.1,{YEAR},1,Meeting source,\n".encode(),
        name="w.csv",
        replaces_earlier=True,  # the KHM row is withdrawn
    )
    found = moved(ref_engine, TODAY - dt.timedelta(days=1))
    khm = row(found.statuses, "KHM", "R1")
    assert khm["direction"] == "status lost"
    assert found.summary["evidence removed"] == 1


def test_meetings_are_the_recorded_meeting_events(ref_engine: Engine) -> None:
    ds = load_dataset(engine=ref_engine, include_sample=False)
    found = changes.meetings(ds=ds)
    assert len(found) >= 4 and found["kind"].str.contains("meeting").all()
    assert found["date"].is_monotonic_decreasing


def test_the_briefing_pack_has_the_what_happened_slide(ref_engine: Engine) -> None:
    """The pack's slide leads, as the page does, with what happened by the evidence's own dates
    (Cambodia's focal point, dated three days ago), and says in one line what was newly
    recorded."""
    dated = (TODAY - dt.timedelta(days=3)).isoformat()
    load(ref_engine, f"KHM,R1.1,{dated},1,Meeting source,")
    backdate(ref_engine, 30)
    load(ref_engine, f"KHM,R1.1,{dated},4,Meeting source,")
    ds = load_dataset(engine=ref_engine, include_sample=False)
    since = TODAY - dt.timedelta(days=7)
    pack = export.briefing.build_pack(ds=ds, filters=Filters(), since=since)
    slide = next(s for s in pack.slides if s.title.startswith("What happened"))
    assert slide.title == f"What happened since {since.day} {since:%b %Y}"
    assert slide.table is not None and list(slide.table.frame["Participant"]) == ["Cambodia"]
    assert slide.bullets[0].startswith("By the evidence's own dates: 1 status change(s)")
    assert slide.bullets[1].startswith("New in our records since then:")
    data = export.briefing.to_pptx(pack)
    texts = [
        shape.text_frame.text
        for s in Presentation(io.BytesIO(data)).slides
        for shape in s.shapes
        if shape.has_text_frame
    ]
    assert any(t.startswith("What happened since") for t in texts)
    plain = export.briefing.build_pack(ds=ds, filters=Filters())
    assert not any(s.title.startswith("What happened") for s in plain.slides)


def test_a_regional_change_is_taken_back_for_the_region(ref_engine: Engine) -> None:
    """A regional value (no participant) changed after the meeting: "then" is the region's
    status on the old value, and the evidence row names the region."""
    load(ref_engine, f"region,R8.1,{YEAR},4,Meeting source,", name="region.csv")
    backdate(ref_engine, 30)
    before = moved(ref_engine, TODAY - dt.timedelta(days=1))
    assert before.statuses.empty
    # with a participant's row in the same history, as real loads mix them
    load(
        ref_engine,
        f"region,R8.1,{YEAR},1,Meeting source,",
        f"KHM,R1.1,{YEAR},2,Meeting source,",
        name="region.csv",
    )
    found = moved(ref_engine, TODAY - dt.timedelta(days=1))
    arf = row(found.statuses, "ARF", "R8")
    assert arf["direction"] == "down" and "No data" not in arf["before"]
    changed = found.evidence[found.evidence["change"] == "changed"]
    assert list(changed["participant"]) == ["ARF"]
    assert set(found.evidence["participant"]) == {"ARF", "KHM"}
    assert (changed.iloc[0]["before"], changed.iloc[0]["after"]) == ("4", "1")
