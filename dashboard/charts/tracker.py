"""The tracker's heatmap: participants x recommendations, status by colour, symbol and label."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import (
    FONT,
    STATUS_SYMBOLS,
    TICK_ROW,
    TICK_SIZE,
    ChartMeta,
    colorbar,
    empty_figure,
    esc,
    layout,
    status_colorscale,
)
from dashboard.core.models import NO_DATA, STATUS_LABELS


def status_heatmap(*, matrix: pd.DataFrame, meta: ChartMeta) -> go.Figure:
    """Participants x recommendations, coloured by status with the symbol in each cell.

    An invisible marker sits on each cell centre so a click selects (participant, recommendation).
    """
    if matrix.empty:
        return empty_figure(
            meta,
            "Nothing to show: no participants or no national recommendations in this selection "
            "(regional recommendations are in the regional track below).",
        )
    people = list(dict.fromkeys(matrix["name"]))
    recs = list(dict.fromkeys(matrix["recommendation"]))
    z = matrix.pivot(index="name", columns="recommendation", values="status").reindex(
        index=people, columns=recs
    )
    symbol = (
        matrix.assign(sym=matrix["status_label"].str.split(" ").str[0])
        .pivot(index="name", columns="recommendation", values="sym")
        .reindex(index=people, columns=recs)
    )
    hover = (
        matrix.assign(
            h="<b>"
            + matrix["name"].map(esc)
            + " · "
            + matrix["recommendation"]
            + "</b><br>"
            + matrix["status_label"]
            + "<br>"
            + matrix["indicators"].map(lambda s: "<br>".join(esc(x) for x in s.split("<br>")))
        )
        .pivot(index="name", columns="recommendation", values="h")
        .reindex(index=people, columns=recs)
    )
    # Names on category axes: numeric positions with 320 array tick labels cost the browser
    # about 1.5 s more per draw of the large tracker than the ~75 kB they save.
    fig = go.Figure(
        go.Heatmap(
            z=z.fillna(-1).values,
            x=recs,
            y=people,
            zmin=-1.5,
            zmax=4.5,
            colorscale=status_colorscale(),
            text=symbol.values,
            texttemplate="%{text}",
            textfont={"size": 22, "family": FONT["family"]},
            hoverinfo="skip",  # the click markers below carry the hover text (sent once)
            xgap=3,
            ygap=3,
            colorbar=colorbar(
                "Status",
                tickvals=[-1, 0, 1, 2, 3, 4],
                ticktext=[f"– {NO_DATA}<br>◌ Insufficient data"]
                + [f"{s} {STATUS_LABELS[i]}" for i, s in enumerate(STATUS_SYMBOLS)],
                len=1,
                lenmode="fraction",
                y=1,
                yanchor="top",
                ypad=0,
            ),
        )
    )
    # Click targets: Plotly fires no click or selection events for heatmaps (Streamlit gets no
    # points), and none for a trace with hoverinfo "skip", so each cell centre has a
    # near-invisible square marker that carries (participant, recommendation) and the cell's
    # hover text.
    cells = matrix.assign(x=matrix["recommendation"], y=matrix["name"])
    fig.add_trace(
        go.Scatter(
            x=cells["x"],
            y=cells["y"],
            mode="markers",
            marker={"size": 30, "opacity": 0.01, "color": "white", "symbol": "square"},
            customdata=cells[["participant_code", "recommendation"]].values,
            text=[
                hover.at[y, x]
                for x, y in zip(matrix["recommendation"], matrix["name"], strict=True)
            ],
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
            name="cells",
        )
    )
    # Explicit ranges: the click markers would otherwise pad the axes past the cells.
    fig.update_yaxes(range=[len(people) - 0.5, -0.5], tickfont={"size": TICK_SIZE}, showgrid=False)
    fig.update_xaxes(
        range=[-0.5, len(recs) - 0.5], side="top", tickfont={"size": 17}, showgrid=False
    )
    row = 34
    fig = layout(fig, meta, height=max(180, row * len(people)) + 190, top=TICK_ROW, bottom=0)
    # The nearest cell centre answers wherever the pointer is: hover and click work on the whole
    # cell, not only on its marker.
    fig.update_layout(hoverdistance=-1)
    return fig
