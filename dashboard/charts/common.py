"""Palettes, ChartMeta, the shared layout (title, subtitle, sources, method) and the sample mark."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import plotly.graph_objects as go

from dashboard.charts.steady import text_width
from dashboard.core.scoring import RULE_VERSION

# Viridis stops: perceptually ordered and colour-blind safe; status is also given by symbol/label.
STATUS_COLORS = {0: "#FDE725", 1: "#7AD151", 2: "#22A884", 3: "#2A788E", 4: "#414487"}


NO_DATA_COLOR = "#D0D0D0"


# Text on a status colour, the better contrast of black and white (WCAG): 7.0:1 black on
# Initiated's teal, where white is 3.0:1; 5.0:1 and 8.7:1 white on the two darkest.
TEXT_ON = {0: "#000000", 1: "#000000", 2: "#000000", 3: "#FFFFFF", 4: "#FFFFFF"}


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
    data_version: str = ""  # which data (history.DataVersion label); empty when not known

    def source_line(self, *, limit: int = 3) -> str:
        """'Source: A; B; C and 4 more' (plain text)."""
        if not self.sources:
            return "Source: RtoP Monitor database"
        shown = list(self.sources[:limit])
        more = len(self.sources) - limit
        return "Source: " + "; ".join(shown) + (f" and {more} more" if more > 0 else "")


def wrap(text: str, width: int) -> list[str]:
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


# The narrowest a chart is drawn in the app: at 1366 px with the sidebar open, a full-width
# chart is 877 px wide and one in a column of two 430 px (measured in Chromium). Titles,
# subtitles, source lines and legends are laid out to fit these, so nothing is cut or overlaps
# on a laptop; wider screens only leave more room.
MIN_WIDE = 877
MIN_NARROW = 430
TITLE_PAD_L = 14  # the title's (and so the source line's) distance from the chart's left edge
MARGIN_R = 24
SLACK = 12  # a measured line may be a pixel or two wider in the browser


def _wide(char: str) -> bool:
    """A character the charts' font lacks and the browser draws full-width (CJK, Hangul)."""
    return (
        "\u2e80" <= char <= "\ua4cf" or "\uac00" <= char <= "\ud7af" or "\uf900" <= char <= "\uffef"
    )


def measure(text: str, *, size: float, bold: bool = False) -> float:
    """Width in px of one line as the browser draws it: DejaVu Sans for what it has, a
    full-width square for CJK and Hangul (drawn from another font)."""
    wide = sum(1 for c in text if _wide(c))
    rest = "".join(c for c in text if not _wide(c))
    return (text_width([rest], size=size, bold=bold) or 0.0) + wide * size * 1.05


def wrap_px(text: str, width: float, *, size: float, bold: bool = False) -> list[str]:
    """Plain text broken at spaces into lines at most ``width`` px wide in the charts' font
    (DejaVu Sans, measured); by characters when the font is not installed."""
    if text_width(["x"], size=size, bold=bold) is None:
        return wrap(text, max(10, int(width / (size * (0.62 if bold else 0.56)))))
    lines: list[str] = []
    current = ""
    for word in str(text).split():
        trial = f"{current} {word}" if current else word
        if current and measure(trial, size=size, bold=bold) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def font(size: int, color: str = "#111111") -> dict[str, object]:
    return {"family": FONT["family"], "size": size, "color": color}


def anchor_source(fig: go.Figure) -> go.Figure:
    """Start the source line at the chart's left edge, under the title, wherever the plot
    begins: shifted left by the figure's left margin (set explicitly by a chart with long
    labels; it was cut at the right edge when it started at the plot's edge)."""
    left = fig.layout.margin.l if fig.layout.margin.l is not None else 16
    for note in fig.layout.annotations:
        if note.name == "source":
            note.xshift = TITLE_PAD_L - float(left)
    return fig


def legend_room(names: list[str], *, width: float, size: float = TICK_SIZE) -> int:
    """Pixels a horizontal legend of ``names`` takes when the plot is ``width`` px wide: one
    row when all fit, else Plotly's grid of columns as wide as the widest entry (its symbol,
    gaps and text). The room to keep above the plot so that it never sits on the subtitle."""
    gap = 45.0  # symbol, the gap to its text and to the next entry (measured in Chromium)
    widths = [(text_width([n], size=size) or size * 0.6 * len(n)) + gap for n in names]
    if not widths:
        return 0
    if sum(widths) <= width:
        rows = 1
    else:
        columns = max(1, int(width // max(widths)))
        rows = -(-len(widths) // columns)
    return rows * LEGEND_LINE + 16


ROOM_SCALE = 1.4  # presentation mode: type on its 1920x1080 slide for the back of a room


class Screen(NamedTuple):
    """A chart's room on a presentation screen: its width and height in CSS pixels, and how
    much larger than the desk's its type is (ROOM_SCALE on the 1920x1080 slide, less on a
    smaller screen, in proportion)."""

    width: int
    height: int
    scale: float = ROOM_SCALE


def layout(
    fig: go.Figure,
    meta: ChartMeta,
    *,
    height: int = 520,
    top: int = 0,
    bottom: int = 0,
    narrow: bool = False,
    width: int | None = None,
    screen: Screen | None = None,
) -> go.Figure:
    """Title block on top, source line at the foot, fonts and margins fixed in pixels.

    ``top`` and ``bottom`` are the pixels the chart needs between the header and the plot
    (a legend row, top tick labels) and below the plot (tick labels); ``narrow`` wraps the
    words for a chart drawn in one of two columns; ``width``, the narrowest it is drawn at
    (MIN_WIDE or MIN_NARROW by default). With ``screen`` (presentation mode's slide), the
    chart is exactly that wide and tall, its type ROOM_SCALE times the desk's. Every font and
    colour is set explicitly so Streamlit's chart theme cannot shrink or grey them.
    """
    k = screen.scale if screen is not None else 1.0
    if screen is not None:
        width, height = screen.width, screen.height
    title_size, subtitle_size, source_size = (
        round(x * k) for x in (TITLE_SIZE, SUBTITLE_SIZE, SOURCE_SIZE)
    )
    title_line, subtitle_line, source_line = (
        round(x * k) for x in (TITLE_LINE, SUBTITLE_LINE, SOURCE_LINE)
    )
    pad = round(HEADER_PAD * k)
    room = (width or (MIN_NARROW if narrow else MIN_WIDE)) - TITLE_PAD_L - MARGIN_R - SLACK
    title_lines = wrap_px(meta.title, room, size=title_size, bold=True) or [""]
    subtitle_lines = wrap_px(meta.subtitle, room, size=subtitle_size) if meta.subtitle else []
    source_lines = wrap_px(
        meta.source_line()
        + f" · method v{RULE_VERSION}"
        + (f" · data {meta.data_version}" if meta.data_version else "")
        + f" · RtoP Monitor, {meta.exported}",
        room,
        size=source_size,
    )
    header = pad + title_line * len(title_lines) + subtitle_line * len(subtitle_lines)
    # a legend or top ticks: Plotly sets the subtitle ~22 px lower than its line height says
    gap = round((18 if not top else 26) * k)
    foot = source_line * len(source_lines) + 14
    fig.update_layout(
        title={
            "text": "<br>".join(f"<b>{esc(line)}</b>" for line in title_lines),
            "subtitle": {
                "text": "<br>".join(esc(line) for line in subtitle_lines),
                "font": font(subtitle_size, "#333333"),
            },
            "font": font(title_size),
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            # Plotly anchors a multi-line title by its first line: push it down by the rest.
            "pad": {"t": pad + title_line * (len(title_lines) - 1), "l": TITLE_PAD_L},
        },
        font=FONT,
        height=height,
        margin={"l": 16, "r": MARGIN_R, "t": header + gap + top, "b": bottom + foot, "pad": 4},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": font(round(15 * k)), "bgcolor": "white", "bordercolor": "#555555"},
        legend={"font": font(round(TICK_SIZE * k)), "bgcolor": "rgba(255,255,255,0.9)"},
    )
    if screen is not None:
        fig.update_layout(width=width, autosize=False)
    axis_font = {"tickfont_color": AXIS_COLOR, "tickfont_family": FONT["family"]}
    title_font = font(round(TICK_SIZE * k), AXIS_COLOR)
    fig.update_xaxes(**axis_font, title_font=title_font, automargin=True)
    fig.update_yaxes(**axis_font, title_font=title_font, automargin=True)
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if axis.tickfont.size is None:
            axis.tickfont.size = round(TICK_SIZE * k)
    fig.add_annotation(
        name="source",
        text="<br>".join(esc(line) for line in source_lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xshift=TITLE_PAD_L - 16,  # from the chart's edge (anchor_source, once margins are set)
        yshift=-(bottom + 8),
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font=font(source_size, SOURCE_COLOR),
        align="left",
    )
    if fig.layout.legend.yref == "container" and fig.layout.legend.orientation == "h":
        # a top legend right under the title block (container pixels: it pushes no margin)
        fig.layout.legend.y = 1 - (header + gap) / height
    if meta.synthetic:
        mark_sample(fig)
    return fig


def legend_top(fig: go.Figure, *, names: list[str] | None = None, width: float = 0) -> int:
    """A horizontal legend just above the plot, under the title; returns the room it takes
    when the plot is ``width`` px wide (the ``top`` to give ``layout``): as many rows as its
    ``names`` need there, so it never sits on the subtitle."""
    fig.update_layout(
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1,  # placed under the subtitle by layout(), in the container's pixels
            "yref": "container",
            "yanchor": "top",
            "font": font(TICK_SIZE),
        }
    )
    if names is None:
        return LEGEND_ROW
    return legend_room(names, width=width)


def legend_right(fig: go.Figure) -> None:
    """A vertical legend right of the plot (long or many entries; the plot narrows to fit)."""
    fig.update_layout(
        legend={
            "orientation": "v",
            "x": 1.01,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "font": font(TICK_SIZE),
        }
    )


LEGEND_ROW = 36


LEGEND_LINE = 22  # one row of a horizontal legend at TICK_SIZE


TICK_ROW = 30


# Event kinds in a fixed order, so a kind has the same colour and pattern in every chart
# (Timeline page, profile, packs) whatever else is shown; other kinds get a stable hashed slot.
EVENT_KINDS = (
    "arf meeting",
    "arf decision",
    "asean decision",
    "asean un",
    "un dialogue",
    "un decision",
    "un report",
    "dialogue",
    "cscap",
    "national commitment",
    "regional initiative",
    "meeting",
    "other",
)
KIND_PATTERNS = ("", "/", "x", ".", "\\", "-", "|", "+")


def group_style(group: str) -> tuple[str, str]:
    """(colour, bar pattern) of a pillar ("Pillar 1") or an event kind, the same everywhere."""
    if group in PILLAR_COLORS:
        return PILLAR_COLORS[group], PILLAR_PATTERNS.get(group, "")
    if group in EVENT_KINDS:
        slot = EVENT_KINDS.index(group)
    else:
        slot = int(hashlib.sha256(group.encode()).hexdigest(), 16) % (
            len(CATEGORICAL) * len(KIND_PATTERNS)
        )
    return CATEGORICAL[slot % len(CATEGORICAL)], KIND_PATTERNS[
        (slot // len(CATEGORICAL)) % len(KIND_PATTERNS)
    ]


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
            fig.layout.title.subtitle.font = font(SUBTITLE_SIZE, "#333333")
        if fig.layout.margin.t is not None:
            fig.layout.margin.t += SUBTITLE_LINE
        legend = fig.layout.legend
        if legend.yref == "container" and legend.y is not None and fig.layout.height:
            legend.y -= SUBTITLE_LINE / fig.layout.height
    return fig


PROJECTOR_SCALE = 1.5  # presentation mode: 15 px ticks become 22 px, beside 24 px body text


def for_projector(fig: go.Figure, *, scale: float = PROJECTOR_SCALE) -> go.Figure:
    """A copy of ``fig`` for the back of a room: every font (titles, ticks, legend, colour bar,
    annotations, text on the marks, hover) ``scale`` times larger, and the pixel sizes laid
    out for those fonts (height, margins, the title's pad, annotation shifts) with them, so the
    title block and source line still fit. The figure itself is not changed (it is cached)."""

    def grow(node: Any, *, in_font: bool = False) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                fontish = key.endswith("font") or key == "font"
                if in_font and key == "size" and isinstance(value, int | float):
                    out[key] = round(value * scale, 1)
                else:
                    out[key] = grow(value, in_font=fontish)
            return out
        if isinstance(node, list):
            return [grow(item, in_font=in_font) for item in node]
        return node

    spec = grow(fig.to_plotly_json())
    lay = spec.setdefault("layout", {})
    lay.pop("datarevision", None)  # the fonts on the marks changed: steady gives a new one
    if isinstance(lay.get("height"), int | float):
        lay["height"] = round(lay["height"] * scale)
    for side in ("t", "b", "l", "r"):
        margin = lay.get("margin", {})
        if isinstance(margin.get(side), int | float):
            margin[side] = round(margin[side] * scale)
    pad = lay.get("title", {}).get("pad", {})
    if isinstance(pad.get("t"), int | float):
        pad["t"] = round(pad["t"] * scale)
    for note in lay.get("annotations", []):
        if isinstance(note.get("yshift"), int | float):
            note["yshift"] = round(note["yshift"] * scale)
    had_template = "template" in lay
    out = go.Figure(spec)
    if not had_template:  # go.Figure puts plotly's default back under a figure that had none
        out.layout.template = None
    return out


def esc(text: str) -> str:
    """Escape text from data before Plotly renders it as (a subset of) HTML."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def has_sample_mark(fig: go.Figure) -> bool:
    """True when the figure carries the SAMPLE DATA mark."""
    return any(SAMPLE_TEXT in (a.text or "") for a in fig.layout.annotations)


def empty_figure(meta: ChartMeta, message: str) -> go.Figure:
    """A figure that says why there is nothing to draw, instead of a blank."""
    fig = go.Figure()
    fig.add_annotation(
        text=esc(message),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font=font(20),
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return layout(fig, meta, height=320, narrow=True)


def status_colorscale() -> list[list[object]]:
    """Discrete scale over -1 (no data) .. 4."""
    colors = [NO_DATA_COLOR] + [STATUS_COLORS[s] for s in range(5)]
    n = len(colors)
    scale: list[list[object]] = []
    for i, c in enumerate(colors):
        scale.append([i / n, c])
        scale.append([(i + 1) / n, c])
    return scale


def colorbar(title: str, **extra: object) -> dict[str, object]:
    return {
        "title": {"text": title, "font": font(TICK_SIZE)},
        "tickfont": font(TICK_SIZE),
        "outlinewidth": 0,
        "thickness": 22,
        **extra,
    }


STATUS_SYMBOLS = "○◔◑◕●"
