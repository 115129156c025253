"""The collection cycle in the real browser (issue 18): a contributor (scope: Viet Nam) signs
in, opens Submit evidence, fills the one-record form beside the indicator's definition and
submits it; nothing is public. A reviewer, in another browser context, sees who submitted it
and for whom, publishes it, and Viet Nam's profile then shows the focal point."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard.core.db import make_engine
from loaders import accounts, collection
from tests.e2e.test_browser import (
    RENDER_TIMEOUT_MS,
    VIEWPORT,
    App,
    idle,
    in_own_chromium,
    serve_app,
    sign_in_form,
)

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
NAV = '[data-testid="stSidebarNav"]'
MAIN = '[data-testid="stMain"]'
EXCERPT = "Viet Nam has appointed a national focal point on the responsibility to protect."


@pytest.fixture(scope="module")
def collection_app(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, Path]]:
    work = tmp_path_factory.mktemp("e2e-collection")
    db = work / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    engine = make_engine(url=f"sqlite:///{db}")
    accounts.add_user(engine=engine, username="vnmfp", role="contributor", password=PASSWORD)
    collection.set_scope(engine=engine, username="vnmfp", participants=["VNM"])
    accounts.add_user(engine=engine, username="rita", role="reviewer", password=PASSWORD)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if k not in ("RTOP_REVIEW", "RTOP_REQUIRE_LOGIN")}
    env["RTOP_DATABASE_URL"] = f"sqlite:///{db}"
    with serve_app(env=env, log_path=work / "streamlit.log", db=db) as running:
        yield running, db


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM observation WHERE note = ?", (EXCERPT,)).fetchone()[0])


def _pick(page: Any, label: str, option: str) -> None:
    """Choose an option of a select box by its label, as a person would: open it, click."""
    box = page.get_by_label(label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    idle(page)


def _contributor_submits(chromium: Any, app: App) -> dict[str, Any]:
    from playwright.sync_api import expect

    context = chromium.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{app.url}/", wait_until="domcontentloaded")
        idle(page)
        sign_in_form(page, username="vnmfp", password=PASSWORD)
        nav = page.locator(NAV)
        offered = nav.get_by_role("link").all_inner_texts()
        nav.get_by_role("link", name="Submit evidence").click()
        expect(page.get_by_role("heading", name="Submit evidence", level=1)).to_be_visible(
            timeout=RENDER_TIMEOUT_MS
        )
        idle(page)
        main = page.locator(MAIN)
        expect(main).to_contain_text("What it measures", timeout=RENDER_TIMEOUT_MS)
        _pick(page, "New value", "3 = appointed")
        # the date field's segments (year, month, day), typed into as a person does
        date = page.get_by_label("Date", exact=True)
        segments = date.locator('[role="spinbutton"]')
        segments.first.click()
        page.keyboard.type("20250301")
        page.keyboard.press("Tab")
        shown = date.inner_text()
        page.get_by_label("Source title", exact=True).fill("MOFA Viet Nam, press release of 1 March 2025")
        page.get_by_label("Source web address (https://…)", exact=True).fill("https://example.org/vnm/fp")
        page.get_by_label("Excerpt: the source's own words that show it", exact=True).fill(EXCERPT)
        page.get_by_role("button", name="Submit for review").click()
        expect(main).to_contain_text("submitted for review", timeout=RENDER_TIMEOUT_MS)
        idle(page)
        return {"offered": offered, "text": main.inner_text(), "date": shown}
    finally:
        context.close()


def _reviewer_publishes(chromium: Any, app: App) -> dict[str, Any]:
    from playwright.sync_api import expect

    context = chromium.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{app.url}/", wait_until="domcontentloaded")
        idle(page)
        sign_in_form(page, username="rita", password=PASSWORD)
        page.locator(NAV).get_by_role("link", name="Load history").click()
        expect(page.get_by_role("heading", name="Waiting for review")).to_be_visible(
            timeout=RENDER_TIMEOUT_MS
        )
        idle(page)
        main = page.locator(MAIN)
        waiting = main.inner_text()
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(main).to_contain_text("Published run", timeout=RENDER_TIMEOUT_MS)
        idle(page)
        page.goto(f"{app.url}/country?participant=VNM", wait_until="domcontentloaded")
        expect(page.locator(MAIN)).to_contain_text("MOFA Viet Nam", timeout=RENDER_TIMEOUT_MS)
        idle(page)
        return {"waiting": waiting, "profile": page.locator(MAIN).inner_text()}
    finally:
        context.close()


def test_a_contributor_submits_and_a_reviewer_publishes(collection_app: tuple[App, Path]) -> None:
    app, db = collection_app
    assert _count(db) == 0
    sent = in_own_chromium(_contributor_submits, app)
    assert "Submit evidence" in sent["offered"] and "Load data" not in sent["offered"]
    assert "waits for a reviewer" in sent["text"]
    assert _count(db) == 0  # held for review: nothing public
    done = in_own_chromium(_reviewer_publishes, app)
    assert "vnmfp" in done["waiting"] and "VNM" in done["waiting"]
    assert _count(db) == 1
    assert "Substantial progress" in done["profile"]  # R1: an appointed focal point, current
    assert "Traceback" not in app.log.read_text(errors="replace")
