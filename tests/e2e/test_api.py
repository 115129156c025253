"""The open-data routes (/api/v1/) through the real server, started as `rtop serve` starts it
(issue 21): answers, versions, the pages' link grammar, refusals, paging, the sample, pending
runs, access with read tokens, CORS, and that no route writes anything.

The browser side (a route's CSV equals the page's download; an embed in an iframe) is in
tests/e2e/test_open_data_browser.py; the bundle's datapackage is validated with frictionless
in tests/dashboard/test_bundle.py and here for a bundle the server makes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dashboard.core.db import make_engine
from dashboard.core.scoring import RULE_VERSION
from loaders import accounts
from loaders.store import load_bytes
from loaders.tokens import add_token, revoke_token
from tests.e2e.test_browser import App, serve_app

pytestmark = pytest.mark.e2e

HEADER = "participant,indicator,date,value,source,note"
PENDING_NOTE = "pending row: never public"


def _get(app: App, path: str, **kwargs: object) -> requests.Response:
    with requests.Session() as http:
        http.trust_env = False  # 127.0.0.1 directly, whatever proxy the environment names
        return http.get(f"{app.url}{path}", timeout=120, **kwargs)  # type: ignore[arg-type]


def _rows(response: requests.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [line for line in conn.iterdump() if "read_token" not in line]


@pytest.fixture(scope="module")
def served(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """`rtop serve` over the sample database with an account (so a load waits for review) and
    a pending run whose rows must never appear."""
    work = tmp_path_factory.mktemp("e2e-api")
    db = work / "app.sqlite"
    shutil.copy(template_dir / "sample.sqlite", db)
    engine = make_engine(url=f"sqlite:///{db}")
    accounts.add_user(engine=engine, username="ed", role="editor", password="a long password")
    pending = load_bytes(
        engine=engine,
        data=f"{HEADER}\nVNM,R1.1,2024,4,A pending source,{PENDING_NOTE}\n".encode(),
        name="pending.csv",
        user="ed",
        review=True,
    )
    assert pending.pending
    engine.dispose()
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}"}
    env.pop("RTOP_REQUIRE_LOGIN", None)
    env.pop("RTOP_CORS_ORIGINS", None)
    with serve_app(env=env, log_path=work / "serve.log", db=db) as running:
        yield running


def test_each_route_answers_csv_and_json_with_its_versions(served: App) -> None:
    for name in ("observations", "status", "events", "sources", "participants",
                 "recommendations", "indicators"):  # fmt: skip
        as_csv = _get(served, f"/api/v1/{name}.csv")
        assert as_csv.status_code == 200, (name, as_csv.text)
        assert as_csv.headers["content-type"].startswith("text/csv")
        version = as_csv.headers["x-rtop-data-version"]
        assert version.startswith("release ") and "#" in version
        assert as_csv.headers["x-rtop-method-version"] == RULE_VERSION
        rows = _rows(as_csv)
        assert rows and int(as_csv.headers["x-total-count"]) == len(rows), name
        as_json = _get(served, f"/api/v1/{name}.json")
        assert as_json.status_code == 200
        body = as_json.json()
        assert body["data_version"] == version and body["method_version"] == RULE_VERSION
        assert body["total"] == body["count"] == len(body["rows"]) == len(rows), name
        assert list(body["rows"][0]) == list(rows[0]), name  # the same fields in both


def test_the_pages_link_grammar_filters_the_routes(served: App) -> None:
    link = "participants=VNM,Thailand&recommendations=R2,R12&from=2011&to=2024"
    rows = _rows(_get(served, f"/api/v1/observations.csv?{link}"))
    assert rows and {r["participant_code"] for r in rows} <= {"VNM", "THA"}
    assert {r["recommendation"] for r in rows} <= {"R2", "R12"}
    assert all("2011-01-01" <= r["date"] <= "2024-12-31" for r in rows)
    cells = _get(served, "/api/v1/status.json?participants=AUS,JPN&year=2024").json()
    assert {r["year"] for r in cells["rows"]} == {2024}
    national = [r for r in cells["rows"] if r["level"] == "national"]
    assert {r["participant_code"] for r in national} == {"AUS", "JPN"}
    assert {r["participant_code"] for r in cells["rows"] if r["level"] == "regional"} == {"ARF"}
    assert all(r["method_version"] == RULE_VERSION for r in cells["rows"])
    assert "Australia, Japan" in cells["filters"]
    pillar_2 = _rows(_get(served, "/api/v1/indicators.csv?pillars=2"))
    everything = _rows(_get(served, "/api/v1/indicators.csv"))
    assert 0 < len(pillar_2) < len(everything)


def test_bad_parameters_get_400_naming_them_and_unknown_paths_404(served: App) -> None:
    for path, parameter in (
        ("/api/v1/status.csv?participants=Atlantis", "participants"),
        ("/api/v1/status.csv?from=1990", "from"),
        ("/api/v1/status.csv?from=2020&to=2012", "from"),
        ("/api/v1/status.csv?year=1850", "year"),
        ("/api/v1/status.csv?pillars=7", "pillars"),
        ("/api/v1/observations.csv?year=2020", "year"),  # not a parameter of this route
        ("/api/v1/observations.csv?limit=0", "limit"),
        ("/api/v1/observations.csv?limit=abc", "limit"),
        ("/api/v1/events.json?sample=maybe", "sample"),
        ("/api/v1/bundle/map.zip?layer=R99", "layer"),
    ):
        got = _get(served, path)
        assert got.status_code == 400, (path, got.status_code, got.text)
        assert got.text.startswith(f"Bad parameter {parameter}: "), (path, got.text)
        assert "Traceback" not in got.text and got.headers["content-type"].startswith("text/plain")
    for path in ("/api/v1/nothing.csv", "/api/v1/status.xml", "/api/v1/", "/api/v2/status.csv",
                 "/api/v1/bundle/upload.zip"):  # fmt: skip
        assert _get(served, path).status_code == 404, path
    with requests.Session() as http:
        http.trust_env = False
        assert http.post(f"{served.url}/api/v1/status.csv", timeout=30).status_code == 405
    assert "Traceback" not in served.log.read_text(errors="replace")


def test_large_answers_come_in_pages(served: App) -> None:
    whole = _get(served, "/api/v1/observations.csv?sample=1")
    total = int(whole.headers["x-total-count"])
    assert total > 1000
    first = _get(served, "/api/v1/observations.csv?sample=1&limit=1000")
    assert int(first.headers["x-total-count"]) == total and len(_rows(first)) == 1000
    assert 'rel="next"' in first.headers["link"] and "offset=1000" in first.headers["link"]
    pages = [_rows(first)]
    offset = 1000
    while offset < total:
        page = _get(served, f"/api/v1/observations.csv?sample=1&limit=1000&offset={offset}")
        pages.append(_rows(page))
        offset += 1000
    assert "link" not in {k.lower() for k in page.headers}  # the last page has no next
    joined = [r for p in pages for r in p]
    assert len(joined) == total
    assert sorted(map(json.dumps, joined)) == sorted(map(json.dumps, _rows(whole)))


def test_documented_only_unless_sample_1_which_marks_every_sample_row(served: App) -> None:
    documented = _rows(_get(served, "/api/v1/observations.csv"))
    assert documented and all(r["sample_data"] == "False" for r in documented)
    assert "marking" not in documented[0]
    sample = _rows(_get(served, "/api/v1/observations.csv?sample=1"))
    marked = [r for r in sample if r["sample_data"] == "True"]
    assert marked and all(r["marking"] == "SAMPLE DATA" for r in marked)
    assert all(r["marking"] == "" for r in sample if r["sample_data"] == "False")
    body = _get(served, "/api/v1/status.json?sample=1&year=2024").json()
    assert body["sample"] is True and any(r.get("marking") == "SAMPLE DATA" for r in body["rows"])


def test_a_pending_run_never_appears_and_no_route_writes(served: App) -> None:
    assert served.db is not None
    before = _dump(served.db)
    texts = [
        _get(served, f"/api/v1/{name}.csv?sample={s}").text
        for name in ("observations", "status", "events", "sources")
        for s in (0, 1)
    ]
    texts.append(_get(served, "/api/v1/observations.json?participants=VNM").text)
    assert not any(PENDING_NOTE in t or "A pending source" in t for t in texts)
    bundle = _get(served, "/api/v1/bundle/recommendations.zip?participants=VNM&chart=tracker")
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as zf:
        assert not any(b"A pending source" in zf.read(n) for n in zf.namelist())
    assert _dump(served.db) == before


def test_cors_is_closed_unless_configured(served: App) -> None:
    got = _get(served, "/api/v1/status.csv", headers={"Origin": "https://elsewhere.example"})
    assert got.status_code == 200 and "access-control-allow-origin" not in got.headers


@pytest.fixture(scope="module")
def guarded(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """`rtop serve` with RTOP_REQUIRE_LOGIN=1 and one origin allowed to read the routes."""
    work = tmp_path_factory.mktemp("e2e-api-login")
    db = work / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    env = {
        **os.environ,
        "RTOP_DATABASE_URL": f"sqlite:///{db}",
        "RTOP_REQUIRE_LOGIN": "1",
        "RTOP_CORS_ORIGINS": "https://partner.example.org",
    }
    with serve_app(env=env, log_path=work / "serve.log", db=db) as running:
        yield running


def test_with_login_required_a_read_token_is_needed_and_its_use_recorded(guarded: App) -> None:
    assert guarded.db is not None
    engine = make_engine(url=f"sqlite:///{guarded.db}")
    token = add_token(engine=engine, name="institute", by="admin")
    bare = _get(guarded, "/api/v1/status.csv")
    assert bare.status_code == 401 and "read token" in bare.text
    assert bare.headers["www-authenticate"].startswith("Bearer")
    wrong = _get(guarded, "/api/v1/status.csv", headers={"Authorization": "Bearer rtop_nope"})
    assert wrong.status_code == 401 and "not valid" in wrong.text
    assert _get(guarded, "/api/v1/bundle/map.zip").status_code == 401
    ok = _get(guarded, "/api/v1/status.csv", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and _rows(ok)
    with sqlite3.connect(guarded.db) as conn:
        uses, last = conn.execute("SELECT uses, last_used_at FROM read_token").fetchone()
    assert uses == 1 and last is not None
    revoke_token(engine=engine, name="institute")
    engine.dispose()
    gone = _get(guarded, "/api/v1/status.csv", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401


def test_cors_opens_for_the_configured_origin_only(guarded: App) -> None:
    engine = make_engine(url=f"sqlite:///{guarded.db}")
    token = add_token(engine=engine, name="browser-app", by="admin")
    engine.dispose()
    auth = {"Authorization": f"Bearer {token}"}
    allowed = _get(guarded, "/api/v1/participants.json",
                   headers={**auth, "Origin": "https://partner.example.org"})  # fmt: skip
    assert allowed.headers["access-control-allow-origin"] == "https://partner.example.org"
    assert "X-RtoP-Data-Version" in allowed.headers["access-control-expose-headers"]
    other = _get(guarded, "/api/v1/participants.json",
                 headers={**auth, "Origin": "https://elsewhere.example"})  # fmt: skip
    assert "access-control-allow-origin" not in other.headers
    with requests.Session() as http:
        http.trust_env = False
        preflight = http.options(
            f"{guarded.url}/api/v1/participants.json",
            headers={"Origin": "https://partner.example.org",
                     "Access-Control-Request-Method": "GET",
                     "Access-Control-Request-Headers": "Authorization"},
            timeout=30,
        )  # fmt: skip
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["access-control-allow-methods"]
