"""Exports: chart images, the data behind them, briefing packs, and the `export` CLI command."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard import views
from dashboard.charts import ChartMeta
from dashboard.export.briefing import build_briefing
from dashboard.export.images import for_export, png_size, render
from dashboard.export.tables import about_text, neutralise, to_csv, to_xlsx
from dashboard.filters import DEFAULT_FROM, FIRST_YEAR, Filters, this_year

__all__ = [
    "about_text",
    "build_briefing",
    "cli_export",
    "data_export",
    "for_export",
    "neutralise",
    "png_size",
    "render",
    "table_bytes",
    "to_csv",
    "to_xlsx",
]

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "txt": "text/plain",
}


def table_bytes(frame: pd.DataFrame, *, fmt: str, meta: ChartMeta) -> bytes:
    """The frame as a plain CSV (its description is ``about_text``, beside it) or as XLSX
    (with its description on an 'About' sheet)."""
    if fmt == "csv":
        return to_csv(frame, meta=meta)
    if fmt == "xlsx":
        return to_xlsx(frame, meta=meta)
    raise ValueError(f"unsupported data format {fmt!r}: use csv or xlsx")


def data_export(*, ds: views.Dataset, filters: Filters) -> tuple[pd.DataFrame, ChartMeta]:
    """Every observation in the selection with participant, indicator, recommendation, pillar,
    date, value, the indicator's status, and the source."""
    ind = ds.indicators.set_index("code")
    primary = ds.items.set_index("code")["primary_pillar"]
    frame = views.selected_observations(ds=ds, filters=filters)  # what the Overview counts
    from dashboard.core.scoring import indicator_status

    status = indicator_status(
        values=frame["value"], thresholds=frame["indicator_code"].map(ind["thresholds_list"])
    )
    out = (
        pd.DataFrame(
            {
                "participant_code": frame["participant_code"],
                "participant": frame["participant_code"].map(ds.names),
                "indicator": frame["indicator_code"],
                "indicator_name": frame["indicator_code"].map(ind["name"]),
                "recommendation": frame["recommendation"],
                "pillar": frame["recommendation"].map(primary).astype("Int64"),
                "date": frame["date"].dt.date,
                "date_precision": frame["precision"],
                "value": frame["value"],
                "unit": frame["indicator_code"].map(ind["unit"]),
                "status": status.map(views.status_label),
                "source": frame["source"],
                "note": frame["note"],
                "sample_data": frame["synthetic"],
            }
        )
        .sort_values(["participant", "indicator", "date"])
        .reset_index(drop=True)
    )
    sources = tuple(dict.fromkeys(out["source"]))
    meta = ChartMeta(
        title="RtoP Monitor observations",
        subtitle=filters.describe(names=ds.names),
        sources=sources,
        synthetic=bool(out["sample_data"].any()),
        file_stem="rtop-observations",
        data_version=ds.version,
    )
    return out, meta


def cli_export(*, args: argparse.Namespace, engine: Engine) -> int:
    """`python -m loaders export data|briefing ...`: write the file, print what was written."""
    sample = bool(args.sample)  # documented data only unless asked, as in the app
    ds = views.load_dataset(engine=engine, include_sample=sample)
    from_year = args.from_year or DEFAULT_FROM
    to_year = args.to_year or this_year()
    if not (FIRST_YEAR <= from_year <= to_year <= this_year()):
        print(
            f"error: period must satisfy {FIRST_YEAR} <= --from <= --to <= {this_year()}",
            file=sys.stderr,
        )
        return 2
    filters = Filters(from_year=from_year, to_year=to_year, sample=sample)
    participant = None
    if args.participant:
        known = {c.upper(): c for c in ds.participants["code"]}
        participant = known.get(args.participant.upper())
        if participant is None:
            print(
                f"error: unknown participant '{args.participant}' (use a code such as VNM)",
                file=sys.stderr,
            )
            return 2
    if args.what == "data":
        if args.format not in ("csv", "xlsx"):
            print("error: `export data` writes csv or xlsx", file=sys.stderr)
            return 2
        if participant:
            filters = replace(filters, participants=(participant,))
        frame, meta = data_export(ds=ds, filters=filters)
        payload = table_bytes(frame, fmt=args.format, meta=meta)
        args.out.write_bytes(payload)
        beside = ""
        if args.format == "csv":  # a plain CSV: what it is goes into a second file beside it
            about = args.out.with_name(f"{args.out.stem}-about.txt")
            about.write_text(about_text(meta, data_file=args.out.name), encoding="utf-8")
            beside = f"; what it is: {about}"
        print(
            f"wrote {args.out}: {len(frame)} observations"
            + (" (includes SAMPLE DATA)" if meta.synthetic else "")
            + beside
        )
        return 0
    if args.format not in ("pptx", "pdf"):
        print("error: `export briefing` writes pptx or pdf", file=sys.stderr)
        return 2

    def progress(fraction: float, text: str) -> None:
        print(f"  {int(fraction * 100):3d}% {text}", file=sys.stderr)

    payload = build_briefing(
        ds=ds, filters=filters, participant=participant, fmt=args.format, progress=progress
    )
    args.out.write_bytes(payload)
    print(
        f"wrote {args.out} ({len(payload):,} bytes)"
        + (" (includes SAMPLE DATA)" if sample and ds.has_synthetic else "")
    )
    return 0
