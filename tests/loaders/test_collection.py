"""The collection cycle (issue 18): the questionnaire's round trip, contributors' scope,
collection rounds and focal contacts; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard import explain, views
from dashboard.cli import main
from dashboard.core import models
from dashboard.core.models import table
from dashboard.export import questionnaire as template
from loaders import collection
from loaders.errors import Rejected
from loaders.review import publish
from loaders.store import load_bytes

YEAR = 2026


def _form(engine: Engine, owner: str, *, made_at: dt.datetime | None = None) -> bytes:
    ds = views.load_dataset(engine=engine, include_sample=False)
    return template.template(ds=ds, owner=owner, year=YEAR, made_at=made_at)


def _fill(data: bytes, answers: dict[str, dict[str, object]], events: list[list[str]] = ()) -> bytes:
    """Fill a questionnaire as a focal point would, with openpyxl: the yellow columns of the
    rows answered, and rows of the events sheet."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["questionnaire"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    for r in range(2, ws.max_row + 1):
        answer = answers.get(str(ws.cell(r, col["indicator"]).value))
        for key, value in (answer or {}).items():
            ws.cell(r, col[key]).value = value
    for row in events:
        wb["events"].append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


FOCAL_POINT = {
    "new_value": "3 = appointed",
    "date": dt.date(2025, 3, 1),
    "date_precision": "day",
    "source_title": "Ministry of Foreign Affairs of Viet Nam, press release of 1 March 2025",
    "source_url": "https://example.org/vnm/focal-point",
    "excerpt": "Viet Nam has appointed a national focal point on the responsibility to protect.",
    "comment": "Seen on the ministry's site.",
}


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table(model))) or 0)


def test_a_questionnaire_goes_out_and_comes_back(ref_engine: Engine) -> None:
    """Make Viet Nam's questionnaire, fill it with openpyxl (a level, a date, a URL, an
    excerpt), load it with the ordinary loader: the cell's status and its explanation show it."""
    before = views.load_dataset(engine=ref_engine, include_sample=False)
    was = explain.explain(ds=before, participant="VNM", recommendation="R1", year=YEAR)
    assert was["result"] == "no data"
    data = _fill(_form(ref_engine, "VNM"), {"R1.1": FOCAL_POINT})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["Instructions", "questionnaire"]
    assert wb["_meta"].sheet_state == "hidden" and wb["_lists"].sheet_state == "hidden"
    header = [c.value for c in wb["questionnaire"][1]]
    for name in ("indicator", "new_value", "date", "date_precision", "source_title",
                 "source_url", "excerpt", "comment"):  # fmt: skip
        assert name in header  # the names other tools write
    checked = load_bytes(engine=ref_engine, data=data, name="vnm-reply.xlsx", dry_run=True)
    assert (checked.kind, checked.inserted) == ("questionnaire", 1)
    assert any("untouched row(s) ignored" in n for n in checked.notes)
    assert any("comment for the reviewer: Seen on the ministry's site." in n for n in checked.notes)
    done = load_bytes(engine=ref_engine, data=data, name="vnm-reply.xlsx")
    assert done.inserted == 1
    ds = views.load_dataset(engine=ref_engine, include_sample=False)
    why = explain.explain(ds=ds, participant="VNM", recommendation="R1", year=YEAR)
    assert why["status_label"] == "Substantial progress" and why["result"] == "status"
    r11 = {i["code"]: i for i in why["indicators"]}["R1.1"]
    assert (r11["value"], r11["date"], r11["counted"]) == (3.0, "2025-03-01", True)
    assert r11["source_url"] == "https://example.org/vnm/focal-point"
    assert r11["note"].startswith("Viet Nam has appointed")
    # Loaded again: nothing new, and the check says the form's record changed since it was made
    again = load_bytes(engine=ref_engine, data=data, name="vnm-reply.xlsx", dry_run=True)
    assert again.inserted == 0
    assert any(n.startswith("CHANGED SINCE THE FORM WAS MADE") for n in again.notes)


def test_a_bad_reply_names_the_questionnaires_own_columns_and_writes_nothing(
    ref_engine: Engine,
) -> None:
    observations = _count(ref_engine, models.Observation)
    events = _count(ref_engine, models.Event)
    bad = _fill(
        _form(ref_engine, "VNM"),
        {
            "R1.1": {**FOCAL_POINT, "new_value": "9"},  # no such level
            "R2.1": {"new_value": "2", "date": "2025", "date_precision": "year"},  # no source
        },
        events=[["2025-05-02", "National RtoP seminar, Ha Noi", "dialogue", "R2", "MOFA",
                 "javascript:alert(1)", ""]],  # fmt: skip
    )
    with pytest.raises(Rejected) as info:
        load_bytes(engine=ref_engine, data=bad, name="vnm-bad.xlsx")
    said = [str(p) for p in info.value.problems]
    assert any(s.startswith("vnm-bad.xlsx:") and ": source_title: empty" in s for s in said), said
    assert _count(ref_engine, models.Observation) == observations
    # The values are fine once sourced; the events sheet's bad link still refuses the whole
    # file: observations and events are one all-or-nothing load.
    fixed = _fill(
        _form(ref_engine, "VNM"),
        {"R1.1": FOCAL_POINT},
        events=[["2025-05-02", "National RtoP seminar, Ha Noi", "dialogue", "R2", "MOFA",
                 "javascript:alert(1)", ""]],  # fmt: skip
    )
    with pytest.raises(Rejected) as info:
        load_bytes(engine=ref_engine, data=fixed, name="vnm-fixed.xlsx")
    assert any(": url: " in str(p) and "not a web link" in str(p) for p in info.value.problems)
    assert _count(ref_engine, models.Observation) == observations
    assert _count(ref_engine, models.Event) == events
    value = _fill(_form(ref_engine, "VNM"), {"R1.1": {**FOCAL_POINT, "new_value": "9"}})
    with pytest.raises(Rejected) as info:
        load_bytes(engine=ref_engine, data=value, name="vnm-value.xlsx")
    assert [p.column for p in info.value.problems] == ["new_value"]  # not 'value'


def test_the_regions_questionnaire_asks_for_the_regional_recommendations_and_next_steps(
    ref_engine: Engine,
) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(_form(ref_engine, "ARF")))
    codes = [r[2] for r in wb["questionnaire"].iter_rows(min_row=2, values_only=True)]
    assert {"R4.1", "R8.1", "R11a.1", "STEP1.1", "STEP4.1"} <= set(codes)
    assert not [c for c in codes if c.startswith(("R1.", "TR."))]
    assert {r[0] for r in wb["questionnaire"].iter_rows(min_row=2, values_only=True)} == {"ARF"}


def test_a_contributor_submits_for_their_scope_only(ref_engine: Engine) -> None:
    """Outside the scope: refused with the row named and nothing written; inside it: held for a
    reviewer whatever RTOP_REVIEW says, then published by another account."""
    csv = (
        b"participant,indicator,date,value,source,note\n"
        b"VNM,R2.1,2025,1,Contributor source,\n"
        b"Thailand,R2.1,2025,2,Contributor source,\n"
        b"Cambodia,R2.1,2025,1,Contributor source,\n"
    )
    runs = _count(ref_engine, models.LoadRun)
    with pytest.raises(Rejected) as info:
        collection.submit(engine=ref_engine, data=csv, name="mine.csv", user="vnmfp",
                          scope=frozenset({"VNM", "THA"}))  # fmt: skip
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (4, "participant")
    assert "'Cambodia' is outside what vnmfp may submit for (THA, VNM)" in problem.reason
    assert _count(ref_engine, models.LoadRun) == runs  # nothing written, not even a run
    inside = csv.decode().rsplit("\n", 2)[0].encode() + b"\n"
    held = collection.submit(engine=ref_engine, data=inside, name="mine.csv", user="vnmfp",
                             scope=frozenset({"VNM", "THA"}))  # fmt: skip
    assert held.pending and held.load_run_id is not None
    with Session(ref_engine) as session:
        run = session.get(models.LoadRun, held.load_run_id)
        assert run is not None and (run.review_state, run.owners) == ("pending", "THA;VNM")
    done = publish(engine=ref_engine, run_id=held.load_run_id, reviewer="rita")
    assert done.inserted == 2


def test_a_round_shows_each_participants_progress_and_who_is_overdue(ref_engine: Engine) -> None:
    opened = collection.open_round(
        engine=ref_engine, name="ARF ISM 2027", due=dt.date.today() - dt.timedelta(days=1),
        user="org",
    )  # fmt: skip
    with pytest.raises(collection.CollectionError, match="still open"):
        collection.open_round(engine=ref_engine, name="Another", due=dt.date.today(), user="o")
    collection.set_contact(engine=ref_engine, participant="THA", name="Somchai", email="s@mfa.go.th",
                           user="org")  # fmt: skip
    with pytest.raises(collection.CollectionError, match="invalid e-mail"):
        collection.set_contact(engine=ref_engine, participant="THA", name="X", email="nope", user="o")
    held = collection.submit(
        engine=ref_engine, data=b"participant,indicator,date,value,source\nVNM,R2.1,2025,1,Src\n",
        name="vnm.csv", user="vnmfp", scope=frozenset({"VNM"}),
    )  # fmt: skip
    load_bytes(engine=ref_engine, data=b"participant,indicator,date,value,source\nKHM,R2.1,2025,1,Src\n",
               name="khm.csv")  # fmt: skip
    status = collection.round_status(engine=ref_engine, round_=opened).set_index("participant")
    assert status.loc["VNM", "state"] == "submitted"
    assert status.loc["KHM", "state"] == "published"
    assert status.loc["THA", "state"] == "nothing received" and bool(status.loc["THA", "overdue"])
    assert held.load_run_id is not None
    collection.mark_opened(engine=ref_engine, run_id=held.load_run_id, reviewer="rita")
    status = collection.round_status(engine=ref_engine, round_=opened).set_index("participant")
    assert status.loc["VNM", "state"] == "in review"
    text = collection.reminder(status=status.reset_index(), round_=opened)
    assert "- Thailand: Somchai <s@mfa.go.th>" in text and "To: s@mfa.go.th" in text
    assert "Viet Nam" not in text  # it has submitted
    closed = collection.close_round(engine=ref_engine, user="org")
    assert not closed.open


def test_the_cli_adds_a_contributor_and_runs_a_round(
    sqlite_reference_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RTOP_DATABASE_URL", f"sqlite:///{sqlite_reference_path}")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["users", "add", "vnmfp", "--role", "contributor", "--participants",
                 "Vietnam, Thailand", "--password-stdin"]) == 0  # fmt: skip
    assert "added user vnmfp (contributor, for VNM, THA;" in capsys.readouterr().out
    assert main(["users", "add", "bob", "--role", "contributor", "--no-password",
                 "--email", "b@x.org"]) == 1  # fmt: skip
    assert "--participants VNM,THA" in capsys.readouterr().err
    assert main(["round", "open", "ARF ISM 2027", "--due", "2027-03-01"]) == 0
    assert main(["contacts", "set", "Viet Nam", "--name", "Focal Point", "--email", "fp@mofa.gov.vn"]) == 0
    capsys.readouterr()
    assert main(["round", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["round"] == "ARF ISM 2027" and status["open"]
    vnm = next(p for p in status["participants"] if p["participant"] == "VNM")
    assert (vnm["state"], vnm["email"]) == ("nothing received", "fp@mofa.gov.vn")
    out = sqlite_reference_path.with_suffix(".xlsx")
    assert main(["template", "VNM", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out)["_meta"]["B2"].value == "VNM"
    capsys.readouterr()
    assert main(["gaps", "--participant", "VNM", "--json"]) == 0
    gaps = json.loads(capsys.readouterr().out)
    assert gaps["schema"] == 1 and gaps["counts"]["cells"] == 7
    assert all(g["owner"] == "VNM" for g in gaps["gaps"])
    assert main(["round", "close"]) == 0
