"""Plotly figures for every page; each carries its title, filters, sources and a sample mark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.models import NO_DATA, STATUS_LABELS
from dashboard.core.scoring import RULE_VERSION

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
SAMPLE_COLOR = "#B00000"
# Sizes for a projector: nothing below 13 px; tick labels and legends at 15 px.
TITLE_SIZE = 22
SUBTITLE_SIZE = 16
TICK_SIZE = 15
SOURCE_SIZE = 13
AXIS_COLOR = "#222222"
SOURCE_COLOR = "#333333"
GRID_COLOR = "#E3E3E3"
# Fixed pixel geometry (margins do not scale with the figure height, so a re-sized export keeps
# title, legend, ticks and source line apart): header lines, then the plot, then the source.
HEADER_PAD = 12
TITLE_LINE = 30
SUBTITLE_LINE = 22
SOURCE_LINE = 18
# Characters per line (title, subtitle, source) for a full-width chart and for one in a column
# of two: a line that does not fit would be clipped, so long ones are wrapped instead.
WRAP_WIDE = (80, 115, 100)
WRAP_NARROW = (40, 58, 60)


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


def _wrap(text: str, width: int) -> list[str]:
    """Plain text broken into lines of at most about `width` characters (at spaces)."""
    lines: list[str] = []
    current = ""
    for word in str(text).split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def _font(size: int, color: str = "#111111") -> dict[str, object]:
    return {"family": FONT["family"], "size": size, "color": color}


def _layout(
    fig: go.Figure,
    meta: ChartMeta,
    *,
    height: int = 520,
    top: int = 0,
    bottom: int = 0,
    narrow: bool = False,
) -> go.Figure:
    """Title block on top, source line at the foot, fonts and margins fixed in pixels.

    ``top`` and ``bottom`` are the pixels the chart needs between the header and the plot
    (a legend row, top tick labels) and below the plot (tick labels); ``narrow`` wraps the
    words for a chart drawn in one of two columns. Every font and colour is set explicitly so
    Streamlit's chart theme cannot shrink or grey them.
    """
    wrap_title, wrap_subtitle, wrap_source = WRAP_NARROW if narrow else WRAP_WIDE
    title_lines = _wrap(meta.title, wrap_title) or [""]
    subtitle_lines = _wrap(meta.subtitle, wrap_subtitle) if meta.subtitle else []
    source_lines = _wrap(
        meta.source_line() + f" · method v{RULE_VERSION} · RtoP Monitor, {meta.exported}",
        wrap_source,
    )
    header = HEADER_PAD + TITLE_LINE * len(title_lines) + SUBTITLE_LINE * len(subtitle_lines)
    foot = SOURCE_LINE * len(source_lines) + 14
    fig.update_layout(
        title={
            "text": "<br>".join(f"<b>{_esc(line)}</b>" for line in title_lines),
            "subtitle": {
                "text": "<br>".join(_esc(line) for line in subtitle_lines),
                "font": _font(SUBTITLE_SIZE, "#333333"),
            },
            "font": _font(TITLE_SIZE),
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            # Plotly anchors a multi-line title by its first line: push it down by the rest.
            "pad": {"t": HEADER_PAD + TITLE_LINE * (len(title_lines) - 1), "l": 14},
        },
        font=FONT,
        height=height,
        margin={"l": 16, "r": 24, "t": header + 18 + top, "b": bottom + foot, "pad": 4},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": _font(15), "bgcolor": "white", "bordercolor": "#555555"},
        legend={"font": _font(TICK_SIZE), "bgcolor": "rgba(255,255,255,0.9)"},
    )
    axis_font = {"tickfont_color": AXIS_COLOR, "tickfont_family": FONT["family"]}
    fig.update_xaxes(**axis_font, title_font=_font(TICK_SIZE, AXIS_COLOR), automargin=True)
    fig.update_yaxes(**axis_font, title_font=_font(TICK_SIZE, AXIS_COLOR), automargin=True)
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if axis.tickfont.size is None:
            axis.tickfont.size = TICK_SIZE
    fig.add_annotation(
        text="<br>".join(_esc(line) for line in source_lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(bottom + 8),
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font=_font(SOURCE_SIZE, SOURCE_COLOR),
        align="left",
    )
    if meta.synthetic:
        mark_sample(fig)
    return fig


def _legend_top(fig: go.Figure) -> None:
    """One horizontal legend row just above the plot, under the title (needs top=LEGEND_ROW)."""
    fig.update_layout(
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yref": "paper",
            "yanchor": "bottom",
            "font": _font(TICK_SIZE),
        }
    )


def _legend_right(fig: go.Figure) -> None:
    """A vertical legend right of the plot (long or many entries; the plot narrows to fit)."""
    fig.update_layout(
        legend={
            "orientation": "v",
            "x": 1.01,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "font": _font(TICK_SIZE),
        }
    )


LEGEND_ROW = 36
TICK_ROW = 30


def mark_sample(fig: go.Figure) -> go.Figure:
    """Mark the figure SAMPLE DATA: a red line under the title and a faint watermark.

    The red line takes its own header row (the top margin grows to keep it off the plot); the
    watermark is translucent so the data underneath stay readable.
    """
    fig.add_annotation(
        text=SAMPLE_TEXT,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        textangle=-20,
        font={"family": FONT["family"], "size": 60, "color": "rgba(176, 0, 0, 0.16)"},
    )
    subtitle = fig.layout.title.subtitle.text or ""
    if SAMPLE_TEXT not in subtitle:
        line = (
            f"<span style='color:{SAMPLE_COLOR}'><b>■ {SAMPLE_TEXT}</b>"
            " — synthetic values, not real assessments</span>"
        )
        fig.layout.title.subtitle.text = line + ("<br>" + subtitle if subtitle else "")
        if fig.layout.title.subtitle.font.size is None:
            fig.layout.title.subtitle.font = _font(SUBTITLE_SIZE, "#333333")
        if fig.layout.margin.t is not None:
            fig.layout.margin.t += SUBTITLE_LINE
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
        font=_font(20),
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, meta, height=320, narrow=True)


def _status_colorscale() -> list[list[object]]:
    """Discrete scale over -1 (no data) .. 4."""
    colors = [NO_DATA_COLOR] + [STATUS_COLORS[s] for s in range(5)]
    n = len(colors)
    scale: list[list[object]] = []
    for i, c in enumerate(colors):
        scale.append([i / n, c])
        scale.append([(i + 1) / n, c])
    return scale


def _colorbar(title: str, **extra: object) -> dict[str, object]:
    return {
        "title": {"text": title, "font": _font(TICK_SIZE)},
        "tickfont": _font(TICK_SIZE),
        "outlinewidth": 0,
        "thickness": 22,
        **extra,
    }


STATUS_SYMBOLS = "○◔◑◕●"


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
            textfont={"size": 22, "family": FONT["family"]},
            customdata=hover.values,
            hovertemplate="%{customdata}<extra></extra>",
            xgap=3,
            ygap=3,
            colorbar=_colorbar(
                "Status",
                tickvals=[-1, 0, 1, 2, 3, 4],
                ticktext=[f"– {NO_DATA}"]
                + [f"{s} {STATUS_LABELS[i]}" for i, s in enumerate(STATUS_SYMBOLS)],
                len=1,
                lenmode="fraction",
                y=1,
                yanchor="top",
                ypad=0,
            ),
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
    # Explicit ranges: the click markers would otherwise pad the axes past the cells.
    fig.update_yaxes(range=[len(people) - 0.5, -0.5], tickfont={"size": TICK_SIZE}, showgrid=False)
    fig.update_xaxes(
        range=[-0.5, len(recs) - 0.5], side="top", tickfont={"size": 17}, showgrid=False
    )
    row = 34
    return _layout(fig, meta, height=max(180, row * len(people)) + 190, top=TICK_ROW, bottom=0)


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
                name=_esc(str(name)),
                mode="lines+markers",
                line={
                    "color": CATEGORICAL[i % len(CATEGORICAL)],
                    "width": 3,
                    "dash": ["solid", "dash", "dot", "dashdot"][i % 4],
                },
                marker={"symbol": markers[i % len(markers)], "size": 10},
                hovertemplate="%{x}: %{y:.2f}<extra>" + _esc(str(name)) + "</extra>",
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
    _legend_right(fig)
    return _layout(fig, meta, height=560, bottom=TICK_ROW)


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
                y=grp["title"].map(lambda t: _esc(t if len(t) <= 50 else t[:48] + "…")),
                orientation="h",
                name=_esc(str(group)),
                marker={"color": color, "line": {"width": 1, "color": "#333333"}},
                customdata=grp[["when", "source", "kind_label"]].map(_esc).values,
                hovertemplate="<b>%{y}</b><br>%{customdata[0]} · %{customdata[2]}"
                "<br>Source: %{customdata[1]}<extra></extra>",
            )
        )
    fig.update_xaxes(type="date", showgrid=True, gridcolor="#E8E8E8", tickangle=0)
    fig.update_yaxes(autorange="reversed", tickfont={"size": 14})
    fig.update_layout(barmode="overlay")
    _legend_right(fig)
    height = max(300, 30 * len(events)) + 190
    return _layout(fig, meta, height=height, bottom=TICK_ROW, narrow=True)


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
                    "pattern": {"shape": PILLAR_PATTERNS.get(str(pillar), ""), "solidity": 0.4},
                    "line": {"width": 1, "color": PILLAR_COLORS.get(str(pillar))},
                },
                hovertemplate="%{x}: %{y:.0f}%<extra>" + _esc(str(pillar)) + "</extra>",
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
    _legend_top(fig)
    # Labels at 45°: the longest name gives the drop below the axis (~8.7 px a character).
    drop = int((max(len(n) for n in names) * 8.7 + 18) * 0.71) + 14
    return _layout(fig, meta, height=400 + drop + 170, top=LEGEND_ROW, bottom=drop)


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
                "line": {"width": 1, "color": "white"},
                "colorbar": _colorbar("Share ≥<br>Initiated", tickformat=".0%"),
            },
            customdata=hovers,
            hovertemplate="%{customdata}<extra></extra>",
            insidetextfont={"size": 15, "family": FONT["family"]},
            insidetextorientation="radial",
        )
    )
    return _layout(fig, meta, height=640, narrow=True)


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
            textfont=_font(18, "#FFFFFF"),
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
            textfont=_font(18, "#111111"),
        )
    )
    fig.update_layout(barmode="stack")
    _legend_top(fig)
    fig.update_yaxes(title="regional roles (SG report 2011)", showgrid=True, gridcolor=GRID_COLOR)
    fig.update_xaxes(tickfont={"size": 16})
    return _layout(fig, meta, height=560, top=LEGEND_ROW, bottom=TICK_ROW, narrow=True)


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
    labels = "Pillar " + frame["pillar"].astype(str)
    fig = go.Figure(
        go.Bar(
            x=frame["average_status"].fillna(0),  # a zero-length bar still carries its label
            y=labels,
            orientation="h",
            marker={
                "color": [PILLAR_COLORS.get(x) for x in labels],
                "pattern": {"shape": [PILLAR_PATTERNS.get(x, "") for x in labels], "solidity": 0.4},
                "line": {"width": 1, "color": [PILLAR_COLORS.get(x) for x in labels]},
            },
            text=frame["average_status"].map(
                lambda v: "insufficient data" if pd.isna(v) else f"{v:.1f}"
            ),
            textposition="outside",
            textfont=_font(16),
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
    fig.update_yaxes(tickfont={"size": 16})
    return _layout(fig, meta, height=440, bottom=44, narrow=True)
