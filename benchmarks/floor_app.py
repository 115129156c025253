"""Floor reference for benchmarks/browser.py: the least a page with a chart and a map can cost.

One small Plotly bar chart and one pydeck ScatterplotLayer of 30 points (no base map, nothing
fetched), plus a selectbox whose change reruns the script and redraws both. It reads no database
and imports nothing from the project, so its times are Streamlit + Plotly + deck.gl alone.
Run it like the app: `streamlit run benchmarks/floor_app.py` from the project root (so the same
.streamlit/config.toml applies).
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

SERIES = ("a", "b", "c")
POINTS = 30

st.set_page_config(page_title="Floor", layout="wide")
st.title("Floor")
series = st.selectbox("Series", SERIES, key="floor_series")
shift = SERIES.index(series)

names = [f"P{i:02d}" for i in range(12)]
values = [(i * 7 + shift * 5) % 11 + 1 for i in range(12)]
figure = go.Figure(go.Bar(x=names, y=values))
figure.update_layout(height=360, margin={"l": 40, "r": 10, "t": 30, "b": 40})
st.plotly_chart(figure, key="floor_bar")

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
st.pydeck_chart(deck, key="floor_map", height=380)
