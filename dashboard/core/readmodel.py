"""The read model: the yearly indicator and cell panels, computed once per write, not per page.

The loaders (the only writer) call ``compute`` for the owners and recommendations a write
touched and store the rows in ``read_indicator_year`` and ``read_cell_year`` in the same
transaction; the pages read them with ``read_panels``. ``build_key`` names what a stored model
was built for (rule version, years, indicator catalogue): when it differs from the running
code's, the model is rebuilt by the next write or ``rtop refresh``, and until then readers
compute the panels themselves (``read_panels`` returns None), so a page is never wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import inspect, select

from dashboard.core import models, scoring
from dashboard.core.inputs import Bind, columnar, connection
from dashboard.core.models import FIRST_YEAR, table, this_year

IND_COLUMNS = [
    "participant_code",
    "indicator_code",
    "year",
    "recommendation",
    "date",
    "value",
    "synthetic",
    "source",
    "age",
    "stale",
    "ind_status",
]
CATALOGUE_COLUMNS = ["level", "measure", "window_years", "stale_after_years", "ceiling"]
PANEL_COLUMNS = [  # with_indicator_status's columns, in its order
    "participant_code",
    "indicator_code",
    "year",
    "date",
    "value",
    "synthetic",
    "source",
    "recommendation",
    *CATALOGUE_COLUMNS,
    "age",
    "stale",
    "ind_status",
]
CELL_COLUMNS = list(scoring.STATUS_COLUMNS)
IND_KINDS = {
    "participant_code": "category",
    "indicator_code": "category",
    "year": "int",
    "recommendation": "category",
    "date": "date",
    "value": "float",
    "synthetic": "bool",
    "source": "category",
    "age": "int",
    "stale": "bool",
    "ind_status": "int",
}
CELL_KINDS = {
    "participant_code": "category",
    "recommendation": "category",
    "year": "int",
    "result": "category",
    "status": "float",
    "basis": "category",
    "computed_status": "float",
    "computed_result": "category",
    "last_date": "date",
    "n_indicators": "int",
    "n_expected": "int",
    "coverage": "float",
    "stale": "bool",
    "n_stale": "int",
    "last_known": "float",
    "synthetic": "bool",
    "sources": "category",
    "assessor": "category",
    "rationale": "category",
}


@dataclass(frozen=True)
class Panels:
    """The yearly indicator panel (with_indicator_status's shape) and every cell's result."""

    indicators: pd.DataFrame
    cells: pd.DataFrame


def build_key(*, indicators: pd.DataFrame, first_year: int, last_year: int) -> str:
    """A hash of everything besides the data that shapes the panels."""
    ind = scoring.catalogue_columns(indicators)
    spec = ind[
        [
            "code",
            "recommendation",
            "level",
            "thresholds",
            "measure",
            "window_years",
            "stale_after_years",
        ]
    ].sort_values("code")
    payload = {
        "rule": scoring.RULE_VERSION,
        "years": [first_year, last_year],
        "catalogue": spec.astype(str).to_numpy().tolist(),
    }
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:32]


def current_years() -> tuple[int, int]:
    """The years every panel covers: FIRST_YEAR to this year."""
    return FIRST_YEAR, this_year()


def compute(
    *, inputs: dict[str, pd.DataFrame], sample: bool, first_year: int, last_year: int
) -> Panels:
    """Both panels from the rule's inputs; with ``sample`` False, synthetic rows are left out."""
    obs, assess = inputs["observations"], inputs["assessments"]
    if not sample:
        obs = obs[~obs["synthetic"].astype(bool)]
        assess = assess[~assess["synthetic"].astype(bool)]
    ind_panel = scoring.indicator_panel(
        inputs={**inputs, "observations": obs}, first_year=first_year, last_year=last_year
    )
    cells = scoring.status_from_panel(
        ind_panel=ind_panel,
        assessments=assess,
        indicators=inputs["indicators"],
        first_year=first_year,
        last_year=last_year,
    )
    return Panels(indicators=normalise_panel(ind_panel), cells=normalise_cells(cells))


def normalise_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """The indicator panel in one canonical shape: columns, types and row order."""
    out = panel.reindex(columns=PANEL_COLUMNS).copy()
    for column in ("participant_code", "indicator_code", "recommendation", "source"):
        out[column] = out[column].astype(object).astype(str)
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["value"] = out["value"].astype(float)
    for column in ("synthetic", "stale"):
        out[column] = out[column].astype(bool)
    for column in ("year", "age", "ind_status", "ceiling"):
        out[column] = out[column].astype("int64")
    out["window_years"] = pd.to_numeric(out["window_years"], errors="coerce").astype("Int64")
    out["stale_after_years"] = pd.to_numeric(out["stale_after_years"], errors="coerce").astype(
        float
    )
    out = out.sort_values(["participant_code", "indicator_code", "year"], kind="stable")
    return out.reset_index(drop=True)


def normalise_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells in one canonical shape: columns, types and row order."""
    out = cells.reindex(columns=CELL_COLUMNS).copy()
    for column in ("participant_code", "recommendation", "result", "basis", "computed_result"):
        out[column] = out[column].astype(object).astype(str)
    for column in ("sources", "assessor", "rationale"):
        out[column] = out[column].astype(object).where(out[column].notna(), "").astype(str)
    out["last_date"] = pd.to_datetime(out["last_date"]).astype("datetime64[ns]")
    for column in ("status", "computed_status", "coverage", "last_known"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    for column in ("synthetic", "stale"):
        out[column] = out[column].astype(bool)
    for column in ("year", "n_indicators", "n_expected", "n_stale"):
        out[column] = out[column].astype("int64")
    out = out.sort_values(["participant_code", "recommendation", "year"], kind="stable")
    return out.reset_index(drop=True)


def stored_key(bind: Bind) -> str | None:
    """The key the stored read model was built for, or None when there is none."""
    with connection(bind) as conn:
        if not inspect(conn).has_table("read_model_state"):
            return None
        state = table(models.ReadModelState).c
        return conn.execute(select(state.key).where(state.id == 1)).scalar()


def with_catalogue(rows: pd.DataFrame, *, indicators: pd.DataFrame) -> pd.DataFrame:
    """Stored indicator rows plus the catalogue's columns, in the panel's shape."""
    ind = scoring.catalogue_columns(indicators).set_index("code")
    out = rows.copy()
    for column in CATALOGUE_COLUMNS:
        out[column] = out["indicator_code"].map(ind[column])
    return normalise_panel(out)


def is_current(bind: Bind, *, indicators: pd.DataFrame) -> bool:
    """True when the stored model was built for the running rule, years and catalogue."""
    first, last = current_years()
    return stored_key(bind) == build_key(indicators=indicators, first_year=first, last_year=last)


def read_cells(
    *, engine: Bind, include_sample: bool, owners: Collection[str] | None = None
) -> pd.DataFrame:
    """Every stored cell of one variant (optionally for some owners), in canonical shape."""
    c = table(models.ReadCellYear).c
    stmt = select(*(c[name] for name in CELL_COLUMNS)).where(c.sample.is_(include_sample))
    if owners is not None:
        stmt = stmt.where(c.participant_code.in_(sorted(owners)))
    return normalise_cells(columnar(engine, stmt, CELL_KINDS))


def read_indicator_years(
    *,
    engine: Bind,
    include_sample: bool,
    indicators: pd.DataFrame,
    years: Collection[int] | None = None,
    owners: Collection[str] | None = None,
) -> pd.DataFrame:
    """Stored indicator rows of one variant (optionally some years or owners), panel-shaped."""
    i = table(models.ReadIndicatorYear).c
    stmt = select(*(i[name] for name in IND_COLUMNS)).where(i.sample.is_(include_sample))
    if years is not None:
        stmt = stmt.where(i.year.in_(sorted(years)))
    if owners is not None:
        stmt = stmt.where(i.participant_code.in_(sorted(owners)))
    return with_catalogue(columnar(engine, stmt, IND_KINDS), indicators=indicators)


def read_panels(
    *,
    engine: Bind,
    include_sample: bool,
    indicators: pd.DataFrame,
    owners: Collection[str] | None = None,
) -> Panels | None:
    """The stored panels (one variant), or None when the model is missing or out of date."""
    if not is_current(engine, indicators=indicators):
        return None
    return Panels(
        indicators=read_indicator_years(
            engine=engine, include_sample=include_sample, indicators=indicators, owners=owners
        ),
        cells=read_cells(engine=engine, include_sample=include_sample, owners=owners),
    )


__all__ = [
    "Panels",
    "build_key",
    "compute",
    "current_years",
    "is_current",
    "read_cells",
    "read_indicator_years",
    "read_panels",
    "stored_key",
]
