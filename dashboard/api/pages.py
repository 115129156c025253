"""Each page's charts as a bundle route makes them: the same views, charts and meta as the
page draws for the same link (the page's own parameters with the same defaults)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from dashboard import maps
from dashboard.api.params import ParamError, Query, choice, year_param
from dashboard.bundle import Chart
from dashboard.charts import overview as overview_charts
from dashboard.charts import pillars as pillars_charts
from dashboard.charts import profile as profile_charts
from dashboard.charts import timeline as timeline_charts
from dashboard.charts import tracker as tracker_charts
from dashboard.charts.meta import chart_meta, event_rows, tracker_rows
from dashboard.views import Dataset, overview, pillars, profile, timeline, tracker
from dashboard.views import map as map_view

__all__ = ["PAGES", "Page", "ParamError", "View"]
MAP_COLUMNS = ["code", "name", "status", "status_label", "value", "date", "source", "synthetic"]


@dataclass(frozen=True)
class View:
    """A page's charts for one link, its title, and the query of the link back to it."""

    title: str
    charts: list[Chart]
    link_query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """A page whose charts can be bundled: its own parameters and how its charts are made."""

    own: tuple[str, ...]
    build: Callable[..., View]


def _meta(ds: Dataset, query: Query, title: str, **kwargs: Any) -> Any:
    return chart_meta(
        title, filters=query.filters, names=ds.names, data_version=ds.version, **kwargs
    )


def _overview(*, ds: Dataset, query: Query) -> View:
    f = query.filters
    standing = overview.rec_standing(ds=ds, filters=f, year=f.to_year)
    sm = _meta(
        ds,
        query,
        f"Where the region stands on each national recommendation, {f.to_year}",
        sources=standing["sources"],
        synthetic=bool(standing["synthetic"].any()),
        stem="rtop-overview-standing",
    )
    values = map_view.overview_map(ds=ds, filters=f, year=f.to_year)
    mm = _meta(
        ds,
        query,
        f"Average status of the selected recommendations, {f.to_year}",
        sources=values["source"],
        synthetic=bool(values["synthetic"].any()),
        stem="rtop-overview-map",
    )
    return View(
        title="Responsibility to Protect in the ARF region",
        charts=[
            Chart(
                "standing",
                sm,
                standing.drop(columns=["key", "rank"]),
                lambda: overview_charts.standing_bars(standing=standing, meta=sm),
            ),
            Chart("map", mm, values[MAP_COLUMNS], lambda: maps.static_map(values=values, meta=mm)),
        ],
        link_query=f.to_query(),
    )


def _map(*, ds: Dataset, query: Query) -> View:
    f = query.filters
    layers = map_view.map_layers(ds=ds)
    layer = choice(query, name="layer", options=list(layers), default="R1")
    year = year_param(query, default=f.to_year) or f.to_year
    values = map_view.map_values(ds=ds, filters=f, layer=layer, year=year)
    m = _meta(
        ds,
        query,
        f"{layers[layer]}, {year}",
        sources=values["source"],
        synthetic=bool(values["synthetic"].any()),
        stem=f"rtop-map-{layer}-{year}",
    )
    return View(
        title="Implementation map",
        charts=[
            Chart("map", m, values[MAP_COLUMNS], lambda: maps.static_map(values=values, meta=m))
        ],
        link_query={**f.to_query(), "layer": layer, "year": str(year)},
    )


def _country(*, ds: Dataset, query: Query) -> View:
    f = query.filters
    codes = list(ds.participants["code"])
    default = f.participants[0] if f.participants else "AUS"
    code = choice(query, name="participant", options=codes, default=default)
    name = ds.names[code]
    year = f.to_year
    card = profile.scorecard(ds=ds, participant=code, year=year)
    frame = profile.pillar_status_for(ds=ds, participant=code, filters=f, year=year)
    pm = _meta(
        ds,
        query,
        f"{name}: average status by pillar, {year}",
        sources=card["source"],
        synthetic=bool(card["synthetic"].any()),
        stem=f"rtop-{code}-pillars",
        participant=code,
    )
    events = profile.participant_events(ds=ds, filters=f, participant=code)
    em = _meta(
        ds,
        query,
        f"{name}: events",
        sources=events.get("source"),
        synthetic=bool(events["synthetic"].any()) if len(events) else False,
        stem=f"rtop-{code}-events",
        participant=code,
    )
    return View(
        title=name,
        charts=[
            Chart(
                "pillars", pm, frame, lambda: profile_charts.profile_pillars(frame=frame, meta=pm)
            ),
            Chart(
                "events",
                em,
                event_rows(events),
                lambda: timeline_charts.event_timeline(events=events, color_by="kind", meta=em),
            ),
        ],
        link_query={**f.to_query(), "participant": code},
    )


def _recommendations(*, ds: Dataset, query: Query) -> View:
    f = query.filters
    year = year_param(query, default=f.to_year) or f.to_year
    sort = choice(query, name="sort", options=["grouping", "score"], default="grouping")
    matrix = tracker.tracker_matrix(ds=ds, filters=f, year=year, sort=sort)
    m = _meta(
        ds,
        query,
        f"Status by participant and recommendation, {year}",
        sources=matrix["sources"].dropna() if "sources" in matrix else None,
        synthetic=bool(matrix["synthetic"].any()),
        stem="rtop-tracker",
    )
    return View(
        title="Recommendation tracker",
        charts=[
            Chart(
                "tracker",
                m,
                tracker_rows(matrix),
                lambda: tracker_charts.status_heatmap(matrix=matrix, meta=m),
            )
        ],
        link_query=f.to_query(),
    )


def _timeline(*, ds: Dataset, query: Query) -> View:
    f = query.filters
    color_by = choice(query, name="color_by", options=["kind", "pillar"], default="kind")
    since_first = choice(query, name="since_first", options=["1", "0"], default="1") == "1"
    events = timeline.timeline_events(ds=ds, filters=f, since_first=since_first)
    shown = timeline.shown_period(filters=f, since_first=since_first)
    m = chart_meta(
        "Events bearing on RtoP implementation",
        filters=shown,
        names=ds.names,
        data_version=ds.version,
        sources=events["source"] if len(events) else None,
        synthetic=bool(events["synthetic"].any()) if len(events) else False,
        stem="rtop-timeline",
    )
    lines = timeline.status_over_time(ds=ds, filters=f)
    m2 = _meta(
        ds,
        query,
        "Status over time (mean over the selected recommendations)",
        synthetic=bool(lines["synthetic"].any()) if len(lines) else False,
        stem="rtop-status-over-time",
    )
    return View(
        title="Timeline",
        charts=[
            Chart(
                "events",
                m,
                event_rows(events),
                lambda: timeline_charts.event_timeline(
                    events=events,
                    color_by=color_by,
                    meta=m,
                    period=(shown.from_year, shown.to_year),
                ),
                filters=shown,
            ),
            Chart("status", m2, lines, lambda: timeline_charts.status_lines(frame=lines, meta=m2)),
        ],
        link_query=f.to_query(),
    )


def _pillars(*, ds: Dataset, query: Query) -> View:
    f = query.filters
    year = f.to_year
    measure = choice(
        query, name="measure", options=["recommendations", "indicators"], default="recommendations"
    )
    coverage = pillars.pillar_coverage(ds=ds, filters=f, year=year)
    m = _meta(
        ds,
        query,
        f"Share of pillar-linked {measure} at or above 'Initiated', {year}",
        synthetic=bool(coverage["synthetic"].any()) if len(coverage) else False,
        stem="rtop-pillar-coverage",
    )
    breakdown = pillars.pillar_breakdown(ds=ds, filters=f, year=year)
    m2 = _meta(
        ds,
        query,
        f"Pillar → recommendation → indicator, {year}",
        synthetic=bool(breakdown["synthetic"].any()) if len(breakdown) else False,
        stem="rtop-pillar-breakdown",
    )
    roles = pillars.sg_role_coverage(ds=ds, filters=f, year=year)
    m3 = _meta(
        ds,
        query,
        f"Regional roles of the 2011 SG report addressed, {year}",
        synthetic=f.sample and ds.has_synthetic,
        stem="rtop-sg-roles",
    )
    return View(
        title="Pillar coverage",
        charts=[
            Chart(
                "coverage",
                m,
                coverage,
                lambda: pillars_charts.pillar_bars(coverage=coverage, measure=measure, meta=m),
            ),
            Chart(
                "breakdown",
                m2,
                breakdown,
                lambda: pillars_charts.breakdown_sunburst(breakdown=breakdown, meta=m2),
            ),
            Chart(
                "sg_roles", m3, roles, lambda: pillars_charts.sg_coverage_bars(roles=roles, meta=m3)
            ),
        ],
        link_query=f.to_query(),
    )


PAGES: dict[str, Page] = {
    "overview": Page((), _overview),
    "map": Page(("layer", "year"), _map),
    "country": Page(("participant",), _country),
    "recommendations": Page(("year", "sort"), _recommendations),
    "timeline": Page(("color_by", "since_first"), _timeline),
    "pillars": Page(("measure",), _pillars),
}


def with_period(query: Query, **changes: Any) -> Query:
    """The query with other filters (tests)."""
    return replace(query, filters=replace(query.filters, **changes))
