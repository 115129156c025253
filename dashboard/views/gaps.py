"""The work list (/gaps, `rtop gaps`): for every cell, its status and the evidence that would
change it, ranked so the evidence that would move most cells comes first.

A cell is a participant × national recommendation, or the region × a regional recommendation
or next step. For each indicator of the cell the list says what is missing: no evidence at all,
a stock gone stale (and since when), a flow that lapses at the end of the year, a flow that has
already lapsed, or a cell resting on a single source. Counts agree with the tracker's
(views.overview.cell_counts counts the same cells).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import queries
from dashboard.core import scoring
from dashboard.core.collection import Round, current_round, reminder, round_status
from dashboard.filters import Filters
from dashboard.views.common import (
    cell_label,
    rec_levels,
    rec_names,
    selected_participants,
    selected_recommendations,
)
from dashboard.views.dataset import REGION_NAME, Dataset

# What a gap is, most urgent first (the rank's first key).
GAP_KINDS = {
    "missing": "no evidence",
    "stale": "stale",
    "lapsed": "lapsed",
    "lapses": "lapses at the end of the year",
    "single": "rests on one source",
}
COLUMNS = [
    "priority",
    "owner",
    "owner_name",
    "recommendation",
    "recommendation_name",
    "status",
    "indicator",
    "indicator_name",
    "gap",
    "detail",
    "moves_cell",  # new evidence here gives the cell a status, or keeps the one it has
    "cells_moved_by_indicator",
    "last_value",
    "last_date",
    "source",
]


@dataclass(frozen=True)
class Gaps:
    """The work list and the cells it is about."""

    rows: pd.DataFrame  # COLUMNS, ranked
    cells: pd.DataFrame  # one row per cell: owner, recommendation, result, status_label
    # cells / current / stale / insufficient / none over the national cells, and the same
    # with a regional_ prefix over the region's
    counts: dict[str, int]


def _owners(*, ds: Dataset, filters: Filters) -> list[str]:
    return selected_participants(ds=ds, filters=filters)


def work_list(*, ds: Dataset, filters: Filters, year: int, include_region: bool = True) -> Gaps:
    """Every gap of the selected cells at ``year`` (see the module doc), ranked: first what
    would give a cell with no current status one (one more current indicator reaches the
    coverage minimum), then what keeps a status from lapsing this year, then what completes
    coverage, then single-source cells; within each, the indicators that would move the most
    cells first."""
    levels = rec_levels(ds)
    names = rec_names(ds)
    recs = selected_recommendations(ds=ds, filters=filters)
    national = [r for r in recs if levels.get(r) != "region"]
    regional = [r for r in recs if levels.get(r) == "region"]
    steps = list(ds.items[ds.items["kind"] == "next_step"]["code"]) if include_region else []
    people = _owners(ds=ds, filters=filters)
    wanted = [(p, r) for p in people for r in national]
    if include_region:
        wanted += [(scoring.REGION, r) for r in [*regional, *steps]]
    ind = scoring.catalogue_columns(ds.indicators)
    at = ds.cells[ds.cells["year"] == year].set_index(["participant_code", "recommendation"])
    panel = ds.indicators_at(year).set_index(["participant_code", "indicator_code"])
    seen = queries.last_seen(engine=ds.engine, include_sample=ds.include_sample)
    seen = seen.set_index(["participant_code", "indicator_code"])
    who = {**ds.names, scoring.REGION: REGION_NAME}
    rows: list[dict[str, object]] = []
    cell_rows: list[dict[str, object]] = []
    for owner, rec in wanted:
        level = "region" if owner == scoring.REGION else "participant"
        mine = ind[
            (ind["recommendation"] == rec) & (ind["level"].eq("region") == (level == "region"))
        ]
        cell = at.loc[(owner, rec)] if (owner, rec) in at.index else None
        result = None if cell is None else str(cell["result"])
        label = cell_label(
            result=result,
            status=None if cell is None else cell["status"],
            observed=0 if cell is None else int(cell["n_indicators"]),
            expected=len(mine) if cell is None else int(cell["n_expected"]),
            last_known=None if cell is None else cell.get("last_known"),
            last_date=None if cell is None else cell["last_date"],
        )
        cell_rows.append(
            {"owner": owner, "recommendation": rec, "result": result, "status_label": label}
        )
        expected = max(len(mine), 1)
        current = 0
        sources: set[str] = set()
        gaps: list[dict[str, object]] = []
        for spec in mine.itertuples():
            code = str(spec.code)
            hit = panel.loc[(owner, code)] if (owner, code) in panel.index else None
            base = {
                "owner": owner,
                "owner_name": who.get(owner, owner),
                "recommendation": rec,
                "recommendation_name": names.get(rec, ""),
                "status": label,
                "indicator": code,
                "indicator_name": str(spec.name),
            }
            if hit is not None and not bool(hit["stale"]):
                current += 1
                sources.add(str(hit["source"]))
                if spec.measure == "flow" and int(hit["age"]) == int(spec.window_years) - 1:
                    when = pd.Timestamp(hit["date"]).year
                    detail = f"the {when} record stops counting after {year}"
                    gaps.append(base | _record("lapses", detail, hit["date"], hit))
                continue
            if hit is not None:  # a stale stock
                when = pd.Timestamp(hit["date"]).year
                detail = (
                    f"stale since {when + int(spec.stale_after_years) + 1} (evidence of {when})"
                )
                gaps.append(base | _record("stale", detail, hit["date"], hit))
                continue
            last = seen.loc[(owner, code)] if (owner, code) in seen.index else None
            if last is not None and pd.Timestamp(last["last_date"]).year <= year:
                detail = (
                    f"last recorded {pd.Timestamp(last['last_date']).year}; a flow counts for "
                    f"{int(spec.window_years)} years"
                )
                gaps.append(base | _record("lapsed", detail, last["last_date"], last))
            else:
                gaps.append(
                    base
                    | {"gap": "missing", "detail": "no evidence recorded", "last_value": None,
                       "last_date": "", "source": ""}
                )  # fmt: skip
        has_status = result == scoring.RESULT_STATUS
        reaches = (current + 1) / expected >= scoring.MIN_COVERAGE
        for gap in gaps:
            kind = str(gap["gap"])
            if kind == "lapses":
                gap["moves_cell"] = has_status and (current - 1) / expected < scoring.MIN_COVERAGE
                gap["priority"] = 2
            else:
                gap["moves_cell"] = not has_status and reaches
                gap["priority"] = 1 if gap["moves_cell"] else 3
            rows.append(gap)
        if has_status and current and len(sources) == 1:
            rows.append(
                {
                    "owner": owner,
                    "owner_name": who.get(owner, owner),
                    "recommendation": rec,
                    "recommendation_name": names.get(rec, ""),
                    "status": label,
                    "indicator": "",
                    "indicator_name": "",
                    "gap": "single",
                    "detail": "the status rests on one source: a second would corroborate it",
                    "moves_cell": False,
                    "priority": 4,
                    "last_value": None,
                    "last_date": "",
                    "source": next(iter(sources)),
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=COLUMNS)
    else:
        moved = frame[frame["moves_cell"].astype(bool)].groupby("indicator")["owner"].nunique()
        frame["cells_moved_by_indicator"] = frame["indicator"].map(moved).fillna(0).astype(int)
        frame = frame.sort_values(
            ["priority", "cells_moved_by_indicator", "indicator", "owner_name"],
            ascending=[True, False, True, True],
            kind="stable",
        )
        frame["gap"] = frame["gap"].map(GAP_KINDS)
        frame = frame[COLUMNS].reset_index(drop=True)
    cells = pd.DataFrame(cell_rows, columns=["owner", "recommendation", "result", "status_label"])
    counts = _count(cells[cells["owner"] != scoring.REGION]["result"])
    region = _count(cells[cells["owner"] == scoring.REGION]["result"])
    counts |= {f"regional_{k}": v for k, v in region.items()}
    return Gaps(rows=frame, cells=cells, counts=counts)


def _record(kind: str, detail: str, date: object, row: pd.Series) -> dict[str, object]:
    """A gap's own columns: what it is, in words, and the record it is about."""
    return {
        "gap": kind,
        "detail": detail,
        "last_value": float(row["value"]),
        "last_date": pd.Timestamp(date).date().isoformat(),  # type: ignore[arg-type]
        "source": str(row["source"]),
    }


def counts_for(gaps: Gaps, *, owner: str) -> dict[str, int]:
    """The cells of one owner (a participant, or the region) by what is known of them, or the
    national ones of the whole selection for 'all'."""
    cells = gaps.cells
    if owner == "all":
        return _count(cells[cells["owner"] != scoring.REGION]["result"])
    return _count(cells[cells["owner"] == owner]["result"])


def _count(result: pd.Series) -> dict[str, int]:
    return {
        "cells": len(result),
        "current": int(result.eq(scoring.RESULT_STATUS).sum()),
        "stale": int(result.eq(scoring.RESULT_STALE).sum()),
        "insufficient": int(result.eq(scoring.RESULT_INSUFFICIENT).sum()),
        "none": int(result.isna().sum()),
    }


def by_indicator(gaps: Gaps) -> pd.DataFrame:
    """The evidence that would move most cells: per indicator, how many cells with no current
    status it would give one, and how many gaps of each kind it has."""
    rows = gaps.rows
    if rows.empty:
        return pd.DataFrame(columns=["indicator", "indicator_name", "cells_moved", "gaps"])
    named = rows[rows["indicator"] != ""]
    out = (
        named.groupby(["indicator", "indicator_name"], sort=False)
        .agg(cells_moved=("moves_cell", "sum"), gaps=("owner", "size"))
        .reset_index()
        .sort_values(["cells_moved", "gaps"], ascending=False, kind="stable")
    )
    out["cells_moved"] = out["cells_moved"].astype(int)
    return out.reset_index(drop=True)


def as_json(gaps: Gaps, *, year: int, data_version: str) -> dict[str, object]:
    """`rtop gaps --json`: stable keys."""
    rows = gaps.rows.astype(object).where(gaps.rows.notna(), None)
    return {
        "schema": 1,
        "year": year,
        "data_version": data_version,
        "method": scoring.RULE_VERSION,
        "counts": gaps.counts,
        "cells": gaps.cells.astype(object).where(gaps.cells.notna(), None).to_dict("records"),
        "gaps": rows.to_dict("records"),
        "by_indicator": by_indicator(gaps).to_dict("records"),
    }


@dataclass(frozen=True)
class RoundView:
    """The open (or latest) collection round and each participant's progress in it."""

    round: Round | None
    status: pd.DataFrame  # dashboard.core.collection.round_status's columns
    reminder: str


def collection_round(*, ds: Dataset) -> RoundView:
    """What /gaps shows of the collection round (none yet: an empty view)."""
    found = current_round(engine=ds.engine)
    if found is None:
        return RoundView(round=None, status=pd.DataFrame(), reminder="")
    status = round_status(engine=ds.engine, round_=found)
    return RoundView(round=found, status=status, reminder=reminder(status=status, round_=found))
