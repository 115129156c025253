"""How much room text takes on a slide, measured with the metrics office suites use.

PowerPoint draws the slides' text in Calibri and LibreOffice in Carlito, its metric twin; both
grow a text box or a table row to fit its text. So a layout that does not measure its text
runs off the slide. Widths come from Carlito when installed (Debian: fonts-crosextra-carlito),
else DejaVu Sans (wider: the layout keeps room to spare), else an average character width.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONTS = {
    False: (
        "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    True: (
        "/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
}
REFERENCE = 100  # the size fonts are loaded at; widths scale linearly
SLACK = 1.01  # a little more than measured: hinting and kerning differ between renderers
WIDE = 0x2E80  # from here on (CJK, Hangul, full-width forms) a character is one em wide
LINE = 1.22  # line height as a multiple of the font size (Calibri's is about 1.22)


@lru_cache(maxsize=4)
def _font(bold: bool) -> ImageFont.FreeTypeFont | None:
    for path in FONTS[bold]:
        if Path(path).exists():
            return ImageFont.truetype(path, REFERENCE)
    return None


def text_width(text: str, *, size: float, bold: bool = False) -> float:
    """The width of one line of ``text`` at ``size`` pt, in points."""
    wide = sum(1 for ch in text if ord(ch) >= WIDE)
    narrow = "".join(ch for ch in text if ord(ch) < WIDE)
    font = _font(bold)
    base = (
        font.getlength(narrow) / REFERENCE * size if font is not None else len(narrow) * size * 0.56
    )
    return (base + wide * size) * SLACK


def wrap(text: str, *, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines at most ``width`` pt wide at ``size`` pt (at spaces; a word
    too long for a line is broken where it must be), keeping its own line breaks."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        current = ""
        for word in paragraph.split(" "):
            trial = f"{current} {word}" if current else word
            if text_width(trial, size=size, bold=bold) <= width:
                current = trial
                continue
            if current:
                lines.append(current)
            while text_width(word, size=size, bold=bold) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and text_width(word[:cut], size=size, bold=bold) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def text_height(text: str, *, width: float, size: float, bold: bool = False) -> float:
    """The height of ``text`` wrapped to ``width`` pt at ``size`` pt, in points."""
    return len(wrap(text, width=width, size=size, bold=bold)) * size * LINE
