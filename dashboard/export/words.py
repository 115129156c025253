"""The words of a briefing pack: names instead of codes, treaty records, the method in prose."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.core.models import NO_DATA, STATUS_LABELS
from dashboard.core.scoring import MIN_COVERAGE, PARTIAL_CAP, RULE_VERSION
from dashboard.views.common import (
    INSUFFICIENT,
    INSUFFICIENT_SYMBOL,
    NO_DATA_SYMBOL,
    STALE,
    STALE_SYMBOL,
    SYMBOLS,
)
from dashboard.views.profile import when_text as profile_when

# Abbreviations a diplomat reads as such; every other word of an event kind is lower case.
ACRONYMS = {"un": "UN", "asean": "ASEAN", "arf": "ARF", "cscap": "CSCAP", "eu": "EU", "icc": "ICC"}
KIND_NAMES = {
    "asean_un": "ASEAN–UN cooperation",
    "un_statement": "UN statement",
    "un_dialogue": "UN dialogue",
    "un_decision": "UN decision",
    "un_report": "UN report",
    "arf_meeting": "ARF meeting",
    "arf_decision": "ARF decision",
    "asean_meeting": "ASEAN meeting",
    "asean_decision": "ASEAN decision",
    "cscap": "CSCAP",
    "training": "Training or exercise",
    "dialogue": "Dialogue",
    "regional_initiative": "Regional initiative",
    "national_commitment": "National commitment",
}


def kind_name(kind: object) -> str:
    """'UN dialogue' for 'un_dialogue' (or 'un dialogue'); 'Other' for none."""
    text = str(kind or "").strip().replace(" ", "_").lower()
    if not text or text == "nan":
        return "Other"
    if text in KIND_NAMES:
        return KIND_NAMES[text]
    words = [ACRONYMS.get(w, w) for w in text.split("_") if w]
    first = words[0] if words[0] in ACRONYMS.values() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def day_text(value: object) -> str:
    """'7 Dec 2026' for a date (or its ISO text); '' for none."""
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    return profile_when(value, "day")


def when_text(value: object, precision: object = "day") -> str:
    """A date as precise as it was recorded: '2015', 'Mar 2015' or '7 Mar 2015'."""
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    return profile_when(value, str(precision))


def status_scale() -> list[str]:
    """Every result a cell can have, with its symbol, as one line each."""
    return [
        " · ".join(f"{SYMBOLS[s]} {STATUS_LABELS[s]}" for s in range(5)),
        f"{STALE_SYMBOL} {STALE}: every record behind the cell is past its age limit, so "
        "there is no current status; the status that evidence gave is shown as the last "
        "known one, with its year",
        f"{INSUFFICIENT_SYMBOL} {INSUFFICIENT}: some current evidence, but fewer than "
        f"{MIN_COVERAGE:.0%} of the indicators · {NO_DATA_SYMBOL} {NO_DATA}: no current evidence",
    ]


def method_bullets() -> list[str]:
    """The status rule (method version RULE_VERSION) in a few sentences a meeting can read."""
    capped = STATUS_LABELS[PARTIAL_CAP]
    return [
        f"Status rule, method version {RULE_VERSION}: each indicator value reaches the highest "
        "status whose threshold it meets; a recommendation's status is the mean of its current "
        "indicators' statuses (each scaled to the recommendation's highest level), rounded "
        "down and never above the best single indicator.",
        f"Coverage: the share of a recommendation's indicators with current evidence. Below "
        f"{MIN_COVERAGE:.0%} the result is '{INSUFFICIENT.lower()}'; with some indicators "
        f"missing a status is at most '{capped}'.",
        "Current evidence: an event (a dialogue, a statement) counts for its year and the next; "
        "a lasting state (a focal point, a stage reached) counts until its indicator's age "
        f"limit. Since method {RULE_VERSION}, older evidence no longer counts: a cell resting "
        "only on it reads 'stale evidence, last known …' and is counted apart from statuses.",
        "Treaty commitments are legal records, shown as they stand (party since, signed, not "
        "a party); they never go stale.",
        "Expert assessments override the computed status only when at least as recent as the "
        "evidence, and name their assessor, rationale and source; the computed status is kept "
        "beside them.",
        "Averages are given only when at least half of what they average has a status; "
        "otherwise the figure reads 'not enough data'.",
    ]


def version_text(*, data_version: str) -> str:
    """'method 2.1 · data release 4 of 7 Dec 2026 #a9d6baaf'."""
    data = f" · data {data_version}" if data_version else ""
    return f"method {RULE_VERSION}{data}"


def today() -> dt.date:
    """The pack's date (one place, so a pack built across midnight says one date)."""
    return dt.date.today()
