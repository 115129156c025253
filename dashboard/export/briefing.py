"""Briefing packs for a meeting (the region) or one participant, as PPTX (16:9) and PDF (A4).

``build_pack`` decides what the pack says (``slides`` computes each slide from the views the
pages use); ``powerpoint`` and ``pdf`` draw the same Pack, so both formats say the same thing.

The region's pack: key figures, where the region stands, the status map, the tracker, the
regional track, pillar coverage, recent events, how statuses are read, sources. A
participant's pack: key figures, its national recommendations, its treaty commitments, its
pillars, the ARF as a whole, its events and evidence, how statuses are read, sources (only the
sources of what it shows: no map or tracker of the other participants).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from dashboard import views
from dashboard.export import participant as participant_slides
from dashboard.export import region, slides
from dashboard.export.context import FRAMEWORK_SOURCE, Context, split_sources
from dashboard.export.pack import Pack, Slide, cell_text
from dashboard.export.pdf import to_pdf
from dashboard.export.powerpoint import to_pptx
from dashboard.filters import Filters

__all__ = ["Pack", "Slide", "build_briefing", "build_pack", "cell_text", "to_pdf", "to_pptx"]

Progress = Callable[[float, str], None]


def build_pack(
    *,
    ds: views.Dataset,
    filters: Filters,
    participant: str | None = None,
    progress: Progress | None = None,
    since: dt.date | None = None,
) -> Pack:
    """Every slide's content (charts as figures: each writer draws them for its page); with
    ``since``, a "What changed" slide follows the key figures."""
    step = progress or (lambda _f, _t: None)
    # What the pack says it holds is what the dataset holds (its words and SAMPLE DATA marks)
    filters = replace(filters, sample=ds.include_sample)
    ctx = Context(ds=ds, filters=filters, participant=participant, today=dt.date.today())
    framework = ds.sources[ds.sources["code"] == FRAMEWORK_SOURCE]["title"]
    ctx.cite(list(framework))  # the pack measures against CSCAP Memorandum No. 18
    step(0.05, "Key figures")
    out: list[Slide | None] = [slides.cover(ctx), slides.key_figures(ctx)]
    if since is not None:
        step(0.1, "What changed")
        out.append(slides.what_changed(ctx, since=since))
    matrix = views.tracker_matrix(ds=ds, filters=ctx.scoped, year=ctx.year, sort="grouping")
    matrix_sources = split_sources(matrix["sources"].dropna() if "sources" in matrix else [])
    if participant is None:
        step(0.15, "Where the region stands")
        out.append(region.standing(ctx, matrix=matrix, sources=matrix_sources))
        step(0.2, "Status map")
        out += region.status_map(ctx)
        step(0.25, "Recommendation tracker")
        out.append(region.tracker(ctx, matrix=matrix, sources=matrix_sources))
        out.append(slides.regional_track(ctx))
        step(0.3, "Pillar coverage")
        out.append(region.pillar_chart(ctx, matrix=matrix))
        out.append(slides.recent_events(ctx))
        out.append(region.collection_round(ctx))
    else:
        step(0.15, "National recommendations")
        out.append(participant_slides.scorecard(ctx))
        out.append(participant_slides.treaties(ctx))
        step(0.25, "Pillars")
        out.append(participant_slides.pillar_table(ctx, matrix=matrix))
        out.append(slides.regional_track(ctx))
        step(0.3, "Events and evidence")
        out.append(slides.recent_events(ctx))
        out.append(participant_slides.evidence(ctx))
    out.append(slides.methodology(ctx))
    sources_slide, used = slides.sources(ctx)
    out.append(sources_slide)
    return Pack(
        title=out[0].title if out[0] else "",
        filters_text=ctx.subtitle,
        slides=[s for s in out if s is not None],
        synthetic=ctx.synthetic,
        sources=used,
        data_version=ds.version,
        scope=ctx.who,
        created=ctx.today.isoformat(),
    )


def build_briefing(
    *,
    ds: views.Dataset,
    filters: Filters,
    participant: str | None,
    fmt: str,
    progress: Progress | None = None,
    since: dt.date | None = None,
) -> bytes:
    """The briefing pack as PPTX or PDF bytes (with a "What changed" slide when ``since``)."""
    if fmt not in ("pptx", "pdf"):
        raise ValueError(f"unsupported briefing format {fmt!r}: use pptx or pdf")
    step = progress or (lambda _f, _t: None)
    pack = build_pack(ds=ds, filters=filters, participant=participant, progress=step, since=since)

    def drawing(fraction: float, text: str) -> None:
        step(0.35 + 0.65 * fraction, text)

    payload = to_pptx(pack, progress=drawing) if fmt == "pptx" else to_pdf(pack, progress=drawing)
    step(1.0, "Done")
    return payload
