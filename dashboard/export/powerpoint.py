"""A Pack as a 16:9 PowerPoint file: editable text, measured so nothing runs off a slide.

Every text box and table row is as tall as its text (measured with Calibri's metrics), a table
longer than a slide continues on the next one under the same title, a chart image is drawn for
the room it gets, and the footer band (versions, SAMPLE DATA badge) is never covered.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dashboard.charts import SAMPLE_TEXT
from dashboard.export import figures
from dashboard.export.measure import LINE, text_height, wrap
from dashboard.export.pack import Pack, Slide, Table, cell_text
from dashboard.export.properties import set_properties

Progress = Callable[[float, str], None]
SLIDE_W, SLIDE_H = 960.0, 540.0  # points (13.333 x 7.5 in, 16:9)
MARGIN = 36.0
CONTENT_W = SLIDE_W - 2 * MARGIN
INSET_X, INSET_Y = 7.2, 3.6  # python-pptx text boxes' insets (0.1 in, 0.05 in)
CELL_X, CELL_Y = 5.0, 3.0  # table cell margins
TITLE_SIZE, COVER_TITLE_SIZE = 28, 36
SUBTITLE_SIZE, COVER_SUBTITLE_SIZE = 14, 20
BODY_SIZES = (18, 16, 14)  # bullets: the largest that fits
TABLE_SIZES = (13, 12, 11)  # table text: the largest with which a table takes few slides
SOURCE_SIZE = 10.5  # (apart from every table size: an office suite's output tells them apart)
TABLE_ROOM = 0.96  # of the room a table may fill as measured: a renderer may wrap a cell more
FOOTER_SIZE = 10
BADGE_SIZE = 14
BADGE_W = 124.0
GAP = 8.0
PARAGRAPH_GAP = 6.0
INK, GREY, RED = (17, 17, 17), (68, 68, 68), (176, 0, 0)
HEADER_FILL = (232, 232, 232)
FONT = "Calibri"


@dataclass(frozen=True)
class Box:
    """Where a shape goes, in points."""

    x: float
    y: float
    w: float
    h: float


def _emu(pt: float) -> int:
    return round(pt * 12700)


def paragraphs_height(texts: list[str], *, width: float, size: float, bold: bool = False) -> float:
    """The height of a text box holding ``texts`` as paragraphs, insets included."""
    inner = width - 2 * INSET_X
    body = sum(text_height(t, width=inner, size=size, bold=bold) for t in texts)
    return body + PARAGRAPH_GAP * max(len(texts) - 1, 0) + 2 * INSET_Y + 2


def _text_box(
    slide: Any,
    box: Box,
    texts: list[str],
    *,
    size: float,
    bold: bool = False,
    color: tuple[int, int, int] = INK,
    name: str = "",
) -> Any:
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_AUTO_SIZE, MSO_VERTICAL_ANCHOR
    from pptx.util import Pt

    shape = slide.shapes.add_textbox(_emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
    if name:
        shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_VERTICAL_ANCHOR.TOP
    for i, text in enumerate(texts):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if i:
            para.space_before = Pt(PARAGRAPH_GAP)
        para.font.size = Pt(size)
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = RGBColor(*color)
    return shape


def _row_height(cells: list[str], widths: list[float], *, size: float, bold: bool) -> float:
    lines = max(
        len(wrap(text, width=w - 2 * CELL_X, size=size, bold=bold))
        for text, w in zip(cells, widths, strict=True)
    )
    return lines * size * LINE + 2 * CELL_Y + 1.5


def table_pages(table: Table, *, room: float, size: float) -> list[list[int]]:
    """The table's row numbers on each slide: as many rows as fit under the header in
    ``room`` points (at least one)."""
    widths = [s * CONTENT_W for s in table.shares()]
    head = _row_height([str(c) for c in table.frame.columns], widths, size=size, bold=True)
    pages: list[list[int]] = [[]]
    used = head
    for i, row in enumerate(table.frame.itertuples(index=False)):
        h = _row_height([cell_text(v) for v in row], widths, size=size, bold=False)
        if pages[-1] and used + h > room:
            pages.append([])
            used = head
        pages[-1].append(i)
        used += h
    return pages


def _add_table(slide: Any, table: Table, rows: list[int], *, top: float, size: float) -> float:
    """The table's header and ``rows`` at ``top``; returns the height it takes."""
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    widths = [s * CONTENT_W for s in table.shares()]
    header = [str(c) for c in table.frame.columns]
    body = [[cell_text(v) for v in table.frame.iloc[i]] for i in rows]
    heights = [_row_height(header, widths, size=size, bold=True)] + [
        _row_height(r, widths, size=size, bold=False) for r in body
    ]
    shape = slide.shapes.add_table(
        len(body) + 1, len(header), _emu(MARGIN), _emu(top), _emu(CONTENT_W), _emu(sum(heights))
    )
    shape.name = "Table"
    grid = shape.table
    grid.first_row = True
    grid.horz_banding = False
    for j, w in enumerate(widths):
        grid.columns[j].width = _emu(w)
    for i, (values, h) in enumerate(zip([header, *body], heights, strict=True)):
        grid.rows[i].height = _emu(h)
        for j, text in enumerate(values):
            cell = grid.cell(i, j)
            cell.margin_left = cell.margin_right = _emu(CELL_X)
            cell.margin_top = cell.margin_bottom = _emu(CELL_Y)
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor(*(HEADER_FILL if i == 0 else (255, 255, 255)))
            _borders(cell)
            frame = cell.text_frame
            frame.word_wrap = True
            frame.paragraphs[0].font.size = Pt(size)  # an empty cell's line is this tall too
            run = frame.paragraphs[0].add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.bold = i == 0
            run.font.name = FONT
            run.font.color.rgb = RGBColor(*INK)
    return sum(heights)


def _borders(cell: Any, *, color: str = "9A9A9A", width: float = 0.5) -> None:
    """Thin grey lines round a table cell (python-pptx has no API for them)."""
    from lxml import etree
    from pptx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()
    for n, side in enumerate(("a:lnL", "a:lnR", "a:lnT", "a:lnB")):
        for old in props.findall(qn(side)):
            props.remove(old)
        line = etree.Element(qn(side), w=str(_emu(width)), cap="flat", cmpd="sng", algn="ctr")
        fill = etree.SubElement(line, qn("a:solidFill"))
        etree.SubElement(fill, qn("a:srgbClr"), val=color)
        etree.SubElement(line, qn("a:prstDash"), val="solid")
        props.insert(n, line)  # the schema wants the lines before the cell's fill


def _picture(slide: Any, s: Slide, *, top: float, room: float) -> float:
    """The slide's chart drawn for the room below ``top``; returns the height it takes."""
    assert s.chart is not None
    placed = figures.place(s.chart, width_pt=CONTENT_W, height_pt=room)
    left = MARGIN + (CONTENT_W - placed.width_pt) / 2
    pic = slide.shapes.add_picture(
        io.BytesIO(placed.png),
        _emu(left),
        _emu(top),
        width=_emu(placed.width_pt),
        height=_emu(placed.height_pt),
    )
    pic.name = f"Chart: {s.chart.meta.title}"[:120]
    pic._element.nvPicPr.cNvPr.set("descr", s.chart.alt)  # the text alternative, not a file name
    return placed.height_pt


class _Deck:
    """The presentation being written, with the pack's footer on every slide."""

    def __init__(self, pack: Pack) -> None:
        from pptx import Presentation
        from pptx.util import Emu

        self.pack = pack
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Emu(_emu(SLIDE_W)), Emu(_emu(SLIDE_H))
        self.blank = self.prs.slide_layouts[6]
        footer = pack.footer()
        self.footer_w = CONTENT_W - (BADGE_W + GAP if pack.synthetic else 0)
        self.footer_h = paragraphs_height([footer], width=self.footer_w, size=FOOTER_SIZE)
        self.footer_top = SLIDE_H - 10 - max(self.footer_h, 26)
        self.bottom = self.footer_top - GAP  # nothing of a slide's content goes below this

    def new(
        self, title: str, subtitle: str, notes: str, *, cover: bool = False
    ) -> tuple[Any, float]:
        """A slide with its title, subtitle, footer and notes; returns it and where its
        content starts."""
        slide = self.prs.slides.add_slide(self.blank)
        size = COVER_TITLE_SIZE if cover else TITLE_SIZE
        top = 150.0 if cover else 22.0
        h = paragraphs_height([title], width=CONTENT_W, size=size, bold=True)
        _text_box(
            slide, Box(MARGIN, top, CONTENT_W, h), [title], size=size, bold=True, name="Title"
        )
        top += h
        if subtitle:
            sub = COVER_SUBTITLE_SIZE if cover else SUBTITLE_SIZE
            h = paragraphs_height([subtitle], width=CONTENT_W, size=sub)
            _text_box(slide, Box(MARGIN, top, CONTENT_W, h), [subtitle], size=sub, color=GREY,
                      name="Subtitle")  # fmt: skip
            top += h
        self._footer(slide)
        slide.notes_slide.notes_text_frame.text = notes or "No notes."
        return slide, top + GAP

    def _footer(self, slide: Any) -> None:
        _text_box(
            slide,
            Box(MARGIN, self.footer_top, self.footer_w, self.footer_h),
            [self.pack.footer()],
            size=FOOTER_SIZE,
            color=GREY,
            name="Footer",
        )
        if self.pack.synthetic:
            from pptx.dml.color import RGBColor
            from pptx.enum.text import PP_ALIGN

            badge = _text_box(
                slide,
                Box(SLIDE_W - MARGIN - BADGE_W, self.footer_top - 2, BADGE_W, 28),
                [SAMPLE_TEXT],
                size=BADGE_SIZE,
                bold=True,
                color=RED,
                name="SAMPLE DATA badge",
            )
            badge.line.color.rgb = RGBColor(*RED)
            badge.line.width = _emu(1.5)
            badge.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER

    def source(self, slide: Any, text: str, *, top: float) -> float:
        h = paragraphs_height([text], width=CONTENT_W, size=SOURCE_SIZE)
        _text_box(slide, Box(MARGIN, top, CONTENT_W, h), [text], size=SOURCE_SIZE, color=GREY,
                  name="Source")  # fmt: skip
        return h

    def bullets(self, s: Slide, *, top: float, room: float) -> tuple[list[list[str]], float]:
        """The bullets split into slides' worth at the largest size that keeps them on one
        slide (or on as few as the smallest size allows)."""
        texts = ["• " + b for b in s.bullets]
        for size in BODY_SIZES:
            if paragraphs_height(texts, width=CONTENT_W, size=size) <= room:
                return [texts], size
        size = BODY_SIZES[-1]
        groups: list[list[str]] = [[]]
        for t in texts:
            if (
                groups[-1]
                and paragraphs_height([*groups[-1], t], width=CONTENT_W, size=size) > room
            ):
                groups.append([])
            groups[-1].append(t)
        return groups, size

    def add(self, s: Slide) -> None:
        slide, top = self.new(s.title, s.subtitle, s.notes, cover=s.cover)
        source_h = (
            paragraphs_height([s.source], width=CONTENT_W, size=SOURCE_SIZE) if s.source else 0
        )
        if s.bullets and not s.table and not s.chart:
            groups, size = self.bullets(s, top=top, room=self.bottom - top - source_h)
            for n, group in enumerate(groups):
                if n:
                    slide, top = self.new(f"{s.title} (continued)", s.subtitle, s.notes)
                h = paragraphs_height(group, width=CONTENT_W, size=size)
                _text_box(slide, Box(MARGIN, top, CONTENT_W, h), group, size=size, name="Text")
                if s.source and n == len(groups) - 1:
                    self.source(slide, s.source, top=top + h + GAP)
            return
        if s.bullets:  # a sentence above a table: at the smallest body size
            size = BODY_SIZES[-1]
            h = paragraphs_height(s.bullets, width=CONTENT_W, size=size)
            _text_box(slide, Box(MARGIN, top, CONTENT_W, h), s.bullets, size=size, name="Text")
            top += h + GAP
        if s.chart is not None:
            h = _picture(slide, s, top=top, room=self.bottom - top - source_h - GAP)
            top += h + GAP
        if s.table is not None and not s.table.frame.empty:
            room = (self.bottom - top - source_h - GAP) * TABLE_ROOM
            size = TABLE_SIZES[-1]
            for size in TABLE_SIZES:
                if len(table_pages(s.table, room=room, size=size)) == 1:
                    break
            pages = table_pages(s.table, room=room, size=size)
            for n, rows in enumerate(pages):
                if n:
                    title = f"{s.title} (continued, {n + 1} of {len(pages)})"
                    slide, top = self.new(title, s.subtitle, s.notes)
                    room = (self.bottom - top - source_h - GAP) * TABLE_ROOM
                h = _add_table(slide, s.table, rows, top=top, size=size)
                if s.source and n == len(pages) - 1:
                    self.source(slide, s.source, top=top + h + GAP)
            return
        if s.source:
            self.source(slide, s.source, top=top)


def to_pptx(pack: Pack, *, progress: Progress | None = None) -> bytes:
    """A 16:9 PowerPoint file with editable text, charts with text alternatives, speaker notes
    and the pack's own file properties and thumbnail."""
    step = progress or (lambda _f, _t: None)
    deck = _Deck(pack)
    for n, s in enumerate(pack.slides):
        step(n / max(len(pack.slides), 1), s.title)
        deck.add(s)
    set_properties(deck.prs, pack=pack)
    buf = io.BytesIO()
    deck.prs.save(buf)
    return buf.getvalue()
