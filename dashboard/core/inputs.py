"""The status rule's inputs read from the database: observations, assessments, the catalogue.

Shared by the writer (the loaders keep the read model with them) and the readers (evidence for
one participant and recommendation, data exports). Every function takes an Engine or, inside a
write's transaction, its Connection, and can be narrowed to some owners and codes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Select, func, inspect, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.models import table
from dashboard.core.scoring import REGION, parse_thresholds

Bind = Engine | Connection


@contextmanager
def connection(bind: Bind) -> Iterator[Connection]:
    """The connection itself, or a new one from an engine (closed afterwards)."""
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


def frame(bind: Bind, stmt: object) -> pd.DataFrame:
    """A query's rows as a DataFrame."""
    with connection(bind) as conn:
        return pd.read_sql(stmt, conn)  # type: ignore[call-overload]


def columnar(bind: Bind, stmt: Select[Any], kinds: dict[str, str]) -> pd.DataFrame:
    """Run a query through the DBAPI cursor and build typed columns in one vectorised pass.

    Much faster than row-by-row conversion for large results: ``kinds`` maps each selected
    column to category, date, float, bool, int or text (text keeps Python strings).
    """
    with connection(bind) as conn:
        compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        args: Any = (
            [params[k] for k in compiled.positiontup or []] if compiled.positional else params
        )
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(str(compiled), args)
            rows = cursor.fetchall()
            names = [d[0] for d in cursor.description]
        finally:
            cursor.close()
    grid = np.array(rows, dtype=object).reshape(len(rows), len(names))
    data: dict[str, Any] = {}
    for i, name in enumerate(names):
        column, kind = grid[:, i], kinds[name]
        if kind == "category":
            codes, uniques = pd.factorize(column)
            data[name] = pd.Categorical.from_codes(codes, categories=uniques)
        elif kind == "date":
            data[name] = pd.to_datetime(column.astype("datetime64[D]"))
        elif kind == "float":
            data[name] = pd.to_numeric(column, errors="coerce").astype(float)
        elif kind == "bool":
            data[name] = column.astype(bool)
        elif kind == "text":
            data[name] = column
        else:
            data[name] = column.astype(np.int64)
    return pd.DataFrame(data, columns=names)


def owner_filter(column: Any, owners: Collection[str] | None) -> ColumnElement[bool] | None:
    """participant_code IN owners, the region (stored as null) included when REGION is asked."""
    if owners is None:
        return None
    people = sorted(o for o in owners if o != REGION)
    clause: ColumnElement[bool] = column.in_(people)
    if REGION in owners:
        clause = or_(clause, column.is_(None))
    return clause


def _count(session: Session, model: type, *where: object) -> int:
    stmt = select(func.count()).select_from(model)
    for w in where:
        stmt = stmt.where(w)  # type: ignore[arg-type]
    return int(session.scalar(stmt) or 0)


def counts(*, engine: Engine) -> dict[str, int]:
    """How many of each thing the database holds (zeros for an uninitialised database)."""
    keys = [
        "participants",
        "pillars",
        "frameworks",
        "recommendations",
        "sub_items",
        "next_steps",
        "items",
        "indicators",
        "observations",
        "observations_synthetic",
        "assessments",
        "events",
        "events_synthetic",
        "sources",
        "load_runs",
    ]
    if not inspect(engine).has_table("participant"):
        return dict.fromkeys(keys, 0)
    item = models.FrameworkItem
    with Session(engine) as s:
        return {
            "participants": _count(s, models.Participant),
            "pillars": _count(s, models.Pillar),
            "frameworks": _count(s, models.Framework),
            "recommendations": _count(s, item, item.kind == "recommendation"),
            "sub_items": _count(s, item, item.kind == "sub_item"),
            "next_steps": _count(s, item, item.kind == "next_step"),
            "items": _count(s, item),
            "indicators": _count(s, models.Indicator),
            "observations": _count(s, models.Observation),
            "observations_synthetic": _count(
                s,
                models.Observation,
                models.Observation.synthetic.is_(True),  # type: ignore[attr-defined]
            ),
            "assessments": _count(s, models.Assessment),
            "events": _count(s, models.Event),
            "events_synthetic": _count(s, models.Event, models.Event.synthetic.is_(True)),  # type: ignore[attr-defined]
            "sources": _count(s, models.Source, _source_in_use()),
            "load_runs": _count(s, models.LoadRun),
        }


def items(*, engine: Bind) -> pd.DataFrame:
    """Framework items with their top-level recommendation code and primary pillar."""
    out = frame(engine, select(models.FrameworkItem))
    links = frame(engine, select(models.ItemPillar))
    parent = {
        c: p for c, p in zip(out["code"], out["parent_code"], strict=True) if isinstance(p, str)
    }

    def top(code: str) -> str:
        while code in parent:
            code = parent[code]
        return code

    out["recommendation"] = out["code"].map(top)
    primary = links[links["role"] == "primary"].set_index("item_code")["pillar"]
    out["primary_pillar"] = out["recommendation"].map(primary).astype("Int64")
    return out


def indicator_catalogue(*, engine: Bind) -> pd.DataFrame:
    """Indicators with the recommendation they count towards and parsed thresholds."""
    ind = frame(engine, select(models.Indicator))
    top = items(engine=engine).set_index("code")["recommendation"]
    ind["recommendation"] = ind["item_code"].map(top)
    ind["thresholds_list"] = ind["thresholds"].map(parse_thresholds)
    order = ind["recommendation"].str.extract(r"R(\d+)")[0].astype(float)
    return (
        ind.assign(_o=order).sort_values(["_o", "code"]).drop(columns="_o").reset_index(drop=True)
    )


def _source_in_use() -> ColumnElement[bool]:
    """Documented sources, and the sample's while rows cite it (it outlives a removal)."""
    src, o = table(models.Source).c, table(models.Observation).c
    e, a = table(models.Event).c, table(models.Assessment).c
    cited = or_(
        src.id.in_(select(o.source_id).where(o.synthetic.is_(True))),
        src.id.in_(select(e.source_id).where(e.synthetic.is_(True))),
        src.id.in_(select(a.source_id).where(a.synthetic.is_(True))),
    )
    return or_(src.synthetic.is_(False), cited)


def observations(
    *,
    engine: Bind,
    include_sample: bool,
    owners: Collection[str] | None = None,
    indicators: Collection[str] | None = None,
) -> pd.DataFrame:
    """Observations (optionally without the synthetic sample, or for some owners and
    indicators only), with their source's title; the region's rows have owner REGION."""
    o = table(models.Observation).c
    stmt = select(
        o.participant_code,
        o.indicator_code,
        o.date,
        o.precision,
        o.value,
        o.note,
        o.synthetic,
        o.source_id,
    )
    if not include_sample:
        stmt = stmt.where(o.synthetic.is_(False))
    who = owner_filter(o.participant_code, owners)
    if who is not None:
        stmt = stmt.where(who)
    if indicators is not None:
        stmt = stmt.where(o.indicator_code.in_(sorted(indicators)))
    # In id order: the rule breaks ties (one date, several sources) by row order, which must not
    # depend on the query plan or on where PostgreSQL put an updated row.
    stmt = stmt.order_by(o.id)
    kinds = {
        "participant_code": "category",
        "indicator_code": "category",
        "date": "date",
        "precision": "category",
        "value": "float",
        "note": "category",
        "synthetic": "bool",
        "source_id": "int",
    }
    out = columnar(engine, stmt, kinds)
    s = table(models.Source).c
    src = frame(engine, select(s.id, s.title)).set_index("id")
    out["source"] = out["source_id"].map(src["title"]).astype(object)
    for column in ("participant_code", "indicator_code", "precision", "note"):
        out[column] = out[column].astype(object)
    out["participant_code"] = out["participant_code"].fillna(REGION)
    out["note"] = out["note"].fillna("")
    return out


def assessments(
    *,
    engine: Bind,
    include_sample: bool,
    owners: Collection[str] | None = None,
) -> pd.DataFrame:
    """Expert-assessed statuses, with the recommendation they concern."""
    a, s = table(models.Assessment).c, table(models.Source).c
    stmt = select(
        a.participant_code,
        a.item_code,
        a.date,
        a.precision,
        a.status.label("value"),
        a.assessor,
        a.rationale,
        a.note,
        a.synthetic,
        a.source_id,
        s.title.label("source"),
    ).join_from(table(models.Assessment), table(models.Source), s.id == a.source_id)
    if not include_sample:
        stmt = stmt.where(a.synthetic.is_(False))
    who = owner_filter(a.participant_code, owners)
    if who is not None:
        stmt = stmt.where(who)
    out = frame(engine, stmt.order_by(a.id))  # id order, as observations
    out["participant_code"] = out["participant_code"].fillna(REGION)
    out["date"] = pd.to_datetime(out["date"])
    out["synthetic"] = out["synthetic"].astype(bool)
    top = items(engine=engine).set_index("code")["recommendation"]
    out["recommendation"] = out["item_code"].map(top)
    return out


def scoring_inputs(
    *,
    engine: Bind,
    include_sample: bool,
    owners: Collection[str] | None = None,
    indicators: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The frames the status rule needs: observations, assessments, indicator catalogue."""
    catalogue = indicator_catalogue(engine=engine) if indicators is None else indicators
    return {
        "observations": observations(engine=engine, include_sample=include_sample, owners=owners),
        "assessments": assessments(engine=engine, include_sample=include_sample, owners=owners),
        "indicators": catalogue,
    }
