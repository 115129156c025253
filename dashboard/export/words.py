"""The words of a briefing pack: the readers' one vocabulary (dashboard/views/words.py: names
instead of codes, values and dates in words, the method in prose) and the pack's date."""

from __future__ import annotations

import datetime as dt

from dashboard.views.words import (
    ACRONYMS,
    KIND_NAMES,
    day_text,
    kind_name,
    method_bullets,
    status_scale,
    value_text,
    version_text,
    when_text,
)

__all__ = [
    "ACRONYMS",
    "KIND_NAMES",
    "day_text",
    "kind_name",
    "method_bullets",
    "status_scale",
    "today",
    "value_text",
    "version_text",
    "when_text",
]


def today() -> dt.date:
    """The pack's date (one place, so a pack built across midnight says one date)."""
    return dt.date.today()
