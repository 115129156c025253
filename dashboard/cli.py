"""`rtop`: the product's one command (also `python -m loaders`).

The writer's commands come from loaders/cli.py (init, load, sample, refresh, status,
indicators); the readers' from here (explain, export). This module composes both sides, as the
upload page does, so neither side imports the other.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import scoring
from dashboard.core.config import get_settings
from dashboard.core.db import head_revision, is_initialised, make_engine, schema_revision
from dashboard.core.models import RECOMMENDATIONS, this_year
from loaders import cli as writer
from loaders.errors import LoaderError, NotInitialised, OutdatedSchema
from loaders.validate import REGION_MARKERS, Reference


def parser(prog: str = "rtop") -> argparse.ArgumentParser:
    """Every subcommand, with its help."""
    p = argparse.ArgumentParser(
        prog=prog,
        description="RtoP Monitor: load progress indicators, explain a status, export data and "
        "briefing packs (database: RTOP_DATABASE_URL, default a SQLite file under var/).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    writer.add_commands(sub)
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
    which = ex.add_mutually_exclusive_group()
    which.add_argument(
        "--sample",
        action="store_true",
        help="include the synthetic sample (marked SAMPLE DATA); the default is documented data "
        "only, as the app shows it",
    )
    which.add_argument(
        "--no-sample", action="store_true", help="documented data only (the default)"
    )
    return p


def main(argv: Sequence[str] | None = None, *, prog: str = "rtop") -> int:
    """Run one command; return the process exit code (0 ok, 1 rejected input, 2 usage)."""
    args = parser(prog).parse_args(argv)
    engine = make_engine(url=get_settings().database_url)

    def run() -> int:
        if args.command != "init":  # init is what upgrades an older schema
            found = schema_revision(engine=engine)
            if found is not None and found != head_revision():
                raise OutdatedSchema(found=found, needed=head_revision())
        if args.command in writer.COMMANDS:
            return writer.run(args, engine=engine)
        if args.command == "explain":
            return explain_command(args, engine=engine)
        from dashboard.export import cli_export

        return cli_export(args=args, engine=engine)

    return writer.guarded(run)


def explain_command(args: argparse.Namespace, *, engine: Engine) -> int:
    """`explain PARTICIPANT RECOMMENDATION`: the status and every input of the rule behind it."""
    from dashboard import explain, views

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
