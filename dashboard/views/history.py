"""The Load history page's tables: load runs, one run's changes, and loads waiting for review."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard.core.history import Since, changes, describe_change, load_runs, run_state, when_text
from dashboard.views.words import by_text

CHANGE_LIMIT = 1_000  # a page shows this many changes of one run; `rtop history --run` shows all


def run_table(*, engine: Engine, since: Since, participant: str | None) -> pd.DataFrame:
    """Load runs, newest first, as a person reads them."""
    runs = load_runs(engine=engine, since=since, participant=participant)
    return pd.DataFrame(
        {
            "run": runs["id"].astype(int),
            "when (UTC)": runs["started_at"].map(when_text),
            "by": [
                by_text(u, file_name=f)
                for u, f in zip(runs["user"], runs["file_name"], strict=True)
            ],
            "file or action": runs["file_name"],
            "kind": runs["kind"],
            "state": [run_state(r) for _, r in runs.iterrows()],
            "added": runs["changes_insert"].astype(int),
            "changed": runs["changes_update"].astype(int),
            "removed": runs["changes_delete"].astype(int),
            "reviewed by": runs["reviewed_by"].fillna(""),
            "review comment": runs["review_comment"].fillna(""),
        }
    )


def change_table(
    *,
    engine: Engine,
    run_id: int,
    participant: str | None = None,
    names: Mapping[str, str] | None = None,
    indicators: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One run's changes (at most CHANGE_LIMIT): what row, before and after; with ``names``
    and ``indicators`` (code -> name), a row is said by names ('observation: Australia ·
    National RtoP focal point · 2015-11-01'; the region's own rows as 'the region (ARF)')."""
    found = changes(engine=engine, run_id=run_id, participant=participant, limit=CHANGE_LIMIT)
    described = [describe_change(c) for c in found.itertuples()]
    rows = [d[0] for d in described]
    if names is not None and indicators is not None:
        rows = [
            _row_words(c, said, names=names, indicators=indicators)
            for c, said in zip(found.itertuples(), rows, strict=True)
        ]
    return pd.DataFrame(
        {
            "change": found["op"],
            "row": rows,
            "before": [d[1] for d in described],
            "after": [d[2] for d in described],
        }
    )


def _row_words(
    change: Any, said: str, *, names: Mapping[str, str], indicators: Mapping[str, str]
) -> str:
    """An observation's or assessment's row by names; any other row as ``describe`` says it."""
    if change.entity not in ("observation", "assessment"):
        return said
    code = str(change.participant_code or "")
    who = names.get(code, code) if code and code != "nan" else "the region (ARF)"
    what = indicators.get(str(change.code), str(change.code))
    return f"{change.entity}: {who} · {what} · {change.date}"


def pending_table(*, engine: Engine) -> pd.DataFrame:
    """Loads waiting for a reviewer, oldest first."""
    runs = load_runs(engine=engine, include_rejected=False)
    waiting = runs[runs["review_state"] == "pending"].sort_values("id")
    return pd.DataFrame(
        {
            "run": waiting["id"].astype(int),
            "when (UTC)": waiting["started_at"].map(when_text),
            "by": [
                by_text(u, file_name=f)
                for u, f in zip(waiting["user"], waiting["file_name"], strict=True)
            ],
            "file": waiting["file_name"],
            "kind": waiting["kind"],
            "for": waiting["owners"].fillna("").str.replace(";", ", "),
            "opened by": waiting["review_opened_by"].fillna(""),
            "rows": waiting["rows_read"].astype(int),
            "new": waiting["inserted"].astype(int),
            "updated": waiting["updated"].astype(int),
        }
    ).reset_index(drop=True)
