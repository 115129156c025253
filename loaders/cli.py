"""Command line: init, load, sample, status, indicators (and export, from dashboard.export)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from dashboard import queries
from dashboard.core.config import get_settings
from dashboard.core.db import is_initialised, make_engine
from dashboard.core.inputs import indicator_catalogue
from loaders.errors import LoaderError, NotInitialised, Rejected
from loaders.reference import init
from loaders.sample import add_sample, remove_sample
from loaders.store import KINDS, load_path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m loaders",
        description="Load RtoP progress indicators into the RtoP Monitor database "
        "(RTOP_DATABASE_URL, default: a SQLite file under var/).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser(
        "init", help="create or migrate the schema; load reference data and evidence"
    )
    i.add_argument("--if-empty-sample", action="store_true", help=argparse.SUPPRESS)
    ld = sub.add_parser("load", help="load observation or event files (CSV, XLSX, JSON)")
    ld.add_argument("paths", nargs="+", type=Path)
    ld.add_argument("--kind", choices=KINDS, help="what the files hold (default: from the header)")
    ld.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    s = sub.add_parser("sample", help="add (or with --remove, delete) the synthetic sample data")
    s.add_argument("--remove", action="store_true")
    s.add_argument("--seed", type=int, default=None)
    st = sub.add_parser("status", help="counts of what the database holds")
    st.add_argument("--json", action="store_true")
    ind = sub.add_parser("indicators", help="the indicator catalogue: which codes to use")
    ind.add_argument("--json", action="store_true")
    xp = sub.add_parser("explain", help="why a participant has its status on a recommendation")
    xp.add_argument(
        "participant", help="a code or name (e.g. VNM, 'Viet Nam'), or ARF for the region"
    )
    xp.add_argument("recommendation", help="a recommendation code, e.g. R1")
    xp.add_argument("--year", type=int, default=None, help="the year (default: this year)")
    xp.add_argument("--json", action="store_true", help="machine-readable output (stable keys)")
    xp.add_argument(
        "--sample", action="store_true", help="include the synthetic sample (SAMPLE DATA)"
    )
    ex = sub.add_parser("export", help="export data or a briefing pack")
    ex.add_argument("what", choices=("data", "briefing"))
    ex.add_argument("--format", required=True, choices=("csv", "xlsx", "pptx", "pdf"))
    ex.add_argument("--out", required=True, type=Path)
    ex.add_argument("--participant", default=None)
    ex.add_argument("--from", dest="from_year", type=int, default=None)
    ex.add_argument("--to", dest="to_year", type=int, default=None)
    ex.add_argument("--no-sample", action="store_true", help="leave out synthetic sample data")
    return p


def _print_table(rows: list[dict[str, object]], columns: list[str]) -> None:
    widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        print("  ".join(str(r[c]).ljust(widths[c]) for c in columns))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code (0 ok, 1 rejected input, 2 usage)."""
    args = _parser().parse_args(argv)
    settings = get_settings()
    engine = make_engine(url=settings.database_url)
    try:
        return _run(args, engine=engine)
    except Rejected as exc:
        print(
            f"error: rejected, nothing was written ({len(exc.problems)} problem(s)):",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except LoaderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, SQLAlchemyError) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, *, engine) -> int:  # type: ignore[no-untyped-def]
    settings = get_settings()
    if args.command == "init":
        rows, results = init(engine=engine, data_dir=settings.data_dir)
        print(f"schema up to date; reference data: {rows} rows checked")
        for r in results:
            print(f"evidence: {r.summary()}")
            for note in r.notes:
                print(f"  note: {note}")
        if args.if_empty_sample and not queries.counts(engine=engine)["observations_synthetic"]:
            n = add_sample(
                engine=engine, seed=settings.sample_seed, last_year=settings.sample_to_year
            )
            print(f"sample: {n} synthetic observations added (marked SAMPLE DATA)")
        return 0
    if args.command == "load":
        failed = 0
        for path in args.paths:
            try:
                result = load_path(engine=engine, path=path, kind=args.kind, dry_run=args.dry_run)
            except Rejected as exc:
                failed += 1
                print(
                    f"error: {path}: rejected, nothing was written "
                    f"({len(exc.problems)} problem(s)):",
                    file=sys.stderr,
                )
                for problem in exc.problems:
                    print(f"  {problem}", file=sys.stderr)
                continue
            print(result.summary())
            for note in result.notes:
                print(f"  note: {note}")
        return 1 if failed else 0
    if args.command == "sample":
        if args.remove:
            n = remove_sample(engine=engine)
            print(f"removed the synthetic sample: {n} observations")
        else:
            if not is_initialised(engine=engine):
                init(engine=engine, data_dir=settings.data_dir)
            n = add_sample(
                engine=engine,
                seed=args.seed or settings.sample_seed,
                last_year=settings.sample_to_year,
            )
            print(f"sample: {n} synthetic observations added (marked SAMPLE DATA)")
        return 0
    if args.command == "status":
        counts = queries.counts(engine=engine)
        if args.json:
            print(json.dumps(counts, indent=2))
        else:
            _print_table([{"what": k, "count": v} for k, v in counts.items()], ["what", "count"])
        return 0
    if args.command == "indicators":
        frame = indicator_catalogue(engine=engine)
        if args.json:
            print(frame.to_json(orient="records", indent=2))
        else:
            cols = ["code", "recommendation", "level", "value_type", "unit", "thresholds", "name"]
            _print_table(frame[cols].to_dict("records"), cols)
        return 0
    if args.command == "explain":
        return _explain(args, engine=engine)
    if args.command == "export":
        from dashboard.export import cli_export

        return cli_export(args=args, engine=engine)
    return 2


def _explain(args: argparse.Namespace, *, engine) -> int:  # type: ignore[no-untyped-def]
    """`explain PARTICIPANT RECOMMENDATION`: the status and every input of the rule behind it."""
    from sqlmodel import Session

    from dashboard import explain, views
    from dashboard.core import scoring
    from dashboard.filters import RECOMMENDATIONS, this_year
    from loaders.validate import REGION_MARKERS, Reference

    if not is_initialised(engine=engine):
        raise NotInitialised()
    text = args.participant.strip()
    if text.casefold() in REGION_MARKERS:
        code: str | None = scoring.REGION
    else:
        with Session(engine) as session:
            ref = Reference.from_session(session)
        code = ref.resolve_participant(text)
        if code is None:
            raise LoaderError(f"unknown participant '{text}'{ref.suggest_participant(text)}")
    rec = args.recommendation.strip().upper()
    if rec not in RECOMMENDATIONS:
        raise LoaderError(f"unknown recommendation '{args.recommendation}': use R1 to R12")
    year = args.year or this_year()
    ds = views.load_dataset(engine=engine, include_sample=args.sample)
    assert code is not None
    result = explain.explain(ds=ds, participant=code, recommendation=rec, year=year)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(explain.as_text(result))
    return 0
