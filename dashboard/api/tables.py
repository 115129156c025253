"""What each data route answers, as a frame with its ChartMeta (title, filters in words,
sources, sample mark, data version), from one Dataset and the filters. Plain Python.

The observations are made by the same function as the Exports page's data download
(dashboard.export.data_export), so a route's CSV and the page's CSV are the same bytes. A
selection larger than the limit is made a few participants at a time, in the export's order
(participant name, indicator, date), so an answer never holds more than its page and a few
participants' rows in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import func, select

from dashboard import export
from dashboard.charts.common import ChartMeta
from dashboard.core import models, scoring
from dashboard.core.inputs import connection, owner_filter
from dashboard.core.scoring import RULE_VERSION
from dashboard.filters import Filters
from dashboard.views import (
    Dataset,
    cell_labels,
    rec_levels,
    rec_names,
    selected_participants,
    selected_recommendations,
    timeline_events,
)


@dataclass(frozen=True)
class Answer:
    """One page of a route's rows: the rows, how many there are in all, and what they are."""

    frame: pd.DataFrame
    total: int
    meta: ChartMeta


def _meta(
    ds: Dataset,
    filters: Filters,
    *,
    title: str,
    stem: str,
    frame: pd.DataFrame,
    sources: tuple[str, ...] = (),
) -> ChartMeta:
    flag = frame["sample_data"] if "sample_data" in frame else pd.Series(dtype=bool)
    return ChartMeta(
        title=title,
        subtitle=filters.describe(names=ds.names),
        sources=sources,
        synthetic=bool(filters.sample and flag.astype(bool).any()),
        file_stem=stem,
        data_version=ds.version,
    )


def _page(frame: pd.DataFrame, *, offset: int, limit: int) -> pd.DataFrame:
    return frame.iloc[offset : offset + limit].reset_index(drop=True)


# ------------------------------------------------------------------------------ observations


def _indicator_codes(ds: Dataset, filters: Filters) -> set[str] | None:
    """The indicators of the chosen recommendations and pillars (None: every indicator), as
    export.data_export chooses them."""
    if not (filters.recommendations or filters.pillars):
        return None
    recs = set(selected_recommendations(ds=ds, filters=filters))
    return set(ds.indicators[ds.indicators["recommendation"].isin(recs)]["code"])


def owner_counts(ds: Dataset, filters: Filters) -> dict[str, int]:
    """How many observations each owner (participant or the region) has in the selection's
    indicators, period and sample (one grouped count in SQL)."""
    o = models.table(models.Observation).c
    owners = set(filters.participants) if filters.participants else None
    stmt = select(o.participant_code, func.count()).group_by(o.participant_code)
    stmt = stmt.where(
        o.date >= pd.Timestamp(filters.from_year, 1, 1).date(),
        o.date < pd.Timestamp(filters.to_year + 1, 1, 1).date(),
    )
    if not ds.include_sample:
        stmt = stmt.where(o.synthetic.is_(False))
    who = owner_filter(o.participant_code, owners)
    if who is not None:
        stmt = stmt.where(who)
    codes = _indicator_codes(ds, filters)
    if codes is not None:
        stmt = stmt.where(o.indicator_code.in_(sorted(codes)))
    with connection(ds.engine) as conn:
        rows = conn.execute(stmt).all()
    return {(code or scoring.REGION): int(n) for code, n in rows}


def observations(*, ds: Dataset, filters: Filters, offset: int, limit: int) -> Answer:
    """The observations in the selection, as the Exports page's CSV has them; a page of them."""
    counts = owner_counts(ds, filters)
    total = sum(counts.values())
    if offset == 0 and total <= limit:  # the whole selection: exactly the page's export
        frame, meta = export.data_export(ds=ds, filters=filters)
        return Answer(frame=frame, total=len(frame), meta=meta)
    names = ds.names
    order = sorted(counts, key=lambda c: (str(names.get(c, c)), c))
    chosen: list[str] = []
    seen = skip = 0
    for code in order:  # the owners whose rows cover [offset, offset + limit)
        if seen + counts[code] <= offset:
            seen += counts[code]
            continue
        if not chosen:
            skip = offset - seen
        chosen.append(code)
        seen += counts[code]
        if seen >= offset + limit:
            break
    parts = [
        export.data_export(ds=ds, filters=replace(filters, participants=(code,)))[0]
        for code in chosen
    ]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    page = _page(rows, offset=skip, limit=limit)
    meta = ChartMeta(
        title="RtoP Monitor observations",
        subtitle=filters.describe(names=names),
        sources=tuple(dict.fromkeys(page["source"])) if len(page) else (),
        synthetic=bool(len(page) and page["sample_data"].any()),
        file_stem="rtop-observations",
        data_version=ds.version,
    )
    return Answer(frame=page, total=total, meta=meta)


# ------------------------------------------------------------------------------ status cells


def status(*, ds: Dataset, filters: Filters, year: int | None, offset: int, limit: int) -> Answer:
    """Every cell (participant x national recommendation, and the region x its own
    recommendations) of each year of the period, or of ``year``: its status and label, how it
    was reached, coverage, staleness and the method version; cells without evidence too."""
    years = [year] if year is not None else list(range(filters.from_year, filters.to_year + 1))
    levels = rec_levels(ds)
    names = rec_names(ds)
    recs = selected_recommendations(ds=ds, filters=filters)
    national = [r for r in recs if levels.get(r) != "region"]
    regional = [r for r in recs if levels.get(r) == "region"]
    people = selected_participants(ds=ds, filters=filters)
    grid = [
        *pd.MultiIndex.from_product([years, people, national]),
        *pd.MultiIndex.from_product([years, [scoring.REGION], regional]),
    ]
    index = pd.MultiIndex.from_tuples(grid, names=["year", "participant_code", "recommendation"])
    total = len(index)
    index = index[offset : offset + limit]
    cells = ds.cells.set_index(["year", "participant_code", "recommendation"])
    frame = cells.reindex(index).reset_index()
    frame["participant"] = frame["participant_code"].map(ds.names)
    frame["recommendation_name"] = frame["recommendation"].map(names)
    frame["level"] = frame["recommendation"].map(
        lambda r: "regional" if levels.get(r) == "region" else "national"
    )
    frame["status_label"] = cell_labels(frame)
    frame["result"] = frame["result"].fillna("no data")
    frame["last_date"] = pd.to_datetime(frame["last_date"]).dt.date
    frame["method_version"] = RULE_VERSION
    frame["sample_data"] = frame["synthetic"].fillna(False).astype(bool)
    for column in (
        "status",
        "computed_status",
        "last_known",
        "n_indicators",
        "n_expected",
        "n_stale",
    ):
        frame[column] = frame[column].astype("Int64")
    frame["stale"] = frame["stale"].astype("boolean")
    columns = [
        "year",
        "participant_code",
        "participant",
        "recommendation",
        "recommendation_name",
        "level",
        "status",
        "status_label",
        "result",
        "basis",
        "computed_status",
        "coverage",
        "n_indicators",
        "n_expected",
        "stale",
        "n_stale",
        "last_known",
        "last_date",
        "sources",
        "assessor",
        "rationale",
        "method_version",
        "sample_data",
    ]
    frame = frame[columns]
    sources = tuple(
        dict.fromkeys(p for s in frame["sources"].dropna() for p in str(s).split("; ") if p)
    )
    meta = _meta(
        ds,
        filters,
        title="RtoP Monitor status cells",
        stem="rtop-status",
        frame=frame,
        sources=sources,
    )
    return Answer(frame=frame, total=total, meta=meta)


# ------------------------------------------------------------------------------ the rest


def events(*, ds: Dataset, filters: Filters, offset: int, limit: int) -> Answer:
    """Dated events in the period touching the selection (as the Timeline lists them)."""
    ev = timeline_events(ds=ds, filters=filters)
    frame = pd.DataFrame(
        {
            "date": ev["date"].dt.date,
            "date_precision": ev["precision"],
            "end_date": pd.to_datetime(ev["end_date"]).dt.date,
            "when": ev["when"] if "when" in ev else pd.Series(dtype=object),
            "title": ev["title"],
            "kind": ev["kind"],
            "participants": ev["participants"],
            "items": ev["items"],
            "pillars": ev["pillars"],
            "description": ev["description"],
            "url": ev["url"],
            "source": ev["source"],
            "sample_data": ev["synthetic"].astype(bool),
        }
    )
    page = _page(frame, offset=offset, limit=limit)
    meta = _meta(
        ds,
        filters,
        title="RtoP Monitor events",
        stem="rtop-events",
        frame=page,
        sources=tuple(dict.fromkeys(page["source"].dropna())),
    )
    return Answer(frame=page, total=len(frame), meta=meta)


def sources(*, ds: Dataset, filters: Filters, offset: int, limit: int) -> Answer:
    """Every source the data cite, with its link and how many observations and events cite it
    (the synthetic sample's own source only with sample=1)."""
    src = ds.sources if filters.sample else ds.sources[~ds.sources["synthetic"].astype(bool)]
    frame = pd.DataFrame(
        {
            "code": src["code"],
            "title": src["title"],
            "publisher": src["publisher"],
            "date": src["date"],
            "url": src["url"],
            "accessed": src["accessed"],
            "observations": src["observations"],
            "events": src["events"],
            "sample_data": src["synthetic"].astype(bool),
        }
    ).reset_index(drop=True)
    page = _page(frame, offset=offset, limit=limit)
    meta = _meta(ds, filters, title="RtoP Monitor sources", stem="rtop-sources", frame=page)
    return Answer(frame=page, total=len(frame), meta=meta)


def participants(*, ds: Dataset, filters: Filters, offset: int, limit: int) -> Answer:
    """The ARF participants (the selection, or all): names, kind, sub-region, memberships."""
    p = ds.participants
    p = p[p["code"].isin(selected_participants(ds=ds, filters=filters))]
    columns = [
        "code",
        "name",
        "kind",
        "grouping",
        "arf_joined",
        "asean",
        "asean_joined",
        "cscap",
        "cscap_joined",
        "lat",
        "lon",
    ]
    frame = p[columns].reset_index(drop=True)
    page = _page(frame, offset=offset, limit=limit)
    meta = _meta(ds, filters, title="ARF participants", stem="rtop-participants", frame=page)
    return Answer(frame=page, total=len(frame), meta=meta)


def recommendations(*, ds: Dataset, filters: Filters, offset: int, limit: int) -> Answer:
    """The twelve recommendations of CSCAP Memorandum No. 18 (the selection), their sub-items
    and the ARF's next steps, with addressee, level and pillars."""
    recs = set(selected_recommendations(ds=ds, filters=filters))
    items = ds.items[ds.items["framework_code"] == "CSCAP18"]
    items = items[items["recommendation"].isin(recs) | (items["kind"] == "next_step")]
    pillars = ds.item_pillars.groupby("item_code")["pillar"].agg(
        lambda s: ";".join(str(p) for p in sorted(s))
    )
    frame = pd.DataFrame(
        {
            "code": items["code"],
            "kind": items["kind"].str.replace("_", " "),
            "recommendation": items["recommendation"],
            "parent": items["parent_code"],
            "addressee": items["addressee"],
            "level": items["level"].map({"region": "regional", "participant": "national"}),
            "name": items["short_name"],
            "text": items["text"],
            "primary_pillar": items["primary_pillar"],
            "pillars": items["code"].map(pillars),
        }
    ).reset_index(drop=True)
    page = _page(frame, offset=offset, limit=limit)
    meta = _meta(
        ds,
        filters,
        title="CSCAP Memorandum No. 18: recommendations",
        stem="rtop-recommendations",
        frame=page,
    )
    return Answer(frame=page, total=len(frame), meta=meta)


def indicators(*, ds: Dataset, filters: Filters, offset: int, limit: int) -> Answer:
    """The indicators (of the chosen recommendations and pillars): what each measures, its
    type and unit, the thresholds of each status level, window and age limit."""
    codes = _indicator_codes(ds, filters)
    ind = ds.indicators if codes is None else ds.indicators[ds.indicators["code"].isin(codes)]
    primary = ds.items.set_index("code")["primary_pillar"]
    frame = pd.DataFrame(
        {
            "code": ind["code"],
            "recommendation": ind["recommendation"],
            "item": ind["item_code"],
            "name": ind["name"],
            "description": ind["description"],
            "level": ind["level"].map({"region": "regional", "participant": "national"}),
            "value_type": ind["value_type"],
            "unit": ind["unit"],
            "levels": ind["levels"],
            "thresholds": ind["thresholds"],
            "measure": ind["measure"],
            "window_years": ind["window_years"],
            "stale_after_years": ind["stale_after_years"],
            "primary_pillar": ind["recommendation"].map(primary).astype("Int64"),
            "method_version": RULE_VERSION,
        }
    ).reset_index(drop=True)
    page = _page(frame, offset=offset, limit=limit)
    meta = _meta(ds, filters, title="RtoP Monitor indicators", stem="rtop-indicators", frame=page)
    return Answer(frame=page, total=len(frame), meta=meta)


Maker = Callable[..., Answer]


@dataclass(frozen=True)
class Route:
    """A data route: what makes its answer, which filters it takes, its own parameters."""

    make: Maker
    filters: tuple[str, ...]
    own: tuple[str, ...] = ()


ALL = ("participants", "pillars", "recommendations", "from", "to", "sample")
ROUTES: dict[str, Route] = {
    "observations": Route(observations, ALL),
    "status": Route(status, ALL, ("year",)),
    "events": Route(events, ALL),
    "sources": Route(sources, ("sample",)),
    "participants": Route(participants, ("participants",)),
    "recommendations": Route(recommendations, ("pillars", "recommendations")),
    "indicators": Route(indicators, ("pillars", "recommendations")),
}
