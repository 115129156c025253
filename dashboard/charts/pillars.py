"""The Pillars page's figures: coverage bars, the breakdown sunburst, the SG roles."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import (
    FONT,
    GRID_COLOR,
    LEGEND_ROW,
    PILLAR_COLORS,
    PILLAR_PATTERNS,
    TICK_ROW,
    ChartMeta,
    colorbar,
    empty_figure,
    esc,
    font,
    layout,
    legend_top,
)


def pillar_bars(*, coverage: pd.DataFrame, measure: str, meta: ChartMeta) -> go.Figure:
    """Grouped bars: share at or above 'initiated' per participant, one bar per pillar."""
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
        title=f"{measure} at or above Initiated",
        showgrid=True,
        gridcolor=GRID_COLOR,
    )
    names = [str(n) for n in dict.fromkeys(coverage["name"])]
    fig.update_xaxes(tickangle=-45, tickfont={"size": 14})
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    legend_top(fig)
    # Labels at 45°: the longest name gives the drop below the axis (~8.7 px a character).
    drop = int((max(len(n) for n in names) * 8.7 + 18) * 0.71) + 14
    return layout(fig, meta, height=400 + drop + 170, top=LEGEND_ROW, bottom=drop)


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
    return layout(fig, meta, height=640, narrow=True)


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
    legend_top(fig)
    fig.update_yaxes(title="regional roles (SG report 2011)", showgrid=True, gridcolor=GRID_COLOR)
    fig.update_xaxes(tickfont={"size": 16})
    return layout(fig, meta, height=560, top=LEGEND_ROW, bottom=TICK_ROW, narrow=True)
