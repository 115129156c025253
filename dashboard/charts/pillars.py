"""The Pillars page's figures: coverage bars, the breakdown sunburst, the SG roles."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import (
    FONT,
    GRID_COLOR,
    MARGIN_R,
    MIN_NARROW,
    MIN_WIDE,
    PILLAR_COLORS,
    PILLAR_PATTERNS,
    TICK_ROW,
    TICK_SIZE,
    ChartMeta,
    Screen,
    anchor_source,
    colorbar,
    empty_figure,
    esc,
    font,
    layout,
    legend_room,
    legend_top,
)
from dashboard.charts.steady import TICK_LABEL_ROOM, margin_for, steady, text_width

# The y axis title's standoff from its tick labels (fixed: Plotly's default differs with the
# template), and the room it takes with a 15 px title beside them (measured in Chromium).
TITLE_STANDOFF = 5
AXIS_TITLE_ROOM = TITLE_STANDOFF + 10.5
# Participant names under the bars at most (45°, 14 px: about one per 22 px of a 900 px plot).
MAX_NAMES = 40


def pillar_bars(
    *, coverage: pd.DataFrame, measure: str, meta: ChartMeta, screen: Screen | None = None
) -> go.Figure:
    """Grouped bars: share at or above 'initiated' per participant, one bar per pillar. With
    ``screen`` (presentation mode), that size, every name under the bars whole."""
    if coverage.empty:
        return empty_figure(meta, "No participants in this selection.")
    column = "rec_share" if measure == "recommendations" else "ind_share"
    fig = go.Figure()
    for pillar, grp in coverage.groupby("pillar", sort=True):
        named = grp["pillar_name"].iloc[0] if "pillar_name" in grp else ""
        fig.add_trace(
            go.Bar(
                x=grp["name"],
                y=grp[column] * 100,
                name=esc(f"{pillar}: {named}" if named else str(pillar)),
                marker={
                    "color": PILLAR_COLORS.get(str(pillar)),
                    "pattern": {"shape": PILLAR_PATTERNS.get(str(pillar), ""), "solidity": 0.4},
                    "line": {"width": 1, "color": PILLAR_COLORS.get(str(pillar))},
                },
                hovertemplate="%{x}: %{y:.0f}%<extra>" + esc(str(pillar)) + "</extra>",
            )
        )
    fig.update_yaxes(
        range=[0, 100],
        ticksuffix="%",
        title={"text": f"{measure} at or above Initiated", "standoff": TITLE_STANDOFF},
        showgrid=True,
        gridcolor=GRID_COLOR,
    )
    names = [str(n) for n in dict.fromkeys(coverage["name"])]
    k = screen.scale if screen is not None else 1.0
    name_size = round(14 * k)
    fig.update_xaxes(tickangle=-45, tickfont={"size": name_size})
    if len(names) > MAX_NAMES:
        # Every k-th name, fixed: with Plotly choosing which names fit, a long name that landed
        # on a tick pushed the left margin, the narrower plot showed other names, the margin
        # came back, and so on: Plotly drew the chart over and over (0.5-1.0 s in headless
        # Chromium for 320 participants at 1111 px, against ~0.1 s for one draw). With the
        # names fixed, the margins settle at once.
        fig.update_xaxes(tickmode="linear", tick0=0, dtick=math.ceil(len(names) / MAX_NAMES))
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    # The left margin as wide as Plotly's automargin makes it (the y labels and title, or the
    # first name where it reaches further left of its tick): a margin pushed after the first
    # draw draws the chart again (~50 ms of 960 bars in headless Chromium).
    ticks = text_width(["100%"], size=round(TICK_SIZE * k))
    first = text_width(names[:1], size=name_size)
    left = None
    if ticks is not None and first is not None:
        need = max(ticks + TICK_LABEL_ROOM + AXIS_TITLE_ROOM * k, first * 0.7071 + 6)
        left = margin_for(need, least=16)
    wide = screen.width if screen is not None else MIN_WIDE
    legend = [str(t.name) for t in fig.data]
    room = legend_top(fig, names=legend, width=wide - (left or 80) - MARGIN_R)
    if screen is not None:
        room = legend_room(legend, width=wide - (left or 80) - MARGIN_R, size=TICK_SIZE * k)
    # Labels at 45°: the longest name gives the drop below the axis (measured, at 45°).
    longest = text_width(names, size=name_size)
    reach = longest if longest is not None else max(len(n) for n in names) * 8.7 * k
    drop = int((reach + 18) * 0.71) + 14
    fig = layout(fig, meta, height=400 + drop + 134 + room, top=room, bottom=drop, screen=screen)
    if left is not None:
        fig.update_layout(margin_l=left)
    return steady(anchor_source(fig))


def breakdown_sunburst(*, breakdown: pd.DataFrame, meta: ChartMeta) -> go.Figure:
    """Pillar -> recommendation -> indicator, coloured by the share at or above 'initiated'."""
    if breakdown.empty:
        return empty_figure(meta, "No indicators in this selection.")
    ids, labels, parents, values, colors, hovers = [], [], [], [], [], []
    for (pillar, rec), grp in breakdown.groupby(["pillar", "recommendation"], sort=True):
        for row in grp.itertuples():
            ids.append(f"{pillar}/{rec}/{row.indicator}")
            labels.append(str(row.indicator).split(" ", 1)[0])
            parents.append(f"{pillar}/{rec}")
            values.append(1)
            colors.append(float(row.share_initiated))
            hovers.append(
                f"{esc(str(row.indicator))}<br>{row.initiated} of {row.owners} "
                "at or above Initiated"
            )
        ids.append(f"{pillar}/{rec}")
        labels.append(str(rec).split(" ", 1)[0])
        parents.append(str(pillar))
        values.append(len(grp))
        colors.append(float(grp["share_initiated"].mean()))
        hovers.append(esc(str(rec)))
    for pillar, grp in breakdown.groupby("pillar"):
        ids.append(str(pillar))
        labels.append(str(pillar))
        parents.append("")
        values.append(len(grp))
        colors.append(float(grp["share_initiated"].mean()))
        hovers.append(str(pillar))
    fig = go.Figure(
        go.Sunburst(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            marker={
                "colors": colors,
                "colorscale": "Viridis_r",
                "cmin": 0,
                "cmax": 1,
                "line": {"width": 1, "color": "white"},
                "colorbar": colorbar("Share ≥<br>Initiated", tickformat=".0%"),
            },
            customdata=hovers,
            hovertemplate="%{customdata}<extra></extra>",
            insidetextfont={"size": 15, "family": FONT["family"]},
            insidetextorientation="radial",
        )
    )
    return steady(layout(fig, meta, height=640, narrow=True))


BREAKDOWN_ROW = 26  # pixels per indicator


def breakdown_bars(*, breakdown: pd.DataFrame, meta: ChartMeta) -> go.Figure:
    """Pillar -> recommendation -> indicator as bars, one per indicator by its name: the share
    of its owners (the selected participants, or the region) at or above 'initiated', grouped
    under its recommendation, in its pillar's colour and pattern. Readable where a sunburst
    could only show codes."""
    if breakdown.empty:
        return empty_figure(meta, "No indicators in this selection.")
    frame = breakdown.assign(
        rec=breakdown["recommendation"].astype(str).str.split(" ", n=1).str[0],
        name=breakdown.get("indicator_name", breakdown["indicator"]).astype(str),
    )
    frame = frame.assign(order=frame["rec"].str.extract(r"R(\d+)")[0].astype(float))
    frame = frame.sort_values(["order", "indicator"], kind="stable")
    fig = go.Figure()
    for pillar, grp in frame.groupby("pillar", sort=True):
        colour = PILLAR_COLORS.get(str(pillar))
        fig.add_trace(
            go.Bar(
                x=(grp["share_initiated"].astype(float) * 100).tolist(),
                y=[grp["rec"].tolist(), grp["name"].map(esc).tolist()],
                orientation="h",
                name=esc(str(pillar)),
                marker={
                    "color": colour,
                    "pattern": {"shape": PILLAR_PATTERNS.get(str(pillar), ""), "solidity": 0.4},
                    "line": {"width": 1, "color": colour},
                },
                text=[f"{i} of {o}" for i, o in zip(grp["initiated"], grp["owners"], strict=True)],
                textposition="outside",
                cliponaxis=False,
                textfont=font(13),
                customdata=grp["recommendation"].map(esc).tolist(),
                hovertemplate="%{y}<br>%{customdata}<br>%{text} at or above Initiated"
                "<extra></extra>",
            )
        )
    fig.update_xaxes(
        range=[0, 112],
        ticksuffix="%",
        title={"text": "share of its owners at or above Initiated", "standoff": TITLE_STANDOFF},
        showgrid=True,
        gridcolor=GRID_COLOR,
        tickvals=[0, 25, 50, 75, 100],
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 14}, showdividers=True)
    fig.update_layout(barmode="overlay", bargap=0.25)
    # The left margin as wide as the two levels of labels (recommendation, indicator) take
    inner = text_width(frame["name"].tolist(), size=14)
    outer = text_width(frame["rec"].tolist(), size=14)
    left = None
    if inner is not None and outer is not None:
        left = margin_for(inner + outer + 2 * TICK_LABEL_ROOM + 10, least=16)
    room = legend_top(
        fig, names=[str(t.name) for t in fig.data], width=MIN_WIDE - (left or 360) - MARGIN_R
    )
    height = BREAKDOWN_ROW * len(frame) + 194 + room
    fig = layout(fig, meta, height=height, top=room, bottom=TICK_ROW + 26)
    if left is not None:
        fig.update_layout(margin_l=left)
    return steady(anchor_source(fig))


def sg_coverage_bars(*, roles: pd.DataFrame, meta: ChartMeta) -> go.Figure:
    """Per pillar: SG-report regional roles addressed by a recommendation at or above initiated."""
    if roles.empty:
        return empty_figure(meta, "No roles in this selection.")
    summary = (
        roles.groupby("pillar")
        .agg(total=("role", "count"), covered=("covered", "sum"))
        .reset_index()
    )
    labels = "Pillar " + summary["pillar"].astype(str)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=summary["covered"],
            name="Covered (≥ Initiated)",
            marker={"color": "#0072B2"},
            text=summary["covered"],
            textposition="inside",
            textfont=font(18, "#FFFFFF"),
        )
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=summary["total"] - summary["covered"],
            name="Not yet covered",
            marker={
                "color": "#E6E6E6",
                "pattern": {"shape": "/", "fgcolor": "#9A9A9A"},
                "line": {"width": 1, "color": "#777777"},
            },
            text=summary["total"] - summary["covered"],
            textposition="inside",
            textfont=font(18, "#111111"),
        )
    )
    fig.update_layout(barmode="stack")
    ticks = text_width([str(int(summary["total"].max()))], size=TICK_SIZE)
    left = (
        None if ticks is None else margin_for(ticks + TICK_LABEL_ROOM + AXIS_TITLE_ROOM, least=16)
    )
    room = legend_top(
        fig, names=[str(t.name) for t in fig.data], width=MIN_NARROW - (left or 60) - MARGIN_R
    )
    fig.update_yaxes(
        title={"text": "regional roles (SG report 2011)", "standoff": TITLE_STANDOFF},
        showgrid=True,
        gridcolor=GRID_COLOR,
    )
    fig.update_xaxes(tickfont={"size": 16})
    fig = layout(fig, meta, height=524 + room, top=room, bottom=TICK_ROW, narrow=True)
    if left is not None:
        fig.update_layout(margin_l=left)
    return steady(anchor_source(fig))
