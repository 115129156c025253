"""A pack file's own properties: title, author, dates, versions, and a thumbnail of its cover.

python-pptx starts from a template whose properties describe the template (author "Steve
Canny", 2013, "On-screen Show (4:3)", 0 slides, a blank 4:3 thumbnail): a file browser and
File > Properties would show those. Every one is replaced here.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from dashboard.charts import SAMPLE_TEXT
from dashboard.core.scoring import RULE_VERSION
from dashboard.export.pack import PUBLISHER, Pack
from dashboard.export.words import day_text

MAX_PROPERTY = 255  # characters in a core property (the format's limit, as python-pptx keeps)
THUMBNAIL = (256, 144)  # 16:9, as the slides
THUMB_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<TotalTime>0</TotalTime><Words>{words}</Words><Application>{app}</Application>"
    "<PresentationFormat>Widescreen (16:9)</PresentationFormat><Paragraphs>{paragraphs}"
    "</Paragraphs><Slides>{slides}</Slides><Notes>{slides}</Notes><HiddenSlides>0</HiddenSlides>"
    "<MMClips>0</MMClips><ScaleCrop>false</ScaleCrop><Company>{company}</Company>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def description(pack: Pack) -> str:
    """What the file is, in one paragraph of at most 255 characters (the file's comments)."""
    sample = f"{SAMPLE_TEXT}: includes synthetic sample data. " if pack.synthetic else ""
    tail = (
        f" Method {RULE_VERSION}; data {pack.data_version or 'not recorded'}. "
        f"{PUBLISHER}, {pack.created}."
    )
    head = f"{sample}Briefing pack on the Responsibility to Protect: {pack.scope}, "
    room = MAX_PROPERTY - len(head) - len(tail) - 1
    what = (
        pack.filters_text if len(pack.filters_text) <= room else pack.filters_text[: room - 1] + "…"
    )
    return f"{head}{what}.{tail}"


def _font(size: int, *, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = THUMB_FONTS[0 if bold else 1]
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default()


def thumbnail(pack: Pack) -> bytes:
    """A 256 x 144 JPEG of the cover: title, date, and a red SAMPLE DATA band when it has it."""
    image = Image.new("RGB", THUMBNAIL, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 6, THUMBNAIL[1]), fill=(42, 120, 142))
    title_font = _font(15, bold=True)
    words, lines, current = pack.title.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=title_font) > THUMBNAIL[0] - 28 and current:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    y = 22
    for line in lines[:4]:
        draw.text((16, y), line, fill=(17, 17, 17), font=title_font)
        y += 19
    draw.text(
        (16, y + 6),
        f"Briefing pack · {day_text(pack.created)}",
        fill=(68, 68, 68),
        font=_font(11, bold=False),
    )
    if pack.synthetic:
        draw.rectangle((0, THUMBNAIL[1] - 30, THUMBNAIL[0], THUMBNAIL[1]), fill=(176, 0, 0))
        draw.text((16, THUMBNAIL[1] - 25), SAMPLE_TEXT, fill="white", font=_font(16, bold=True))
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def set_properties(prs: Any, *, pack: Pack) -> None:
    """The presentation's core and application properties and its thumbnail, for this pack."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    core = prs.core_properties
    core.title = pack.title
    core.subject = pack.filters_text
    core.author = PUBLISHER
    core.last_modified_by = PUBLISHER
    core.created = now
    core.modified = now
    core.revision = 1
    core.keywords = pack.keywords()
    core.comments = description(pack)
    core.category = "Briefing pack"
    core.content_status = SAMPLE_TEXT if pack.synthetic else "Documented data only"
    core.language = "en"
    core.version = f"method {RULE_VERSION}; data {pack.data_version or 'not recorded'}"
    words = paragraphs = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for para in shape.text_frame.paragraphs:
                    paragraphs += 1
                    words += len(para.text.split())
    app = APP_XML.format(
        words=words,
        paragraphs=paragraphs,
        slides=len(prs.slides),
        app=escape(f"{PUBLISHER} (python-pptx)"),
        company=escape(PUBLISHER),
    )
    for part in prs.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = app.encode("utf-8")
        elif str(part.partname) == "/docProps/thumbnail.jpeg":
            part._blob = thumbnail(pack)
