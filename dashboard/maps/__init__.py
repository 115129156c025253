"""Maps from the shipped geometry only: pydeck on screen, Plotly for export, no tiles.

The whole ARF in one Pacific-centred frame with Southeast Asia enlarged in an inset, every
participant with a point and a named label (status by colour and by symbol).

- geo: the shipped polygons and the Web Mercator plane;
- picture: the frame and the inset, fitted to a canvas;
- labels: names, symbols' room, and where each label goes;
- scene: what does not depend on the data (outlines, points, labels), built once per size;
- status: a value's kind, colour and symbol;
- overlay: the deck's images; screen: the Deck on screen; static: the exported figure.
"""

from dashboard.maps.geo import geometry
from dashboard.maps.labels import label_name
from dashboard.maps.scene import Scene, scene_for
from dashboard.maps.screen import (
    OVERLAY_LAYER,
    POINT_LAYER,
    POLYGON_LAYER,
    SAMPLE_LAYER,
    SYMBOLS_LAYER,
    CompactDeck,
    Publish,
    deck,
    fills_json,
    picked_code,
)
from dashboard.maps.static import static_map

__all__ = [
    "OVERLAY_LAYER",
    "POINT_LAYER",
    "POLYGON_LAYER",
    "SAMPLE_LAYER",
    "SYMBOLS_LAYER",
    "CompactDeck",
    "Publish",
    "Scene",
    "deck",
    "fills_json",
    "geometry",
    "label_name",
    "picked_code",
    "scene_for",
    "static_map",
]
