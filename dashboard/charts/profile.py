"""A participant profile's pillar chart."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import (
    GRID_COLOR,
    PILLAR_COLORS,
    PILLAR_PATTERNS,
    ChartMeta,
    anchor_source,
    empty_figure,
    esc,
    font,
    layout,
    wrap,
)
from dashboard.charts.steady import TICK_LABEL_ROOM, margin_for, text_width

LABEL_LINE = 20  # one line of a 16 px tick label

PROFILE_TICKS = [
    "Not<br>started",
    "Under<br>consideration",
    "Initiated",
    "Substantial<br>progress",
    "Implemented",
]


def profile_pillars(*, frame: pd.DataFrame, meta: ChartMeta) -> go.Figure:
    """One participant's average status by pillar (national recommendations)."""
    if frame.empty or frame["average_status"].isna().all():
        return empty_figure(meta, "Not enough data for an average by pillar.")
    keys = "Pillar " + frame["pillar"].astype(str)
    names = frame["name"] if "name" in frame else pd.Series([""] * len(frame), index=frame.index)
    labels = [
        f"{k}<br>{'<br>'.join(esc(line) for line in wrap(str(n), 44))}" if n else k
        for k, n in zip(keys, names, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=frame["average_status"].fillna(0),  # a zero-length bar still carries its label
            y=labels,
            orientation="h",
            marker={
                "color": [PILLAR_COLORS.get(x) for x in keys],
                "pattern": {"shape": [PILLAR_PATTERNS.get(x, "") for x in keys], "solidity": 0.4},
                "line": {"width": 1, "color": [PILLAR_COLORS.get(x) for x in keys]},
            },
            text=frame["average_status"].map(
                lambda v: "not enough data" if pd.isna(v) else f"{v:.1f}"
            ),
            textposition="outside",
            textfont=font(16),
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(
        range=[0, 4.6],
        tickvals=list(range(5)),
        ticktext=PROFILE_TICKS,
        tickangle=0,
        tickfont={"size": 13},
        showgrid=True,
        gridcolor=GRID_COLOR,
    )
    fig.update_yaxes(tickfont={"size": 16}, autorange="reversed")  # Pillar 1 first
    # Each bar's band as tall as its label (pillar and name, wrapped), so the first label
    # stays below the subtitle: it overlapped the subtitle in a fixed 440 px.
    lines = max(label.count("<br>") + 1 for label in labels)
    band = lines * LABEL_LINE + 26
    fig = layout(fig, meta, height=440, top=10, bottom=44)
    fig.update_layout(height=int(fig.layout.margin.t + fig.layout.margin.b + band * len(labels)))
    widest = text_width([part for label in labels for part in label.split("<br>")], size=16)
    if widest is not None:
        fig.update_layout(margin_l=margin_for(widest + TICK_LABEL_ROOM, least=16))
    return anchor_source(fig)
