"""The Overview's figure: where the region stands on each national recommendation."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import (
    GRID_COLOR,
    NO_DATA_COLOR,
    STATUS_COLORS,
    TEXT_ON,
    TICK_SIZE,
    ChartMeta,
    Screen,
    anchor_source,
    empty_figure,
    esc,
    layout,
    legend_right,
)
from dashboard.charts.steady import TICK_LABEL_ROOM, margin_for, text_width

INSUFFICIENT_COLOR = "#EDEDED"  # lighter than no data: the two are told apart by symbol too
STALE_COLOR = "#F4EFE6"  # a warm pale grey: no current status, told apart by symbol and label
ROW = 44  # pixels per recommendation


def standing_bars(
    *, standing: pd.DataFrame, meta: ChartMeta, screen: Screen | None = None
) -> go.Figure:
    """One horizontal bar per national recommendation, split by how many selected participants
    are at each status; every segment says its status by symbol and count, not only colour.

    ``standing``: views.overview.rec_standing output (one row per recommendation and status);
    the segments run from Implemented on the left to no data on the right. With ``screen``
    (presentation mode), the chart is that size, every recommendation in it.
    """
    if standing.empty:
        return empty_figure(
            meta,
            "No national recommendations or no participants in this selection (regional "
            "recommendations are listed beside the chart).",
        )
    recs = list(dict.fromkeys(standing["recommendation"]))
    names = dict(zip(standing["recommendation"], standing["name"], strict=False))
    rows = [f"{rec} {names.get(rec, '')}".strip() for rec in recs]
    of = int(standing["of"].max())
    fig = go.Figure()
    for key in dict.fromkeys(standing.sort_values("rank", kind="stable")["key"]):
        part = standing[standing["key"] == key].set_index("recommendation").reindex(recs)
        symbol, label = str(part["symbol"].dropna().iloc[0]), str(part["label"].dropna().iloc[0])
        counts = part["count"].fillna(0).astype(int)
        status = int(key) if key.isdigit() else None
        colour = (
            STATUS_COLORS[status]
            if status is not None
            else {"insufficient": INSUFFICIENT_COLOR, "stale": STALE_COLOR}.get(key, NO_DATA_COLOR)
        )
        fig.add_trace(
            go.Bar(
                y=rows,
                x=counts,
                orientation="h",
                name=esc(f"{symbol} {label}"),
                marker={
                    "color": colour,
                    "line": {
                        "width": 1,
                        "color": "#8A8A8A" if key in ("insufficient", "stale") else "#FFFFFF",
                    },
                },
                text=[f"{symbol} {n}" if n else "" for n in counts],
                textposition="inside",
                textangle=0,  # a narrow segment hides its label (uniformtext) rather than turn it
                insidetextanchor="middle",
                textfont={
                    "size": TICK_SIZE,
                    "color": "#000000" if status is None else TEXT_ON[status],
                },
                customdata=[esc(f"{symbol} {label}")] * len(rows),
                hovertemplate="%{y}<br>%{customdata}: %{x} of " + str(of) + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", bargap=0.3, uniformtext={"minsize": 12, "mode": "hide"})
    fig.update_xaxes(
        range=[0, of],
        title=f"participants (of {of} selected)",
        showgrid=True,
        gridcolor=GRID_COLOR,
        dtick=max(1, round(of / 9)),
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": TICK_SIZE})
    # A column of statuses right of the bars: a row of seven would wrap over the title on a
    # narrow screen.
    legend_right(fig)
    fig.update_layout(legend_traceorder="normal")  # stacked bars list in reverse by default
    size = TICK_SIZE
    if screen is None:
        fig = layout(fig, meta, height=max(ROW * len(recs) + 220, 440), top=8, bottom=64)
    else:
        size = round(TICK_SIZE * screen.scale)
        fig = layout(fig, meta, top=8, bottom=round(64 * screen.scale), screen=screen)
        fig.update_yaxes(tickfont={"size": size})
        fig.update_traces(textfont_size=size)
        fig.update_layout(uniformtext_minsize=round(12 * screen.scale))
        fig.update_xaxes(dtick=max(1, round(of / 5)), tickangle=0)  # larger type, fewer ticks
    labels = text_width(rows, size=size)
    if labels is not None:  # as wide as the labels: the source line starts at the chart's edge
        fig.update_layout(margin_l=margin_for(labels + TICK_LABEL_ROOM, least=16))
    return anchor_source(fig)
