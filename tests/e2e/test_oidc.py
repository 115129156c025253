"""OpenID Connect sign-in (st.login) in the real browser, against a real provider running in
the test process on localhost (tests/e2e/oidc_provider.py): the role of the signed-in person
comes from the account with the same e-mail (a reviewer here), and an e-mail with no account
is a viewer.

The app reads `.streamlit/secrets.toml` from its working directory: the test runs
`streamlit run /work/.../pages/app.py` from a private folder holding that file (and a copy of
the project's config.toml), so nothing is written into the project. Playwright's sync API
allows one instance per thread, and test_browser.py's session-wide browser may still be open:
this test drives its own Chromium from a worker thread."""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from dashboard.core.db import make_engine
from loaders import accounts
from tests.conftest import need
from tests.e2e.test_browser import (
    HAVE_PLAYWRIGHT,
    LOCAL_HOSTS,
    RENDER_TIMEOUT_MS,
    ROOT,
    VIEWPORT,
    App,
    _free_port,
    idle,
    in_own_chromium,
    serve_app,
)

if HAVE_PLAYWRIGHT:
    from playwright.sync_api import Browser, Page, Route, expect
if TYPE_CHECKING:
    from tests.e2e.oidc_provider import Provider

pytestmark = pytest.mark.e2e

NAV = '[data-testid="stSidebarNav"]'
SIDEBAR = '[data-testid="stSidebar"]'
CLIENT_ID = "rtop-monitor-test"
CLIENT_SECRET = secrets.token_urlsafe(24)
REVIEWER = {"sub": "u-1001", "email": "Rita.Reviewer@example.org", "email_verified": True,
            "name": "Rita Reviewer"}  # fmt: skip
STRANGER = {"sub": "u-2002", "email": "nobody@example.org", "email_verified": True,
            "name": "Nora Nobody"}  # fmt: skip
# st.login needs Authlib and, for its Starlette client, httpx (both in streamlit[auth]).
HAVE_AUTH = all(importlib.util.find_spec(m) is not None for m in ("authlib", "httpx"))


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def oidc_app(
    template_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[App, Provider]]:
    """A provider on localhost, and the app configured for it from a private working folder."""
    need("Authlib and httpx (pip install 'streamlit[auth]')", HAVE_AUTH)
    from tests.e2e import oidc_provider

    work = tmp_path_factory.mktemp("e2e-oidc")
    db = work / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    engine = make_engine(url=f"sqlite:///{db}")
    # e-mails match case-insensitively; an identity-provider account has no password
    accounts.add_user(engine=engine, username="rita", role="reviewer", password=None,
                      email="rita.reviewer@example.org")  # fmt: skip
    engine.dispose()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with oidc_provider.serve(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=f"{url}/oauth2callback"
    ) as provider:
        folder = work / "cwd" / ".streamlit"
        folder.mkdir(parents=True)
        shutil.copy(ROOT / ".streamlit" / "config.toml", folder / "config.toml")
        (folder / "secrets.toml").write_text(
            "[auth]\n"
            f"redirect_uri = {_toml(f'{url}/oauth2callback')}\n"
            f"cookie_secret = {_toml(secrets.token_urlsafe(48))}\n"
            f"client_id = {_toml(CLIENT_ID)}\n"
            f"client_secret = {_toml(CLIENT_SECRET)}\n"
            f"server_metadata_url = {_toml(provider.metadata_url)}\n",
            encoding="utf-8",
        )
        env = {
            k: v for k, v in os.environ.items() if k not in ("RTOP_REVIEW", "RTOP_REQUIRE_LOGIN")
        }
        env["RTOP_DATABASE_URL"] = f"sqlite:///{db}"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        with serve_app(
            env=env,
            log_path=work / "streamlit.log",
            db=db,
            port=port,
            cwd=folder.parent,
            script=str(ROOT / "pages" / "app.py"),
        ) as running:
            yield running, provider


def test_identity_provider_sign_in_takes_the_role_by_email(oidc_app: tuple[App, Provider]) -> None:
    in_own_chromium(_scenario, *oidc_app)


def _sign_in_with_provider(chromium: Browser, app: App) -> tuple[Page, list[str]]:
    """A fresh browser (no cookie) opens the app and signs in through the provider."""
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    visited: list[str] = []
    page.on("request", lambda r: visited.append(r.url))

    def _route(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort()  # nothing leaves the machine

    page.route("**/*", _route)
    page.goto(app.url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
    idle(page)
    expect(page.get_by_text("Viewing as a guest (viewer).")).to_be_visible()
    page.locator(NAV).get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    button = page.get_by_role("button", name="Sign in with the organisation's account")
    expect(button).to_be_enabled()
    button.click()
    # st.login -> /auth/login -> the provider's /authorize -> /oauth2callback -> the app
    page.wait_for_url(lambda u: urlsplit(u).path not in ("/signin", "/auth/login", "/authorize",
                                                         "/oauth2callback") and "code=" not in u,
                      timeout=RENDER_TIMEOUT_MS)  # fmt: skip
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
    idle(page)
    return page, visited


def _scenario(chromium: Browser, app: App, provider: Provider) -> None:
    p = provider
    # The reviewer's account has the e-mail the provider asserts (in another case).
    p.user = REVIEWER
    page, visited = _sign_in_with_provider(chromium, app)
    sidebar = page.locator(SIDEBAR)
    expect(sidebar.get_by_text("Signed in as")).to_contain_text(
        "Rita Reviewer · role: reviewer", timeout=RENDER_TIMEOUT_MS
    )
    nav = page.locator(NAV)
    expect(nav.get_by_role("link", name="Load data")).to_be_visible()
    expect(nav.get_by_role("link", name="Load history")).to_be_visible()
    expect(nav.get_by_role("link", name="Account")).to_be_visible()
    calls = list(p.calls)
    assert "GET /authorize 302" in calls and "POST /token 200" in calls, calls
    assert any(urlsplit(u).path == "/oauth2callback" for u in visited), visited
    assert all(urlsplit(u).hostname in LOCAL_HOSTS for u in visited), visited
    assert page.locator('[data-testid="stException"]').count() == 0, app.log_tail()
    # The account page says who and which role; a reload keeps the sign-in (a cookie).
    nav.get_by_role("link", name="Account").click()
    expect(page.get_by_text("You are signed in as Rita Reviewer (role: reviewer).")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
    idle(page)
    expect(page.locator(SIDEBAR).get_by_text("Signed in as")).to_contain_text("role: reviewer")
    page.context.close()

    # An e-mail with no account signs in as a viewer: no Load data, no Load history.
    p.user = STRANGER
    page, _ = _sign_in_with_provider(chromium, app)
    expect(page.locator(SIDEBAR).get_by_text("Signed in as")).to_contain_text(
        "Nora Nobody · role: viewer", timeout=RENDER_TIMEOUT_MS
    )
    nav = page.locator(NAV)
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    expect(nav.get_by_role("link", name="Load data")).to_have_count(0)
    expect(nav.get_by_role("link", name="Load history")).to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0, app.log_tail()
    page.context.close()
