"""Read the database into DataFrames for the pages (parameters always bound; no Streamlit).

The rule's inputs (observations, assessments, the catalogue) are in dashboard.core.inputs; the
yearly panels the pages show come from the read model (read_model below).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select, true

from dashboard.core import models
from dashboard.core.inputs import Bind, connection
from dashboard.core.inputs import frame as _frame
from dashboard.core.models import table


def item_links(*, engine: Bind) -> pd.DataFrame:
    """Links between framework items (a role and the recommendations it serves)."""
    return _frame(engine, select(table(models.ItemLink)))


@dataclass(frozen=True)
class ObservationStats:
    """How many observations there are and the latest dates, without reading them."""

    total: int
    synthetic: int
    latest: str | None
    latest_documented: str | None
    sample_in_database: bool  # a synthetic sample exists, whether or not this variant shows it


def observation_stats(*, engine: Bind, include_sample: bool) -> ObservationStats:
    """Counts and latest dates of the observations (one aggregate query per kind)."""
    o = table(models.Observation).c
    documented = o.synthetic.is_(False)
    with connection(engine) as conn:
        total, synthetic, latest = conn.execute(
            select(
                func.count(),
                func.count().filter(o.synthetic.is_(True)),
                func.max(o.date),
            ).where(true() if include_sample else documented)
        ).one()
        latest_documented = conn.execute(select(func.max(o.date)).where(documented)).scalar()
        # The sample's source outlives a removal (so an undo can restore it): ask for rows.
        sample_source = conn.execute(select(o.id).where(o.synthetic.is_(True)).limit(1)).scalar()
    return ObservationStats(
        total=int(total or 0),
        synthetic=int(synthetic or 0) if include_sample else 0,
        latest=None if latest is None else str(latest)[:10],
        latest_documented=None if latest_documented is None else str(latest_documented)[:10],
        sample_in_database=bool(sample_source),
    )


def item_pillars(*, engine: Bind) -> pd.DataFrame:
    """Item-to-pillar links (primary and secondary) with the rationale."""
    return _frame(engine, select(models.ItemPillar))


def participants(*, engine: Bind) -> pd.DataFrame:
    """Participants with their memberships (ASEAN, CSCAP) and join years."""
    frame = _frame(engine, select(models.Participant).order_by(models.Participant.name))
    members = _frame(engine, select(models.Membership))
    for group in ("ASEAN", "CSCAP"):
        m = members[members["group_code"] == group].set_index("participant_code")["joined"]
        frame[group.lower()] = frame["code"].isin(m.index)
        frame[f"{group.lower()}_joined"] = frame["code"].map(m).fillna("")
    return frame


def memberships(*, engine: Bind, participant: str) -> pd.DataFrame:
    """A participant's memberships with group names and dates."""
    m, g = table(models.Membership).c, table(models.Group).c
    stmt = (
        select(g.name.label("group"), m.joined, m.left, m.as_of, m.source_code)
        .join_from(table(models.Membership), table(models.Group), g.code == m.group_code)
        .where(m.participant_code == participant)
        .order_by(m.group_code)
    )
    return _frame(engine, stmt)


def all_memberships(*, engine: Bind) -> pd.DataFrame:
    """Every membership with the group's name, ordered by group."""
    m, g = table(models.Membership).c, table(models.Group).c
    stmt = (
        select(m.participant_code, m.group_code, g.name.label("group"), m.joined, m.left, m.as_of)
        .join_from(table(models.Membership), table(models.Group), g.code == m.group_code)
        .order_by(m.group_code)
    )
    return _frame(engine, stmt)


def pillars(*, engine: Bind) -> pd.DataFrame:
    """The three pillars."""
    return _frame(engine, select(models.Pillar).order_by(models.Pillar.number))  # type: ignore[arg-type]


def sources(*, engine: Bind) -> pd.DataFrame:
    """Every source with how many observations and events cite it (not an unused sample's)."""
    frame = _frame(engine, select(table(models.Source)).order_by(table(models.Source).c.code))
    o, e = table(models.Observation).c, table(models.Event).c
    obs = _frame(engine, select(o.source_id, func.count().label("n")).group_by(o.source_id))
    ev = _frame(engine, select(e.source_id, func.count().label("n")).group_by(e.source_id))
    frame["observations"] = frame["id"].map(obs.set_index("source_id")["n"]).fillna(0).astype(int)
    frame["events"] = frame["id"].map(ev.set_index("source_id")["n"]).fillna(0).astype(int)
    unused_sample = frame["synthetic"].astype(bool) & frame[["observations", "events"]].sum(
        axis=1
    ).eq(0)
    return frame[~unused_sample].reset_index(drop=True)


def events(*, engine: Bind, include_sample: bool) -> pd.DataFrame:
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


def last_seen(*, engine: Bind, include_sample: bool) -> pd.DataFrame:
    """Per owner (REGION for the region) and indicator, its newest observation whatever its
    age: participant_code, indicator_code, last_date, value, source (the source's title).
    One grouped query and one join, so a work list can say when a lapsed flow was last seen."""
    from dashboard.core.scoring import REGION  # noqa: PLC0415 (scoring imports pandas/numpy)

    obs, src = table(models.Observation), table(models.Source)
    o, s = obs.c, src.c
    where = true() if include_sample else o.synthetic.is_(False)
    owner = func.coalesce(o.participant_code, REGION)
    newest = (
        select(owner.label("owner"), o.indicator_code.label("code"), func.max(o.date).label("d"))
        .where(where)
        .group_by(owner, o.indicator_code)
        .subquery()
    )
    stmt = (
        select(
            newest.c.owner.label("participant_code"),
            newest.c.code.label("indicator_code"),
            newest.c.d.label("last_date"),
            func.max(o.value).label("value"),
            func.min(s.title).label("source"),
        )
        .select_from(obs)
        .join(
            newest,
            (func.coalesce(o.participant_code, REGION) == newest.c.owner)
            & (o.indicator_code == newest.c.code)
            & (o.date == newest.c.d),
        )
        .join(src, s.id == o.source_id)
        .where(where)
        .group_by(newest.c.owner, newest.c.code, newest.c.d)
    )
    out = _frame(engine, stmt)
    if out.empty:
        return pd.DataFrame(
            columns=["participant_code", "indicator_code", "last_date", "value", "source"]
        )
    out["last_date"] = pd.to_datetime(out["last_date"])
    return out
