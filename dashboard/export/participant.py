"""A participant's briefing pack: its pillars, national recommendations, treaties, evidence."""

from __future__ import annotations

import pandas as pd

from dashboard import views
from dashboard.core import scoring
from dashboard.export.context import (
    EVIDENCE_ROWS,
    STATE,
    Context,
    dates,
    rec_title,
    split_sources,
)
from dashboard.export.pack import Slide, Table, source_line
from dashboard.export.words import day_text, value_text
from dashboard.views.common import rec_names_all


def pillar_counts(ctx: Context, *, matrix: pd.DataFrame) -> pd.DataFrame:
    """Per pillar: the linked national recommendations and their cells by what is known."""
    links = ctx.ds.item_pillars
    names = dict(zip(ctx.ds.pillars["number"], ctx.ds.pillars["short_name"], strict=True))
    rows = []
    for pillar in ctx.filters.pillars or (1, 2, 3):
        linked = set(links[links["pillar"] == pillar]["item_code"])
        cells = matrix[matrix["recommendation"].isin(linked)]
        result = cells["result"]
        current = result.eq(scoring.RESULT_STATUS)
        up = current & cells["status"].ge(scoring.INITIATED)
        rows.append(
            {
                "Pillar": f"Pillar {pillar}: {names.get(int(pillar), '')}".rstrip(": "),
                "Recommendations": " · ".join(dict.fromkeys(cells["recommendation"])) or "none",
                "At or above Initiated": int(up.sum()),
                "Below Initiated": int((current & ~up).sum()),
                "Current status": int(current.sum()),
                "Stale evidence": int(result.eq(scoring.RESULT_STALE).sum()),
                "Insufficient data": int(result.eq(scoring.RESULT_INSUFFICIENT).sum()),
                "No data": int(result.isna().sum()),
            }
        )
    return pd.DataFrame(rows)


def pillar_table(ctx: Context, *, matrix: pd.DataFrame) -> Slide:
    counts = pillar_counts(ctx, matrix=matrix)
    known = int(counts["Current status"].sum())
    whose = f"{ctx.who}'s" if ctx.participant else "the selected participants'"
    if known == 0:
        explain = (
            f"None of {whose} pillar-linked national recommendations has a current status in "
            f"{ctx.year}, so no share at or above Initiated can be given: "
            f"{int(counts['Stale evidence'].sum())} cell(s) rest on stale evidence only, "
            f"{int(counts['Insufficient data'].sum())} have too few indicators observed, and "
            f"{int(counts['No data'].sum())} have no evidence."
        )
    else:
        explain = (
            f"Each pillar's national recommendations (a recommendation may serve two pillars), "
            f"counted by what is known of them in {ctx.year}; a share is only as good as the "
            "cells with a current status."
        )
    return Slide(
        title=f"{ctx.who}: pillars, {ctx.year}" if ctx.participant else "Pillar coverage",
        subtitle=ctx.subtitle,
        bullets=[explain],
        table=Table(
            counts.drop(columns=["Current status"]),
            weights=(3.4, 2.4, 1.4, 1.4, 1.4, 1.5, 1.1),
        ),
        notes=explain,
        source="Computed from the scorecard's cells (sources as listed there)",
    )


def scorecard(ctx: Context) -> Slide:
    assert ctx.participant is not None
    card = views.scorecard(ds=ctx.ds, participant=ctx.participant, year=ctx.year)
    if "level" in card:
        card = card[card["level"] != "regional"]
    srcs = ctx.cite(split_sources(card["source"]))
    frame = pd.DataFrame(
        {
            "Recommendation": [rec_title(ctx.ds, str(c)) for c in card["recommendation"]],
            "Status": card["status_label"],
            "Indicators current": card["coverage"] if "coverage" in card else "",
            "Trend": card["trend"],
            "Latest evidence": card["last_update"].map(day_text),
        }
    )  # fmt: skip
    return Slide(
        title=f"{ctx.who}: national recommendations, {ctx.year}",
        subtitle=ctx.subtitle,
        table=Table(frame, weights=(4.2, 4.4, 1.4, 1.3, 1.7)),
        notes="Sources:\n" + "\n".join(f"- {s}" for s in srcs),
        source=source_line(srcs),
    )


def treaties(ctx: Context) -> Slide:
    assert ctx.participant is not None
    rows = views.commitments(ds=ctx.ds, participant=ctx.participant, year=ctx.year)
    info = ctx.ds.participants.set_index("code")
    kind = str(info["kind"].get(ctx.participant, STATE)) if "kind" in info else STATE
    is_state = kind == STATE
    records = [str(r) for r in rows["record"]]  # 'party since 9 Jun 1981' (views.profile)
    srcs = ctx.cite(split_sources(rows["source"]))
    frame = pd.DataFrame({"Treaty": rows["name"], "Record": records, "Source": rows["source"]})
    return Slide(
        title=f"{ctx.who}: treaty commitments, {ctx.year}",
        subtitle="Legal records as they stand (treaty status never goes stale)"
        if is_state
        else f"{ctx.who} is a {kind.lower()}: these treaties are open to States only",
        table=Table(frame, weights=(3.0, 3.6, 5.0)),
        notes="Sources:\n" + "\n".join(f"- {s}" for s in srcs),
        source=source_line(srcs),
    )


def evidence(ctx: Context) -> Slide | None:
    assert ctx.participant is not None
    ev = views.evidence(
        ds=ctx.ds, participant=ctx.participant, from_year=ctx.filters.from_year, to_year=ctx.year
    )
    if not len(ev):
        return None
    shown = ev.head(EVIDENCE_ROWS)
    srcs = ctx.cite(split_sources(shown["source"]))
    values = [
        value_text(ctx.ds, code=str(code), value=value, unit=unit)
        for code, value, unit in zip(shown["indicator"], shown["value"], shown["unit"], strict=True)
    ]  # fmt: skip
    items = rec_names_all(ctx.ds)
    frame = pd.DataFrame(
        {
            "Date": dates(shown),
            "Indicator": shown["indicator_name"],
            "Serves": [items.get(str(r), str(r)) for r in shown["recommendation"]],
            "Value": values,
            "Source": shown["source"],
        }
    )
    return Slide(
        title=f"{ctx.who}: evidence",
        subtitle=f"The {len(shown)} most recent of {len(ev)} observations, "
        f"{ctx.filters.from_year}–{ctx.year}",
        table=Table(frame, weights=(1.3, 3.2, 2.2, 2.4, 5.0)),
        source=source_line(srcs),
        notes="Notes on the evidence:\n"
        + "\n".join(
            f"- {r.date} {r.indicator_name}: {r.note}" for r in shown.itertuples() if r.note
        ),
    )
