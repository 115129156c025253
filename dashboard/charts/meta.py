"""What goes with a chart wherever it is drawn or sent (the page, a download bundle, a data
route): its ChartMeta under the filters, its file stem, and the plain rows behind the tracker
and the event charts. Plain Python: dashboard/ui (widgets, downloads) and dashboard/api both
call these, so a page's download and a route's answer are made the same way."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

import pandas as pd

from dashboard.charts.common import ChartMeta
from dashboard.filters import Filters


def who_part(participants: tuple[str, ...]) -> str:
    """The participants part of a file name: 'VNM-THA', '5-participants', or '' for all."""
    if not participants:
        return ""
    return "-".join(participants) if len(participants) <= 3 else f"{len(participants)}-participants"


def with_who(stem: str, participants: tuple[str, ...]) -> str:
    """A file stem that names the participants it is about (unless the stem already does)."""
    who = who_part(participants)
    return stem if not who or who in stem.split("-") else f"{stem}-{who}"


def file_stem(meta: ChartMeta, *, filters: Filters) -> str:
    """'rtop-tracker-VNM-THA-2011-2026-sample' (safe characters only): the chart, whom it is
    about, the period, and 'sample' when it includes the sample."""
    stem = f"{meta.file_stem}-{filters.from_year}-{filters.to_year}"
    if meta.synthetic:
        stem += "-sample"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem)


def chart_meta(
    title: str,
    *,
    filters: Filters,
    names: Mapping[str, str],
    data_version: str,
    sources: Iterable[object] | None = None,
    synthetic: bool = False,
    stem: str = "rtop-chart",
    participant: str | None = None,
) -> ChartMeta:
    """ChartMeta for a chart drawn under ``filters`` (about one participant, if given): the
    filters in words, every source once (a cell's '; '-joined sources split), the sample mark
    only when the sample is asked for."""
    if participant is not None:
        filters = replace(filters, participants=(participant,))
    srcs: list[str] = []
    for s in list(sources if sources is not None else []):
        for part in str(s).split("; "):
            if part and part not in srcs:
                srcs.append(part)
    return ChartMeta(
        title=title,
        subtitle=filters.describe(names=names),
        sources=tuple(srcs),
        synthetic=synthetic and filters.sample,
        file_stem=with_who(stem, filters.participants),
        data_version=data_version,
    )


def event_rows(events: pd.DataFrame) -> pd.DataFrame:
    """The plain columns of an events frame, for its CSV/XLSX download."""
    columns = [
        "date",
        "when",
        "title",
        "kind_label",
        "scope",
        "participants",
        "items",
        "pillars",
        "source",
        "synthetic",
    ]
    return events[[c for c in columns if c in events]].rename(columns={"kind_label": "kind"})


def tracker_rows(matrix: pd.DataFrame) -> pd.DataFrame:
    """The plain columns behind the tracker heatmap, for its CSV/XLSX download."""
    columns = [
        "participant_code",
        "name",
        "grouping",
        "recommendation",
        "status",
        "status_label",
        "basis",
        "last_date",
        "indicators",
        "sources",
        "synthetic",
    ]
    rows = matrix[[c for c in columns if c in matrix]].copy()
    if "indicators" in rows:
        rows["indicators"] = rows["indicators"].map(lambda t: str(t).replace("<br>", "; "))
    return rows
