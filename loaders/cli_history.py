"""`history`, `undo` and `review`: the change history from the command line.

The command line is the operator's tool: what it publishes or undoes is recorded under the
operator's name (RTOP_USER or the OS user), like its loads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard.core.config import get_settings
from dashboard.core.history import (
    Since,
    changes,
    describe_change,
    load_runs,
    loads,
    run_state,
    when_text,
)
from loaders.history import undo
from loaders.review import decline, preview, publish

COMMANDS = ("history", "undo", "review")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def add_history_commands(sub: Any) -> None:
    """The history, undo and review subcommands, for the `rtop` parser."""
    h = sub.add_parser("history", help="load runs and the changes each made (newest first)")
    h.add_argument("--since", type=_date, help="runs from this date on (YYYY-MM-DD)")
    h.add_argument("--until", type=_date, help="runs up to this date (YYYY-MM-DD)")
    h.add_argument("--participant", help="runs that changed this participant's rows (code)")
    h.add_argument("--run", type=int, help="one run and all its changes")
    h.add_argument(
        "--limit", type=int, default=10, help="changes shown per run (default 10; 0: all)"
    )
    h.add_argument("--json", action="store_true")
    u = sub.add_parser("undo", help="revert exactly one load run (recorded as a new run)")
    u.add_argument("run_id", type=int)
    r = sub.add_parser("review", help="pending loads: list, preview, publish or decline")
    how = r.add_subparsers(dest="review_command", required=True)
    how.add_parser("list", help="load runs waiting for a reviewer")
    for name in ("preview", "publish", "decline"):
        p = how.add_parser(name, help=f"{name} a pending load run")
        p.add_argument("run_id", type=int)
        if name != "preview":
            p.add_argument("--comment", default="", help="why (required to decline)")


def _describe_change(change: pd.Series) -> str:
    what, before, after = describe_change(change)
    if change["op"] == "insert":
        return f"insert {what} = {after}"
    if change["op"] == "delete":
        return f"delete {what} (was {before})"
    return f"update {what}: {before} -> {after}"


def _history(args: argparse.Namespace, *, engine: Engine) -> int:
    since = Since(start=args.since, end=args.until)
    runs = load_runs(engine=engine, since=since, participant=args.participant)
    if args.run is not None:
        runs = runs[runs["id"] == args.run]
        if runs.empty:
            print(f"error: there is no load run {args.run}")
            return 1
    limit = None if args.limit == 0 or args.run is not None else args.limit
    per_run: dict[int, pd.DataFrame] = {}
    for run_id in runs["id"].astype(int):
        found = changes(engine=engine, run_id=run_id, participant=args.participant, limit=limit)
        per_run[run_id] = found
    if args.json:
        out = []
        for _, run in runs.iterrows():
            record = {k: (None if pd.isna(v) else v) for k, v in run.items()}
            for k in ("started_at", "reviewed_at"):
                record[k] = None if record[k] is None else pd.Timestamp(record[k]).isoformat()
            record["changes"] = [
                {
                    "id": int(c["change_id"]),
                    "entity": c["entity"],
                    "op": c["op"],
                    "participant": c["participant_code"],
                    "code": c["code"],
                    "date": None if c["date"] is None else str(c["date"]),
                    "before": loads(c["before"]),
                    "after": loads(c["after"]),
                }
                for _, c in per_run[int(run["id"])].iterrows()
            ]
            out.append(record)
        print(json.dumps(out, indent=2, default=str))
        return 0
    if runs.empty:
        print("no load runs match")
        return 0
    for _, run in runs.iterrows():
        counts = f"+{run['changes_insert']} ~{run['changes_update']} -{run['changes_delete']}"
        print(
            f"run {int(run['id'])}  {when_text(run['started_at'])}  {run['user'] or '?'}  "
            f"{run['kind']}  {run['file_name']}  [{run_state(run)}]  {counts}"
        )
        if run["review_comment"]:
            print(f"    review by {run['reviewed_by']}: {run['review_comment']}")
        shown = per_run[int(run["id"])]
        for _, change in shown.iterrows():
            print(f"    {_describe_change(change)}")
        total = int(run["changes_insert"] + run["changes_update"] + run["changes_delete"])
        if limit is not None and total > len(shown) and args.participant is None:
            print(f"    ... and {total - len(shown)} more (rtop history --run {int(run['id'])})")
    return 0


def _review(args: argparse.Namespace, *, engine: Engine) -> int:
    operator = get_settings().user
    if args.review_command == "list":
        runs = load_runs(engine=engine, include_rejected=False)
        waiting = runs[runs["review_state"] == "pending"]
        if waiting.empty:
            print("nothing is waiting for review")
        for _, run in waiting.iterrows():
            print(
                f"run {int(run['id'])}  {when_text(run['started_at'])}  by {run['user']}  "
                f"{run['kind']}  {run['file_name']}  ({run['rows_read']} rows: "
                f"{run['inserted']} new, {run['updated']} updated)"
            )
        return 0
    if args.review_command == "preview":
        shown = preview(engine=engine, run_id=args.run_id)
        print(shown.result.summary())
        if shown.moved.empty:
            print("  no status would change this year")
        for _, cell in shown.moved.iterrows():
            print(
                f"  {cell['participant_code']} {cell['recommendation']}: "
                f"{cell['before'] or 'no data'} -> {cell['after'] or 'no data'}"
            )
        return 0
    if args.review_command == "publish":
        result = publish(engine=engine, run_id=args.run_id, reviewer=operator, comment=args.comment)
        print(f"published run {args.run_id}: {result.summary()}")
        return 0
    decline(engine=engine, run_id=args.run_id, reviewer=operator, comment=args.comment)
    print(f"declined run {args.run_id}; nothing was written")
    return 0


def history_command(args: argparse.Namespace, *, engine: Engine) -> int:
    """Run history, undo or review; return the exit code (errors are raised to ``guarded``)."""
    if args.command == "history":
        return _history(args, engine=engine)
    if args.command == "undo":
        done = undo(engine=engine, run_id=args.run_id, user=get_settings().user)
        print(done.summary())
        return 0
    return _review(args, engine=engine)
