"""The map as a Plotly figure for PNG/SVG export and the briefing packs: the same Scene as the
screen, drawn on plain axes (no map library, no tiles, nothing fetched).

Labels are annotations, each in a white box with its status symbol and the participant's name:
unlike a map library's text they are never hidden when they come close, never faded in, and
read on any fill.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import TICK_SIZE, ChartMeta, esc, font, layout
from dashboard.maps import labels, status
from dashboard.maps.scene import CAPTION, Scene, caption_box, scene_for

BORDER = "#464646"
FRAME = "#3c3c3c"
LABEL_BOX = "rgba(255,255,255,0.93)"
LABEL_EDGE = "#5a5a5a"
EXPORT_HEIGHT = 900  # the figure's height (a 1600 x 900 image by default)


def static_map(
    *, values: pd.DataFrame, meta: ChartMeta, plot: tuple[int, int] = (1380, 760)
) -> go.Figure:
    """The status map as a Plotly figure (white background, no tiles): every participant's
    point and named label (Southeast Asia in its inset), status by colour and by symbol, a
    legend. ``plot`` is the (width, height) in CSS px the picture is fitted into and its labels
    laid out for (the default: a 1600 x 900 px image; a briefing pack gives its page's)."""
    width, height = plot
    scene = scene_for(values, width=width, height=height)
    kinds = dict(zip(values["code"].astype(str), status.kinds(values), strict=True))
    names = dict(zip(values["code"].astype(str), values["name"].astype(str), strict=True))
    labels_of = dict(
        zip(values["code"].astype(str), values["status_label"].astype(str), strict=True)
    )
    selected = dict(zip(values["code"].astype(str), values["selected"].astype(bool), strict=True))
    fig = go.Figure()
    for kind in status.KINDS:  # the fills, one trace per colour (selected and not)
        for sel in (True, False):
            xs: list[float | None] = []
            ys: list[float | None] = []
            for part in scene.parts:
                if kinds.get(part.code, "none") == kind and selected.get(part.code, True) == sel:
                    xs += [float(x) for x in part.ring[:, 0]] + [None]
                    ys += [float(y) for y in part.ring[:, 1]] + [None]
            if xs:
                fig.add_trace(
                    go.Scatter(
                        x=xs,
                        y=ys,
                        mode="lines",
                        fill="toself",
                        fillcolor=status.COLOR[kind],
                        opacity=1.0 if sel else 0.45,
                        line={"color": BORDER, "width": 0.7},
                        hoverinfo="skip",
                        showlegend=False,
                    )
                )
    lead_x: list[float | None] = []
    lead_y: list[float | None] = []
    radius = {(m.code, m.x, m.y): m.r for m in scene.markers}
    for label in scene.labels:
        if label.leader:
            gap = radius.get((label.code, label.px, label.py), 6.0) + 0.5
            (x0, y0), (x1, y1) = labels.leader_start(label), labels.leader_end(label, gap=gap)
            lead_x += [x0, x1, None]
            lead_y += [y0, y1, None]
    fig.add_trace(
        go.Scatter(
            x=lead_x,
            y=lead_y,
            mode="lines",
            hoverinfo="skip",
            showlegend=False,
            line={"color": "#282828", "width": 1.2},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[m.x for m in scene.markers],
            y=[m.y for m in scene.markers],
            mode="markers",
            marker={
                "size": [2 * m.r for m in scene.markers],
                "color": [status.COLOR[kinds.get(m.code, "none")] for m in scene.markers],
                "line": {"color": "#141414", "width": 1.5},
            },
            hovertext=[
                f"{esc(names.get(m.code, m.code))}: {esc(labels_of.get(m.code, ''))}"
                for m in scene.markers
            ],
            hoverinfo="text",
            showlegend=False,
        )
    )
    for _kind, colour, text in status.legend():  # the key: a swatch, symbol and label each
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=esc(text),
                showlegend=True,
                marker={
                    "symbol": "square",
                    "size": 15,
                    "color": colour,
                    "line": {"color": "#333333", "width": 1},
                },
            )
        )
    for label in scene.labels:
        symbol = status.SYMBOL[kinds.get(label.code, "none")]
        cx, cy = label.centre
        fig.add_annotation(
            x=cx,
            y=cy,
            xref="x",
            yref="y",
            showarrow=False,
            text=f"{symbol} {esc(scene.name(label.code))}",
            font=font(label.size),
            bgcolor=LABEL_BOX,
            bordercolor=LABEL_EDGE,
            borderwidth=1,
            borderpad=2,
        )
    _frames(fig, scene)
    fig.update_xaxes(range=[0, width], visible=False, fixedrange=True, constrain="domain")
    fig.update_yaxes(
        range=[height, 0],
        visible=False,
        fixedrange=True,
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
    )
    fig = layout(fig, meta, height=EXPORT_HEIGHT)
    fig.update_layout(
        showlegend=True,
        legend={
            "x": 0,
            "y": 0,
            "xanchor": "left",
            "yanchor": "bottom",
            "orientation": "v",
            "font": font(TICK_SIZE),
            "bgcolor": "rgba(255,255,255,0.9)",
            "title": {"text": "Status", "font": font(TICK_SIZE)},
        },
    )
    return fig


def _frames(fig: go.Figure, scene: Scene) -> None:
    """The inset's frame and caption, and the outline of the region it enlarges."""
    pic = scene.picture
    inset, region = pic.box_px(pic.target), pic.box_px(pic.source)
    fig.add_shape(
        type="rect",
        x0=region.x0,
        y0=region.y0,
        x1=region.x1,
        y1=region.y1,
        line={"color": "#555555", "width": 1},
    )
    fig.add_shape(
        type="line",
        x0=region.x1,
        y0=(region.y0 + region.y1) / 2,
        x1=inset.x0,
        y1=inset.y0 + 12,
        line={"color": "#555555", "width": 1},
    )
    fig.add_shape(
        type="rect",
        x0=inset.x0,
        y0=inset.y0,
        x1=inset.x1,
        y1=inset.y1,
        line={"color": FRAME, "width": 1.5},
    )
    caption = caption_box(inset, scene.label_px - 1)
    fig.add_annotation(
        x=caption.x0 + 5,
        y=caption.y1 - 4,
        xref="x",
        yref="y",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        text=CAPTION,
        font=font(scene.label_px - 1),
    )
