"""A download bundle: one ZIP with a chart's (or a view's charts') data as CSV, a
datapackage.json (the Frictionless Data Package standard: resources, schema with types and
descriptions, sources with links, licence, citation, data and method versions), a README in
plain words, and each chart as PNG and SVG. Plain Python: the button beside each chart's
downloads (dashboard/ui/downloads.py) and the route /api/v1/bundle/PAGE.zip (dashboard/api)
both build it here, and the CSV and images are the very bytes of the chart's own downloads.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import export
from dashboard.charts.common import ChartMeta
from dashboard.charts.meta import file_stem
from dashboard.core.scoring import RULE_VERSION
from dashboard.filters import Filters
from dashboard.views.common import citation

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 (facts compiled by RtoP Monitor)",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
URL = re.compile(r"https?://\S+")
Render = Callable[[go.Figure, str], bytes]


@dataclass(frozen=True)
class Chart:
    """One chart of a bundle: a short name, its meta, the rows behind it, and its figure (or
    a function that makes it); ``filters`` when the chart shows another period than the view."""

    name: str
    meta: ChartMeta
    data: pd.DataFrame | None
    figure: go.Figure | Callable[[], go.Figure] | None
    filters: Filters | None = None


def render_image(fig: go.Figure, fmt: str, meta: ChartMeta) -> bytes:
    """The chart as its own PNG/SVG download makes it (kaleido, the system Chromium)."""
    exported = export.for_export(fig, meta=meta)
    return export.render(exported, fmt=fmt, scale=2 if fmt == "png" else 1)


# Frictionless types of a column, from the text the CSV holds (what a reader meets).
_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def field_type(values: Sequence[str]) -> str:
    """integer, number, boolean, date or string: the narrowest that reads every non-empty
    value of a column as written in the CSV."""
    present = [v for v in values if v != ""]
    if not present:
        return "string"
    if all(v in ("True", "False") for v in present):
        return "boolean"
    if all(_INTEGER.match(v) for v in present):
        return "integer"
    if all(_NUMBER.match(v) for v in present):
        return "number"
    if all(_DATE.match(v) for v in present):
        return "date"
    return "string"


def schema_of(data: bytes, *, describe: Callable[[str], str]) -> dict[str, Any]:
    """A Table Schema for a CSV of ours (UTF-8 with a BOM): each column's type as written and
    what it holds."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    fields = []
    for i, name in enumerate(header):
        values = [r[i] if i < len(r) else "" for r in body]
        fields.append({"name": name, "type": field_type(values), "description": describe(name)})
    return {"fields": fields, "missingValues": [""]}


def source_entries(sources: Sequence[str]) -> list[dict[str, str]]:
    """The sources as Data Package sources: a title, and the link when the text has one."""
    out = []
    for text in sources:
        entry = {"title": text}
        found = URL.search(text)
        if found:
            entry["path"] = found.group().rstrip(").,;")
        out.append(entry)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "rtop"


def bundle_stem(*, page: str, filters: Filters, chart: str | None = None) -> str:
    """'rtop-recommendations-VNM-THA-2011-2026' (with the chart's name when one chart)."""
    from dashboard.charts.meta import who_part  # noqa: PLC0415

    parts = [
        "rtop",
        page,
        chart or "",
        who_part(filters.participants),
        str(filters.from_year),
        str(filters.to_year),
        "sample" if filters.sample else "",
    ]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(p for p in parts if p))


def readme(
    *,
    title: str,
    link: str,
    filters_text: str,
    data_version: str,
    files: Sequence[tuple[str, str]],
    sources: Sequence[str],
    cite: str,
    synthetic: bool,
    empty: Sequence[str],
) -> str:
    """The bundle's README in plain words."""
    lines = [f"# {title}", ""]
    if synthetic:
        lines += [
            "SAMPLE DATA: this bundle includes the synthetic demonstration sample (rows "
            "marked SAMPLE DATA in the 'marking' column). They are invented values, not "
            "real assessments.",
            "",
        ]
    lines += [
        "Data from RtoP Monitor: how the 27 participants of the ASEAN Regional Forum implement "
        "the twelve recommendations of CSCAP Memorandum No. 18 (2011) on the Responsibility to "
        "Protect.",
        "",
        f"- The view: {link}",
        f"- Filters: {filters_text}",
        f"- Data version: {data_version} (fetch the same link later: a different data version "
        "means the data changed since)",
        f"- Status rule: method version {RULE_VERSION} (docs/methodology.md in RtoP Monitor)",
        f"- Made: {dt.date.today().isoformat()}",
        f"- Licence: {LICENCE['title']}, {LICENCE['path']}",
        "",
        "## Files",
        "",
        *[f"- `{name}`: {what}" for name, what in files],
        "- `datapackage.json`: what every file and column is (Frictionless Data Package).",
        "",
    ]
    if empty:
        lines += [f"Nothing to show for this selection: {', '.join(empty)}.", ""]
    lines += [
        "The CSV files are UTF-8 with the header on the first line. Text that a spreadsheet "
        "could run as a formula (starting =, +, -, @) is prefixed with an apostrophe. An empty "
        "cell means no value.",
        "",
        "## Cite as",
        "",
        cite,
        "",
        "## Sources",
        "",
        *([f"- {s}" for s in sources] or ["- RtoP Monitor database"]),
        "",
    ]
    return "\n".join(lines)


def build(
    *,
    charts: Sequence[Chart],
    title: str,
    link: str,
    data_version: str,
    filters: Filters,
    names: Mapping[str, str],
    describe: Callable[[str], str] | None = None,
    images: bool = True,
) -> bytes:
    """The ZIP of a view's (or one chart's) bundle."""
    from dashboard.fields import describe as field_text  # noqa: PLC0415

    describe = describe or field_text
    files: list[tuple[str, str]] = []
    resources: list[dict[str, Any]] = []
    contents: dict[str, bytes] = {}
    sources: list[str] = []
    empty: list[str] = []
    synthetic = False
    for chart in charts:
        if chart.data is not None and chart.data.empty:
            empty.append(chart.meta.title)
            continue
        stem = file_stem(chart.meta, filters=chart.filters or filters)
        synthetic = synthetic or chart.meta.synthetic
        sources += [s for s in chart.meta.sources if s not in sources]
        chart_sources = source_entries(chart.meta.sources)
        if chart.data is not None:
            data = export.table_bytes(chart.data, fmt="csv", meta=chart.meta)
            name = f"{stem}.csv"
            contents[name] = data
            files.append((name, f"the rows behind '{chart.meta.title}'"))
            resources.append(
                {
                    "name": _slug(stem),
                    "path": name,
                    "profile": "tabular-data-resource",
                    "title": chart.meta.title,
                    "description": chart.meta.subtitle,
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8-sig",
                    "bytes": len(data),
                    "hash": hashlib.md5(data, usedforsecurity=False).hexdigest(),
                    "schema": schema_of(data, describe=describe),
                    **({"sources": chart_sources} if chart_sources else {}),
                }
            )
        if images and chart.figure is not None:
            fig = chart.figure() if callable(chart.figure) else chart.figure
            for fmt, what in (
                ("png", "the chart as an image (1600 px wide at 2x, for print)"),
                ("svg", "the chart as a vector image"),
            ):
                image = render_image(fig, fmt, chart.meta)
                name = f"{stem}.{fmt}"
                contents[name] = image
                files.append((name, what))
                resources.append(
                    {
                        "name": _slug(f"{stem}-{fmt}"),
                        "path": name,
                        "profile": "data-resource",
                        "title": f"{chart.meta.title} ({fmt.upper()})",
                        "format": fmt,
                        "mediatype": export.MIME[fmt],
                        "bytes": len(image),
                        "hash": hashlib.md5(image, usedforsecurity=False).hexdigest(),
                    }
                )
    cite = citation(
        title=title,
        link=link,
        data_version=data_version,
        method=RULE_VERSION,
        accessed=dt.date.today().isoformat(),
    )
    package = {
        "profile": "data-package",
        "name": _slug(bundle_stem(page=title, filters=filters)),
        "title": f"RtoP Monitor: {title}",
        "description": f"{title}; {filters.describe(names=names)}. Data version {data_version}, "
        f"status rule method version {RULE_VERSION}.",
        "homepage": link,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [LICENCE],
        "sources": source_entries(sources) or [{"title": "RtoP Monitor database"}],
        "contributors": [{"title": "RtoP Monitor", "role": "publisher"}],
        "keywords": ["Responsibility to Protect", "ASEAN Regional Forum", "CSCAP Memorandum 18"],
        "citation": cite,
        "data_version": data_version,
        "method_version": RULE_VERSION,
        "filters": filters.describe(names=names),
        "sample_data": synthetic,
        "resources": resources,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        text = readme(
            title=title,
            link=link,
            filters_text=filters.describe(names=names),
            data_version=data_version,
            files=files,
            sources=sources,
            cite=cite,
            synthetic=synthetic,
            empty=empty,
        )
        zf.writestr("README.md", text)
        zf.writestr("datapackage.json", json.dumps(package, indent=2, ensure_ascii=False))
        for name, data in contents.items():
            zf.writestr(name, data)
    return buffer.getvalue()
