"""The whole dashboard with a pending load run applied, for its author and reviewers.

Publishing is the only write; a preview applies the pending file in a transaction that is
rolled back (loaders.review.applied, composed in dashboard/ui/preview.py) and reads, inside it,
what the pages read: the cells, the events, the counts, the indicator rows, observations and
assessments of the owners the run touches, and the run's change records (for What changed).
The rest (untouched owners' rows, read year by year as pages ask) is read as published, which
is what the run leaves it. Nothing of the preview is stored.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from dashboard.core import inputs, models, readmodel
from dashboard.core.history import changes
from dashboard.core.models import table
from dashboard.core.scoring import REGION
from dashboard.views.dataset import Dataset, PreviewOf, load_dataset

PREVIEW_NOTE = "preview of pending run {run} — not published"


def touched_owners(*, conn: Connection, run_id: int) -> frozenset[str]:
    """The owners (participant codes, REGION for the region) whose rows a run changed."""
    d = table(models.DataChange).c
    found = conn.execute(
        select(d.participant_code).where(d.load_run_id == run_id).distinct()
    ).scalars()
    return frozenset(REGION if code is None else str(code) for code in found)


def read_preview(
    *, engine: Engine, read_from: Connection, run_id: int, include_sample: bool
) -> Dataset:
    """The Dataset the pages would read once pending run ``run_id`` is published, read from
    ``read_from``: a connection on which the run is applied and later rolled back."""
    ds = load_dataset(engine=engine, include_sample=include_sample, read_from=read_from)
    owners = touched_owners(conn=read_from, run_id=run_id)
    run = read_from.execute(
        select(table(models.LoadRun)).where(table(models.LoadRun).c.id == run_id)
    ).one()
    held = inputs.observations(engine=read_from, include_sample=include_sample, owners=owners)
    assessed = inputs.assessments(engine=read_from, include_sample=include_sample, owners=owners)
    panel = (
        readmodel.read_indicator_years(
            engine=read_from, include_sample=include_sample, indicators=ds.indicators, owners=owners
        )
        if owners and ds.computed_panel is None
        else pd.DataFrame(columns=readmodel.PANEL_COLUMNS)
    )
    return replace(
        ds,
        preview=PreviewOf(
            run_id=run_id,
            file_name=str(run.file_name),
            user=str(run.user or ""),
            owners=owners,
            observations=held,
            panel=panel,
            assessments=assessed,
            changes=changes(engine=read_from, run_id=run_id),
        ),
        version=f"{ds.version} + {PREVIEW_NOTE.format(run=run_id)}",
    )
