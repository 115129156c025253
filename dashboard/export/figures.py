"""Chart images for a pack's pages: drawn for the room they get, never stretched, never small.

A page says a chart's title, filters and sources as text, so the image drops its own title
block and source line (the SAMPLE DATA watermark stays) and gives the room to the plot. The
image is rendered at a CSS size chosen so that one CSS pixel is at most 0.75 pt on the page
(text as on screen) and every font in it is at least MIN_PT once placed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from dashboard.charts.common import HEADER_PAD, SOURCE_LINE, SUBTITLE_LINE, TITLE_LINE
from dashboard.export.images import for_export, render
from dashboard.export.pack import Chart

PT_PER_PX = 0.75  # CSS pixels as printed (96 dpi): a 15 px label is 11.25 pt
MIN_PT = 9.0  # no text on a page below this
PAD_PX = 10  # above and below the plot once the title block and source line are gone
BUILD_ROOM = (200, 30)  # (width, height) px around a sized map's frame: colour bar, margins


@dataclass(frozen=True)
class Placed:
    """A chart's image as placed on a page: PNG bytes, its size in points, and the smallest
    text in it in points."""

    png: bytes
    width_pt: float
    height_pt: float
    pt_per_px: float
    min_font_pt: float


def _lines(text: str | None) -> int:
    return text.count("<br>") + 1 if text else 0


def bare(fig: go.Figure) -> tuple[go.Figure, float]:
    """A copy without its title, subtitle and source line, and the height (CSS px) its plot,
    legend and ticks need: the height it was laid out for, less what was taken away."""
    out = go.Figure(fig)
    lay = out.layout
    height = float(lay.height or 520)
    header = (
        HEADER_PAD
        + TITLE_LINE * max(_lines(lay.title.text), 1)
        + SUBTITLE_LINE * _lines(lay.title.subtitle.text)
        + 18
    )
    top_old = float(lay.margin.t or 0)
    top = max(top_old - header, 0.0) + PAD_PX
    bottom_old = float(lay.margin.b or 0)
    bottom = bottom_old
    kept = []
    for note in lay.annotations:
        text = note.text or ""
        if text.startswith("Source:") and note.yanchor == "top" and note.yref == "paper":
            bottom = max(bottom_old - (SOURCE_LINE * _lines(text) + 14), 0.0) + PAD_PX
            continue
        kept.append(note)
    out.layout.annotations = kept
    out.update_layout(
        title={"text": "", "subtitle": {"text": ""}},
        margin={"t": top, "b": bottom},
    )
    natural = height - (top_old - top) - (bottom_old - bottom)
    out.update_layout(height=natural)
    return out, natural


WATERMARK_PX = 40  # larger text is a watermark (SAMPLE DATA), not something to read


def font_sizes(fig: go.Figure) -> list[float]:
    """Every font size the figure sets for text drawn on it (hover labels left out)."""
    sizes: list[float] = []

    def walk(node: Any, *, in_font: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "hoverlabel":
                    continue
                if key == "minsize" and isinstance(value, int | float):
                    sizes.append(float(value))  # uniformtext: bar labels may shrink to it
                elif in_font and key == "size" and isinstance(value, int | float):
                    sizes.append(float(value))
                else:
                    walk(value, in_font=key.endswith("font"))
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item, in_font=in_font)

    walk(fig.to_plotly_json(), in_font=False)
    return [s for s in sizes if s < WATERMARK_PX]


def scale_for(*, smallest_px: float, natural_px: float, height_pt: float) -> float:
    """Points per CSS pixel: as on screen when the chart fits, shrunk to fit the height, but
    never so far that the smallest text falls below MIN_PT."""
    fit = height_pt / max(natural_px, 1.0)
    return max(min(PT_PER_PX, fit), MIN_PT / smallest_px)


def place(chart: Chart, *, width_pt: float, height_pt: float) -> Placed:
    """The chart's image for a box of width x height points (at most that tall; as wide)."""
    exported = for_export(chart.figure, meta=chart.meta)
    fig, natural = bare(exported)
    smallest = min(font_sizes(fig), default=12.0)
    k = scale_for(smallest_px=smallest, natural_px=natural, height_pt=height_pt)
    css_w = width_pt / k
    css_h = min(natural, height_pt / k)
    if callable(chart.build):
        build: Callable[[int, int], go.Figure] = chart.build
        redrawn = build(int(css_w - BUILD_ROOM[0]), int(css_h - BUILD_ROOM[1]))
        fig, _ = bare(for_export(redrawn, meta=chart.meta))
        smallest = min(font_sizes(fig), default=smallest)
    png = render(fig, fmt="png", width=round(css_w), height=round(css_h), scale=2)
    return Placed(
        png=png,
        width_pt=round(css_w) * k,
        height_pt=round(css_h) * k,
        pt_per_px=k,
        min_font_pt=smallest * k,
    )
