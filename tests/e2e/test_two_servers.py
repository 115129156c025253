"""Two app processes over one PostgreSQL database (a deployment behind a load balancer): a load
made in the browser through server A shows on server B at B's next rerun, in the same browser
session of B (no restart, no reload of B's caches by hand): the new run in B's Load history and
the new observation on B's participant profile.

An open install (no accounts, a local server): the person at the app may load, review is off.
Playwright's sync API allows one instance per thread, and test_browser.py's session-wide
browser may still be open: this test drives its own Chromium from a worker thread."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from dashboard.core.db import make_engine
from tests.conftest import PG_URL, need
from tests.e2e.test_browser import (
    HAVE_PLAYWRIGHT,
    RENDER_TIMEOUT_MS,
    ROOT,
    VIEWPORT,
    App,
    idle,
    in_own_chromium,
    serve_app,
)

if HAVE_PLAYWRIGHT:
    from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

NAV = '[data-testid="stSidebarNav"]'
MAIN = '[data-testid="stMain"]'
# Papua New Guinea has no observation of any recommendation in the reference data.
CODE = "PNG"
NO_OBSERVATIONS = "no national recommendation has a current status"
FILE_NAME = "png_two_servers.csv"
CSV = (
    "participant,indicator,date,value,source,note\n"
    "PNG,R1.1,2025,1,PNG two-server test report 2025,focal point designated\n"
)
# What the test process may carry that would change the roles or the review rule.
DROPPED = ("RTOP_REVIEW", "RTOP_REQUIRE_LOGIN", "RTOP_DATABASE_URL")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env["RTOP_DATABASE_URL"] = PG_URL
    return env


@contextmanager
def _serve(work: Path, name: str) -> Iterator[App]:
    """`streamlit run pages/app.py` on a free port over the shared PostgreSQL database."""
    with serve_app(env=_env(), log_path=work / f"streamlit-{name}.log") as running:
        yield running


@pytest.fixture
def two_apps(tmp_path: Path) -> Iterator[tuple[App, App, Path]]:
    """A fresh PostgreSQL schema with the reference data, and two servers over it."""
    need("PostgreSQL (RTOP_TEST_POSTGRES_URL)", bool(PG_URL))
    engine = make_engine(url=PG_URL)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    init = subprocess.run(
        [sys.executable, "-m", "loaders", "init"],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert init.returncode == 0, init.stdout[-2000:] + init.stderr[-2000:]
    upload = tmp_path / FILE_NAME
    upload.write_text(CSV, encoding="utf-8")
    with ExitStack() as stack:
        a = stack.enter_context(_serve(tmp_path, "a"))
        b = stack.enter_context(_serve(tmp_path, "b"))
        yield a, b, upload


def _observations() -> list[tuple[str, str, float]]:
    engine = make_engine(url=PG_URL)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT participant_code, indicator_code, value FROM observation "
                    "WHERE participant_code = :code AND indicator_code LIKE 'R%'"
                ),
                {"code": CODE},
            ).all()
    finally:
        engine.dispose()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_load_through_one_server_shows_on_the_other(two_apps: tuple[App, App, Path]) -> None:
    in_own_chromium(_in_two_pages, *two_apps)


def _in_two_pages(chromium: Browser, a: App, b: App, upload: Path) -> None:
    _scenario(chromium.new_context(viewport=VIEWPORT).new_page(),
              chromium.new_context(viewport=VIEWPORT).new_page(), a, b, upload)  # fmt: skip


def _no_exception(page: Page, app: App) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{exceptions.all_inner_texts()}\n{app.log_tail()}"


def _nav_to(page: Page, title: str) -> None:
    """Follow a navigation link: a rerun in the same session (no page load)."""
    page.locator(NAV).get_by_role("link", name=title).click()
    page.wait_for_selector(f"{MAIN} h1", timeout=RENDER_TIMEOUT_MS)
    idle(page)


def _newest_run(page: Page) -> int:
    """The run Load history shows first (newest first) in its "Show the changes of run" box."""
    _nav_to(page, "Load history")
    expect(page.get_by_role("heading", name="Load history", level=1)).to_be_visible()
    shown = page.get_by_role("combobox", name="Show the changes of run")
    expect(shown).to_have_value(re.compile(r"^\d+$"), timeout=RENDER_TIMEOUT_MS)
    return int(shown.input_value())


def _png_profile(page: Page) -> str:
    _nav_to(page, "Participant profile")
    expect(page.get_by_role("heading", name="Papua New Guinea", level=1)).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    expect(page.get_by_role("heading", name="Evidence", exact=True)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    idle(page)
    return page.locator(MAIN).inner_text()


def _scenario(page_a: Page, page_b: Page, a: App, b: App, upload: Path) -> None:
    assert _observations() == []

    # B: the profile of PNG (no observation yet) and the newest load run.
    page_b.goto(f"{b.url}/country?participant={CODE}", wait_until="domcontentloaded")
    expect(page_b.get_by_role("heading", name="Papua New Guinea", level=1)).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    idle(page_b)
    assert NO_OBSERVATIONS in page_b.locator(MAIN).inner_text()
    before = _newest_run(page_b)
    assert NO_OBSERVATIONS in _png_profile(page_b)  # the profile remembers the participant
    _no_exception(page_b, b)

    # A: load the file in the browser (an open install: no sign-in, no review).
    page_a.goto(f"{a.url}/upload", wait_until="domcontentloaded")
    expect(page_a.get_by_role("heading", name="Load progress indicators")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    idle(page_a)
    page_a.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    load = page_a.get_by_role("button", name="Load into the database")
    load.wait_for(timeout=RENDER_TIMEOUT_MS)
    load.click()
    expect(
        page_a.get_by_text(f"{FILE_NAME}: loaded 1 observations rows: 1 new, 0 updated")
    ).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    _no_exception(page_a, a)
    assert _observations() == [(CODE, "R1.1", 1.0)]

    # B, same session, next rerun: the new observation and the new run are there.
    _png_profile(page_b)
    # The link click starts the rerun; the page can still be idle with the old text for a
    # moment, so wait (with a deadline) for the rerun's answer rather than read it at once.
    expect(page_b.locator(MAIN)).not_to_contain_text(NO_OBSERVATIONS, timeout=RENDER_TIMEOUT_MS)
    after = _newest_run(page_b)
    assert after > before
    expect(page_b.get_by_role("heading", name=f"Run {after}: {FILE_NAME}")).to_be_visible()
    _no_exception(page_b, b)
