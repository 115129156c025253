"""Streamlit's file-upload endpoint (`/_stcore/upload_file/SESSION/FILE`) closed to sessions
that may not load, and capped in size and rate per client.

Streamlit accepts a file for any open session. Which sessions may upload is decided where the
identity is known: the script run that computes it (dashboard/ui/auth.py) writes the session's
right into ``RIGHTS`` on every run, and the middleware here reads it for the session id in the
upload's URL. Nothing the client sends (a header, a cookie, a form field) can grant the right:
only a script run on the server writes it. A session that signs out, or whose account loses
its role, loses the right at its next run.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UPLOAD_PATH = re.compile(r"(?:^|/)_stcore/upload_file/([^/]+)(?:/|$)")
MB = 1024 * 1024

REFUSED = (
    "Uploads are refused for this session: loading a file needs the editor role (or a "
    "contributor's, on Submit evidence). Sign in with such an account first."
)


def upload_session(path: str) -> str | None:
    """The session id in an upload URL (any base path), or None for any other path."""
    found = UPLOAD_PATH.search(path)
    return found.group(1) if found else None


class UploadRights:
    """Which Streamlit session ids may upload files (server-side, per process).

    Only sessions that may upload are kept (at most ``capacity``, the least recently
    confirmed dropped first): a guest's session is never stored, so the registry stays small."""

    def __init__(self, *, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._allowed: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, *, session_id: str, may_upload: bool) -> None:
        """What the script run that computed this session's identity decided."""
        with self._lock:
            if not may_upload:
                self._allowed.pop(session_id, None)
                return
            self._allowed[session_id] = None
            self._allowed.move_to_end(session_id)
            while len(self._allowed) > self._capacity:
                self._allowed.popitem(last=False)

    def allows(self, *, session_id: str) -> bool:
        """True when this session's last script run found an identity that may upload."""
        with self._lock:
            return session_id in self._allowed

    def __len__(self) -> int:
        with self._lock:
            return len(self._allowed)


RIGHTS = UploadRights()  # this process's: written by script runs, read by the middleware


@dataclass(frozen=True)
class Limits:
    """How much one client (by address) may upload: per file, per minute, per hour."""

    max_bytes: int = 50 * MB  # per file (Streamlit's server.maxUploadSize by default)
    per_minute: int = 12  # uploads
    bytes_per_hour: int = 200 * MB


class UploadBudget:
    """Uploads and bytes per client address in sliding windows (per process, bounded)."""

    def __init__(self, *, limits: Limits, clients: int = 10_000) -> None:
        self.limits = limits
        self._clients = clients
        self._uploads: OrderedDict[str, deque[float]] = OrderedDict()
        self._bytes: OrderedDict[str, deque[tuple[float, int]]] = OrderedDict()
        self._lock = threading.Lock()

    def _forget_oldest(self) -> None:
        for table in (self._uploads, self._bytes):
            while len(table) > self._clients:
                table.popitem(last=False)

    def admit(self, *, client: str, now: float) -> float:
        """Count one upload by ``client``; 0 when it may go ahead, else the seconds until it
        may (it is then not counted)."""
        with self._lock:
            times = self._uploads.setdefault(client, deque())
            self._uploads.move_to_end(client)
            while times and now - times[0] >= 60.0:
                times.popleft()
            sent = self._bytes.setdefault(client, deque())
            self._bytes.move_to_end(client)
            while sent and now - sent[0][0] >= 3600.0:
                sent.popleft()
            wait = 0.0
            if len(times) >= self.limits.per_minute:
                wait = 60.0 - (now - times[0])
            if sum(n for _, n in sent) >= self.limits.bytes_per_hour:
                wait = max(wait, 3600.0 - (now - sent[0][0]))
            if wait <= 0:
                times.append(now)
            self._forget_oldest()
            return max(wait, 0.0)

    def spend(self, *, client: str, size: int, now: float) -> bool:
        """Count ``size`` more bytes from ``client``; False once it is over its hourly budget."""
        with self._lock:
            sent = self._bytes.setdefault(client, deque())
            sent.append((now, size))
            return sum(n for _, n in sent) <= self.limits.bytes_per_hour


async def plain(
    send: Send, *, status: int, text: str, headers: dict[str, str] | None = None
) -> None:
    """A plain-text response."""
    body = text.encode("utf-8")
    raw = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *((k.encode(), v.encode()) for k, v in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class UploadGuard:
    """ASGI middleware in front of Streamlit's upload endpoint: a PUT or DELETE for a session
    without the right gets 403; a client over its rate gets 429 (with Retry-After); a file over
    the size cap gets 413, by its Content-Length or, without one, as its bytes arrive."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        rights: UploadRights,
        budget: UploadBudget,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.rights = rights
        self.budget = budget
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = upload_session(scope["path"]) if scope["type"] == "http" else None
        if session is None or scope["method"] not in ("PUT", "POST", "DELETE", "PATCH"):
            await self.app(scope, receive, send)
            return
        if not self.rights.allows(session_id=session):
            await plain(send, status=403, text=REFUSED)
            return
        if scope["method"] == "DELETE":
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.budget.admit(client=client, now=self.clock())
        if wait > 0:
            await plain(
                send,
                status=429,
                text=f"Too many uploads from this address: try again in {int(wait) + 1} s.",
                headers={"retry-after": str(int(wait) + 1)},
            )
            return
        cap = self.budget.limits.max_bytes
        too_big = f"The file is over the upload limit ({cap // MB} MB)."
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await plain(send, status=400, text="Invalid Content-Length header.")
                return
            if declared > cap + 64 * 1024:  # the multipart framing around the file
                await plain(send, status=413, text=too_big)
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                size = len(message.get("body", b""))
                received += size
                within = self.budget.spend(client=client, size=size, now=self.clock())
                if received > cap + 64 * 1024:
                    raise HTTPException(status_code=413, detail=too_big)
                if not within:
                    raise HTTPException(status_code=429, detail="Upload budget used up.")
            return message

        await self.app(scope, counted, send)
