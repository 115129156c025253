"""A map value's status as the map shows it: by colour, and by the same symbol the legend and
every table use (○ ◔ ◑ ◕ ●, – no data, ◌ insufficient, ◷ stale), so status never rests on
colour alone. The symbols are drawn as shapes, not font glyphs: they look the same in every
font and on every machine."""

from __future__ import annotations

import math

import pandas as pd
from PIL import ImageDraw

from dashboard.charts.common import NO_DATA_COLOR, STATUS_COLORS
from dashboard.core.models import NO_DATA, STATUS_LABELS
from dashboard.views.common import (
    INSUFFICIENT,
    INSUFFICIENT_SYMBOL,
    NO_DATA_SYMBOL,
    STALE,
    STALE_SYMBOL,
    SYMBOLS,
)

STALE_COLOR = "#E8E1CF"  # a pale sand, apart from no data's grey: evidence once, none current
INK = (17, 17, 17, 255)
KINDS: tuple[str, ...] = ("0", "1", "2", "3", "4", "stale", "insufficient", "none")
SYMBOL = {
    **{str(s): SYMBOLS[s] for s in SYMBOLS},
    "stale": STALE_SYMBOL,
    "insufficient": INSUFFICIENT_SYMBOL,
    "none": NO_DATA_SYMBOL,
}
LABEL = {
    **{str(s): STATUS_LABELS[s] for s in STATUS_LABELS},
    "stale": STALE,
    "insufficient": INSUFFICIENT,
    "none": NO_DATA,
}
COLOR = {
    **{str(s): STATUS_COLORS[s] for s in STATUS_COLORS},
    "stale": STALE_COLOR,
    "insufficient": NO_DATA_COLOR,
    "none": NO_DATA_COLOR,
}


def kind(*, status: object, label: object) -> str:
    """A map value's kind: '0'..'4' for a status, else 'stale', 'insufficient' or 'none'
    (read from the label's symbol, which says why there is no status)."""
    text = str(label or "")
    if text.startswith(STALE_SYMBOL):
        return "stale"
    if text.startswith(INSUFFICIENT_SYMBOL):
        return "insufficient"
    if status is None or pd.isna(status):  # type: ignore[call-overload]
        return "none"
    return str(int(float(status)))  # type: ignore[arg-type]


def kinds(values: pd.DataFrame) -> list[str]:
    """The kind of every row of map values."""
    return [
        kind(status=s, label=lab)
        for s, lab in zip(values["status"], values["status_label"], strict=True)
    ]


def rgb(kind_: str) -> tuple[int, int, int]:
    """The fill colour of a kind."""
    h = COLOR[kind_].lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return r, g, b


def legend() -> list[tuple[str, str, str]]:
    """(kind, colour, 'symbol label') for every kind, in the legend's order."""
    return [(k, COLOR[k], f"{SYMBOL[k]} {LABEL[k]}") for k in KINDS]


def draw_symbol(
    canvas: ImageDraw.ImageDraw, kind_: str, *, cx: float, cy: float, r: float, line: float
) -> None:
    """A kind's symbol, centred at (cx, cy) with radius ``r`` (image px), in ink."""
    box = (cx - r, cy - r, cx + r, cy + r)
    width = max(1, round(line))
    if kind_ == "none":  # –
        canvas.rectangle((cx - r * 0.8, cy - line / 2, cx + r * 0.8, cy + line / 2), fill=INK)
        return
    if kind_ == "insufficient":  # ◌ a ring of dots
        for i in range(10):
            a = 2 * math.pi * i / 10
            x, y = cx + (r - line / 2) * math.cos(a), cy + (r - line / 2) * math.sin(a)
            canvas.ellipse(
                (x - line * 0.7, y - line * 0.7, x + line * 0.7, y + line * 0.7), fill=INK
            )
        return
    canvas.ellipse(box, outline=INK, width=width)
    if kind_ == "stale":  # ◷ a clock at three o'clock
        canvas.line((cx, cy, cx, cy - r + line), fill=INK, width=width)
        canvas.line((cx, cy, cx + r - line, cy), fill=INK, width=width)
        return
    quarters = int(kind_)
    if quarters == 4:
        canvas.ellipse(box, fill=INK)
    elif quarters > 0:  # ◔ ◑ ◕: clockwise from twelve o'clock
        canvas.pieslice(box, start=-90, end=-90 + 90 * quarters, fill=INK)
