"""Why a cell has its status: every input of the rule for one participant, recommendation, year.

Plain Python over a views.Dataset, used by `python -m loaders explain`, the "Why this status?"
panels and the exports. The dictionary's keys are stable (scripts read the JSON).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from dashboard.core import scoring
from dashboard.core.models import STATUS_LABELS
from dashboard.views import REGION_NAME, Dataset, level_words, rec_levels, rec_names
from dashboard.views.words import counted, value_text

SCHEMA_VERSION = 1


def _label(status: float | None) -> str | None:
    if status is None or pd.isna(status):
        return None
    return STATUS_LABELS[int(status)]


def _threshold_text(thresholds: list[float]) -> list[float | None]:
    return [None if not math.isfinite(t) else float(t) for t in thresholds[:4]]


def _value_text(ds: Dataset, code: str, value: float, unit: str) -> str:
    """'3 (appointed)' for a named level, else the value and its unit in words ('42.5 percent',
    '1 event per year')."""
    named = level_words(ds, code)(value)
    return named if named != f"{value:g}" else value_text(ds, code=code, value=value, unit=unit)


def _named(entries: list[dict[str, Any]]) -> str:
    """'Joint peace-operations training (2019-06-01)' for each indicator: names, not codes."""
    return ", ".join(f"{e['name']} ({e['date']})" for e in entries)


def owner_of(*, ds: Dataset, participant: str, recommendation: str) -> str:
    """Whose status a recommendation has: the region for an act of the region."""
    return scoring.REGION if rec_levels(ds).get(recommendation) == "region" else participant


def explain(
    *,
    ds: Dataset,
    participant: str,
    recommendation: str,
    year: int,
    method: str = scoring.RULE_VERSION,
) -> dict[str, Any]:
    """The status of ``recommendation`` for ``participant`` at ``year`` and everything behind it.

    For a recommendation that is an act of the region, the region's status is explained (the
    answer says so in ``owner``). ``method`` "2.0" gives the result under the earlier rule
    (stale evidence counted as current), from the same inputs; the stored cells are the
    current method's.
    """
    if method not in scoring.METHODS:
        raise ValueError(f"unknown method '{method}': use one of {', '.join(scoring.METHODS)}")
    current_method = method == scoring.RULE_VERSION
    owner = owner_of(ds=ds, participant=participant, recommendation=recommendation)
    level = "region" if owner == scoring.REGION else "participant"
    ind = scoring.catalogue_columns(ds.indicators)
    ind = ind[(ind["recommendation"] == recommendation)]
    ind = ind[ind["level"].eq("region") if level == "region" else ind["level"].ne("region")]
    cells = ds.cells
    cell = cells[
        (cells["participant_code"] == owner)
        & (cells["recommendation"] == recommendation)
        & (cells["year"] == year)
    ]
    row = cell.iloc[0] if len(cell) else None
    obs = ds.observations(
        owners={owner},
        indicators=set(ind["code"]),
    )
    obs = obs[obs["date"].dt.year <= year]
    panel = ds.indicators_at(year)
    current = panel[panel["participant_code"] == owner]
    current = current.set_index("indicator_code")
    urls = ds.sources.set_index("title")["url"].to_dict() if len(ds.sources) else {}
    indicators: list[dict[str, Any]] = []
    for spec in ind.itertuples():
        code = str(spec.code)
        mine = obs[obs["indicator_code"] == code].sort_values(["date", "synthetic"])
        entry: dict[str, Any] = {
            "code": code,
            "name": str(spec.name),
            "item": str(spec.item_code),
            "measure": str(spec.measure),
            "window_years": int(spec.window_years) if spec.measure == "flow" else None,
            "stale_after_years": None
            if pd.isna(spec.stale_after_years)
            else int(spec.stale_after_years),
            "unit": str(spec.unit),
            "thresholds": _threshold_text(list(spec.thresholds_list)),
            "ceiling": int(spec.ceiling),
        }
        if code in current.index:
            hit = current.loc[code]
            reached = int(hit["ind_status"])
            stale_here = bool(hit["stale"])
            counts = not stale_here or method == "2.0"
            same_day = mine[mine["date"] == hit["date"]]
            latest = (
                same_day.iloc[-1] if len(same_day) else pd.Series({"precision": "day", "note": ""})
            )
            entry |= {
                "counted": counts,
                "reason": "current"
                if not stale_here
                else (
                    "stale (counted under method 2.0)"
                    if counts
                    else f"stale: older than its age limit of {entry['stale_after_years']} "
                    "years, so not counted (method 2.1); its status is kept as the last known"
                ),
                "value": float(hit["value"]),
                "value_text": _value_text(ds, code, float(hit["value"]), str(spec.unit)),
                "date": as_precision(hit["date"], str(latest["precision"])),
                "precision": str(latest["precision"]),
                "age_years": int(hit["age"]),
                "stale": bool(hit["stale"]),
                "status": reached,
                "status_label": STATUS_LABELS[reached],
                "threshold_reached": None
                if reached == 0
                else _threshold_text(list(spec.thresholds_list))[reached - 1],
                "source": str(hit["source"]),
                "source_url": str(urls.get(hit["source"], "") or ""),
                "note": str(latest["note"]),
                "synthetic": bool(hit["synthetic"]),
            }
        elif len(mine):
            latest = mine.iloc[-1]
            age = year - int(latest["date"].year)
            entry |= {
                "counted": False,
                "reason": "outside its window: an event counts for "
                f"{counted(entry['window_years'], 'year')} from its date; this one is "
                f"{counted(age, 'year')} old",
                "value": float(latest["value"]),
                "value_text": _value_text(ds, code, float(latest["value"]), str(spec.unit)),
                "date": as_precision(latest["date"], str(latest["precision"])),
                "precision": str(latest["precision"]),
                "age_years": age,
                "stale": False,
                "status": None,
                "status_label": None,
                "threshold_reached": None,
                "source": str(latest["source"]),
                "source_url": str(urls.get(latest["source"], "") or ""),
                "note": str(latest["note"]),
                "synthetic": bool(latest["synthetic"]),
            }
        else:
            entry |= {
                "counted": False,
                "reason": "no observation",
                "value": None,
                "value_text": None,
                "date": None,
                "precision": None,
                "age_years": None,
                "stale": False,
                "status": None,
                "status_label": None,
                "threshold_reached": None,
                "source": None,
                "source_url": None,
                "note": None,
                "synthetic": False,
            }
        indicators.append(entry)
    observed = sum(1 for e in indicators if e["counted"])
    expected = len(indicators)
    share = observed / expected if expected else 0.0
    rec_ceiling = int(ind["ceiling"].max()) if len(ind) else 0
    status: int | None = None
    basis: str | None = None
    last_known: float | None = None
    computed: dict[str, Any]
    seen = [e for e in indicators if e["status"] is not None]
    rule_result, rule_status, rule_known = (
        scoring.cell_result(
            current=[(e["status"], e["ceiling"]) for e in seen if not e["stale"]],
            stale=[(e["status"], e["ceiling"]) for e in seen if e["stale"]],
            n_expected=expected,
            method=method,
        )
        if seen
        else ("no data", math.nan, math.nan)
    )
    if row is None and not seen:
        result = "no data"
        computed = {"result": "no data", "status": None, "label": None}
    elif not current_method or row is None:
        # another method's answer (or a cell the read model has not stored): the rule itself,
        # over the same inputs; an expert assessment still overrides as it would
        result = rule_result
        status = None if math.isnan(rule_status) else int(rule_status)
        basis = "computed"
        last_known = None if math.isnan(rule_known) else float(rule_known)
        computed = {"result": rule_result, "status": status, "label": _label(status)}
        if row is not None and str(row["basis"]) == "expert":
            result, basis = str(row["result"]), "expert"
            status = None if pd.isna(row["status"]) else int(row["status"])
    else:
        result = str(row["result"])
        status = None if pd.isna(row["status"]) else int(row["status"])
        basis = str(row["basis"])
        known = row.get("last_known")
        last_known = None if known is None or pd.isna(known) else float(known)
        cs = row["computed_status"]
        computed = {
            "result": str(row["computed_result"]),
            "status": None if pd.isna(cs) else int(cs),
            "label": _label(cs),
        }
    expert = None
    if basis == "expert" and row is not None:
        expert = {
            "status": status,
            "label": _label(status),
            "date": str(pd.Timestamp(row["last_date"]).date()),
            "assessor": str(row["assessor"]),
            "rationale": str(row["rationale"]),
            "source": str(row["sources"]),
        }
    limits: list[str] = []
    if observed and share < scoring.MIN_COVERAGE:
        limits.append(
            f"coverage {observed} of {expected} is below the minimum of "
            f"{scoring.MIN_COVERAGE:.0%}: insufficient data, no status"
        )
    elif observed and share < 1:
        limits.append(
            f"coverage {observed} of {expected} is incomplete: at most "
            f"{STATUS_LABELS[scoring.PARTIAL_CAP]} (Implemented needs every indicator)"
        )
    stale_ones = [e for e in indicators if e["stale"] and not e["counted"]]
    if stale_ones and result == scoring.RESULT_STALE:
        limits.append(
            "every observation is past its age limit: no current status; the last known one, "
            f"{_label(last_known) or 'none'}, rests on evidence of " + _named(stale_ones)
        )
    elif stale_ones:
        limits.append("not counted because stale (past the age limit): " + _named(stale_ones))
    lapsed = [
        e for e in indicators if not e["counted"] and e["value"] is not None and not e["stale"]
    ]
    if not observed and lapsed and expert is None:
        limits.append(
            f"none of its observations counts in {year}: "
            + _named(lapsed)
            + " "
            + ("is" if len(lapsed) == 1 else "are")
            + " too old to count (an event counts for its year and the next), so there is no "
            "current data"
        )
    if rec_ceiling and rec_ceiling < 4:
        limits.append(
            f"the indicators of this recommendation can show at most {STATUS_LABELS[rec_ceiling]}"
        )
    names = ds.names
    return {
        "schema": SCHEMA_VERSION,
        "rule_version": method,
        "participant": {"code": participant, "name": names.get(participant, participant)},
        "owner": {
            "code": owner,
            "name": REGION_NAME if owner == scoring.REGION else names.get(owner, owner),
            "level": level,
        },
        "recommendation": {
            "code": recommendation,
            "name": rec_names(ds).get(recommendation, ""),
        },
        "year": year,
        "result": result,
        "status": status,
        "status_label": _label(status),
        "last_known": None if last_known is None else int(last_known),
        "last_known_label": _label(last_known),
        "stale_label": _stale_label(result=result, last_known=last_known, indicators=indicators),
        "basis": basis,
        "computed": computed,
        "expert": expert,
        "coverage": {
            "observed": observed,
            "expected": expected,
            "share": round(share, 4),
            "minimum": scoring.MIN_COVERAGE,
        },
        "recommendation_ceiling": rec_ceiling,
        "limits": limits,
        "stale": any(e["stale"] for e in indicators),
        "synthetic": any(e["synthetic"] for e in indicators if e["counted"])
        or bool(row is not None and row["synthetic"]),
        "indicators": indicators,
    }


def _stale_label(
    *, result: str, last_known: float | None, indicators: list[dict[str, Any]]
) -> str | None:
    """'Stale evidence: last known Substantial progress (2015)' for a stale-evidence result."""
    if result != scoring.RESULT_STALE:
        return None
    years = [str(e["date"])[:4] for e in indicators if e["stale"] and e["date"]]
    when = f" ({max(years)})" if years else ""
    known = f": last known {_label(last_known)}" if _label(last_known) else ""
    return f"Stale evidence{known}{when}"


def as_precision(date: object, precision: str) -> str:
    """A date written to its precision: 2019 for a year, 2015-11 for a month."""
    text = str(pd.Timestamp(date).date())
    return {"year": text[:4], "month": text[:7]}.get(precision, text)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def as_text(explanation: dict[str, Any]) -> str:
    """The explanation as plain text lines, for the terminal."""
    e = explanation
    who = e["participant"]["name"]
    rec = e["recommendation"]
    lines = [
        f"{who} ({e['participant']['code']}), {rec['code']} {rec['name']}, {e['year']}",
        f"Status: {e['status_label'] or e.get('stale_label') or e['result']}"
        + (f" (basis: {e['basis']})" if e["basis"] else ""),
    ]
    if e["owner"]["level"] == "region":
        lines.append(f"  {rec['code']} is an act of the region: this is the region's status.")
    c = e["computed"]
    lines.append(f"Computed by the rule: {c['label'] or c['result']}")
    if e["expert"]:
        x = e["expert"]
        lines.append(
            f"Expert assessment: {x['label']} on {x['date']} by {x['assessor']}; "
            f"rationale: {x['rationale']}; source: {x['source']}"
        )
    cov = e["coverage"]
    lines.append(
        f"Coverage: {cov['observed']} of {cov['expected']} indicators with current data "
        f"(minimum {cov['minimum']:.0%})"
    )
    for limit in e["limits"]:
        lines.append(f"Limit: {limit}")
    lines.append("Indicators:")
    for i in e["indicators"]:
        head = f"  {i['code']} {i['name']} [{i['measure']}]"
        if i["value"] is None:
            lines.append(f"{head}: no observation")
            continue
        reached = (
            f"reaches {i['status_label']} (threshold {_fmt(i['threshold_reached'])})"
            if i["counted"]
            else i["reason"]
        )
        stale = " STALE" if i["stale"] else ""
        sample = " SAMPLE DATA" if i["synthetic"] else ""
        lines.append(
            f"{head}: {i['value_text']} on {i['date']} ({i['precision']}){stale}"
            f"{sample}; {reached}; source: {i['source']}"
            + (f" <{i['source_url']}>" if i["source_url"] else "")
        )
    lines.append(f"Rule version {e['rule_version']} (docs/methodology.md)")
    return "\n".join(lines)
