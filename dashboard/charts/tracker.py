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
    Screen,
    anchor_source,
    colorbar,
    empty_figure,
    esc,
    layout,
    status_colorscale,
)
from dashboard.charts.steady import (
    COLORBAR_LABEL_ROOM,
    TICK_LABEL_ROOM,
    margin_for,
    steady,
    text_width,
)
from dashboard.core.models import NO_DATA, STATUS_LABELS

# The symbols' colour by status (-1: no data or insufficient data, on grey): near-black up to
# Initiated (7:1 on its teal, where Plotly's auto-contrast dark grey was 3.2:1), white on the
# two darkest cells (5:1 and 8.7:1).
SYMBOL_COLORS = {level: "#111111" if level <= 2 else "#FFFFFF" for level in range(-1, 5)}
COLORBAR_PAD = 15  # between the cells and the colour bar


def status_heatmap(
    *, matrix: pd.DataFrame, meta: ChartMeta, screen: Screen | None = None
) -> go.Figure:
    """Participants x recommendations, coloured by status with the symbol in each cell.

    Each cell's symbol is a text point on its centre, so a click selects (participant,
    recommendation). With ``screen`` (presentation mode), every row fits that height: the rows,
    names and symbols as large as the room allows.
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
    hover = (
        "<b>"
        + matrix["name"].map(esc)
        + " · "
        + matrix["recommendation"]
        + "</b><br>"
        + matrix["status_label"]
        + "<br>"
        + matrix["indicators"].map(lambda s: "<br>".join(esc(x) for x in s.split("<br>")))
    )
    keys = [f"– {NO_DATA}<br>◌ Insufficient data<br>◷ Stale evidence"] + [
        f"{s} {STATUS_LABELS[i]}" for i, s in enumerate(STATUS_SYMBOLS)
    ]
    # Names on category axes: numeric positions with 320 array tick labels cost the browser
    # about 1.5 s more per draw of the large tracker than the ~75 kB they save.
    fig = go.Figure(
        go.Heatmap(
            z=z.fillna(-1).values.tolist(),
            x=recs,
            y=people,
            zmin=-1.5,
            zmax=4.5,
            colorscale=status_colorscale(),
            hoverinfo="skip",  # the symbols' traces below carry the hover text (sent once)
            xgap=3,
            ygap=3,
            colorbar=colorbar(
                "Status",
                tickvals=[-1, 0, 1, 2, 3, 4],
                ticktext=keys,
                len=1,
                lenmode="fraction",
                x=1,  # at the plot's edge plus xpad: its room does not depend on the width
                xpad=COLORBAR_PAD,
                y=1,
                yanchor="top",
                ypad=0,
            ),
        )
    )
    # The symbols are the click targets: Plotly fires no click or selection events for heatmaps
    # (Streamlit gets no points), so each cell's symbol is a text point on its centre that
    # carries (participant, recommendation) and the cell's hover text; one SVG text per cell
    # (a heatmap texttemplate plus invisible markers drew two nodes per cell: ~0.2 s more per
    # draw of the 320-participant tracker). One trace per status, each with its text colour
    # (dark grey on light cells, white on dark ones) also for its selected points: then a click
    # dims none of the other symbols (Plotly fades unselected text otherwise).
    cells = matrix.assign(
        level=matrix["status"].fillna(-1).astype(int),
        sym=matrix["status_label"].str.split(" ").str[0],
        hover=hover,
    )
    for level, grp in cells.groupby("level", sort=True):
        color = SYMBOL_COLORS[int(level)]
        fig.add_trace(
            go.Scatter(
                x=grp["recommendation"].tolist(),
                y=grp["name"].tolist(),
                mode="text",
                text=grp["sym"].tolist(),
                textfont={"size": 22, "family": FONT["family"], "color": color},
                selected={"textfont": {"color": color}},
                customdata=grp[["participant_code", "recommendation"]].values.tolist(),
                hovertext=grp["hover"].tolist(),
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                name=NO_DATA if level < 0 else STATUS_LABELS[int(level)],
            )
        )
    # Explicit ranges: the symbols' traces would otherwise pad the axes past the cells.
    # No tick marks (as the default template had them): the cells name their rows and columns,
    # and the labels' room is then the same with any template (see the margins below).
    names_size, column_size, symbol_size, key_size = TICK_SIZE, 17, 22, TICK_SIZE
    if screen is None:
        row = 34
        fig = layout(fig, meta, height=max(180, row * len(people)) + 190, top=TICK_ROW, bottom=0)
    else:  # every row on the screen, the type as large as a row allows
        fig = layout(fig, meta, top=round(TICK_ROW * screen.scale), bottom=0, screen=screen)
        room = screen.height - fig.layout.margin.t - fig.layout.margin.b
        row = room / max(len(people), 1)
        names_size = int(min(TICK_SIZE * screen.scale, row * 0.72))
        symbol_size = int(min(22 * screen.scale, row * 0.82))
        column_size, key_size = round(17 * screen.scale), round(TICK_SIZE * screen.scale)
        for trace in fig.data[1:]:
            trace.textfont.size = symbol_size
        fig.data[0].colorbar.tickfont.size = key_size
        fig.data[0].colorbar.title.font.size = key_size
    fig.update_yaxes(
        range=[len(people) - 0.5, -0.5], tickfont={"size": names_size}, showgrid=False, ticks=""
    )
    fig.update_xaxes(
        range=[-0.5, len(recs) - 0.5],
        side="top",
        tickfont={"size": column_size},
        showgrid=False,
        ticks="",
    )
    # The nearest cell centre answers wherever the pointer is: hover and click work on the whole
    # cell, not only on its symbol. Streamlit sets clickmode, hovermode and dragmode on a chart
    # with selections unless the figure does: the same values here, so its mount does not
    # change the layout (which would draw the chart a second time).
    fig.update_layout(
        hoverdistance=-1, clickmode="event+select", hovermode="closest", dragmode="pan"
    )
    # Margins as wide as Plotly's automargin makes them (the longest name left of the rows, the
    # colour bar's labels right of them): a margin pushed after the first draw draws the whole
    # chart again (~0.25 s of the 320-participant tracker in headless Chromium).
    names = text_width(people, size=names_size)
    labels = text_width([line for key in keys for line in key.split("<br>")], size=key_size)
    left = margin_for(None if names is None else names + TICK_LABEL_ROOM, least=16)
    bar = float(fig.data[0].colorbar.thickness or 30) + 2 * COLORBAR_PAD
    right = margin_for(None if labels is None else labels + bar + COLORBAR_LABEL_ROOM, least=24)
    if left is not None and right is not None:
        fig.update_layout(margin_l=left, margin_r=right)
    return steady(anchor_source(fig))
