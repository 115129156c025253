"""Embed links: `?embed=1` on a page's link opens that view alone, for a partner's iframe.

Streamlit's own embed mode (`?embed=true`, with `embed_options=...`) already drops the app's
header, toolbar and padding in the browser and keeps itself on every link inside the app; it
only knows the value `true`. A page link with `embed=1` is sent on to the same link with
`embed=true` (a redirect, here), so both spellings give Streamlit's embed mode, and the app
(dashboard/ui/embed.py) hides its sidebar and navigation and adds a footer with the data
version and a link back to the full view.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

NOT_PAGES = ("_stcore/", "static/", "media/", "component/", "api/", "app/static/")


def embed_target(*, path: str, query: str, base_path: str = "") -> str | None:
    """Where a page link with `embed=1` goes instead (the same link with `embed=true`), or
    None when the request is not such a link."""
    inside = path[len(base_path) :] if base_path and path.startswith(base_path) else path
    if inside.lstrip("/").startswith(NOT_PAGES):
        return None
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(k.lower() == "embed" and v.strip().lower() in ("1", "yes") for k, v in pairs):
        return None
    kept = [(k, v) for k, v in pairs if k.lower() != "embed"]
    return f"{path}?{urlencode([*kept, ('embed', 'true')])}"


class EmbedLinks:
    """ASGI middleware: a GET of a page with `?embed=1` is redirected (307) to `embed=true`."""

    def __init__(self, app: ASGIApp, *, base_path: str = "") -> None:
        self.app = app
        self.base_path = base_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            query = scope.get("query_string", b"").decode("latin-1")
            target = embed_target(path=scope["path"], query=query, base_path=self.base_path)
            if target is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 307,
                        "headers": [
                            (b"location", target.encode("utf-8")),
                            (b"content-length", b"0"),
                            (b"cache-control", b"no-store"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
