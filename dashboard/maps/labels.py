"""Map labels: the names a diplomat reads, their status symbol, and where each label goes so
that none hides another or a point (never hidden or faded, unlike a map library's text)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import ImageFont

from dashboard.maps.picture import Box

# Shorter forms of long official names, as delegations write them on maps and name cards.
SHORT_NAMES = {
    "EUU": "EU",
    "PRK": "DPRK",
    "LAO": "Lao PDR",
}
FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # Debian's fonts-dejavu-core
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
LEADER_FROM_PX = 13  # a label whose box is further than this from its point gets a leader line
GAPS = (6, 14, 24, 36, 50, 66, 86, 110, 140, 180)  # px from a point to its label's box, tried
PAD_X, PAD_Y = 4, 2  # inside a label's box
GLYPH_GAP = 4  # between the status symbol and the name


def label_name(code: str, name: str) -> str:
    """The name on the map: the participant's name, shortened where it is long."""
    return SHORT_NAMES.get(code, name or code)


FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=8)
def font(size: int) -> FontType:
    """DejaVu Sans (what the exported charts use) when installed, else Pillow's own font."""
    for path in FONT_FILES:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=256)
def text_width(text: str, size: int) -> float:
    """Width in px of ``text`` at font size ``size``."""
    return float(font(size).getlength(text))


def box_size(text: str, size: int) -> tuple[float, float]:
    """A label's box: a square for the status symbol, the name, padding."""
    return (
        2 * PAD_X + size + GLYPH_GAP + text_width(text, size),
        size + 2 * PAD_Y + 2,
    )


@dataclass(frozen=True)
class Item:
    """A label to place: its point (canvas px), its box size, where it must stay."""

    code: str
    x: float
    y: float
    w: float
    h: float
    size: int  # font size
    area: Box  # where the label's box should lie (the inset's frame for the inset's labels)
    bounds: Box  # where it must lie if there is no room in its area (the canvas)


@dataclass(frozen=True)
class Placed:
    """A label's box (top-left x, y; size w, h), its point, and whether a leader joins them."""

    code: str
    x: float
    y: float
    w: float
    h: float
    size: int
    px: float
    py: float
    leader: bool

    @property
    def centre(self) -> tuple[float, float]:
        """The middle of the box."""
        return self.x + self.w / 2, self.y + self.h / 2


@lru_cache(maxsize=64)
def _candidates(w: float, h: float) -> np.ndarray:
    """Offsets of a w x h label's centre from its point, in the order tried: beside the point
    first (above, below, right, left), then ever further out all around, the box's nearest
    edge GAPS px from the point."""
    near = [(0.0, -(h / 2 + 9)), (0.0, h / 2 + 9), (w / 2 + 11, 0.0), (-(w / 2 + 11), 0.0)]
    far = [
        (math.cos(math.radians(a)) * (d + w / 2), math.sin(math.radians(a)) * (d + h / 2))
        for d in GAPS
        for a in range(0, 360, 15)
    ]
    return np.array([*near, *far])


def _distance(boxes: np.ndarray, x: float, y: float) -> np.ndarray:
    """Distance from (x, y) to each box (x0, y0, x1, y1); 0 inside."""
    dx = np.maximum(np.maximum(boxes[:, 0] - x, x - boxes[:, 2]), 0.0)
    dy = np.maximum(np.maximum(boxes[:, 1] - y, y - boxes[:, 3]), 0.0)
    return np.asarray(np.hypot(dx, dy))


OUTSIDE_PX = 20  # a label outside its area counts as this much further from its point
CROSSING_PX = 60  # a leader crossing another leader or passing a point: this much further


def _inside(boxes: np.ndarray, area: Box) -> np.ndarray:
    """Whether each box (x0, y0, x1, y1) lies inside the area."""
    return np.asarray(
        (boxes[:, 0] >= area.x0) & (boxes[:, 1] >= area.y0)
        & (boxes[:, 2] <= area.x1) & (boxes[:, 3] <= area.y1)
    )  # fmt: skip


def _segments_cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Whether segments a-b (n of them) cross segment c-d (one), strictly."""

    def side(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        return np.sign((q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
                       - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0]))  # fmt: skip

    return (side(a, b, c) * side(a, b, d) < 0) & (side(c, d, a) * side(c, d, b) < 0)


def _segment_near(a: np.ndarray, b: np.ndarray, p: np.ndarray, r: float) -> np.ndarray:
    """Whether segments a-b (n of them) pass within r of point p."""
    ab = b - a
    t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab**2).sum(axis=1), 1e-9), 0.0, 1.0)
    return np.asarray(np.hypot(*(a + t[:, None] * ab - p).T) < r)


@dataclass(frozen=True)
class _Choice:
    box: np.ndarray  # x0, y0, x1, y1
    cost: float
    leader: bool
    segment: tuple[np.ndarray, np.ndarray]  # from the point to the box's nearest point


def _best(
    item: Item, others: np.ndarray, taken: np.ndarray, leaders: list[tuple[np.ndarray, np.ndarray]]
) -> _Choice:
    """The cheapest free place for a label, given the boxes and leaders already there."""
    offsets = _candidates(item.w, item.h)
    cx, cy = item.x + offsets[:, 0], item.y + offsets[:, 1]
    boxes = np.column_stack([cx - item.w / 2, cy - item.h / 2, cx + item.w / 2, cy + item.h / 2])
    overlaps = (  # touching is not overlapping
        (boxes[:, None, 2] > taken[None, :, 0])
        & (boxes[:, None, 0] < taken[None, :, 2])
        & (boxes[:, None, 3] > taken[None, :, 1])
        & (boxes[:, None, 1] < taken[None, :, 3])
    ).any(axis=1)
    own = _distance(boxes, item.x, item.y)
    nearest_other = (
        np.min([_distance(boxes, float(x), float(y)) for x, y in others], axis=0)
        if len(others)
        else np.full(len(boxes), np.inf)
    )
    leader = own >= LEADER_FROM_PX
    clear = (own <= nearest_other - 2) | leader  # further out, a leader line shows whose it is
    ends = np.column_stack(
        [np.clip(item.x, boxes[:, 0], boxes[:, 2]), np.clip(item.y, boxes[:, 1], boxes[:, 3])]
    )
    start = np.broadcast_to(np.array([item.x, item.y]), ends.shape)
    cost = own + np.where(_inside(boxes, item.area), 0.0, OUTSIDE_PX)
    for p, q in leaders:
        cost += np.where(leader & _segments_cross(start, ends, p, q), CROSSING_PX, 0.0)
    for x, y in others:
        near = _segment_near(start, ends, np.array([x, y]), 8.0)
        cost += np.where(leader & near, CROSSING_PX, 0.0)
    valid = _inside(boxes, item.bounds) & ~overlaps
    choice = np.flatnonzero(valid & clear)
    if not len(choice):
        choice = np.flatnonzero(valid)
    k = int(choice[np.argmin(cost[choice])]) if len(choice) else 0
    penalty = 0.0 if len(choice) else 1e6
    return _Choice(boxes[k], float(cost[k]) + penalty, bool(leader[k]), (start[k], ends[k]))


def place(items: Iterable[Item], *, obstacles: Iterable[Box], rounds: int = 3) -> list[Placed]:
    """Where each label goes: overlapping no other label and no obstacle (every point, and
    whatever else the caller keeps clear), inside the canvas, at the cheapest free place
    around its point, the cost being the distance from its point, plus OUTSIDE_PX outside its
    area, plus CROSSING_PX for each leader line it would cross and each point its own would
    pass. Beside its point (no leader) a label must be nearer its own point than any other, so
    it never reads as another's. Crowded points choose first; then, for a few ``rounds``, each
    label moves if it can do better among the others. A label with nowhere free goes above its
    point, overlapping (never for the ARF; the tests check)."""
    todo = list(items)
    fixed = np.array([b.tuple() for b in obstacles], dtype=float).reshape(-1, 4)
    at = np.array([(i.x, i.y) for i in todo], dtype=float).reshape(-1, 2)
    crowd = (
        (np.abs(at[:, None, 0] - at[None, :, 0]) < 90)
        & (np.abs(at[:, None, 1] - at[None, :, 1]) < 50)
    ).sum(axis=1)
    order = sorted(range(len(todo)), key=lambda i: (-int(crowd[i]), todo[i].code))
    chosen: dict[int, _Choice] = {}

    def context(skip: int) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        boxes = [c.box[None, :] for j, c in chosen.items() if j != skip]
        taken = np.vstack([fixed, *boxes]) if boxes else fixed
        return taken, [c.segment for j, c in chosen.items() if j != skip and c.leader]

    for i in order:
        chosen[i] = _best(todo[i], np.delete(at, i, axis=0), *context(i))
    for _ in range(rounds):
        moved = False
        for i in sorted(chosen, key=lambda j: -chosen[j].cost):
            again = _best(todo[i], np.delete(at, i, axis=0), *context(i))
            if again.cost < chosen[i].cost - 1:
                chosen[i], moved = again, True
        if not moved:
            break
    return [
        Placed(
            code=item.code,
            x=float(chosen[i].box[0]),
            y=float(chosen[i].box[1]),
            w=item.w,
            h=item.h,
            size=item.size,
            px=item.x,
            py=item.y,
            leader=chosen[i].leader,
        )
        for i, item in enumerate(todo)
    ]


def leader_end(label: Placed, *, gap: float) -> tuple[float, float]:
    """Where a leader line from the label's box meets the point's edge (``gap`` px out)."""
    cx, cy = label.centre
    dx, dy = cx - label.px, cy - label.py
    d = math.hypot(dx, dy) or 1.0
    return label.px + dx / d * gap, label.py + dy / d * gap


def leader_start(label: Placed) -> tuple[float, float]:
    """Where a leader line leaves the label's box: the box's edge towards the point."""
    cx, cy = label.centre
    dx, dy = label.px - cx, label.py - cy
    if dx == 0 and dy == 0:
        return cx, cy
    t = min(
        (label.w / 2) / abs(dx) if dx else math.inf,
        (label.h / 2) / abs(dy) if dy else math.inf,
    )
    return cx + dx * t, cy + dy * t


def symbol_at(label: Placed) -> tuple[float, float, float]:
    """Centre and radius (px) of a label's status symbol: the square at its left."""
    return label.x + PAD_X + label.size / 2, label.y + label.h / 2, label.size * 0.42
