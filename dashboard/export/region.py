"""The region's briefing pack: where the region stands, the map, the tracker, pillar coverage."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts, maps, views
from dashboard.charts.common import SAMPLE_TEXT
from dashboard.charts.overview import standing_bars
from dashboard.export.context import Context, chart, split_sources
from dashboard.export.pack import Slide, Table, source_line
from dashboard.export.participant import pillar_counts, pillar_table
from dashboard.views.map import map_summary
from dashboard.views.overview import regional_standing, standing_of


def standing(ctx: Context, *, matrix: pd.DataFrame, sources: list[str]) -> Slide:
    frame = standing_of(matrix=matrix, ds=ctx.ds, filters=ctx.filters)
    m = ctx.meta(
        f"Where the region stands on each national recommendation, {ctx.year}",
        sources,
        "standing",
        frame,
    )
    regional = regional_standing(ds=ctx.ds, filters=ctx.filters, year=ctx.year)
    return Slide(
        title=m.title,
        subtitle=ctx.subtitle,
        chart=chart(m, standing_bars(standing=frame, meta=m), data=frame),
        notes=(
            "Regional recommendations (acts of the ARF as a whole):\n"
            + "\n".join(f"- {line}" for line in regional)
            + "\n"
            if regional
            else ""
        )
        + m.source_line(limit=50),
        source=source_line(sources),
    )


def status_map(ctx: Context) -> list[Slide]:
    """The map, with Southeast Asia enlarged in its inset (about ten participants sit within
    60 px of each other on the whole map), every participant named."""
    values = views.overview_map(ds=ctx.ds, filters=ctx.filters, year=ctx.year)
    srcs = split_sources(values["source"])
    title = f"Average status of the national recommendations, {ctx.year}"
    m = ctx.meta(title, srcs, "map", values)

    def build(width: int, height: int) -> go.Figure:
        return maps.static_map(values=values, meta=m, plot=(width, height))

    alt = map_summary(values=values, title=title)
    if m.synthetic:
        alt += f" {SAMPLE_TEXT}: includes synthetic values, not real assessments."
    return [
        Slide(
            title=m.title,
            subtitle=ctx.subtitle,
            chart=replace(
                chart(m, maps.static_map(values=values, meta=m), data=values, build=build),
                alt=alt,
            ),
            notes=m.source_line(limit=50),
            source=source_line(srcs),
        )
    ]


def tracker(ctx: Context, *, matrix: pd.DataFrame, sources: list[str]) -> Slide:
    m = ctx.meta(
        f"Status by participant and recommendation, {ctx.year}", sources, "tracker", matrix
    )
    return Slide(
        title=m.title,
        subtitle=ctx.subtitle,
        chart=chart(m, charts.status_heatmap(matrix=matrix, meta=m), data=matrix),
        notes=m.source_line(limit=50),
        source=source_line(sources),
    )


def pillar_chart(ctx: Context, *, matrix: pd.DataFrame) -> Slide:
    coverage = views.pillar_coverage(ds=ctx.ds, filters=ctx.filters, year=ctx.year)
    counts = pillar_counts(ctx, matrix=matrix)
    m = ctx.meta(
        f"Share of pillar-linked national recommendations at or above Initiated, {ctx.year}",
        [],
        "pillars",
        coverage,
    )
    if counts["Current status"].sum() == 0:  # nothing to draw: say why instead of a blank
        return pillar_table(ctx, matrix=matrix)
    return Slide(
        title="Pillar coverage",
        subtitle=ctx.subtitle,
        chart=chart(
            m,
            charts.pillar_bars(coverage=coverage, measure="recommendations", meta=m),
            data=coverage,
        ),
        notes="Cells behind each pillar:\n"
        + "\n".join(
            f"- {r['Pillar']}: {r['Current status']} current, {r['Stale evidence']} stale, "
            f"{r['Insufficient data']} insufficient, {r['No data']} no data"
            for r in counts.to_dict("records")
        ),
        source="Computed from the recommendation tracker's cells (sources as listed there)",
    )


def collection_round(ctx: Context) -> Slide | None:
    """The open (or latest) collection round: how many participants sent nothing, submitted,
    are in review or published, and who (no contacts: a pack travels)."""
    from dashboard.views.gaps import collection_round as round_view  # noqa: PLC0415

    found = round_view(ds=ctx.ds)
    if found.round is None:
        return None
    r = found.round
    status = found.status
    order = ["published", "in review", "submitted", "nothing received"]
    frame = pd.DataFrame(
        {
            "State": order,
            "Participants": [int((status["state"] == s).sum()) for s in order],
            "Who": [", ".join(status.loc[status["state"] == s, "name"]) for s in order],
        }
    )
    state = "open" if r.open else f"closed {r.closed_at:%d %b %Y}"
    return Slide(
        title=f"Collection round: {r.name}",
        subtitle=f"Due {r.due:%d %b %Y} · {state} · evidence asked of every participant",
        table=Table(frame, weights=(1.6, 1.2, 7.0)),
        notes="From the load runs since the round opened (RtoP Monitor, Gaps and collection).",
    )
