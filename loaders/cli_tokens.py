"""`rtop tokens add|revoke|list`: read tokens for the open-data routes (needed when
RTOP_REQUIRE_LOGIN=1). The token is printed once, when issued; only its hash is kept."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy.engine import Engine

COMMANDS = ("tokens",)


def add_tokens_command(sub: Any) -> None:
    """The `tokens` subcommand."""
    tk = sub.add_parser(
        "tokens", help="read tokens for the data routes (/api/v1/) when login is required"
    )
    how = tk.add_subparsers(dest="tokens_command", required=True)
    add = how.add_parser("add", help="issue a token (printed once: pass it on safely)")
    add.add_argument("name", help="whom it is for, e.g. partner-institute")
    rv = how.add_parser("revoke", help="revoke a token: requests with it get 401 from now on")
    rv.add_argument("name")
    ls = how.add_parser("list", help="every token issued: when, by whom, its use (never the token)")
    ls.add_argument("--json", action="store_true")


def _when(value: object) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else ""


def tokens_command(args: argparse.Namespace, *, engine: Engine) -> int:
    """Run `tokens ...`; errors are TokenError (shown by `guarded`)."""
    from dashboard.core.config import get_settings
    from loaders import tokens
    from loaders.cli import _print_table

    if args.tokens_command == "add":
        token = tokens.add_token(engine=engine, name=args.name, by=get_settings().user)
        print(f"read token for {args.name.strip()} (shown once; keep it secret):\n{token}")
        print("use: curl -H 'Authorization: Bearer TOKEN' http://HOST/api/v1/status.csv")
        return 0
    if args.tokens_command == "revoke":
        tokens.revoke_token(engine=engine, name=args.name)
        print(f"revoked the read token {args.name.strip()}")
        return 0
    rows: list[dict[str, object]] = [
        {
            "name": t.name,
            "issued": _when(t.created_at),
            "by": t.created_by,
            "revoked": _when(t.revoked_at),
            "last_used": _when(t.last_used_at),
            "uses": t.uses,
        }
        for t in tokens.list_tokens(engine=engine)
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
    elif rows:
        _print_table(rows, list(rows[0]))
    else:
        print("no read tokens (rtop tokens add NAME issues one)")
    return 0
