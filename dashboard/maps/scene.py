"""Everything a map draws that does not depend on the data, in canvas pixels: the picture,
each participant's outline (simplified to what the canvas shows), points and labels.

A Scene depends only on the participants (codes, names, positions, sub-regions) and the canvas
size, so it is built once and shared by every map of that size, whatever the layer, year or
filters: the screen sends it once, and only the colours and symbols change afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from dashboard.maps import geo, labels
from dashboard.maps.picture import INSET_GROUP, Box, Picture, picture

SIMPLIFY_PX = 1.0  # no outline corner is kept that moves the line less than this on the canvas
MIN_PART_PX2 = 6.0  # islands smaller than this on the canvas are left out (their point stays)
POINT_PX = {"world": 6.0, "inset": 7.5}  # radius of a participant's point (one less if small)
LABEL_PX = 14  # label font size (CSS px) on the whole map (one less in the inset, and if small)
SMALL_BELOW = 500  # a canvas less tall than this is small
SAMPLE_AT = (50.0, -34.0)  # lon, lat of the SAMPLE DATA mark: open Indian Ocean
SAMPLE_TEXT = "SAMPLE DATA"


@dataclass(frozen=True)
class Participant:
    """What the scene needs of a participant."""

    code: str
    name: str
    lat: float
    lon: float  # Pacific-centred
    group: str


@dataclass(frozen=True, eq=False)
class Part:
    """One filled part of a participant's outline on the canvas (px), on the whole map or in
    the inset."""

    code: str
    where: str  # "world" or "inset"
    ring: np.ndarray  # (n, 2) canvas px, closed


@dataclass(frozen=True)
class Marker:
    """A participant's point: the whole map's, or the inset's."""

    code: str
    where: str
    x: float
    y: float
    r: float


@dataclass(frozen=True, eq=False)
class Scene:
    """The picture, outlines, points and labels of every participant for one canvas size
    (compared and hashed by identity: build() makes one per participants and size)."""

    picture: Picture
    participants: tuple[Participant, ...]
    parts: tuple[Part, ...]
    markers: tuple[Marker, ...]
    labels: tuple[labels.Placed, ...]
    label_px: int
    mark: Box  # where SAMPLE DATA goes on sample data (kept clear of labels always)
    mark_px: int

    @property
    def codes(self) -> list[str]:
        """The participants' codes, in the scene's order (the index of a colour table)."""
        return [p.code for p in self.participants]

    def name(self, code: str) -> str:
        """The name on the map."""
        found = next((p.name for p in self.participants if p.code == code), code)
        return labels.label_name(code, found)


def participants_of(values: pd.DataFrame) -> tuple[Participant, ...]:
    """The map values' participants with a position, in a stable order (by code)."""
    rows = values.dropna(subset=["lat", "lon"]).sort_values("code")
    groups = rows["grouping"] if "grouping" in rows else pd.Series([""] * len(rows))
    return tuple(
        Participant(
            code=str(code),
            name=str(name),
            lat=float(lat),
            lon=geo.east(float(lon)),
            group=str(group),
        )
        for code, name, lat, lon, group in zip(
            rows["code"], rows["name"], rows["lat"], rows["lon"], groups, strict=True
        )
    )


def _parts(pic: Picture, codes: frozenset[str]) -> tuple[Part, ...]:
    out: list[Part] = []
    inset_box = pic.box_px(pic.target)
    source = pic.source
    s = pic.scale
    for code, rings in geo.outlines().items():
        if code not in codes:
            continue
        for ring in rings:
            world = geo.simplify((ring - (pic.left, pic.top)) * pic.k, SIMPLIFY_PX)
            if len(world) >= 4 and geo.area(world) >= MIN_PART_PX2:
                out.append(Part(code, "world", world))
            lo, hi = ring.min(axis=0), ring.max(axis=0)
            if hi[0] < source.x0 or lo[0] > source.x1 or hi[1] < source.y0 or lo[1] > source.y1:
                continue
            enlarged = np.column_stack(
                [
                    pic.target.x0 + (ring[:, 0] - source.x0) * s,
                    pic.target.y0 + (ring[:, 1] - source.y0) * s,
                ]
            )
            clipped = geo.clip((enlarged - (pic.left, pic.top)) * pic.k, inset_box.tuple())
            inset = geo.simplify(_closed(clipped), SIMPLIFY_PX) if len(clipped) >= 3 else clipped
            if len(inset) >= 4 and geo.area(inset) >= MIN_PART_PX2:
                out.append(Part(code, "inset", inset))
    return tuple(out)


def _closed(ring: np.ndarray) -> np.ndarray:
    return ring if np.array_equal(ring[0], ring[-1]) else np.vstack([ring, ring[:1]])


@lru_cache(maxsize=16)
def build(*, width: int, height: int, participants: tuple[Participant, ...]) -> Scene:
    """The scene of these participants on a canvas of ``width`` x ``height`` CSS px."""
    group = frozenset(p.code for p in participants if p.group == INSET_GROUP)
    pic = picture(
        width=width,
        height=height,
        points=tuple((p.code, p.lat, p.lon) for p in participants),
        group=group,
    )
    small = height < SMALL_BELOW
    markers: list[Marker] = []
    for p in participants:
        r = POINT_PX["world"] - small
        markers.append(Marker(p.code, "world", *pic.world_px(p.lat, p.lon), r))
        if p.code in pic.inset_codes:
            r = POINT_PX["inset"] - small
            markers.append(Marker(p.code, "inset", *pic.inset_px(p.lat, p.lon), r))
    size = LABEL_PX - small
    canvas = Box(2, 2, width - 2, height - 2)
    mark_px = 18 if small else 26
    mark = _mark_box(pic, canvas, mark_px)
    inset_box = pic.box_px(pic.target)
    names = {p.code: labels.label_name(p.code, p.name) for p in participants}
    items: dict[str, list[labels.Item]] = {"world": [], "inset": []}
    for m in markers:
        if m.where == "world" and m.code in pic.inset_codes:
            continue  # labelled in the inset
        font_px = size if m.where == "world" else size - 1
        w, h = labels.box_size(names[m.code], font_px)
        area = inset_box if m.where == "inset" else canvas
        items[m.where].append(
            labels.Item(code=m.code, x=m.x, y=m.y, w=w, h=h, size=font_px, area=area, bounds=canvas)
        )
    obstacles = [Box(m.x - m.r - 1, m.y - m.r - 1, m.x + m.r + 1, m.y + m.r + 1) for m in markers]
    caption = caption_box(inset_box, size - 1)
    placed_inset = labels.place(items["inset"], obstacles=[*obstacles, caption])
    placed_world = labels.place(
        items["world"],
        obstacles=[
            *obstacles,
            inset_box,
            mark,
            *(Box(p.x, p.y, p.x + p.w, p.y + p.h) for p in placed_inset),
        ],
    )
    return Scene(
        picture=pic,
        participants=participants,
        parts=_parts(pic, frozenset(p.code for p in participants)),
        markers=tuple(markers),
        labels=tuple(placed_world + placed_inset),
        label_px=size,
        mark=mark,
        mark_px=mark_px,
    )


def _mark_box(pic: Picture, canvas: Box, size: int) -> Box:
    """The SAMPLE DATA mark's box, at SAMPLE_AT but inside the canvas."""
    x, y = pic.world_px(SAMPLE_AT[1], SAMPLE_AT[0])
    half_w, half_h = labels.text_width(SAMPLE_TEXT, size) / 2 + 10, size / 2 + 8
    x = min(max(x, canvas.x0 + half_w), canvas.x1 - half_w)
    return Box(x - half_w, y - half_h, x + half_w, y + half_h)


CAPTION = "Southeast Asia, enlarged"


def caption_box(inset: Box, size: int) -> Box:
    """Where the inset's caption goes: inside its frame, at the bottom left."""
    w = labels.text_width(CAPTION, size) + 10
    return Box(inset.x0, inset.y1 - size - 10, inset.x0 + w, inset.y1)


def scene_for(values: pd.DataFrame, *, width: int, height: int) -> Scene:
    """The scene of the map values' participants on a canvas of ``width`` x ``height``."""
    return build(width=width, height=height, participants=participants_of(values))
