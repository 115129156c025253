"""Loading observation and event files: every format, every kind, and every kind of bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import models
from loaders.errors import NotInitialised, Rejected
from loaders.store import load_bytes, load_path

FIX = Path(__file__).parent.parent / "fixtures"
DATA_TABLES = (
    "observation",
    "assessment",
    "event",
    "event_participant",
    "event_item",
    "event_pillar",
    "source",
    "participant",
    "indicator",
    "framework_item",
)


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every data table (the load-run log excluded), for before/after comparison."""
    out = {}
    with engine.connect() as conn:
        for table in DATA_TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608 (fixed names)
            out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def obs_rows(engine: Engine) -> list[models.Observation]:
    with Session(engine) as s:
        return list(s.exec(select(models.Observation)).scalars())  # type: ignore[call-overload]


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


HEADER = "participant,indicator,date,value,source,note"


def rejected(engine: Engine, data: bytes, name: str = "bad.csv", **kw: object) -> list[str]:
    before = snapshot(engine)
    with pytest.raises(Rejected) as info:
        load_bytes(engine=engine, data=data, name=name, **kw)  # type: ignore[arg-type]
    assert snapshot(engine) == before, "a rejected file must leave the data exactly as it was"
    return [str(p) for p in info.value.problems]


def test_csv_loads_with_aliases_precision_and_region(ref_engine: Engine) -> None:
    before = len(obs_rows(ref_engine))
    result = load_path(engine=ref_engine, path=FIX / "observations_good.csv")
    assert (result.kind, result.file_format, result.inserted) == ("observations", "csv", 4)
    assert len(obs_rows(ref_engine)) == before + 4
    rows = {(o.participant_code, o.indicator_code): o for o in obs_rows(ref_engine)}
    vnm = rows[("VNM", "R1.1")]
    assert (vnm.value, vnm.precision, str(vnm.date)) == (2.0, "year", "2019-01-01")
    assert rows[("THA", "R2.1")].precision == "month"
    assert rows[("KOR", "R3.2")].precision == "day" and rows[("KOR", "R3.2")].value == 42.5
    assert rows[(None, "R4.1")].value == 1.0
    assert "read participant 'Viet Nam' as VNM" in result.notes
    assert "read participant 'South Korea' as KOR" in result.notes


def test_same_file_twice_adds_nothing_and_says_so(ref_engine: Engine) -> None:
    load_path(engine=ref_engine, path=FIX / "observations_good.csv")
    count = len(obs_rows(ref_engine))
    again = load_path(engine=ref_engine, path=FIX / "observations_good.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
    assert "already loaded: nothing added" in again.summary()
    assert len(obs_rows(ref_engine)) == count


def test_changed_value_updates_in_place(ref_engine: Engine) -> None:
    load_path(engine=ref_engine, path=FIX / "observations_good.csv")
    changed = csv_bytes(
        HEADER, "VNM,R1.1,2019,3,Ministry report 2019,focal point designated informally"
    )
    result = load_bytes(engine=ref_engine, data=changed, name="fix.csv")
    assert (result.inserted, result.updated) == (0, 1)
    vnm = [
        o
        for o in obs_rows(ref_engine)
        if o.participant_code == "VNM" and o.indicator_code == "R1.1"
    ]
    assert [o.value for o in vnm] == [3.0]


def test_semicolon_csv_with_bom(ref_engine: Engine) -> None:
    result = load_path(engine=ref_engine, path=FIX / "observations_semicolon_bom.csv")
    assert result.inserted == 2
    notes = {o.participant_code: o.note for o in obs_rows(ref_engine)}
    assert notes["LAO"] == "under discussion; noted"
    assert "PRK" in notes


def test_json_list_of_objects(ref_engine: Engine) -> None:
    result = load_path(engine=ref_engine, path=FIX / "observations.json")
    assert (result.file_format, result.inserted) == ("json", 2)
    assert {o.participant_code for o in obs_rows(ref_engine)} >= {"VNM", "TLS"}


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_first_sheet_and_numeric_cells(ref_engine: Engine) -> None:
    data = _xlsx({"Data": [HEADER.split(","), ["Malaysia", "R2.1", 2018, 4, "MYS report", None]]})
    result = load_bytes(engine=ref_engine, data=data, name="upload.xlsx")
    assert (result.file_format, result.inserted) == ("xlsx", 1)
    # the shipped evidence has other Malaysian R2.1 rows (2015), none in 2018
    mys = [
        o
        for o in obs_rows(ref_engine)
        if (o.participant_code, o.indicator_code) == ("MYS", "R2.1") and o.date.year == 2018
    ]
    assert [(o.value, str(o.date), o.precision) for o in mys] == [(4.0, "2018-01-01", "year")]


def test_xlsx_sheet_named_after_kind(ref_engine: Engine) -> None:
    data = _xlsx(
        {
            "Readme": [["this sheet explains the file"]],
            "events": [["date", "title", "source"], ["2022-11", "Workshop on RtoP", "ARF note"]],
        }
    )
    result = load_bytes(engine=ref_engine, data=data, name="upload.xlsx", kind="events")
    assert (result.kind, result.inserted) == ("events", 1)


def test_events_with_links_and_precision(ref_engine: Engine) -> None:
    result = load_path(engine=ref_engine, path=FIX / "events_good.csv")
    assert (result.kind, result.inserted) == ("events", 2)
    with Session(ref_engine) as s:
        ev = (
            s.exec(select(models.Event).where(models.Event.title.like("ARF Ministerial%")))
            .scalars()
            .one()
        )  # type: ignore[call-overload, union-attr]
        people = set(
            s.exec(
                select(models.EventParticipant.participant_code).where(
                    models.EventParticipant.event_id == ev.id
                )
            ).scalars()
        )  # type: ignore[call-overload]
        items = set(
            s.exec(
                select(models.EventItem.item_code).where(models.EventItem.event_id == ev.id)
            ).scalars()
        )  # type: ignore[call-overload]
        training = (
            s.exec(
                select(models.Event).where(
                    models.Event.title == "Regional training on early warning"
                )
            )
            .scalars()
            .one()
        )  # type: ignore[call-overload]
    assert (ev.precision, people, items) == ("day", {"THA", "VNM"}, {"R5", "R5a"})
    assert (training.precision, str(training.end_date)) == ("year", "2021-01-01")
    again = load_path(engine=ref_engine, path=FIX / "events_good.csv")
    assert (again.inserted, again.unchanged) == (0, 2)


def test_dry_run_counts_and_writes_nothing(ref_engine: Engine) -> None:
    before = snapshot(ref_engine)
    result = load_path(engine=ref_engine, path=FIX / "observations_good.csv", dry_run=True)
    assert result.dry_run and result.inserted == 4
    assert snapshot(ref_engine) == before


def test_unknown_participant_suggests_closest(ref_engine: Engine) -> None:
    problems = rejected(ref_engine, csv_bytes(HEADER, "Vietnan,R1.1,2019,2,src,"))
    assert problems == [
        "bad.csv:2: participant: unknown participant 'Vietnan' (did you mean Viet Nam / VNM?)"
    ]


def test_unknown_indicator(ref_engine: Engine) -> None:
    problems = rejected(ref_engine, csv_bytes(HEADER, "VNM,R1.9,2019,2,src,"))
    assert len(problems) == 1 and problems[0].startswith(
        "bad.csv:2: indicator: unknown indicator 'R1.9'"
    )
    assert "did you mean R1." in problems[0]


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("2019-13", "'2019-13' is not a real calendar date"),
        ("2021-02-30", "'2021-02-30' is not a real calendar date"),
        ("19/05/2020", "'19/05/2020' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        ("", "empty: a date is required (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("2999", "'2999' is in the future; observations record facts"),
    ],
)
def test_bad_dates(ref_engine: Engine, date: str, reason: str) -> None:
    problems = rejected(ref_engine, csv_bytes(HEADER, f"VNM,R1.1,{date},2,src,"))
    assert problems == [f"bad.csv:2: date: {reason}"]


@pytest.mark.parametrize(
    ("indicator", "value", "reason"),
    [
        ("R1.1", "high", "'high' is not a number"),
        ("R1.1", "7", "ordinal indicator: value must be a whole level from 0 to 4, got 7"),
        ("R1.1", "2.5", "ordinal indicator: value must be a whole level from 0 to 4, got 2.5"),
        ("R1.2", "2", "binary indicator: value must be 0 or 1 (or yes/no), got 2"),
        ("R2.1", "-1", "count: value must be a whole number >= 0, got -1"),
        ("R3.2", "120", "percent: value must be between 0 and 100, got 120"),
        ("R1.1", "", "empty: a value is required"),
        # not finite, absurdly large, or a decimal comma: refused, never loaded as a count
        ("R2.1", "inf", "'inf' is not a finite number"),
        ("R2.1", "1e309", "'1e309' is not a finite number"),
        ("R2.1", "-Infinity", "'-Infinity' is not a finite number"),
        ("R2.1", "NaN", "'NaN' is not a number"),
        ("R2.1", "1e15", "'1e15' is out of range (values up to 1,000,000,000,000)"),
        (
            "R3.2",
            '"2,5"',
            "'2,5' has a comma: write a decimal point (2.5) and no thousands separator",
        ),
    ],
)
def test_bad_values(ref_engine: Engine, indicator: str, value: str, reason: str) -> None:
    before = snapshot(ref_engine)
    problems = rejected(ref_engine, csv_bytes(HEADER, f"VNM,{indicator},2019,{value},src,"))
    assert problems == [f"bad.csv:2: value: {reason}"]
    assert snapshot(ref_engine) == before


def test_json_infinity_is_refused_and_thousands_separators_read(ref_engine: Engine) -> None:
    data = (
        b'[{"participant": "VNM", "indicator": "R2.1", "date": "2019", "value": Infinity,'
        b' "source": "src"}]'
    )
    problems = rejected(ref_engine, data, name="bad.json")
    assert len(problems) == 1 and problems[0].endswith("is not a finite number"), problems
    result = load_bytes(
        engine=ref_engine, data=csv_bytes(HEADER, 'VNM,R2.1,2019,"1,234",src,'), name="ok.csv"
    )
    assert result.inserted == 1
    with ref_engine.connect() as conn:
        values = conn.execute(
            text("SELECT value FROM observation WHERE indicator_code = 'R2.1'")
        ).scalars()
        assert 1234.0 in list(values)


def test_binary_accepts_yes_no(ref_engine: Engine) -> None:
    result = load_bytes(
        engine=ref_engine, data=csv_bytes(HEADER, "VNM,R1.2,2019,yes,src,"), name="ok.csv"
    )
    assert result.inserted == 1


def test_every_problem_reported_at_once(ref_engine: Engine) -> None:
    problems = rejected(
        ref_engine,
        csv_bytes(
            HEADER,
            "VNM,R1.1,2019,2,src,",
            "Atlantis,R1.1,2019,2,src,",
            "VNM,R1.1,20x9,2,src,",
            "VNM,R1.1,2019,2,,",
        ),
    )
    assert [p.split(" ", 1)[0] for p in problems] == ["bad.csv:3:", "bad.csv:4:", "bad.csv:5:"]
    assert any("source: empty: every figure needs a source" in p for p in problems)


def test_missing_required_column(ref_engine: Engine) -> None:
    problems = rejected(
        ref_engine, csv_bytes("participant,indicator,date,source", "VNM,R1.1,2019,src")
    )
    assert problems == [
        "bad.csv:1: value: missing required column(s) value; found: participant, indicator, date, source"
    ]


def test_conflicting_duplicates_in_one_file(ref_engine: Engine) -> None:
    problems = rejected(
        ref_engine, csv_bytes(HEADER, "VNM,R1.1,2019,2,src,", "Viet Nam,R1.1,2019,3,src,")
    )
    assert "bad.csv:3: value: conflicts with row 2" in problems[-1]


def test_exact_duplicates_counted_once(ref_engine: Engine) -> None:
    result = load_bytes(
        engine=ref_engine,
        data=csv_bytes(HEADER, "VNM,R1.1,2019,2,src,", "VNM,R1.1,2019,2,src,"),
        name="d.csv",
    )
    assert result.inserted == 1
    assert "1 row(s) repeat an earlier row exactly; counted once" in result.notes


def test_participant_level_indicator_needs_participant(ref_engine: Engine) -> None:
    problems = rejected(ref_engine, csv_bytes(HEADER, ",R1.1,2019,2,src,"))
    assert problems == [
        "bad.csv:2: participant: empty: indicator R1.1 is measured per participant: write the "
        "participant's code or name (e.g. VNM or Viet Nam)"
    ]


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("empty.csv", "bad.csv:-: the file is empty"),
        ("header_only.csv", "bad.csv:-: the file has a header but no data rows"),
        ("garbage.bin", "bad.csv:-: binary data: not a CSV, XLSX or JSON file"),
    ],
)
def test_unusable_files(ref_engine: Engine, fixture: str, reason: str) -> None:
    assert rejected(ref_engine, (FIX / fixture).read_bytes()) == [reason]


def test_latin1_text_is_named(ref_engine: Engine) -> None:
    problems = rejected(
        ref_engine, csv_bytes(HEADER) + "VNM,R1.1,2019,2,Minist\xe8re,\n".encode("latin-1")
    )
    assert problems[0].startswith("bad.csv:2: not UTF-8 text")


def test_huge_line(ref_engine: Engine) -> None:
    problems = rejected(ref_engine, csv_bytes(HEADER, "VNM,R1.1,2019,2,src," + "x" * 200_000))
    assert problems == ["bad.csv:2: note: cell is 200,000 characters long (limit 10,000)"]


def test_broken_xlsx_and_json(ref_engine: Engine) -> None:
    assert rejected(ref_engine, b"PK\x03\x04garbage", name="x.xlsx")[0].startswith(
        "x.xlsx:-: not a readable XLSX workbook"
    )
    assert rejected(ref_engine, b'[{"participant": "VNM",', name="x.json")[0].startswith(
        "x.json:1: invalid JSON"
    )
    assert rejected(ref_engine, json.dumps({"a": 1}).encode(), name="y.json") == [
        "y.json:-: expected a JSON list of objects"
    ]


def test_bad_event_rows(ref_engine: Engine) -> None:
    problems = rejected(
        ref_engine,
        csv_bytes(
            "date,end_date,title,participants,items,pillars,source",
            "2020-05,2019,Meeting,Narnia,R99,4,src",
        ),
        kind="events",
    )
    assert problems == [
        "bad.csv:2: end_date: ends before it starts (2020-05)",
        "bad.csv:2: items: unknown item(s): R99 (use codes such as R4 or R10c)",
        "bad.csv:2: participants: unknown participant(s): Narnia",
        "bad.csv:2: pillars: unknown pillar(s): 4 (use 1, 2 or 3)",
    ]


def test_rejection_is_logged_as_a_load_run(ref_engine: Engine) -> None:
    rejected(ref_engine, csv_bytes(HEADER, "Atlantis,R1.1,2019,2,src,"))
    with Session(ref_engine) as s:
        run = s.exec(select(models.LoadRun).order_by(models.LoadRun.id.desc())).scalars().first()  # type: ignore[call-overload, union-attr]
    assert run.status == "rejected" and "Atlantis" in run.errors


def test_expert_assessment_row(ref_engine: Engine) -> None:
    data = csv_bytes(
        HEADER + ",status,assessor,rationale",
        'VNM,R1,2020,,Expert panel 2020,,Initiated,APR2P expert panel,"Focal point named, no report yet"',
    )
    result = load_bytes(engine=ref_engine, data=data, name="a.csv")
    assert result.inserted == 1
    with Session(ref_engine) as s:
        a = s.exec(select(models.Assessment)).scalars().one()  # type: ignore[call-overload]
    assert (a.participant_code, a.item_code, a.status) == ("VNM", "R1", 2)
    assert (a.assessor, a.rationale) == ("APR2P expert panel", "Focal point named, no report yet")


def test_expert_assessment_needs_assessor_and_rationale(ref_engine: Engine) -> None:
    """Status rule 2.0: an assessment overrides the rule only if it says who assessed it and why."""
    problems = rejected(
        ref_engine,
        csv_bytes(
            HEADER + ",status", "VNM,R1.1,2019,2,src,", "VNM,R1,2020,,Expert panel 2020,,Initiated"
        ),
    )
    assert problems == [
        "bad.csv:3: assessor: empty: an expert assessment must name its assessor (a person or body)",
        "bad.csv:3: rationale: empty: an expert assessment must give its rationale (why this status)",
    ]


def test_uninitialised_database(schema_engine: Engine) -> None:
    with pytest.raises(NotInitialised):
        load_path(engine=schema_engine, path=FIX / "observations_good.csv")


def test_rejected_dry_run_leaves_no_trace_and_rejections_keep_the_data_version(
    ref_engine: Engine,
) -> None:
    from dashboard.core.db import data_version

    before = data_version(engine=ref_engine)
    with Session(ref_engine) as s:
        runs = len(s.exec(select(models.LoadRun)).scalars().all())  # type: ignore[call-overload]
    bad = csv_bytes(HEADER, "Atlantis,R1.1,2019,2,src,")
    with pytest.raises(Rejected):
        load_bytes(engine=ref_engine, data=bad, name="check.csv", dry_run=True)
    with Session(ref_engine) as s:
        assert len(s.exec(select(models.LoadRun)).scalars().all()) == runs  # type: ignore[call-overload]
    rejected(ref_engine, bad)  # a real load attempt is logged as rejected...
    assert data_version(engine=ref_engine) == before  # ...but the data, and the caches, stand
    load_bytes(engine=ref_engine, data=csv_bytes(HEADER, "VNM,R1.1,2019,2,src,"), name="ok.csv")
    assert data_version(engine=ref_engine) != before
