"""Build the offline country geometry used by the RtoP Monitor maps.

This is a one-off build step. It is NOT run when the app runs; the app only reads
the two files this script writes next to itself:

* ``participants.geojson`` -- a GeoJSON FeatureCollection with one Feature per
  ASEAN Regional Forum (ARF) participant that has a polygon in Natural Earth
  1:110m Admin 0 countries (25 of 27: Singapore is too small for the 1:110m
  scale and the European Union is not a country polygon). Properties are
  ``{"code": <ISO3 / EUU>, "name": <ARF short name>}``. Coordinates are WGS84
  lon/lat rounded to 3 decimals; rings follow RFC 7946 orientation (exterior
  counter-clockwise, holes clockwise). Natural Earth already splits geometry at
  the antimeridian (Russia's Chukotka, Fiji ...) and that split is kept as is.
* ``points.csv`` -- ``code,lat,lon,basis``: one representative point for ALL 27
  participants, for markers and labels.

Source: the Natural Earth 1:110m "naturalearth_lowres" shapefile shipped in the
geopandas 0.14.4 wheel (public domain). To rebuild::

    pip download --no-deps geopandas==0.14.4 -d /tmp/gpd
    cd /tmp/gpd && unzip -q geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/*'
    python data/geo/build_geo.py /tmp/gpd/geopandas/datasets/naturalearth_lowres

Only dependency: ``pyshp`` (``import shapefile``). No geopandas / shapely.

Matching: rows are matched on ``iso_a3``; where that yields nothing (Natural
Earth uses ``-99`` for a few rows) the script falls back to Natural Earth's
``name`` using the alias table below.

Representative points: the lowres shapefile has no LABEL_X / LABEL_Y fields,
so for each polygon participant the script takes the largest polygon part
(the main landmass, by planar lon/lat area) and computes its pole of
inaccessibility (the "polylabel" algorithm: the interior point farthest from
the boundary), rounds it to 2 decimals and checks that the rounded point is
inside the written (3-decimal) polygon. Singapore and the EU get fixed points.
"""

from __future__ import annotations

import csv
import heapq
import json
import math
import sys
from pathlib import Path

import shapefile  # pyshp

OUT_DIR = Path(__file__).resolve().parent
GEOJSON_PATH = OUT_DIR / "participants.geojson"
POINTS_PATH = OUT_DIR / "points.csv"

COORD_DECIMALS = 3
POINT_DECIMALS = 2

# The 27 ARF participants, in the order used throughout the app.
PARTICIPANTS: list[tuple[str, str]] = [
    ("AUS", "Australia"),
    ("BGD", "Bangladesh"),
    ("BRN", "Brunei Darussalam"),
    ("KHM", "Cambodia"),
    ("CAN", "Canada"),
    ("CHN", "China"),
    ("EUU", "European Union"),
    ("IND", "India"),
    ("IDN", "Indonesia"),
    ("JPN", "Japan"),
    ("PRK", "DPR Korea"),
    ("KOR", "Republic of Korea"),
    ("LAO", "Lao PDR"),
    ("MYS", "Malaysia"),
    ("MNG", "Mongolia"),
    ("MMR", "Myanmar"),
    ("NZL", "New Zealand"),
    ("PAK", "Pakistan"),
    ("PNG", "Papua New Guinea"),
    ("PHL", "Philippines"),
    ("RUS", "Russian Federation"),
    ("SGP", "Singapore"),
    ("LKA", "Sri Lanka"),
    ("THA", "Thailand"),
    ("TLS", "Timor-Leste"),
    ("USA", "United States"),
    ("VNM", "Viet Nam"),
]

# Natural Earth "name" values, used only when iso_a3 does not match (e.g. -99).
NE_NAME_ALIASES: dict[str, str] = {
    "AUS": "Australia",
    "BGD": "Bangladesh",
    "BRN": "Brunei",
    "KHM": "Cambodia",
    "CAN": "Canada",
    "CHN": "China",
    "IND": "India",
    "IDN": "Indonesia",
    "JPN": "Japan",
    "PRK": "North Korea",
    "KOR": "South Korea",
    "LAO": "Laos",
    "MYS": "Malaysia",
    "MNG": "Mongolia",
    "MMR": "Myanmar",
    "NZL": "New Zealand",
    "PAK": "Pakistan",
    "PNG": "Papua New Guinea",
    "PHL": "Philippines",
    "RUS": "Russia",
    "SGP": "Singapore",
    "LKA": "Sri Lanka",
    "THA": "Thailand",
    "TLS": "Timor-Leste",
    "USA": "United States of America",
    "VNM": "Vietnam",
}

# Participants without a usable 1:110m polygon: fixed (lat, lon, basis).
FIXED_POINTS: dict[str, tuple[float, float, str]] = {
    "SGP": (1.35, 103.82, "capital (city-state; centre of Singapore island)"),
    "EUU": (50.85, 4.35, "seat of the EU institutions (Brussels)"),
}

LABEL_BASIS = (
    "label point inside the Natural Earth polygon, rounded "
    "(pole of inaccessibility of the largest part)"
)

Ring = list[tuple[float, float]]  # (lon, lat) pairs, closed
Polygon = list[Ring]  # exterior first, then holes


# --------------------------------------------------------------------------- geometry helpers
def signed_area(ring: Ring) -> float:
    """Shoelace area; > 0 for counter-clockwise rings (lon = x, lat = y)."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        s += x1 * y2 - x2 * y1
    return s / 2.0


def point_in_ring(x: float, y: float, ring: Ring) -> bool:
    """Even-odd ray casting test for one closed ring."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_polygon(x: float, y: float, polygon: Polygon) -> bool:
    """Inside the exterior ring and outside every hole."""
    if not point_in_ring(x, y, polygon[0]):
        return False
    return not any(point_in_ring(x, y, hole) for hole in polygon[1:])


def point_in_multipolygon(x: float, y: float, polygons: list[Polygon]) -> bool:
    return any(point_in_polygon(x, y, p) for p in polygons)


def _seg_dist_sq(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    x, y = a
    dx, dy = b[0] - x, b[1] - y
    if dx or dy:
        t = ((px - x) * dx + (py - y) * dy) / (dx * dx + dy * dy)
        if t > 1:
            x, y = b
        elif t > 0:
            x += dx * t
            y += dy * t
    dx, dy = px - x, py - y
    return dx * dx + dy * dy


def _signed_dist(x: float, y: float, polygon: Polygon) -> float:
    """Distance to the polygon boundary; positive inside, negative outside."""
    best = math.inf
    for ring in polygon:
        for a, b in zip(ring, ring[1:], strict=False):
            best = min(best, _seg_dist_sq(x, y, a, b))
    d = math.sqrt(best)
    return d if point_in_polygon(x, y, polygon) else -d


def polylabel(polygon: Polygon, precision: float = 0.01) -> tuple[float, float]:
    """Pole of inaccessibility (Mapbox polylabel algorithm), planar lon/lat.

    Returns (lon, lat) of an interior point far from the boundary.
    """
    xs = [p[0] for p in polygon[0]]
    ys = [p[1] for p in polygon[0]]
    min_x, min_y, max_x, max_y = min(xs), min(ys), max(xs), max(ys)
    width, height = max_x - min_x, max_y - min_y
    cell = min(width, height)
    if cell == 0:
        return min_x, min_y
    h = cell / 2
    counter = 0  # tie-breaker for heapq

    def make(cx: float, cy: float, ch: float) -> tuple[float, int, float, float, float, float]:
        nonlocal counter
        d = _signed_dist(cx, cy, polygon)
        counter += 1
        # (-max_possible, tiebreak, cx, cy, h, d)
        return (-(d + ch * math.sqrt(2)), counter, cx, cy, ch, d)

    heap: list[tuple[float, int, float, float, float, float]] = []
    x = min_x
    while x < max_x:
        y = min_y
        while y < max_y:
            heapq.heappush(heap, make(x + h, y + h, h))
            y += cell
        x += cell

    # Initial best guess: area centroid of the exterior ring, then bbox centre.
    ring = polygon[0]
    a = signed_area(ring)
    if a:
        sx = sy = 0.0
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            cross = x1 * y2 - x2 * y1
            sx += (x1 + x2) * cross
            sy += (y1 + y2) * cross
        best = make(sx / (6 * a), sy / (6 * a), 0)
    else:
        best = make(min_x + width / 2, min_y + height / 2, 0)
    bbox_best = make(min_x + width / 2, min_y + height / 2, 0)
    if bbox_best[5] > best[5]:
        best = bbox_best

    while heap:
        c = heapq.heappop(heap)
        _, _, cx, cy, ch, d = c
        if d > best[5]:
            best = c
        if -c[0] - best[5] <= precision:
            continue
        ch /= 2
        for ox, oy in ((-ch, -ch), (ch, -ch), (-ch, ch), (ch, ch)):
            heapq.heappush(heap, make(cx + ox, cy + oy, ch))
    return best[2], best[3]


# --------------------------------------------------------------------------- shapefile -> polygons
def shape_to_polygons(shape: shapefile.Shape) -> list[Polygon]:
    """Split a shapefile polygon shape into [exterior, *holes] polygons.

    Shapefile convention: exteriors are clockwise, holes counter-clockwise.
    Each hole is attached to the first exterior that contains its first vertex.
    """
    parts = list(shape.parts) + [len(shape.points)]
    rings: list[Ring] = [
        [(float(x), float(y)) for x, y in shape.points[parts[i] : parts[i + 1]]]
        for i in range(len(parts) - 1)
    ]
    exteriors: list[Polygon] = []
    holes: list[Ring] = []
    for r in rings:
        if signed_area(r) < 0:
            exteriors.append([r])
        else:
            holes.append(r)
    for hole in holes:
        hx, hy = hole[0]
        for poly in exteriors:
            if point_in_ring(hx, hy, poly[0]):
                poly.append(hole)
                break
    return exteriors


def round_ring(ring: Ring, exterior: bool) -> Ring | None:
    """Round to COORD_DECIMALS, drop consecutive duplicates, fix orientation.

    Returns None when the ring degenerates (< 4 positions or zero area).
    """
    out: Ring = []
    for x, y in ring:
        p = (round(x, COORD_DECIMALS), round(y, COORD_DECIMALS))
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4:
        return None
    a = signed_area(out)
    if a == 0:
        return None
    # RFC 7946: exterior counter-clockwise (a > 0), holes clockwise (a < 0).
    if (exterior and a < 0) or (not exterior and a > 0):
        out.reverse()
    return out


def round_polygons(polygons: list[Polygon]) -> list[Polygon]:
    result: list[Polygon] = []
    for poly in polygons:
        ext = round_ring(poly[0], exterior=True)
        if ext is None:
            continue
        new: Polygon = [ext]
        for hole in poly[1:]:
            rh = round_ring(hole, exterior=False)
            if rh is not None:
                new.append(rh)
        result.append(new)
    return result


def to_geometry(polygons: list[Polygon]) -> dict:
    coords = [[[list(p) for p in ring] for ring in poly] for poly in polygons]
    if len(coords) == 1:
        return {"type": "Polygon", "coordinates": coords[0]}
    return {"type": "MultiPolygon", "coordinates": coords}


# --------------------------------------------------------------------------- main
def load_natural_earth(folder: Path) -> list[tuple[dict, list[Polygon]]]:
    shp = next(folder.glob("*.shp"), None)
    if shp is None:
        raise SystemExit(f"no .shp file in {folder}")
    with shapefile.Reader(str(shp)) as reader:
        return [
            (sr.record.as_dict(), shape_to_polygons(sr.shape))
            for sr in reader.iterShapeRecords()
        ]


def match(rows: list[tuple[dict, list[Polygon]]], code: str) -> tuple[dict, list[Polygon]] | None:
    by_iso = [r for r in rows if str(r[0].get("iso_a3", "")).upper() == code]
    if len(by_iso) == 1:
        return by_iso[0]
    alias = NE_NAME_ALIASES.get(code)
    by_name = [r for r in rows if alias and r[0].get("name") == alias]
    if len(by_name) == 1:
        print(f"  {code}: matched on NE name {alias!r} (iso_a3 did not match)")
        return by_name[0]
    return None


def build(folder: Path) -> None:
    rows = load_natural_earth(folder)
    features = []
    points = []
    missing = []
    for code, name in PARTICIPANTS:
        if code in FIXED_POINTS:
            lat, lon, basis = FIXED_POINTS[code]
            points.append((code, lat, lon, basis))
            if code == "EUU":
                missing.append(code)
                continue
        hit = match(rows, code) if code in NE_NAME_ALIASES else None
        if hit is None:
            if code not in missing:
                missing.append(code)
            if code not in FIXED_POINTS:
                raise SystemExit(f"{code}: no polygon and no fixed point")
            continue
        polygons = round_polygons(hit[1])
        if not polygons:
            raise SystemExit(f"{code}: geometry vanished after rounding")
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name},
                "geometry": to_geometry(polygons),
            }
        )
        if code in FIXED_POINTS:
            continue
        main = max(polygons, key=lambda p: abs(signed_area(p[0])))
        lon, lat = polylabel(main)
        lat, lon = round(lat, POINT_DECIMALS), round(lon, POINT_DECIMALS)
        if not point_in_multipolygon(lon, lat, polygons):
            raise SystemExit(f"{code}: label point {lat},{lon} is not inside its polygon")
        points.append((code, lat, lon, LABEL_BASIS))

    # One feature per line: small, and diffs stay readable.
    body = ",\n".join(json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in features)
    GEOJSON_PATH.write_text(
        '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n", encoding="utf-8"
    )
    parsed = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))  # must round-trip
    if len(parsed["features"]) != len(features):
        raise SystemExit("GeoJSON round-trip lost features")

    with POINTS_PATH.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "lat", "lon", "basis"])
        for code, lat, lon, basis in points:
            w.writerow([code, f"{lat:.2f}", f"{lon:.2f}", basis])

    print(f"wrote {GEOJSON_PATH.name}: {len(features)} features, "
          f"{GEOJSON_PATH.stat().st_size} bytes")
    print(f"wrote {POINTS_PATH.name}: {len(points)} points")
    print(f"no polygon: {', '.join(missing) or 'none'}")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        print("usage: python build_geo.py <path/to/naturalearth_lowres folder>", file=sys.stderr)
        return 2
    build(Path(argv[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
