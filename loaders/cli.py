"""The writer's commands: init, load, sample, refresh, status, indicators.

The product's command, `rtop` (dashboard/cli.py), adds the readers' explain and export; it is
also what `python -m loaders` runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard.core.config import get_settings
from dashboard.core.db import is_initialised
from dashboard.core.inputs import counts as db_counts
from dashboard.core.inputs import indicator_catalogue
from loaders.cli_collection import COMMANDS as COLLECTION_COMMANDS
from loaders.cli_collection import add_collection_commands, collection_command
from loaders.cli_history import COMMANDS as HISTORY_COMMANDS
from loaders.cli_history import add_history_commands, history_command
from loaders.cli_tokens import COMMANDS as TOKEN_COMMANDS
from loaders.cli_tokens import add_tokens_command, tokens_command
from loaders.errors import LoaderError, Rejected
from loaders.readmodel import rebuild
from loaders.reference import init
from loaders.sample import add_sample, remove_sample
from loaders.store import KINDS, load_path

COMMANDS = (
    "init", "load", "sample", "refresh", "status", "indicators", "users", *HISTORY_COMMANDS,
    *COLLECTION_COMMANDS, *TOKEN_COMMANDS,
)  # fmt: skip


def add_commands(sub: Any) -> None:
    """The writer's subcommands (and two reads of what is loaded), for the `rtop` parser."""
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
    sub.add_parser(
        "refresh", help="rebuild the read model the pages read (after a change made by hand)"
    )
    add_users_command(sub)
    add_history_commands(sub)
    add_tokens_command(sub)
    add_collection_commands(sub)


def _print_table(rows: list[dict[str, object]], columns: list[str]) -> None:
    widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        print("  ".join(str(r[c]).ljust(widths[c]) for c in columns))


def _reader_left() -> None:
    """The reader of the output has gone (`rtop history | head`): stop quietly, as other
    commands do, with what is still buffered sent nowhere (not a BrokenPipeError at exit)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def guarded(run: Callable[[], int]) -> int:
    """Run a command; turn rejected input and loader errors into messages and exit code 1."""
    try:
        code = run()
        sys.stdout.flush()  # a reader that left is met here, not at the interpreter's exit
        return code
    except BrokenPipeError:
        _reader_left()
        return 0
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


def run(args: argparse.Namespace, *, engine: Engine) -> int:
    """Run one of COMMANDS; return the process exit code."""
    return _run(args, engine=engine)


def _run(args: argparse.Namespace, *, engine: Engine) -> int:
    settings = get_settings()
    if args.command == "init":
        rows, results = init(engine=engine, data_dir=settings.data_dir)
        print(f"schema up to date; reference data: {rows} rows checked")
        for r in results:
            print(f"evidence: {r.summary()}")
            for note in r.notes:
                print(f"  note: {note}")
        if args.if_empty_sample and not db_counts(engine=engine)["observations_synthetic"]:
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
        counts = db_counts(engine=engine)
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
    if args.command == "refresh":
        done = rebuild(engine=engine)
        print(
            f"read model rebuilt: {done.indicator_rows:,} indicator-year and "
            f"{done.cell_rows:,} cell-year rows (with and without the sample)"
        )
        return 0
    if args.command == "users":
        return users_command(args, engine=engine)
    if args.command in HISTORY_COMMANDS:
        return history_command(args, engine=engine)
    if args.command in COLLECTION_COMMANDS:
        return collection_command(args, engine=engine)
    if args.command in TOKEN_COMMANDS:
        return tokens_command(args, engine=engine)
    return 2


# --- users: accounts for the app (local passwords, or identity-provider accounts by e-mail) ---


def add_users_command(sub: Any) -> None:
    """`users add|remove|list|set-role|set-password`: the operator's account management."""
    from dashboard.core.models import ROLES

    users = sub.add_parser("users", help="accounts of the app: add, remove, list, set-role")
    how = users.add_subparsers(dest="users_command", required=True)
    add = how.add_parser("add", help="add an account (asks for its password)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--email", default="", help="e-mail (how identity-provider users are found)")
    add.add_argument("--name", default="", help="the name the app shows (default: USERNAME)")
    add.add_argument(
        "--participants",
        default="",
        help="a contributor's scope: the participants they may submit for (VNM,THA; ARF for "
        "the region's own)",
    )
    secret = add.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    secret.add_argument(
        "--no-password",
        action="store_true",
        help="no local password: the account signs in through the identity provider (by --email)",
    )
    rm = how.add_parser("remove", help="delete an account")
    rm.add_argument("username")
    ls = how.add_parser("list", help="every account and its role (never a password)")
    ls.add_argument("--json", action="store_true")
    sr = how.add_parser("set-role", help="change an account's role")
    sr.add_argument("username")
    sr.add_argument("role", choices=ROLES)
    fs = how.add_parser("failed-sign-ins", help="failed sign-ins: when, what user name, from where")
    fs.add_argument("--since", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
    fs.add_argument("--json", action="store_true")
    sc = how.add_parser("set-scope", help="the participants a contributor may submit for")
    sc.add_argument("username")
    sc.add_argument("participants", help="e.g. VNM,THA (ARF for the region's own)")
    sp = how.add_parser("set-password", help="replace an account's password")
    sp.add_argument("username")
    sp.add_argument("--password-stdin", action="store_true")


def _read_password(*, from_stdin: bool) -> str:
    """The new password, from one line of standard input or typed twice at a terminal."""
    import getpass

    from loaders.errors import AccountError

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise AccountError("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def users_command(args: argparse.Namespace, *, engine: Engine) -> int:
    """Run `users ...`; errors are AccountError (shown by `guarded`)."""
    from loaders import accounts

    what = args.users_command
    if what == "failed-sign-ins":
        from dashboard.core.roles import failed_sign_ins

        since = args.since or (dt.date.today() - dt.timedelta(days=30))
        start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        failed = failed_sign_ins(engine=engine, since=start)
        shown = [{**f, "at": f["at"].isoformat(timespec="seconds")} for f in failed]  # type: ignore[attr-defined]
        if args.json:
            print(json.dumps(shown, indent=2))
        elif shown:
            _print_table(shown, ["at", "username", "client"])
        else:
            print(f"no failed sign-ins since {since.isoformat()}")
        return 0
    if what == "set-scope":
        from loaders import collection

        codes = collection.parse_scope(args.participants, engine=engine)
        collection.set_scope(engine=engine, username=args.username, participants=codes)
        print(f"user {args.username.strip().lower()} may submit for {', '.join(codes)}")
        return 0
    if what == "add":
        from loaders import collection
        from loaders.errors import AccountError

        scope: list[str] = []
        if args.role == "contributor":
            if not args.participants:
                raise AccountError(
                    "a contributor submits for some participants: add --participants VNM,THA"
                )
            scope = collection.parse_scope(args.participants, engine=engine)
        elif args.participants:
            raise AccountError("--participants is for contributors (--role contributor)")
        password = None if args.no_password else _read_password(from_stdin=args.password_stdin)
        user = accounts.add_user(
            engine=engine,
            username=args.username,
            role=args.role,
            password=password,
            email=args.email,
            display_name=args.name,
        )
        if scope:
            collection.set_scope(engine=engine, username=user.username, participants=scope)
        how = "a password" if user.password_hash else f"the identity provider ({user.email})"
        for_whom = f", for {', '.join(scope)}" if scope else ""
        print(f"added user {user.username} ({user.role}{for_whom}; signs in with {how})")
        return 0
    if what == "remove":
        accounts.remove_user(engine=engine, username=args.username)
        print(f"removed user {args.username.strip().lower()}")
        return 0
    if what == "set-role":
        user = accounts.set_role(engine=engine, username=args.username, role=args.role)
        print(f"user {user.username} is now {user.role}")
        return 0
    if what == "set-password":
        password = _read_password(from_stdin=args.password_stdin)
        accounts.set_password(engine=engine, username=args.username, password=password)
        print(f"password of {args.username.strip().lower()} changed")
        return 0
    rows: list[dict[str, object]] = [
        {
            "username": u.username,
            "role": u.role,
            "email": u.email,
            "name": u.display_name,
            "sign_in": "password" if u.password_hash else "identity provider",
            "participants": (u.participants or "").replace(";", ","),
            "active": u.active,
            "created": u.created_at.isoformat(timespec="seconds"),
        }
        for u in accounts.list_users(engine=engine)
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
    elif rows:
        _print_table(rows, list(rows[0]))
    else:
        print("no accounts: anyone at a local app acts as admin (add one with `users add`)")
    return 0
