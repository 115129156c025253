"""The open-data routes under /api/v1/ on the app's own server (read-only).

    /api/v1/{observations,status,events,sources,participants,recommendations,indicators}.{csv,json}
    /api/v1/bundle/PAGE.zip        a view's data, datapackage.json, README and charts
    /api/v1/embed/PAGE             the view alone, for an iframe (a redirect to PAGE?embed=true)

Filtered with the pages' own link parameters (participants, pillars, recommendations, from,
to, sample) and each route's own; docs/api.md gives every parameter and field. This module
imports only Starlette: the data modules are imported by the first request, so the server
starts before pandas or the database layer is loaded.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from dashboard.api import http

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


async def _table(request: Request) -> Response:
    return await http.guarded(request, _table_answer)


async def _table_answer(request: Request) -> Response:
    from dashboard.api import routes_data  # noqa: PLC0415 (pandas and the database, on demand)

    name, fmt = request.path_params["name"], request.path_params["fmt"]
    if fmt not in FORMATS or name not in routes_data.ROUTE_NAMES:
        raise http.Refused(404, not_found_text(request.url.path))
    return await routes_data.table(request, name=name, fmt=fmt)


async def _bundle(request: Request) -> Response:
    from dashboard.api import routes_data  # noqa: PLC0415

    return await http.guarded(request, routes_data.bundle)


async def _embed(request: Request) -> Response:
    from dashboard.api import routes_data  # noqa: PLC0415

    return await http.guarded(request, routes_data.embed)


async def _not_found(request: Request) -> Response:
    return http.plain(404, not_found_text(request.url.path))


def not_found_text(path: str) -> str:
    """What a 404 says: the path, and the routes there are."""
    return (
        f"No such route: {path}. The routes: /api/v1/NAME.csv or .json for NAME in "
        "observations, status, events, sources, participants, recommendations, indicators; "
        "/api/v1/bundle/PAGE.zip and /api/v1/embed/PAGE for PAGE in overview, map, country, "
        "recommendations, timeline, pillars (docs/api.md)."
    )


def cors(origins: Sequence[str]) -> list[Middleware]:
    """CORS for the named origins only (RTOP_CORS_ORIGINS); none configured, none sent."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=["GET", "HEAD"],
            allow_headers=["Authorization"],
            expose_headers=list(http.EXPOSED),
        )
    ]


def routes(*, base_path: str = "", origins: Sequence[str] | None = None) -> list[BaseRoute]:
    """Every route of the API, under ``base_path`` (Streamlit's server.baseUrlPath); CORS for
    ``origins`` (default: RTOP_CORS_ORIGINS)."""
    from dashboard.core.config import get_settings  # noqa: PLC0415

    allowed = get_settings().cors_origins if origins is None else tuple(origins)
    get = ["GET", "HEAD"]
    inner = [
        Route("/bundle/{page}.zip", _bundle, methods=get),
        Route("/embed/{page}", _embed, methods=get),
        Route("/{name}.{fmt}", _table, methods=get),
        Route("/{rest:path}", _not_found),
    ]
    return [
        Mount(f"{base_path}/api/v1", routes=inner, middleware=cors(allowed)),
        Route(f"{base_path}/api/{{rest:path}}", _not_found),  # no other version of the API
    ]
