"""The collection cycle in the app (issue 18): /gaps says what is known and what is missing
(the Overview's and the tracker's numbers), a contributor submits a record for their scope
only, a reviewer publishes part of a submission, an admin runs a round."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from apptest_support import OpenPage, assert_ok, metrics, table, titles
from test_app_auth import PASSWORD, add, can_open, sign_in

from dashboard import views
from dashboard.core.db import make_engine
from dashboard.filters import Filters, this_year
from dashboard.views import gaps
from loaders import collection


def _scope(db: Path, username: str, participants: list[str]) -> None:
    engine = make_engine(url=f"sqlite:///{db}")
    collection.set_scope(engine=engine, username=username, participants=participants)
    engine.dispose()


def _one(db: Path, sql: str) -> object:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def test_gaps_counts_agree_with_the_overview_and_the_tracker(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path, "gaps.py")
    assert_ok(at)
    assert titles(at) == ["Gaps: the evidence that would change the picture"]
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    ds = views.load_dataset(engine=engine, include_sample=False)
    engine.dispose()
    work = gaps.work_list(ds=ds, filters=Filters(), year=this_year())
    matrix = views.tracker_matrix(ds=ds, filters=Filters(), year=this_year(), sort="grouping")
    current = int((matrix["result"] == "status").sum())
    stale = int((matrix["result"] == "stale evidence").sum())
    assert (work.counts["current"], work.counts["stale"]) == (current, stale)
    assert work.counts["cells"] == 189 == len(matrix)
    said = " ".join(m.value for m in at.markdown)
    assert f"**{current} of 189** national cells" in said and f"**{stale}** rest on stale" in said
    overview = open_page(sqlite_reference_path)
    value = metrics(overview)["National cells with a current status"][0]
    assert value == f"{current} of 189"  # the same count on the Overview
    listed = table(at, "Participant", "Rec.", "Indicator", "Gap")
    assert len(listed) == len(work.rows) > 100
    first = listed.iloc[0]
    assert first["Gap"] in ("no evidence", "lapsed", "stale")  # what would give a status first
    # one participant's list, a page a focal point can act on, with its questionnaire
    at.selectbox(key="p_participant").set_value("VNM").run()
    assert_ok(at)
    mine = table(at, "Participant", "Rec.", "Indicator", "Gap")
    assert set(mine["Participant"]) == {"Viet Nam"}
    own = gaps.counts_for(work, owner="VNM")
    said = " ".join(m.value for m in at.markdown)
    assert f"**{own['current']} of 7** of Viet Nam's national cells" in said  # its own counts
    assert any(b.label.startswith("⬇ Questionnaire for Viet Nam") for b in at.get("download_button"))


def test_a_contributor_submits_a_record_and_a_reviewer_publishes_part(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    db = sqlite_reference_path
    add(db, "vnmfp", "contributor")
    _scope(db, "vnmfp", ["VNM"])
    add(db, "rita", "reviewer")
    at = open_page(db)
    sign_in(at, "vnmfp")
    assert can_open(at, "submit.py") and not can_open(at, "upload.py")
    at.switch_page("submit.py").run()
    assert_ok(at)
    assert "Viet Nam" in " ".join(m.value for m in at.markdown)
    assert at.selectbox(key="submit_for").options == ["Viet Nam"]  # their scope only
    at.selectbox(key="submit_indicator").set_value("R1.1").run()
    at.selectbox(key="submit_value").set_value("3 = appointed")
    at.date_input(key="submit_date").set_value(dt.date(2025, 3, 1))
    at.text_input(key="submit_title").input("MOFA Viet Nam, press release of 1 March 2025")
    at.text_input(key="submit_url").input("https://example.org/vnm/fp")
    at.text_area(key="submit_excerpt").input("Viet Nam appointed a national RtoP focal point.")
    next(b for b in at.button if b.label == "Submit for review").click().run()
    assert_ok(at)
    said = [s.value for s in at.success]
    assert any("submitted for review" in s for s in said), (said, [e.value for e in at.error])
    run = int(_one(db, "SELECT max(id) FROM load_run WHERE review_state = 'pending'"))
    assert _one(db, f"SELECT owners FROM load_run WHERE id = {run}") == "VNM"
    assert _one(db, "SELECT count(*) FROM observation WHERE note LIKE 'Viet Nam appointed%'") == 0
    # the reviewer sees it, opens it (in review), and publishes it
    review = open_page(db)
    sign_in(review, "rita")
    review.switch_page("history.py").run()
    assert_ok(review)
    pending = table(review, "Run", "By", "For")
    assert (int(pending.iloc[0]["Run"]), pending.iloc[0]["By"], pending.iloc[0]["For"]) == (run, "vnmfp", "VNM")
    rows = table(review, "part", "row", "indicator")
    assert list(rows["indicator"]) == ["R1.1"]
    next(b for b in review.button if b.label == "List the statuses it would move").click().run()
    assert _one(db, f"SELECT review_opened_by FROM load_run WHERE id = {run}") == "rita"
    next(b for b in review.button if b.label == "Publish").click().run()
    assert_ok(review)
    assert _one(db, f"SELECT review_state FROM load_run WHERE id = {run}") == "published"
    assert _one(db, "SELECT count(*) FROM observation WHERE note LIKE 'Viet Nam appointed%'") == 1


def test_an_admin_opens_a_round_and_sees_who_is_overdue(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    db = sqlite_reference_path
    engine = make_engine(url=f"sqlite:///{db}")
    collection.set_contact(engine=engine, participant="THA", name="Somchai", email="s@mfa.go.th", user="x")
    engine.dispose()
    add(db, "ann", "admin")
    at = open_page(db)
    sign_in(at, "ann")
    at.switch_page("gaps.py").run()
    assert_ok(at)
    assert "No collection round yet." in " ".join(c.value for c in at.caption)
    at.text_input(key="gaps_round_name").input("ARF ISM 2027")
    at.date_input(key="gaps_round_due").set_value(dt.date.today() - dt.timedelta(days=1))
    next(b for b in at.button if b.label == "Open the round").click().run()
    assert_ok(at)
    at.run()
    status = table(at, "Participant", "State", "Focal contact").set_index("Participant")
    assert status.loc["Thailand", "State"] == "nothing received"
    assert status.loc["Thailand", "Focal contact"] == "Somchai"
    assert any("- Thailand: Somchai <s@mfa.go.th>" in c.value for c in at.code)
    # a viewer sees the round's states, never the contacts
    guest = open_page(db, "gaps.py")
    shown = table(guest, "Participant", "State")
    assert "E-mail" not in shown.columns and "Focal contact" not in shown.columns
    assert not [c for c in guest.code if "s@mfa.go.th" in c.value]
    assert PASSWORD  # the accounts above sign in with it
