"""Warm a freshly started server before its first visitor (`rtop serve`, what `make run` runs).

A cold Streamlit server does everything on the first visit: it imports the pages' modules
(pandas, SQLAlchemy, Plotly, pydeck and ours: about 1 s of CPU here), reads the Dataset and
only then sends the first chart. `start()` does the imports and the read in a background
thread once the server answers its health check (earlier, it would slow the server's own start
by as much: one interpreter lock runs both). A visit made after it (about 1 s after the server
answers, as when a meeting opens a server started beforehand) meets a warm server; one made
during it is no slower than without it, since the same interpreter does the same work.

Whoever comes first does the imports: the warm-up, or a first script run that arrives before
it began, which then goes on alone (the warm-up steps aside). A script run that arrives while
the warm-up imports waits for it (`wait()`), so no page ever uses a module half imported.
Without `start()` (`streamlit run pages/app.py`, AppTest), `wait()` returns at once.

Nothing here is required for correctness: a failure is logged and the pages do the work
themselves, as without the warm-up.
"""

from __future__ import annotations

import ast
import importlib
import ipaddress
import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"
THREAD_NAME = "rtop-warm"
CONTEXT_LOGGERS = ("streamlit.runtime.scriptrunner_utils.script_run_context",)
WAIT_SECONDS = 120.0  # a script run waits at most this long for a warm-up under way
HEALTH_WAIT_SECONDS = 60.0  # the warm-up waits this long for the server to answer
EVERY_ADDRESS = ("", "0.0.0.0", "::")  # a server bound to these listens on every interface


def page_modules(*, pages_dir: Path = PAGES_DIR) -> list[str]:
    """Every module the pages import at their top level, in first-seen order: `import a.b`
    gives a.b, `from a import b` gives a, and a.b too when b is a submodule (checked when
    imported)."""
    names: list[str] = []
    for path in sorted(pages_dir.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            names += [name for name in found if name not in names]
    return names


def import_pages_modules(*, pages_dir: Path = PAGES_DIR) -> list[str]:
    """Import what the pages import; the names that were modules (not attributes of one)."""
    imported: list[str] = []
    for name in page_modules(pages_dir=pages_dir):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a missing dependency, not an attribute taken for a module
                raise
            continue  # `from a import b` where b is a name defined in a
        imported.append(name)
    return imported


def _url_host(host: str) -> str:
    """A host as a URL writes it (an IPv6 address in brackets)."""
    return f"[{host}]" if ":" in host else host


class _QuietHere(logging.Filter):
    """Drop Streamlit's "missing ScriptRunContext" warning for the warm-up's thread: it reads
    the cache outside a script run on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != THREAD_NAME


def health_url(*, address: str, port: int) -> str:
    """The health check of this process's server on `address` and `port` (and the configured
    server.baseUrlPath), as this host reaches it."""
    from streamlit import config  # noqa: PLC0415

    host = "127.0.0.1" if address in (*EVERY_ADDRESS, "localhost") else address
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    path = f"/{base}/_stcore/health" if base else "/_stcore/health"
    return f"http://{_url_host(host)}:{port}{path}"


def server_answers(*, url: str, timeout: float) -> bool:
    """Poll `url` until it answers 200 (no proxy: it is this host); False at the timeout."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with opener.open(url, timeout=1.0) as response:
                if response.status == 200:
                    return True
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    return False


def runtime_started() -> bool:
    """This process's Streamlit runtime has started. It starts once this process's server
    holds its port (on a port another program holds, Streamlit ends the process instead), so a
    health check made after it reaches this process, never another server on that port."""
    from streamlit import runtime  # noqa: PLC0415

    return runtime.exists() and runtime.get_instance().state != runtime.RuntimeState.INITIAL


def _server_started(*, address: str, port: int, timeout: float) -> bool:
    """Wait for this process's runtime to start (its server holds the port by then), then for
    the server to answer its health check."""
    deadline = time.monotonic() + timeout
    while not runtime_started() and time.monotonic() < deadline:
        time.sleep(0.01)
    left = deadline - time.monotonic()
    return left > 0 and server_answers(url=health_url(address=address, port=port), timeout=left)


def warm_everything() -> None:
    """The warm-up's work: the pages' imports, then the cache (dashboard.ui.cache.warm)."""
    import_pages_modules()
    from dashboard.ui import cache  # noqa: PLC0415 (imported above, through the pages)

    cache.warm()


class WarmUp:
    """One process's warm-up: who claimed the first imports, and when they were done."""

    def __init__(self, *, work: Callable[[], None] = warm_everything) -> None:
        self._work = work
        self._lock = threading.Lock()
        self._claimed_by = ""  # "warm-up" or "page": whoever came first
        self._done = threading.Event()
        self.took: dict[str, float] = {}

    def claim(self, *, who: str) -> bool:
        """Claim the first imports for `who`; True when `who` has them (now or before)."""
        with self._lock:
            if not self._claimed_by:
                self._claimed_by = who
            return self._claimed_by == who

    def run(
        self, *, address: str | None = None, port: int = 0, ready: Callable[[], None] | None = None
    ) -> None:
        """Wait for the server on `address` and `port` to answer (not without an address), call
        `ready`, then do the work unless a script run came first."""
        from streamlit.logger import get_logger  # noqa: PLC0415 (not before the CLI's config)

        log = get_logger(__name__)  # in the server's output, as Streamlit's own lines
        try:
            if address is not None and not _server_started(
                address=address, port=port, timeout=HEALTH_WAIT_SECONDS
            ):
                log.info("the server did not answer its health check; warming up anyway")
            elif ready is not None:
                ready()
            if not self.claim(who="warm-up"):
                return
            started = time.perf_counter()
            for name in CONTEXT_LOGGERS:
                logging.getLogger(name).addFilter(_QuietHere())
            self._work()
            self.took["s"] = time.perf_counter() - started
            log.info("warm-up done in %.2f s", self.took["s"])
        except Exception:  # noqa: BLE001 - the pages do the same work themselves
            log.warning("warm-up failed; the first visit does the work instead", exc_info=True)
        finally:
            self._done.set()

    def start(
        self, *, address: str | None = None, port: int = 0, ready: Callable[[], None] | None = None
    ) -> threading.Thread:
        """Run in a daemon thread."""
        thread = threading.Thread(
            target=self.run,
            kwargs={"address": address, "port": port, "ready": ready},
            name=THREAD_NAME,
            daemon=True,
        )
        thread.start()
        return thread

    def wait(self, *, timeout: float = WAIT_SECONDS) -> bool:
        """For a script run: at once when it claims the imports (no warm-up, or one that has
        not begun); otherwise until the warm-up is done. False if that timed out."""
        if self.claim(who="page"):
            return True
        return self._done.wait(timeout)


WARM_UP = WarmUp()  # this process's


def start(
    *, address: str | None = None, port: int = 0, ready: Callable[[], None] | None = None
) -> threading.Thread:
    """Start this process's warm-up (once its server on `address` and `port` answers, when
    `ready` is called)."""
    return WARM_UP.start(address=address, port=port, ready=ready)


def wait(*, timeout: float = WAIT_SECONDS) -> bool:
    """For a script run: wait for this process's warm-up if it is under way."""
    return WARM_UP.wait(timeout=timeout)


def _loopback(address: str) -> bool:
    """True for an address only this machine reaches (roles.is_loopback, without importing the
    database layer before the server starts)."""
    text = address.strip().strip("[]")
    try:
        return text.lower() == "localhost" or ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def where_to_open(*, address: str, port: int) -> str:
    """The line `rtop serve` prints once the server answers (Streamlit's own banner is off in
    .streamlit/config.toml: for a wildcard address it looks the machine's public address up on
    the internet, and nothing here goes online)."""
    if address in EVERY_ADDRESS:
        line = f"RtoP Monitor is ready: http://localhost:{port} (served on every address)"
    else:
        line = f"RtoP Monitor is ready: http://{_url_host(address)}:{port}"
    if address in EVERY_ADDRESS or not _loopback(address):
        line += (
            "\n  Visitors from other machines are viewers until they sign in; while there are "
            "no accounts,\n  only a browser on this machine may load data "
            "(add an admin: rtop users add NAME --role admin)."
        )
    return line


def serve(*, script: Path, port: int, address: str, options: list[str]) -> None:
    """`streamlit run SCRIPT` on `address`:`port` (with further `streamlit run` options) in
    this process, with this process's warm-up started first. Blocks until the server stops,
    then exits the process as `streamlit run` does (an unknown option: its message and exit
    code 2, no traceback)."""
    from streamlit.web import cli as streamlit_cli  # noqa: PLC0415

    line = where_to_open(address=address, port=port)
    start(address=address, port=port, ready=lambda: print(f"\n  {line}\n", flush=True))
    streamlit_cli.main(
        args=["run", str(script), "--server.port", str(port), "--server.address", address,
              *options],
        prog_name="streamlit",
    )  # fmt: skip
