"""The slides every briefing pack has: cover, key figures, what changed, the regional track,
recent events, how statuses are read, and the sources."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import views
from dashboard.charts import SAMPLE_TEXT
from dashboard.core import scoring
from dashboard.export.context import (
    MANY_PARTICIPANTS,
    RECENT_EVENTS,
    Context,
    dates,
    split_sources,
)
from dashboard.export.pack import Slide, Table, source_line
from dashboard.export.words import day_text, kind_name, method_bullets, status_scale
from dashboard.views import changes


def cover(ctx: Context) -> Slide:
    title = f"Implementing the Responsibility to Protect: {ctx.who}"
    return Slide(
        title=title,
        subtitle=f"Briefing pack · {day_text(ctx.today)}",
        bullets=[
            f"Covers {ctx.subtitle}",
            "Measured against CSCAP Memorandum No. 18 (2011): twelve recommendations to "
            "governments, the ARF and the region",
            f"Status rule, method version {scoring.RULE_VERSION} · data {ctx.ds.version}",
            "Prepared with RtoP Monitor",
        ]
        + ([f"Online, with these filters: {ctx.online}"] if ctx.online else [])
        + (
            [f"{SAMPLE_TEXT}: includes synthetic sample data, not real assessments"]
            if ctx.synthetic
            else []
        ),
        notes="Title slide.",
        cover=True,
    )


def key_figures(ctx: Context) -> Slide:
    heads = views.headlines(ds=ctx.ds, filters=ctx.scoped, since=ctx.filters.from_year)
    frame = pd.DataFrame(
        {
            "Figure": [h.label for h in heads],
            "Now": [h.value for h in heads],
            f"Change since {ctx.filters.from_year}": [h.delta or "–" for h in heads],
            "How much is known": [h.detail for h in heads],
        }
    )
    return Slide(
        title=f"Key figures, {ctx.year}",
        subtitle=ctx.subtitle,
        table=Table(frame, weights=(4.2, 1.6, 1.7, 3.6)),
        notes="How each figure is computed:\n" + "\n".join(f"- {h.label}: {h.help}" for h in heads),
    )


def what_changed(ctx: Context, *, since: dt.date) -> Slide:
    """What happened since a date by the evidence's own dates (as the page leads with), and
    in one line what was newly recorded since (the load history)."""
    from dashboard.views.happened import happened_since  # noqa: PLC0415

    happened = happened_since(ds=ctx.ds, filters=ctx.scoped, since=since)
    recorded = changes.changes_for(ds=ctx.ds, filters=ctx.scoped, since=since)
    top = happened.statuses.head(12)
    ctx.cite(split_sources(happened.evidence["source"]) if len(happened.evidence) else [])
    moved = len(happened.statuses)
    sentence = (
        f"By the evidence's own dates: {moved} status change(s) since {day_text(since)} "
        f"({len(happened.evidence)} record(s) dated since); statuses then on the evidence "
        f"dated up to {day_text(since)}, now in {happened.year}."
    )
    table = None
    if not top.empty:
        table = Table(
            pd.DataFrame(
                {
                    "Participant": top["name"],
                    "Recommendation": top["recommendation"],
                    "Then": top["then"],
                    "Now": top["now"],
                    "Change": top["direction"],
                }
            ),
            weights=(2.2, 3.4, 2.4, 2.4, 1.6),
        )
    shown = f" The {len(top)} first of {moved} are shown." if moved > len(top) else ""
    return Slide(
        title=f"What happened since {day_text(since)}",
        subtitle=ctx.subtitle,
        bullets=[sentence, f"New in our records since then: {changes.summary_sentence(recorded)}"],
        table=table,
        notes=sentence
        + shown
        + "\nEvidence dated since, behind each change:\n"
        + "\n".join(f"- {r.name}, {r.recommendation}: {r.evidence}" for r in top.itertuples()),
        source=f"Source: RtoP Monitor evidence dated since {day_text(since)}",
    )


def regional_track(ctx: Context) -> Slide:
    track = views.regional_track(ds=ctx.ds, filters=ctx.filters, year=ctx.year)
    srcs = ctx.cite(split_sources(track["source"]))
    frame = pd.DataFrame(
        {
            "Recommendation or next step": [
                f"{c} {n}".strip() for c, n in zip(track["code"], track["name"], strict=True)
            ],
            "Status": track["status_label"],
            "Latest evidence": track["last_update"].map(day_text),
            "Related events": track["events"].astype(int),
        }
    )
    title = f"Regional track, {ctx.year}"
    subtitle = "Acts of the ARF as a whole: the same whichever participants are selected"
    if ctx.participant:
        title = f"The ARF as a whole: regional recommendations and next steps, {ctx.year}"
        subtitle = f"Not {ctx.who}'s own: the region's status, shown for context"
    return Slide(
        title=title,
        subtitle=subtitle,
        table=Table(frame, weights=(4.0, 4.0, 1.8, 1.4)),
        notes="Sources:\n" + "\n".join(f"- {s}" for s in srcs),
        source=source_line(srcs),
    )


def recent_events(ctx: Context) -> Slide | None:
    if ctx.participant:
        events = views.participant_events(
            ds=ctx.ds, filters=ctx.filters, participant=ctx.participant
        )
    else:
        events = views.timeline_events(ds=ctx.ds, filters=ctx.filters)
    if not len(events):
        return None  # no slide of nothing
    events = events[events["date"].dt.year >= ctx.filters.from_year]
    total = len(events)
    shown = events.sort_values("date", ascending=False).head(RECENT_EVENTS)
    srcs = ctx.cite(split_sources(shown["source"]))
    names = ctx.ds.names

    def who(codes: object) -> str:
        parts = [c for c in str(codes or "").split(";") if c]
        if not parts:
            return "regional or global"
        if len(parts) > MANY_PARTICIPANTS:
            return f"{len(parts)} participants"
        return ", ".join(names.get(c, c) for c in parts)

    scope = shown["scope"] if "scope" in shown else pd.Series("", index=shown.index)
    frame = pd.DataFrame(
        {
            "Date": dates(shown),
            "Event": shown["title"],
            "Kind": shown["kind"].map(kind_name),
            "Participants": [
                s if s in ("ARF-wide", "ASEAN-wide") else who(p)
                for s, p in zip(scope, shown["participants"], strict=True)
            ],
        }
    )
    title = f"{ctx.who}: recent events" if ctx.participant else "Recent events"
    return Slide(
        title=title,
        subtitle=f"The {len(shown)} most recent of {total} events, {ctx.filters.from_year}–"
        f"{ctx.year}",
        table=Table(frame, weights=(1.3, 6.0, 1.9, 2.4)),
        notes="Sources:\n" + "\n".join(f"- {s}" for s in srcs),
        source=source_line(srcs),
    )


def methodology(ctx: Context) -> Slide:
    return Slide(
        title="How statuses are read",
        subtitle=f"Method version {scoring.RULE_VERSION} (docs/methodology.md)",
        bullets=[*status_scale(), *method_bullets()]
        + (
            [f"{SAMPLE_TEXT}: this pack includes the synthetic sample; it is not evidence."]
            if ctx.synthetic
            else []
        ),
        notes=f"Method version {scoring.RULE_VERSION}; data {ctx.ds.version}.",
    )


def sources(ctx: Context) -> tuple[Slide, list[str]]:
    """Every source the pack's slides show, framework first: a table that continues on as
    many pages as it needs."""
    order = {title: i for i, title in enumerate(ctx.cited)}
    used = ctx.ds.sources[ctx.ds.sources["title"].isin(order)]
    used = used.assign(_o=used["title"].map(order)).sort_values("_o").drop(columns="_o")
    frame = pd.DataFrame(
        {
            "Source": used["title"],
            "Publisher": used["publisher"].fillna("") if "publisher" in used else "",
            "Date": used["date"].map(lambda d: str(d or "")[:10]) if "date" in used else "",
            "Link": used["url"].fillna("") if "url" in used else "",
        }
    )
    slide = Slide(
        title=f"Sources ({len(used)})",
        subtitle=f"Every source behind what this pack shows (the database holds "
        f"{len(ctx.ds.sources)})",
        table=Table(frame, weights=(5.5, 2.2, 1.2, 4.0)),
        notes="All sources:\n"
        + "\n".join(f"- {r.title} ({r.date}) {r.url}".rstrip() for r in used.itertuples()),
    )
    return slide, list(used["title"])
