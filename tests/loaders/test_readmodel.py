"""The read model the loaders keep equals what the rule computes from the raw rows, always.

Every test rebuilds the panels from scratch (dashboard.core.readmodel.compute over every
observation and assessment) and compares them with the stored tables, for both variants (with
and without the sample), on SQLite and, in CI, PostgreSQL: after init, loads, updates,
withdrawals, sample addition and removal, and a rule or catalogue change.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine

from dashboard import views
from dashboard.core import inputs, models, readmodel
from dashboard.core.db import make_engine
from dashboard.core.models import table
from loaders.readmodel import ensure_current, refresh
from loaders.sample import add_sample, remove_sample
from loaders.store import load_bytes

HEADER = "participant,indicator,date,value,source,note"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def from_scratch(engine: Engine, *, sample: bool) -> readmodel.Panels:
    raw = inputs.scoring_inputs(engine=engine, include_sample=True)
    first, last = readmodel.current_years()
    return readmodel.compute(inputs=raw, sample=sample, first_year=first, last_year=last)


def assert_current(engine: Engine) -> None:
    """The stored model, both variants, equals a rebuild from the raw rows."""
    catalogue = inputs.indicator_catalogue(engine=engine)
    for sample in (False, True):
        stored = readmodel.read_panels(engine=engine, include_sample=sample, indicators=catalogue)
        assert stored is not None, "the read model is missing or out of date"
        rebuilt = from_scratch(engine, sample=sample)
        pd.testing.assert_frame_equal(stored.indicators, rebuilt.indicators)
        pd.testing.assert_frame_equal(stored.cells, rebuilt.cells)


def stored_cell(engine: Engine, owner: str, rec: str, year: int, *, sample: bool = False) -> dict:
    c = table(models.ReadCellYear).c
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(table(models.ReadCellYear)).where(
                    c.participant_code == owner,
                    c.recommendation == rec,
                    c.year == year,
                    c.sample.is_(sample),
                )
            )
            .mappings()
            .first()
        )
    return dict(row) if row else {}


def test_init_builds_the_model_and_pages_read_it(ref_engine: Engine) -> None:
    assert_current(ref_engine)
    ds = views.load_dataset(engine=ref_engine, include_sample=False)
    assert ds.from_read_model
    assert len(ds.cells) > 100  # documented evidence: cells for many participants
    assert not ds.cells["synthetic"].any()


def test_loads_updates_and_withdrawals_keep_it_current(ref_engine: Engine) -> None:
    engine = ref_engine
    before = stored_cell(engine, "VNM", "R1", 2026)
    load_bytes(
        engine=engine,
        data=csv_bytes(HEADER, "VNM,R1.1,2025,4,Viet Nam focal point memo,", "VNM,R1.2,2025,1,Memo,"),
        name="vnm.csv",
    )
    assert_current(engine)
    after = stored_cell(engine, "VNM", "R1", 2026)
    assert after and after != before
    assert after["n_indicators"] >= 2
    # An update of the same row (same participant, indicator, date, source) changes the cell.
    load_bytes(
        engine=engine,
        data=csv_bytes(HEADER, "VNM,R1.1,2025,0,Viet Nam focal point memo,"),
        name="vnm-fix.csv",
    )
    assert_current(engine)
    assert stored_cell(engine, "VNM", "R1", 2026)["status"] != after["status"]
    # A corrected file of the same name that drops a row removes it from the model too.
    load_bytes(
        engine=engine,
        data=csv_bytes(HEADER, "VNM,R1.2,2025,1,Memo,"),
        name="vnm.csv",
        replaces_earlier=True,
    )
    assert_current(engine)


def test_an_expert_assessment_reaches_the_model(ref_engine: Engine) -> None:
    load_bytes(
        engine=ref_engine,
        data=csv_bytes(
            HEADER + ",status,assessor,rationale",
            "LAO,R3,2025,,Expert panel 2025,,Initiated,APR2P panel,Workshops held",
        ),
        name="a.csv",
    )
    assert_current(ref_engine)
    cell = stored_cell(ref_engine, "LAO", "R3", 2026)
    assert (cell["basis"], cell["status"], cell["assessor"]) == ("expert", 2.0, "APR2P panel")


def test_sample_addition_and_removal_keep_it_current(sample_engine: Engine) -> None:
    assert_current(sample_engine)
    with_sample = views.load_dataset(engine=sample_engine, include_sample=True)
    assert with_sample.from_read_model and with_sample.cells["synthetic"].any()
    remove_sample(engine=sample_engine)
    assert_current(sample_engine)
    after = views.load_dataset(engine=sample_engine, include_sample=True)
    assert not after.cells["synthetic"].any()


def test_a_load_recomputes_only_what_it_touched(ref_engine: Engine) -> None:
    """Refreshing VNM's R1 leaves another owner's rows alone (a planted marker survives)."""
    c = table(models.ReadCellYear).c
    with ref_engine.begin() as conn:
        conn.execute(
            update(table(models.ReadCellYear))
            .where(c.participant_code == "AUS", c.recommendation == "R1")
            .values(basis="planted")
        )
    load_bytes(
        engine=ref_engine, data=csv_bytes(HEADER, "VNM,R1.1,2025,3,Memo,"), name="v.csv"
    )
    assert stored_cell(ref_engine, "AUS", "R1", 2020)["basis"] == "planted"
    assert stored_cell(ref_engine, "VNM", "R1", 2026)["basis"] == "computed"
    with ref_engine.begin() as conn:
        refresh(conn, touched={("AUS", "R1.1")})
    assert_current(ref_engine)


def test_an_out_of_date_model_is_not_read_and_is_rebuilt(ref_engine: Engine) -> None:
    with ref_engine.begin() as conn:
        conn.execute(text("UPDATE read_model_state SET key = 'built-for-rule-1.0'"))
    catalogue = inputs.indicator_catalogue(engine=ref_engine)
    assert readmodel.read_panels(engine=ref_engine, include_sample=False, indicators=catalogue) is None
    ds = views.load_dataset(engine=ref_engine, include_sample=False)
    assert not ds.from_read_model  # computed in memory: the page is still right
    rebuilt = from_scratch(ref_engine, sample=False)
    pd.testing.assert_frame_equal(ds.cells, rebuilt.cells)
    assert ensure_current(engine=ref_engine) is not None
    assert ensure_current(engine=ref_engine) is None  # now current: nothing to do
    assert_current(ref_engine)


def test_a_threshold_change_in_the_catalogue_changes_the_key(ref_engine: Engine) -> None:
    catalogue = inputs.indicator_catalogue(engine=ref_engine)
    first, last = readmodel.current_years()
    key = readmodel.build_key(indicators=catalogue, first_year=first, last_year=last)
    changed = catalogue.copy()
    changed.loc[changed["code"] == "R1.1", "thresholds"] = "1|2|3|"
    assert readmodel.build_key(indicators=changed, first_year=first, last_year=last) != key
    assert readmodel.build_key(indicators=catalogue, first_year=first, last_year=last + 1) != key


PEOPLE = ("AUS", "VNM", "THA", "JPN", "")  # "" is the region
CODES = {"R1.1": 4, "R1.2": 1, "R12.4": 1}  # participant indicators and their highest value
REGIONAL = {"R4.1": 4, "R8.1": 4}


@st.composite
def loads(draw: st.DrawFn) -> list[list[str]]:
    """A few files, each a few rows of (participant, indicator, year, value)."""
    files = []
    for _ in range(draw(st.integers(1, 3))):
        rows = {}
        for _ in range(draw(st.integers(1, 5))):
            who = draw(st.sampled_from(PEOPLE))
            codes = REGIONAL if who == "" else CODES
            code = draw(st.sampled_from(sorted(codes)))
            year = draw(st.integers(2006, 2026))
            rows[(who, code, year)] = draw(st.integers(0, codes[code]))
        files.append(
            [f"{p},{c},{y},{v},Property source {y % 3}," for (p, c, y), v in rows.items()]
        )
    return files


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=loads(), with_sample=st.booleans())
def test_any_sequence_of_loads_keeps_the_model_equal_to_a_rebuild(
    template_dir: Path, files: list[list[str]], with_sample: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.sqlite"
        shutil.copy(template_dir / ("sample.sqlite" if with_sample else "reference.sqlite"), path)
        engine = make_engine(url=f"sqlite:///{path}")
        try:
            for n, lines in enumerate(files):
                load_bytes(engine=engine, data=csv_bytes(HEADER, *lines), name=f"f{n % 2}.csv")
                assert_current(engine)
            if with_sample:
                add_sample(engine=engine, seed=3, last_year=2024)
                assert_current(engine)
        finally:
            engine.dispose()


@pytest.mark.parametrize("owner", ["VNM", "ARF"])
def test_read_panels_for_some_owners_only(ref_engine: Engine, owner: str) -> None:
    catalogue = inputs.indicator_catalogue(engine=ref_engine)
    some = readmodel.read_panels(
        engine=ref_engine, include_sample=False, indicators=catalogue, owners={owner}
    )
    assert some is not None
    assert set(some.cells["participant_code"]) <= {owner}
    full = from_scratch(ref_engine, sample=False).cells
    mine = full[full["participant_code"] == owner].reset_index(drop=True)
    pd.testing.assert_frame_equal(some.cells, mine)


def test_a_write_refreshes_from_what_it_wrote_exactly_as_a_rebuild(
    sample_engine: Engine,
) -> None:
    """The refresh takes the written indicators' rows from the write itself (not read back):
    ties on one date, updates, sample rows a documented value removes and withdrawn rows
    must all leave it equal to a rebuild."""
    engine = sample_engine
    first = csv_bytes(
        HEADER,
        "VNM,R1.1,2024,1,Source A,",
        "VNM,R1.1,2024,3,Source B,",  # same date, another source: the later row wins a tie
        "THA,R1.2,2023,1,Source A,",
        "AUS,R1.1,2022-05-01,2,Source A,",
        ",R4.1,2021,2,Source A,",
    )
    load_bytes(engine=engine, data=first, name="ties.csv")
    assert_current(engine)
    second = csv_bytes(
        HEADER,
        "VNM,R1.1,2024,4,Source A,changed",  # an update of the first row of the tie
        "VNM,R1.1,2024,0,Source C,",  # a third row on the same date
        "THA,R1.2,2023,1,Source A,",  # unchanged
        ",R4.1,2021,3,Source A,",
    )
    load_bytes(engine=engine, data=second, name="ties.csv", replaces_earlier=True)
    assert_current(engine)  # AUS's row was withdrawn
    with engine.connect() as conn:
        o = table(models.Observation).c
        dates = conn.execute(
            select(o.date).where(o.indicator_code == "R1.1", o.participant_code == "AUS")
        ).scalars()
        assert dt.date(2022, 5, 1) not in set(dates)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(("AUS", "VNM", "ARF")),
            st.sampled_from(("R1.1", "R1.2")),
            st.dates(dt.date(2003, 1, 1), dt.date(2026, 12, 31)),
            st.booleans(),
        ),
        max_size=40,
    )
)
def test_the_rows_a_refresh_keeps_are_the_rows_the_rule_can_pick(
    rows: list[tuple[str, str, dt.date, bool]],
) -> None:
    """Keeping only the last row of each owner, code, year and synthetic flag leaves the
    rule's yearly pick unchanged, with and without the sample."""
    from dashboard.core.scoring import yearly_latest
    from loaders.readmodel import _last_in_year

    frame = pd.DataFrame(
        {
            "participant_code": [r[0] for r in rows],
            "indicator_code": [r[1] for r in rows],
            "date": pd.to_datetime([r[2] for r in rows]).astype("datetime64[ns]"),
            "value": [float(n) for n in range(len(rows))],  # tells every row apart
            "synthetic": [r[3] for r in rows],
            "source": "s",
        }
    )
    kept = frame.iloc[_last_in_year(frame, frame.index.to_numpy())]
    for sample in (True, False):
        full = frame if sample else frame[~frame["synthetic"]]
        few = kept if sample else kept[~kept["synthetic"]]
        args = {"code_column": "indicator_code", "first_year": 2005, "last_year": 2026}
        pd.testing.assert_frame_equal(
            yearly_latest(observations=full, **args).reset_index(drop=True),
            yearly_latest(observations=few, **args).reset_index(drop=True),
            check_dtype=False,
        )
