"""The Dataset every page reads: reference tables, events and the read model's yearly panels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard import queries
from dashboard.core import inputs as inputs_module
from dashboard.core import readmodel, scoring
from dashboard.core.history import data_version

REGION_NAME = "ARF (region)"


@dataclass(frozen=True)
class Dataset:
    """What the pages read, loaded once per data version (treat as read-only).

    The cells come from the read model the loaders keep; indicator rows are read from it one
    year at a time, when a page asks (``indicators_at``), and kept. Observations are not held:
    evidence for one participant and recommendation is read on demand (``engine``).
    """

    participants: pd.DataFrame
    memberships: pd.DataFrame
    items: pd.DataFrame
    item_pillars: pd.DataFrame
    item_links: pd.DataFrame
    indicators: pd.DataFrame
    events: pd.DataFrame
    sources: pd.DataFrame
    pillars: pd.DataFrame
    status: pd.DataFrame  # cells with a status (computed or expert), status as an integer
    cells: pd.DataFrame  # every cell with any evidence, insufficient data included
    observed: queries.ObservationStats
    include_sample: bool
    loaded_at: str
    from_read_model: bool
    engine: Engine
    computed_panel: pd.DataFrame | None = None  # the whole panel, when computed in memory
    version: str = ""  # the data version label (dashboard.core.history.DataVersion)
    _years: dict[int, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    def indicators_at(self, year: int) -> pd.DataFrame:
        """Every indicator's current value and status at ``year`` (with_indicator_status shape)."""
        if self.computed_panel is not None:
            panel = self.computed_panel
            return panel[panel["year"] == year].reset_index(drop=True)
        found = self._years.get(year)
        if found is None:
            found = readmodel.read_indicator_years(
                engine=self.engine,
                include_sample=self.include_sample,
                indicators=self.indicators,
                years={year},
            )
            self._years[year] = found
        return found

    @property
    def has_synthetic(self) -> bool:
        """True when any synthetic observation or event is in this dataset."""
        return bool(self.observed.synthetic or self.events["synthetic"].any())

    @property
    def names(self) -> dict[str, str]:
        """Participant code -> name, with the region's label."""
        return {
            **dict(zip(self.participants["code"], self.participants["name"], strict=True)),
            scoring.REGION: REGION_NAME,
        }


def load_dataset(*, engine: Engine, include_sample: bool) -> Dataset:
    """Read the reference tables, the events and the read model's cells.

    When the read model is out of date (a new year, rule or catalogue, until the next write or
    `rtop refresh` rebuilds it), the panels are computed here from the observations instead.
    """
    indicators = inputs_module.indicator_catalogue(engine=engine)
    stored = readmodel.is_current(engine, indicators=indicators)
    computed: pd.DataFrame | None = None
    if stored:
        cells = readmodel.read_cells(engine=engine, include_sample=include_sample)
    else:
        first, last = readmodel.current_years()
        inputs = inputs_module.scoring_inputs(
            engine=engine, include_sample=include_sample, indicators=indicators
        )
        found = readmodel.compute(
            inputs=inputs, sample=include_sample, first_year=first, last_year=last
        )
        cells, computed = found.cells, found.indicators
    return Dataset(
        participants=queries.participants(engine=engine),
        memberships=queries.all_memberships(engine=engine),
        items=inputs_module.items(engine=engine),
        item_pillars=queries.item_pillars(engine=engine),
        item_links=queries.item_links(engine=engine),
        indicators=indicators,
        events=queries.events(engine=engine, include_sample=include_sample),
        sources=queries.sources(engine=engine),
        pillars=queries.pillars(engine=engine),
        status=scoring.with_status(cells),
        cells=cells,
        observed=queries.observation_stats(engine=engine, include_sample=include_sample),
        include_sample=include_sample,
        loaded_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        from_read_model=stored,
        engine=engine,
        computed_panel=computed,
        version=data_version(engine=engine).label,
    )
