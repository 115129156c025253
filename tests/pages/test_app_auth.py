"""Identity and roles in the app: guests, a local account signed in through the form, the
login wall (RTOP_REQUIRE_LOGIN=1), and writes refused on the server whatever the page shows."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest
from apptest_support import APP, PAGES, OpenPage, assert_ok, titles
from streamlit.testing.v1 import AppTest

from dashboard.core.db import make_engine
from loaders import accounts

FIX = Path(__file__).parent.parent / "fixtures"
PASSWORD = "editor's long password"
OVERVIEW = PAGES["overview.py"][0]


def add(db: Path, username: str, role: str) -> None:
    engine = make_engine(url=f"sqlite:///{db}")
    accounts.add_user(engine=engine, username=username, role=role, password=PASSWORD)
    engine.dispose()


def one(db: Path, sql: str) -> object:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill in and send the sign-in form, as a person would."""
    at.switch_page("signin.py").run()
    assert_ok(at)
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert_ok(at)
    return at


def can_open(at: AppTest, page: str) -> bool:
    """The page is in this session's navigation (AppTest refuses to switch to any other)."""
    try:
        at.switch_page(page)
    except ValueError as exc:
        assert "Could not find a navigation page" in str(exc)
        return False
    return True


def forged_load(data: bytes) -> None:
    """A write asked for directly, as a forged request would, bypassing every page."""
    import streamlit as st

    from dashboard.ui import writes

    done = writes.load_file(data=data, name="forged.csv", kind="detect", dry_run=False)
    (st.success if done.ok else st.error)(done.message)
    sample = writes.demo_sample(add=True)
    (st.success if sample.ok else st.error)(sample.message)


def test_a_guest_reads_every_page_but_cannot_load(
    open_page: OpenPage, sqlite_reference_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(sqlite_reference_path, "ed", "editor")  # accounts exist: the rules apply
    at = open_page(sqlite_reference_path)
    assert_ok(at)
    assert titles(at) == [OVERVIEW]
    assert "Viewing as a guest (viewer). *Sign in* to load or review data." in [
        c.value for c in at.sidebar.caption
    ]
    for page, (title, _, _) in PAGES.items():
        if page == "upload.py":
            assert not can_open(at, page)
            continue
        assert can_open(at, page), page
        at.run()
        assert_ok(at)
        if title is not None:
            assert titles(at) == [title]
    assert can_open(at, "signin.py")
    # the Methodology page shows no demo-sample buttons to a guest
    at.switch_page("methodology.py").run()
    assert not [b for b in at.button if b.key in ("demo_add", "demo_remove")]
    # and a write asked for directly is refused on the server: nothing written, not even a run
    runs = one(sqlite_reference_path, "SELECT count(*) FROM load_run")
    obs = one(sqlite_reference_path, "SELECT count(*) FROM observation")
    forged = AppTest.from_function(
        forged_load, kwargs={"data": (FIX / "observations_good.csv").read_bytes()}
    )
    forged.run(timeout=60)
    assert_ok(forged)
    assert [e.value for e in forged.error] == [
        "Loading data needs the editor role or above: you are not signed in (guests are viewers).",
        "Changing the demo sample needs the editor role or above: you are not signed in "
        "(guests are viewers).",
    ]
    assert one(sqlite_reference_path, "SELECT count(*) FROM load_run") == runs
    assert one(sqlite_reference_path, "SELECT count(*) FROM observation") == obs


def test_an_editor_signs_in_and_the_load_records_them(
    open_page: OpenPage, sqlite_reference_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RTOP_REVIEW", "off")  # publish at once: this test is about who loaded
    add(sqlite_reference_path, "ed", "editor")
    at = open_page(sqlite_reference_path)
    assert not can_open(at, "upload.py")
    sign_in(at, "ed", "not the password")
    assert [e.value for e in at.error] == ["Unknown user name or wrong password."]
    assert not can_open(at, "upload.py")
    sign_in(at, "ED")
    assert [s.value for s in at.success] == ["You are signed in as ed (role: editor)."]
    assert PASSWORD not in str(at.session_state)  # the session keeps no password
    assert "Signed in as **ed** · role: editor" in [c.value for c in at.sidebar.caption]
    assert can_open(at, "upload.py")
    at.run()
    assert titles(at) == ["Load progress indicators"]
    data = (FIX / "observations_good.csv").read_bytes()
    at.file_uploader(key="upload_file").set_value(("good.csv", data, "text/csv")).run()
    at.button(key="upload_go").click().run()
    assert_ok(at)
    assert [s.value for s in at.success] == [
        "good.csv: loaded 4 observations rows: 4 new, 0 updated, 0 unchanged"
    ]
    users = sqlite3.connect(sqlite_reference_path).execute(
        'SELECT DISTINCT "user" FROM load_run WHERE file_name = ?', ("good.csv",)
    )
    assert [u for (u,) in users] == ["ed"]  # the check and the load both name the editor
    # an editor may use the demo-sample button, and the sample's load run names her
    at.switch_page("methodology.py").run()
    at.button(key="demo_add").click().run()
    assert_ok(at)
    users = sqlite3.connect(sqlite_reference_path).execute(
        'SELECT "user" FROM load_run WHERE kind = ?', ("sample",)
    )
    assert [u for (u,) in users] == ["ed"]
    # signing out (from the sidebar, on the Load data page) lands on the sign-in page
    at.switch_page("upload.py").run()
    at.sidebar.button(key="auth_sign_out").click().run()
    assert_ok(at)
    assert titles(at) == ["Sign in"] and not can_open(at, "upload.py")
    sign_in(at, "ed")
    # a changed role counts at the next click; a removed account is signed out
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    accounts.set_role(engine=engine, username="ed", role="viewer")
    at.run()
    assert not can_open(at, "upload.py")
    assert not [b for b in at.button if b.key == "demo_add"]
    accounts.remove_user(engine=engine, username="ed")
    engine.dispose()
    at.run()
    assert can_open(at, "upload.py")  # a local install with no account is open again
    at.switch_page("signin.py").run()  # and /signin says there is no one left to sign in as
    assert "This install has no accounts yet, so there is no one to sign in as." in [
        i.value for i in at.info
    ]


def test_with_review_on_an_editors_load_is_pending(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    add(sqlite_reference_path, "ed", "editor")  # RTOP_REVIEW unset: required once accounts exist
    at = sign_in(open_page(sqlite_reference_path), "ed")
    at.switch_page("upload.py").run()
    obs = one(sqlite_reference_path, "SELECT count(*) FROM observation")
    data = (FIX / "observations_good.csv").read_bytes()
    at.file_uploader(key="upload_file").set_value(("good.csv", data, "text/csv")).run()
    at.button(key="upload_go").click().run()
    assert_ok(at)
    assert not at.success
    assert len(at.info) == 1 and "submitted for review" in at.info[0].value
    assert one(sqlite_reference_path, "SELECT count(*) FROM observation") == obs  # not public
    assert one(sqlite_reference_path, 'SELECT "user" FROM load_run ORDER BY id DESC') == "ed"


def test_require_login_shows_only_the_sign_in(
    open_page: OpenPage, sqlite_sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RTOP_REQUIRE_LOGIN", "1")
    add(sqlite_sample_path, "vera", "viewer")
    at = open_page(sqlite_sample_path)
    assert_ok(at)
    assert titles(at) == ["Sign in"]
    assert [i.value for i in at.info] == ["This dashboard is open to signed-in users only."]
    assert not at.get("plotly_chart") and not at.get("deck_gl_json_chart") and not at.dataframe
    assert not at.sidebar.multiselect and not at.metric
    for page in PAGES:
        assert not can_open(at, page), page
    sign_in(at, "vera")
    assert [s.value for s in at.success] == ["You are signed in as vera (role: viewer)."]
    assert can_open(at, "overview.py") and not can_open(at, "upload.py")
    at.switch_page("overview.py").run()
    assert_ok(at)
    assert titles(at) == [OVERVIEW]


def test_no_accounts_a_local_install_is_open(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path)
    assert any("No accounts yet" in c.value for c in at.sidebar.caption)
    assert can_open(at, "upload.py")
    # /signin answers (the README links it; it said "Page not found"), out of the menu, and
    # says why there is no one to sign in as; the admin command only to this machine's admin
    assert can_open(at, "signin.py")
    at.run()
    assert_ok(at)
    assert titles(at) == ["Sign in"]
    assert "This install has no accounts yet, so there is no one to sign in as." in [
        i.value for i in at.info
    ]
    assert any("`rtop users add NAME --role admin`" in m.value for m in at.markdown)
    assert not at.text_input  # no form for accounts that do not exist


OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-that-is-long-enough-0123456789",
    "client_id": "rtop",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def oidc_app(db: Path, monkeypatch: pytest.MonkeyPatch, user: dict[str, object]) -> AppTest:
    """The app with an [auth] section in its secrets and st.user as the provider left it."""
    monkeypatch.setenv("RTOP_DATABASE_URL", f"sqlite:///{db}")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = dict(OIDC)
    at.user = dict(user)
    at.run()
    assert_ok(at)
    return at


def test_identity_provider_users_get_their_role_by_email(
    sqlite_reference_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    accounts.add_user(
        engine=engine, username="rita", role="reviewer", password=None, email="rita@example.org"
    )
    engine.dispose()
    rita = {"is_logged_in": True, "email": "Rita@Example.ORG", "name": "Rita"}
    at = oidc_app(sqlite_reference_path, monkeypatch, rita)
    assert "Signed in as **Rita** · role: reviewer" in [c.value for c in at.sidebar.caption]
    assert can_open(at, "upload.py") and can_open(at, "signin.py")
    # an e-mail without an account, or one the provider has not verified, is a viewer
    for user in (
        {"is_logged_in": True, "email": "stranger@example.org", "name": "S"},
        {**rita, "email_verified": False},
    ):
        at = oidc_app(sqlite_reference_path, monkeypatch, user)
        assert any("role: viewer" in c.value for c in at.sidebar.caption), user
        assert not can_open(at, "upload.py")


def test_with_an_identity_provider_a_guest_is_a_viewer(
    sqlite_reference_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = oidc_app(sqlite_reference_path, monkeypatch, {"is_logged_in": False})
    assert not can_open(at, "upload.py")  # no accounts, but this is no single-user install
    at.switch_page("signin.py").run()
    assert_ok(at)
    button = at.button(key="signin_oidc_default")
    assert button.label == "Sign in with the organisation's account"
    if importlib.util.find_spec("authlib") is None:
        assert button.disabled
        assert any("Authlib is missing" in c.value for c in at.caption)
