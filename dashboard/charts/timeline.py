"""The Timeline page's figures: events on a time axis, and status over time."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import (
    CATEGORICAL,
    GRID_COLOR,
    MIN_WIDE,
    STATUS_SYMBOLS,
    TICK_ROW,
    TICK_SIZE,
    ChartMeta,
    Screen,
    anchor_source,
    empty_figure,
    esc,
    group_style,
    layout,
    legend_right,
    legend_top,
)
from dashboard.charts.steady import TICK_LABEL_ROOM, margin_for, text_width
from dashboard.core.models import STATUS_LABELS


def status_lines(*, frame: pd.DataFrame, meta: ChartMeta) -> go.Figure:
    """Status over time per participant (or the mean and the region)."""
    if frame.empty:
        return empty_figure(meta, "No status data in this period for this selection.")
    fig = go.Figure()
    markers = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross", "hexagon"]
    for i, (name, grp) in enumerate(frame.groupby("participant", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=grp["year"],
                y=grp["status"],
                name=esc(str(name)),
                mode="lines+markers",
                line={
                    "color": CATEGORICAL[i % len(CATEGORICAL)],
                    "width": 3,
                    "dash": ["solid", "dash", "dot", "dashdot"][i % 4],
                },
                marker={"symbol": markers[i % len(markers)], "size": 10},
                hovertemplate="%{x}: %{y:.2f}<extra>" + esc(str(name)) + "</extra>",
            )
        )
    fig.update_yaxes(
        range=[-0.2, 4.2],
        tickvals=list(range(5)),
        ticktext=[f"{s} {STATUS_LABELS[i]}" for i, s in enumerate(STATUS_SYMBOLS)],
        showgrid=True,
        gridcolor=GRID_COLOR,
        zeroline=False,
    )
    first, last = int(frame["year"].min()), int(frame["year"].max())
    fig.update_xaxes(
        range=[first - 0.4, last + 0.4],
        dtick=1 if last - first <= 10 else 2,
        showgrid=True,
        gridcolor="#F0F0F0",
        tickangle=0,
    )
    legend_right(fig)
    fig = layout(fig, meta, height=560, bottom=TICK_ROW)
    ticks = text_width([f"{s} {STATUS_LABELS[i]}" for i, s in enumerate(STATUS_SYMBOLS)], size=15)
    if ticks is not None:
        fig.update_layout(margin_l=margin_for(ticks + TICK_LABEL_ROOM, least=16))
    return anchor_source(fig)


def event_timeline(
    *,
    events: pd.DataFrame,
    color_by: str,
    meta: ChartMeta,
    period: tuple[int, int] | None = None,
) -> go.Figure:
    """Events as bars spanning their date precision (a year-precise event spans its year); the
    time axis covers ``period`` (first and last year), the period the subtitle names."""
    if events.empty:
        return empty_figure(meta, "No events in this period for this selection.")
    column = "pillar" if color_by == "pillar" else "kind_label"
    groups = list(dict.fromkeys(events[column]))
    # A kind keeps its colour and pattern by its stored name ('un_dialogue'), shown by its name
    styles = _lane_styles(events, column)
    # One row per event: titles repeat (yearly meetings), so the row is the title and its date.
    rows = events["title"].map(lambda t: t if len(t) <= 34 else t[:32] + "…")
    events = events.assign(row=(rows + " (" + events["when"].astype(str) + ")").map(esc))
    fig = go.Figure()
    for group in groups:
        grp = events[events[column] == group]
        color, pattern = group_style(styles.get(group, str(group)))
        width_ms = (grp["end"] - grp["start"]).dt.total_seconds() * 1000
        width_ms = width_ms.clip(lower=20 * 86_400_000)  # at least ~3 weeks so a day shows
        fig.add_trace(
            go.Bar(
                base=grp["start"],
                x=width_ms,
                y=grp["row"],
                orientation="h",
                name=esc(str(group)),
                marker=_bar_marker(color, pattern, line=(1, "#333333")),
                customdata=grp[["when", "source", "kind_label"]].map(esc).values,
                hovertemplate="<b>%{y}</b><br>%{customdata[0]} · %{customdata[2]}"
                "<br>Source: %{customdata[1]}<extra></extra>",
            )
        )
    # The dates on top, where the eye starts (a long list of events puts the bottom of the
    # plot far below the first screen), and ticks mirrored at the bottom.
    fig.update_xaxes(
        type="date", showgrid=True, gridcolor="#E8E8E8", tickangle=0, side="top",
        mirror="allticks", ticks="outside", showline=True, linecolor="#888888",
    )  # fmt: skip
    if period is not None:
        fig.update_xaxes(range=[f"{period[0]}-01-01", f"{period[1]}-12-31"])
    fig.update_yaxes(autorange="reversed", tickfont={"size": 14})
    fig.update_layout(barmode="overlay")
    # The legend above the plot, not beside it: the plot keeps the width (at 1366 px a side
    # legend left it about 150 px wide), with as many rows as its entries need at 1366 px.
    names = text_width(events["row"].map(_unescape).tolist(), size=14)
    left = None if names is None else margin_for(names + TICK_LABEL_ROOM, least=16)
    room = legend_top(fig, names=[str(g) for g in groups], width=MIN_WIDE - (left or 330) - 24)
    height = max(300, 30 * len(events)) + 190 + room + TICK_ROW
    fig = layout(fig, meta, height=height, top=room + TICK_ROW, bottom=12)
    if left is not None:
        fig.update_layout(margin_l=left)
    return anchor_source(fig)


def _unescape(text: str) -> str:
    return str(text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def event_lanes(
    *,
    events: pd.DataFrame,
    color_by: str,
    meta: ChartMeta,
    screen: Screen,
    period: tuple[int, int] | None = None,
) -> go.Figure:
    """Presentation mode's timeline: one lane per kind (or pillar), named with its count, each
    event a mark at its date drawn to its precision, under a date axis; every event on one
    screen however many there are (the page's one row per event runs far below it)."""
    if events.empty:
        return empty_figure(meta, "No events in this period for this selection.")
    column = "pillar" if color_by == "pillar" else "kind_label"
    groups = list(dict.fromkeys(events[column]))
    counts = events[column].value_counts()
    lanes = {g: f"{esc(str(g))} ({int(counts[g])})" for g in groups}
    styles = _lane_styles(events, column)
    k = screen.scale
    fig = go.Figure()
    for group in groups:
        grp = events[events[column] == group]
        color, pattern = group_style(styles.get(group, str(group)))
        width_ms = (grp["end"] - grp["start"]).dt.total_seconds() * 1000
        width_ms = width_ms.clip(lower=45 * 86_400_000)  # at least ~6 weeks: a day shows
        fig.add_trace(
            go.Bar(
                base=grp["start"],
                x=width_ms,
                y=[lanes[group]] * len(grp),
                orientation="h",
                name=esc(str(group)),
                showlegend=False,
                opacity=0.85,
                marker=_bar_marker(color, pattern, line=(1.5, "#222222")),
                customdata=grp[["when", "title"]].map(esc).values,
                hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[0]}<extra></extra>",
            )
        )
    fig.update_layout(barmode="overlay", bargap=0.35)
    fig.update_xaxes(
        type="date", showgrid=True, gridcolor="#E0E0E0", tickangle=0, dtick="M24",
        tickformat="%Y", ticks="outside", showline=True, linecolor="#888888",
    )  # fmt: skip
    if period is not None:
        fig.update_xaxes(range=[f"{period[0]}-01-01", f"{period[1]}-12-31"])
    size = round(TICK_SIZE * k)
    fig.update_yaxes(autorange="reversed", tickfont={"size": size})
    fig = layout(fig, meta, top=8, bottom=round(TICK_ROW * k), screen=screen)
    fig.update_xaxes(tickfont={"size": size})
    names = text_width([_unescape(v) for v in lanes.values()], size=size)
    if names is not None:
        fig.update_layout(margin_l=margin_for(names + TICK_LABEL_ROOM, least=16))
    return anchor_source(fig)


def _lane_styles(events: pd.DataFrame, column: str) -> dict[str, str]:
    """A kind keeps its colour and pattern by its stored name ('un_dialogue' as 'un dialogue'),
    whatever its lane is called; lanes by pillar have no such styles."""
    if column != "kind_label" or "kind" not in events:
        return {}
    kinds = events["kind"].astype(str).str.replace("_", " ").replace("", "other")
    return dict(zip(events[column], kinds, strict=False))


def _bar_marker(color: str, pattern: str, *, line: tuple[float, str]) -> dict[str, object]:
    """An event bar's fill: the kind's colour with white hatching over it, and its outline."""
    return {
        "color": color,
        "pattern": {"shape": pattern, "solidity": 0.4, "fgcolor": "#FFFFFF", "fillmode": "overlay"},
        "line": {"width": line[0], "color": line[1]},
    }
