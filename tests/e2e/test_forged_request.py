"""A forged request over the real websocket is refused on the server, role by role.

In the real browser a guest who types /upload gets Streamlit's page-not-found answer and no
upload form (a signed-in viewer typing it is covered in test_stewardship.py, the missing
navigation entry in test_signin.py). An editor's browser then opens the Load data and
Methodology pages, and the ForwardMsgs it receives give the widget ids of every control there
that writes: the file uploader, "Load into the database", the expert-assessment form and "Add
the synthetic demo sample" (ids are deterministic: they hash the widget's key and page).

Then a raw websocket client, speaking Streamlit's protocol (BackMsg / ForwardMsg protobufs over
/_stcore/stream, the file over /_stcore/upload_file/...), sends the same forged sequence for
three sessions: a viewer signed in with a local account, a guest, and an editor. Each step
uploads a valid observations file for the session and sends a rerun that claims the writing
widgets were triggered: on the upload page by its script hash and by its URL path, on the
page the session is on, on the Methodology page. For the viewer and the guest the database is
unchanged row for row and no success message comes back; for the editor (the positive
control: the forgery is well formed) the same messages load the file, record the assessment
and add the sample. A forged widget state named like the key that holds a local account's
sign-in is tried too. Local sign-in lives in the server's session state, not in a cookie, so
"the editor's session" is a websocket session that signed in through the sign-in form.

Playwright's sync API allows one instance per thread, and test_browser.py's session-wide
browser may still be open: the browser part runs on a worker thread."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState, FileURLs
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import ClientConnection, connect

from dashboard.core.db import make_engine
from dashboard.ui.auth import LOCAL_KEY
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
)
from tests.e2e.test_stewardship import _nav_to, _sign_in

if HAVE_PLAYWRIGHT:
    from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
NAV = '[data-testid="stSidebarNav"]'
MAIN = '[data-testid="stMain"]'
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
GOOD = ROOT / "tests" / "fixtures" / "observations_good.csv"  # 4 new observations
FORGED_NAME = "forged.csv"
RUN_TIMEOUT_S = 90.0  # one script run on a busy 2-core machine, generously
# The success of each write the forged messages aim at (writes.py and the loaders say these).
WRITE_DONE = re.compile(
    r"loaded \d+ observations rows|would load|synthetic observations \(SAMPLE DATA\)"
    r"|submitted for review|Removed the synthetic sample"
)
TABLES = ("observation", "load_run", "data_change", "pending_file", "assessment", "app_user")


@pytest.fixture(scope="module")
def forge_app(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The app over the reference database (no sample) with an editor and a viewer account;
    review off, so an editor's load is written at once (the positive control can see it)."""
    work = tmp_path_factory.mktemp("e2e-forged")
    db = work / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    engine = make_engine(url=f"sqlite:///{db}")
    for name, role in (("ed", "editor"), ("vic", "viewer")):
        accounts.add_user(engine=engine, username=name, role=role, password=PASSWORD)
    engine.dispose()
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}", "RTOP_REVIEW": "off"}
    with serve_app(env=env, log_path=work / "streamlit.log", db=db) as running:
        yield running


# ---------------------------------------------------------------------------------------------
# Reading ForwardMsgs (from the browser's websocket or from our own)


def _elements(msgs: list[ForwardMsg]) -> Iterator[tuple[str, Any]]:
    for fm in msgs:
        if fm.WhichOneof("type") == "delta" and fm.delta.WhichOneof("type") == "new_element":
            kind = fm.delta.new_element.WhichOneof("type")
            yield kind, getattr(fm.delta.new_element, kind)


def _widget_ids(msgs: list[ForwardMsg]) -> set[str]:
    return {w.id for _, w in _elements(msgs) if getattr(w, "id", "")}


def _one_id(ids: set[str], suffix: str) -> str:
    """The widget id ending in -<key> (Streamlit appends the user key, or for a keyless form
    submit button FormSubmitter:<form>-<label>)."""
    found = [i for i in ids if i.endswith(suffix)]
    assert len(found) == 1, (suffix, sorted(ids))
    return found[0]


def _page_hashes(msgs: list[ForwardMsg]) -> dict[str, str]:
    """url_path -> page script hash, from the navigation messages."""
    return {
        p.url_pathname: p.page_script_hash
        for fm in msgs
        if fm.WhichOneof("type") == "navigation"
        for p in fm.navigation.app_pages
    }


@dataclass
class Recorder:
    """Every ForwardMsg a browser page received over /_stcore/stream."""

    msgs: list[ForwardMsg] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        def on_ws(ws: Any) -> None:
            if ws.url.endswith("/_stcore/stream"):
                ws.on("framereceived", self._frame)

        page.on("websocket", on_ws)

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            fm = ForwardMsg()
            fm.ParseFromString(payload)
            self.msgs.append(fm)

    def wait_for_id(self, page: Page, suffix: str) -> str:
        """Poll (frames are dispatched between Playwright calls) until the id has arrived."""
        deadline = time.monotonic() + RENDER_TIMEOUT_MS / 1000
        while not [i for i in _widget_ids(self.msgs) if i.endswith(suffix)]:
            assert time.monotonic() < deadline, f"no widget {suffix} in the frames received"
            page.wait_for_timeout(100)
        return _one_id(_widget_ids(self.msgs), suffix)


@dataclass(frozen=True)
class Targets:
    """What the editor's browser was sent: the writing widgets' ids and the pages' hashes."""

    upload_page: str
    methodology_page: str
    file: str
    load: str
    assess_who: str
    assess_assessor: str
    assess_rationale: str
    assess_source: str
    assess_submit: str
    demo_add: str


# ---------------------------------------------------------------------------------------------
# The browser part


def test_a_forged_request_is_refused_for_a_viewer_and_a_guest(forge_app: App) -> None:
    assert forge_app.db is not None
    targets = in_own_chromium(_in_browser, forge_app)
    _forgeries(forge_app, forge_app.db, targets)


def _in_browser(chromium: Browser, app: App) -> Targets:
    _guest_types_upload(chromium, app)
    return _editor_targets(chromium, app)


def _guest_types_upload(chromium: Browser, app: App) -> None:
    """A guest typing /upload: Streamlit says the page is not found, runs the default page, and
    no upload control is drawn."""
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    seen = Recorder()
    seen.attach(page)
    page.goto(f"{app.url}/upload", wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAIN} h1", timeout=RENDER_TIMEOUT_MS)
    idle(page)
    expect(page.locator(NAV).get_by_role("link", name="Load data")).to_have_count(0)
    expect(page.get_by_role("heading", name="Load progress indicators")).to_have_count(0)
    expect(page.locator(UPLOAD_INPUT)).to_have_count(0)
    expect(page.get_by_role("button", name="Load into the database")).to_have_count(0)
    expect(
        page.get_by_role("heading", name="Responsibility to Protect in the ARF region")
    ).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    deadline = time.monotonic() + RENDER_TIMEOUT_MS / 1000
    while not any(fm.WhichOneof("type") == "page_not_found" for fm in seen.msgs):
        assert time.monotonic() < deadline, "the server did not answer page_not_found"
        page.wait_for_timeout(100)
    assert "upload" not in _page_hashes(seen.msgs)
    context.close()


def _editor_targets(chromium: Browser, app: App) -> Targets:
    """Open the writing pages as an editor (checking a file, clicking nothing that writes) and
    read the writing widgets' ids from the messages the browser received."""
    context = chromium.new_context(viewport=VIEWPORT)
    seen = Recorder()
    page = _sign_in(context, app, "ed", watch=seen.attach)
    _nav_to(page, "Load data", "Load progress indicators")
    page.locator(UPLOAD_INPUT).set_input_files(str(GOOD))
    page.get_by_role("button", name="Load into the database").wait_for(timeout=RENDER_TIMEOUT_MS)
    load = seen.wait_for_id(page, "-upload_go")
    _nav_to(page, "Methodology", "Methodology")
    page.get_by_role("button", name="Add the synthetic demo sample").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    demo_add = seen.wait_for_id(page, "-demo_add")
    context.close()
    ids = _widget_ids(seen.msgs)
    hashes = _page_hashes(seen.msgs)
    return Targets(
        upload_page=hashes["upload"],
        methodology_page=hashes["methodology"],
        file=_one_id(ids, "-upload_file"),
        load=load,
        assess_who=_one_id(ids, "-assess_who"),
        assess_assessor=_one_id(ids, "-assess_assessor"),
        assess_rationale=_one_id(ids, "-assess_rationale"),
        assess_source=_one_id(ids, "-assess_source"),
        assess_submit=_one_id(ids, "FormSubmitter:assessment-Record the assessment"),
        demo_add=demo_add,
    )


# ---------------------------------------------------------------------------------------------
# Our own websocket client


@dataclass
class Answer:
    """What the server sent back for one rerun, up to its script_finished."""

    msgs: list[ForwardMsg]

    def __repr__(self) -> str:  # the messages themselves are too long for a failure report
        navs = [fm.navigation for fm in self.msgs if fm.WhichOneof("type") == "navigation"]
        ran = navs[-1].page_script_hash if navs else None
        return f"Answer(page run={ran}, alerts={self.alerts()}, not_found={self.not_found()})"

    def alerts(self) -> list[tuple[str, str]]:
        return [(Alert.Format.Name(w.format), w.body) for kind, w in self._els() if kind == "alert"]

    def writes_done(self) -> list[str]:
        return [body for _, body in self.alerts() if WRITE_DONE.search(body)]

    def page_run(self) -> str:
        """The script hash of the page the navigation ran."""
        navs = [fm.navigation for fm in self.msgs if fm.WhichOneof("type") == "navigation"]
        assert navs, "no navigation message in the answer"
        return navs[-1].page_script_hash

    def pages_offered(self) -> set[str]:
        return set(_page_hashes(self.msgs))

    def not_found(self) -> bool:
        return any(fm.WhichOneof("type") == "page_not_found" for fm in self.msgs)

    def exceptions(self) -> list[str]:
        return [w.message for kind, w in self._els() if kind == "exception"]

    def _els(self) -> Iterator[tuple[str, Any]]:
        return _elements(self.msgs)


class Forger:
    """One browser session, spoken by hand: reruns with chosen widget states, file uploads."""

    def __init__(self, app: App, ws: ClientConnection) -> None:
        self.app = app
        self.ws = ws
        self.session_id = ""
        self.http = requests.Session()
        self.http.trust_env = False  # 127.0.0.1 directly, whatever proxy the environment names
        health = self.http.get(f"{app.url}/_stcore/health", timeout=30)
        self.xsrf = health.cookies.get("_streamlit_xsrf", "")  # what the browser's JS reads
        self.last: Answer | None = None

    def _recv(self, deadline: float) -> ForwardMsg:
        left = deadline - time.monotonic()
        assert left > 0, "the server did not answer in time"
        fm = ForwardMsg()
        fm.ParseFromString(self.ws.recv(timeout=left))
        if fm.WhichOneof("type") == "new_session":
            self.session_id = fm.new_session.initialize.session_id
        return fm

    def rerun(
        self, *, page_hash: str = "", page_name: str = "", widgets: Sequence[WidgetState] = ()
    ) -> Answer:
        """A rerun_script BackMsg, as the browser sends after a click; the answer up to the
        run that finished (a st.rerun inside it finishes early and runs again)."""
        back = BackMsg()
        back.rerun_script.page_script_hash = page_hash
        back.rerun_script.page_name = page_name
        back.rerun_script.widget_states.widgets.extend(widgets)
        self.ws.send(back.SerializeToString())
        deadline = time.monotonic() + RUN_TIMEOUT_S
        msgs: list[ForwardMsg] = []
        while True:
            fm = self._recv(deadline)
            msgs.append(fm)
            if (
                fm.WhichOneof("type") == "script_finished"
                and fm.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
            ):
                self.last = Answer(msgs)
                return self.last

    def sign_in(self, username: str) -> Answer:
        """Fill in and submit the sign-in form that every visitor is shown."""
        form = self.rerun(page_name="signin")
        ids = _widget_ids(form.msgs)
        answer = self.rerun(
            page_hash=_page_hashes(form.msgs)["signin"],
            widgets=[
                WidgetState(id=_one_id(ids, "-signin_username"), string_value=username),
                WidgetState(id=_one_id(ids, "-signin_password"), string_value=PASSWORD),
                WidgetState(
                    id=_one_id(ids, "FormSubmitter:signin_form-Sign in"), trigger_value=True
                ),
            ],
        )
        assert any(f"You are signed in as {username}" in b for _, b in answer.alerts()), (
            answer.alerts()
        )
        return answer

    def upload(self, data: bytes) -> tuple[int, FileUploaderState]:
        """Ask for an upload URL (file_urls_request) and PUT the file there as the browser
        does; returns the HTTP status and the uploader state that names the file."""
        back = BackMsg()
        request_id = uuid.uuid4().hex
        back.file_urls_request.request_id = request_id
        back.file_urls_request.session_id = self.session_id
        back.file_urls_request.file_names.append(FORGED_NAME)
        self.ws.send(back.SerializeToString())
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while True:
            fm = self._recv(deadline)
            if (
                fm.WhichOneof("type") == "file_urls_response"
                and fm.file_urls_response.response_id == request_id
            ):
                urls: FileURLs = fm.file_urls_response.file_urls[0]
                break
        put = self.http.put(
            f"{self.app.url}{urls.upload_url}",
            files={"file": (FORGED_NAME, data, "text/csv")},
            headers={"X-Xsrftoken": self.xsrf},
            cookies={"_streamlit_xsrf": self.xsrf},
            timeout=RUN_TIMEOUT_S,
        )
        state = FileUploaderState()
        info = state.uploaded_file_info.add()
        info.name, info.size, info.file_id = FORGED_NAME, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        return put.status_code, state


@contextmanager
def _forger(app: App) -> Iterator[Forger]:
    ws_url = app.url.replace("http://", "ws://") + "/_stcore/stream"
    with connect(
        ws_url,
        subprotocols=["streamlit"],  # type: ignore[list-item]
        origin=app.url,  # type: ignore[arg-type]
        proxy=None,
        open_timeout=RUN_TIMEOUT_S,
        max_size=None,
    ) as ws:
        yield Forger(app, ws)


# ---------------------------------------------------------------------------------------------
# The forged sequence


@dataclass(frozen=True)
class Step:
    name: str
    answer: Answer
    upload_status: int | None


def _forged_sequence(forger: Forger, t: Targets, data: bytes) -> list[Step]:
    """The same messages for every session: a fresh file and the writing widgets triggered,
    on the upload page (by hash and by URL path), on the page the session is on, and on the
    Methodology page."""
    here = forger.last.page_run() if forger.last else ""
    steps: list[Step] = []

    def load(name: str, **where: str) -> None:
        status, uploaded = forger.upload(data)
        widgets = [
            WidgetState(id=t.file, file_uploader_state_value=uploaded),
            WidgetState(id=t.load, trigger_value=True),
        ]
        steps.append(Step(name, forger.rerun(widgets=widgets, **where), status))

    load("load, upload page by hash", page_hash=t.upload_page)
    load("load, upload page by URL path", page_name="upload")
    load("load, the page the session is on", page_hash=here)
    assessment = [
        WidgetState(id=t.assess_who, string_value="Papua New Guinea (PNG)"),
        WidgetState(id=t.assess_assessor, string_value="A forger"),
        WidgetState(id=t.assess_rationale, string_value="Forged over the websocket."),
        WidgetState(id=t.assess_source, string_value="forged source"),
        WidgetState(id=t.assess_submit, trigger_value=True),
    ]
    answer = forger.rerun(page_hash=t.upload_page, widgets=assessment)
    steps.append(Step("assessment form, upload page", answer, None))
    demo = [WidgetState(id=t.demo_add, trigger_value=True)]
    answer = forger.rerun(page_hash=t.methodology_page, widgets=demo)
    steps.append(Step("demo sample, Methodology page", answer, None))
    return steps


def _dump(db: Path) -> list[str]:
    """Every row of the database but the sign-in log (a sign-in is recorded by design: the
    throttle every process reads)."""
    with sqlite3.connect(db) as conn:
        return [line for line in conn.iterdump() if '"sign_in_attempt"' not in line]


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _tracebacks(log: str) -> list[str]:
    """The server's uncaught exceptions, each from its Traceback line to the next log line."""
    return re.findall(
        r"Traceback \(most recent call last\):.*?(?=\n\d{4}-\d\d-\d\d |\Z)", log, re.S
    )


def _refused(role: str, steps: list[Step], upload_page: str) -> None:
    for step in steps:
        what = f"{role}, {step.name}"
        assert step.answer.writes_done() == [], (what, step.answer.alerts())
        assert step.answer.page_run() != upload_page, f"{what}: the upload page ran"
        assert "upload" not in step.answer.pages_offered(), f"{what}: Load data offered"
        assert step.answer.exceptions() == [], (what, step.answer.exceptions())
    by_path = next(s for s in steps if s.name == "load, upload page by URL path")
    assert by_path.answer.not_found(), f"{role}: /upload was not answered page_not_found"


def _forgeries(app: App, db: Path, t: Targets) -> None:
    data = GOOD.read_bytes()
    before, counts = _dump(db), _counts(db)
    assert counts["observation"] > 0 and counts["assessment"] == 0, counts

    with _forger(app) as viewer:
        viewer.sign_in("vic")
        assert _dump(db) == before, "signing in as a viewer wrote to the database"
        refused = _forged_sequence(viewer, t, data)
    _refused("viewer", refused, t.upload_page)
    with _forger(app) as guest:
        guest.rerun()  # a first visit: the default page
        refused_guest = _forged_sequence(guest, t, data)
    _refused("guest", refused_guest, t.upload_page)
    assert _counts(db) == counts
    assert _dump(db) == before, "a forged request by a viewer or a guest wrote to the database"
    assert _tracebacks(app.log.read_text(errors="replace")) == [], app.log_tail()
    # The upload itself is refused too: the server takes files only from sessions that may
    # load (dashboard/serving/uploads.py; tests/e2e/test_upload_guard.py).
    uploads = {s.upload_status for s in refused + refused_guest if s.upload_status is not None}
    assert uploads == {403}, uploads

    # The key that holds a local sign-in is no widget: a widget state of that name does not
    # sign anyone in (the key holds a LocalSignIn, which no browser message can make). For a
    # guest, Streamlit's own session-state code trips on the unknown id (it does so for any
    # forged id that is not a widget's) and that run ends in a KeyError: nothing is written,
    # only the forger's own run is lost.
    log_before = len(app.log.read_text(errors="replace"))
    for username in ("vic", ""):
        with _forger(app) as forger:
            if username:
                forger.sign_in(username)
            else:
                forger.rerun()
            status, uploaded = forger.upload(data)
            assert status == 403, status  # the guard; the app refuses the rerun below too
            answer = forger.rerun(
                page_hash=t.upload_page,
                widgets=[
                    WidgetState(id=LOCAL_KEY, string_value="ed"),
                    WidgetState(id=t.file, file_uploader_state_value=uploaded),
                    WidgetState(id=t.load, trigger_value=True),
                ],
            )
            assert answer.writes_done() == [], answer.alerts()
            assert answer.page_run() != t.upload_page
            assert "upload" not in answer.pages_offered()
            again = forger.rerun(page_name="signin")  # who does the server think this is?
            expected = f"You are signed in as {username}" if username else "Sign in"
            texts = [b for _, b in again.alerts()] + [
                w.body for kind, w in _elements(again.msgs) if kind in ("heading", "markdown")
            ]
            assert any(expected in x for x in texts), texts
            assert not any("signed in as ed" in x for x in texts), texts
    assert _dump(db) == before, "a forged sign-in state wrote to the database"
    late = _tracebacks(app.log.read_text(errors="replace")[log_before:])
    assert all(f'no key "{LOCAL_KEY}"' in tb for tb in late), late

    # Positive control: the very same sequence for an editor's session loads and records.
    with _forger(app) as editor:
        editor.sign_in("ed")
        done = _forged_sequence(editor, t, data)
    outcome = {s.name: s.answer.writes_done() for s in done}
    assert [s.upload_status for s in done if s.upload_status is not None] == [204] * 3, done
    assert outcome["load, upload page by hash"] == [
        f"{FORGED_NAME}: loaded 4 observations rows: 4 new, 0 updated, 0 unchanged"
    ], outcome
    assert outcome["load, upload page by URL path"] == [
        f"{FORGED_NAME}: loaded 4 observations rows: 0 new, 0 updated, 4 unchanged"
        " (already loaded: nothing added)"
    ], outcome
    assert outcome["load, the page the session is on"] == [], outcome  # no Load button there
    assert [s.answer.page_run() for s in done[:2]] == [t.upload_page] * 2
    (assessment,) = outcome["assessment form, upload page"]
    assert re.fullmatch(
        r"assessment-PNG-R1-\d{8}T\d{6}\.csv: loaded 1 observations rows: 1 new, .*", assessment
    ), assessment
    (demo,) = outcome["demo sample, Methodology page"]
    assert re.fullmatch(r"Added [\d,]+ synthetic observations \(SAMPLE DATA\)\.", demo), demo
    after = _counts(db)
    assert after["observation"] > counts["observation"] + 4, (counts, after)
    assert after["assessment"] == 1, after
    with sqlite3.connect(db) as conn:
        users = conn.execute(
            'SELECT DISTINCT "user" FROM load_run WHERE file_name = ?', (FORGED_NAME,)
        ).fetchall()
    assert users == [("ed",)], users
    assert _tracebacks(app.log.read_text(errors="replace")[log_before:]) == late, app.log_tail()
