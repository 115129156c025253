"""A map value's status as the map shows it: by colour, and by the same symbol the legend and
every table use (○ ◔ ◑ ◕ ●, – no data, ◌ insufficient, ◷ stale), so status never rests on
colour alone. The symbols are drawn as shapes, not font glyphs: they look the same in every
font and on every machine."""

from __future__ import annotations

import math

import pandas as pd
from PIL import Image, ImageDraw

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


Ring = list[tuple[float, float]]
Polygon = list[Ring]  # the outer ring, then any holes
SYMBOL_SIDES = 10  # a symbol's circle: within 0.3 px of round at the sizes drawn


def _circle(cx: float, cy: float, r: float, sides: int = SYMBOL_SIDES) -> Ring:
    return [
        (cx + r * math.sin(2 * math.pi * k / sides), cy - r * math.cos(2 * math.pi * k / sides))
        for k in range(sides)
    ]


def _rect(x0: float, y0: float, x1: float, y1: float) -> Ring:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def symbol_polygons(kind_: str, *, cx: float, cy: float, r: float, line: float) -> list[Polygon]:
    """A kind's symbol as filled polygons centred at (cx, cy), radius ``r`` (y down): ○ a ring,
    ◔ ◑ ◕ a ring with one, two or three quarters filled clockwise from twelve o'clock, ● a
    disc, – a bar, ◌ a ring of dots, ◷ a ring with two hands (twelve and three o'clock)."""
    ring: Polygon = [_circle(cx, cy, r), _circle(cx, cy, r - line)]
    if kind_ == "none":
        return [[_rect(cx - 0.8 * r, cy - line / 2, cx + 0.8 * r, cy + line / 2)]]
    if kind_ == "insufficient":
        dot = 0.45 * line
        return [[_circle(x, y, dot, 4)] for x, y in _circle(cx, cy, r - line / 2, 10)]
    if kind_ == "stale":
        half = line / 2
        return [
            ring,
            [_rect(cx - half, cy - r + line, cx + half, cy + half)],
            [_rect(cx - half, cy - half, cx + r - line, cy + half)],
        ]
    quarters = int(kind_)
    if quarters == 4:
        return [[_circle(cx, cy, r)]]
    if quarters == 0:
        return [ring]
    steps = 3 * quarters
    arc = [
        (cx + r * math.sin(math.pi / 2 * quarters * k / steps),
         cy - r * math.cos(math.pi / 2 * quarters * k / steps))
        for k in range(steps + 1)
    ]  # fmt: skip
    return [ring, [[(cx, cy), *arc]]]


def draw_symbol(
    canvas: ImageDraw.ImageDraw, kind_: str, *, cx: float, cy: float, r: float, line: float
) -> None:
    """A kind's symbol drawn in ink on an image (holes left as they were)."""
    for polygon in symbol_polygons(kind_, cx=cx, cy=cy, r=r, line=line):
        mask = Image.new("L", canvas.im.size, 0)
        pen = ImageDraw.Draw(mask)
        pen.polygon(polygon[0], fill=255)
        for hole in polygon[1:]:
            pen.polygon(hole, fill=0)
        canvas.bitmap((0, 0), mask, fill=INK)
