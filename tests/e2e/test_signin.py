"""A local account signs in in the real browser: a guest has no Load data page, an editor does,
and the editor's load names them; a viewer signed in still cannot load. One `streamlit run`
over a database with accounts, started and driven as in test_browser.py.

Playwright's sync API allows one instance per thread, and test_browser.py's session-wide
browser may still be open: this test drives its own Chromium from a worker thread."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.core.db import make_engine
from loaders import accounts
from tests.e2e.test_browser import (
    HAVE_PLAYWRIGHT,
    RENDER_TIMEOUT_MS,
    ROOT,
    VIEWPORT,
    App,
    idle,
    in_own_chromium,
    serve_app,
    sign_in_form,
)

if HAVE_PLAYWRIGHT:
    from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

FIX = ROOT / "tests" / "fixtures"
PASSWORD = "a long enough password"
NAV = '[data-testid="stSidebarNav"]'


@pytest.fixture(scope="module")
def accounts_app(
    template_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[App, Path]]:
    """The app over the reference database with an editor and a viewer account."""
    work = tmp_path_factory.mktemp("e2e-signin")
    db = work / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    engine = make_engine(url=f"sqlite:///{db}")
    accounts.add_user(engine=engine, username="ed", role="editor", password=PASSWORD)
    accounts.add_user(engine=engine, username="vic", role="viewer", password=PASSWORD)
    engine.dispose()
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}", "RTOP_REVIEW": "off"}
    with serve_app(env=env, log_path=work / "streamlit.log", db=db) as running:
        yield running, db


def _open(chromium: Browser, app: App) -> Page:
    page = chromium.new_context(viewport=VIEWPORT).new_page()
    page.goto(app.url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
    idle(page)
    return page


def _sign_in(page: Page, username: str) -> None:
    sign_in_form(page, username=username, password=PASSWORD)


def test_editor_signs_in_and_loads_a_viewer_cannot(accounts_app: tuple[App, Path]) -> None:
    in_own_chromium(_scenario, *accounts_app)


def _scenario(chromium: Browser, app: App, db: Path) -> None:
    page = _open(chromium, app)
    nav = page.locator(NAV)
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    expect(nav.get_by_role("link", name="Load data")).to_have_count(0)
    expect(page.get_by_text("Viewing as a guest (viewer).")).to_be_visible()
    # a viewer account signs in and still has no Load data page
    _sign_in(page, "vic")
    expect(nav.get_by_role("link", name="Load data")).to_have_count(0)
    page.get_by_role("button", name="Sign out").first.click()
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    # an editor does, and the load they make names them
    _sign_in(page, "ed")
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Signed in as")).to_be_visible()
    nav.get_by_role("link", name="Load data").click()
    expect(page.get_by_role("heading", name="Load progress indicators")).to_be_visible()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(FIX / "observations_good.csv")
    )
    load = page.get_by_role("button", name="Load into the database")
    load.wait_for(timeout=RENDER_TIMEOUT_MS)
    load.click()
    expect(
        page.get_by_text("loaded 4 observations rows: 4 new, 0 updated, 0 unchanged")
    ).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    with sqlite3.connect(db) as conn:
        users = conn.execute(
            "SELECT DISTINCT \"user\" FROM load_run WHERE file_name = 'observations_good.csv'"
        ).fetchall()
    assert users == [("ed",)]
    # signing out takes the page away again
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(nav.get_by_role("link", name="Load data")).to_have_count(0)
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.locator('[data-testid="stDialog"]', has_text="Page not found")).to_have_count(0)
