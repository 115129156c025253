"""Whom and what a briefing pack covers, and the small helpers its slides share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from dashboard import views
from dashboard.charts import SAMPLE_TEXT, ChartMeta
from dashboard.core.config import get_settings
from dashboard.export.pack import Chart
from dashboard.export.words import when_text
from dashboard.filters import Filters
from dashboard.views.common import rec_names, view_link
from dashboard.views.words import summarise

RECENT_EVENTS = 12
EVIDENCE_ROWS = 30
MANY_PARTICIPANTS = 4  # an event naming more is said as 'N participants'
FRAMEWORK_SOURCE = "seed-001"  # CSCAP Memorandum No. 18 (2011), data/reference/sources.csv
STATE = "State"  # participants.kind of those the four treaties are open to


@dataclass
class Context:
    """Whom and what a pack covers, and every source its slides show (in order)."""

    ds: views.Dataset
    filters: Filters
    participant: str | None
    today: dt.date
    cited: dict[str, None] = field(default_factory=dict)

    @property
    def scoped(self) -> Filters:
        """The filters with the pack's participant selected (for a participant's pack)."""
        if self.participant:
            return replace(self.filters, participants=(self.participant,))
        return self.filters

    @property
    def year(self) -> int:
        return self.filters.to_year

    @property
    def who(self) -> str:
        if self.participant:
            return self.ds.names.get(self.participant, self.participant)
        return "the ARF region"

    @property
    def subtitle(self) -> str:
        return self.scoped.describe(names=self.ds.names)

    @property
    def synthetic(self) -> bool:
        return self.filters.sample and self.ds.has_synthetic

    @property
    def online(self) -> str:
        """The pack's view in the dashboard at its public address (RTOP_PUBLIC_URL): the
        participant's profile or the Overview, with the pack's filters; '' when no public
        address is set (a pack never links an address only its maker's machine opens)."""
        base = get_settings().public_url
        if not base:
            return ""
        query = self.filters.to_query()
        if self.participant:
            return view_link(
                base=base, path="country", query={**query, "participant": self.participant}
            )
        return view_link(base=base, path="", query=query)

    def cite(self, sources: list[str]) -> list[str]:
        self.cited.update(dict.fromkeys(sources))
        return sources

    def meta(self, title: str, sources: list[str], stem: str, frame: pd.DataFrame) -> ChartMeta:
        """A chart's words; SAMPLE DATA when the rows behind it include the sample."""
        self.cite(sources)
        has_sample = bool(
            len(frame) and "synthetic" in frame and frame["synthetic"].astype(bool).any()
        )
        return ChartMeta(
            title=title,
            subtitle=self.subtitle,
            sources=tuple(sources),
            synthetic=self.synthetic and has_sample,
            exported=self.today.isoformat(),
            file_stem=stem,
            data_version=self.ds.version,
        )


def split_sources(*values: object) -> list[str]:
    """Source titles from cells that join several with '; ', each once, in order."""
    out: list[str] = []
    for value in values:
        items = value if isinstance(value, list | tuple | pd.Series) else [value]
        for item in items:
            for part in str(item or "").split("; "):
                if part and part != "nan" and part not in out:
                    out.append(part)
    return out


def chart(
    meta: ChartMeta, figure: go.Figure, *, data: pd.DataFrame | None, build: object = None
) -> Chart:
    """A pack chart with its text alternative: the page's one-sentence summary, and the sample
    notice when the chart includes it."""
    alt = summarise(data, title=meta.title)
    if meta.synthetic:
        alt += f" {SAMPLE_TEXT}: includes synthetic values, not real assessments."
    return Chart(figure=figure, meta=meta, alt=alt, build=build)


def dates(frame: pd.DataFrame) -> list[str]:
    """The frame's dates as precise as recorded ('2015', 'Mar 2015', '7 Mar 2015')."""
    return [when_text(d, p) for d, p in zip(frame["date"], frame["precision"], strict=True)]


def rec_title(ds: views.Dataset, code: str) -> str:
    """'R4 Risk Reduction Centre'."""
    name = rec_names(ds).get(code, "")
    return f"{code} {name}".strip()
