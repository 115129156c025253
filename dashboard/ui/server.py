"""The server `rtop serve` starts (and `make run`): the app's script (pages/app.py) as an
st.App on Starlette, with the routes and middleware of our own on the same server.

- routes: the read-only open-data routes under /api/v1/ (dashboard/api);
- middleware: the guard on Streamlit's upload endpoint (dashboard/serving/uploads.py) and the
  embed links (dashboard/serving/embed.py).

`rtop serve` runs `streamlit run` on this file (Streamlit finds the st.App below and serves it
with uvicorn); any ASGI server can serve it too (`uvicorn dashboard.ui.server:app`).
`streamlit run pages/app.py` serves the pages without any of this: do not use it.

Importing this module imports Starlette and our small routing modules, never pandas, the
database layer or the pages' modules: the server starts first, the warm-up imports the rest.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from dashboard.api import http
from dashboard.api import routes as api_routes
from dashboard.serving import embed, uploads
from dashboard.ui import warm

APP_SCRIPT = Path(__file__).resolve().parents[2] / "pages" / "app.py"


def base_path() -> str:
    """Streamlit's server.baseUrlPath as a path prefix ('' or '/base')."""
    from streamlit import config  # noqa: PLC0415

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def upload_limits() -> uploads.Limits:
    """The upload caps: a file at most Streamlit's server.maxUploadSize (MB)."""
    from streamlit import config  # noqa: PLC0415

    return uploads.Limits(max_bytes=int(config.get_option("server.maxUploadSize")) * uploads.MB)


def middleware() -> list[Middleware]:
    """Our middleware, outside Streamlit's own (it sees every request first)."""
    return [
        Middleware(
            uploads.UploadGuard,
            rights=uploads.RIGHTS,
            budget=uploads.UploadBudget(limits=upload_limits()),
        ),
        Middleware(embed.EmbedLinks, base_path=base_path()),
    ]


def routes() -> list[BaseRoute]:
    """Our routes, under the server's base path; they start work once the warm-up is done
    (as the pages' script runs do)."""
    http.wait_for(warm.wait)
    return api_routes(base_path=base_path())


app = st.App(APP_SCRIPT, routes=routes(), middleware=middleware())
