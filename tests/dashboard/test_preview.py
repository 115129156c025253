"""Previewing a pending load: every page's data as they will be once it is published.

The invariant: the Dataset a preview builds (the pending run applied in a rolled-back
transaction) reads exactly what the published Dataset reads after a reviewer publishes the
run — cells, every year's indicator rows, the evidence (observations) of any owner, events and
counts — and building it writes nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlalchemy.engine import Engine

from dashboard.core import models
from dashboard.core.db import make_engine
from dashboard.core.models import table
from dashboard.core.scoring import REGION
from dashboard.ui.preview import preview_dataset
from dashboard.views.changes import what_changed
from dashboard.views.dataset import Dataset, load_dataset
from dashboard.views.preview import PREVIEW_NOTE
from loaders.errors import Rejected
from loaders.review import ReviewRefused, decline, publish
from loaders.store import load_bytes
from tests.loaders.test_history import rows
from tests.loaders.test_readmodel import HEADER, csv_bytes

YEARS = (2012, 2019, 2021, 2025, 2026)


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame in a canonical form: plain columns, rows sorted, no index, no database ids (a
    rolled-back transaction still uses up PostgreSQL sequence values, so a new source's id
    differs once published; its title, which is what pages show, does not)."""
    out = frame.drop(columns=["id", "source_id"], errors="ignore")
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype) or out[column].dtype == object:
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    out = out[sorted(out.columns)]
    return out.sort_values(list(out.columns), key=lambda c: c.astype(str)).reset_index(drop=True)


def what_pages_read(ds: Dataset, *, owners: set[str]) -> dict[str, pd.DataFrame]:
    shown = {
        "cells": tidy(ds.cells),
        "status": tidy(ds.status),
        "events": tidy(ds.events),
        "observations": tidy(ds.observations()),
        "observed": pd.DataFrame([vars(ds.observed)]),
    }
    for owner in sorted(owners | {"JPN", REGION}):
        shown[f"evidence {owner}"] = tidy(ds.observations(owners={owner}))
        shown[f"evidence {owner} R2"] = tidy(ds.observations(owners={owner}, indicators={"R2.1"}))
    for year in YEARS:
        shown[f"indicators {year}"] = tidy(ds.indicators_at(year))
    # What changed since yesterday (the loads of these tests are today's), as the page asks
    changed = what_changed(ds=ds, since=dt.date.today() - dt.timedelta(days=1), year=2026)
    shown["changed statuses"] = tidy(changed.statuses)
    shown["changed evidence"] = tidy(changed.evidence)
    shown["changed events"] = tidy(changed.events)
    shown["changed summary"] = pd.DataFrame([changed.summary])
    return shown


def assert_reads_alike(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(
            left[name], right[name], check_dtype=False, check_categorical=False, obj=name
        )


def pending(engine: Engine, *lines: str, user: str = "editor-e") -> int:
    result = load_bytes(
        engine=engine, data=csv_bytes(HEADER, *lines), name="pending.csv", user=user, review=True
    )
    assert result.pending and result.load_run_id is not None
    return result.load_run_id


def test_the_preview_reads_what_publishing_gives(ref_engine: Engine) -> None:
    run = pending(
        ref_engine,
        "AUS,R1.1,2026,4,Preview source,",
        "VNM,R2.1,2025,3,Preview source,a note",
        "region,R8.1,2024,2,Preview source,",
    )
    before = rows(ref_engine)
    now = load_dataset(engine=ref_engine, include_sample=False)
    published_before = what_pages_read(now, owners={"AUS", "VNM"})
    seen = preview_dataset(engine=ref_engine, run_id=run, include_sample=False)
    assert seen.preview is not None and seen.preview.run_id == run
    assert seen.preview.owners == {"AUS", "VNM", REGION}
    assert seen.version == f"{now.version} + {PREVIEW_NOTE.format(run=run)}"
    previewed = what_pages_read(seen, owners={"AUS", "VNM"})
    assert rows(ref_engine).keys() == before.keys()
    for name, frame in rows(ref_engine).items():  # building the preview wrote nothing
        pd.testing.assert_frame_equal(frame, before[name], obj=name)
    vnm = previewed["evidence VNM R2"]
    assert ((vnm["value"] == 3.0) & (vnm["note"] == "a note")).sum() == 1
    assert len(published_before["evidence VNM R2"]) == len(vnm) - 1
    # What changed shows the pending run's three rows and the statuses they move, as if published
    mine = previewed["changed evidence"]
    mine = mine[mine["load"] == f"run {run}: pending.csv"]
    assert sorted(mine["code"]) == ["R1.1", "R2.1", "R8.1"] and set(mine["change"]) == {"added"}
    assert not published_before["changed evidence"]["load"].eq(f"run {run}: pending.csv").any()
    moved = previewed["changed statuses"]
    assert moved["loads"].str.contains(f"run {run}: pending.csv").any()

    publish(engine=ref_engine, run_id=run, reviewer="reviewer-r")
    after = load_dataset(engine=ref_engine, include_sample=False)
    assert_reads_alike(previewed, what_pages_read(after, owners={"AUS", "VNM"}))


def test_the_preview_of_a_run_that_no_longer_checks_or_is_not_pending(ref_engine: Engine) -> None:
    run = pending(ref_engine, "AUS,R1.1,2026,4,Preview source,")
    decline(engine=ref_engine, run_id=run, reviewer="reviewer-r", comment="no source")
    with pytest.raises(ReviewRefused, match="not pending"):
        preview_dataset(engine=ref_engine, run_id=run, include_sample=False)
    with pytest.raises(ReviewRefused, match="no load run 99999"):
        preview_dataset(engine=ref_engine, run_id=99999, include_sample=False)


def test_a_preview_with_the_sample_keeps_the_sample(sample_engine: Engine) -> None:
    run = pending(sample_engine, "THA,R2.1,2025,4,Preview source,")
    seen = preview_dataset(engine=sample_engine, run_id=run, include_sample=True)
    assert seen.has_synthetic and seen.include_sample
    previewed = what_pages_read(seen, owners={"THA"})
    publish(engine=sample_engine, run_id=run, reviewer="reviewer-r")
    after = load_dataset(engine=sample_engine, include_sample=True)
    assert_reads_alike(previewed, what_pages_read(after, owners={"THA"}))


PEOPLE = ("AUS", "VNM", "THA", "region")
PAIRS = (  # (owner, indicator): national indicators for participants, R8.1 for the region
    *((p, c) for p in PEOPLE[:3] for c in ("R1.1", "R2.1")),
    ("region", "R8.1"),
)


@st.composite
def files(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A published file and a pending one over a small key space, so that they overlap."""

    def lines() -> list[str]:
        picked = {}
        for _ in range(draw(st.integers(1, 5))):
            key = (*draw(st.sampled_from(PAIRS)), draw(st.integers(2012, 2026)))
            picked[key] = draw(st.integers(0, 4))
        return [f"{p},{c},{y},{v},Property source,n{v}" for (p, c, y), v in picked.items()]

    return lines(), lines()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(both=files())
def test_any_pending_file_previews_as_it_publishes(
    template_dir: Path, both: tuple[list[str], list[str]]
) -> None:
    first, second = both
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.sqlite"
        shutil.copy(template_dir / "reference.sqlite", path)
        engine = make_engine(url=f"sqlite:///{path}")
        try:
            load_bytes(engine=engine, data=csv_bytes(HEADER, *first), name="first.csv")
            run = pending(engine, *second)
            owners = {REGION if p == "region" else p for p in PEOPLE}
            previewed = what_pages_read(
                preview_dataset(engine=engine, run_id=run, include_sample=False), owners=owners
            )
            publish(engine=engine, run_id=run, reviewer="reviewer-r")
            published = load_dataset(engine=engine, include_sample=False)
            assert_reads_alike(previewed, what_pages_read(published, owners=owners))
        finally:
            engine.dispose()


def test_a_pending_file_that_no_longer_checks_says_so(ref_engine: Engine) -> None:
    run = pending(ref_engine, "AUS,R1.1,2026,4,Preview source,")
    # Stands in for a file that checked when it was submitted but not against today's data.
    with ref_engine.begin() as conn:
        conn.execute(
            update(table(models.PendingFile))
            .where(table(models.PendingFile).c.load_run_id == run)
            .values(data=csv_bytes(HEADER, "AUS,R99.9,2026,4,Preview source,"))
        )
    with pytest.raises(Rejected, match="R99.9"):
        preview_dataset(engine=ref_engine, run_id=run, include_sample=False)
