"""A large synthetic database for the page benchmarks (benchmarks/pages.py); never for real use.

Everything added here is marked as SYNTHETIC BENCHMARK DATA: one source with synthetic=True and
code ``benchmark-synthetic``, participants coded X001.., indicators coded like R1.X01, and
observations flagged synthetic. The real reference data and evidence are loaded first, as
``python -m loaders init`` does, so the dashboard sees a realistic catalogue, just bigger.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.config import get_settings
from dashboard.core.models import RECOMMENDATIONS, table
from loaders.readmodel import refresh
from loaders.reference import init
from loaders.runs import new_run
from loaders.sample import sample_frame

BENCH_SOURCE_CODE = "benchmark-synthetic"
BATCH_ROWS = 50_000
VALUE_TYPES = ("ordinal", "binary", "count", "percent", "amount")
# Asia-Pacific box for synthetic points (degrees).
LAT_RANGE = (-40.0, 50.0)
LON_RANGE = (65.0, 180.0)


def _bench_source(session: Session, *, seed: int) -> models.Source:
    source = models.Source(
        code=BENCH_SOURCE_CODE,
        title=f"SYNTHETIC BENCHMARK DATA: generated for performance tests only (seed {seed})",
        publisher="RtoP Monitor benchmarks",
        date=dt.date.today().isoformat(),
        synthetic=True,
    )
    session.add(source)
    session.flush()
    return source


def _add_participants(session: Session, *, total: int, seed: int) -> list[str]:
    """Add synthetic participants until there are ``total``; return every participant code."""
    existing = list(session.scalars(select(models.Participant)))
    groupings = sorted({p.grouping for p in existing if p.grouping}) or ["Synthetic"]
    rng = np.random.default_rng(seed)
    extra = max(total - len(existing), 0)
    rows = []
    for n in range(1, extra + 1):
        rows.append(
            {
                "code": f"X{n:03d}",
                "name": f"Synthetic participant {n:03d}",
                "kind": "State",
                "grouping": groupings[(n - 1) % len(groupings)],
                "arf_joined": None,
                "lat": round(float(rng.uniform(*LAT_RANGE)), 3),
                "lon": round(float(rng.uniform(*LON_RANGE)), 3),
                "source_code": BENCH_SOURCE_CODE,
            }
        )
    if rows:
        session.execute(insert(table(models.Participant)), rows)
    return sorted([p.code for p in existing] + [str(r["code"]) for r in rows])


def _add_indicators(session: Session, *, total: int) -> list[models.Indicator]:
    """Add synthetic participant-level indicators until there are ``total``; return all.

    They cycle over R1..R12 and over the value types; each copies unit, levels and thresholds
    from the first real participant-level indicator of its type so the status rule applies.
    """
    existing = list(session.scalars(select(models.Indicator)))
    templates: dict[str, models.Indicator] = {}
    for ind in sorted(existing, key=lambda i: i.code):
        if ind.level == "participant":
            templates.setdefault(ind.value_type, ind)
    kinds = [t for t in VALUE_TYPES if t in templates] or sorted(templates)
    extra = max(total - len(existing), 0)
    per_rec: dict[str, int] = {}
    rows = []
    for n in range(extra):
        rec = RECOMMENDATIONS[n % len(RECOMMENDATIONS)]
        per_rec[rec] = per_rec.get(rec, 0) + 1
        template = templates[kinds[n % len(kinds)]]
        code = f"{rec}.X{per_rec[rec]:02d}"
        rows.append(
            {
                "code": code,
                "item_code": rec,
                "name": f"Synthetic benchmark indicator {code}",
                "description": "SYNTHETIC BENCHMARK DATA: generated for performance tests only.",
                "level": "participant",
                "value_type": template.value_type,
                "unit": template.unit,
                "levels": template.levels,
                "thresholds": template.thresholds,
                "source_code": BENCH_SOURCE_CODE,
            }
        )
    if rows:
        session.execute(insert(table(models.Indicator)), rows)
    session.flush()
    return sorted(session.scalars(select(models.Indicator)), key=lambda i: i.code)


def build_large_database(
    *,
    engine: Engine,
    participants: int = 200,
    indicators: int = 60,
    first_year: int = 2005,
    last_year: int = 2026,
    periods_per_year: int = 4,
    seed: int = 1,
    data_dir: Path | None = None,
) -> int:
    """Initialise a fresh database and fill it with synthetic benchmark data; return rows written.

    Synthetic indicators are all participant-level (also those on the regional
    recommendations), so the observation count scales with participants x indicators.
    """
    init(engine=engine, data_dir=data_dir or get_settings().data_dir)
    started = dt.datetime.now(dt.UTC)
    with Session(engine) as session:
        src = table(models.Source)
        if session.scalar(select(src.c.id).where(src.c.code == BENCH_SOURCE_CODE)) is not None:
            raise ValueError("this database already holds benchmark data; use a fresh one")
        source = _bench_source(session, seed=seed)
        codes = _add_participants(session, total=participants, seed=seed)
        catalogue = _add_indicators(session, total=indicators)
        frame = sample_frame(
            participants=codes,
            indicators=catalogue,
            first_year=first_year,
            last_year=last_year,
            periods_per_year=periods_per_year,
            seed=seed,
        )
        obs = table(models.Observation)
        columns = zip(
            frame["participant_code"].tolist(),
            frame["indicator_code"].tolist(),
            frame["date"].tolist(),
            frame["precision"].tolist(),
            frame["value"].tolist(),
            strict=True,
        )
        written = 0
        batch: list[dict[str, object]] = []
        for who, code, date, precision, value in columns:
            batch.append(
                {
                    "participant_code": who,
                    "indicator_code": code,
                    "date": date,
                    "precision": precision,
                    "value": value,
                    "source_id": source.id,
                    "note": "",
                    "synthetic": True,
                }
            )
            if len(batch) >= BATCH_ROWS:
                session.execute(insert(obs), batch)
                written += len(batch)
                batch = []
        if batch:
            session.execute(insert(obs), batch)
            written += len(batch)
        session.add(
            new_run(
                file_name=f"(synthetic benchmark data, seed {seed})",
                kind="benchmark",
                file_format="generated",
                rows_read=written,
                inserted=written,
                started=started,
            )
        )
        refresh(session.connection(), touched=None)
        session.commit()
    return written
