"""What each page shows, as DataFrames computed from one Dataset (plain Python, no Streamlit).

One module per page: overview, map, profile (a participant's page), tracker (the
recommendations page), timeline, pillars, methodology; dataset (what is read) and common (labels
and selections every page uses). Pages import the module they show; this package re-exports
everything for library callers (exports, explain, tests).
"""

from __future__ import annotations

from dashboard.views.common import (
    FOCAL_POINT_APPOINTED,
    FOCAL_POINT_INDICATOR,
    INSUFFICIENT,
    INSUFFICIENT_SYMBOL,
    NO_DATA_SYMBOL,
    STALE,
    STALE_SYMBOL,
    SYMBOLS,
    cell_label,
    cell_labels,
    cell_texts,
    cells_at,
    includes_synthetic,
    level_words,
    members_at,
    memberships_of,
    rec_levels,
    rec_names,
    rec_names_all,
    selected_observations,
    selected_participants,
    selected_recommendations,
    status_at,
    status_label,
)
from dashboard.views.dataset import REGION_NAME, Dataset, load_dataset
from dashboard.views.map import (
    is_regional_layer,
    map_layers,
    map_values,
    overview_map,
    regional_value,
)
from dashboard.views.methodology import methodology_tables
from dashboard.views.overview import (
    Headline,
    freshness,
    headlines,
    latest_events,
    pillar_summary,
    rec_region_status,
)
from dashboard.views.pillars import pillar_breakdown, pillar_coverage, sg_role_coverage
from dashboard.views.profile import (
    TREATY_PREFIX,
    commitments,
    evidence,
    participant_events,
    pillar_status_for,
    scorecard,
)
from dashboard.views.timeline import status_over_time, timeline_events
from dashboard.views.tracker import regional_track, tracker_matrix

__all__ = [
    "Dataset",
    "FOCAL_POINT_APPOINTED",
    "FOCAL_POINT_INDICATOR",
    "Headline",
    "INSUFFICIENT",
    "INSUFFICIENT_SYMBOL",
    "NO_DATA_SYMBOL",
    "STALE",
    "STALE_SYMBOL",
    "REGION_NAME",
    "SYMBOLS",
    "TREATY_PREFIX",
    "cell_label",
    "cell_labels",
    "cell_texts",
    "cells_at",
    "commitments",
    "evidence",
    "freshness",
    "headlines",
    "includes_synthetic",
    "is_regional_layer",
    "latest_events",
    "level_words",
    "load_dataset",
    "map_layers",
    "map_values",
    "members_at",
    "memberships_of",
    "methodology_tables",
    "overview_map",
    "participant_events",
    "pillar_summary",
    "pillar_breakdown",
    "pillar_coverage",
    "pillar_status_for",
    "rec_levels",
    "rec_names",
    "rec_names_all",
    "rec_region_status",
    "regional_track",
    "regional_value",
    "scorecard",
    "selected_observations",
    "selected_participants",
    "selected_recommendations",
    "sg_role_coverage",
    "status_at",
    "status_label",
    "status_over_time",
    "timeline_events",
    "tracker_matrix",
]
