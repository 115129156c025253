"""The server's own middleware, Streamlit-free (dashboard/serving): who may upload, how much a
client may send, and where an embed link goes. The same pieces run in the real server in
tests/e2e/test_upload_guard.py and tests/e2e/test_embed.py."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard.core import roles
from dashboard.serving.embed import EmbedLinks, embed_target
from dashboard.serving.uploads import (
    REFUSED,
    Limits,
    UploadBudget,
    UploadGuard,
    UploadRights,
    upload_session,
)
from dashboard.ui.auth import Identity, may_upload


def test_only_contributors_editors_and_above_may_upload() -> None:
    def who(role: str) -> Identity:
        return Identity(username="x", display="x", role=role, via="local")

    assert [r for r in roles.ROLES if may_upload(who(r))] == [
        "contributor", "editor", "reviewer", "admin",
    ]  # fmt: skip
    assert not may_upload(who("")) and not may_upload(who("root"))


def test_the_session_id_is_read_from_the_upload_path_under_any_base_path() -> None:
    assert upload_session("/_stcore/upload_file/abc/def") == "abc"
    assert upload_session("/rtop/_stcore/upload_file/abc/def") == "abc"
    assert upload_session("//_stcore/upload_file/abc") == "abc"
    assert upload_session("/_stcore/health") is None
    assert upload_session("/x_stcore/upload_file/abc/def") is None


def test_rights_follow_the_last_run_and_stay_bounded() -> None:
    rights = UploadRights(capacity=2)
    rights.record(session_id="a", may_upload=True)
    assert rights.allows(session_id="a") and not rights.allows(session_id="b")
    rights.record(session_id="a", may_upload=False)  # signed out: gone
    assert not rights.allows(session_id="a") and len(rights) == 0
    for sid in "abc":
        rights.record(session_id=sid, may_upload=True)
    assert len(rights) == 2 and not rights.allows(session_id="a")  # the oldest dropped
    rights.record(session_id="guest", may_upload=False)
    assert len(rights) == 2  # a guest is never stored


def test_a_client_gets_a_count_per_minute_and_bytes_per_hour() -> None:
    budget = UploadBudget(limits=Limits(max_bytes=10, per_minute=2, bytes_per_hour=100))
    assert budget.admit(client="a", now=0.0) == 0 and budget.admit(client="a", now=1.0) == 0
    assert budget.admit(client="a", now=2.0) == pytest.approx(58.0)  # the third within a minute
    assert budget.admit(client="b", now=2.0) == 0  # another address is counted apart
    assert budget.admit(client="a", now=60.5) == 0  # the first has left the window
    assert budget.spend(client="b", size=100, now=3.0) is True
    assert budget.spend(client="b", size=1, now=4.0) is False  # over the hour's bytes
    assert budget.admit(client="b", now=70.0) == pytest.approx(3600.0 - 67.0)


def _guarded_app(rights: UploadRights, limits: Limits) -> Starlette:
    received: list[int] = []

    async def upload(request: Request) -> Response:
        body = await request.body()
        received.append(len(body))
        return Response(status_code=204)

    app = Starlette(
        routes=[
            Route("/_stcore/upload_file/{sid}/{fid}", upload, methods=["PUT", "DELETE"]),
            Route("/other", lambda r: PlainTextResponse("ok"), methods=["PUT"]),
        ]
    )
    app.add_middleware(UploadGuard, rights=rights, budget=UploadBudget(limits=limits))
    app.state.received = received
    return app


def test_the_guard_refuses_unknown_sessions_big_files_and_fast_clients() -> None:
    rights = UploadRights()
    rights.record(session_id="editor", may_upload=True)
    app = _guarded_app(rights, Limits(max_bytes=100_000, per_minute=3, bytes_per_hour=10**9))
    client = TestClient(app)
    refused = client.put("/_stcore/upload_file/guest/f", content=b"x")
    assert (refused.status_code, refused.text) == (403, REFUSED)
    assert client.delete("/_stcore/upload_file/guest/f").status_code == 403
    assert app.state.received == []  # nothing reached the endpoint
    assert client.put("/other", content=b"x").status_code == 200  # other paths are not touched
    assert client.put("/_stcore/upload_file/editor/f", content=b"x").status_code == 204
    big = client.put("/_stcore/upload_file/editor/f", content=b"x" * 200_000)
    assert big.status_code == 413 and "upload limit" in big.text

    def chunks() -> Any:  # no Content-Length: counted as the bytes arrive
        for _ in range(20):
            yield b"x" * 10_000

    streamed = client.put("/_stcore/upload_file/editor/f", content=chunks())
    assert streamed.status_code == 413
    fast = client.put("/_stcore/upload_file/editor/f", content=b"x")
    assert fast.status_code == 429 and int(fast.headers["retry-after"]) >= 1


def test_an_embed_link_goes_to_streamlits_embed_mode() -> None:
    assert embed_target(path="/map", query="layer=R4&embed=1") == "/map?layer=R4&embed=true"
    assert embed_target(path="/", query="embed=1&embed_options=light_theme") == (
        "/?embed_options=light_theme&embed=true"
    )
    assert embed_target(path="/map", query="embed=true") is None  # already Streamlit's
    assert embed_target(path="/map", query="layer=R4") is None
    assert embed_target(path="/api/v1/status.csv", query="embed=1") is None
    assert embed_target(path="/rtop/_stcore/health", query="embed=1", base_path="/rtop") is None
    assert embed_target(path="/rtop/map", query="embed=1", base_path="/rtop") == (
        "/rtop/map?embed=true"
    )

    async def page(request: Request) -> Response:
        return PlainTextResponse(request.url.query)

    app = Starlette(routes=[Route("/{p:path}", page)])
    app.add_middleware(EmbedLinks)
    client = TestClient(app)
    moved = client.get("/recommendations?participants=VNM&embed=1", follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == "/recommendations?participants=VNM&embed=true"
    assert client.get("/recommendations?participants=VNM&embed=1").text == (
        "participants=VNM&embed=true"
    )
