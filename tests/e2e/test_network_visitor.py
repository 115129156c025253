"""A visitor from another machine on an install with no accounts is a viewer, however the
server was started (issue 20, item 1): `streamlit run` with no address (Streamlit then listens
on every interface) and `rtop serve --address 0.0.0.0`. The visitor is a real Chromium in a
network namespace of the test's own (tests/e2e/netns.py), reaching the server over a veth
pair; a browser on this machine, at the same server, is still the install's admin."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need
from tests.e2e.netns import other_host
from tests.e2e.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    HAVE_PLAYWRIGHT,
    IDLE,
    RENDER_TIMEOUT_MS,
    ROOT,
    START_TIMEOUT_S,
    _free_port,
    _healthy,
)

pytestmark = pytest.mark.e2e

NAV = '[data-testid="stSidebarNav"]'
SIDEBAR = '[data-testid="stSidebar"]'
QUIET = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
STARTS = {
    # The set-up the outside test run found: no --server.address, so every interface.
    "streamlit run, no address": lambda port: [
        sys.executable, "-m", "streamlit", "run", "pages/app.py", "--server.port", str(port),
        *QUIET],
    "rtop serve --address 0.0.0.0": lambda port: [
        sys.executable, "-m", "loaders", "serve", "--address", "0.0.0.0", "--port", str(port),
        "--", *QUIET],
}  # fmt: skip


@contextmanager
def _server(cmd: list[str], *, db: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}"}
    env.pop("RTOP_REQUIRE_LOGIN", None)
    env.pop("RTOP_REVIEW", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            port = cmd[cmd.index("--server.port" if "--server.port" in cmd else "--port") + 1]
            while not _healthy(f"http://127.0.0.1:{port}"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"the app did not start:\n{log.read_text(errors='replace')[-3000:]}"
                    )
                time.sleep(0.2)  # polling with a deadline
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def _what_a_browser_sees(chromium_path: str, url: str) -> dict[str, Any]:
    """Open the app's Overview, then its Load data page, in a fresh Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{url}/", wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
            page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
            seen = {
                "pages": page.locator(NAV).get_by_role("link").all_inner_texts(),
                "sidebar": page.locator(SIDEBAR).inner_text(),
            }
            page.goto(f"{url}/upload", wait_until="domcontentloaded")
            # Either the Load data page with its file uploader, or Streamlit's "Page not found"
            # for a page this visitor's navigation does not have.
            page.wait_for_selector(
                '[data-testid="stFileUploader"], [data-testid="stDialog"]',
                timeout=RENDER_TIMEOUT_MS,
            )
            seen["uploader"] = page.locator('[data-testid="stFileUploader"]').count()
            seen["not_found"] = page.locator(
                '[data-testid="stDialog"]', has_text="Page not found"
            ).count()
            return seen
        finally:
            browser.close()


@pytest.mark.parametrize("start", list(STARTS))
def test_a_visitor_from_another_machine_is_a_viewer_on_an_open_install(
    template_dir: Path, tmp_path: Path, start: str
) -> None:
    need("Playwright (pip install playwright)", HAVE_PLAYWRIGHT)
    need(f"Chromium at {CHROMIUM} (apt-get install chromium)", Path(CHROMIUM).exists())
    db = tmp_path / "fresh.sqlite"  # reference data and evidence, no account at all
    shutil.copy(template_dir / "reference.sqlite", db)
    port = _free_port()
    log = tmp_path / "server.log"
    with other_host(workdir=tmp_path) as there, _server(STARTS[start](port), db=db, log=log):
        visitor = _visit_from(there.chromium, f"http://{there.host_address}:{port}")
        local = _visit_from(CHROMIUM, f"http://127.0.0.1:{port}")
        text = log.read_text(errors="replace")
    # The visitor from the other host: the dashboard, but no Load data page, and why.
    assert "Overview" in visitor["pages"], visitor
    assert "Load data" not in visitor["pages"] and "Load history" not in visitor["pages"], visitor
    assert "only a browser on the server's own machine may load data" in visitor["sidebar"]
    assert "users add" not in visitor["sidebar"]  # no admin command for a guest
    assert visitor["uploader"] == 0 and visitor["not_found"] == 1, visitor
    assert f"A visitor from {there.address} is a viewer" in text, text[-2000:]
    # The same server, from this machine: the fresh install's admin, as before.
    assert "Load data" in local["pages"], local
    assert local["uploader"] == 1 and local["not_found"] == 0, local
    assert "Traceback" not in text, text[-3000:]


def _visit_from(chromium: str | Path, url: str) -> dict[str, Any]:
    """The visit, made from a worker thread: Playwright's sync API allows one instance per
    thread, and the session-wide ``browser`` of the other browser tests may be open in this one.
    The namespace's Chromium is driven over a pipe like any other."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_what_a_browser_sees, str(chromium), url).result()


def _sign_in_attempts(
    chromium_path: str, url: str, *, username: str, passwords: list[str]
) -> list[str]:
    """Sign in through the form once per password, as a person would; what the page said each
    time (an error, or the signed-in line)."""
    from playwright.sync_api import sync_playwright

    said: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{url}/signin", wait_until="domcontentloaded")
            page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
            for password in passwords:
                page.get_by_label("User name").fill(username)
                page.get_by_label("Password", exact=True).fill(password)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_selector(
                    '[data-testid="stAlertContentError"], [data-testid="stAlertContentSuccess"]',
                    timeout=RENDER_TIMEOUT_MS,
                )
                page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
                alert = page.locator(
                    '[data-testid="stAlertContentError"], [data-testid="stAlertContentSuccess"]'
                ).last
                said.append(alert.inner_text())
            return said
        finally:
            browser.close()


def test_guessing_from_another_machine_never_locks_out_the_admin(
    template_dir: Path, tmp_path: Path
) -> None:
    """Issue 20 item 4: a stranger on the network tries the admin's name with wrong passwords
    until the server makes them wait; the admin, on this machine, signs in at once."""
    from dashboard.core.db import make_engine
    from loaders import accounts

    need("Playwright (pip install playwright)", HAVE_PLAYWRIGHT)
    need(f"Chromium at {CHROMIUM} (apt-get install chromium)", Path(CHROMIUM).exists())
    db = tmp_path / "accounts.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    engine = make_engine(url=f"sqlite:///{db}")
    accounts.add_user(engine=engine, username="ann", role="admin", password="ann's long password")
    engine.dispose()
    port = _free_port()
    log = tmp_path / "server.log"
    with (
        other_host(workdir=tmp_path) as there,
        _server(STARTS["rtop serve --address 0.0.0.0"](port), db=db, log=log),
    ):
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as worker:
            guessed = worker.submit(
                _sign_in_attempts, str(there.chromium), f"http://{there.host_address}:{port}",
                username="ann", passwords=[f"guess {i}" for i in range(6)],
            ).result()  # fmt: skip
            admin = worker.submit(
                _sign_in_attempts, CHROMIUM, f"http://127.0.0.1:{port}",
                username="ann", passwords=["ann's long password"],
            ).result()  # fmt: skip
    assert guessed[0] == "Unknown user name or wrong password."
    assert any(s.startswith("Too many failed sign-ins from here: try again in") for s in guessed)
    assert admin == ["You are signed in as ann (role: admin)."]
    import sqlite3

    with sqlite3.connect(db) as conn:
        clients = {c for (c,) in conn.execute("SELECT client FROM sign_in_attempt WHERE ok = 0")}
    assert clients == {there.address}  # recorded with where they came from
