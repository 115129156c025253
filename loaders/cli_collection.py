"""`rtop round …` and `rtop contacts …`: the collection cycle's commands for an organiser
(admin): open, follow and close a collection round, and keep each participant's focal
contact. Nothing is sent from here: `round reminder` prints a text to paste into a message."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from sqlalchemy.engine import Engine

COMMANDS = ("round", "contacts")


def add_collection_commands(sub: Any) -> None:
    """The `round` and `contacts` subcommands."""
    rnd = sub.add_parser("round", help="collection rounds: open, status, reminder, close")
    how = rnd.add_subparsers(dest="round_command", required=True)
    op = how.add_parser("open", help="open a round that asks every participant for evidence")
    op.add_argument("name", help="e.g. 'ARF ISM 2027'")
    op.add_argument("--due", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
    stt = how.add_parser("status", help="per participant: nothing received … published")
    stt.add_argument("--json", action="store_true")
    how.add_parser("reminder", help="the overdue participants and their contacts, to paste")
    how.add_parser("close", help="close the open round")
    ct = sub.add_parser("contacts", help="each participant's focal contact (name, e-mail)")
    chow = ct.add_subparsers(dest="contacts_command", required=True)
    cs = chow.add_parser("set", help="set a participant's focal contact")
    cs.add_argument("participant")
    cs.add_argument("--name", required=True)
    cs.add_argument("--email", default="")
    cl = chow.add_parser("list", help="every participant's focal contact")
    cl.add_argument("--json", action="store_true")


def _user() -> str:
    from dashboard.core.config import get_settings

    return get_settings().user or "cli"


def collection_command(args: argparse.Namespace, *, engine: Engine) -> int:
    """Run `round …` or `contacts …`; errors are LoaderError (shown by `guarded`)."""
    from loaders import collection
    from loaders.cli import _print_table

    if args.command == "contacts":
        if args.contacts_command == "set":
            code = collection.parse_scope(args.participant, engine=engine)[0]
            collection.set_contact(
                engine=engine, participant=code, name=args.name, email=args.email, user=_user()
            )
            print(f"focal contact of {code}: {args.name} {args.email}".rstrip())
            return 0
        found = collection.current_round(engine=engine)
        status = collection.round_status(
            engine=engine,
            round_=found or collection.Round(0, "", dt.datetime.now(dt.UTC), dt.date.today(),
                                             None, ""),
        )  # fmt: skip
        rows = status[["participant", "name", "contact", "email"]].to_dict("records")
        if args.json:
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            _print_table(rows, ["participant", "name", "contact", "email"])
        return 0
    what = args.round_command
    if what == "open":
        opened = collection.open_round(engine=engine, name=args.name, due=args.due, user=_user())
        print(f"round '{opened.name}' open, due {opened.due.isoformat()}")
        return 0
    if what == "close":
        closed = collection.close_round(engine=engine, user=_user())
        print(f"round '{closed.name}' closed")
        return 0
    found = collection.current_round(engine=engine)
    if found is None:
        print("no collection round yet: open one with `rtop round open NAME --due YYYY-MM-DD`")
        return 0
    status = collection.round_status(engine=engine, round_=found)
    if what == "reminder":
        print(collection.reminder(status=status, round_=found))
        return 0
    if getattr(args, "json", False):
        payload = {
            "round": found.name,
            "due": found.due.isoformat(),
            "open": found.open,
            "participants": status.to_dict("records"),
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return 0
    state = "open" if found.open else "closed"
    print(f"round '{found.name}' ({state}), due {found.due.isoformat()}", file=sys.stdout)
    _print_table(
        status[["participant", "name", "state", "runs", "contact", "overdue"]].to_dict("records"),
        ["participant", "name", "state", "runs", "contact", "overdue"],
    )
    return 0
