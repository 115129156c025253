"""What a map shows and where: the whole ARF in one frame, and Southeast Asia enlarged in an
inset placed in the open Pacific of the same picture.

About ten Southeast Asian participants sit within 60 px of each other on the whole map, too
close to match labels to points. The inset draws that region again, about three times as
large, where the frame is empty ocean (east of New Zealand, south of Hawaii); those
participants are labelled there, and marked by their points (unlabelled) on the whole map. The
screen (pydeck) and the exported map (Plotly) draw the same Picture: one plane of world units
(dashboard/maps/geo.py), so the inset is part of the picture, not a second map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from dashboard.maps.geo import to_lonlat, to_units

# Pacific-centred frame: from the EU point (Brussels, 4°E) to North America's east coast
# (67°W, drawn at 293°E) and from New Zealand (47°S) to the Arctic coasts.
FRAME = {"west": 0.0, "east": 296.0, "south": -52.0, "north": 74.0}
INSET_GROUP = "Southeast Asia"  # participants of this sub-region are drawn in the inset
INSET_MARGIN = 3.5  # degrees of map around the group's points
# Open ocean where the inset goes: east of New Zealand (178.5°E) and south of Hawaii (19°N).
INSET_ROOM = {"west": 182.0, "east": 296.0, "north": 13.0}
INSET_MAX_SCALE = 3.2
FILL = 0.95  # share of the canvas the picture fills


@dataclass(frozen=True)
class Box:
    """An axis-aligned box (x0, y0) to (x1, y1): y grows downwards, as on a screen."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        """Width."""
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        """Height."""
        return self.y1 - self.y0

    def contains(self, x: float, y: float) -> bool:
        """Whether (x, y) lies inside the box or on its edge."""
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1

    def union(self, other: Box) -> Box:
        """The smallest box around both."""
        return Box(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )

    def tuple(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1)."""
        return self.x0, self.y0, self.x1, self.y1


def _geo_box(*, west: float, east: float, south: float, north: float) -> Box:
    x0, y0 = to_units(north, west)
    x1, y1 = to_units(south, east)
    return Box(x0, y0, x1, y1)


Point = tuple[str, float, float]  # code, lat, lon (Pacific-centred)


@dataclass(frozen=True)
class Picture:
    """Where everything goes on a canvas of ``width`` x ``height`` CSS px.

    World units map to canvas pixels by ``px`` (``k`` px per unit, ``left``/``top`` the units
    at the canvas's top-left corner); the inset maps the ``source`` box of world units onto the
    ``target`` box, ``scale`` times as large. ``lonlat`` gives the (virtual) longitude and
    latitude deck.gl needs for a canvas pixel, the inset's too.
    """

    width: int
    height: int
    k: float
    left: float
    top: float
    frame: Box
    source: Box
    target: Box
    inset_codes: frozenset[str]

    @property
    def zoom(self) -> float:
        """The deck.gl zoom at which one world unit is ``k`` px."""
        return math.log2(self.k)

    @property
    def scale(self) -> float:
        """How many times as large the inset draws its region."""
        return self.target.w / self.source.w

    def px(self, x: float, y: float) -> tuple[float, float]:
        """Canvas px of world units."""
        return (x - self.left) * self.k, (y - self.top) * self.k

    def inset_units(self, x: float, y: float) -> tuple[float, float]:
        """Where world units of the source region are drawn in the inset (world units)."""
        s = self.scale
        return self.target.x0 + (x - self.source.x0) * s, self.target.y0 + (y - self.source.y0) * s

    def world_px(self, lat: float, lon: float) -> tuple[float, float]:
        """Canvas px of a position on the whole map."""
        return self.px(*to_units(lat, lon))

    def inset_px(self, lat: float, lon: float) -> tuple[float, float]:
        """Canvas px of a position in the inset."""
        return self.px(*self.inset_units(*to_units(lat, lon)))

    def box_px(self, box: Box) -> Box:
        """A box of world units in canvas px."""
        x0, y0 = self.px(box.x0, box.y0)
        x1, y1 = self.px(box.x1, box.y1)
        return Box(x0, y0, x1, y1)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """The (lon, lat) deck.gl draws at canvas px (x, y) when showing this picture."""
        return to_lonlat(self.left + x / self.k, self.top + y / self.k)

    def view_state(self) -> dict[str, float]:
        """deck.gl's initial view: the canvas centre and the zoom."""
        lon, lat = self.lonlat(self.width / 2, self.height / 2)
        return {"latitude": lat, "longitude": lon, "zoom": self.zoom}


def inset_source(points: tuple[Point, ...], group: frozenset[str]) -> Box:
    """The region the inset enlarges: the group's points with INSET_MARGIN degrees around."""
    lats = [lat for code, lat, _ in points if code in group]
    lons = [lon for code, _, lon in points if code in group]
    if not lats:  # no such participant: the default ARF's Southeast Asia
        lats, lons = [-8.9, 21.8], [96.0, 125.4]
    return _geo_box(
        west=min(lons) - INSET_MARGIN,
        east=max(lons) + INSET_MARGIN,
        south=min(lats) - INSET_MARGIN,
        north=max(lats) + INSET_MARGIN,
    )


@lru_cache(maxsize=32)
def picture(
    *, width: int, height: int, points: tuple[Point, ...], group: frozenset[str]
) -> Picture:
    """The picture for a canvas: the frame and the inset of ``group``'s region, fitted.

    ``points``: every participant's (code, lat, lon), lon Pacific-centred; ``group``: the codes
    the inset is for. Every participant whose point falls in the inset's region is drawn (and
    labelled) there.
    """
    frame = _geo_box(**FRAME)
    source = inset_source(points, group)
    room = _geo_box(
        west=INSET_ROOM["west"], east=INSET_ROOM["east"], south=-60.0, north=INSET_ROOM["north"]
    )
    scale = min(INSET_MAX_SCALE, room.w / source.w)
    target = Box(room.x1 - source.w * scale, room.y0, room.x1, room.y0 + source.h * scale)
    extent = frame.union(target)
    k = min(width * FILL / extent.w, height * FILL / extent.h)
    left = extent.x0 - (width / k - extent.w) / 2
    top = extent.y0 - (height / k - extent.h) / 2
    inside = frozenset(code for code, lat, lon in points if source.contains(*to_units(lat, lon)))
    return Picture(
        width=width,
        height=height,
        k=k,
        left=left,
        top=top,
        frame=frame,
        source=source,
        target=target,
        inset_codes=inside,
    )
