"""Hostile input through the real Load data page, in headless Chromium, on SQLite and on
PostgreSQL: the browser counterpart of tests/loaders/test_hostile.py.

Each file goes in through the page's file chooser as a person (or a script) would hand it
over, with a name the client chose. A refused file is told as "NAME was rejected: N
problem(s); nothing was written." under its cleaned name and the database keeps its rows; an
accepted one is checked, then loaded with the page's button. No page ever shows Streamlit's
exception box or a link off the machine, no markup from a name or a cell becomes an element,
and Load history names the runs cleaned. A database the pages cannot read gets one plain
sentence with a reference into the server's log, and the server tells every browser to show
Streamlit's off-site error links never.

An open install (no accounts, a local browser): the person at the app may load; review is off.
Playwright's sync API allows one instance per thread, and test_browser.py's session-wide
browser may still be open: each scenario drives its own Chromium from a worker thread."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook
from sqlalchemy import text
from sqlalchemy.engine import Engine

from dashboard.core.config import DATA_DIR
from dashboard.core.db import make_engine, migrate
from dashboard.ui.failure import MESSAGE
from loaders.reference import init
from tests.conftest import PG_URL, _reset_postgres, need
from tests.e2e.test_browser import (
    HAVE_PLAYWRIGHT,
    LOCAL_HOSTS,
    RENDER_TIMEOUT_MS,
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
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
HEADER = "participant,indicator,date,value,source,note"
DROPPED = ("RTOP_REVIEW", "RTOP_REQUIRE_LOGIN", "RTOP_DATABASE_URL")
COUNTED = ("observation", "event", "assessment")


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "observations"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class Case:
    """One hostile upload: the name the client gives, the bytes, and what the page says."""

    why: str
    name: str
    data: bytes
    shown: str  # the cleaned name the page uses
    problems: int = 0  # 0: accepted (then ``rows`` new rows load)
    rows: int = 0
    note: str = ""  # a note the check shows (accepted files)


def _row(**cells: object) -> dict[str, object]:
    return {"participant": "VNM", "indicator": "R1.1", "date": "2019", "value": 2,
            "source": "Hostile browser test"} | cells  # fmt: skip


CASES = [
    Case("a lone surrogate in a JSON note (it crashed the page)", "surrogate.json",
         json.dumps([_row(note="a\ud800b")]).encode(), "surrogate.json", problems=1),
    Case("duplicate keys in a JSON object", "twice.json",
         b'[{"participant": "VNM", "indicator": "R1.1", "date": "2019", "value": 1, '
         b'"value": 3, "source": "s"}]', "twice.json", problems=1),
    Case("a regional indicator under a participant", "regional.csv",
         _csv(HEADER, "VNM,R4.1,2020,2,Hostile browser test,"), "regional.csv", problems=1),
    Case("a javascript: link on an event", "links.csv",
         _csv("date,title,source,url", "2020-01-01,Meeting,src,javascript:alert(document.domain)"),
         "links.csv", problems=1),
    Case("a time of day in an XLSX date cell", "clock.xlsx",
         _xlsx([HEADER.split(","), ["VNM", "R3.2", __import__("datetime").datetime(
             2019, 5, 1, 10, 30), 40, "Report", None]]), "clock.xlsx", problems=1),
    Case("random bytes under a .csv name", "random.csv",
         bytes(range(256)) * 8, "random.csv", problems=1),
    Case("a right-to-left override inside a cell", "bidi.csv",
         _csv(HEADER, "VNM,R1.1,2019,2,src,Viet\u202eNam"), "bidi.csv", problems=1),
    Case("markup as a file name, with a bad row", "<img src=x onerror=alert(1)>.csv",
         _csv(HEADER, "Vietnan,R1.1,2019,2,src,"), "\ufffdimg src=x onerror=alert(1)\ufffd.csv",
         problems=1),
    Case("a web address as a file name, with a bad row", "www.evil.example.csv",
         _csv(HEADER, "Vietnan,R1.1,2019,2,src,"), "www.evil.example.csv", problems=1),
    Case("an e-mail address as a file name, with a bad row", "me@evil.example.csv",
         _csv(HEADER, "Vietnan,R1.1,2019,2,src,"), "me@evil.example.csv", problems=1),
    Case("an entity for a right-to-left override in a name", "a&#x202E;vsc.csv",
         _csv(HEADER, "Vietnan,R1.1,2019,2,src,"), "a&#x202E;vsc.csv", problems=1),
    Case("a path as a file name, with a bad row", "../../../etc/passwd.csv",
         _csv(HEADER, "Atlantis,R1.1,2019,2,src,"), "passwd.csv", problems=1),
    Case("a right-to-left override in the name of a good file", "invoice\u202egpj.csv",
         _csv(HEADER, "AUS,R2.2,2020,1,Hostile browser test,"), "invoice\ufffdgpj.csv", rows=1),
    Case("a 300-character name", "n" * 296 + ".csv",
         _csv(HEADER, "NZL,R2.2,2020,1,Hostile browser test,"), "n" * 115 + "….csv", rows=1),
    Case("an unknown column (named in a note)", "extra.csv",
         _csv(HEADER + ",comments", "PHL,R2.2,2020,1,Hostile browser test,,kept aside"),
         "extra.csv", rows=1,
         note="note: ignored 1 column(s) RtoP Monitor does not read: 'comments'"),
    Case("markup and a javascript: link in a note", "markup.csv",
         _csv(HEADER, 'THA,R2.2,2020,1,Hostile browser test,"<img src=x onerror=alert(1)> '
              '[click](javascript:alert(1)) **bold** $x$"'), "markup.csv", rows=1),
]  # fmt: skip


# The server takes at most 12 uploads a minute from one client (dashboard/serving/uploads.py):
# the cases go in two batches (every other one), each to a server of its own.
BATCHES = {"odd": CASES[::2], "even": CASES[1::2]}


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url=url)
    try:
        with engine.connect() as conn:
            return {
                t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one())
                for t in COUNTED
            }
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, template_dir: Path, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with the reference data and evidence (SQLite or PostgreSQL)."""
    if request.param == "postgres":
        need("PostgreSQL (RTOP_TEST_POSTGRES_URL)", bool(PG_URL))
        engine: Engine = _reset_postgres()
        try:
            migrate(engine=engine)
            init(engine=engine, data_dir=DATA_DIR)
        finally:
            engine.dispose()
        yield PG_URL
    else:
        db = tmp_path / "hostile.sqlite"
        shutil.copy(template_dir / "reference.sqlite", db)
        yield f"sqlite:///{db}"


def _serve(url: str, work: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env["RTOP_DATABASE_URL"] = url
    return serve_app(env=env, log_path=work / "streamlit.log")


def _clean(page: Page, app: App, what: str, outside: list[str]) -> None:
    """No exception box, no link off the machine, no element made from a name or a cell."""
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, f"{what}: {boxes.all_inner_texts()}\n{app.log_tail()}"
    hrefs = page.locator("a[href]").evaluate_all("els => els.map(e => e.href)")
    away = [h for h in hrefs if urlsplit(h).scheme not in ("http", "https")
            or urlsplit(h).hostname not in LOCAL_HOSTS]  # fmt: skip
    assert not away, f"{what}: links off the machine: {away}"
    assert page.locator("img[src='x'], img[onerror]").count() == 0, what
    assert outside == [], f"{what}: requests left the machine: {outside}"


def _open(chromium: Browser, app: App, path: str) -> tuple[Page, list[str]]:
    outside: list[str] = []
    page = chromium.new_context(viewport=VIEWPORT).new_page()

    def _route(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", _route)
    page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAIN} h1", timeout=RENDER_TIMEOUT_MS)
    idle(page)
    return page, outside


def _uploads(chromium: Browser, app: App, url: str, cases: list[Case]) -> list[tuple[str, str]]:
    """Hand every case to the Load data page; return (why, outcome) for each."""
    page, outside = _open(chromium, app, "upload")
    expect(page.get_by_role("heading", name="Load progress indicators", level=1)).to_be_visible()
    seen: list[tuple[str, str]] = []
    for case in cases:
        before = _counts(url)
        page.locator(UPLOAD_INPUT).set_input_files(
            files=[{"name": case.name, "mimeType": "text/csv", "buffer": case.data}]
        )
        if case.problems:
            said = (f"{case.shown} was rejected: {case.problems} problem(s); nothing was "
                    "written.")  # fmt: skip
            expect(page.get_by_text(said, exact=True)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
            idle(page)
            assert _counts(url) == before, case.why
            seen.append((case.why, "refused"))
        else:
            expect(
                page.get_by_text(f"{case.shown}: would load {case.rows} observations rows")
            ).to_be_visible(timeout=RENDER_TIMEOUT_MS)
            idle(page)
            if case.note:
                checked = page.locator(MAIN).inner_text()
                assert case.note in checked, checked
            page.get_by_role("button", name="Load into the database").click()
            expect(
                page.get_by_text(f"{case.shown}: loaded {case.rows} observations rows")
            ).to_be_visible(timeout=RENDER_TIMEOUT_MS)
            idle(page)
            after = _counts(url)
            assert after["observation"] == before["observation"] + case.rows, case.why
            seen.append((case.why, "accepted"))
        _clean(page, app, case.why, outside)
    # Load history names the newest run cleaned (its heading reads "Run N: NAME").
    page.locator(NAV).get_by_role("link", name="Load history").click()
    expect(page.get_by_role("heading", name="Load history", level=1)).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    idle(page)
    newest = [c for c in cases if not c.problems][-1].shown  # refused checks leave no run
    expect(page.get_by_role("heading", name=re.compile(rf"^Run \d+: {re.escape(newest)}$")))\
        .to_be_visible(timeout=RENDER_TIMEOUT_MS)  # fmt: skip
    shown = page.locator(MAIN).inner_text()
    assert "\u202e" not in shown and "etc/passwd" not in shown and "<img" not in shown
    _clean(page, app, "Load history", outside)
    page.context.close()
    return seen


@pytest.mark.parametrize("batch", list(BATCHES))
def test_hostile_files_through_the_load_data_page(
    database: str, tmp_path: Path, batch: str
) -> None:
    cases = BATCHES[batch]
    with _serve(database, tmp_path) as app:
        seen = in_own_chromium(_uploads, app, database, cases)
    assert [w for w, _ in seen] == [c.why for c in cases]
    refused = sum(1 for _, outcome in seen if outcome == "refused")
    assert (refused, len(seen) - refused) == (
        sum(1 for c in cases if c.problems),
        sum(1 for c in cases if not c.problems),
    )


def _keep(frames: list[Any], payload: str | bytes) -> None:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, bytes):
        fm = ForwardMsg()
        fm.ParseFromString(payload)
        frames.append(fm)


def _damaged(chromium: Browser, app: App) -> str:
    """Visit three pages of a server whose database has lost a table the pages read; return
    the error messages they showed. Each page's websocket is watched from its first frame:
    Streamlit's NewSession tells the browser whether it may show off-site error links."""
    from streamlit.proto.NewSession_pb2 import Config

    said: list[str] = []
    for path in ("", "map", "upload"):
        outside: list[str] = []
        frames: list[Any] = []
        page = chromium.new_context(viewport=VIEWPORT).new_page()
        page.on("websocket", lambda ws, f=frames: ws.on("framereceived", lambda p: _keep(f, p)))

        def _route(route: Any, outside: list[str] = outside) -> None:
            if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", _route)
        page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
        alert = page.locator('[data-testid="stAlertContentError"]')
        alert.first.wait_for(timeout=RENDER_TIMEOUT_MS)
        idle(page)
        said += alert.all_inner_texts()
        deadline = time.monotonic() + RENDER_TIMEOUT_MS / 1000
        while not [fm for fm in frames if fm.HasField("new_session")]:
            assert time.monotonic() < deadline, "no NewSession message received"
            page.wait_for_timeout(100)  # frames are dispatched between Playwright calls
        links = {fm.new_session.config.show_error_links for fm in frames
                 if fm.HasField("new_session")}  # fmt: skip
        assert links == {Config.ShowErrorLinks.SHOW_ERROR_LINKS_FALSE}, links
        _clean(page, app, f"/{path}", outside)
        page.context.close()
    return "\n".join(said)


def test_a_database_the_pages_cannot_read_gets_a_plain_message(
    database: str, tmp_path: Path
) -> None:
    engine = make_engine(url=database)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE read_cell_year"))
    finally:
        engine.dispose()
    with _serve(database, tmp_path) as app:
        said = in_own_chromium(_damaged, app)
        log = app.log.read_text(errors="replace")
    references = re.findall(r"reference ([0-9a-f]{8})", said)
    assert len(references) == 3, said
    assert said.count(MESSAGE.split("{reference}")[0]) == 3, said
    for reference in references:  # each is in the server's log, with the traceback after it
        assert f"a page failed (reference {reference})" in log, log[-3000:]
    assert "Traceback" in log and "read_cell_year" in log
    assert "read_cell_year" not in said and "Traceback" not in said
