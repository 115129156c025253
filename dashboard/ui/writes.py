"""The app's writes, all through the loaders: an uploaded file, the demo sample."""

from __future__ import annotations

import pandas as pd

from dashboard.core.config import get_settings
from dashboard.ui.cache import engine, refresh_version
from loaders.errors import LoaderError, Rejected
from loaders.sample import add_sample, remove_sample
from loaders.store import load_bytes


def demo_sample(*, add: bool) -> str:
    """Add or remove the synthetic demo sample through the loaders; a message for the page."""
    settings = get_settings()
    if add:
        n = add_sample(
            engine=engine(), seed=settings.sample_seed, last_year=settings.sample_to_year
        )
        message = f"Added {n:,} synthetic observations (SAMPLE DATA)."
    else:
        n = remove_sample(engine=engine())
        message = f"Removed the synthetic sample ({n:,} observations)."
    refresh_version()
    return message


class LoadOutcome:
    """What a check or load of an uploaded file said, ready to show."""

    def __init__(self, *, ok: bool, message: str, notes: list[str], problems: pd.DataFrame) -> None:
        self.ok, self.message, self.notes, self.problems = ok, message, notes, problems


def load_file(*, data: bytes, name: str, kind: str, dry_run: bool) -> LoadOutcome:
    """Check (dry run) or load an uploaded file through the loaders; never raises to the page."""
    empty = pd.DataFrame(columns=["row", "column", "reason"])
    try:
        chosen = None if kind == "detect" else kind
        result = load_bytes(engine=engine(), data=data, name=name, kind=chosen, dry_run=dry_run)
    except Rejected as exc:
        problems = pd.DataFrame(
            [
                {
                    "row": "-" if p.row is None else str(p.row),
                    "column": p.column or "",
                    "reason": p.reason,
                }
                for p in exc.problems
            ]
        )
        return LoadOutcome(
            ok=False,
            message=f"{name} was rejected: {len(exc.problems)} problem(s); nothing was written.",
            notes=[],
            problems=problems,
        )
    except LoaderError as exc:
        return LoadOutcome(ok=False, message=str(exc), notes=[], problems=empty)
    if not dry_run:
        refresh_version()  # the rest of this run already sees the new data
    return LoadOutcome(ok=True, message=result.summary(), notes=result.notes, problems=empty)
