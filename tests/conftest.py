"""Shared fixtures: databases (SQLite always, PostgreSQL when RTOP_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from dashboard.core.config import DATA_DIR
from dashboard.core.db import make_engine, migrate
from loaders.reference import init
from loaders.sample import add_sample

FIXTURES = Path(__file__).parent / "fixtures"
PG_URL = os.environ.get("RTOP_TEST_POSTGRES_URL", "")
IN_CI = bool(os.environ.get("CI"))
SAMPLE_SEED = 7
SAMPLE_LAST_YEAR = 2024


def need(component: str, available: bool) -> None:
    """Skip (on a laptop) or fail (in CI) when a real component the test needs is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{component} is required in CI but is not available")
    pytest.skip(f"{component} is not available here")


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SQLite files built once: empty schema, reference+evidence, and with the sample."""
    root = tmp_path_factory.mktemp("templates")
    schema = make_engine(url=f"sqlite:///{root / 'schema.sqlite'}")
    migrate(engine=schema)
    schema.dispose()
    shutil.copy(root / "schema.sqlite", root / "reference.sqlite")
    ref = make_engine(url=f"sqlite:///{root / 'reference.sqlite'}")
    init(engine=ref, data_dir=DATA_DIR)
    ref.dispose()
    shutil.copy(root / "reference.sqlite", root / "sample.sqlite")
    sample = make_engine(url=f"sqlite:///{root / 'sample.sqlite'}")
    add_sample(engine=sample, seed=SAMPLE_SEED, last_year=SAMPLE_LAST_YEAR)
    sample.dispose()
    return root


def _reset_postgres() -> Engine:
    engine = make_engine(url=PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


def _engine(
    request: pytest.FixtureRequest, template_dir: Path, tmp_path: Path, stage: str
) -> Iterator[Engine]:
    if request.param == "postgres":
        need("PostgreSQL (RTOP_TEST_POSTGRES_URL)", bool(PG_URL))
        engine = _reset_postgres()
        migrate(engine=engine)
        if stage in ("reference", "sample"):
            init(engine=engine, data_dir=DATA_DIR)
        if stage == "sample":
            add_sample(engine=engine, seed=SAMPLE_SEED, last_year=SAMPLE_LAST_YEAR)
    else:
        path = tmp_path / f"{stage}.sqlite"
        shutil.copy(template_dir / f"{stage}.sqlite", path)
        engine = make_engine(url=f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def schema_engine(
    request: pytest.FixtureRequest, template_dir: Path, tmp_path: Path
) -> Iterator[Engine]:
    """A migrated database with no data."""
    yield from _engine(request, template_dir, tmp_path, "schema")


@pytest.fixture(params=["sqlite", "postgres"])
def ref_engine(
    request: pytest.FixtureRequest, template_dir: Path, tmp_path: Path
) -> Iterator[Engine]:
    """A database with reference data and documented evidence (no sample)."""
    yield from _engine(request, template_dir, tmp_path, "reference")


@pytest.fixture(params=["sqlite", "postgres"])
def sample_engine(
    request: pytest.FixtureRequest, template_dir: Path, tmp_path: Path
) -> Iterator[Engine]:
    """Reference data, evidence and the synthetic sample."""
    yield from _engine(request, template_dir, tmp_path, "sample")


@pytest.fixture
def sqlite_sample_path(template_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the sample database file (for AppTest and CLI tests)."""
    path = tmp_path / "sample-app.sqlite"
    shutil.copy(template_dir / "sample.sqlite", path)
    return path


@pytest.fixture
def sqlite_reference_path(template_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the reference-only database file."""
    path = tmp_path / "ref.sqlite"
    shutil.copy(template_dir / "reference.sqlite", path)
    return path
