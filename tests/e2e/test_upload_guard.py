"""Streamlit's upload endpoint, closed to sessions that may not load (issue 20 item 8).

The app is started as `rtop serve` starts it (the st.App of dashboard/ui/server.py) with an
editor, a contributor and a viewer account. A session is a real one: a websocket to
/_stcore/stream speaking Streamlit's protocol (tests/e2e/test_forged_request.py's Forger),
its id read from the server's new_session message, the file sent by a raw HTTP PUT to the
URL the server gave for it, with the XSRF cookie and header as the browser sends them.

- a guest's session (accounts exist, so a guest is a viewer) and a signed-in viewer's are
  refused with 403 and the guard's message; before the guard, both got 204;
- an editor's and a contributor's are accepted (204);
- the same editor session after signing out is refused;
- a file over the size cap is refused (413) by its Content-Length, before any of it is read;
- more than the per-minute count of uploads from one address gets 429 with Retry-After.

The guard's own decisions are unit-tested in tests/dashboard/test_serving.py.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from dashboard.core.db import make_engine
from dashboard.serving.uploads import REFUSED, Limits
from loaders import accounts, collection
from tests.e2e.test_browser import App, serve_app
from tests.e2e.test_forged_request import PASSWORD, RUN_TIMEOUT_S, Forger, _forger, _widget_ids

pytestmark = pytest.mark.e2e

CSV = b"participant,indicator,date,value,source\nVNM,R1.1,2024,1,test\n"


@pytest.fixture(scope="module")
def guarded(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """`rtop serve` over the reference data with an editor, a contributor and a viewer, and an
    upload cap of 1 MB (Streamlit's server.maxUploadSize, from its environment variable)."""
    work = tmp_path_factory.mktemp("e2e-upload-guard")
    db = work / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    engine = make_engine(url=f"sqlite:///{db}")
    for name, role in (("ed", "editor"), ("vic", "viewer"), ("cora", "contributor")):
        accounts.add_user(engine=engine, username=name, role=role, password=PASSWORD)
    collection.set_scope(engine=engine, username="cora", participants=["VNM"])
    engine.dispose()
    env = {
        **os.environ,
        "RTOP_DATABASE_URL": f"sqlite:///{db}",
        "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "1",
    }
    with serve_app(env=env, log_path=work / "streamlit.log", db=db) as running:
        yield running


def _put(forger: Forger, data: bytes = CSV) -> requests.Response:
    """A raw HTTP PUT of a file to the upload URL the server gives this session (asked for
    over its websocket, as the browser asks), with the XSRF cookie and header a browser sends."""
    back = BackMsg()
    back.file_urls_request.request_id = request_id = uuid.uuid4().hex
    back.file_urls_request.session_id = forger.session_id
    back.file_urls_request.file_names.append("a.csv")
    forger.ws.send(back.SerializeToString())
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        fm = forger._recv(deadline)
        if fm.WhichOneof("type") == "file_urls_response" and (
            fm.file_urls_response.response_id == request_id
        ):
            url = fm.file_urls_response.file_urls[0].upload_url
            break
    assert forger.session_id in url, url  # the session id travels in the URL
    return forger.http.put(
        f"{forger.app.url}{url}",
        files={"file": ("a.csv", data, "text/csv")},
        headers={"X-Xsrftoken": forger.xsrf},
        cookies={"_streamlit_xsrf": forger.xsrf},
        timeout=RUN_TIMEOUT_S,
    )


def _sign_out(forger: Forger) -> None:
    """Click the sidebar's Sign out button (by its widget id, from the last run's messages)."""
    assert forger.last is not None
    (button,) = [i for i in _widget_ids(forger.last.msgs) if i.endswith("-auth_sign_out")]
    forger.rerun(widgets=[WidgetState(id=button, trigger_value=True)])


def test_uploads_only_from_sessions_that_may_load(guarded: App) -> None:
    with _forger(guarded) as guest:
        guest.rerun()  # a first visit: the script run that decides who this is
        assert guest.session_id
        refused = _put(guest)
    assert (refused.status_code, refused.text) == (403, REFUSED)

    with _forger(guarded) as viewer:
        viewer.sign_in("vic")
        refused = _put(viewer)
    assert (refused.status_code, refused.text) == (403, REFUSED)

    with _forger(guarded) as contributor:
        contributor.sign_in("cora")
        assert _put(contributor).status_code == 204

    with _forger(guarded) as editor:
        editor.sign_in("ed")
        assert _put(editor).status_code == 204
        # over the cap (1 MB here): refused by its declared length, with the guard's words
        big = _put(editor, b"x" * (2 * 1024 * 1024))
        assert big.status_code == 413 and "over the upload limit (1 MB)" in big.text, big.text
        _sign_out(editor)  # the right goes with the role, at the next run
        refused = _put(editor)
    assert (refused.status_code, refused.text) == (403, REFUSED)
    assert "Traceback" not in guarded.log.read_text(errors="replace"), guarded.log_tail()


def test_too_many_uploads_from_one_address_wait(guarded: App) -> None:
    with _forger(guarded) as editor:
        editor.sign_in("ed")
        answers = [_put(editor) for _ in range(Limits().per_minute + 1)]
    codes = [a.status_code for a in answers]
    # the other test may have spent some of this minute's uploads from 127.0.0.1 already
    assert set(codes) == {204, 429} or codes[0] == 429, codes
    first = codes.index(429)
    assert codes[:first] == [204] * first and codes[first:] == [429] * (len(codes) - first)
    assert answers[-1].text.startswith("Too many uploads from this address"), answers[-1].text
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 60, answers[-1].headers
