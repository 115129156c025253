"""The map on screen: a pydeck Deck of the Scene, with the data's colours and symbols.

No base map: ``map_provider=None``, so nothing is fetched from outside the machine. Four
layers of two types (each deck.gl layer type compiles its shaders on every mount):

- the fills, a SolidPolygonLayer of the Scene's outlines (the whole map and the inset), whose
  colours come from a small table in the fill accessor, so a change of layer, year or filter
  changes only that table;
- the points, discs in the same layer type, pickable, with the tooltip's fields;
- the Scene's image (borders, frames, leaders, label boxes and names) and the status symbols'
  image, two BitmapLayers.

What does not depend on the data (outlines and the Scene's image) can be published under a URL
(``publish``), so the browser fetches it once and a rerun sends only colours, points and
symbols; without ``publish`` it is inline.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard.maps import labels, overlay, status
from dashboard.maps.scene import Scene, scene_for

POLYGON_LAYER = "participants-polygons"
POINT_LAYER = "participants-points"
REGION_POINT_LAYER = "participants-points-enlarged-region"
OVERLAY_LAYER = "participants-labels"
SYMBOLS_LAYER = "participants-symbols"
SAMPLE_LAYER = "sample-mark"
FILL_DECIMALS = 1  # lon/lat digits of the outlines: 0.1 degree is under 0.3 px here
DISC_DECIMALS = 1  # and of the points' discs: within 0.2 px, under their outline
SYMBOL_DECIMALS = 1  # 0.1 degree is under 0.3 px here: a symbol keeps its shape
SYMBOL_LINE = 1.3  # px: a symbol's ring
DISC_SIDES = 10  # within 0.3 px of a circle, under the outline drawn in the image
SOURCE_CHARS = 200  # a tooltip's source, cut to this
TOOLTIP = (
    "<b>{name}</b><br/>Status: {status_label}<br/>Value: {value}<br/>Date: {date}"
    "<br/>Source: {source}"
)
# (content, MIME type, key) -> a URL the browser can fetch it from, or None to send it inline.
# The URL must name its content (Streamlit's media ids are hashes of it): the browser then takes
# it from its own cache whenever it has it, stale or not, and a map mounted again (a page change
# back) fetches nothing.
Publish = Callable[[bytes, str, str], str | None]
FETCH_ONCE = {"fetch": {"cache": "force-cache"}}


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A Deck whose JSON has no indentation: pydeck indents by 2, which makes the spec that
    Streamlit sends on every rerun about five times larger."""

    def to_json(self) -> str:
        """The deck's JSON, compact, with pydeck's own serialiser for its objects."""
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def _flat(scene: Scene, ring: Any, decimals: int) -> list[float]:
    """A ring of canvas px as [lon, lat, lon, lat, ...] where deck.gl draws the picture."""
    out: list[float] = []
    for x, y in ring:
        lon, lat = scene.picture.lonlat(float(x), float(y))
        out += [round(lon, decimals), round(lat, decimals)]
    return out


@lru_cache(maxsize=16)
def fills_json(scene: Scene) -> bytes:
    """Every outline part as a row {"p": [lon, lat, ...], "i": its participant's index}."""
    index = {code: i for i, code in enumerate(scene.codes)}
    rows = [
        {"p": _flat(scene, part.ring, FILL_DECIMALS), "i": index[part.code]} for part in scene.parts
    ]
    return json.dumps(rows, separators=(",", ":")).encode("ascii")


@lru_cache(maxsize=16)
def _discs(scene: Scene) -> tuple[tuple[str, bool, tuple[float, ...]], ...]:
    """Each point's disc: code, whether it is picked (not a Southeast Asian point on the whole
    map: those are picked in the inset), and its ring."""
    out = []
    for m in scene.markers:
        ring = [
            (
                m.x + m.r * math.cos(2 * math.pi * k / DISC_SIDES),
                m.y + m.r * math.sin(2 * math.pi * k / DISC_SIDES),
            )
            for k in range(DISC_SIDES)
        ]
        picked = m.where == "inset" or m.code not in scene.picture.inset_codes
        out.append((m.code, picked, tuple(_flat(scene, ring, DISC_DECIMALS))))
    return tuple(out)


def _tooltips(values: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Per participant: the fields the tooltip shows, as plain text ("—" for empty)."""

    def text(v: object, limit: int | None = None) -> str:
        s = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
        return (s or "—")[:limit]

    return {
        str(r.code): {
            "code": str(r.code),
            "name": text(r.name),
            "status_label": text(r.status_label),
            "value": text(r.value),
            "date": text(r.date),
            "source": text(r.source, SOURCE_CHARS),
        }
        for r in values.itertuples()
    }


def _publish_or_inline(publish: Publish | None, content: bytes, mime: str, key: str) -> str | None:
    return publish(content, mime, key) if publish is not None else None


def deck(
    *,
    values: pd.DataFrame,
    synthetic: bool,
    height: int = 560,
    width: int | None = None,
    publish: Publish | None = None,
) -> pdk.Deck:
    """The status map of every participant (Singapore and the EU as points), Southeast Asia
    enlarged in an inset, on a canvas ``height`` px tall and at least ``width`` px wide
    (default 1.57 x height; the picture is fitted to it and centred on wider canvases).

    ``values``: map_values output (code, name, lat, lon, grouping, status, status_label, value,
    date, source, selected). Tooltip fields are plain data; Streamlit's deck.gl escapes them.
    """
    scene = scene_for(values, width=width or round(1.57 * height), height=height)
    kinds = dict(zip(values["code"].astype(str), status.kinds(values), strict=True))
    selected = dict(zip(values["code"].astype(str), values["selected"].astype(bool), strict=True))
    table = [
        [*status.rgb(kinds.get(code, "none")), 235 if selected.get(code, True) else 70]
        for code in scene.codes
    ]
    colours = json.dumps(table, separators=(",", ":"))
    fills_url = _publish_or_inline(publish, fills_json(scene), "application/json", "map-fills")
    fills: Any = fills_url if fills_url else json.loads(fills_json(scene))
    static = overlay.static_overlay(scene)
    image_url = _publish_or_inline(publish, static.png, "image/png", "map-image")
    symbols = _symbols(scene, tuple(sorted(kinds.items())))
    tips = _tooltips(values)
    fill = {c: [*status.rgb(k), 255 if selected.get(c, True) else 90] for c, k in kinds.items()}
    discs = [(c, picked, ring) for c, picked, ring in _discs(scene) if c in tips]
    points = [{**tips[c], "polygon": list(r), "fill": fill[c]} for c, picked, r in discs if picked]
    small = [{"polygon": list(r), "fill": fill[c]} for c, picked, r in discs if not picked]
    layers = [
        pdk.Layer(
            "SolidPolygonLayer",
            id=POLYGON_LAYER,
            data=fills,
            get_polygon="p",
            position_format=pdk.types.String("XY"),
            get_fill_color=f"({colours})[i]",  # jsep: a member of a literal needs brackets
            update_triggers={"getFillColor": hashlib.sha1(colours.encode()).hexdigest()[:12]},
            load_options=FETCH_ONCE,
            filled=True,
            extruded=False,
            pickable=False,
        ),
        pdk.Layer(  # Southeast Asia's points on the whole map: picked in the inset instead
            "SolidPolygonLayer",
            id=REGION_POINT_LAYER,
            data=small,
            get_polygon="polygon",
            position_format=pdk.types.String("XY"),
            get_fill_color="fill",
            filled=True,
            extruded=False,
            pickable=False,
        ),
        pdk.Layer(
            "SolidPolygonLayer",
            id=POINT_LAYER,
            data=points,
            get_polygon="polygon",
            position_format=pdk.types.String("XY"),
            get_fill_color="fill",
            filled=True,
            extruded=False,
            pickable=True,
            auto_highlight=True,
            highlight_color=[255, 255, 255, 150],  # lighter, never a status's colour
        ),
        _bitmap(OVERLAY_LAYER, image_url or static.data_url(), static.bounds),
        pdk.Layer(  # in the labels' boxes; shapes, not an image: nothing to decode on a rerun
            "SolidPolygonLayer",
            id=SYMBOLS_LAYER,
            data=symbols,
            get_polygon="p",
            get_fill_color=list(status.INK),
            filled=True,
            extruded=False,
            pickable=False,
        ),
    ]
    if synthetic:  # drawn last, over everything
        mark = overlay.sample_overlay(scene)
        layers.append(_bitmap(SAMPLE_LAYER, mark.data_url(), mark.bounds))
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**scene.picture.view_state()),
        map_provider=None,
        tooltip={"html": TOOLTIP, "style": {"fontSize": "15px", "maxWidth": "360px"}},
        height=height,
    )


@lru_cache(maxsize=64)
def _symbols_rows(scene: Scene, kinds: tuple[tuple[str, str], ...]) -> str:
    by_code = dict(kinds)
    rows = []
    for label in scene.labels:
        cx, cy, r = labels.symbol_at(label)
        for polygon in status.symbol_polygons(
            by_code.get(label.code, "none"), cx=cx, cy=cy, r=r, line=SYMBOL_LINE
        ):
            rings = [
                [[round(v, SYMBOL_DECIMALS) for v in scene.picture.lonlat(x, y)] for x, y in ring]
                for ring in polygon
            ]
            rows.append({"p": rings})
    return json.dumps(rows, separators=(",", ":"))


def _symbols(scene: Scene, kinds: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """The status symbol in every label (``kinds``: code -> kind), as polygons (with holes)."""
    rows: list[dict[str, Any]] = json.loads(_symbols_rows(scene, kinds))
    return rows


def _bitmap(layer_id: str, image: str, bounds: tuple[float, float, float, float]) -> pdk.Layer:
    """A BitmapLayer of an image (one shader for every image, compiled once)."""
    return pdk.Layer(
        "BitmapLayer",
        id=layer_id,
        image=pdk.types.String(image),
        bounds=[round(b, 5) for b in bounds],
        load_options=FETCH_ONCE,
        pickable=False,
    )


def picked_code(selection: Any) -> str | None:
    """The participant code clicked on the deck, from Streamlit's selection state."""
    try:
        objects = selection["selection"]["objects"]
    except (KeyError, TypeError):
        return None
    for obj in objects.get(POINT_LAYER, []) or []:
        code = obj.get("code") if isinstance(obj, dict) else None
        if code:
            return str(code)
    return None
