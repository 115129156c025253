"""Maps from the shipped geometry only: pydeck for the screen, Plotly for static export.

No base-map tiles are ever requested: pydeck runs with ``map_provider=None`` and Plotly with
``map_style="white-bg"``, so the maps work on a closed network.

The deck draws what depends on the data as vector polygons (status fills and points, both
pickable for the tooltip and the click; a point is a small disc drawn by the fills' own layer
type) and everything else (borders and leader lines, label boxes and codes, the points'
outlines, the SAMPLE DATA mark) as pre-rendered images in one BitmapLayer type: without a GPU
every deck.gl layer type compiles its shaders in software each time a map is mounted, and a
PathLayer of borders, a TextLayer (font atlas, background boxes) and a LineLayer cost about
1 s of a page change here, a ScatterplotLayer for the points about 0.3 s.
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
from PIL import Image, ImageDraw, ImageFont
from pydeck.bindings.json_tools import default_serialize

from dashboard.charts.common import (
    FONT,
    NO_DATA_COLOR,
    STATUS_COLORS,
    TICK_SIZE,
    ChartMeta,
    esc,
    layout,
)
from dashboard.core.config import get_settings
from dashboard.core.models import NO_DATA, STATUS_LABELS

POLYGON_LAYER = "participants-polygons"
POINT_LAYER = "participants-points"
# Pacific-centred frame: from the EU point (Brussels, 4°E) to North America's east coast
# (67°W, drawn at 293°E) and from New Zealand (47°S) to the Arctic coasts. deck.gl does not wrap
# geometry across the antimeridian, so longitudes west of WRAP_WEST are drawn 360° further east.
WRAP_WEST = -30.0
FRAME = {"west": 0.0, "east": 296.0, "south": -52.0, "north": 74.0}
ASSUMED_ASPECT = 1.6  # width / height of the chart area (the deck's width is not known here)
FILL = 0.9  # share of the chart the frame fills, leaving room for labels at the edges
SAMPLE_MARK_AT = {"lon": 240.0, "lat": -40.0}  # open Pacific, well east of New Zealand


@lru_cache(maxsize=2)
def _geometry(path: str) -> dict[str, Any]:
    with Path(path).open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _geometry_path() -> str:
    return str(get_settings().data_dir / "geo" / "participants.geojson")


def geometry() -> dict[str, Any]:
    """The participants' Natural Earth polygons (a GeoJSON FeatureCollection, read once)."""
    return _geometry(_geometry_path())


def _rgb(hex_color: str) -> list[int]:
    h = hex_color.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)]


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A Deck whose JSON has no indentation: pydeck indents by 2, which makes the spec that
    Streamlit sends on every rerun about five times larger (414 kB instead of 87 kB)."""

    def to_json(self) -> str:
        """The deck's JSON, compact, with pydeck's own serialiser for its objects."""
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def status_rgb(status: float | None) -> list[int]:
    """Fill colour of a status (grey for no data)."""
    if status is None or pd.isna(status):
        return _rgb(NO_DATA_COLOR)
    return _rgb(STATUS_COLORS[int(status)])


@lru_cache(maxsize=8)
def _status_rgb(status: int | None) -> tuple[int, ...]:
    return tuple(status_rgb(status))


def _east(lon: float) -> float:
    """A longitude in the Pacific-centred frame (the Americas east of the antimeridian)."""
    return lon + 360.0 if lon < WRAP_WEST else lon


def _shift_coords(coords: Any) -> Any:
    if coords and isinstance(coords[0], int | float):
        return [_east(float(coords[0])), *coords[1:]]
    return [_shift_coords(c) for c in coords]


FILL_DECIMALS = 2  # the fills' coordinates on screen: 0.01° is 0.05 px at the initial zoom


def _screen_ring(ring: list[list[float]]) -> tuple[tuple[float, float], ...]:
    """A ring shifted east, rounded to FILL_DECIMALS, without the repeats that makes."""
    out: list[tuple[float, float]] = []
    for lon, lat, *_ in ring:
        xy = (round(_east(float(lon)), FILL_DECIMALS), round(float(lat), FILL_DECIMALS))
        if not out or xy != out[-1]:
            out.append(xy)
    if len(out) < 4:  # an islet of under a kilometre: keep it as shipped
        return tuple((_east(float(lon)), float(lat)) for lon, lat, *_ in ring)
    return tuple(out)


@lru_cache(maxsize=2)
def _shifted_geometry(path: str) -> dict[str, dict[str, Any]]:
    """Code -> its polygon geometry as the deck draws it (Pacific-centred, rounded for the
    screen), in the file's order, computed once: every deck shares these (tuples, so no deck
    can change them; tuples of numbers are also left alone by the garbage collector that
    Streamlit runs after every script run). The exported map keeps the shipped geometry."""
    out = {}
    for f in _geometry(path)["features"]:
        kind, coords = f["geometry"]["type"], f["geometry"]["coordinates"]
        polygons = coords if kind == "MultiPolygon" else [coords]
        shifted = tuple(tuple(_screen_ring(ring) for ring in polygon) for polygon in polygons)
        out[str(f["properties"]["code"])] = {
            "type": kind,
            "coordinates": shifted if kind == "MultiPolygon" else shifted[0],
        }
    return out


def view_for(height: int, width: int | None = None) -> dict[str, float]:
    """Centre and zoom that fit FRAME into a chart `height` px tall (~ASSUMED_ASPECT wide)."""
    height = int(height * FILL)
    width = int((width or ASSUMED_ASPECT * height / FILL) * FILL)
    lon_zoom = math.log2(width * 360.0 / ((FRAME["east"] - FRAME["west"]) * 512.0))

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span = (merc(FRAME["north"]) - merc(FRAME["south"])) / (2 * math.pi)
    lat_zoom = math.log2(height / (span * 512.0))
    mid = (merc(FRAME["north"]) + merc(FRAME["south"])) / 2
    return {
        "latitude": round(math.degrees(2 * math.atan(math.exp(mid)) - math.pi / 2), 2),
        "longitude": (FRAME["west"] + FRAME["east"]) / 2,
        "zoom": round(min(lon_zoom, lat_zoom), 2),
    }


LABEL_FONT_PX = 14
CHAR_PX = 0.62 * LABEL_FONT_PX  # a code's width per character (a monospace or sans label)
LEADER_FROM_PX = 30  # labels moved further than this from their point get a leader line


def _merc_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _to_px(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    world = 512.0 * 2**zoom
    return lon / 360.0 * world, (1 - _merc_y(lat) / math.pi) / 2 * world


def _to_geo(x: float, y: float, zoom: float) -> tuple[float, float]:
    world = 512.0 * 2**zoom
    lat = math.degrees(2 * math.atan(math.exp((1 - 2 * y / world) * math.pi)) - math.pi / 2)
    return lat, x / world * 360.0


@lru_cache(maxsize=16)
def _candidates(w: float, h: float) -> tuple[tuple[float, float], ...]:
    """Offsets of a w x h label from its point, in the order tried: nearest first."""
    near = [(0.0, -(h / 2 + 9)), (0.0, h / 2 + 9), (w / 2 + 11, 0.0), (-(w / 2 + 11), 0.0)]
    far = [
        (r * math.cos(math.radians(a)), r * math.sin(math.radians(a)))
        for r in (34, 48, 64, 82, 104, 130, 160)
        for a in range(0, 360, 20)
    ]
    return (*near, *far)


def label_layout(points: pd.DataFrame, *, zoom: float) -> pd.DataFrame:
    """Where each participant's code goes so that no two labels overlap, nor a label a point.

    ``points``: code, lat, lon (in the Pacific-centred frame). Labels go just above their point
    when there is room, else to the nearest free place around it (up to 160 px away, over the
    sea in crowded Southeast Asia), with ``leader`` set when a line should join them. Returns
    code, label_lat, label_lon, leader, and the label box in pixels (x, y, w, h) at ``zoom``.
    """
    pts = points[["code", "lat", "lon"]].dropna().reset_index(drop=True)
    codes = [str(c) for c in pts["code"]]
    xy = [
        _to_px(float(lat), float(lon), zoom)
        for lat, lon in zip(pts["lat"], pts["lon"], strict=True)
    ]
    at = np.array(xy, dtype=float).reshape(-1, 2)
    crowd = (
        (np.abs(at[:, None, 0] - at[None, :, 0]) < 70)
        & (np.abs(at[:, None, 1] - at[None, :, 1]) < 40)
    ).sum(axis=1)
    # Boxes no label may overlap (x0, y0, x1, y1): every point's, then each label placed.
    taken = np.empty((2 * len(xy), 4))
    taken[: len(xy)] = np.column_stack([at - 8, at + 8])
    n_taken = len(xy)

    out: dict[int, dict[str, Any]] = {}
    for i in sorted(range(len(pts)), key=lambda i: (-int(crowd[i]), codes[i])):
        code = codes[i]
        w, h = len(code) * CHAR_PX + 8, LABEL_FONT_PX + 6
        x0, y0 = xy[i]
        offsets = np.array(_candidates(w, h))
        cx, cy = x0 + offsets[:, 0], y0 + offsets[:, 1]
        boxes = np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        reach = 170 + w  # every candidate lies within this of the point
        t = taken[:n_taken]
        t = t[
            (t[:, 2] > x0 - reach)
            & (t[:, 0] < x0 + reach)
            & (t[:, 3] > y0 - reach)
            & (t[:, 1] < y0 + reach)
        ]
        overlaps = (  # touching is not overlapping
            (boxes[:, None, 2] > t[None, :, 0])
            & (boxes[:, None, 0] < t[None, :, 2])
            & (boxes[:, None, 3] > t[None, :, 1])
            & (boxes[:, None, 1] < t[None, :, 3])
        ).any(axis=1)
        free = np.flatnonzero(~overlaps)
        if len(free):  # the first free candidate: the nearest place in the order tried
            k = int(free[0])
            dx, dy = float(offsets[k, 0]), float(offsets[k, 1])
            box = tuple(float(v) for v in boxes[k])
        else:  # nowhere free: above, overlapping (never happens for the ARF)
            dx, dy = 0.0, -(h / 2 + 9)
            box = (x0 - w / 2, y0 + dy - h / 2, x0 + w / 2, y0 + dy + h / 2)
        taken[n_taken] = box
        n_taken += 1
        lat, lon = _to_geo(x0 + dx, y0 + dy, zoom)
        out[i] = {
            "code": code,
            "label_lat": lat,
            "label_lon": lon,
            "leader": math.hypot(dx, dy) >= LEADER_FROM_PX,
            "x": box[0],
            "y": box[1],
            "w": w,
            "h": h,
        }
    return pd.DataFrame([out[i] for i in range(len(pts))])


OVERLAY_SCALE = 2  # image pixels per screen pixel at the initial zoom: sharp on dense screens
BORDER_RGBA = (60, 60, 60, 200)
LEADER_RGBA = (60, 60, 60, 220)
LABEL_RGBA = (17, 17, 17, 255)
LABEL_BOX_RGBA = (255, 255, 255, 215)
SAMPLE_RGBA = (176, 0, 0, 220)
POINT_RING_RGBA = (20, 20, 20, 255)
# A point is a polygon, drawn by the fills' shader: no ScatterplotLayer to compile each time a
# map is mounted (about 0.3 s of a page change without a GPU). Like the images it scales with
# the zoom, so the picture keeps its proportions. Its outline is a ring in the labels image,
# drawn over every point: where points overlap, each one's outline still shows.
POINT_RADIUS_PX = 7.5  # circumradius at the deck's initial zoom (inradius 7.24 px): all of it
POINT_SIDES = 12  # picks, within 0.26 px of a circle; the ring covers its edge:
POINT_RING_PX = (6.25, 7.75)  # inner and outer radius of the outline (the colour shows inside)
LINES_LAYER = "participants-leaders"  # image: borders and leader lines
LABELS_LAYER = "participants-labels"  # image: every participant's code in its box
SAMPLE_LAYER = "sample-mark"  # image: SAMPLE DATA, on sample data only


@dataclass(frozen=True)
class Overlay:
    """One pre-rendered layer of the deck: a PNG in Web Mercator and where it goes."""

    png: bytes
    bounds: tuple[float, float, float, float]  # west, south, east, north (Pacific-centred)
    origin: tuple[float, float]  # world pixel (at the deck's initial zoom) of its top-left
    zoom: float

    def data_url(self) -> str:
        """The PNG as a data: URL (deck.gl reads it without any request)."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def layer(self, layer_id: str) -> pdk.Layer:
        """A BitmapLayer of this image (one shader for every overlay, compiled once)."""
        return pdk.Layer(
            "BitmapLayer",
            id=layer_id,
            image=pdk.types.String(self.data_url()),
            bounds=list(self.bounds),
            pickable=False,
        )


@dataclass(frozen=True)
class Overlays:
    """What the deck draws as images: label placement, lines, labels, the SAMPLE DATA mark."""

    placed: pd.DataFrame  # label_layout of every participant at the deck's initial zoom
    lines: Overlay
    labels: Overlay  # with the outline of every point
    mark: Overlay | None
    discs: dict[str, tuple[tuple[float, float], ...]]  # code -> its point's polygon (lon, lat)


Draw = Callable[[ImageDraw.ImageDraw, Callable[[float, float], tuple[float, float]]], None]


def _render(*, zoom: float, xs: list[float], ys: list[float], draw: Draw) -> Overlay:
    """An image covering world pixels xs x ys (at zoom), drawn by ``draw(canvas, px)``."""
    x0, y0 = math.floor(min(xs)) - 2, math.floor(min(ys)) - 2
    size = (
        math.ceil((max(xs) + 2 - x0) * OVERLAY_SCALE),
        math.ceil((max(ys) + 2 - y0) * OVERLAY_SCALE),
    )
    image = Image.new("RGBA", size, (0, 0, 0, 0))

    def px(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * OVERLAY_SCALE, (y - y0) * OVERLAY_SCALE

    draw(ImageDraw.Draw(image, "RGBA"), px)
    buf = io.BytesIO()  # a palette of 32 colours with alpha: less than half the RGBA bytes;
    # zlib level 6: 15 % more bytes than optimize=True in an eighth of its 70 ms
    image.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(
        buf, format="PNG", compress_level=6
    )
    north, west = _to_geo(x0, y0, zoom)
    south, east = _to_geo(x0 + size[0] / OVERLAY_SCALE, y0 + size[1] / OVERLAY_SCALE, zoom)
    return Overlay(
        png=buf.getvalue(), bounds=(west, south, east, north), origin=(x0, y0), zoom=zoom
    )


def _rings(geometry_: dict[str, Any]) -> list[list[list[float]]]:
    coords = _shift_coords(geometry_["coordinates"])
    polygons = coords if geometry_["type"] == "MultiPolygon" else [coords]
    return [ring for polygon in polygons for ring in polygon]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)  # Pillow's bundled font: no system font needed


@lru_cache(maxsize=16)
def _overlays(
    points: tuple[tuple[str, float, float], ...],
    codes_with_polygon: tuple[str, ...],
    height: int,
    synthetic: bool,
) -> Overlays:
    zoom = view_for(height)["zoom"]
    frame = pd.DataFrame(list(points), columns=["code", "lat", "lon"])
    placed = label_layout(frame, zoom=zoom)
    wanted = set(codes_with_polygon)
    rings = [
        [_to_px(lat, lon, zoom) for lon, lat, *_ in ring]
        for feature in geometry()["features"]
        if feature["properties"]["code"] in wanted
        for ring in _rings(feature["geometry"])
    ]
    at = {code: (lat, lon) for code, lat, lon in points}
    leaders = [
        (_to_px(*at[r.code], zoom), (r.x + r.w / 2, r.y + r.h / 2))
        for r in placed[placed["leader"]].itertuples()
    ]

    def draw_lines(canvas: ImageDraw.ImageDraw, px: Callable[..., tuple[float, float]]) -> None:
        for ring in rings:
            canvas.line([px(*xy) for xy in [*ring, ring[0]]], fill=BORDER_RGBA, width=OVERLAY_SCALE)
        for start, end in leaders:
            canvas.line([px(*start), px(*end)], fill=LEADER_RGBA, width=round(1.2 * OVERLAY_SCALE))

    font = _font(LABEL_FONT_PX * OVERLAY_SCALE)

    centres = [_to_px(lat, lon, zoom) for _, lat, lon in points]
    inner, outer = POINT_RING_PX

    def draw_labels(canvas: ImageDraw.ImageDraw, px: Callable[..., tuple[float, float]]) -> None:
        for x, y in centres:
            canvas.ellipse(
                (*px(x - outer, y - outer), *px(x + outer, y + outer)),
                outline=POINT_RING_RGBA,
                width=round((outer - inner) * OVERLAY_SCALE),
            )
        for r in placed.itertuples():
            canvas.rectangle((*px(r.x, r.y), *px(r.x + r.w, r.y + r.h)), fill=LABEL_BOX_RGBA)
            centre = px(r.x + r.w / 2, r.y + r.h / 2)
            canvas.text(centre, str(r.code), font=font, fill=LABEL_RGBA, anchor="mm")

    line_xs = [x for ring in rings for x, _ in ring] + [x for pair in leaders for x, _ in pair]
    line_ys = [y for ring in rings for _, y in ring] + [y for pair in leaders for _, y in pair]
    lines = _render(zoom=zoom, xs=line_xs, ys=line_ys, draw=draw_lines)
    labels = _render(
        zoom=zoom,
        xs=[*placed["x"], *(placed["x"] + placed["w"])]
        + [x + d for x, _ in centres for d in (-outer, outer)],
        ys=[*placed["y"], *(placed["y"] + placed["h"])]
        + [y + d for _, y in centres for d in (-outer, outer)],
        draw=draw_labels,
    )
    mark = _sample_mark(zoom=zoom, size=28 if height >= 500 else 20) if synthetic else None
    discs = {code: _disc(lat, lon, zoom=zoom) for code, lat, lon in points}
    return Overlays(placed=placed, lines=lines, labels=labels, mark=mark, discs=discs)


def _disc(lat: float, lon: float, *, zoom: float) -> tuple[tuple[float, float], ...]:
    """A point's polygon: a regular POINT_SIDES-gon of POINT_RADIUS_PX at ``zoom`` (lon, lat)."""
    x, y = _to_px(lat, lon, zoom)
    out = []
    for k in range(POINT_SIDES):
        a = 2 * math.pi * k / POINT_SIDES
        vlat, vlon = _to_geo(
            x + POINT_RADIUS_PX * math.cos(a), y + POINT_RADIUS_PX * math.sin(a), zoom
        )
        out.append((round(vlon, FILL_DECIMALS), round(vlat, FILL_DECIMALS)))
    return tuple(out)


def _sample_mark(*, zoom: float, size: int) -> Overlay:
    font = _font(size * OVERLAY_SCALE)
    cx, cy = _to_px(SAMPLE_MARK_AT["lat"], SAMPLE_MARK_AT["lon"], zoom)
    half_w, half_h = font.getlength("SAMPLE DATA") / OVERLAY_SCALE / 2 + 10, size / 2 + 8

    def draw(canvas: ImageDraw.ImageDraw, px: Callable[..., tuple[float, float]]) -> None:
        canvas.rectangle(
            (*px(cx - half_w, cy - half_h), *px(cx + half_w, cy + half_h)),
            fill=(255, 255, 255, 235),
            outline=(176, 0, 0, 255),
            width=2 * OVERLAY_SCALE,
        )
        canvas.text(px(cx, cy), "SAMPLE DATA", font=font, fill=SAMPLE_RGBA, anchor="mm")

    return _render(
        zoom=zoom, xs=[cx - half_w, cx + half_w], ys=[cy - half_h, cy + half_h], draw=draw
    )


def overlays(*, values: pd.DataFrame, synthetic: bool, height: int) -> Overlays:
    """Borders, every participant's code (placed by label_layout, leader lines where it moved)
    and the SAMPLE DATA mark as images, drawn once per set of participants and height."""
    pts = values.dropna(subset=["lat", "lon"])
    points = tuple(
        (str(c), float(lat), _east(float(lon)))
        for c, lat, lon in zip(pts["code"], pts["lat"], pts["lon"], strict=True)
    )
    return _overlays(points, tuple(sorted(map(str, values["code"]))), height, synthetic)


def deck(*, values: pd.DataFrame, synthetic: bool, height: int = 560) -> pdk.Deck:
    """A choropleth of status with a pickable point for every participant (SGP, EU included).

    ``values``: map_values output (code, name, lat, lon, status, status_label, value, date,
    source, selected). Tooltip fields are plain data; Streamlit's deck.gl escapes them. Layers:
    status fills, an image of borders and leaders, points, an image of labels, SAMPLE DATA.
    """
    codes = values["code"].astype(str).tolist()
    tips = _tooltip_records(codes, values)
    status = [None if pd.isna(s) else int(s) for s in values["status"]]
    selected = [bool(x) for x in values["selected"]]
    shapes = _shifted_geometry(_geometry_path())
    row = {code: i for i, code in enumerate(codes)}
    features = [
        {
            "type": "Feature",
            "geometry": shape,  # shared by every deck (nested tuples: never mutated)
            "properties": {
                **tips[i],
                "fill": [*_status_rgb(status[i]), 235 if selected[i] else 70],
            },
        }
        for code, shape in shapes.items()
        if (i := row.get(code)) is not None
    ]
    over = overlays(values=values, synthetic=synthetic, height=height)
    points = [
        {"polygon": disc, "fill": [*_status_rgb(s), 255 if sel else 90], **tip}
        for code, tip, s, sel in zip(codes, tips, status, selected, strict=True)
        if (disc := over.discs.get(code)) is not None
    ]
    layers = [
        pdk.Layer(  # fills only: a stroked GeoJsonLayer adds a PathLayer (~0.9 s per mount)
            "GeoJsonLayer",
            id=POLYGON_LAYER,
            data={"type": "FeatureCollection", "features": features},
            get_fill_color="properties.fill",
            stroked=False,
            filled=True,
            pickable=True,
            auto_highlight=True,
        ),
        over.lines.layer(LINES_LAYER),
        pdk.Layer(  # the fills' own polygon layer type: no other shader to compile
            "SolidPolygonLayer",
            id=POINT_LAYER,
            data=points,
            get_polygon="polygon",
            get_fill_color="fill",
            filled=True,
            extruded=False,
            pickable=True,
            auto_highlight=True,
        ),
        over.labels.layer(LABELS_LAYER),
    ]
    if over.mark is not None:
        layers.append(over.mark.layer(SAMPLE_LAYER))
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**view_for(height)),
        map_provider=None,
        tooltip={
            "html": "<b>{name}</b> ({code})<br/>Status: {status_label}<br/>Value: {value}"
            "<br/>Date: {date}<br/>Source: {source}",
            "style": {"fontSize": "15px", "maxWidth": "360px"},
        },
        height=height,
    )


def _tooltip_records(codes: list[str], values: pd.DataFrame) -> list[dict[str, str]]:
    """Per row of ``values``: the fields the tooltip shows, as plain text ("—" for empty)."""

    def texts(column: str, *, limit: int | None = None) -> list[str]:
        out = [str(v) or "—" for v in values[column]]
        return out if limit is None else [t[:limit] for t in out]

    return [
        {"code": c, "name": n, "status_label": sl, "value": v, "date": d, "source": src}
        for c, n, sl, v, d, src in zip(
            codes,
            [str(v) for v in values["name"]],
            [str(v) for v in values["status_label"]],
            texts("value"),
            texts("date"),
            texts("source", limit=200),
            strict=True,
        )
    ]


def picked_code(selection: Any) -> str | None:
    """The participant code clicked on the deck, from Streamlit's selection state."""
    try:
        objects = selection["selection"]["objects"]
    except (KeyError, TypeError):
        return None
    for layer in (POINT_LAYER, POLYGON_LAYER):
        for obj in objects.get(layer, []) or []:
            code = obj.get("code") or (obj.get("properties") or {}).get("code")
            if code:
                return str(code)
    return None


def static_map(
    *, values: pd.DataFrame, meta: ChartMeta, plot: tuple[int, int] = (1380, 760)
) -> go.Figure:
    """The same map as a Plotly figure for PNG/SVG export (white background, no tiles);
    ``plot`` is the (width, height) in CSS px the frame is fitted into and labels laid out for
    (the default: a 1600 x 900 px image; a briefing pack gives its page's)."""
    fig = go.Figure()
    frame = values.assign(z=values["status"].fillna(-1))
    scale: list[list[object]] = [[0.0, NO_DATA_COLOR], [1 / 6, NO_DATA_COLOR]]
    for s in range(5):
        scale += [[(s + 1) / 6, STATUS_COLORS[s]], [(s + 2) / 6, STATUS_COLORS[s]]]
    fig.add_trace(
        go.Choroplethmap(
            geojson=geometry(),
            locations=frame["code"],
            z=frame["z"],
            featureidkey="properties.code",
            zmin=-1.5,
            zmax=4.5,
            colorscale=scale,
            marker={"line": {"width": 0.6, "color": "#444"}},
            text=frame["name"].map(esc) + ": " + frame["status_label"],
            hoverinfo="text",
            colorbar={
                "title": {"text": "Status", "font": {**FONT, "size": TICK_SIZE}},
                "tickfont": {**FONT, "size": TICK_SIZE},
                "tickvals": [-1, 0, 1, 2, 3, 4],
                "ticktext": [NO_DATA] + [STATUS_LABELS[i] for i in range(5)],
                "outlinewidth": 0,
            },
        )
    )
    pts = frame.dropna(subset=["lat", "lon"])
    view = view_for(plot[1], plot[0])
    shifted = pts.assign(lon=pts["lon"].astype(float).map(_east))
    placed = label_layout(shifted[["code", "lat", "lon"]], zoom=view["zoom"]).merge(
        shifted[["code", "lat", "lon"]], on="code"
    )
    lead = placed[placed["leader"]]
    line_lat: list[float | None] = []
    line_lon: list[float | None] = []
    for r in lead.itertuples():
        line_lat += [float(r.lat), float(r.label_lat), None]
        line_lon += [float(r.lon), float(r.label_lon), None]
    fig.add_trace(
        go.Scattermap(
            lat=line_lat,
            lon=line_lon,
            mode="lines",
            line={"width": 1.2, "color": "#3c3c3c"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(  # a dark ring under each point: a grey point on grey land stays visible
        go.Scattermap(
            lat=pts["lat"],
            lon=shifted["lon"],
            mode="markers",
            marker={"size": 15, "color": "#1a1a1a"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scattermap(
            lat=pts["lat"],
            lon=shifted["lon"],
            mode="markers",
            marker={
                "size": 11,
                "color": [
                    NO_DATA_COLOR if pd.isna(s) else STATUS_COLORS[int(s)] for s in pts["status"]
                ],
            },
            hovertext=pts["name"].map(esc) + ": " + pts["status_label"],
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scattermap(
            lat=placed["label_lat"],
            lon=placed["label_lon"],
            mode="text",
            text=placed["code"],
            textposition="middle center",
            textfont={"size": LABEL_FONT_PX, "color": "#111111"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_layout(
        map={
            "style": "white-bg",
            "center": {"lat": view["latitude"], "lon": view["longitude"]},
            "zoom": view["zoom"],
        },
    )
    return layout(fig, meta, height=900)
