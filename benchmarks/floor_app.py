"""Floor reference for benchmarks/browser.py: the least a page with a chart and a map can cost.

An st.navigation app of two pages, like pages/app.py, each with one small Plotly bar chart and
one pydeck ScatterplotLayer of 30 points (no base map: map_provider=None, nothing fetched):

* `/` (First): the chart, the map and a selectbox whose change reruns the script and redraws
  both while they stay mounted (the floor's widget rerun);
* `/second` (Second): another chart and map, under other keys, so a click on its sidebar link
  unmounts the first page's chart and map and mounts new ones (a new Plotly chart and a new
  WebGL deck), as every page change of the app does (the floor's page change).

It reads no database and imports nothing from the project, so its times are Streamlit + Plotly +
deck.gl alone. Run it like the app: `streamlit run benchmarks/floor_app.py` from the project
root (so the same .streamlit/config.toml applies).
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

SERIES = ("a", "b", "c")
POINTS = 30


def chart_and_map(*, shift: int, key: str) -> None:
    """One Plotly bar chart and one deck.gl scatterplot, both depending on `shift`."""
    names = [f"P{i:02d}" for i in range(12)]
    values = [(i * 7 + shift * 5) % 11 + 1 for i in range(12)]
    figure = go.Figure(go.Bar(x=names, y=values))
    figure.update_layout(height=360, margin={"l": 40, "r": 10, "t": 30, "b": 40})
    st.plotly_chart(figure, key=f"{key}_bar")

    points = [
        {
            "lon": 100.0 + 40.0 * math.cos(i / POINTS * 2 * math.pi),
            "lat": 10.0 + 25.0 * math.sin(i / POINTS * 2 * math.pi),
            "color": [(i * 37 + shift * 80) % 256, 90, 160],
        }
        for i in range(POINTS)
    ]
    layer = pdk.Layer(
        "ScatterplotLayer",
        data=points,
        get_position=["lon", "lat"],
        get_fill_color="color",
        get_radius=150_000,
        pickable=True,
    )
    deck = pdk.Deck(
        layers=[layer],
        initial_view_state=pdk.ViewState(latitude=10.0, longitude=110.0, zoom=1.5),
        map_provider=None,  # as dashboard/maps.py: no base map (map_style=None means carto's)
    )
    st.pydeck_chart(deck, key=f"{key}_map", height=380)


def first() -> None:
    """`/`: the chart and map under a selectbox (its change is the floor's widget rerun)."""
    st.title("Floor")
    series = st.selectbox("Series", SERIES, key="floor_series")
    chart_and_map(shift=SERIES.index(series), key="floor")


def second() -> None:
    """`/second`: another chart and map (reaching it is the floor's page change)."""
    st.title("Floor, second page")
    chart_and_map(shift=1, key="floor_second")


st.set_page_config(page_title="Floor", layout="wide")
navigation = st.navigation(
    [
        st.Page(first, title="First", url_path="", default=True),
        st.Page(second, title="Second", url_path="second"),
    ]
)
navigation.run()
