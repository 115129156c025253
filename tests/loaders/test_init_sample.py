"""init, the reference data, the synthetic sample and the schema's migrations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from dashboard import queries, views
from dashboard.core import inputs, models
from dashboard.core.config import DATA_DIR
from loaders.reference import init
from loaders.sample import add_sample, remove_sample
from tests.conftest import SAMPLE_LAST_YEAR, SAMPLE_SEED


def test_models_and_migrations_agree(schema_engine: Engine) -> None:
    with schema_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_head_revision_is_alembics_and_reading_it_imports_no_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    from alembic.script import ScriptDirectory

    from dashboard.core.db import MIGRATIONS_DIR, head_revision, migrations_head

    assert head_revision() == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    probe = ("import sys; from dashboard.core.db import head_revision; print(head_revision()); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == [head_revision(), "[]"]

    (tmp_path / "a.py").write_text('revision: str = "a"\ndown_revision: str | None = None\n')
    (tmp_path / "b.py").write_text('revision = "b"\ndown_revision = "a"\n')
    assert migrations_head(directory=tmp_path) == "b"
    (tmp_path / "c.py").write_text('revision = "c"\ndown_revision = ("a",)\n')
    with pytest.raises(RuntimeError, match=r"2 migration heads \(\['b', 'c'\]\)"):
        migrations_head(directory=tmp_path)
    (tmp_path / "d.py").write_text('revision = "d"\ndown_revision = ("b", "c")\n')
    assert migrations_head(directory=tmp_path) == "d"


def test_reference_counts(ref_engine: Engine) -> None:
    c = inputs.counts(engine=ref_engine)
    assert (c["participants"], c["pillars"], c["recommendations"], c["next_steps"]) == (
        27,
        3,
        12,
        4,
    )
    assert c["sub_items"] == 18  # R4 a-f, R5 a-d, R10 a-d, R11 a-d
    shipped = DATA_DIR / "evidence"
    assert c["events"] == len(_csv(shipped / "events.csv"))
    assert c["observations"] == len(_csv(shipped / "observations.csv"))
    assert c["observations_synthetic"] == 0
    with Session(ref_engine) as s:
        eu = s.get(models.Participant, "EUU")
        sgp = s.get(models.Participant, "SGP")
        roles = (
            s.exec(
                select(models.FrameworkItem).where(models.FrameworkItem.framework_code == "SG2011")
            )
            .scalars()
            .all()
        )  # type: ignore[call-overload]
    assert eu is not None and eu.kind == "Regional organisation" and eu.lat is not None
    assert sgp is not None and sgp.lat is not None
    assert len(roles) == 23


def test_every_recommendation_has_indicators_that_can_reach_implemented(
    ref_engine: Engine,
) -> None:
    """The rule's ceiling property needs, at each level, an indicator whose ceiling is 4."""
    from dashboard.core import scoring

    catalogue = inputs.indicator_catalogue(engine=ref_engine)
    recs = catalogue[catalogue["recommendation"].str.match(r"^R\d+$")]
    assert sorted(set(recs["recommendation"]), key=lambda r: int(r[1:])) == [
        f"R{i}" for i in range(1, 13)
    ]
    expected = scoring.expected_indicators(indicators=catalogue)
    assert (expected["rec_ceiling"] == 4).all(), expected[expected["rec_ceiling"] < 4]
    assert set(catalogue["measure"]) == {"stock", "flow"}


def test_init_is_idempotent(ref_engine: Engine) -> None:
    before = inputs.counts(engine=ref_engine)
    init(engine=ref_engine, data_dir=DATA_DIR)
    after = inputs.counts(engine=ref_engine)
    assert {k: v for k, v in after.items() if k != "load_runs"} == {
        k: v for k, v in before.items() if k != "load_runs"
    }


def _sample_rows(engine: Engine) -> list[tuple[object, ...]]:
    with Session(engine) as s:
        rows = s.exec(
            select(
                models.Observation.participant_code,
                models.Observation.indicator_code,
                models.Observation.date,
                models.Observation.value,
            ).where(models.Observation.synthetic.is_(True))  # type: ignore[attr-defined]
        ).all()
    return sorted((tuple(r) for r in rows), key=repr)


def test_sample_is_deterministic_marked_and_removed_exactly(ref_engine: Engine) -> None:
    real_before = inputs.counts(engine=ref_engine)
    n = add_sample(engine=ref_engine, seed=SAMPLE_SEED, last_year=SAMPLE_LAST_YEAR)
    first = _sample_rows(ref_engine)
    assert n == len(first) > 3000
    c = inputs.counts(engine=ref_engine)
    assert c["observations_synthetic"] == n and c["observations"] == n + real_before["observations"]
    participants = {r[0] for r in first}
    assert len(participants - {None}) == 27 and None in participants  # every participant + region
    years = {r[2].year for r in first}  # type: ignore[union-attr]
    assert min(years) == 2011 and max(years) == SAMPLE_LAST_YEAR
    catalogue = inputs.indicator_catalogue(engine=ref_engine)
    assert {r[1] for r in first} <= set(catalogue["code"])
    national = set(catalogue[catalogue["level"] == "participant"]["code"])
    assert national <= {r[1] for r in first}
    with Session(ref_engine) as s:
        o = queries.table(models.Observation).c
        pairs = s.execute(select(o.participant_code, o.indicator_code, o.synthetic)).all()
    documented = {(p, i) for p, i, syn in pairs if not syn}
    assert documented and not documented & {(p, i) for p, i, syn in pairs if syn}
    add_sample(engine=ref_engine, seed=SAMPLE_SEED, last_year=SAMPLE_LAST_YEAR)
    assert _sample_rows(ref_engine) == first, "same seed, same data; a re-run replaces, not adds"
    with Session(ref_engine) as s:
        src = s.exec(select(models.Source).where(models.Source.synthetic.is_(True))).scalars().one()  # type: ignore[call-overload, attr-defined]
    assert "SAMPLE DATA" in src.title
    removed = remove_sample(engine=ref_engine)
    assert removed == n
    after = inputs.counts(engine=ref_engine)
    assert {k: v for k, v in after.items() if k != "load_runs"} == {
        k: v for k, v in real_before.items() if k != "load_runs"
    }


def test_sample_progress_mostly_rises(sample_engine: Engine) -> None:
    panel = views.load_dataset(engine=sample_engine, include_sample=True).status
    yearly = panel.groupby("year")["status"].mean()
    assert yearly.loc[SAMPLE_LAST_YEAR] > yearly.loc[2012] + 0.5


def test_every_data_file_has_provenance() -> None:
    for folder in sorted(p for p in DATA_DIR.iterdir() if p.is_dir()):
        manifest = folder / "PROVENANCE.csv"
        assert manifest.exists(), f"{folder} has no PROVENANCE.csv"
        with manifest.open(encoding="utf-8") as fh:
            rows = {r["file"]: r for r in csv.DictReader(fh)}
        files = {p.name for p in folder.iterdir() if p.is_file() and p.name != "PROVENANCE.csv"}
        assert files <= set(rows), f"{folder.name}: no provenance for {sorted(files - set(rows))}"
        for name in files:
            assert rows[name]["origin"] and rows[name]["licence"] and rows[name]["accessed"], name


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_evidence_row_cites_a_source_with_a_link_or_seed_a_read_date_and_precision() -> None:
    sources = {
        r["code"]: r
        for name in ("reference/sources.csv", "evidence/sources.csv")
        for r in _csv(DATA_DIR / name)
    }
    date_formats = {4: "year", 7: "month", 10: "day"}
    for name in ("observations.csv", "events.csv"):
        for number, row in enumerate(_csv(DATA_DIR / "evidence" / name), start=2):
            where = f"{name}:{number}"
            source = sources.get(row["source"])
            assert source is not None, f"{where}: unknown source {row['source']}"
            assert source["synthetic"] == "false", where
            assert source["url"] or source["seed_file"], f"{where}: no URL or seed file"
            assert source["accessed"], f"{where}: no read date"
            assert len(row["date"]) in date_formats, f"{where}: date precision unclear"
    for path in sorted((DATA_DIR / "evidence" / "records").glob("*.csv")):
        for number, row in enumerate(_csv(path), start=2):
            where = f"{path.name}:{number}"
            assert row["source_url"].startswith("http"), where
            assert row["source_title"].strip() and row["excerpt"].strip(), where
            assert row["accessed"] and row["precision"] in ("day", "month", "year"), where
            assert date_formats[len(row["date"])] == row["precision"], where


def test_built_evidence_is_what_the_records_give() -> None:
    """observations.csv is build_evidence.py's output (no hand edits, nothing stale)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_evidence", DATA_DIR / "evidence" / "build_evidence.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    records = module.records()
    mapped = [r for r in records if r["fact"] in module.FACTS]
    rows = _csv(DATA_DIR / "evidence" / "observations.csv")
    keys = {(r["participant"] or "ARF", r["indicator"], r["date"]) for r in rows}
    for r in mapped:
        if r["fact"] in module.NOT_PARTY:
            continue
        indicator, _ = module.FACTS[r["fact"]]
        assert (r["participant"], indicator, r["date"]) in keys, r
    counted = [r for r in records if r["fact"] in module.COUNTED]
    assert counted and all(r["participant"] and r["date"] for r in counted)


def test_seed_evidence_corrections() -> None:
    rows = _csv(DATA_DIR / "evidence" / "observations.csv")
    seed = [r for r in rows if r["source"].startswith("seed-")]
    aus_focal = [r for r in seed if r["participant"] == "AUS" and r["indicator"] == "R1.1"]
    assert [r["value"] for r in aus_focal] == ["3"]  # appointed, as the seed states
    # China's pledges are not R6 or R9 progress; the 2014 review is not an R7 briefing.
    assert not [r for r in seed if r["indicator"][:2] in ("R6", "R7", "R9")]
    assert not [r for r in seed if r["date"].startswith("2014")]  # institutes, not States
    events = {r["title"]: r for r in _csv(DATA_DIR / "evidence" / "events.csv")}
    summit = next(r for t, r in events.items() if t.startswith("World Summit"))
    assert summit["date"] == "2005"
    appap = [r for t, r in events.items() if "Atrocity Prevention launched" in t]
    assert [r["date"] for r in appap] == ["2016-11"]
    china = next(r for t, r in events.items() if t.startswith("China's commitments"))
    assert china["items"] == "" and "8,000 troops" in china["description"]
    beijing = next(r for t, r in events.items() if "Beijing" in t)
    assert beijing["participants"] == "" and "two institutes" in beijing["description"]
    cscap = [r for r in _csv(DATA_DIR / "reference" / "memberships.csv") if r["group"] == "CSCAP"]
    assert cscap and all(r["as_of"] == "2011-09" and r["joined"] == "" for r in cscap)


def test_every_participant_has_documented_evidence_and_the_region_too() -> None:
    rows = _csv(DATA_DIR / "evidence" / "observations.csv")
    with_data = {r["participant"] or "ARF" for r in rows}
    codes = {r["code"] for r in _csv(DATA_DIR / "reference" / "participants.csv")}
    assert codes | {"ARF"} <= with_data


def test_the_searched_list_covers_every_participant_and_subject() -> None:
    """Absence of evidence is a finding: every participant has a searched row for each national
    recommendation and each treaty, and the region for each regional recommendation and next
    step, with the queries, corpora, date and result (data/evidence/searched/)."""
    rows = [r for p in sorted((DATA_DIR / "evidence" / "searched").glob("*.csv")) for r in _csv(p)]
    assert rows
    for r in rows:
        assert r["query"].strip() and r["corpus"].strip() and r["result"].strip(), r
        assert len(r["searched_on"]) == 10, r
    have = {(r["participant"], r["subject"].split(" ")[0]) for r in rows}
    people = [r["code"] for r in _csv(DATA_DIR / "reference" / "participants.csv")]
    subjects = ["R1", "R2", "R3", "R6", "R7", "R9", "R12", "TR.GEN", "TR.CAT", "TR.ICC", "TR.ATT"]
    missing = [(p, s) for p in people for s in subjects if (p, s) not in have]
    regional = ["R4", "R5", "R8", "R10", "R11", "STEP1", "STEP2", "STEP3", "STEP4"]
    missing += [("ARF", s) for s in regional if ("ARF", s) not in have]
    assert not missing, missing


def test_every_participant_has_a_cited_row_for_each_treaty() -> None:
    """Party with a date, signatory, or not a party as of a date: for every State and each of
    the four treaties (the EU, not a State, has its not-eligible rows)."""
    built = _csv(DATA_DIR / "evidence" / "observations.csv")
    treaty = {(r["participant"], r["indicator"]) for r in built if r["indicator"].startswith("TR.")}
    records = [
        r for p in sorted((DATA_DIR / "evidence" / "records").glob("treaties_*.csv")) for r in _csv(p)
    ]
    eu = {r["fact"] for r in records if r["participant"] == "EUU"}
    assert eu == {"eu_not_eligible"} and len([r for r in records if r["participant"] == "EUU"]) == 4
    states = [r["code"] for r in _csv(DATA_DIR / "reference" / "participants.csv") if r["kind"] == "State"]
    gaps = [(p, t) for p in states for t in ("TR.GEN", "TR.CAT", "TR.ICC", "TR.ATT")
            if (p, t) not in treaty]  # fmt: skip
    assert not gaps, gaps
