"""The shipped geometry and the plane every map is drawn in: Web Mercator, Pacific-centred.

Positions are "world units": Web Mercator at zoom 0, where the world is WORLD units wide
(deck.gl's convention: at zoom z one unit is 2**z screen pixels). Longitudes west of WRAP_WEST
are taken 360 degrees further east, so the Americas sit east of the Pacific and nothing is cut
at the antimeridian.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from dashboard.core.config import get_settings

WORLD = 512.0
WRAP_WEST = -30.0
MAX_LAT = 85.0511  # Web Mercator's edge


@lru_cache(maxsize=2)
def _read(path: str) -> dict[str, Any]:
    with Path(path).open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def geometry_path() -> str:
    """Where the participants' polygons are shipped (data/geo/participants.geojson)."""
    return str(get_settings().data_dir / "geo" / "participants.geojson")


def geometry() -> dict[str, Any]:
    """The participants' Natural Earth polygons (a GeoJSON FeatureCollection, read once)."""
    return _read(geometry_path())


def east(lon: float) -> float:
    """A longitude in the Pacific-centred frame (the Americas east of the antimeridian)."""
    return lon + 360.0 if lon < WRAP_WEST else lon


def to_units(lat: float, lon: float) -> tuple[float, float]:
    """World units of a position (``lon`` already in the Pacific-centred frame)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return lon / 360.0 * WORLD, (1 - y / math.pi) / 2 * WORLD


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    """The (lon, lat) of world units: the inverse of ``to_units``."""
    lat = math.degrees(2 * math.atan(math.exp((1 - 2 * y / WORLD) * math.pi)) - math.pi / 2)
    return x / WORLD * 360.0, lat


def units_array(lonlat: np.ndarray) -> np.ndarray:
    """``to_units`` for an (n, 2) array of (lon, lat) rows."""
    lat = np.clip(lonlat[:, 1], -MAX_LAT, MAX_LAT)
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return np.column_stack([lonlat[:, 0] / 360.0 * WORLD, (1 - y / np.pi) / 2 * WORLD])


def lonlat_array(units: np.ndarray) -> np.ndarray:
    """``to_lonlat`` for an (n, 2) array of world units."""
    lat = np.degrees(2 * np.arctan(np.exp((1 - 2 * units[:, 1] / WORLD) * np.pi)) - np.pi / 2)
    return np.column_stack([units[:, 0] / WORLD * 360.0, lat])


@lru_cache(maxsize=2)
def _outlines(path: str) -> tuple[tuple[str, tuple[np.ndarray, ...]], ...]:
    out = []
    for feature in _read(path)["features"]:
        kind, coords = feature["geometry"]["type"], feature["geometry"]["coordinates"]
        polygons = coords if kind == "MultiPolygon" else [coords]
        rings = []
        for polygon in polygons:  # the shipped polygons have no holes (a test checks)
            ring = np.array([(east(float(lon)), float(lat)) for lon, lat, *_ in polygon[0]])
            units = units_array(ring)
            units.setflags(write=False)
            rings.append(units)
        out.append((str(feature["properties"]["code"]), tuple(rings)))
    return tuple(out)


def outlines() -> dict[str, tuple[np.ndarray, ...]]:
    """Code -> the outer ring of each part of its polygon, in world units (read-only arrays)."""
    return dict(_outlines(geometry_path()))


def area(ring: np.ndarray) -> float:
    """The area a ring encloses (shoelace), in its own units squared."""
    x, y = ring[:, 0], ring[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2)


def simplify(ring: np.ndarray, tolerance: float) -> np.ndarray:
    """The ring with every corner dropped that lies within ``tolerance`` of the line its
    neighbours keep (Douglas-Peucker), closed as it came."""
    n = len(ring)
    if n <= 4:
        return ring
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    # A closed ring: split at the corner farthest from the first, so both halves are open lines.
    far = int(np.argmax(np.hypot(*(ring - ring[0]).T)))
    keep[far] = True
    stack = [(0, far), (far, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        inner = ring[a + 1 : b]
        dx, dy = ring[b] - ring[a]
        length = math.hypot(dx, dy)
        if length == 0:
            dist = np.hypot(*(inner - ring[a]).T)
        else:
            dist = np.abs(dx * (inner[:, 1] - ring[a][1]) - dy * (inner[:, 0] - ring[a][0]))
            dist = dist / length
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            keep[a + 1 + k] = True
            stack += [(a, a + 1 + k), (a + 1 + k, b)]
    return ring[keep]


def clip(ring: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The part of a ring inside an axis-aligned box (x0, y0, x1, y1), by Sutherland-Hodgman:
    enough for filling (a concave ring cut in two keeps a seam along the box's edge)."""
    x0, y0, x1, y1 = box
    points = [tuple(p) for p in ring]
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    )
    for inside, cross in edges:
        if not points:
            break
        out: list[tuple[float, float]] = []
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
        points = out
    return np.array(points, dtype=float).reshape(-1, 2)


def _cross_x(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _cross_y(a: tuple[float, float], b: tuple[float, float], y: float) -> tuple[float, float]:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y
