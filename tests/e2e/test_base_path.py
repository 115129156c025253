"""`rtop serve -- --server.baseUrlPath rtop` (behind a proxy that serves the app under a path):
the st.App keeps Streamlit's own routes under the base path, and ours with them: the health
check, the data routes, the embed links and the guard on the upload endpoint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.test_browser import ROOT, START_TIMEOUT_S, _free_port

pytestmark = pytest.mark.e2e


def test_everything_is_served_under_the_base_path(template_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "app.sqlite"
    shutil.copy(template_dir / "reference.sqlite", db)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/rtop"
    log_path = tmp_path / "serve.log"
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}"}
    with log_path.open("wb") as log, requests.Session() as http:
        http.trust_env = False
        proc = subprocess.Popen(
            [sys.executable, "-m", "loaders", "serve", "--port", str(port), "--address",
             "127.0.0.1", "--", "--server.baseUrlPath", "rtop", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while "warm-up done" not in log_path.read_text(errors="replace"):
                assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)  # polling the server's output with a deadline
            assert http.get(f"{base}/_stcore/health", timeout=30).status_code == 200
            route = http.get(f"{base}/api/v1/participants.csv?participants=VNM", timeout=60)
            assert route.status_code == 200 and "Viet Nam" in route.content.decode("utf-8-sig")
            assert http.get(f"{base}/api/v1/nothing.csv", timeout=30).status_code == 404
            embed = http.get(f"{base}/map?layer=R4&embed=1", allow_redirects=False, timeout=30)
            assert embed.status_code == 307
            assert embed.headers["location"] == "/rtop/map?layer=R4&embed=true"
            via_route = http.get(f"{base}/api/v1/embed/map?layer=R4", allow_redirects=False,
                                 timeout=60)  # fmt: skip
            assert via_route.headers["location"] == "/rtop/map?layer=R4&embed=true"
            page = http.get(f"{base}/map?layer=R4&embed=true", timeout=30)
            assert page.status_code == 200 and "<html" in page.text.lower()
            upload = http.put(f"{base}/_stcore/upload_file/no-session/f", files={"f": b"x"},
                              timeout=30)  # fmt: skip
            assert upload.status_code == 403
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    assert "Traceback" not in log_path.read_text(errors="replace")
