"""init, the reference data, the synthetic sample and the schema's migrations."""

from __future__ import annotations

import csv
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from dashboard import models, queries
from dashboard.config import DATA_DIR
from loaders.reference import init
from loaders.sample import add_sample, remove_sample

from tests.conftest import SAMPLE_LAST_YEAR, SAMPLE_SEED


def test_models_and_migrations_agree(schema_engine: Engine) -> None:
    with schema_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_reference_counts(ref_engine: Engine) -> None:
    c = queries.counts(engine=ref_engine)
    assert (c["participants"], c["pillars"], c["recommendations"], c["next_steps"]) == (
        27,
        3,
        12,
        4,
    )
    assert c["sub_items"] == 18  # R4 a-f, R5 a-d, R10 a-d, R11 a-d
    assert c["events"] == 16 and c["observations"] == 10 and c["observations_synthetic"] == 0
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


def test_every_recommendation_has_two_indicators(ref_engine: Engine) -> None:
    catalogue = queries.indicator_catalogue(engine=ref_engine)
    per_rec = catalogue.groupby("recommendation")["code"].count()
    assert sorted(per_rec.index, key=lambda r: int(r[1:])) == [f"R{i}" for i in range(1, 13)]
    assert per_rec.min() >= 2


def test_init_is_idempotent(ref_engine: Engine) -> None:
    before = queries.counts(engine=ref_engine)
    init(engine=ref_engine, data_dir=DATA_DIR)
    after = queries.counts(engine=ref_engine)
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
    real_before = queries.counts(engine=ref_engine)
    n = add_sample(engine=ref_engine, seed=SAMPLE_SEED, last_year=SAMPLE_LAST_YEAR)
    first = _sample_rows(ref_engine)
    assert n == len(first) > 3000
    c = queries.counts(engine=ref_engine)
    assert c["observations_synthetic"] == n and c["observations"] == n + real_before["observations"]
    participants = {r[0] for r in first}
    assert len(participants - {None}) == 27 and None in participants  # every participant + region
    years = {r[2].year for r in first}  # type: ignore[union-attr]
    assert min(years) == 2011 and max(years) == SAMPLE_LAST_YEAR
    catalogue = queries.indicator_catalogue(engine=ref_engine)
    assert {r[1] for r in first} == set(catalogue["code"])
    add_sample(engine=ref_engine, seed=SAMPLE_SEED, last_year=SAMPLE_LAST_YEAR)
    assert _sample_rows(ref_engine) == first, "same seed, same data; a re-run replaces, not adds"
    with Session(ref_engine) as s:
        src = s.exec(select(models.Source).where(models.Source.synthetic.is_(True))).scalars().one()  # type: ignore[call-overload, attr-defined]
    assert "SAMPLE DATA" in src.title
    removed = remove_sample(engine=ref_engine)
    assert removed == n
    after = queries.counts(engine=ref_engine)
    assert {k: v for k, v in after.items() if k != "load_runs"} == {
        k: v for k, v in real_before.items() if k != "load_runs"
    }


def test_sample_progress_mostly_rises(sample_engine: Engine) -> None:
    panel = queries.status_panel(
        engine=sample_engine, include_sample=True, last_year=SAMPLE_LAST_YEAR
    )
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


def test_evidence_cites_seeds() -> None:
    with (DATA_DIR / "evidence" / "observations.csv").open(encoding="utf-8") as fh:
        sources = {r["source"] for r in csv.DictReader(fh)}
    assert sources <= {"seed-001", "seed-003", "seed-004"}
    assert Path(DATA_DIR / "reference" / "sources.csv").read_text().count("seed-00") >= 3
