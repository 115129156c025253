"""The deck's pictures: what is drawn as images over the fills rather than as deck.gl layers.

Without a GPU every deck.gl layer type compiles its shaders in software each time a map is
mounted (a PathLayer of borders, a TextLayer of labels and a LineLayer cost about 1 s of a page
change here), so borders, the inset's frame, leader lines, the points' outlines, the label boxes
with their names are one image of the Scene (the same for every layer, year and filter), and
SAMPLE DATA a second on sample data. (The status symbols are shapes: dashboard/maps/screen.py.)
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from dashboard.maps import labels
from dashboard.maps.picture import Box
from dashboard.maps.scene import CAPTION, SAMPLE_TEXT, Scene, caption_box

SCALE = 2  # image pixels per CSS px: sharp on dense screens and projectors
BORDER_RGBA = (70, 70, 70, 210)
FRAME_RGBA = (60, 60, 60, 255)
REGION_RGBA = (60, 60, 60, 170)
LEADER_RGBA = (40, 40, 40, 230)
RING_RGBA = (20, 20, 20, 255)
BOX_RGBA = (255, 255, 255, 235)
BOX_EDGE_RGBA = (90, 90, 90, 255)
INK_RGBA = (17, 17, 17, 255)
SAMPLE_RGBA = (176, 0, 0, 255)


@dataclass(frozen=True)
class Overlay:
    """A PNG covering the canvas box ``box`` (CSS px), and the (virtual) lon/lat it spans."""

    png: bytes
    box: Box
    bounds: tuple[float, float, float, float]  # west, south, east, north

    def data_url(self) -> str:
        """The PNG as a data: URL (deck.gl reads it without any request)."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


Draw = Callable[[ImageDraw.ImageDraw, Callable[[float, float], tuple[float, float]]], None]


def _render(scene: Scene, box: Box, draw: Draw, *, colors: int) -> Overlay:
    """An image of the canvas box ``box`` (CSS px), drawn by ``draw(canvas, px)``."""
    x0, y0 = math.floor(box.x0) - 2, math.floor(box.y0) - 2
    x1, y1 = math.ceil(box.x1) + 2, math.ceil(box.y1) + 2
    image = Image.new("RGBA", ((x1 - x0) * SCALE, (y1 - y0) * SCALE), (0, 0, 0, 0))

    def px(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * SCALE, (y - y0) * SCALE

    draw(ImageDraw.Draw(image, "RGBA"), px)
    buf = io.BytesIO()  # a small palette with alpha: a fraction of the RGBA bytes
    image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE).save(
        buf, format="PNG", compress_level=6
    )
    pic = scene.picture
    west, north = pic.lonlat(x0, y0)
    east, south = pic.lonlat(x1, y1)
    return Overlay(png=buf.getvalue(), box=Box(x0, y0, x1, y1), bounds=(west, south, east, north))


def _extent(boxes: list[Box]) -> Box:
    if not boxes:  # nothing to draw: a pixel
        return Box(0, 0, 1, 1)
    out = boxes[0]
    for b in boxes[1:]:
        out = out.union(b)
    return out


@lru_cache(maxsize=16)
def static_overlay(scene: Scene) -> Overlay:
    """Borders, the inset's frame and caption, the enlarged region's outline, leader lines,
    point outlines, and the label boxes with their names."""
    pic = scene.picture
    inset = pic.box_px(pic.target)
    region = pic.box_px(pic.source)
    size = scene.label_px
    caption = caption_box(inset, size - 1)
    caption_font = labels.font((size - 1) * SCALE)

    def draw(
        canvas: ImageDraw.ImageDraw, px: Callable[[float, float], tuple[float, float]]
    ) -> None:
        line = SCALE
        for part in scene.parts:
            canvas.line([px(x, y) for x, y in part.ring], fill=BORDER_RGBA, width=line)
        canvas.rectangle(
            (*px(region.x0, region.y0), *px(region.x1, region.y1)), outline=REGION_RGBA, width=line
        )
        canvas.line(
            [px(region.x1, (region.y0 + region.y1) / 2), px(inset.x0, inset.y0 + 12)],
            fill=REGION_RGBA,
            width=line,
        )
        canvas.rectangle(
            (*px(inset.x0, inset.y0), *px(inset.x1, inset.y1)),
            outline=FRAME_RGBA,
            width=round(1.5 * SCALE),
        )
        canvas.text(
            px(caption.x0 + 5, caption.y1 - 5),
            CAPTION,
            font=caption_font,
            fill=INK_RGBA,
            anchor="ls",
        )
        for label in scene.labels:
            if label.leader:
                end = labels.leader_end(label, gap=_radius(scene, label) + 0.5)
                canvas.line(
                    [px(*labels.leader_start(label)), px(*end)],
                    fill=LEADER_RGBA,
                    width=round(1.2 * SCALE),
                )
        for m in scene.markers:
            canvas.ellipse(
                (*px(m.x - m.r, m.y - m.r), *px(m.x + m.r, m.y + m.r)),
                outline=RING_RGBA,
                width=round(1.5 * SCALE),
            )
        for label in scene.labels:
            canvas.rectangle(
                (*px(label.x, label.y), *px(label.x + label.w, label.y + label.h)),
                fill=BOX_RGBA,
                outline=BOX_EDGE_RGBA,
                width=1,
            )
            text_x = label.x + labels.PAD_X + label.size + labels.GLYPH_GAP
            canvas.text(
                px(text_x, label.y + label.h / 2),
                scene.name(label.code),
                font=labels.font(label.size * SCALE),
                fill=INK_RGBA,
                anchor="lm",
            )

    boxes = [inset, region, *(Box(p.x, p.y, p.x + p.w, p.y + p.h) for p in scene.labels)]
    for part in scene.parts:
        lo, hi = part.ring.min(axis=0), part.ring.max(axis=0)
        boxes.append(Box(float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])))
    boxes += [Box(m.x - m.r, m.y - m.r, m.x + m.r, m.y + m.r) for m in scene.markers]
    return _render(scene, _extent(boxes), draw, colors=48)


def _radius(scene: Scene, label: labels.Placed) -> float:
    for m in scene.markers:
        if m.code == label.code and (m.x, m.y) == (label.px, label.py):
            return m.r
    return 6.0


@lru_cache(maxsize=16)
def sample_overlay(scene: Scene) -> Overlay:
    """SAMPLE DATA, in red in a white box, where the scene keeps room for it."""
    mark = scene.mark
    font = labels.font(scene.mark_px * SCALE)

    def draw(
        canvas: ImageDraw.ImageDraw, px: Callable[[float, float], tuple[float, float]]
    ) -> None:
        canvas.rectangle(
            (*px(mark.x0, mark.y0), *px(mark.x1, mark.y1)),
            fill=(255, 255, 255, 240),
            outline=SAMPLE_RGBA,
            width=2 * SCALE,
        )
        centre = px((mark.x0 + mark.x1) / 2, (mark.y0 + mark.y1) / 2)
        canvas.text(centre, SAMPLE_TEXT, font=font, fill=SAMPLE_RGBA, anchor="mm")

    return _render(scene, mark, draw, colors=16)
