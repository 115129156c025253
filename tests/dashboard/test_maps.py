"""Every participant can be found and read on the map: a point each (Singapore and the EU too),
Southeast Asia enlarged in an inset, named labels that avoid each other and every point (on
screen and in the exported map, never hidden), status by colour and by symbol, and a deck that
sends the data's colours on a rerun rather than the geometry again."""

from __future__ import annotations

import io
import itertools
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageDraw

from dashboard import maps
from dashboard.charts import ChartMeta
from dashboard.charts.common import NO_DATA_COLOR, STATUS_COLORS
from dashboard.core.db import make_engine
from dashboard.filters import Filters
from dashboard.maps import geo, overlay, scene, status
from dashboard.maps.labels import Placed
from dashboard.maps.picture import INSET_GROUP, Box
from dashboard.views import map as map_view
from dashboard.views.dataset import load_dataset

SIZES = [(877, 560), (518, 420), (518, 380), (1380, 760), (960, 540)]
SOUTHEAST_ASIA = {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM"}
STALE_LABEL = "◷ Stale evidence: last known Initiated (2015)"


@pytest.fixture(scope="module")
def ds(template_dir: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(url=f"sqlite:///{template_dir / 'reference.sqlite'}")
    return load_dataset(engine=engine, include_sample=False)


@pytest.fixture(scope="module")
def values(ds) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return map_view.map_values(ds=ds, filters=Filters(), layer="R1", year=2026)


def _mixed(values: pd.DataFrame) -> pd.DataFrame:
    """Every kind of map value: statuses 0-4, stale, insufficient, no data."""
    out = values.copy().reset_index(drop=True)
    kinds = ["0", "1", "2", "3", "4", "stale", "insufficient", "none"]
    for i, kind in enumerate(kinds * 4):
        if i >= len(out):
            break
        if kind.isdigit():
            out.loc[i, ["status", "status_label"]] = [float(kind), f"{status.SYMBOL[kind]} x"]
        elif kind == "stale":
            out.loc[i, ["status", "status_label"]] = [np.nan, STALE_LABEL]
        elif kind == "insufficient":
            out.loc[i, ["status", "status_label"]] = [np.nan, "◌ Insufficient data (1 of 3)"]
        else:
            out.loc[i, ["status", "status_label"]] = [np.nan, "– No data"]
    return out


def _boxes_overlap(a: Box, b: Box) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1  # touching is not


def _label_box(label: Placed) -> Box:
    return Box(label.x, label.y, label.x + label.w, label.y + label.h)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_participant_is_labelled_once_clear_of_every_other_label_and_point(
    values: pd.DataFrame, width: int, height: int
) -> None:
    s = maps.scene_for(values, width=width, height=height)
    codes = [label.code for label in s.labels]
    assert sorted(codes) == sorted(values["code"]) and len(codes) == 27  # once each
    boxes = {label.code: _label_box(label) for label in s.labels}
    for a, b in itertools.combinations(s.labels, 2):
        assert not _boxes_overlap(boxes[a.code], boxes[b.code]), (a.code, b.code)
    inset = s.picture.box_px(s.picture.target)
    for label in s.labels:
        box = boxes[label.code]
        for m in s.markers:
            point = Box(m.x - m.r, m.y - m.r, m.x + m.r, m.y + m.r)
            assert not _boxes_overlap(box, point), (label.code, m.code, m.where)
        assert 0 <= box.x0 and box.x1 <= width and 0 <= box.y0 and box.y1 <= height, label.code
        assert not _boxes_overlap(box, s.mark), label.code  # SAMPLE DATA stays readable
        in_inset = label.code in s.picture.inset_codes
        if not in_inset:  # the whole map's labels never cover the inset
            assert not _boxes_overlap(box, inset), label.code
        # a label reads as its own point's: none nearer to the box, among its own kind
        own = math.dist(label.centre, (label.px, label.py))
        assert own < 200, label.code


def test_southeast_asia_is_enlarged_in_an_inset_and_labelled_there(values: pd.DataFrame) -> None:
    """On the Map page's canvas the region's points are about three times as far apart in the
    inset as on the whole map, where they sit within about 60 px of each other."""
    s = maps.scene_for(values, width=877, height=560)
    assert set(s.picture.inset_codes) == SOUTHEAST_ASIA
    assert {p.code for p in s.participants if p.group == INSET_GROUP} == SOUTHEAST_ASIA
    assert s.picture.scale >= 2.8
    world = {m.code: (m.x, m.y) for m in s.markers if m.where == "world"}
    inset = {m.code: (m.x, m.y) for m in s.markers if m.where == "inset"}
    assert set(world) == set(values["code"]) and set(inset) == SOUTHEAST_ASIA  # a point each
    spread = max(math.dist(world["MMR"], world[c]) for c in SOUTHEAST_ASIA)
    assert spread > 60  # the region is crowded on the whole map ...
    pairs = list(itertools.combinations(sorted(SOUTHEAST_ASIA), 2))
    for a, b in pairs:  # ... and every distance is scale times larger in the inset
        ratio = math.dist(inset[a], inset[b]) / math.dist(world[a], world[b])
        assert ratio == pytest.approx(s.picture.scale, rel=1e-6), (a, b)
    box = s.picture.box_px(s.picture.target)
    for label in s.labels:
        if label.code in SOUTHEAST_ASIA:
            assert (label.px, label.py) == inset[label.code]  # points to the inset's point
    inside = sum(box.contains(*_label_box(label).tuple()[:2]) for label in s.labels)
    assert inside >= 9  # nearly all in the inset's frame
    for m in s.markers:  # the inset covers no point of the whole map
        if m.where == "world":
            assert not box.contains(m.x, m.y), m.code


def test_labels_name_participants_as_a_diplomat_reads_them(values: pd.DataFrame) -> None:
    s = maps.scene_for(values, width=877, height=560)
    names = {label.code: s.name(label.code) for label in s.labels}
    assert names["EUU"] == "EU" and names["VNM"] == "Viet Nam" and names["SGP"] == "Singapore"
    assert names["LAO"] == "Lao PDR" and names["PRK"] == "DPRK"
    for code, name in names.items():
        assert name != code and not re.fullmatch(r"[A-Z]{3}", name), code
    fig = maps.static_map(values=values, meta=ChartMeta(title="Map"))
    texts = [a.text for a in fig.layout.annotations if a.xref == "x"]
    labelled = [t for t in texts if t != scene.CAPTION]
    assert len(labelled) == 27
    for code, name in names.items():
        (text,) = [t for t in labelled if t.endswith(" " + name)]
        assert not re.search(rf"\b{code}\b", text), text
    tooltip = json.loads(maps.deck(values=values, synthetic=False).to_json())
    assert "{code}" not in json.dumps(tooltip)  # the tooltip names, without the code


def test_the_exported_map_draws_every_label_in_a_box_and_no_map_library(
    values: pd.DataFrame,
) -> None:
    """Plain axes: no MapLibre text that hides labels when they come close or fades them in;
    every label an annotation with a white box and an edge; every participant a point."""
    fig = maps.static_map(values=values, meta=ChartMeta(title="Map"), plot=(960, 540))
    assert {t.type for t in fig.data} == {"scatter"}
    assert "map" not in fig.layout.to_plotly_json() or not fig.layout.map.style
    labelled = [a for a in fig.layout.annotations if a.xref == "x" and a.text != scene.CAPTION]
    assert len(labelled) == 27
    for a in labelled:
        assert a.bgcolor.startswith("rgba(255,255,255") and a.bordercolor and a.borderwidth >= 1
        assert a.font.size >= 12
    s = maps.scene_for(values, width=960, height=540)
    for code in SOUTHEAST_ASIA:  # labelled in the inset, where there is room
        label = next(label for label in s.labels if label.code == code)
        (a,) = [a for a in labelled if a.text.endswith(" " + s.name(code))]
        assert (a.x, a.y) == pytest.approx(label.centre)
        assert s.picture.box_px(s.picture.target).contains(label.px, label.py)
    (points,) = [t for t in fig.data if t.mode == "markers" and t.x[0] is not None]
    assert len(points.x) == 27 + len(SOUTHEAST_ASIA)  # the whole map's and the inset's
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == [f"{status.SYMBOL[k]} {status.LABEL[k]}" for k in status.KINDS]


def test_stale_evidence_reads_apart_from_current_statuses_and_no_data(
    values: pd.DataFrame,
) -> None:
    """By colour (lighter than no data, none of the statuses' colours), by symbol in the label
    (◷, drawn, not a font glyph) and in the legend."""
    mixed = _mixed(values)
    kinds = status.kinds(mixed)
    assert kinds[:8] == ["0", "1", "2", "3", "4", "stale", "insufficient", "none"]
    stale_rgb, none_rgb = status.rgb("stale"), status.rgb("none")
    assert status.COLOR["stale"] not in {*STATUS_COLORS.values(), NO_DATA_COLOR}

    def luminance(rgb: tuple[int, int, int]) -> float:
        lin = [(c / 255) ** 2.2 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    assert luminance(stale_rgb) - luminance(none_rgb) > 0.1  # apart without hue
    drawn = {}
    for kind in kinds[:8]:  # each symbol rasterised, 24 px across
        mask = Image.new("L", (24, 24), 0)
        pen = ImageDraw.Draw(mask)
        for polygon in status.symbol_polygons(kind, cx=12, cy=12, r=10, line=2):
            pen.polygon(polygon[0], fill=255)
            for hole in polygon[1:]:
                pen.polygon(hole, fill=0)
        drawn[kind] = mask.tobytes()
    assert len(set(drawn.values())) == 8  # eight kinds, eight different shapes
    for kind, raw in drawn.items():  # ink enough to read without colour
        assert sum(1 for v in raw if v) > 20, kind
    spec = json.loads(maps.deck(values=mixed, synthetic=False).to_json())
    (symbols,) = [layer for layer in spec["layers"] if layer["id"] == maps.SYMBOLS_LAYER]
    assert symbols["@@type"] == "SolidPolygonLayer" and not symbols["pickable"]
    s = maps.scene_for(mixed, width=round(1.57 * 560), height=560)
    expected = sum(
        len(status.symbol_polygons(k, cx=0, cy=0, r=5, line=1))
        for k in (dict(zip(mixed["code"], kinds, strict=True))[label.code] for label in s.labels)
    )
    assert len(symbols["data"]) == expected  # one symbol in every label
    fig = maps.static_map(values=mixed, meta=ChartMeta(title="Map"))
    stale_code = mixed["code"][5]
    name = maps.scene_for(mixed, width=1380, height=760).name(stale_code)
    (text,) = [a.text for a in fig.layout.annotations if a.text.endswith(" " + name)]
    assert text.startswith("◷ ")


def test_a_rerun_sends_colours_points_and_symbols_not_the_geometry_again(
    ds,  # type: ignore[no-untyped-def]
    values: pd.DataFrame,
) -> None:
    """The outlines and the labels' image are published once (the same bytes for every layer,
    year and filter); the deck itself carries colours, points (with their tooltips) and
    symbols, under 30 kB however many symbols (the Overview's was 115 kB, 59 kB polygons)."""
    other = map_view.map_values(ds=ds, filters=Filters(pillars=(1,)), layer="R4", year=2020)
    published: list[tuple[str, bytes]] = []

    def publish(content: bytes, mime: str, key: str) -> str:
        published.append((key, content))
        return f"/media/{key}-{len(published)}"

    first = maps.deck(values=values, synthetic=False, height=420, width=518, publish=publish)
    second = maps.deck(values=other, synthetic=False, height=420, width=518, publish=publish)
    assert [k for k, _ in published] == ["map-fills", "map-image"] * 2
    assert published[0][1] == published[2][1] and published[1][1] == published[3][1]
    for spec_text in (first.to_json(), second.to_json()):
        assert len(spec_text) < 30_000 and "data:image" not in spec_text  # no picture inline
        spec = json.loads(spec_text)
        by_id = {layer["id"]: layer for layer in spec["layers"]}
        assert isinstance(by_id[maps.POLYGON_LAYER]["data"], str)  # a URL, fetched once
        assert by_id[maps.OVERLAY_LAYER]["image"].startswith("/media/")
        for layer_id in (maps.POLYGON_LAYER, maps.OVERLAY_LAYER):  # and kept: its URL names it
            assert by_id[layer_id]["loadOptions"] == {"fetch": {"cache": "force-cache"}}
    inline = maps.deck(values=values, synthetic=False, height=420, width=518).to_json()
    assert len(inline) < 100_000  # without publishing: all of it, simplified
    rows = json.loads(maps.fills_json(maps.scene_for(values, width=518, height=420)))
    assert all(len(r["p"]) % 2 == 0 and len(r["p"]) >= 6 for r in rows)


def test_outlines_are_simplified_to_what_the_canvas_shows(values: pd.DataFrame) -> None:
    """Fewer corners than shipped, none that moves a line by more than SIMPLIFY_PX on the
    canvas, no islet smaller than a few pixels (its participant keeps a point)."""
    s = maps.scene_for(values, width=877, height=560)
    pic = s.picture
    shipped = geo.outlines()
    world = [p for p in s.parts if p.where == "world"]
    assert sum(len(p.ring) for p in world) < 0.7 * sum(
        len(r) for rs in shipped.values() for r in rs
    )
    for part in world:
        assert geo.area(part.ring) >= scene.MIN_PART_PX2
        source = next(
            (ring - (pic.left, pic.top)) * pic.k
            for ring in shipped[part.code]
            if np.allclose((ring[0] - (pic.left, pic.top)) * pic.k, part.ring[0])
        )
        a, b = part.ring[:-1], part.ring[1:]
        for p in source:  # every shipped corner within the tolerance of the simplified line
            ab = b - a
            t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab**2).sum(axis=1), 1e-12), 0, 1)
            nearest = np.min(np.hypot(*(a + t[:, None] * ab - p).T))
            assert nearest <= scene.SIMPLIFY_PX + 1e-6, part.code
    features = maps.geometry()["features"]  # the shipped polygons have no holes (assumed)
    for f in features:
        polys = f["geometry"]["coordinates"]
        polys = polys if f["geometry"]["type"] == "MultiPolygon" else [polys]
        assert all(len(p) == 1 for p in polys), f["properties"]["code"]


def test_the_deck_picks_points_and_colours_fills_from_the_data(values: pd.DataFrame) -> None:
    mixed = _mixed(values)
    spec = json.loads(maps.deck(values=mixed, synthetic=False).to_json())
    by_id = {layer["id"]: layer for layer in spec["layers"]}
    assert {layer["@@type"] for layer in spec["layers"]} == {"SolidPolygonLayer", "BitmapLayer"}
    assert [layer["id"] for layer in spec["layers"]] == [
        maps.POLYGON_LAYER,
        "participants-points-enlarged-region",
        maps.POINT_LAYER,
        maps.OVERLAY_LAYER,
        maps.SYMBOLS_LAYER,
    ]
    points = by_id[maps.POINT_LAYER]
    assert points["pickable"] and not by_id[maps.POLYGON_LAYER]["pickable"]
    assert sorted(p["code"] for p in points["data"]) == sorted(values["code"])  # SGP, EU too
    assert all(p["status_label"] and p["name"] for p in points["data"])
    assert not any(by_id[i]["pickable"] for i in (maps.OVERLAY_LAYER, maps.SYMBOLS_LAYER))
    expression = by_id[maps.POLYGON_LAYER]["getFillColor"]
    match = re.fullmatch(r"@@=\((\[.*\])\)\[i\]", expression)
    assert match, expression
    table = json.loads(match.group(1))
    s = maps.scene_for(mixed, width=round(1.57 * 560), height=560)
    kinds = dict(zip(mixed["code"], status.kinds(mixed), strict=True))
    for i, code in enumerate(s.codes):
        assert table[i][:3] == list(status.rgb(kinds[code])), code
    assert by_id[maps.POLYGON_LAYER]["updateTriggers"]["getFillColor"]
    rows = by_id[maps.POLYGON_LAYER]["data"]  # inline without publish
    assert {s.codes[r["i"]] for r in rows} >= set(values["code"]) - {"SGP", "EUU"}
    picked = {"selection": {"objects": {maps.POINT_LAYER: [{"code": "VNM"}]}}}
    assert maps.picked_code(picked) == "VNM" and maps.picked_code({}) is None


@pytest.mark.parametrize(("width", "height"), [(877, 560), (518, 420)])
def test_the_sample_mark_is_drawn_only_on_sample_data(
    values: pd.DataFrame, width: int, height: int
) -> None:
    """SAMPLE DATA in red, last over everything, where no label goes."""
    s = maps.scene_for(values, width=width, height=height)
    image = overlay.sample_overlay(s)
    raw = Image.open(io.BytesIO(image.png)).convert("RGBA").tobytes()
    red = sum(
        1
        for i in range(0, len(raw), 4)
        if raw[i + 3] > 200 and raw[i] > 150 and max(raw[i + 1], raw[i + 2]) < 60
    )
    assert red > 50
    for synthetic in (True, False):
        spec = json.loads(
            maps.deck(values=values, synthetic=synthetic, height=height, width=width).to_json()
        )
        ids = [layer["id"] for layer in spec["layers"]]
        assert (ids[-1] == maps.SAMPLE_LAYER) is synthetic and ids.count(maps.SAMPLE_LAYER) <= 1


def test_labels_sit_in_light_boxes_with_dark_names(values: pd.DataFrame) -> None:
    """Readable on any fill, dark or light: each label a light box with dark text in it."""
    s = maps.scene_for(values, width=877, height=560)
    image = overlay.static_overlay(s)
    pixels = Image.open(io.BytesIO(image.png)).convert("RGBA")
    for label in s.labels:
        x0 = (label.x + label.size + 6 - image.box.x0) * overlay.SCALE
        y0 = (label.y + 2 - image.box.y0) * overlay.SCALE
        x1 = (label.x + label.w - 2 - image.box.x0) * overlay.SCALE
        y1 = (label.y + label.h - 2 - image.box.y0) * overlay.SCALE
        raw = pixels.crop((round(x0), round(y0), round(x1), round(y1))).tobytes()
        px = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
        assert sum(1 for p in px if p[3] >= 200 and min(p[:3]) >= 220) > len(px) / 3, label.code
        assert any(p[3] >= 200 and max(p[:3]) <= 90 for p in px), label.code


def test_the_map_summary_names_participants_by_status(values: pd.DataFrame) -> None:
    mixed = _mixed(values)
    text = map_view.map_summary(values=mixed, title="R1, 2026")
    assert text.startswith("R1, 2026, 27 participants.")
    names = dict(zip(mixed["code"], mixed["name"], strict=True))
    stale_name = names[mixed["code"][5]]
    assert f"Stale evidence: {stale_name}" in text or f", {stale_name}" in text
    assert "EUU" not in text and "VNM" not in text
    assert text.index("Implemented") < text.index("Not started") < text.index("No data")


def test_an_average_over_stale_evidence_only_reads_stale_not_no_data(ds) -> None:  # type: ignore[no-untyped-def]
    """The Overview's map averages the selected recommendations: a participant whose records
    on them have all aged past their limit (rule 2.1) reads '◷ Stale evidence', not 'No data'."""
    values = map_view.overview_map(ds=ds, filters=Filters(), year=2026)
    by_code = values.set_index("code")
    stale = by_code[by_code["status_label"].str.startswith("◷ Stale evidence")]
    assert "EUU" in stale.index and stale["status"].isna().all()
    assert stale["value"].str.endswith("on stale evidence only").all()
    assert set(status.kinds(values)) >= {"stale", "none"}
    cells = ds.cells[(ds.cells["year"] == 2026) & (ds.cells["participant_code"] == "EUU")]
    assert (cells["result"] == "stale evidence").any() and not (cells["result"] == "status").any()


def test_the_rendered_export_names_every_participant_in_a_box(values: pd.DataFrame) -> None:
    """Rendered by Chromium (kaleido) as an SVG: every participant's name is there as text,
    Southeast Asia's included (MapLibre text used to drop THA, MMR and MNG when crowded), each
    on a white box, and no image from anywhere (no map tiles)."""
    from dashboard import export
    from tests.conftest import need
    from tests.dashboard.packs import CHROMIUM

    need("Chromium (for kaleido)", CHROMIUM is not None)
    meta = ChartMeta(title="R1, 2026")
    fig = export.for_export(maps.static_map(values=values, meta=meta, plot=(1380, 760)), meta=meta)
    svg = export.render(fig, fmt="svg", width=1600, height=900, scale=1).decode()
    texts = [t.replace("\xa0", " ") for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    s = maps.scene_for(values, width=1380, height=760)
    for code in values["code"]:
        name = s.name(str(code))
        assert any(t.endswith(" " + name) for t in texts), name
    boxes = re.findall(r'<rect class="bg"[^>]*fill: rgb\(255, 255, 255\); fill-opacity: 0\.9', svg)
    assert len(boxes) >= 27  # a white box behind every label
    assert not re.search(r"<image[^>]+href=\"https?:", svg)  # no tile or picture from a server


def test_an_empty_database_draws_an_empty_map(values: pd.DataFrame) -> None:
    """No participants yet: the deck, the exported figure and the summary still come out."""
    empty = values.iloc[0:0]
    spec = json.loads(maps.deck(values=empty, synthetic=True, height=420, width=518).to_json())
    by_id = {layer["id"]: layer for layer in spec["layers"]}
    assert by_id[maps.POINT_LAYER]["data"] == [] and by_id[maps.POLYGON_LAYER]["data"] == []
    fig = maps.static_map(values=empty, meta=ChartMeta(title="Map"))
    assert [a for a in fig.layout.annotations if a.xref == "x" and a.text != scene.CAPTION] == []
    assert map_view.map_summary(values=empty, title="R1, 2026") == (
        "R1, 2026: no participants in this selection."
    )
