"""Figures Streamlit can hand to Plotly.react again without a second full draw (charts.steady).

Plotly.react replots everything unless the layout has a datarevision, no template (compared by
identity) and no typed arrays (never the same object twice): checked on the JSON the browser
gets, for the tracker and the Pillars page's figures.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import charts, views
from dashboard.charts import ChartMeta
from dashboard.charts.steady import steady, text_width
from dashboard.core.db import make_engine
from dashboard.filters import Filters

FILTERS = Filters(from_year=2011, to_year=2024, sample=True)
META = ChartMeta(title="T", synthetic=True)


@pytest.fixture(scope="module")
def sample_ds(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> views.Dataset:
    path = tmp_path_factory.mktemp("steady") / "sample.sqlite"
    shutil.copy(template_dir / "sample.sqlite", path)
    return views.load_dataset(engine=make_engine(url=f"sqlite:///{path}"), include_sample=True)


def _figures(ds: views.Dataset, year: int) -> dict[str, go.Figure]:
    return {
        "tracker": charts.status_heatmap(
            matrix=views.tracker_matrix(ds=ds, filters=FILTERS, year=year, sort="grouping"),
            meta=META,
        ),
        "bars": charts.pillar_bars(
            coverage=views.pillar_coverage(ds=ds, filters=FILTERS, year=year),
            measure="recommendations",
            meta=META,
        ),
        "sunburst": charts.breakdown_sunburst(
            breakdown=views.pillar_breakdown(ds=ds, filters=FILTERS, year=year), meta=META
        ),
        "roles": charts.sg_coverage_bars(
            roles=views.sg_role_coverage(ds=ds, filters=FILTERS, year=year), meta=META
        ),
    }


def typed_arrays(node: Any) -> int:
    if isinstance(node, dict):
        return int("bdata" in node) + sum(typed_arrays(v) for v in node.values())
    if isinstance(node, list):
        return sum(typed_arrays(v) for v in node)
    return 0


def test_figures_sent_without_template_or_typed_arrays_with_a_data_revision(
    sample_ds: views.Dataset,
) -> None:
    for name, fig in _figures(sample_ds, 2024).items():
        sent = json.loads(pio.to_json(fig, validate=False))  # as st.plotly_chart sends it
        assert "template" not in sent["layout"], name
        assert typed_arrays(sent["data"]) == 0, name
        assert isinstance(sent["layout"]["datarevision"], str), name


def test_data_revision_follows_the_data(sample_ds: views.Dataset) -> None:
    now, again, before = (
        _figures(sample_ds, 2024),
        _figures(sample_ds, 2024),
        _figures(sample_ds, 2016),
    )
    for name in now:
        assert now[name].layout.datarevision == again[name].layout.datarevision, name
    for name in ("tracker", "bars"):  # other statuses in 2016
        assert now[name].layout.datarevision != before[name].layout.datarevision, name


def test_steady_keeps_what_the_template_showed_and_values_as_plotly_shows_them() -> None:
    counts = pd.Series([5.0, 6.0])  # as pandas gives them (typed arrays in the JSON)
    fig = go.Figure(
        go.Bar(x=["a", "b"], y=counts / 4, text=counts, marker={"pattern": {"shape": "/"}})
    )
    template = fig.layout.template
    steady(fig)
    sent = json.loads(pio.to_json(fig, validate=False))
    assert "template" not in sent["layout"]
    bar = sent["data"][0]
    assert bar["text"] == ["5", "6"]  # as Plotly.js showed the typed array's 5.0
    assert bar["y"] == [1.25, 1.5]
    if template.data.bar:  # the default template's pattern and outline stay on the figure
        default = template.data.bar[0].marker
        assert bar["marker"]["pattern"]["fillmode"] == default.pattern.fillmode
        assert bar["marker"]["line"]["width"] == default.line.width


def test_text_width_measures_like_the_browser() -> None:
    width = text_width(["Democratic People's Republic of Korea", "Japan"], size=15)
    if width is None:
        pytest.skip("DejaVu Sans is not installed")
    assert width == pytest.approx(288.4, abs=0.5)  # Chromium: 288.41 px
