"""What changed since a date or a recorded meeting: status changes, new evidence, new events.

Built on the change history (dashboard/core/history.py): the evidence as it stood at the start
of the chosen day is the current evidence with every later published change taken back, so a
status "then" is what the rule gave on the evidence of that moment, evaluated for the same year
as "now" — the difference is what the new evidence moved. Only the participants and
recommendations a change touched are recomputed. Documented data only, unless the sample is
included (a sample change is then evidence like any other, and marked).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.core import readmodel
from dashboard.core.history import describe_change, loads
from dashboard.core.models import FIRST_YEAR, RECOMMENDATIONS
from dashboard.core.scoring import REGION
from dashboard.filters import Filters
from dashboard.views.common import cell_texts, selected_participants, selected_recommendations
from dashboard.views.dataset import Dataset
from dashboard.views.words import by_text, counted, day_text, indicator_names, kind_name, names_of

SAMPLE_RUNS = ("sample", "sample-remove")


@dataclass(frozen=True)
class WhatChanged:
    """The answer to "what changed since …": tables ready to show and download."""

    since: dt.date
    year: int
    statuses: pd.DataFrame  # participant, recommendation, before → after, direction, why
    evidence: pd.DataFrame  # each observation or assessment added, changed or removed
    events: pd.DataFrame  # events recorded or dated since
    summary: dict[str, int]
    synthetic: bool


def meetings(*, ds: Dataset) -> pd.DataFrame:
    """Recorded meetings (events whose kind is a meeting), newest first: date and title."""
    ev = ds.events
    found = ev[ev["kind"].astype(str).str.contains("meeting", case=False)]
    return found.sort_values("date", ascending=False)[["date", "title", "kind"]]


def _key(participant: object, code: object, date: object, source_id: object) -> str:
    who = "" if participant in (None, REGION) or pd.isna(participant) else str(participant)  # type: ignore[arg-type, call-overload]
    return f"{who}|{code}|{pd.Timestamp(date).date().isoformat()}|{int(source_id)}"  # type: ignore[arg-type, call-overload]


def _later_changes(*, ds: Dataset, recorded: pd.DataFrame) -> pd.DataFrame:
    """The changes to observations and assessments among ``recorded`` (the history since the
    chosen day), their owner in ``participant_code`` (REGION for the region's rows: the history
    has no participant there, which pandas reads as NaN among the codes)."""
    if recorded.empty:
        return recorded
    found = recorded[recorded["entity"].isin(("observation", "assessment"))]
    found = found.assign(participant_code=found["participant_code"].fillna(REGION))
    parsed = found.assign(before_d=found["before"].map(loads), after_d=found["after"].map(loads))
    synthetic = parsed.apply(
        lambda r: bool((r["after_d"] or r["before_d"] or {}).get("synthetic")), axis=1
    )
    if not ds.include_sample:
        parsed = parsed[~synthetic.astype(bool)]
    return parsed.assign(synthetic=synthetic)


def _revert(frame: pd.DataFrame, *, later: pd.DataFrame, entity: str, code: str) -> pd.DataFrame:
    """The rows as they stood before the later changes: take each back, newest first."""
    value = "value"
    field = "status" if entity == "assessment" else "value"
    rows = frame.copy()
    rows["_key"] = [
        _key(p, c, d, s)
        for p, c, d, s in zip(
            rows["participant_code"], rows[code], rows["date"], rows["source_id"], strict=True
        )
    ]
    rows = rows.set_index("_key")
    sources = dict(zip(rows["source_id"], rows["source"], strict=False))
    for change in (
        later[later["entity"] == entity].sort_values("change_id", ascending=False).itertuples()
    ):
        key = str(change.row_key)
        if change.op == "insert":
            rows = rows.drop(index=key, errors="ignore")
            continue
        old: dict[str, Any] = change.before_d or {}
        restored = {
            "participant_code": change.participant_code,
            code: change.code,
            "date": pd.Timestamp(change.date),
            "precision": old.get("precision", "year"),
            value: float(old.get(field, float("nan"))),
            "note": old.get("note", ""),
            "synthetic": bool(old.get("synthetic")),
            "source_id": int(old.get("source_id", -1)),
            "source": sources.get(int(old.get("source_id", -1)), ""),
        }
        if entity == "assessment":
            restored |= {"assessor": old.get("assessor", ""), "rationale": old.get("rationale", "")}
        if key in rows.index:
            for column, v in restored.items():
                if column in rows.columns:
                    rows.at[key, column] = v
        else:
            rows.loc[key] = pd.Series(restored)
    return rows.reset_index(drop=True)


def _direction(before: object, after: object) -> str:
    """up, down, new status, status lost, or changed (e.g. to or from insufficient data)."""
    had = before is not None and not pd.isna(before)  # type: ignore[call-overload]
    has = after is not None and not pd.isna(after)  # type: ignore[call-overload]
    if had and has:
        b, a = float(before), float(after)  # type: ignore[arg-type]
        return "up" if a > b else "down" if a < b else "changed"
    if has:
        return "new status"
    if had:
        return "status lost"
    return "changed"


def what_changed(*, ds: Dataset, since: dt.date, year: int | None = None) -> WhatChanged:
    """Every status change per participant and recommendation since ``since`` (the evidence
    and load that moved it), the new evidence and events, and summary counts."""
    year = year or dt.date.today().year
    recorded = ds.recorded_changes(since=since)
    later = _later_changes(ds=ds, recorded=recorded)
    catalogue = ds.indicators
    indicators = indicator_names(ds)
    rec_of = dict(zip(catalogue["code"], catalogue["recommendation"], strict=True))
    rec_of |= dict(zip(ds.items["code"], ds.items["recommendation"], strict=False))
    empty_status = pd.DataFrame(
        columns=[
            "participant",
            "recommendation",
            "before",
            "after",
            "direction",
            "evidence",
            "loads",
        ]
    )
    statuses = empty_status
    if not later.empty:
        later = later.assign(
            owner=later["participant_code"],
            recommendation=later["code"]
            .map(rec_of)
            .where(later["code"].map(rec_of).isin(RECOMMENDATIONS)),
        )
        owners = sorted(set(later["owner"]))
        recs = sorted(set(later["recommendation"].dropna()))
        codes = sorted(catalogue.loc[catalogue["recommendation"].isin(recs), "code"])
        obs_now = ds.observations(owners=owners, indicators=codes)
        ass_now = ds.assessments(owners=owners)
        ass_now = ass_now[ass_now["recommendation"].isin(recs)]
        scoped = catalogue[catalogue["recommendation"].isin(recs)]
        obs_then = _revert(obs_now, later=later, entity="observation", code="indicator_code")
        ass_then = _revert(ass_now, later=later, entity="assessment", code="item_code")
        if not ass_then.empty:
            top = ds.items.set_index("code")["recommendation"]
            ass_then["recommendation"] = ass_then["item_code"].map(top)
        cells = {}
        for when, (obs, ass) in {"now": (obs_now, ass_now), "then": (obs_then, ass_then)}.items():
            panels = readmodel.compute(
                inputs={"observations": obs, "assessments": ass, "indicators": scoped},
                sample=ds.include_sample,
                first_year=FIRST_YEAR,
                last_year=max(year, FIRST_YEAR),
            )
            c = panels.cells
            c = c[
                (c["year"] == year)
                & c["participant_code"].isin(owners)
                & c["recommendation"].isin(recs)
            ]
            cells[when] = c.set_index(["participant_code", "recommendation"])
        known = later.dropna(subset=["recommendation"])
        pairs = sorted(set(zip(known["owner"], known["recommendation"], strict=True)))
        rows = []
        for owner, rec in pairs:
            then = cells["then"]
            now = cells["now"]
            before = then.loc[(owner, rec)] if (owner, rec) in then.index else None
            after = now.loc[(owner, rec)] if (owner, rec) in now.index else None
            b = cell_texts(before)["status_label"]
            a = cell_texts(after)["status_label"]
            if a == b:
                continue
            direction = _direction(
                None if before is None else before["status"],
                None if after is None else after["status"],
            )
            moved = later[(later["owner"] == owner) & (later["recommendation"] == rec)]
            rows.append(
                {
                    "participant": owner,
                    "recommendation": rec,
                    "before": b,
                    "after": a,
                    "direction": direction,
                    "evidence": "; ".join(
                        f"{indicators.get(r.code, r.code)} {r.date} ({OPS.get(r.op, r.op)})"
                        for r in moved.itertuples()
                    )[:500],
                    "loads": "; ".join(
                        f"run {int(r)}: {f} (by {by_text(u, file_name=f)})"
                        for r, f, u in moved[["load_run_id", "file_name", "user"]]
                        .drop_duplicates()
                        .itertuples(index=False)
                    ),
                }
            )
        statuses = pd.DataFrame(rows, columns=empty_status.columns)
    evidence = _evidence_rows(later)
    events = _events_since(ds=ds, since=since, recorded=recorded)
    summary = {
        "statuses changed": len(statuses),
        "up": int((statuses["direction"].isin(["up", "new status"])).sum()),
        "down": int((statuses["direction"].isin(["down", "status lost"])).sum()),
        "participants affected": statuses["participant"].nunique(),
        "evidence added": int((evidence["change"] == "added").sum()) if len(evidence) else 0,
        "evidence changed": int((evidence["change"] == "changed").sum()) if len(evidence) else 0,
        "evidence removed": int((evidence["change"] == "removed").sum()) if len(evidence) else 0,
        "events": len(events),
    }
    synthetic = bool(len(later) and later["synthetic"].astype(bool).any()) or bool(
        len(events) and events["synthetic"].astype(bool).any()
    )
    return WhatChanged(
        since=since,
        year=year,
        statuses=statuses,
        evidence=evidence,
        events=events,
        summary=summary,
        synthetic=synthetic,
    )


OPS = {"insert": "added", "update": "changed", "delete": "removed"}


def _evidence_rows(later: pd.DataFrame) -> pd.DataFrame:
    columns = [
        "when",
        "change",
        "participant",
        "code",
        "date",
        "before",
        "after",
        "load",
        "by",
        "synthetic",
    ]
    if later.empty:
        return pd.DataFrame(columns=columns)
    out = []
    for r in later.itertuples():
        _, before, after = describe_change(r)
        out.append(
            {
                "when": pd.Timestamp(r.started_at).strftime("%Y-%m-%d"),
                "change": OPS.get(str(r.op), str(r.op)),
                "participant": r.participant_code,
                "code": r.code,
                "date": str(r.date),
                "before": before,
                "after": after,
                "load": f"run {int(r.load_run_id)}: {r.file_name}",
                "by": by_text(r.user, file_name=r.file_name),
                "synthetic": bool(r.synthetic),
            }
        )
    return pd.DataFrame(out, columns=columns)


def _events_since(*, ds: Dataset, since: dt.date, recorded: pd.DataFrame) -> pd.DataFrame:
    """Events dated on or after ``since``, and events ``recorded`` since (newest first)."""
    ev = ds.events
    added = recorded[(recorded["entity"] == "event") & (recorded["op"] == "insert")]
    ids = set(added["row_id"].astype(int))
    found = ev[(pd.to_datetime(ev["date"]) >= pd.Timestamp(since)) | ev["id"].isin(ids)]
    return found.sort_values("date", ascending=False)[
        ["date", "title", "kind", "participants", "source", "synthetic"]
    ].reset_index(drop=True)


def changes_for(*, ds: Dataset, filters: Filters, since: dt.date) -> WhatChanged:
    """``what_changed`` for the sidebar's selection, evaluated at the period's last year, with
    participants' names; the summary counts what the selection shows."""
    full = what_changed(ds=ds, since=since, year=filters.to_year)
    people = set(selected_participants(ds=ds, filters=filters)) | {REGION}
    if filters.participants:
        people = set(filters.participants)
    recs = set(selected_recommendations(ds=ds, filters=filters))
    names = ds.names
    statuses = full.statuses[
        full.statuses["participant"].isin(people) & full.statuses["recommendation"].isin(recs)
    ]
    statuses = statuses.assign(
        name=statuses["participant"].map(names).fillna(statuses["participant"])
    )
    evidence = full.evidence[full.evidence["participant"].isin(people)]
    indicators = indicator_names(ds)
    evidence = evidence.assign(
        participant_name=evidence["participant"].map(names).fillna(evidence["participant"]),
        indicator_name=evidence["code"].map(indicators).fillna(evidence["code"]),
    )
    events = full.events.assign(
        kind_name=full.events["kind"].map(kind_name),
        participant_names=full.events["participants"].map(lambda p: names_of(p, names)),
    )
    if filters.participants:
        wanted = set(filters.participants)
        events = events[
            events["participants"].astype(str).map(lambda s: bool(wanted & set(s.split(";"))))
        ]
    summary = {
        "statuses changed": len(statuses),
        "up": int(statuses["direction"].isin(["up", "new status"]).sum()),
        "down": int(statuses["direction"].isin(["down", "status lost"]).sum()),
        "participants affected": int(statuses["participant"].nunique()),
        "evidence added": int((evidence["change"] == "added").sum()),
        "evidence changed": int((evidence["change"] == "changed").sum()),
        "evidence removed": int((evidence["change"] == "removed").sum()),
        "events": len(events),
    }
    synthetic = bool(evidence["synthetic"].astype(bool).any()) or bool(
        len(events) and events["synthetic"].astype(bool).any()
    )
    return WhatChanged(
        since=since,
        year=full.year,
        statuses=statuses.reset_index(drop=True),
        evidence=evidence.reset_index(drop=True),
        events=events.reset_index(drop=True),
        summary=summary,
        synthetic=synthetic,
    )


def summary_sentence(w: WhatChanged) -> str:
    """One sentence for a slide, a caption and a screen reader."""
    s = w.summary
    return (
        f"Since {day_text(w.since)}: {counted(s['statuses changed'], 'status change')} in "
        f"{w.year} ({s['up']} up, {s['down']} down) across "
        f"{counted(s['participants affected'], 'participant')}; "
        f"{counted(s['evidence added'], 'observation')} added, {s['evidence changed']} changed, "
        f"{s['evidence removed']} removed; {counted(s['events'], 'event')}."
    )
