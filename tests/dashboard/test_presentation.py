"""Presentation mode's sequence: parsing view links, stepping round, keeping the filters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dashboard import presentation
from dashboard.presentation import View

KNOWN = {"", "map", "recommendations", "pillars", "changes", "timeline", "country"}


def test_the_default_sequence_and_a_custom_one() -> None:
    default = presentation.parse_views(None, known=KNOWN)
    assert [v.path for v in default] == [
        "",
        "map",
        "recommendations",
        "pillars",
        "changes",
        "timeline",
    ]
    custom = presentation.parse_views(
        "map?layer=R4&year=2020|/nowhere|country?participant=VNM", known=KNOWN
    )
    assert custom == [
        View("map", {"layer": "R4", "year": "2020"}),
        View("country", {"participant": "VNM"}),
    ]
    assert [v.path for v in presentation.parse_views("nowhere", known=KNOWN)] == [
        v.path for v in default
    ]


def test_the_next_view_keeps_filters_and_settings_but_not_page_choices() -> None:
    views = presentation.parse_views("map?layer=R4|recommendations", known=KNOWN)
    current = {
        "present": "1",
        "participants": "VNM",
        "from": "2011",
        "to": "2024",
        "layer": "R9",
        "interval": "30",
        "views": "x",
    }
    nxt = presentation.step(views, path="map", by=1)
    assert nxt.path == "recommendations"
    assert presentation.query_for(nxt, current=current) == {
        "present": "1",
        "participants": "VNM",
        "from": "2011",
        "to": "2024",
        "interval": "30",
        "views": "x",
    }
    back = presentation.step(views, path="recommendations", by=1)
    assert presentation.query_for(back, current=current)["layer"] == "R4"


@given(n=st.integers(1, len(KNOWN)), start=st.integers(0, 20), by=st.integers(-20, 20))
def test_stepping_goes_round_and_back(n: int, start: int, by: int) -> None:
    paths = sorted(KNOWN)[:n]
    views = [View(p) for p in paths]
    here = paths[start % n]
    there = presentation.step(views, path=here, by=by).path
    assert presentation.step(views, path=there, by=-by).path == here


def test_interval() -> None:
    assert [presentation.interval_seconds(x) for x in (None, "", "x", "0", "2", "30")] == [
        0,
        0,
        0,
        0,
        5,
        30,
    ]


def test_chart_summaries_say_what_the_rows_show() -> None:
    import pandas as pd

    from dashboard.views.common import summarise

    cells = pd.DataFrame(
        {
            "participant_code": ["VNM", "THA", "LAO"],
            "recommendation": ["R1", "R1", "R1"],
            "status_label": [
                "◑ Initiated",
                "◑ Initiated",
                "◌ Insufficient data (1 of 3 indicators)",
            ],
        }
    )
    assert (
        summarise(cells, title="Tracker") == "Tracker: 3 cells — 2 Initiated, 1 Insufficient data."
    )
    events = pd.DataFrame(
        {
            "date": ["2014-02-17", "2009-12-01"],
            "when": ["17 Feb 2014", "Dec 2009"],
            "title": ["a", "b"],
            "kind": ["arf meeting", "arf meeting"],
        }
    )
    assert summarise(events, title="Events") == (
        "Events: 2 events from 2009-12-01 to 2014-02-17; most often arf meeting (2)."
    )
    shares = pd.DataFrame({"name": ["Viet Nam", "Japan"], "share_initiated": [0.25, 0.75]})
    assert summarise(shares, title="Coverage") == (
        "Coverage: 2 rows; share initiated ranges from 0.25 (Viet Nam) to 0.75 (Japan)."
    )
    assert (
        summarise(shares.iloc[:0], title="Coverage")
        == "Coverage: nothing to show for this selection."
    )


def _font_sizes(node: object, *, in_font: bool = False, path: str = "") -> dict[str, float]:
    """Every font size of a figure's JSON, by its path."""
    found: dict[str, float] = {}
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if in_font and key == "size" and isinstance(value, int | float):
                found[here] = float(value)
            else:
                found |= _font_sizes(value, in_font=key.endswith("font"), path=here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found |= _font_sizes(item, in_font=in_font, path=f"{path}[{i}]")
    return found


def test_charts_on_the_projector_have_every_font_half_as_large_again() -> None:
    """Presentation mode's charts: titles, ticks, the colour bar, the symbols in the cells, the
    source line and the SAMPLE DATA mark all 1.5x, the layout's pixel sizes with them; the
    cached figure (what the downloads render) is left as it was."""
    import plotly.graph_objects as go

    from dashboard.charts.common import ChartMeta, colorbar, for_projector, layout

    meta = ChartMeta(title="Status by participant", sources=("A source",), synthetic=True)
    cells = go.Heatmap(
        z=[[2, 4]],
        text=[["◑", "●"]],
        texttemplate="%{text}",
        textfont={"size": 22},
        colorbar=colorbar("Status", tickvals=[2, 4], ticktext=["Initiated", "Implemented"]),
    )
    fig = layout(go.Figure(cells), meta, height=400)
    before = fig.to_plotly_json()
    sizes = _font_sizes(before)
    big = for_projector(fig).to_plotly_json()
    assert fig.to_plotly_json() == before  # not changed in place
    grown = _font_sizes(big)
    assert grown.keys() == sizes.keys() and len(sizes) >= 8
    assert all(grown[k] == round(v * 1.5, 1) for k, v in sizes.items())
    assert max(sizes.values()) == 60 and min(sizes.values()) >= 13  # watermark .. source line
    assert big["layout"]["height"] == round(before["layout"]["height"] * 1.5)
    assert big["layout"]["margin"]["t"] == round(before["layout"]["margin"]["t"] * 1.5)
    assert big["layout"]["margin"]["b"] == round(before["layout"]["margin"]["b"] * 1.5)
    source = [a for a in big["layout"]["annotations"] if "yshift" in a]
    assert source and all(a["yshift"] < 0 for a in source)


def test_the_projector_copy_is_made_once_per_figure_and_let_go_with_it() -> None:
    import gc

    import plotly.graph_objects as go

    from dashboard.charts.common import ChartMeta, for_projector, layout
    from dashboard.ui import cache

    meta = ChartMeta(title="Status by participant", sources=("A source",))
    fig = layout(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), meta, height=400)
    other = layout(go.Figure(go.Bar(x=["a"], y=[3])), meta, height=400)
    first = cache.projected(fig)
    assert cache.projected(fig) is first  # the same copy on the next rerun
    assert cache.projected(other) is not first
    want = for_projector(fig).to_plotly_json()
    got = first.to_plotly_json()
    assert got["layout"]["height"] == want["layout"]["height"] == 600
    assert got["layout"]["title"]["font"] == want["layout"]["title"]["font"]
    assert "datarevision" in got["layout"]  # made steady: drawn once on mount
    held = len(cache._PROJECTED)
    del fig, first
    gc.collect()
    assert len(cache._PROJECTED) == held - 1  # gone with its figure
