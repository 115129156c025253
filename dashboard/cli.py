"""`rtop`: the product's one command (also `python -m loaders`).

The writer's commands come from loaders/cli.py (init, load, sample, refresh, status,
indicators); the readers' from here (explain, export, serve). This module composes both sides,
as the upload page does, so neither side imports the other. It imports them only when a
command needs them: `rtop serve` starts the server before any database, pandas or loader
module is imported (the warm-up imports them once the server answers).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

APP_SCRIPT = Path(__file__).resolve().parent.parent / "pages" / "app.py"
SERVER_SCRIPT = Path(__file__).resolve().parent / "ui" / "server.py"  # the st.App around it
DESCRIPTION = (
    "RtoP Monitor: load progress indicators, explain a status, export data and briefing packs, "
    "serve the dashboard (database: RTOP_DATABASE_URL, default a SQLite file under var/)."
)


def parser(prog: str = "rtop") -> argparse.ArgumentParser:
    """Every subcommand, with its help."""
    from loaders import cli as writer

    p = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
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
        "--method",
        choices=("2.0", "2.1"),
        default=None,
        help="the status rule's version (default: the current one, 2.1; 2.0 counted stale "
        "evidence as current)",
    )
    xp.add_argument(
        "--sample", action="store_true", help="include the synthetic sample (SAMPLE DATA)"
    )
    add_serve(sub)
    gp = sub.add_parser(
        "gaps",
        help="the work list: for every cell, the evidence that is missing, stale or about to "
        "lapse, ranked (what would move most cells first)",
    )
    gp.add_argument("--participant", default=None, help="one participant (code or name) or ARF")
    gp.add_argument("--year", type=int, default=None, help="the year (default: this year)")
    gp.add_argument("--json", action="store_true", help="machine-readable output (stable keys)")
    gp.add_argument("--out", type=Path, default=None, help="write the list as .csv or .xlsx")
    tp = sub.add_parser(
        "template",
        help="a questionnaire (XLSX) for one participant, or ARF for the region's own, to send "
        "out and load back with `rtop load`",
    )
    tp.add_argument("participant", help="a code or name (e.g. VNM), or ARF for the region")
    tp.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")
    tp.add_argument("--year", type=int, default=None, help="the current records as of this year")
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


def add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `serve` subcommand."""
    sv = sub.add_parser(
        "serve",
        help="start the dashboard (what `make run` does after `rtop init`), warming it up as "
        "it starts so the first visit is quick",
    )
    sv.add_argument("--port", type=int, default=8501, help="the port (default 8501)")
    sv.add_argument(
        "--address", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)"
    )
    sv.add_argument(
        "streamlit_options",
        nargs=argparse.REMAINDER,
        help="further `streamlit run` options after --, e.g. -- --server.headless true",
    )


def main(argv: Sequence[str] | None = None, *, prog: str = "rtop") -> int:
    """Run one command; return the process exit code (0 ok, 1 rejected input, 2 usage)."""
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["serve"]:  # before anything heavy is imported: see the module's docstring
        only_serve = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
        add_serve(only_serve.add_subparsers(dest="command", required=True))
        return serve_command(only_serve.parse_args(given))

    from dashboard.core.config import get_settings
    from dashboard.core.db import head_revision, make_engine, schema_revision
    from loaders import cli as writer
    from loaders.errors import OutdatedSchema

    args = parser(prog).parse_args(given)
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
        if args.command in ("gaps", "template"):
            return collect_command(args, engine=engine)
        from dashboard.export import cli_export

        return cli_export(args=args, engine=engine)

    return writer.guarded(run)


def serve_command(args: argparse.Namespace) -> int:
    """`serve`: `streamlit run dashboard/ui/server.py` (pages/app.py as an st.App with our routes
    and middleware) in this process, warming up as it starts
    (dashboard/ui/warm.py). Blocks until the server stops."""
    from dashboard.ui import warm

    warm.serve(
        script=SERVER_SCRIPT,
        port=args.port,
        address=args.address,
        options=[o for o in args.streamlit_options if o != "--"],
    )
    return 0


def resolve_owner(text: str, *, engine: Engine) -> str:
    """A participant's code for any spelling, or the region (ARF, 'region'); LoaderError with a
    'did you mean' hint otherwise."""
    from sqlmodel import Session

    from dashboard.core import scoring
    from loaders.errors import LoaderError
    from loaders.validate import REGION_MARKERS, Reference

    if text.strip().casefold() in REGION_MARKERS:
        return scoring.REGION
    with Session(engine) as session:
        ref = Reference.from_session(session)
    code = ref.resolve_participant(text.strip())
    if code is None:
        raise LoaderError(f"unknown participant '{text.strip()}'{ref.suggest_participant(text)}")
    return code


def collect_command(args: argparse.Namespace, *, engine: Engine) -> int:
    """`gaps` and `template` (dashboard/collect.py), with the participant resolved here."""
    from dashboard import collect
    from dashboard.core.db import is_initialised
    from loaders.errors import LoaderError, NotInitialised

    if not is_initialised(engine=engine):
        raise NotInitialised()
    owner = resolve_owner(args.participant, engine=engine) if args.participant else None
    try:
        return collect.command(args, engine=engine, owner=owner)
    except collect.CommandError as exc:
        raise LoaderError(str(exc)) from None


def explain_command(args: argparse.Namespace, *, engine: Engine) -> int:
    """`explain PARTICIPANT RECOMMENDATION`: the status and every input of the rule behind it."""

    from dashboard import explain, views
    from dashboard.core import scoring
    from dashboard.core.db import is_initialised
    from dashboard.core.models import RECOMMENDATIONS, this_year
    from loaders.errors import LoaderError, NotInitialised

    if not is_initialised(engine=engine):
        raise NotInitialised()
    code = resolve_owner(args.participant, engine=engine)
    rec = args.recommendation.strip().upper()
    if rec not in RECOMMENDATIONS:
        raise LoaderError(f"unknown recommendation '{args.recommendation}': use R1 to R12")
    year = args.year or this_year()
    ds = views.load_dataset(engine=engine, include_sample=args.sample)
    result = explain.explain(
        ds=ds,
        participant=code,
        recommendation=rec,
        year=year,
        method=args.method or scoring.RULE_VERSION,
    )
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(explain.as_text(result))
    return 0
