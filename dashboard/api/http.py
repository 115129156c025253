"""The routes' HTTP side: read the request, check access, answer from the shared store.

Every route is a GET (HEAD too) and writes nothing, except the record of a read token's use.
Work that touches the database or pandas runs in worker threads (at most two at a time: the
machine's cores are the pages' too); answers are kept per data version and query, so the same
question asked again, or by fifty clients at once, is answered from memory.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from dashboard.api.params import ParamError, Query, grouped, read
from dashboard.core.config import get_settings
from dashboard.core.scoring import RULE_VERSION

log = logging.getLogger(__name__)
T = TypeVar("T")

WORKERS = anyio.CapacityLimiter(2)  # data routes' database and pandas work at once
BUNDLES = anyio.CapacityLimiter(1)  # chart images: one Chromium renders them in turn
DATA_VERSION = "X-RtoP-Data-Version"
METHOD_VERSION = "X-RtoP-Method-Version"
EXPOSED = (DATA_VERSION, METHOD_VERSION, "X-Total-Count", "Link", "Content-Disposition")


class Refused(Exception):
    """A request answered with a plain message and a status (400, 401, 404, 503)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.message = message
        self.headers = headers or {}
        super().__init__(message)


@dataclass(frozen=True)
class Rendered:
    """An answer's bytes and what the headers say of it."""

    body: bytes
    media_type: str
    filename: str
    data_version: str
    total: int | None = None
    count: int | None = None
    next_offset: int | None = None


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text answer (errors: a sentence that names what to change, never a trace)."""
    return PlainTextResponse(
        message + "\n", status_code=status, headers={"Cache-Control": "no-store", **(headers or {})}
    )


_STARTED: list[Callable[[], object]] = []  # what to wait for before the first work


def wait_for(started: Callable[[], object]) -> None:
    """Make every route wait for ``started`` (the server's warm-up, dashboard/ui/warm.py)
    before its first work: the warm-up imports the modules the routes use, and parsing
    (ast) in two threads at once can fail in CPython 3.11."""
    _STARTED[:] = [started]


def _after_start(work: Callable[[], T]) -> Callable[[], T]:
    def run() -> T:
        for started in _STARTED:
            started()
        return work()

    return run


async def in_worker(work: Callable[[], T], *, limiter: anyio.CapacityLimiter = WORKERS) -> T:
    """Run blocking work (database, pandas, images) in a worker thread, once the server's
    warm-up is done."""
    return await anyio.to_thread.run_sync(_after_start(work), limiter=limiter)


# ------------------------------------------------------------------------------------ access

_USES: Any = None  # the process's token use recorder (dashboard.core.tokens.UseRecorder)


def _check_token(header: str) -> str | None:
    """The name of the read token in an Authorization header, when valid."""
    global _USES
    from dashboard.core import store, tokens  # noqa: PLC0415 (not before the server starts)

    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    if _USES is None:
        _USES = tokens.UseRecorder()
    engine = store.engine_for(get_settings().database_url)
    found: str | None = _USES.check(engine=engine, token=token.strip(), now=tokens.now_utc())
    return found


async def check_access(request: Request) -> None:
    """The routes obey the pages' rule: with RTOP_REQUIRE_LOGIN=1 nothing is shown without
    signing in, and a script signs in with a read token (`Authorization: Bearer TOKEN`)."""
    if not get_settings().require_login:
        return
    header = request.headers.get("authorization", "")
    challenge = {"WWW-Authenticate": 'Bearer realm="RtoP Monitor data"'}
    if not header:
        raise Refused(
            401,
            "This server requires signing in: send a read token as 'Authorization: Bearer "
            "TOKEN' (an admin issues one with `rtop tokens add NAME`).",
            challenge,
        )
    if await in_worker(lambda: _check_token(header)) is None:
        raise Refused(401, "The read token is not valid (unknown or revoked).", challenge)


# ------------------------------------------------------------------------------------ data

_READY: set[str] = set()  # database URLs found initialised at this code's schema
_READY_LOCK = threading.Lock()  # one thread checks (and parses the migrations) at a time


def ready_dataset(*, sample: bool) -> Any:
    """The published Dataset of the configured database (from the core's store); Refused 503
    when the database is not ready."""
    from dashboard.core import store  # noqa: PLC0415
    from dashboard.core.db import head_revision, is_initialised, schema_revision  # noqa: PLC0415
    from dashboard.views import load_dataset  # noqa: PLC0415

    url = get_settings().database_url
    engine = store.engine_for(url)
    with _READY_LOCK:
        if url not in _READY:
            if not is_initialised(engine=engine):
                raise Refused(503, "The database is empty: run `rtop init` on the server first.")
            if schema_revision(engine=engine) != head_revision():
                raise Refused(
                    503,
                    "The database was made by another version: run `rtop init` to upgrade it.",
                )
            _READY.add(url)
    key = store.published_key(url=url, sample=sample)
    return store.DATASETS.get(key, load=lambda: load_dataset(engine=engine, include_sample=sample))


def known_participants(ds: Any) -> dict[str, str]:
    """Every spelling a link may use for a participant (code or name, upper-cased) -> code."""
    known = {str(c).upper(): str(c) for c in ds.participants["code"]}
    known.update(
        {
            str(n).upper(): str(c)
            for c, n in zip(ds.participants["code"], ds.participants["name"], strict=True)
        }
    )
    return known


def read_query(
    request: Request, ds: Any, *, filters_used: tuple[str, ...], own: tuple[str, ...], route: str
) -> Query:
    """The request's query with the pages' grammar; Refused 400 naming the parameter."""
    try:
        return read(
            query=grouped(request.query_params.multi_items()),
            known_participants=known_participants(ds),
            filters_used=filters_used,
            own=own,
            route=route,
        )
    except ParamError as exc:
        raise Refused(400, f"Bad parameter {exc}.") from None


def _plain_values(frame: Any) -> Any:
    """Dates as ISO dates (YYYY-MM-DD) for JSON; everything else as it is."""
    import pandas as pd  # noqa: PLC0415

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), None)
        elif series.dtype == object:
            out[column] = series.map(
                lambda v: v.isoformat() if isinstance(v, dt.date | dt.datetime) else v
            )
    return out


def json_body(*, envelope: dict[str, Any], frame: Any) -> bytes:
    """The envelope with the rows last, as JSON (null for missing values)."""
    head = json.dumps(envelope, ensure_ascii=False)[:-1]
    rows = _plain_values(frame).to_json(orient="records", force_ascii=False, date_format="iso")
    return f'{head}, "rows": {rows}}}'.encode()


def answer(request: Request, rendered: Rendered) -> Response:
    """The response for a rendered answer: versions, counts and the next page's link."""
    headers = {
        DATA_VERSION: rendered.data_version,
        METHOD_VERSION: RULE_VERSION,
        "Content-Disposition": f'inline; filename="{rendered.filename}"',
        "Cache-Control": "no-cache",
    }
    if rendered.total is not None:
        headers["X-Total-Count"] = str(rendered.total)
    if rendered.next_offset is not None:
        nxt = request.url.include_query_params(offset=rendered.next_offset)
        headers["Link"] = f'<{nxt}>; rel="next"'
    if get_settings().require_login:
        headers["Vary"] = "Authorization"
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


async def guarded(request: Request, handle: Callable[[Request], Any]) -> Response:
    """Run a route: its refusals as plain answers, anything else as a 500 with a reference
    (the details in the server's log)."""
    try:
        await check_access(request)
        response: Response = await handle(request)
        return response
    except Refused as exc:
        return plain(exc.status, exc.message, exc.headers)
    except Exception:
        reference = secrets.token_hex(4)
        log.exception("a data route failed (reference %s)", reference)
        return plain(
            500,
            f"The server could not answer this request (reference {reference}; the details "
            "are in its log).",
        )
