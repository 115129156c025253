"""Render Plotly figures to PNG/SVG on the server with kaleido and the system Chromium.

One warm kaleido server is kept per process, so a briefing pack renders all its images with
the same browser (the first image takes ~1.5 s, later ones ~0.15 s).
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import os
import struct
import threading
import warnings

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.charts import ChartMeta, has_sample_mark, mark_sample
from dashboard.core.config import get_settings

DEFAULT_WIDTH = 1600
DEFAULT_SCALE = 2
_lock = threading.Lock()
_server_started = False


def _ensure_server() -> None:
    """Start the shared kaleido server once (falls back to one browser per call on failure)."""
    global _server_started
    if _server_started:
        return
    chromium = get_settings().chromium
    if chromium and os.path.exists(chromium):
        os.environ.setdefault("BROWSER_PATH", chromium)
    try:
        import kaleido

        kaleido.start_sync_server(n=1, timeout=90, mathjax=False, silence_warnings=True)
        atexit.register(_stop_server)
        _server_started = True
    except Exception:  # noqa: BLE001 - plain pio.to_image still works without the shared server
        _server_started = False


def _stop_server() -> None:
    try:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
    except Exception:  # noqa: BLE001,S110 - best effort at interpreter exit
        pass


def for_export(fig: go.Figure, *, meta: ChartMeta) -> go.Figure:
    """A copy of the figure stamped with today's date and, if needed, the SAMPLE DATA mark."""
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    today = dt.date.today().isoformat()
    for annotation in out.layout.annotations:
        text = annotation.text or ""
        if text.startswith("Source:") and "RtoP Monitor, " in text:
            annotation.text = (
                text.rsplit("RtoP Monitor, ", 1)[0] + f"RtoP Monitor, exported {today}"
            )
    if meta.synthetic and not has_sample_mark(out):
        mark_sample(out)
    return out


def render(
    fig: go.Figure,
    *,
    fmt: str,
    width: int = DEFAULT_WIDTH,
    height: int | None = None,
    scale: float = DEFAULT_SCALE,
) -> bytes:
    """PNG or SVG bytes of the figure at width x height (CSS px) times scale."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unsupported image format {fmt!r}")
    h = int(height or fig.layout.height or 600)
    with _lock:
        _ensure_server()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = pio.to_image(fig, format=fmt, width=width, height=h, scale=scale)
    return bytes(data)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
