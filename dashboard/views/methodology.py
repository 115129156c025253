"""The Methodology page's tables: the catalogue, items, pillars and sources."""

from __future__ import annotations

import pandas as pd

from dashboard.core.models import STATUS_LABELS
from dashboard.filters import RECOMMENDATIONS
from dashboard.views.common import SYMBOLS, rec_names
from dashboard.views.dataset import Dataset


def methodology_tables(*, ds: Dataset) -> dict[str, pd.DataFrame]:
    """Status scale, indicator thresholds, pillar mapping and sources (methodology page)."""
    scale = pd.DataFrame(
        {
            "status": list(STATUS_LABELS),
            "symbol": [SYMBOLS[s] for s in STATUS_LABELS],
            "label": list(STATUS_LABELS.values()),
        }
    )
    thresholds = ds.indicators.assign(
        thresholds_text=ds.indicators["thresholds_list"].map(
            lambda t: " | ".join("—" if x == float("inf") else f"{x:g}" for x in t)
        )
    )[
        [
            "code",
            "recommendation",
            "name",
            "level",
            "value_type",
            "unit",
            "levels",
            "thresholds_text",
            "measure",
            "window_years",
            "stale_after_years",
        ]
    ]
    thresholds = thresholds.assign(
        window_years=thresholds["window_years"].map(lambda v: "" if pd.isna(v) else f"{v:g}"),
        stale_after_years=thresholds["stale_after_years"].map(
            lambda v: "never" if pd.isna(v) else f"{v:g}"
        ),
    )
    names = rec_names(ds)
    mapping = ds.item_pillars[ds.item_pillars["item_code"].isin(RECOMMENDATIONS)].copy()
    mapping["name"] = mapping["item_code"].map(names)
    mapping["order"] = mapping["item_code"].str[1:].astype(int)
    mapping = mapping.sort_values(["order", "role"], ascending=[True, True])[
        ["item_code", "name", "pillar", "role", "rationale"]
    ]
    sources = ds.sources[
        [
            "code",
            "title",
            "publisher",
            "date",
            "url",
            "accessed",
            "synthetic",
            "observations",
            "events",
        ]
    ]
    return {"scale": scale, "thresholds": thresholds, "mapping": mapping, "sources": sources}
