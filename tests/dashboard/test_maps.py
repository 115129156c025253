"""Every participant is identifiable on the map: labels that avoid each other and every point,
with leader lines where they had to move, on screen (pydeck) and in the exported map (Plotly)."""

from __future__ import annotations

import itertools
import json

import pytest
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


def test_the_screen_and_the_exported_map_label_every_participant(values) -> None:  # type: ignore[no-untyped-def]
    spec = json.loads(maps.deck(values=values, synthetic=False).to_json())
    labels = next(layer for layer in spec["layers"] if layer["id"] == "participants-labels")
    assert sorted(d["code"] for d in labels["data"]) == sorted(values["code"])
    leaders = next(layer for layer in spec["layers"] if layer["id"] == "participants-leaders")
    assert leaders["data"]
    fig = maps.static_map(values=values, meta=ChartMeta(title="Map"))
    texts = [list(t.text) for t in fig.data if getattr(t, "mode", None) == "text"]
    assert len(texts) == 1 and sorted(texts[0]) == sorted(values["code"])
