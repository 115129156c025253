"""The warm-up of `rtop serve` (dashboard/ui/warm.py): what it imports, who does the first
imports when a visit and the warm-up meet, and the health check it waits for."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config

from dashboard.ui import warm


def test_page_modules_are_the_pages_imports_and_submodules_are_told_from_names(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.py").write_text(
        "import streamlit as st\n"
        "from dashboard.ui import cache, no_such_name\n"
        "from dashboard.views import map as map_view\n"
        "from . import sibling\n"
        "def f():\n    import dashboard.export\n"  # inside a function: not at the top
    )
    (tmp_path / "b.py").write_text("import os.path\nfrom dashboard.ui import cache\n")
    assert warm.page_modules(pages_dir=tmp_path) == [
        "streamlit", "dashboard.ui", "dashboard.ui.cache", "dashboard.ui.no_such_name",
        "dashboard.views", "dashboard.views.map", "os.path",
    ]  # fmt: skip
    imported = warm.import_pages_modules(pages_dir=tmp_path)
    assert "dashboard.ui.no_such_name" not in imported  # a name in dashboard.ui, not a module
    assert {"dashboard.ui.cache", "dashboard.views.map", "os.path"} <= set(imported)


def test_a_missing_dependency_is_not_taken_for_a_name(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from no_such_package_rtop import thing\n")
    with pytest.raises(ModuleNotFoundError, match="no_such_package_rtop"):
        warm.import_pages_modules(pages_dir=tmp_path)


def test_the_real_pages_modules_import() -> None:
    imported = warm.import_pages_modules()
    assert {"dashboard.ui.cache", "dashboard.views.overview", "dashboard.maps"} <= set(imported)


def test_a_visit_that_comes_first_does_the_imports_itself_and_the_warm_up_steps_aside() -> None:
    ran: list[str] = []
    w = warm.WarmUp(work=lambda: ran.append("work"))
    assert w.wait(timeout=5) is True  # nothing under way: the visit goes on at once
    w.run()
    assert ran == []
    assert w.wait(timeout=5) is True  # and every later visit too


def test_a_visit_during_the_warm_up_waits_for_it_to_finish() -> None:
    began, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def work() -> None:
        began.set()
        release.wait(30)
        ran.append("work")

    w = warm.WarmUp(work=work)
    thread = w.start()
    assert began.wait(30)
    assert w.wait(timeout=0.05) is False  # still importing: the visit would wait
    release.set()
    assert w.wait(timeout=30) is True
    assert ran == ["work"]
    thread.join(30)
    assert "s" in w.took


def test_a_failed_warm_up_lets_visits_through() -> None:
    def work() -> None:
        raise RuntimeError("no database")

    w = warm.WarmUp(work=work)
    w.start().join(30)
    assert w.wait(timeout=0.05) is True
    assert w.took == {}


@pytest.fixture
def healthy_server() -> Iterator[str]:
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200 if self.path == "/_stcore/health" else 404)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_server_answers_when_its_health_check_does(healthy_server: str) -> None:
    assert warm.server_answers(url=f"{healthy_server}/_stcore/health", timeout=10) is True
    assert warm.server_answers(url=f"{healthy_server}/elsewhere", timeout=0.3) is False


def test_health_url_follows_the_address_and_the_base_path() -> None:
    assert warm.health_url(address="0.0.0.0", port=8501) == "http://127.0.0.1:8501/_stcore/health"
    assert warm.health_url(address="::1", port=9) == "http://[::1]:9/_stcore/health"
    before = config.get_option("server.baseUrlPath")
    config.set_option("server.baseUrlPath", "/rtop/")
    try:
        assert warm.health_url(address="10.0.0.5", port=80) == (
            "http://10.0.0.5:80/rtop/_stcore/health"
        )
    finally:
        config.set_option("server.baseUrlPath", before)


def test_where_to_open_names_a_reachable_url() -> None:
    assert warm.where_to_open(address="127.0.0.1", port=8501) == (
        "RtoP Monitor is ready: http://127.0.0.1:8501"
    )
    every = warm.where_to_open(address="0.0.0.0", port=8600)
    assert every.startswith(
        "RtoP Monitor is ready: http://localhost:8600 (served on every address)\n"
    )
    assert "Visitors from other machines are viewers" in every  # and why, in the console
    assert "only a browser on this machine may load data" in every
    assert warm.where_to_open(address="::1", port=80) == "RtoP Monitor is ready: http://[::1]:80"
    lan = warm.where_to_open(address="192.168.1.5", port=80)
    assert lan.startswith("RtoP Monitor is ready: http://192.168.1.5:80\n")
    assert "Visitors from other machines are viewers" in lan


def test_serving_on_a_port_another_server_holds_never_says_ready(healthy_server: str) -> None:
    """The other server answers the health check: `rtop serve` used to print 'RtoP Monitor is
    ready' before Streamlit said the port was taken. The check now waits for this process's
    own runtime, which starts only once its server holds the port."""
    port = healthy_server.rsplit(":", 1)[1]
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "loaders", "serve", "--port", port, "--address", "127.0.0.1"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert f"Port {port} is not available" in done.stdout + done.stderr
    assert "is ready" not in done.stdout + done.stderr, done.stdout
