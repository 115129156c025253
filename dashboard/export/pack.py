"""What a briefing pack says, before any file is drawn: slides of text, tables and charts.

The PowerPoint and PDF writers draw the same Pack, so the two always say the same thing; each
lays it out for its own page (16:9 slide, A4 landscape) and continues a long table on as many
pages as it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import SAMPLE_TEXT, ChartMeta
from dashboard.export.words import version_text

PUBLISHER = "RtoP Monitor"


@dataclass(frozen=True)
class Chart:
    """A chart of the pack: the figure as the page draws it, its words, its text alternative.

    ``build`` (optional) draws the figure again for an image of a given size in CSS pixels (the
    map places its labels for the size it is drawn at).
    """

    figure: go.Figure
    meta: ChartMeta
    alt: str
    build: object = None  # Callable[[int, int], go.Figure] | None (kept plain for dataclass eq)


@dataclass(frozen=True)
class Table:
    """A table of the pack: display columns, and each column's share of the width."""

    frame: pd.DataFrame
    weights: tuple[float, ...] = ()

    def shares(self) -> list[float]:
        """Each column's share of the table's width (given, or by the length of its text)."""
        n = len(self.frame.columns)
        if len(self.weights) == n:
            total = sum(self.weights)
            return [w / total for w in self.weights]
        lengths = []
        for column in self.frame.columns:
            texts = [str(column), *(cell_text(v) for v in self.frame[column])]
            longest = max(len(t) for t in texts)
            typical = sorted(len(t) for t in texts)[len(texts) // 2]
            lengths.append(max(4.0, min(float(longest), 8.0 + typical * 1.5)))
        total = sum(lengths)
        return [w / total for w in lengths]


@dataclass
class Slide:
    """One slide (one or more PDF pages): a title, and bullets, a table and/or a chart, with
    the source line of what it shows and speaker notes."""

    title: str
    subtitle: str = ""
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None
    chart: Chart | None = None
    notes: str = ""
    source: str = ""
    cover: bool = False  # the title slide


@dataclass
class Pack:
    """A built briefing pack before it is written to a file."""

    title: str
    filters_text: str
    slides: list[Slide]
    synthetic: bool
    sources: list[str]
    data_version: str = ""
    scope: str = "the ARF region"
    created: str = ""  # ISO date the pack was built

    def footer(self) -> str:
        """Every slide's and page's foot: whom and what it covers, the method and data version."""
        return f"{PUBLISHER} · {self.filters_text} · {version_text(data_version=self.data_version)}"

    def keywords(self) -> str:
        """The file's keywords: the subject, the framework and both versions."""
        words = [
            "Responsibility to Protect",
            "CSCAP Memorandum No. 18",
            version_text(data_version=self.data_version),
        ]
        return "; ".join(words + ([SAMPLE_TEXT] if self.synthetic else []))


def cell_text(value: object) -> str:
    """Table cell text: empty for missing values."""
    if value is None:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def source_line(sources: list[str] | tuple[str, ...], *, limit: int = 3) -> str:
    """'Source: A; B; C and 4 more (listed under Sources)': whole titles, never cut mid-word."""
    if not sources:
        return ""
    shown = "; ".join(sources[:limit])
    more = len(sources) - limit
    word = "Sources" if len(sources) > 1 else "Source"
    return f"{word}: {shown}" + (f"; and {more} more (see Sources)" if more > 0 else "")
