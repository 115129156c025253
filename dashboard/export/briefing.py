"""Briefing packs for a meeting (the region) or one participant, as PPTX (16:9) and PDF.

Both formats are written from the same list of slides, so they always say the same thing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from xml.sax.saxutils import escape

import pandas as pd

from dashboard import charts, maps, views
from dashboard.charts import SAMPLE_TEXT, ChartMeta
from dashboard.charts.overview import standing_bars
from dashboard.core.scoring import MIN_COVERAGE, RULE_VERSION
from dashboard.export.images import for_export, render
from dashboard.filters import Filters
from dashboard.views import changes
from dashboard.views.overview import regional_standing, standing_of

Progress = Callable[[float, str], None]
SLIDE_W, SLIDE_H = 1600, 900  # image size in CSS px (16:9), rendered at scale 2
RECENT_EVENTS = 12
FRAMEWORK_SOURCE = "seed-001"  # CSCAP Memorandum No. 18 (2011), data/reference/sources.csv
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)


def _pdf_fonts() -> tuple[str, str]:
    """DejaVu Sans (which has the status symbols ○◔◑◕●) when installed, else Helvetica."""
    from pathlib import Path

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if all(Path(f).exists() for f in FONT_FILES):
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", FONT_FILES[0]))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", FONT_FILES[1]))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


@dataclass
class Slide:
    """One slide (or PDF page): a title, and an image, bullets and/or a table, with notes."""

    title: str
    subtitle: str = ""
    image: bytes | None = None
    bullets: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    notes: str = ""
    source: str = ""


@dataclass
class Pack:
    """A built briefing pack before it is written to a file."""

    title: str
    filters_text: str
    slides: list[Slide]
    synthetic: bool
    sources: list[str]
    data_version: str = ""


def _footer(pack: Pack) -> str:
    """Every slide's and page's foot: the filters, the method and the data version."""
    data = f" · data {pack.data_version}" if pack.data_version else ""
    return f"RtoP Monitor · {pack.filters_text} · method v{RULE_VERSION}{data}"


def _sources(*values: object) -> list[str]:
    out: list[str] = []
    for value in values:
        items = value if isinstance(value, list | tuple | pd.Series) else [value]
        for item in items:
            for part in str(item or "").split("; "):
                if part and part != "nan" and part not in out:
                    out.append(part)
    return out


def _chart_slide(fig_meta: ChartMeta, fig: object, *, title: str, note: str = "") -> Slide:
    exported = for_export(fig, meta=fig_meta)  # type: ignore[arg-type]
    exported.update_layout(height=SLIDE_H)
    image = render(exported, fmt="png", width=SLIDE_W, height=SLIDE_H, scale=2)
    return Slide(
        title=title,
        subtitle=fig_meta.subtitle,
        image=image,
        notes=(note + "\n" if note else "") + fig_meta.source_line(limit=50),
        source=fig_meta.source_line(limit=6),
    )


def build_pack(
    *,
    ds: views.Dataset,
    filters: Filters,
    participant: str | None = None,
    progress: Progress | None = None,
    since: dt.date | None = None,
) -> Pack:
    """Compute every slide's content and render its images with one warm renderer; with
    ``since``, a "What changed" slide follows the key figures."""
    step = progress or (lambda _f, _t: None)
    names = ds.names
    today = dt.date.today().isoformat()
    year = filters.to_year
    pf = replace(filters, participants=(participant,)) if participant else filters
    subtitle = pf.describe(names=names)
    who = names.get(participant, participant) if participant else "the ARF region"
    synthetic = filters.sample and ds.has_synthetic
    slides: list[Slide] = []
    cited: dict[str, None] = {}  # every source a slide of this pack shows, in order
    framework = ds.sources[ds.sources["code"] == FRAMEWORK_SOURCE]["title"]
    cited.update(dict.fromkeys(framework))  # the pack measures against CSCAP Memorandum No. 18

    def cite(srcs: list[str]) -> list[str]:
        cited.update(dict.fromkeys(srcs))
        return srcs

    def meta(title: str, srcs: list[str], stem: str, frame: pd.DataFrame) -> ChartMeta:
        cite(srcs)
        has_sample = bool(
            len(frame) and "synthetic" in frame and frame["synthetic"].astype(bool).any()
        )
        return ChartMeta(
            title=title,
            subtitle=subtitle,
            sources=tuple(srcs),
            synthetic=synthetic and has_sample,
            exported=today,
            file_stem=stem,
            data_version=ds.version,
        )

    step(0.05, "Key figures")
    title = f"Implementing the Responsibility to Protect: {who}"
    slides.append(
        Slide(
            title=title,
            subtitle=f"Briefing pack · {today}",
            bullets=[
                f"Filters: {subtitle}",
                "Framework: CSCAP Memorandum No. 18 (2011), twelve recommendations",
                "Prepared with RtoP Monitor",
            ]
            + (
                [f"{SAMPLE_TEXT}: includes synthetic sample data, not real assessments"]
                if synthetic
                else []
            ),
            notes="Title slide.",
        )
    )
    heads = views.headlines(ds=ds, filters=pf, since=filters.from_year)
    slides.append(
        Slide(
            title=f"Key figures, {year}",
            subtitle=subtitle,
            bullets=[h.text for h in heads],
            notes="How each figure is computed:\n"
            + "\n".join(f"- {h.label}: {h.help}" for h in heads),
        )
    )

    if since is not None:
        step(0.15, "What changed")
        moved = changes.changes_for(ds=ds, filters=pf, since=since)
        top = moved.statuses.head(12)
        cite(_sources(moved.events["source"]) if len(moved.events) else [])
        slides.append(
            Slide(
                title=f"What changed since {since.isoformat()}",
                subtitle=subtitle if top.empty else changes.summary_sentence(moved),
                bullets=[changes.summary_sentence(moved)] if top.empty else [],
                table=None
                if top.empty
                else top[["name", "recommendation", "before", "after", "direction"]].rename(
                    columns={
                        "name": "Participant",
                        "recommendation": "Rec.",
                        "before": "Then",
                        "after": "Now",
                        "direction": "Change",
                    }
                ),
                notes=changes.summary_sentence(moved)
                + (
                    f" The {len(top)} first of {len(moved.statuses)} status changes are shown."
                    if len(moved.statuses) > len(top)
                    else ""
                )
                + "\nEvidence behind each change:\n"
                + "\n".join(
                    f"- {r.name} {r.recommendation}: {r.evidence} ({r.loads})"
                    for r in top.itertuples()
                ),
                source=summary_source(moved),
            )
        )

    matrix = views.tracker_matrix(ds=ds, filters=pf, year=year, sort="grouping")
    matrix_sources = _sources(matrix["sources"].dropna() if "sources" in matrix else [])
    if participant is None:  # a participant's own standing is its scorecard, below
        step(0.18, "Where the region stands")
        standing = standing_of(matrix=matrix, ds=ds, filters=pf)
        m = meta(
            f"Where the region stands on each national recommendation, {year}",
            matrix_sources,
            "standing",
            standing,
        )
        regional = regional_standing(ds=ds, filters=pf, year=year)
        slides.append(
            _chart_slide(
                m,
                standing_bars(standing=standing, meta=m),
                title="Where the region stands",
                note="Regional recommendations (acts of the ARF as a whole):\n"
                + "\n".join(f"- {line}" for line in regional)
                if regional
                else "",
            )
        )

    step(0.2, "Status map")
    values = views.overview_map(ds=ds, filters=filters, year=year)
    m = meta(
        f"Average status of the selected recommendations, {year}",
        _sources(values["source"]),
        "map",
        values,
    )
    slides.append(_chart_slide(m, maps.static_map(values=values, meta=m), title="Status map"))

    step(0.35, "Recommendation tracker")
    m = meta(f"Status by participant and recommendation, {year}", matrix_sources, "tracker", matrix)
    slides.append(
        _chart_slide(
            m, charts.status_heatmap(matrix=matrix, meta=m), title="Recommendation tracker"
        )
    )
    track = views.regional_track(ds=ds, filters=filters, year=year)
    slides.append(
        Slide(
            title=f"Regional progress track, {year}",
            subtitle=subtitle,
            table=track[["code", "name", "status_label", "last_update", "events"]].rename(
                columns={
                    "code": "Item",
                    "name": "Name",
                    "status_label": "Status",
                    "last_update": "Last update",
                    "events": "Events",
                }
            ),
            notes=ChartMeta(title="", sources=tuple(cite(_sources(track["source"])))).source_line(
                limit=50
            ),
            source=ChartMeta(title="", sources=tuple(cite(_sources(track["source"])))).source_line(
                limit=6
            ),
        )
    )

    step(0.5, "Pillar coverage")
    coverage = views.pillar_coverage(ds=ds, filters=pf, year=year)
    m = meta(
        f"Share of pillar-linked recommendations at or above 'Initiated', {year}",
        [],
        "pillars",
        coverage,
    )
    slides.append(
        _chart_slide(
            m,
            charts.pillar_bars(coverage=coverage, measure="recommendations", meta=m),
            title="Pillar coverage",
        )
    )

    step(0.65, "Timeline")
    events = (
        views.participant_events(ds=ds, filters=filters, participant=participant)
        if participant
        else views.timeline_events(ds=ds, filters=filters)
    )
    if len(events):
        events = events[events["date"].dt.year >= filters.from_year]
        events = events.sort_values("date").tail(RECENT_EVENTS)
    m = meta(
        f"The {len(events)} most recent events, {filters.from_year}–{year}",
        _sources(events["source"]) if len(events) else [],
        "timeline",
        events,
    )
    if len(events):  # no slide of nothing
        slides.append(
            _chart_slide(
                m,
                charts.event_timeline(
                    events=events, color_by="kind", meta=m, period=(filters.from_year, year)
                ),
                title="Recent events",
            )
        )

    if participant:
        step(0.8, "Scorecard and evidence")
        card = views.scorecard(ds=ds, participant=participant, year=year)
        slides.append(
            Slide(
                title=f"{who}: scorecard, {year}",
                subtitle=subtitle,
                table=card[
                    ["recommendation", "name", "status_label", "trend", "last_update"]
                ].rename(
                    columns={
                        "recommendation": "Rec.",
                        "name": "Recommendation",
                        "status_label": "Status",
                        "trend": "Trend",
                        "last_update": "Last update",
                    }
                ),
                notes="Sources:\n" + "\n".join(cite(_sources(card["source"]))),
                source=ChartMeta(
                    title="", sources=tuple(cite(_sources(card["source"])))
                ).source_line(limit=6),
            )
        )
        ev = views.evidence(
            ds=ds, participant=participant, from_year=filters.from_year, to_year=year
        )
        shown = ev.head(14)
        cite(_sources(shown["source"]))
        slides.append(
            Slide(
                title=f"{who}: evidence",
                subtitle=f"{len(shown)} most recent of {len(ev)} observations",
                table=shown[["date", "indicator", "value", "unit", "source"]].rename(
                    columns={
                        "date": "Date",
                        "indicator": "Indicator",
                        "value": "Value",
                        "unit": "Unit",
                        "source": "Source",
                    }
                ),
                notes="Notes on the evidence:\n"
                + "\n".join(
                    f"- {r.date} {r.indicator}: {r.note}" for r in shown.itertuples() if r.note
                ),
            )
        )

    step(0.9, "Methodology and sources")
    # The sources this pack cites, not every source in the database: a documented-only pack
    # never lists the synthetic sample's source.
    order = {title: i for i, title in enumerate(cited)}
    used = ds.sources[ds.sources["title"].isin(order)]
    used = used.assign(_o=used["title"].map(order)).sort_values("_o").drop(columns="_o")
    slides.append(
        Slide(
            title="Methodology and sources",
            bullets=[
                "Status scale: ○ 0 Not started · ◔ 1 Under consideration · ◑ 2 Initiated · "
                "◕ 3 Substantial progress · ● 4 Implemented (– no data)",
                f"Method version {RULE_VERSION} (docs/methodology.md): an indicator value "
                "reaches the highest status whose threshold it meets; a recommendation's "
                "status is the mean of its indicators' statuses scaled to their ceilings, "
                "rounded down, never above the best indicator, at most Substantial progress "
                f"with incomplete coverage, and 'insufficient data' below "
                f"{MIN_COVERAGE:.0%} coverage.",
                "Flows (events in a year) count for two years; stocks carried forward are "
                "marked stale after their indicator's age limit. Expert assessments name "
                "assessor, rationale and source, and the computed status is kept beside them.",
                "Averages are shown only when at least half of the units have data.",
                f"Sources ({len(used)}): "
                + "; ".join(used["title"].head(8))
                + (f"; and {len(used) - 8} more" if len(used) > 8 else ""),
            ]
            + (
                [f"{SAMPLE_TEXT}: the synthetic sample is included; it is not evidence."]
                if synthetic
                else []
            ),
            notes=f"Method version {RULE_VERSION}. All sources:\n"
            + "\n".join(f"- {r.title} ({r.date}) {r.url}".rstrip() for r in used.itertuples()),
        )
    )
    step(1.0, "Done")
    return Pack(
        title=title,
        filters_text=subtitle,
        slides=slides,
        synthetic=synthetic,
        sources=list(used["title"]),
        data_version=ds.version,
    )


# ---------------------------------------------------------------- writers


def summary_source(moved: changes.WhatChanged) -> str:
    """The slide's source line: the change history of this database."""
    return f"Source: RtoP Monitor change history (load runs since {moved.since.isoformat()})"


def _cell(value: object) -> str:
    """Table cell text: empty for missing values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def to_pptx(pack: Pack) -> bytes:
    """A 16:9 PowerPoint file with editable text, images and speaker notes."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, 16:9
    blank = prs.slide_layouts[6]
    width = prs.slide_width

    def text_box(
        slide: object,
        left: float,
        top: float,
        w: float,
        h: float,
        lines: list[str],
        size: int,
        bold: bool = False,
        color: tuple[int, int, int] = (17, 17, 17),
    ) -> None:
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(w), Inches(h))  # type: ignore[attr-defined]
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = line
            para.font.size = Pt(size)
            para.font.bold = bold
            para.font.color.rgb = RGBColor(*color)

    for n, s in enumerate(pack.slides):
        slide = prs.slides.add_slide(blank)
        first = n == 0
        text_box(
            slide, 0.5, 2.3 if first else 0.3, 12.3, 1.2, [s.title], 36 if first else 28, bold=True
        )
        if s.subtitle:
            text_box(
                slide,
                0.5,
                3.4 if first else 1.0,
                12.3,
                0.5,
                [s.subtitle],
                18 if first else 14,
                color=(68, 68, 68),
            )
        top = 4.1 if first else 1.5
        if s.image is not None:
            pic_h = Inches(7.5 - top - 0.35)
            pic_w = int(pic_h * 16 / 9)
            slide.shapes.add_picture(
                io.BytesIO(s.image), Emu(int((width - pic_w) / 2)), Inches(top), height=pic_h
            )
        if s.bullets:
            text_box(slide, 0.7, top, 12.0, 3.5, ["• " + b for b in s.bullets], 20)
        if s.table is not None and not s.table.empty:
            rows, cols = len(s.table) + 1, len(s.table.columns)
            shape = slide.shapes.add_table(
                rows, cols, Inches(0.5), Inches(top), Inches(12.3), Inches(min(5.6, 0.38 * rows))
            )
            table = shape.table
            for j, column in enumerate(s.table.columns):
                table.cell(0, j).text = str(column)
            for i, row in enumerate(s.table.itertuples(index=False), start=1):
                for j, value in enumerate(row):
                    table.cell(i, j).text = _cell(value)
            for i in range(rows):
                for j in range(cols):
                    for para in table.cell(i, j).text_frame.paragraphs:
                        para.font.size = Pt(12 if rows > 10 else 14)
        if pack.synthetic:
            text_box(slide, 10.3, 6.95, 2.9, 0.4, [SAMPLE_TEXT], 16, bold=True, color=(176, 0, 0))
        text_box(
            slide,
            0.3,
            7.05,
            9.5,
            0.35,
            [_footer(pack)],
            10,
            color=(90, 90, 90),
        )
        slide.notes_slide.notes_text_frame.text = s.notes or "No notes."
    prs.core_properties.title = pack.title
    prs.core_properties.subject = pack.filters_text
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def to_pdf(pack: Pack) -> bytes:
    """A landscape PDF, one page per slide, with a footer and the sample mark where needed."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        Image,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    page = landscape(A4)
    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=page,
        title=pack.title,
        author="RtoP Monitor",
        subject=pack.filters_text,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.2 * cm,
        bottomMargin=1.5 * cm,
    )

    def decorate(canvas: object, document: object) -> None:
        c = canvas
        c.saveState()  # type: ignore[attr-defined]
        c.setFont(_pdf_fonts()[0], 8)  # type: ignore[attr-defined]
        c.drawString(1.5 * cm, 0.8 * cm, _footer(pack)[:170])  # type: ignore[attr-defined]
        c.drawRightString(page[0] - 1.5 * cm, 0.8 * cm, f"Page {document.page}")  # type: ignore[attr-defined]
        if pack.synthetic:
            c.setFillColor(colors.HexColor("#B00000"))  # type: ignore[attr-defined]
            c.setFont(_pdf_fonts()[1], 14)  # type: ignore[attr-defined]
            c.drawRightString(page[0] - 1.5 * cm, page[1] - 0.9 * cm, SAMPLE_TEXT)  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]

    story: list[object] = []
    avail_w, avail_h = page[0] - 3 * cm, page[1] - 2.7 * cm
    regular, bold = _pdf_fonts()
    for name in ("Title", "Heading1", "Italic", "BodyText"):
        styles[name].fontName = bold if name in ("Title", "Heading1") else regular
    body = styles["BodyText"].clone("body", fontSize=12, leading=16)
    cell = styles["BodyText"].clone("cell", fontSize=9, leading=11)
    for n, s in enumerate(pack.slides):
        if n:
            story.append(PageBreak())
        story.append(Paragraph(escape(s.title), styles["Title" if n == 0 else "Heading1"]))
        if s.subtitle:
            story.append(Paragraph(escape(s.subtitle), styles["Italic"]))
        story.append(Spacer(1, 0.3 * cm))
        used = 2.2 * cm
        if s.image is not None:
            h = avail_h - used - 1.8 * cm
            w = min(avail_w, h * 16 / 9)
            story.append(Image(io.BytesIO(s.image), width=w, height=w * 9 / 16))
        for b in s.bullets:
            story.append(Paragraph("• " + escape(b), body))
        if s.table is not None and not s.table.empty:
            data = [[Paragraph(escape(str(c)), cell) for c in s.table.columns]]
            data += [
                [Paragraph(escape(_cell(v)), cell) for v in row]
                for row in s.table.itertuples(index=False)
            ]
            t = Table(
                data,
                repeatRows=1,
                colWidths=[avail_w / len(s.table.columns)] * len(s.table.columns),
            )
            t.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(t)
        if s.source:
            story.append(Spacer(1, 0.2 * cm))
            story.append(Paragraph(escape(s.source[:600]), styles["Italic"]))
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)  # type: ignore[arg-type]
    return buf.getvalue()


def build_briefing(
    *,
    ds: views.Dataset,
    filters: Filters,
    participant: str | None,
    fmt: str,
    progress: Progress | None = None,
    since: dt.date | None = None,
) -> bytes:
    """The briefing pack as PPTX or PDF bytes (with a "What changed" slide when ``since``)."""
    if fmt not in ("pptx", "pdf"):
        raise ValueError(f"unsupported briefing format {fmt!r}: use pptx or pdf")
    pack = build_pack(
        ds=ds, filters=filters, participant=participant, progress=progress, since=since
    )
    return to_pptx(pack) if fmt == "pptx" else to_pdf(pack)
