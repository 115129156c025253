"""AppTest fixtures: the real entry point (pages/app.py) against a chosen database file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from apptest_support import APP, OpenPage  # noqa: E402,F401 - shared with the test modules
from streamlit.testing.v1 import AppTest

from dashboard.core import store
from dashboard.core.db import make_engine, migrate


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """st.cache_data / st.cache_resource and the core's store (dashboard/core/store.py)
    outlive an AppTest: start and end every test clean."""
    st.cache_data.clear()
    st.cache_resource.clear()
    store.reset()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
    store.reset()


def sample_db(db: Path | str) -> bool:
    """True for the test database that holds the synthetic sample."""
    return Path(str(db)).name.startswith("sample")


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> OpenPage:
    """open_page(db, "map.py", query={...}) -> an AppTest that has run the entry point and then
    the page (file name relative to pages/), with the query string set before the first run.
    ``db`` is a SQLite file path or a full database URL."""

    def _open(
        db: Path | str, page: str = "overview.py", query: dict[str, str] | None = None
    ) -> AppTest:
        url = str(db) if "://" in str(db) else f"sqlite:///{db}"
        monkeypatch.setenv("RTOP_DATABASE_URL", url)
        at = AppTest.from_file(APP, default_timeout=60)
        query = dict(query or {})
        if sample_db(db) and "sample" not in query:
            query["sample"] = "1"  # the demo switch on, as a person exploring the sample would
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page != "overview.py":
            at.switch_page(page).run()
        return at

    return _open


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite"
    engine = make_engine(url=f"sqlite:///{path}")
    migrate(engine=engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_migrated_path(_migrated_template: Path, tmp_path: Path) -> Path:
    """A SQLite file with the schema (dashboard.core.db.migrate) and no rows at all."""
    path = tmp_path / "migrated.sqlite"
    shutil.copy(_migrated_template, path)
    return path


@pytest.fixture
def sqlite_blank_path(tmp_path: Path) -> Path:
    """A brand-new SQLite file: no tables at all."""
    return tmp_path / "blank.sqlite"
