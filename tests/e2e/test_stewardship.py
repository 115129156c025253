"""Review before publishing, role by role, in the real browser: a viewer has no Load data or
Load history page (and /upload typed by hand shows no upload form); an editor's load is pending
and the public profile does not show it; the editor previews the whole dashboard with it
(the profile shows it, marked PREVIEW, until the preview ends) but cannot publish it; a reviewer (another
person, another browser context) publishes it with a comment, and then it is in the database
and on the profile; the reviewer's own load is pending as well and her Publish is refused.
One `streamlit run` over a reference database with accounts and review left at its default
(required, since accounts exist).

Playwright's sync API allows one instance per thread, and test_browser.py's session-wide
browser may still be open: this test drives its own Chromium from a worker thread."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dashboard.core.db import make_engine
from loaders import accounts
from tests.e2e.test_browser import (
    HAVE_PLAYWRIGHT,
    RENDER_TIMEOUT_MS,
    VIEWPORT,
    App,
    idle,
    in_own_chromium,
    serve_app,
    sign_in_form,
)

if HAVE_PLAYWRIGHT:
    from playwright.sync_api import Browser, BrowserContext, Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
NAV = '[data-testid="stSidebarNav"]'
MAIN = '[data-testid="stMain"]'
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
# Papua New Guinea has one treaty record and no observation of any recommendation in the
# reference data: its profile says so until the load below is published.
CODE = "PNG"
NO_OBSERVATIONS = "no national recommendation has a current status"
CSV = (
    "participant,indicator,date,value,source,note\n"
    "PNG,R1.1,2025,1,PNG stewardship test report 2025,focal point designated\n"
)
FILE_NAME = "png_focal_point.csv"
OWN_CSV = (
    "participant,indicator,date,value,source,note\n"
    "PNG,R2.1,2025,2,PNG stewardship test report 2025,awareness events\n"
)
OWN_FILE_NAME = "png_awareness.csv"


@pytest.fixture(scope="module")
def review_app(
    template_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[App, Path, Path]]:
    """The app over the reference database with an editor, a reviewer and a viewer account."""
    work = tmp_path_factory.mktemp("e2e-stewardship")
    db = work / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    engine = make_engine(url=f"sqlite:///{db}")
    for name, role in (("ed", "editor"), ("rita", "reviewer"), ("vic", "viewer")):
        accounts.add_user(engine=engine, username=name, role=role, password=PASSWORD)
    engine.dispose()
    upload = work / FILE_NAME
    upload.write_text(CSV, encoding="utf-8")
    (work / OWN_FILE_NAME).write_text(OWN_CSV, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "RTOP_REVIEW"}  # the default: required
    env["RTOP_DATABASE_URL"] = f"sqlite:///{db}"
    with serve_app(env=env, log_path=work / "streamlit.log", db=db) as running:
        yield running, db, upload


def test_a_load_waits_for_another_persons_review(review_app: tuple[App, Path, Path]) -> None:
    in_own_chromium(_scenario, *review_app)


def _goto(page: Page, app: App, path: str) -> None:
    page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAIN} h1", timeout=RENDER_TIMEOUT_MS)
    idle(page)


def _sign_in(
    context: BrowserContext, app: App, username: str, *, watch: Callable[[Page], None] | None = None
) -> Page:
    """Sign in through the form in a new page of ``context`` (``watch`` sees the page first)."""
    page = context.new_page()
    if watch is not None:
        watch(page)
    _goto(page, app, "")
    sign_in_form(page, username=username, password=PASSWORD)
    return page


def _nav_to(page: Page, title: str, heading: str) -> None:
    """Follow a navigation link (a full page load would start a new session: signed out)."""
    page.locator(NAV).get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    idle(page)


def _profile_of_png(page: Page) -> str:
    """Open the participant profile through the navigation, pick PNG, return the main text."""
    page.locator(NAV).get_by_role("link", name="Participant profile").click()
    expect(page.locator(".st-key-p_participant")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    idle(page)
    heading = page.get_by_role("heading", name="Papua New Guinea", level=1)
    if heading.count() == 0:  # the first visit shows the default participant
        page.locator(".st-key-p_participant").click()
        page.keyboard.type("Papua")  # the option list is virtual: filter it to the one wanted
        page.get_by_role("option", name="Papua New Guinea", exact=True).click()
    expect(heading).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    idle(page)
    expect(page.get_by_role("heading", name="Evidence", exact=True)).to_be_visible()
    return page.locator(MAIN).inner_text()


def _rows(db: Path) -> list[tuple[str, str, float]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT participant_code, indicator_code, value FROM observation "
            "WHERE participant_code = ? AND indicator_code LIKE 'R%'",
            (CODE,),
        ).fetchall()


def _no_exception(page: Page, app: App) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{exceptions.all_inner_texts()}\n{app.log_tail()}"


def _scenario(chromium: Browser, app: App, db: Path, upload: Path) -> None:
    assert _rows(db) == [], "the reference data gained a PNG observation: pick another case"

    # A viewer signed in: no Load data, no Load history; /upload by hand shows no form.
    viewer = chromium.new_context(viewport=VIEWPORT)
    page = _sign_in(viewer, app, "vic")
    nav = page.locator(NAV)
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    expect(nav.get_by_role("link", name="Load data")).to_have_count(0)
    expect(nav.get_by_role("link", name="Load history")).to_have_count(0)
    for path in ("upload", "history"):
        page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stApp"]', timeout=RENDER_TIMEOUT_MS)
        idle(page)
        page.locator(f"{MAIN} h1").first.wait_for(timeout=RENDER_TIMEOUT_MS)
        idle(page)
        expect(page.locator(UPLOAD_INPUT)).to_have_count(0)
        expect(page.get_by_role("button", name="Load into the database")).to_have_count(0)
        expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
        _no_exception(page, app)
    viewer.close()

    # The editor loads a file: it is pending, and nothing public changes.
    editor = chromium.new_context(viewport=VIEWPORT)
    page = _sign_in(editor, app, "ed")
    assert NO_OBSERVATIONS in _profile_of_png(page)
    _nav_to(page, "Load data", "Load progress indicators")
    page.locator(UPLOAD_INPUT).set_input_files(str(upload))
    load = page.get_by_role("button", name="Load into the database")
    load.wait_for(timeout=RENDER_TIMEOUT_MS)
    load.click()
    pending = page.get_by_text(re.compile(r"submitted for review as load run (\d+)"))
    expect(pending).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    run_id = int(re.search(r"load run (\d+)", pending.inner_text()).group(1))  # type: ignore[union-attr]
    assert _rows(db) == [], "a pending load wrote observations"
    with sqlite3.connect(db) as conn:
        state = conn.execute(
            'SELECT "user", review_state FROM load_run WHERE id = ?', (run_id,)
        ).fetchone()
    assert state == ("ed", "pending"), state
    assert NO_OBSERVATIONS in _profile_of_png(page), "the pending load is public already"

    # The editor sees the run waiting, and no Publish or Decline button.
    _nav_to(page, "Load history", "Load history")
    chosen = page.get_by_role("combobox", name="Pending load run")
    expect(chosen).to_have_value(f"run {run_id}: {FILE_NAME} by ed")
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Decline", exact=True)).to_have_count(0)
    expect(page.get_by_text("A reviewer publishes or declines it")).to_be_visible()
    _no_exception(page, app)

    # The editor previews the whole dashboard with it: every page shows it, marked, for this
    # session only, until the preview ends; nothing is written.
    page.get_by_role("button", name="Preview the whole dashboard with it").click()
    banner = page.get_by_text("PREVIEW — not published.")
    expect(banner).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    idle(page)
    text = _profile_of_png(page)
    assert "PREVIEW — not published." in text and f"pending load run {run_id}" in text, text[:2000]
    assert NO_OBSERVATIONS not in text, "the preview does not show the pending observation"
    assert f"preview of pending run {run_id}" in text  # the cited data version says so
    assert _rows(db) == [], "a preview wrote observations"
    page.get_by_role("button", name="End the preview").click()
    expect(banner).to_have_count(0, timeout=RENDER_TIMEOUT_MS)
    idle(page)
    assert NO_OBSERVATIONS in _profile_of_png(page), "the preview outlived its end"
    _no_exception(page, app)
    editor.close()

    # The reviewer, in a browser of their own, publishes it with a comment.
    reviewer = chromium.new_context(viewport=VIEWPORT)
    page = _sign_in(reviewer, app, "rita")
    _nav_to(page, "Load history", "Load history")
    chosen = page.get_by_role("combobox", name="Pending load run")
    expect(chosen).to_have_value(f"run {run_id}: {FILE_NAME} by ed")
    comment = page.locator(".st-key-history_comment input")
    comment.fill("Checked against the 2019 report.")
    comment.press("Enter")
    idle(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text(f"Published run {run_id}")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()
    _no_exception(page, app)

    assert _rows(db) == [(CODE, "R1.1", 1.0)]
    with sqlite3.connect(db) as conn:
        reviewed = conn.execute(
            "SELECT review_state, reviewed_by, review_comment FROM load_run WHERE id = ?",
            (run_id,),
        ).fetchone()
    assert reviewed == ("published", "rita", "Checked against the 2019 report."), reviewed

    # ... and the public profile now has the observation.
    text = _profile_of_png(page)
    assert NO_OBSERVATIONS not in text, text[:3000]
    _no_exception(page, app)

    # The reviewer's own load is pending too, and she cannot publish it herself.
    _nav_to(page, "Load data", "Load progress indicators")
    page.locator(UPLOAD_INPUT).set_input_files(str(upload.with_name(OWN_FILE_NAME)))
    page.get_by_role("button", name="Load into the database").click()
    own = page.get_by_text(re.compile(r"submitted for review as load run (\d+)"))
    expect(own).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    own_id = int(re.search(r"load run (\d+)", own.inner_text()).group(1))  # type: ignore[union-attr]
    _nav_to(page, "Load history", "Load history")
    chosen = page.get_by_role("combobox", name="Pending load run")
    expect(chosen).to_have_value(f"run {own_id}: {OWN_FILE_NAME} by rita")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(
        page.get_by_text(f"rita made load run {own_id}: a change needs a second pair")
    ).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(chosen).to_have_value(f"run {own_id}: {OWN_FILE_NAME} by rita")  # still pending
    with sqlite3.connect(db) as conn:
        state = conn.execute(
            "SELECT review_state, reviewed_by FROM load_run WHERE id = ?", (own_id,)
        ).fetchone()
    assert state == ("pending", ""), state
    assert _rows(db) == [(CODE, "R1.1", 1.0)]
    _no_exception(page, app)
    reviewer.close()

    # A guest (no sign-in) sees the published value too.
    guest = chromium.new_context(viewport=VIEWPORT)
    page = guest.new_page()
    _goto(page, app, f"country?participant={CODE}")
    expect(page.get_by_role("heading", name="Papua New Guinea", level=1)).to_be_visible()
    assert NO_OBSERVATIONS not in page.locator(MAIN).inner_text()
    guest.close()
