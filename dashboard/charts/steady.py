"""Figures that Streamlit's chart can hand to Plotly.react again without a second full draw.

st.plotly_chart draws a figure, then on mount gives Plotly.react a JSON copy of it. Without
``layout.datarevision`` Plotly takes every data array of a new identity for new data, and a
layout ``template`` (compared by identity, editType calc) always differs: either one makes it
compute and draw the whole chart again, as costly as the first draw (in headless Chromium:
0.35-0.6 s more for the 320-participant tracker, ~0.5 s for the pillar bars).

``steady`` gives the figure a datarevision from its traces' content (a change of data still
redraws), sends the data arrays as lists (typed arrays are never the same object twice) and
replaces the template (Plotly's default, or in the app Streamlit's) by those of its values these
charts show, so a chart looks as before on screen and in PNG/SVG exports (where the default
template comes back under them).

``text_width`` and ``margin_for`` size a margin for what Plotly's automargin will measure: a
margin pushed after the first draw makes Plotly draw the whole chart a second time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import plotly.graph_objects as go
from PIL import ImageFont
from plotly.utils import PlotlyJSONEncoder

# DejaVu Sans, the first of the charts' font families (FONT), for measuring labels (bold: titles).
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
# What Plotly's automargin adds to the widest y tick label (tick padding and standoff), and to
# the widest colour bar label beside the bar's thickness and two xpads (measured in Chromium).
TICK_LABEL_ROOM = 17.0
COLORBAR_LABEL_ROOM = 12.2

# What the default ("plotly") template sets that these figures show and do not set themselves
# (not its axis linecolor: set on the figure, a line colour turns the axis line on).
LAYOUT_KEYS = ("hoverlabel.align", "autotypenumbers", "hovermode")
AXIS_KEYS = (
    "gridcolor",
    "ticks",
    "zerolinecolor",
    "zerolinewidth",
    "title.standoff",
    "automargin",
)
TRACE_KEYS = {
    "bar": (
        "marker.line.color",
        "marker.line.width",
        "marker.pattern.fillmode",
        "marker.pattern.size",
        "marker.pattern.solidity",
    ),
    "heatmap": ("colorbar.outlinewidth", "colorbar.ticks"),
}


def _arrays(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """(path, numpy array) of every array in a trace's JSON form."""
    if isinstance(value, np.ndarray):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _arrays(v, (*path, k))]
    return []


def _lists(value: Any) -> Any:
    """An array as nested lists; whole floats as ints (a text of 5.0 shows "5", as Plotly.js
    showed the typed array's 5), NaN as None (JSON null)."""
    if isinstance(value, np.ndarray):
        return _lists(value.tolist())
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    if isinstance(value, float):
        if value != value:
            return None
        return int(value) if value.is_integer() else value
    return value


def _fill(target: Any, source: Any, keys: tuple[str, ...]) -> None:
    for key in keys:
        if target[key] is None and source[key] is not None:
            target[key] = source[key]


@functools.lru_cache(maxsize=16)
def _font(size: float, bold: bool = False) -> ImageFont.FreeTypeFont | None:
    try:
        return ImageFont.truetype(BOLD_FILE if bold else FONT_FILE, size)
    except OSError:
        return None


def text_width(lines: Iterable[str], *, size: float, bold: bool = False) -> float | None:
    """Width in px of the widest line in DejaVu Sans (bold) at ``size`` px, as Chromium lays
    it out (within 0.1 px); None when the font is not installed."""
    found = _font(size, bold)
    if found is None:
        return None
    return max((found.getlength(str(line)) for line in lines), default=0.0)


def margin_for(need: float | None, *, least: int) -> int | None:
    """A margin of at least ``need`` px (None: not known), never below the layout's own."""
    return None if need is None else max(least, math.ceil(need + 0.5))


def steady(fig: go.Figure) -> go.Figure:
    """The figure (changed in place) with a content datarevision, list arrays, no template.
    A figure already steady (a datarevision and no template) is returned as it is."""
    if fig.layout.datarevision is not None and not fig.layout.template.to_plotly_json():
        return fig
    template = fig.layout.template
    _fill(fig.layout, template.layout, LAYOUT_KEYS)
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        name = "xaxis" if axis.plotly_name.startswith("x") else "yaxis"
        _fill(axis, template.layout[name], AXIS_KEYS)
    for trace in fig.data:
        defaults = template.data[trace.type] if trace.type in TRACE_KEYS else ()
        if defaults:
            _fill(trace, defaults[0], TRACE_KEYS[trace.type])
        for path, array in _arrays(trace.to_plotly_json()):
            key = ".".join(path)
            trace[key] = None  # plotly.py skips setting a value equal to the current one
            trace[key] = _lists(array)
    fig.layout.template = None
    traces = json.dumps([t.to_plotly_json() for t in fig.data], cls=PlotlyJSONEncoder)
    fig.layout.datarevision = hashlib.sha256(traces.encode()).hexdigest()[:16]
    return fig
