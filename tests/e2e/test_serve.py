"""`rtop serve` (what `make run` starts), in the real browser: a first visit made as soon as the
server answers (the warm-up then usually under way) and one made after the warm-up finished
both draw the Overview whole, and the warm-up says in the server's output that it ran
(dashboard/ui/warm.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.test_browser import (
    DECK_CANVAS,
    IDLE,
    LOCAL_HOSTS,
    PLOTLY_READY,
    RENDER_TIMEOUT_MS,
    ROOT,
    START_TIMEOUT_S,
    VIEWPORT,
    App,
    _free_port,
    in_own_chromium,
    serve_app,
)

pytestmark = pytest.mark.e2e


def _overview_drawn(browser: Any, app: App) -> dict[str, Any]:
    """Open `/` in a fresh context; what it showed once the script finished and the charts drew."""
    context = browser.new_context(viewport=VIEWPORT)
    outside: list[str] = []

    def _route(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    try:
        page = context.new_page()
        page.route("**/*", _route)
        page.goto(f"{app.url}/", wait_until="domcontentloaded")
        page.wait_for_selector(PLOTLY_READY, timeout=RENDER_TIMEOUT_MS)
        page.wait_for_selector(DECK_CANVAS, state="visible", timeout=RENDER_TIMEOUT_MS)
        page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
        return {
            "title": page.locator('[data-testid="stMain"] h1').first.inner_text(),
            "exceptions": page.locator('[data-testid="stException"]').all_inner_texts(),
            "errors": page.locator('[data-testid="stAlertContentError"]').all_inner_texts(),
            "metrics": page.locator('[data-testid="stMetric"]').count(),
            "outside": outside,
        }
    finally:
        context.close()


def _log_says(app: App, text: str) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if text in app.log.read_text(errors="replace"):
            return True
        time.sleep(0.1)  # polling the server's output with a deadline
    return False


@pytest.mark.parametrize("when", ["as soon as the server answers", "after the warm-up"])
def test_the_first_visit_draws_the_overview(template_dir: Path, tmp_path: Path, when: str) -> None:
    db = tmp_path / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}"}
    with serve_app(env=env, log_path=tmp_path / "serve.log", db=db) as app:
        if when == "after the warm-up":
            assert _log_says(app, "warm-up done in"), app.log_tail()
        shown = in_own_chromium(_overview_drawn, app)
        log = app.log.read_text(errors="replace")
    assert shown["title"] == "Responsibility to Protect in the ARF region"
    assert shown["exceptions"] == [] and shown["errors"] == [], (shown, log[-3000:])
    assert shown["metrics"] >= 3
    assert shown["outside"] == []
    assert "warm-up failed" not in log and "Traceback" not in log, log[-3000:]


def test_serving_every_address_prints_where_to_open_and_looks_nothing_up(
    template_dir: Path, tmp_path: Path
) -> None:
    """Streamlit's own banner, for a wildcard address, asks checkip.amazonaws.com for the
    machine's public address: it is off, and `rtop serve` says where to open the app."""
    db = tmp_path / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    port = _free_port()
    log_path = tmp_path / "serve.log"
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "loaders", "serve", "--port", str(port), "--address", "0.0.0.0"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            app = App(url=f"http://127.0.0.1:{port}", log=log_path, db=db)
            assert _log_says(app, "warm-up done in"), app.log_tail()
            text = log_path.read_text(errors="replace")
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    assert f"RtoP Monitor is ready: http://localhost:{port} (served on every address)" in text
    assert "External URL" not in text and "external IP" not in text, text
