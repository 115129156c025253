"""The Dataset every page reads: reference tables, events and the read model's yearly panels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard import queries
from dashboard.core import inputs as inputs_module
from dashboard.core import readmodel, scoring

REGION_NAME = "ARF (region)"


@dataclass(frozen=True)
class Dataset:
    """What the pages read, loaded once per data version (treat as read-only).

    The yearly panels come from the read model the loaders keep; observations themselves are
    not held: evidence for one participant and recommendation is read on demand (``engine``).
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
    ind_panel: pd.DataFrame
    observed: queries.ObservationStats
    include_sample: bool
    loaded_at: str
    from_read_model: bool
    engine: Engine

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


def panels(
    *, engine: Engine, include_sample: bool, indicators: pd.DataFrame
) -> tuple[readmodel.Panels, bool]:
    """The yearly panels from the read model; computed here only when it is out of date."""
    stored = readmodel.read_panels(
        engine=engine, include_sample=include_sample, indicators=indicators
    )
    if stored is not None:
        return stored, True
    first, last = readmodel.current_years()
    inputs = inputs_module.scoring_inputs(
        engine=engine, include_sample=include_sample, indicators=indicators
    )
    computed = readmodel.compute(
        inputs=inputs, sample=include_sample, first_year=first, last_year=last
    )
    return computed, False


def load_dataset(*, engine: Engine, include_sample: bool) -> Dataset:
    """Read the reference tables, the events and the read model's yearly panels."""
    indicators = inputs_module.indicator_catalogue(engine=engine)
    found, stored = panels(engine=engine, include_sample=include_sample, indicators=indicators)
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
        status=scoring.with_status(found.cells),
        cells=found.cells,
        ind_panel=found.indicators,
        observed=queries.observation_stats(engine=engine, include_sample=include_sample),
        include_sample=include_sample,
        loaded_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        from_read_model=stored,
        engine=engine,
    )
