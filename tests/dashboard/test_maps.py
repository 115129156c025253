"""Every participant is identifiable on the map: labels that avoid each other and every point,
with leader lines where they had to move, on screen (pydeck) and in the exported map (Plotly)."""

from __future__ import annotations

import io
import itertools
import json
import math

import pytest
from PIL import Image
from sqlalchemy.engine import Engine

from dashboard import maps
from dashboard.charts import ChartMeta
from dashboard.filters import Filters
from dashboard.views import map as map_view
from dashboard.views.dataset import load_dataset


@pytest.fixture
def values(ref_engine: Engine):  # type: ignore[no-untyped-def]
    ds = load_dataset(engine=ref_engine, include_sample=False)
    return map_view.map_values(ds=ds, filters=Filters(), layer="R1", year=2026)


def _overlap(a: object, b: object) -> bool:
    return not (
        a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize(
    "zoom",
    [maps.view_for(560)["zoom"], maps.view_for(760, 1380)["zoom"], maps.view_for(380)["zoom"]],
)
def test_no_label_overlaps_another_or_a_point(values, zoom: float) -> None:  # type: ignore[no-untyped-def]
    pts = values.dropna(subset=["lat", "lon"]).assign(
        lon=lambda f: f["lon"].astype(float).map(maps._east)
    )
    placed = maps.label_layout(pts[["code", "lat", "lon"]], zoom=zoom)
    assert sorted(placed["code"]) == sorted(values["code"])  # all 27, the EU and Singapore too
    assert len(placed) == 27
    for a, b in itertools.combinations(placed.itertuples(), 2):
        assert not _overlap(a, b), (a.code, b.code)
    for label in placed.itertuples():
        for p in pts.itertuples():
            x, y = maps._to_px(float(p.lat), float(p.lon), zoom)
            point = type("Box", (), {"x": x - 8, "y": y - 8, "w": 16, "h": 16})()
            assert not _overlap(label, point), (label.code, p.code)
    assert placed["leader"].any()  # Southeast Asia needs them at these sizes


def _box_pixels(over: maps.Overlay, box: tuple[float, float, float, float]) -> list[tuple]:  # type: ignore[type-arg]
    """The overlay's RGBA pixels inside a box given in world pixels (x, y, w, h) at its zoom."""
    image = Image.open(io.BytesIO(over.png)).convert("RGBA")
    (ox, oy), s = over.origin, maps.OVERLAY_SCALE
    x, y, w, h = (box[0] - ox) * s, (box[1] - oy) * s, box[2] * s, box[3] * s
    raw = image.crop((round(x), round(y), round(x + w), round(y + h))).tobytes()
    return [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]


def test_the_screen_and_the_exported_map_label_every_participant(values) -> None:  # type: ignore[no-untyped-def]
    spec = json.loads(maps.deck(values=values, synthetic=False).to_json())
    by_id = {layer["id"]: layer for layer in spec["layers"]}
    over = maps.overlays(values=values, synthetic=False, height=560)
    assert maps.SAMPLE_LAYER not in by_id
    for layer_id, image in ((maps.LABELS_LAYER, over.labels), (maps.LINES_LAYER, over.lines)):
        url = by_id[layer_id]["image"]
        assert url == image.data_url() and url.startswith("data:image/png;base64,")  # no fetch
    assert sorted(over.placed["code"]) == sorted(values["code"])
    assert over.placed["leader"].any()
    for label in over.placed.itertuples():  # a light box with dark text in it, for every code
        pixels = _box_pixels(over.labels, (label.x, label.y, label.w, label.h))
        assert sum(1 for p in pixels if p[3] >= 200 and min(p[:3]) >= 230) > len(pixels) / 3
        assert any(p[3] >= 200 and max(p[:3]) <= 90 for p in pixels), label.code
    fig = maps.static_map(values=values, meta=ChartMeta(title="Map"))
    texts = [list(t.text) for t in fig.data if getattr(t, "mode", None) == "text"]
    assert len(texts) == 1 and sorted(texts[0]) == sorted(values["code"])


@pytest.mark.parametrize("height", [560, 380])
def test_the_sample_mark_is_drawn_only_on_sample_data(values, height: int) -> None:  # type: ignore[no-untyped-def]
    marked = maps.overlays(values=values, synthetic=True, height=height).mark
    assert marked is not None
    x, y = maps._to_px(maps.SAMPLE_MARK_AT["lat"], maps.SAMPLE_MARK_AT["lon"], marked.zoom)
    pixels = _box_pixels(marked, (x - 60, y - 12, 120, 24))
    assert sum(1 for p in pixels if p[3] >= 200 and p[0] >= 150 and max(p[1:3]) <= 60) > 50
    assert maps.overlays(values=values, synthetic=False, height=height).mark is None
    spec = json.loads(maps.deck(values=values, synthetic=True, height=height).to_json())
    assert spec["layers"][-1]["id"] == maps.SAMPLE_LAYER  # drawn last, over everything


def test_the_deck_keeps_status_fills_and_points_pickable(values) -> None:  # type: ignore[no-untyped-def]
    spec = json.loads(maps.deck(values=values, synthetic=False).to_json())
    by_id = {layer["id"]: layer for layer in spec["layers"]}
    polygons, points = by_id[maps.POLYGON_LAYER], by_id[maps.POINT_LAYER]
    assert polygons["pickable"] and points["pickable"]
    assert not any(by_id[i].get("pickable") for i in (maps.LINES_LAYER, maps.LABELS_LAYER))
    codes = {f["properties"]["code"] for f in polygons["data"]["features"]}
    assert codes <= set(values["code"]) and len(codes) >= 20  # SGP and the EU have no polygon
    assert sorted(p["code"] for p in points["data"]) == sorted(values["code"])
    assert all(p["status_label"] for p in points["data"])  # the tooltip names the status


def test_every_deck_draws_the_shipped_polygons_in_the_pacific_frame(values) -> None:  # type: ignore[no-untyped-def]
    first = json.loads(maps.deck(values=values, synthetic=False).to_json())
    # Another deck from other values in between must not change what the first one drew: the
    # shifted geometry is computed once and shared by every deck.
    other = values.assign(status=None, selected=False, value="", source="")
    json.loads(maps.deck(values=other, synthetic=True, height=380).to_json())
    again = json.loads(maps.deck(values=values, synthetic=False).to_json())
    assert again == first
    shipped = {f["properties"]["code"]: f["geometry"] for f in maps.geometry()["features"]}
    polygons = next(x for x in first["layers"] if x["id"] == maps.POLYGON_LAYER)
    drawn = {f["properties"]["code"]: f["geometry"] for f in polygons["data"]["features"]}
    assert set(drawn) == set(shipped) & set(values["code"])
    half = 0.5 * 10**-maps.FILL_DECIMALS + 1e-9
    for code, geometry in drawn.items():
        assert geometry["type"] == shipped[code]["type"]
        want = maps._shift_coords(shipped[code]["coordinates"])
        if geometry["type"] == "Polygon":
            geometry["coordinates"], want = [geometry["coordinates"]], [want]
        assert len(geometry["coordinates"]) == len(want)  # every part and hole is drawn
        for got_polygon, want_polygon in zip(geometry["coordinates"], want, strict=True):
            assert len(got_polygon) == len(want_polygon)
            for got_ring, want_ring in zip(got_polygon, want_polygon, strict=True):
                # rounded for the screen (repeats dropped): each corner within half a step of
                # a shipped one, in order, and the ring still closed
                assert got_ring[0] == got_ring[-1] and len(got_ring) >= 4
                at = 0
                for lon, lat in got_ring:
                    while not (
                        abs(want_ring[at][0] - lon) <= half and abs(want_ring[at][1] - lat) <= half
                    ):
                        at += 1  # IndexError: a corner that is not the shipped geometry's
    lons = [lon for lon, _ in drawn["USA"]["coordinates"][0][0]]
    assert min(lons) > maps.WRAP_WEST  # the Americas east of the antimeridian, not split
    tips = {f["properties"]["code"]: f["properties"] for f in polygons["data"]["features"]}
    points = next(x for x in first["layers"] if x["id"] == maps.POINT_LAYER)["data"]
    for p in points:  # a point and its polygon show the same tooltip
        if p["code"] in tips:
            assert {k: p[k] for k in tips[p["code"]] if k != "fill"} == {
                k: v for k, v in tips[p["code"]].items() if k != "fill"
            }


def test_empty_tooltip_fields_read_as_a_dash(values) -> None:  # type: ignore[no-untyped-def]
    blank = values.assign(value="", date="", source="")
    spec = json.loads(maps.deck(values=blank, synthetic=False).to_json())
    points = next(x for x in spec["layers"] if x["id"] == maps.POINT_LAYER)["data"]
    assert {(p["value"], p["date"], p["source"]) for p in points} == {("—", "—", "—")}
    long = values.assign(source="x" * 500)
    spec = json.loads(maps.deck(values=long, synthetic=False).to_json())
    points = next(x for x in spec["layers"] if x["id"] == maps.POINT_LAYER)["data"]
    assert {len(p["source"]) for p in points} == {200}


@pytest.mark.parametrize("height", [560, 380])
def test_points_are_outlined_discs_drawn_by_the_fills_layer_type(values, height: int) -> None:  # type: ignore[no-untyped-def]
    """Without a GPU every layer type compiles its shaders on each mount: the deck has two
    (polygons for fills and points, bitmaps for the images). A point is a disc of
    POINT_RADIUS_PX at the initial zoom, centred on its participant, outlined in the image of
    labels drawn over it (so overlapping points each keep their outline)."""
    spec = json.loads(maps.deck(values=values, synthetic=True, height=height).to_json())
    types = {layer["@@type"] for layer in spec["layers"]}
    assert types == {"GeoJsonLayer", "SolidPolygonLayer", "BitmapLayer"}  # no ScatterplotLayer
    by_id = {layer["id"]: layer for layer in spec["layers"]}
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids.index(maps.POINT_LAYER) < ids.index(maps.LABELS_LAYER)  # the outlines on top
    points = by_id[maps.POINT_LAYER]
    assert points["@@type"] == "SolidPolygonLayer" and not points.get("extruded")
    assert points["pickable"] and points["getPolygon"] == "@@=polygon"
    zoom = maps.view_for(height)["zoom"]
    where = {
        str(r.code): (float(r.lat), maps._east(float(r.lon)))
        for r in values.dropna(subset=["lat", "lon"]).itertuples()
    }
    assert sorted(p["code"] for p in points["data"]) == sorted(where)
    labels = maps.overlays(values=values, synthetic=True, height=height).labels
    inner, outer = maps.POINT_RING_PX
    for p in points["data"]:
        cx, cy = maps._to_px(*where[p["code"]], zoom)
        corners = [maps._to_px(lat, lon, zoom) for lon, lat in p["polygon"]]
        assert len(corners) == maps.POINT_SIDES
        radii = [math.hypot(x - cx, y - cy) for x, y in corners]
        assert all(abs(r - maps.POINT_RADIUS_PX) < 0.05 for r in radii), (p["code"], radii)
        assert len(p["fill"]) == 4 and p["status_label"]  # its status colour and tooltip
        # the ring: dark pixels just inside its outer radius, none of it at the centre
        mid = (inner + outer) / 2
        ring = _box_pixels(labels, (cx + mid - 0.5, cy - 0.5, 1, 1))
        assert any(px[3] >= 200 and max(px[:3]) <= 60 for px in ring), p["code"]
        alone = all(
            math.hypot(x - cx, y - cy) > outer + 2 or code == p["code"]
            for code, (x, y) in ((c, maps._to_px(*w, zoom)) for c, w in where.items())
        )
        if alone:  # no other point's ring crosses it: its colour shows through the middle
            centre = _box_pixels(labels, (cx - 1, cy - 1, 2, 2))
            assert all(px[3] == 0 for px in centre), p["code"]
