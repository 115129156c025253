"""Presentation mode's sequence of views (`?present=1`): which views, in which order, and the
link of the previous and next one. Plain functions; the Streamlit side is dashboard/ui/present.py.

A sequence is a list of view links separated by `|`, each a page path with its own optional
query, e.g. `views=map?layer=R4|recommendations|changes?since=2026-06-01`; the sidebar's
filters and the presentation settings are kept from view to view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from dashboard.charts.common import ROOM_SCALE, Screen

DEFAULT_VIEWS = "|map|recommendations|pillars|changes|timeline"  # "" is the Overview

# Every view is laid out on one slide of 1920x1080 CSS pixels, scaled to the screen it is shown
# on (1366x768 is the same shape at 0.71): what fits the slide fits every 16:9 screen, and a
# smaller screen shows the same view smaller, never a part of it.
SLIDE = (1920, 1080)
SIDE_PAD = 40  # the slide's margin left and right
# A view's room under the page's title and above the footer, in the slide's pixels
VIEW = (SLIDE[0] - 2 * SIDE_PAD, 860)
# The Overview: its figures in a column on the left, the chart on the right
OVERVIEW_CHART = (1000, 860)
# The map: its key (one or two lines) under it
MAP_VIEW = (SLIDE[0] - 2 * SIDE_PAD, 760)
SCREENS = ((640, 480), (7680, 4320))  # the screen sizes a link may give (smallest, largest)


def screen_size(text: str | None) -> tuple[int, int]:
    """The screen's size from its text ('1366x768', as the browser measured it), or the
    slide's when there is none or it is out of range."""
    try:
        width, height = (int(part) for part in str(text or "").lower().split("x"))
    except ValueError:
        return SLIDE
    (w0, h0), (w1, h1) = SCREENS
    return (width, height) if w0 <= width <= w1 and h0 <= height <= h1 else SLIDE


def share(screen: tuple[int, int]) -> float:
    """The screen's share of the slide: the slide scaled to fit it (1 at 1920x1080)."""
    return min(screen[0] / SLIDE[0], screen[1] / SLIDE[1])


def room(view: tuple[int, int], *, screen: tuple[int, int]) -> Screen:
    """A chart's room on a screen: ``view`` (in the slide's pixels) and the type of the slide,
    both scaled to the screen."""
    k = share(screen)
    return Screen(width=round(view[0] * k), height=round(view[1] * k), scale=ROOM_SCALE * k)


KEEP = (
    "present",
    "views",
    "interval",
    "participants",
    "pillars",
    "recommendations",
    "from",
    "to",
    "sample",
)


@dataclass(frozen=True)
class View:
    """One screen of the sequence: a page's URL path and that page's own parameters."""

    path: str
    params: dict[str, str] = field(default_factory=dict)


def parse_views(text: str | None, *, known: set[str]) -> list[View]:
    """The views of a `views=` value (default: DEFAULT_VIEWS); unknown pages are left out."""
    out: list[View] = []
    for link in (DEFAULT_VIEWS if text is None or not text.strip() else text).split("|"):
        parts = urlsplit(link.strip())
        path = parts.path.strip("/")
        if path in known:
            out.append(View(path=path, params=dict(parse_qsl(parts.query))))
    return out or [View(path=p) for p in DEFAULT_VIEWS.split("|") if p in known]


def position(views: list[View], *, path: str) -> int:
    """The index of the current page in the sequence (0 when it is not in it)."""
    for i, view in enumerate(views):
        if view.path == path:
            return i
    return 0


def step(views: list[View], *, path: str, by: int) -> View:
    """The view ``by`` steps from the current one, going round at either end."""
    return views[(position(views, path=path) + by) % len(views)]


def query_for(view: View, *, current: dict[str, str]) -> dict[str, str]:
    """The next view's query: the kept settings and filters, then the view's own parameters."""
    kept = {k: v for k, v in current.items() if k in KEEP}
    return kept | view.params


def interval_seconds(text: str | None) -> int:
    """The auto-advance interval (`interval=30`), 0 for none; at least 5 s when set."""
    try:
        seconds = int(text or 0)
    except ValueError:
        return 0
    return max(seconds, 5) if seconds > 0 else 0


GRID_ROW = 37  # a table row as Streamlit's grid draws it (px: not scaled with the slide's type)


def table_height(*, room: int, rows_above: int) -> int:
    """The height (px) of a table that takes the room a view has left (``room``, px on this
    screen) under a table of ``rows_above`` rows (none: no table; at most ten shown), at least
    three rows and its header."""
    above = 0 if rows_above == 0 else GRID_ROW * (min(rows_above, 10) + 1) + 3
    return max(4 * GRID_ROW, room - above)
