"""Keep the read model current: recompute what a write touched, inside the write's transaction.

Every writer calls ``refresh`` with the (owner, code) pairs it inserted, changed or deleted;
the owners' cells for those codes' recommendations are recomputed from the raw rows, both with
and without the synthetic sample. A model built for another rule version, other years or
another indicator catalogue is rebuilt whole. See dashboard/core/readmodel.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection, Engine

from dashboard.core import models, readmodel, scoring
from dashboard.core.inputs import assessments, indicator_catalogue, items, observations
from dashboard.core.models import table
from loaders.bulk import insert_columns

BATCH_ROWS = 20_000
# The columns of an observation scoring.yearly_latest reads.
RULE_COLUMNS = ["participant_code", "indicator_code", "date", "value", "synthetic", "source"]


@dataclass(frozen=True)
class Known:
    """The observations of some indicators (every owner) as a write leaves them, in id order
    (observations()'s columns): a refresh takes them from here instead of reading them back."""

    frame: pd.DataFrame
    indicators: frozenset[str]


@dataclass(frozen=True)
class Refreshed:
    """What a refresh recomputed."""

    full: bool
    owners: int
    recommendations: int
    indicator_rows: int
    cell_rows: int


def _insert(
    conn: Connection, model: type, frame: pd.DataFrame, columns: list[str], *, sample: bool
) -> int:
    data: dict[str, Any] = {c: frame[c] for c in columns}
    data["sample"] = sample
    insert_columns(conn, table_name=table(model).name, columns=data, rows=len(frame))
    return len(frame)


def _recommendations_of(
    codes: Iterable[str], *, catalogue: pd.DataFrame, tree: pd.DataFrame
) -> set[str]:
    by_indicator = dict(zip(catalogue["code"], catalogue["recommendation"], strict=True))
    by_item = dict(zip(tree["code"], tree["recommendation"], strict=True))
    found = {by_indicator.get(c) or by_item.get(c) for c in codes}
    return {r for r in found if isinstance(r, str)}


def _save_state(conn: Connection, *, key: str, full: bool) -> None:
    state = table(models.ReadModelState)
    now = dt.datetime.now(dt.UTC)
    old = conn.execute(state.select().where(state.c.id == 1)).mappings().first()
    first, last = readmodel.current_years()
    built = now if full or old is None else old["built_at"]
    conn.execute(delete(state))
    conn.execute(
        insert(state),
        {
            "id": 1,
            "key": key,
            "rule_version": scoring.RULE_VERSION,
            "first_year": first,
            "last_year": last,
            "built_at": built,
            "refreshed_at": now,
        },
    )


def _last_in_year(frame: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Of the given rows, the last of each (owner, code, year, synthetic) by date (then row
    order), in row order: the only rows scoring.yearly_latest can pick, with or without the
    sample (its pick is the last of a year by date, synthetic before documented on one date, so
    it is always the last of its own synthetic or documented group)."""
    if len(rows) == 0:
        return rows
    p, _ = pd.factorize(frame["participant_code"].to_numpy()[rows])
    c, _ = pd.factorize(frame["indicator_code"].to_numpy()[rows])
    dates = frame["date"].to_numpy(dtype="datetime64[ns]")[rows]
    year = dates.astype("datetime64[Y]").astype(np.int64)
    stamp = dates.astype(np.int64)
    synthetic = frame["synthetic"].to_numpy(dtype=bool)[rows]
    order = np.lexsort((np.arange(len(rows)), stamp, synthetic, year, c, p))
    p, c, year, synthetic = p[order], c[order], year[order], synthetic[order]
    ends = (p[1:] != p[:-1]) | (c[1:] != c[:-1]) | (year[1:] != year[:-1])
    ends |= synthetic[1:] != synthetic[:-1]
    return np.asarray(rows[np.sort(order[np.append(ends, True)])])


def _observations(
    conn: Connection, *, owners: set[str] | None, codes: set[str] | None, known: Known | None
) -> pd.DataFrame:
    """The observations of the owners and indicator codes, taken from ``known`` where it has
    them and read from the database otherwise (ties keep the database's id order: the rows
    of one indicator all come from one place)."""
    if known is None or owners is None or codes is None:
        read = observations(engine=conn, include_sample=True, owners=owners, indicators=codes)
        return read[RULE_COLUMNS]
    frame = known.frame
    inside = frame["participant_code"].isin(owners) & frame["indicator_code"].isin(codes)
    rows = _last_in_year(frame, np.flatnonzero(inside.to_numpy()))
    s = table(models.Source).c
    titles = dict(conn.execute(select(s.id, s.title)).all())
    mine = pd.DataFrame(
        {
            "participant_code": frame["participant_code"].to_numpy()[rows],
            "indicator_code": frame["indicator_code"].to_numpy()[rows],
            "date": frame["date"].to_numpy()[rows],
            "value": frame["value"].to_numpy()[rows],
            "synthetic": frame["synthetic"].to_numpy()[rows],
            "source": frame["source_id"].iloc[rows].map(titles).to_numpy(dtype=object),
        }
    )
    rest = codes - known.indicators
    if not rest:
        return mine
    read = observations(engine=conn, include_sample=True, owners=owners, indicators=rest)
    return pd.concat([read[RULE_COLUMNS], mine], ignore_index=True)


def refresh(
    conn: Connection,
    *,
    touched: Collection[tuple[str, str]] | None,
    known: Known | None = None,
) -> Refreshed:
    """Recompute the panels for the (owner, indicator or item code) pairs a write touched.

    ``touched`` None rebuilds everything; owners are participant codes or scoring.REGION.
    ``known``: observations the write already holds as it left them (not read back).
    """
    catalogue = indicator_catalogue(engine=conn)
    tree = items(engine=conn)
    first, last = readmodel.current_years()
    key = readmodel.build_key(indicators=catalogue, first_year=first, last_year=last)
    full = touched is None or readmodel.stored_key(conn) != key
    owners: set[str] | None = None
    recs: set[str] | None = None
    if not full:
        assert touched is not None
        owners = {str(o) for o, _ in touched}
        recs = _recommendations_of((c for _, c in touched), catalogue=catalogue, tree=tree)
        if not owners or not recs:
            return Refreshed(False, 0, 0, 0, 0)
    codes = None if recs is None else set(catalogue[catalogue["recommendation"].isin(recs)]["code"])
    obs = _observations(conn, owners=owners, codes=codes, known=known)
    del known  # the caller passes it on: its rows can go once obs holds what counts
    assess = assessments(engine=conn, include_sample=True, owners=owners)
    if recs is not None:
        assess = assess[assess["recommendation"].isin(recs)]
    inputs = {"observations": obs, "assessments": assess, "indicators": catalogue}
    ind_t, cell_t = table(models.ReadIndicatorYear), table(models.ReadCellYear)
    if full:
        conn.execute(delete(ind_t))
        conn.execute(delete(cell_t))
    else:
        assert owners is not None and recs is not None
        for t in (ind_t, cell_t):
            conn.execute(
                delete(t).where(
                    t.c.participant_code.in_(sorted(owners)),
                    t.c.recommendation.in_(sorted(recs)),
                )
            )
    n_ind = n_cell = 0
    for sample in (False, True):
        panels = readmodel.compute(inputs=inputs, sample=sample, first_year=first, last_year=last)
        n_ind += _insert(
            conn, models.ReadIndicatorYear, panels.indicators, readmodel.IND_COLUMNS, sample=sample
        )
        n_cell += _insert(
            conn, models.ReadCellYear, panels.cells, readmodel.CELL_COLUMNS, sample=sample
        )
    _save_state(conn, key=key, full=full)
    return Refreshed(
        full=full,
        owners=len(owners) if owners is not None else -1,
        recommendations=len(recs) if recs is not None else -1,
        indicator_rows=n_ind,
        cell_rows=n_cell,
    )


def rebuild(*, engine: Engine) -> Refreshed:
    """Rebuild the whole read model in one transaction (`rtop refresh`)."""
    with engine.begin() as conn:
        return refresh(conn, touched=None)


def ensure_current(*, engine: Engine) -> Refreshed | None:
    """Rebuild the read model when it was built for another rule, years or catalogue."""
    with engine.begin() as conn:
        if readmodel.is_current(conn, indicators=indicator_catalogue(engine=conn)):
            return None
        return refresh(conn, touched=None)
