"""Read the database into DataFrames (parameters always bound; no Streamlit here)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, func, inspect, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard.core import models
from dashboard.core.models import table
from dashboard.core.scoring import parse_thresholds


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
            "sources": _count(s, models.Source),
            "load_runs": _count(s, models.LoadRun),
        }


def _frame(engine: Engine, stmt: object) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(stmt, conn)  # type: ignore[call-overload]


def items(*, engine: Engine) -> pd.DataFrame:
    """Framework items with their top-level recommendation code and primary pillar."""
    frame = _frame(engine, select(models.FrameworkItem))
    pillars = _frame(engine, select(models.ItemPillar))
    parent = {
        c: p for c, p in zip(frame["code"], frame["parent_code"], strict=True) if isinstance(p, str)
    }

    def top(code: str) -> str:
        while code in parent:
            code = parent[code]
        return code

    frame["recommendation"] = frame["code"].map(top)
    primary = pillars[pillars["role"] == "primary"].set_index("item_code")["pillar"]
    frame["primary_pillar"] = frame["recommendation"].map(primary).astype("Int64")
    return frame


def item_pillars(*, engine: Engine) -> pd.DataFrame:
    """Item-to-pillar links (primary and secondary) with the rationale."""
    return _frame(engine, select(models.ItemPillar))


def indicator_catalogue(*, engine: Engine) -> pd.DataFrame:
    """Indicators with the recommendation they count towards and parsed thresholds."""
    ind = _frame(engine, select(models.Indicator))
    top = items(engine=engine).set_index("code")["recommendation"]
    ind["recommendation"] = ind["item_code"].map(top)
    ind["thresholds_list"] = ind["thresholds"].map(parse_thresholds)
    order = ind["recommendation"].str.extract(r"R(\d+)")[0].astype(float)
    return (
        ind.assign(_o=order).sort_values(["_o", "code"]).drop(columns="_o").reset_index(drop=True)
    )


def participants(*, engine: Engine) -> pd.DataFrame:
    """Participants with their memberships (ASEAN, CSCAP) and join years."""
    frame = _frame(engine, select(models.Participant).order_by(models.Participant.name))
    members = _frame(engine, select(models.Membership))
    for group in ("ASEAN", "CSCAP"):
        m = members[members["group_code"] == group].set_index("participant_code")["joined"]
        frame[group.lower()] = frame["code"].isin(m.index)
        frame[f"{group.lower()}_joined"] = frame["code"].map(m).fillna("")
    return frame


def memberships(*, engine: Engine, participant: str) -> pd.DataFrame:
    """A participant's memberships with group names and dates."""
    m, g = table(models.Membership).c, table(models.Group).c
    stmt = (
        select(g.name.label("group"), m.joined, m.left, m.as_of, m.source_code)
        .join_from(table(models.Membership), table(models.Group), g.code == m.group_code)
        .where(m.participant_code == participant)
        .order_by(m.group_code)
    )
    return _frame(engine, stmt)


def all_memberships(*, engine: Engine) -> pd.DataFrame:
    """Every membership with the group's name, ordered by group."""
    m, g = table(models.Membership).c, table(models.Group).c
    stmt = (
        select(m.participant_code, m.group_code, g.name.label("group"), m.joined, m.left, m.as_of)
        .join_from(table(models.Membership), table(models.Group), g.code == m.group_code)
        .order_by(m.group_code)
    )
    return _frame(engine, stmt)


def pillars(*, engine: Engine) -> pd.DataFrame:
    """The three pillars."""
    return _frame(engine, select(models.Pillar).order_by(models.Pillar.number))  # type: ignore[arg-type]


def sources(*, engine: Engine) -> pd.DataFrame:
    """Every source with how many observations and events cite it."""
    frame = _frame(engine, select(table(models.Source)).order_by(table(models.Source).c.code))
    o, e = table(models.Observation).c, table(models.Event).c
    obs = _frame(engine, select(o.source_id, func.count().label("n")).group_by(o.source_id))
    ev = _frame(engine, select(e.source_id, func.count().label("n")).group_by(e.source_id))
    frame["observations"] = frame["id"].map(obs.set_index("source_id")["n"]).fillna(0).astype(int)
    frame["events"] = frame["id"].map(ev.set_index("source_id")["n"]).fillna(0).astype(int)
    return frame


def _with_region(frame: pd.DataFrame) -> pd.DataFrame:
    from dashboard.core.scoring import REGION

    frame["participant_code"] = frame["participant_code"].fillna(REGION)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


def _columnar(engine: Engine, stmt: Select[Any], kinds: dict[str, str]) -> pd.DataFrame:
    """Run a query through the DBAPI cursor and build typed columns in one vectorised pass.

    Much faster than row-by-row conversion for large results (the observations table):
    ``kinds`` maps each selected column to category, date, float, bool or int.
    """
    with engine.connect() as conn:
        compiled = stmt.compile(dialect=conn.dialect)
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
            data[name] = column.astype(float)
        elif kind == "bool":
            data[name] = column.astype(bool)
        else:
            data[name] = column.astype(np.int64)
    return pd.DataFrame(data, columns=names)


def observations(*, engine: Engine, include_sample: bool) -> pd.DataFrame:
    """All observations (optionally without the synthetic sample), with their source's title."""
    from dashboard.core.scoring import REGION

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
    frame = _columnar(engine, stmt, kinds)
    src = _frame(
        engine,
        select(
            table(models.Source).c.id, table(models.Source).c.title, table(models.Source).c.code
        ),
    ).set_index("id")
    frame["source"] = frame["source_id"].map(src["title"]).astype(object)
    for column in ("participant_code", "indicator_code", "precision", "note"):
        frame[column] = frame[column].astype(object)
    frame["participant_code"] = frame["participant_code"].fillna(REGION)
    frame["note"] = frame["note"].fillna("")
    return frame


def assessments(*, engine: Engine, include_sample: bool) -> pd.DataFrame:
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
        s.title.label("source"),
    ).join_from(table(models.Assessment), table(models.Source), s.id == a.source_id)
    if not include_sample:
        stmt = stmt.where(a.synthetic.is_(False))
    frame = _with_region(_frame(engine, stmt))
    top = items(engine=engine).set_index("code")["recommendation"]
    frame["recommendation"] = frame["item_code"].map(top)
    return frame


def events(*, engine: Engine, include_sample: bool) -> pd.DataFrame:
    """Events with their participants, items and pillars as ';'-joined codes, and the source."""
    e, s = table(models.Event).c, table(models.Source).c
    stmt = (
        select(
            e.id,
            e.date,
            e.precision,
            e.end_date,
            e.title,
            e.kind,
            e.description,
            e.url,
            e.synthetic,
            s.title.label("source"),
        )
        .join_from(table(models.Event), table(models.Source), s.id == e.source_id)
        .order_by(e.date)
    )
    if not include_sample:
        stmt = stmt.where(e.synthetic.is_(False))
    frame = _frame(engine, stmt)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    links = (
        (models.EventParticipant, "participant_code", "participants"),
        (models.EventItem, "item_code", "items"),
        (models.EventPillar, "pillar", "pillars"),
    )
    for model, column, name in links:
        linked = _frame(engine, select(model))
        joined = linked.groupby("event_id")[column].agg(lambda v: ";".join(sorted(map(str, v))))
        frame[name] = frame["id"].map(joined).fillna("")
    return frame


def status_panel(
    *,
    engine: Engine,
    include_sample: bool,
    first_year: int = 2005,
    last_year: int | None = None,
) -> pd.DataFrame:
    """Status per (participant or region, recommendation, year), from first_year to last_year."""
    from dashboard.core import scoring

    frames = scoring_inputs(engine=engine, include_sample=include_sample)
    return scoring.status_from_inputs(
        inputs=frames, first_year=first_year, last_year=last_year or _this_year()
    )


def _this_year() -> int:
    import datetime as dt

    return dt.date.today().year


def scoring_inputs(*, engine: Engine, include_sample: bool) -> dict[str, pd.DataFrame]:
    """The frames the status rule needs: observations, assessments, indicator catalogue."""
    return {
        "observations": observations(engine=engine, include_sample=include_sample),
        "assessments": assessments(engine=engine, include_sample=include_sample),
        "indicators": indicator_catalogue(engine=engine),
    }
