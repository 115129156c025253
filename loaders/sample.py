"""A deterministic synthetic dataset for demonstration, stored under a source marked synthetic."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.config import get_settings
from dashboard.core.history import ENTITIES
from dashboard.core.models import table
from dashboard.core.scoring import parse_thresholds
from loaders.errors import NotInitialised
from loaders.history import delete_events, delete_measured, inserted_by, last_id, record_measured
from loaders.locks import write_lock
from loaders.readmodel import refresh
from loaders.runs import new_run

SAMPLE_SOURCE_CODE = "sample-synthetic"
SAMPLE_FIRST_YEAR = 2011


def _sample_source(session: Session, *, seed: int) -> models.Source:
    source = session.scalars(
        select(models.Source).where(table(models.Source).c.code == SAMPLE_SOURCE_CODE)
    ).first()
    if source is not None:
        return source
    source = models.Source(
        code=SAMPLE_SOURCE_CODE,
        title=f"SAMPLE DATA: synthetic demonstration dataset (RtoP Monitor generator, seed {seed})",
        publisher="RtoP Monitor",
        date=dt.date.today().isoformat(),
        synthetic=True,
    )
    session.add(source)
    session.flush()
    return source


def _value_for(
    *, value_type: str, thresholds: list[float], levels: int, status: int, frac: float
) -> float:
    """A value that the status rule maps to ``status`` (or as close as the indicator allows)."""
    if value_type == "binary":
        one = sum(1 for t in thresholds if t <= 1)
        return 1.0 if status >= max(one, 1) else 0.0
    reachable = [s for s in range(5) if s == 0 or math.isfinite(thresholds[s - 1])]
    s = max(x for x in reachable if x <= status)
    low = 0.0 if s == 0 else thresholds[s - 1]
    nxt = [t for t in thresholds[s:] if math.isfinite(t) and t > low]
    high = nxt[0] if nxt else (low * 1.6 if low > 0 else 1.0)
    value = low + frac * (high - low) * 0.999
    if value_type in ("count", "ordinal"):
        value = math.floor(value)
        if value_type == "ordinal":
            value = min(value, levels)
    if value_type == "percent":
        value = min(round(value, 1), 100.0)
    if value_type == "amount":
        value = round(value, 1)
    return float(value)


def sample_frame(
    *,
    participants: list[str],
    indicators: list[models.Indicator],
    first_year: int,
    last_year: int,
    periods_per_year: int,
    seed: int,
) -> pd.DataFrame:
    """Observations whose progress mostly rises, with some setbacks and gaps (fixed seed)."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[str | None, str, dt.date, str, float]] = []
    months = [1 + 12 * k // periods_per_year for k in range(periods_per_year)]
    precision = "year" if periods_per_year == 1 else "month"
    steps = [(y, m) for y in range(first_year, last_year + 1) for m in months]
    propensity = {p: rng.uniform(0.1, 0.55) for p in participants}
    for ind in indicators:
        thresholds = parse_thresholds(ind.thresholds)
        levels = max(len([x for x in ind.levels.split(";") if x.strip()]) - 1, 4)
        owners: list[str | None] = list(participants) if ind.level == "participant" else [None]
        for owner in owners:
            speed = (propensity[owner] if owner else 0.35) / periods_per_year
            latent = rng.uniform(0.0, 1.2)
            frac = rng.uniform(0.1, 0.9)
            for year, month in steps:
                latent += rng.normal(speed, 0.25 / math.sqrt(periods_per_year))
                if rng.random() < 0.04:
                    latent -= rng.uniform(0.5, 1.5)
                latent = min(max(latent, 0.0), 4.99)
                if rng.random() < 0.15:
                    continue
                value = _value_for(
                    value_type=ind.value_type,
                    thresholds=thresholds,
                    levels=levels,
                    status=int(latent),
                    frac=frac,
                )
                rows.append((owner, ind.code, dt.date(year, month, 1), precision, value))
    return pd.DataFrame(
        rows, columns=["participant_code", "indicator_code", "date", "precision", "value"]
    )


def _without_documented_pairs(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Drop generated rows for a participant and indicator that documented data covers.

    An invented value must never stand beside (or shadow) a real one.
    """
    o = table(models.Observation).c
    documented = pd.DataFrame(
        session.execute(
            select(o.participant_code, o.indicator_code).where(o.synthetic.is_(False)).distinct()
        ).all(),
        columns=["participant_code", "indicator_code"],
    )
    if documented.empty or frame.empty:
        return frame
    key = frame["participant_code"].fillna("") + "\x1f" + frame["indicator_code"]
    taken = set(documented["participant_code"].fillna("") + "\x1f" + documented["indicator_code"])
    return frame[~key.isin(taken)].reset_index(drop=True)


def _run(session: Session, *, kind: str, seed: int, user: str | None) -> int:
    """Open the load run a sample change is recorded under (its rows and history cite it)."""
    run = new_run(
        file_name=f"(synthetic sample, seed {seed})",
        kind=kind,
        file_format="generated",
        started=dt.datetime.now(dt.UTC),
        user=user,
    )
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def _finish(session: Session, *, run_id: int, inserted: int, removed: int) -> None:
    run = session.get(models.LoadRun, run_id)
    assert run is not None
    run.rows_read, run.inserted = inserted + removed, inserted
    session.add(run)


def add_sample(
    *,
    engine: Engine,
    seed: int,
    last_year: int | None = None,
    periods_per_year: int = 1,
    user: str | None = None,
) -> int:
    """Replace the synthetic sample with a freshly generated one; return observations written.
    ``user`` is who asked (default: RTOP_USER or the OS user, for the command line)."""
    with Session(engine) as session:
        participants = list(session.scalars(select(table(models.Participant).c.code)))
        if not participants:
            raise NotInitialised()
        indicators = list(session.scalars(select(models.Indicator)))
        write_lock(session.connection())
        run_id = _run(session, kind="sample", seed=seed, user=user)
        removed = _delete_sample(session, run_id=run_id)
        source = _sample_source(session, seed=seed)
        frame = sample_frame(
            participants=sorted(participants),
            indicators=sorted(indicators, key=lambda i: i.code),
            first_year=SAMPLE_FIRST_YEAR,
            last_year=last_year or dt.date.today().year,
            periods_per_year=periods_per_year,
            seed=seed,
        )
        frame = _without_documented_pairs(session, frame)
        frame = frame.assign(source_id=source.id, synthetic=True, note="", load_run_id=run_id)
        frame["participant_code"] = (
            frame["participant_code"].astype(object).where(frame["participant_code"].notna(), None)
        )
        records = frame.to_dict("records")
        conn = session.connection()
        after = last_id(conn, entity="observation")
        for start in range(0, len(records), 50_000):
            conn.execute(insert(table(models.Observation)), records[start : start + 50_000])
        where = inserted_by(entity="observation", run_id=run_id, after=after)
        record_measured(conn, entity="observation", run_id=run_id, op="insert", where=where)
        _finish(session, run_id=run_id, inserted=len(records), removed=removed)
        refresh(conn, touched=None)
        session.commit()
        return len(records)


def _delete_sample(session: Session, *, run_id: int) -> int:
    """Delete the synthetic rows (recorded in the history; the sample's source stays, so an
    undo can restore them); return the observations removed."""
    ids = list(
        session.exec(select(models.Source.id).where(models.Source.synthetic.is_(True))).scalars()  # type: ignore[call-overload, attr-defined]
    )
    if not ids:
        return 0
    conn = session.connection()
    ev = table(models.Event).c
    events = [int(i) for i in conn.execute(select(ev.id).where(ev.source_id.in_(ids))).scalars()]
    delete_events(conn, run_id=run_id, ids=events)
    removed = 0
    for entity, (model, _, _) in ENTITIES.items():
        where = table(model).c.source_id.in_(ids)
        gone = delete_measured(conn, entity=entity, run_id=run_id, where=where)
        removed += gone if entity == "observation" else 0
    return removed


def remove_sample(*, engine: Engine, user: str | None = None) -> int:
    """Delete exactly the synthetic data (observations, assessments, events); ``user`` as for
    add_sample."""
    with Session(engine) as session:
        write_lock(session.connection())
        run_id = _run(session, kind="sample-remove", seed=get_settings().sample_seed, user=user)
        removed = _delete_sample(session, run_id=run_id)
        _finish(session, run_id=run_id, inserted=0, removed=removed)
        refresh(session.connection(), touched=None)
        session.commit()
        return removed
