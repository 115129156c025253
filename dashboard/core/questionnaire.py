"""The questionnaire's shape, shared by the writer of templates (dashboard/export) and the
loader that reads them back (loaders/questionnaire.py): sheet and column names, the template
version, and how a level chosen from a dropdown reads as a value.

The eight columns to fill keep these names (other tools write them): indicator, new_value,
date, date_precision, source_title, source_url, excerpt, comment.
"""

from __future__ import annotations

import re

TEMPLATE_VERSION = "1"
SHEET = "questionnaire"  # the rows: one per indicator that applies to the participant
EVENTS_SHEET = "events"  # optional: dated events the respondent adds (same columns as a file)
META_SHEET = "_meta"  # hidden: participant, template version, data version, current values
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "_lists"  # hidden: each indicator's levels, for the dropdowns

FILL_COLUMNS = (
    "indicator",
    "new_value",
    "date",
    "date_precision",
    "source_title",
    "source_url",
    "excerpt",
    "comment",
)
READ_ONLY_COLUMNS = (
    "participant",
    "recommendation",
    "indicator_name",
    "definition",
    "levels_or_unit",
    "current_value",
    "current_date",
    "current_source",
)
# The sheet's column order: who and what first, the current record, then what to fill.
COLUMNS = (
    "participant",
    "recommendation",
    "indicator",
    "indicator_name",
    "definition",
    "levels_or_unit",
    "current_value",
    "current_date",
    "current_source",
    "new_value",
    "date",
    "date_precision",
    "source_title",
    "source_url",
    "excerpt",
    "comment",
)
PRECISIONS = ("day", "month", "year")
META_KEYS = ("participant", "template_version", "data_version", "made_at", "method")

_LEVEL = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:=|:|-|–)\s*\S")


def level_choice(value: int, word: str) -> str:
    """How a level appears in the dropdown: '3 = appointed'."""
    return f"{value} = {word}"


def level_value(text: str) -> str:
    """The value of a dropdown choice ('3 = appointed' -> '3'); any other text as it is."""
    found = _LEVEL.match(text)
    return found.group(1) if found else text.strip()


def is_questionnaire(columns: list[str]) -> bool:
    """True for a table with the questionnaire's own columns (new_value instead of value)."""
    have = {c.strip().lower() for c in columns}
    return {"indicator", "new_value"} <= have and "value" not in have
