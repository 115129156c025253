"""The open-data routes under /api/v1/: read-only, on the app's own server."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route


async def _not_found(request: Request) -> Response:
    return PlainTextResponse(f"No such route: {request.url.path}", status_code=404)


def routes(*, base_path: str = "") -> list[BaseRoute]:
    """Every route of the API, under ``base_path`` (Streamlit's server.baseUrlPath)."""
    return [Mount(f"{base_path}/api/v1", routes=[Route("/{rest:path}", _not_found)])]
