"""Plotly figures for every page; each carries its title, filters, sources and a sample mark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard.models import NO_DATA, STATUS_LABELS

# Viridis stops: perceptually ordered and colour-blind safe; status is also given by symbol/label.
STATUS_COLORS = {0: "#FDE725", 1: "#7AD151", 2: "#22A884", 3: "#2A788E", 4: "#414487"}
NO_DATA_COLOR = "#D0D0D0"
TEXT_ON = {0: "#000000", 1: "#000000", 2: "#FFFFFF", 3: "#FFFFFF", 4: "#FFFFFF"}
# Okabe-Ito: categorical, colour-blind safe.
CATEGORICAL = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]
PILLAR_COLORS = {"Pillar 1": "#0072B2", "Pillar 2": "#E69F00", "Pillar 3": "#009E73"}
PILLAR_PATTERNS = {"Pillar 1": "", "Pillar 2": "/", "Pillar 3": "x"}
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 16, "color": "#111111"}
SAMPLE_TEXT = "SAMPLE DATA"


@dataclass(frozen=True)
class ChartMeta:
    """The words that make a chart stand on its own: title, filters, sources, sample flag."""

    title: str
    subtitle: str = ""
    sources: tuple[str, ...] = ()
    synthetic: bool = False
    exported: str = field(default_factory=lambda: dt.date.today().isoformat())
    file_stem: str = "rtop-chart"

    def source_line(self, *, limit: int = 3) -> str:
        """'Source: A; B; C and 4 more' (plain text)."""
        if not self.sources:
            return "Source: RtoP Monitor database"
        shown = list(self.sources[:limit])
        more = len(self.sources) - limit
        return "Source: " + "; ".join(shown) + (f" and {more} more" if more > 0 else "")


def _layout(fig: go.Figure, meta: ChartMeta, *, height: int = 520) -> go.Figure:
    fig.update_layout(
        title={
            "text": meta.title
            + (
                f"<br><span style='font-size:14px'>{_esc(meta.subtitle)}</span>"
                if meta.subtitle
                else ""
            ),
            "x": 0.01,
            "xanchor": "left",
        },
        font=FONT,
        height=height,
        margin={"l": 20, "r": 20, "t": 90, "b": 80},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font_size": 15},
    )
    fig.add_annotation(
        text=_esc(meta.source_line()) + f" · RtoP Monitor, {meta.exported}",
        xref="paper",
        yref="paper",
        x=0,
        y=-0.02,
        yshift=-50,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 12, "color": "#444444"},
        align="left",
    )
    if meta.synthetic:
        mark_sample(fig)
    return fig


def mark_sample(fig: go.Figure) -> go.Figure:
    """Write SAMPLE DATA across the figure (and a badge by the title) so no one mistakes it."""
    fig.add_annotation(
        text=SAMPLE_TEXT,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        textangle=-20,
        font={"size": 64, "color": "rgba(200, 30, 30, 0.22)"},
    )
    fig.add_annotation(
        text=f"<b>{SAMPLE_TEXT}</b>",
        xref="paper",
        yref="paper",
        x=1,
        y=1,
        yshift=60,
        xanchor="right",
        showarrow=False,
        font={"size": 16, "color": "#B00000"},
        bordercolor="#B00000",
        borderwidth=2,
        borderpad=4,
        bgcolor="white",
    )
    return fig


def _esc(text: str) -> str:
    """Escape text from data before Plotly renders it as (a subset of) HTML."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def has_sample_mark(fig: go.Figure) -> bool:
    """True when the figure carries the SAMPLE DATA mark."""
    return any(SAMPLE_TEXT in (a.text or "") for a in fig.layout.annotations)


def empty_figure(meta: ChartMeta, message: str) -> go.Figure:
    """A figure that says why there is nothing to draw, instead of a blank."""
    fig = go.Figure()
    fig.add_annotation(
        text=_esc(message),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 20},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, meta, height=320)


def _status_colorscale() -> list[list[object]]:
    """Discrete scale over -1 (no data) .. 4."""
    colors = [NO_DATA_COLOR] + [STATUS_COLORS[s] for s in range(5)]
    n = len(colors)
    scale: list[list[object]] = []
    for i, c in enumerate(colors):
        scale.append([i / n, c])
        scale.append([(i + 1) / n, c])
    return scale


def status_heatmap(*, matrix: pd.DataFrame, meta: ChartMeta) -> go.Figure:
    """Participants x recommendations, coloured by status with the symbol in each cell.

    An invisible marker sits on each cell centre so a click selects (participant, recommendation).
    """
    if matrix.empty:
        return empty_figure(meta, "No participants or recommendations in this selection.")
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
            + matrix["name"].map(_esc)
            + " · "
            + matrix["recommendation"]
            + "</b><br>"
            + matrix["status_label"]
            + "<br>"
            + matrix["indicators"].map(lambda s: "<br>".join(_esc(x) for x in s.split("<br>")))
        )
        .pivot(index="name", columns="recommendation", values="h")
        .reindex(index=people, columns=recs)
    )
    fig = go.Figure(
        go.Heatmap(
            z=z.fillna(-1).values,
            x=recs,
            y=people,
            zmin=-1.5,
            zmax=4.5,
            colorscale=_status_colorscale(),
            text=symbol.values,
            texttemplate="%{text}",
            textfont={"size": 18},
            customdata=hover.values,
            hovertemplate="%{customdata}<extra></extra>",
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": "Status"},
                "tickvals": [-1, 0, 1, 2, 3, 4],
                "ticktext": [f"– {NO_DATA}"]
                + [f"{s} {STATUS_LABELS[i]}" for i, s in zip(range(5), "○◔◑◕●", strict=True)],
            },
        )
    )
    cells = matrix.assign(x=matrix["recommendation"], y=matrix["name"])
    fig.add_trace(
        go.Scatter(
            x=cells["x"],
            y=cells["y"],
            mode="markers",
            marker={"size": 28, "opacity": 0.01, "color": "white"},
            customdata=cells[["participant_code", "recommendation"]].values,
            hoverinfo="skip",
            showlegend=False,
            name="cells",
        )
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 15})
    fig.update_xaxes(side="top", tickfont={"size": 16})
    return _layout(fig, meta, height=max(420, 30 * len(people) + 200))


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
                name=str(name),
                mode="lines+markers",
                line={
                    "color": CATEGORICAL[i % len(CATEGORICAL)],
                    "width": 3,
                    "dash": ["solid", "dash", "dot", "dashdot"][i % 4],
                },
                marker={"symbol": markers[i % len(markers)], "size": 9},
                hovertemplate="%{x}: %{y:.2f}<extra>" + _esc(str(name)) + "</extra>",
            )
        )
    fig.update_yaxes(
        range=[-0.2, 4.2],
        tickvals=list(range(5)),
        ticktext=[f"{s} {STATUS_LABELS[i]}" for i, s in zip(range(5), "○◔◑◕●", strict=True)],
        gridcolor="#E5E5E5",
    )
    fig.update_xaxes(dtick=1, gridcolor="#F0F0F0")
    fig.update_layout(legend={"orientation": "h", "y": -0.15})
    return _layout(fig, meta)


def timeline(*, events: pd.DataFrame, color_by: str, meta: ChartMeta) -> go.Figure:
    """Events as bars spanning their date precision (a year-precise event spans its year)."""
    if events.empty:
        return empty_figure(meta, "No events in this period for this selection.")
    column = "pillar" if color_by == "pillar" else "kind_label"
    groups = list(dict.fromkeys(events[column]))
    fig = go.Figure()
    for i, group in enumerate(groups):
        grp = events[events[column] == group]
        color = PILLAR_COLORS.get(group, CATEGORICAL[i % len(CATEGORICAL)])
        width_ms = (grp["end"] - grp["start"]).dt.total_seconds() * 1000
        width_ms = width_ms.clip(lower=20 * 86_400_000)  # at least ~3 weeks so a day shows
        fig.add_trace(
            go.Bar(
                base=grp["start"],
                x=width_ms,
                y=grp["title"].map(lambda t: _esc(t[:60])),
                orientation="h",
                name=_esc(str(group)),
                marker={"color": color},
                customdata=grp[["when", "source", "kind_label"]].map(_esc).values,
                hovertemplate="<b>%{y}</b><br>%{customdata[0]} · %{customdata[2]}"
                "<br>Source: %{customdata[1]}<extra></extra>",
            )
        )
    fig.update_xaxes(type="date", gridcolor="#EEEEEE")
    fig.update_yaxes(autorange="reversed", tickfont={"size": 13})
    fig.update_layout(barmode="overlay", legend={"orientation": "h", "y": -0.12})
    return _layout(fig, meta, height=max(420, 28 * len(events) + 200))


def pillar_bars(*, coverage: pd.DataFrame, measure: str, meta: ChartMeta) -> go.Figure:
    """Grouped bars: share at or above 'initiated' per participant, one bar per pillar."""
    if coverage.empty:
        return empty_figure(meta, "No participants in this selection.")
    column = "rec_share" if measure == "recommendations" else "ind_share"
    fig = go.Figure()
    for pillar, grp in coverage.groupby("pillar", sort=True):
        fig.add_trace(
            go.Bar(
                x=grp["name"],
                y=grp[column] * 100,
                name=str(pillar),
                marker={
                    "color": PILLAR_COLORS.get(str(pillar)),
                    "pattern": {"shape": PILLAR_PATTERNS.get(str(pillar), "")},
                },
                hovertemplate="%{x}: %{y:.0f}%<extra>" + str(pillar) + "</extra>",
            )
        )
    fig.update_yaxes(
        range=[0, 100],
        ticksuffix="%",
        title=f"{measure} at or above 'Initiated'",
        gridcolor="#E5E5E5",
    )
    fig.update_layout(
        barmode="group", legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right"}
    )
    fig.update_xaxes(tickangle=-45)
    return _layout(fig, meta, height=560)


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
                f"{_esc(str(row.indicator))}<br>{row.initiated} of {row.owners} "
                "at or above Initiated"
            )
        ids.append(f"{pillar}/{rec}")
        labels.append(str(rec).split(" ", 1)[0])
        parents.append(str(pillar))
        values.append(len(grp))
        colors.append(float(grp["share_initiated"].mean()))
        hovers.append(_esc(str(rec)))
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
                "colorbar": {"title": {"text": "Share ≥ Initiated"}, "tickformat": ".0%"},
            },
            customdata=hovers,
            hovertemplate="%{customdata}<extra></extra>",
            insidetextfont={"size": 14},
        )
    )
    return _layout(fig, meta, height=600)


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
        )
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=summary["total"] - summary["covered"],
            name="Not yet covered",
            marker={"color": "#D0D0D0", "pattern": {"shape": "/"}},
            text=summary["total"] - summary["covered"],
            textposition="inside",
        )
    )
    fig.update_layout(
        barmode="stack", legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right"}
    )
    fig.update_yaxes(title="regional roles (SG report 2011)", gridcolor="#E5E5E5")
    return _layout(fig, meta, height=440)


def profile_pillars(*, frame: pd.DataFrame, meta: ChartMeta) -> go.Figure:
    """One participant's average status by pillar (national recommendations)."""
    if frame.empty or frame["average_status"].isna().all():
        return empty_figure(meta, "Not enough data for an average by pillar.")
    labels = "Pillar " + frame["pillar"].astype(str)
    fig = go.Figure(
        go.Bar(
            x=frame["average_status"],
            y=labels,
            orientation="h",
            marker={
                "color": [PILLAR_COLORS.get(x) for x in labels],
                "pattern": {"shape": [PILLAR_PATTERNS.get(x, "") for x in labels]},
            },
            text=frame["average_status"].map(
                lambda v: "insufficient data" if pd.isna(v) else f"{v:.1f}"
            ),
            textposition="outside",
        )
    )
    fig.update_xaxes(
        range=[0, 4.5],
        tickvals=list(range(5)),
        ticktext=[STATUS_LABELS[i] for i in range(5)],
        gridcolor="#E5E5E5",
    )
    return _layout(fig, meta, height=340)
