"""A Pack as an A4 landscape PDF: one section per slide, charts sized to leave room for their
source line, long tables continued with their header, nothing under 9 pt."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from dashboard.charts import SAMPLE_TEXT
from dashboard.export import figures
from dashboard.export.pack import PUBLISHER, Pack, Slide, cell_text
from dashboard.export.properties import description

Progress = Callable[[float, str], None]
PAGE_W, PAGE_H = 841.89, 595.28  # A4 landscape, points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 36.0, 34.0, 46.0
FRAME_PAD = 6.0  # reportlab's frame padding on each side
CONTENT_W = PAGE_W - 2 * MARGIN_X - 2 * FRAME_PAD
CONTENT_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 2 * FRAME_PAD
FOOTER_SIZE = SOURCE_SIZE = 9
CELL_SIZE = 10
BODY_SIZE = 12
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
# Source titles in Korean, Japanese or Chinese: drawn in a CJK font when one is installed
# (Debian: fonts-wqy-zenhei), else they would show as empty boxes.
CJK_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",)
CJK = "WenQuanYi"
RED = "#B00000"


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str, frozenset[int]]:
    """(regular, bold, code points the regular font has): DejaVu Sans (it has the status
    symbols ○◔◑◕●◷◌) when installed, else Helvetica; a CJK fallback registered if present."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in CJK_FILES:
        if Path(path).exists() and CJK not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(CJK, path, subfontIndex=0))
            break
    if all(Path(f).exists() for f in FONT_FILES):
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", FONT_FILES[0]))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", FONT_FILES[1]))
        face = pdfmetrics.getFont("DejaVuSans").face  # type: ignore[attr-defined]
        return "DejaVuSans", "DejaVuSans-Bold", frozenset(face.charToGlyph)
    return "Helvetica", "Helvetica-Bold", frozenset(range(0x20, 0x250))


def markup(text: str) -> str:
    """Text escaped for a reportlab Paragraph, with characters the main font lacks set in the
    CJK font (when installed)."""
    from reportlab.pdfbase import pdfmetrics

    have = fonts()[2]
    if CJK not in pdfmetrics.getRegisteredFontNames() or all(ord(c) in have for c in text):
        return escape(text)
    out, run, in_cjk = [], "", False
    for ch in text:
        need = ord(ch) not in have and not ch.isspace()
        if need != in_cjk and run:
            out.append(f'<font name="{CJK}">{escape(run)}</font>' if in_cjk else escape(run))
            run = ""
        in_cjk = need
        run += ch
    if run:
        out.append(f'<font name="{CJK}">{escape(run)}</font>' if in_cjk else escape(run))
    return "".join(out)


def _styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    regular, bold, _ = fonts()
    grey = colors.HexColor("#444444")
    return {
        "cover": ParagraphStyle("cover", fontName=bold, fontSize=30, leading=36, spaceAfter=8),
        "cover_sub": ParagraphStyle("cover_sub", fontName=regular, fontSize=16, leading=20,
                                    textColor=grey, spaceAfter=18),
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=24, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", fontName=regular, fontSize=11, leading=14,
                                   textColor=grey, spaceAfter=6),
        "body": ParagraphStyle("body", fontName=regular, fontSize=BODY_SIZE, leading=16,
                               spaceAfter=5, leftIndent=12, bulletIndent=0),
        "lead": ParagraphStyle("lead", fontName=regular, fontSize=11, leading=14, spaceAfter=6),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=CELL_SIZE, leading=12.5),
        "head": ParagraphStyle("head", fontName=bold, fontSize=CELL_SIZE, leading=12.5),
        "source": ParagraphStyle("source", fontName=regular, fontSize=SOURCE_SIZE, leading=11.5,
                                 textColor=grey, spaceBefore=6),
    }  # fmt: skip


def _height(flowables: list[Any]) -> float:
    """The height the flowables take at the content width, their spacing included."""
    total = 0.0
    for f in flowables:
        _, h = f.wrap(CONTENT_W, CONTENT_H)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _table(s: Slide, styles: dict[str, Any]) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import LongTable, Paragraph, TableStyle

    assert s.table is not None
    frame = s.table.frame
    rows = [[Paragraph(markup(str(c)), styles["head"]) for c in frame.columns]]
    rows += [
        [Paragraph(markup(cell_text(v)), styles["cell"]) for v in row]
        for row in frame.itertuples(index=False)
    ]
    table = LongTable(rows, repeatRows=1, colWidths=[w * CONTENT_W for w in s.table.shares()])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9A9A9A")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _section(s: Slide, styles: dict[str, Any]) -> list[Any]:
    """One slide's flowables: title, subtitle, then its text, chart or table, then its source."""
    from reportlab.platypus import Image, Paragraph, Spacer

    head = [Paragraph(markup(s.title), styles["cover" if s.cover else "title"])]
    if s.subtitle:
        head.append(Paragraph(markup(s.subtitle), styles["cover_sub" if s.cover else "subtitle"]))
    tail = [Paragraph(markup(s.source), styles["source"])] if s.source else []
    body: list[Any] = []
    lone = not s.table and not s.chart
    for b in s.bullets:
        if lone:
            body.append(Paragraph(markup(b), styles["body"], bulletText="•"))
        else:
            body.append(Paragraph(markup(b), styles["lead"]))
    if s.chart is not None:
        room = CONTENT_H - _height(head + body + tail) - 10
        placed = figures.place(s.chart, width_pt=CONTENT_W, height_pt=room)
        body.append(Spacer(1, 4))
        body.append(Image(io.BytesIO(placed.png), width=placed.width_pt, height=placed.height_pt))
    if s.table is not None and not s.table.frame.empty:
        body.append(_table(s, styles))
    return head + body + tail


def _document(buf: io.BytesIO, **kwargs: Any) -> Any:
    """A document that heads a page continuing a section (a long table) with its title."""
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    class Document(SimpleDocTemplate):  # type: ignore[misc]
        section = ""
        titled: set[int] = set()

        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab's hook
            if isinstance(flowable, Paragraph) and flowable.style.name in ("title", "cover"):
                self.section = flowable.getPlainText()
                self.titled = self.titled | {self.page}

        def afterPage(self) -> None:  # noqa: N802 - reportlab's hook
            if self.section and self.page not in self.titled:
                self.canv.saveState()
                self.canv.setFont(fonts()[1], 11)
                self.canv.drawString(MARGIN_X, PAGE_H - 24, f"{self.section} (continued)")
                self.canv.restoreState()

    return Document(buf, **kwargs)


def to_pdf(pack: Pack, *, progress: Progress | None = None) -> bytes:
    """A landscape A4 PDF, one section per slide, with the footer, page numbers and, on sample
    data, SAMPLE DATA on every page."""
    from reportlab.lib import colors
    from reportlab.lib.utils import simpleSplit
    from reportlab.platypus import PageBreak

    step = progress or (lambda _f, _t: None)
    regular, bold, _ = fonts()
    buf = io.BytesIO()
    doc = _document(
        buf,
        pagesize=(PAGE_W, PAGE_H),
        title=pack.title,
        author=PUBLISHER,
        subject=description(pack),
        creator=PUBLISHER,
        keywords=pack.keywords(),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
    )
    footer = simpleSplit(pack.footer(), regular, FOOTER_SIZE, CONTENT_W - 70)

    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, FOOTER_SIZE)
        canvas.setFillColor(colors.HexColor("#444444"))
        for i, line in enumerate(footer[:2]):
            canvas.drawString(MARGIN_X, 26 - i * 11, line)
        canvas.drawRightString(PAGE_W - MARGIN_X, 26, f"Page {document.page}")
        if pack.synthetic:
            canvas.setFillColor(colors.HexColor(RED))
            canvas.setFont(bold, 12)
            canvas.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 22, SAMPLE_TEXT)
        canvas.restoreState()

    styles = _styles()
    story: list[Any] = []
    for n, s in enumerate(pack.slides):
        step(n / max(len(pack.slides), 1), s.title)
        if n:
            story.append(PageBreak())
        story += _section(s, styles)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()
