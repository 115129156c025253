"""The Dataset every page reads: reference tables, events and the read model's yearly panels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard import queries
from dashboard.core import inputs as inputs_module
from dashboard.core import readmodel, scoring
from dashboard.core.history import Since, changes, data_version
from dashboard.core.inputs import Bind

REGION_NAME = "ARF (region)"


@dataclass(frozen=True)
class PreviewOf:
    """A Dataset shown with a pending load run applied (never published): which run, and the
    observations of the owners it touches as they would be (the rest read as published)."""

    run_id: int
    file_name: str
    user: str
    owners: frozenset[str]
    observations: pd.DataFrame  # inputs.observations' shape, for ``owners`` only
    panel: pd.DataFrame  # the read model's indicator rows of ``owners``, every year
    assessments: pd.DataFrame  # inputs.assessments' shape, for ``owners`` only
    changes: pd.DataFrame  # the run's change records (history.changes' shape), as applied


def _combine(kept: pd.DataFrame, held: pd.DataFrame) -> pd.DataFrame:
    """Published rows and a preview's rows as one frame with the published frame's dtypes."""
    if not len(held):
        return kept.reset_index(drop=True)
    if not len(kept):
        return held.reset_index(drop=True)
    both = pd.concat([kept, held[list(kept.columns)]], ignore_index=True)
    for column in kept.columns:
        if isinstance(kept[column].dtype, pd.CategoricalDtype):
            both[column] = both[column].astype("category")
    return both


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
    preview: PreviewOf | None = None  # a pending run applied for its author and reviewers
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
            if self.preview is not None:
                kept = found[~found["participant_code"].isin(self.preview.owners)]
                held = self.preview.panel
                found = _combine(kept, held[held["year"] == year])
            self._years[year] = found
        return found

    def observations(
        self, *, owners: Collection[str] | None = None, indicators: Collection[str] | None = None
    ) -> pd.DataFrame:
        """The observations behind this Dataset (evidence, read on demand), optionally for some
        owners and indicators; in a preview, the touched owners' rows as the pending run makes
        them."""
        if self.preview is None:
            return inputs_module.observations(
                engine=self.engine,
                include_sample=self.include_sample,
                owners=owners,
                indicators=indicators,
            )
        held = self.preview.observations
        if owners is not None:
            held = held[held["participant_code"].isin(set(owners))]
        if indicators is not None:
            held = held[held["indicator_code"].isin(set(indicators))]
        rest = None if owners is None else set(owners) - self.preview.owners
        if rest is not None and not rest:
            return held.reset_index(drop=True)
        published = inputs_module.observations(
            engine=self.engine,
            include_sample=self.include_sample,
            owners=rest,
            indicators=indicators,
        )
        return _combine(published[~published["participant_code"].isin(self.preview.owners)], held)

    def assessments(self, *, owners: Collection[str]) -> pd.DataFrame:
        """Expert assessments of some owners (read on demand); in a preview, the touched
        owners' as the pending run makes them."""
        if self.preview is None:
            return inputs_module.assessments(
                engine=self.engine, include_sample=self.include_sample, owners=owners
            )
        held = self.preview.assessments
        held = held[held["participant_code"].isin(set(owners))]
        rest = set(owners) - self.preview.owners
        if not rest:
            return held.reset_index(drop=True)
        published = inputs_module.assessments(
            engine=self.engine, include_sample=self.include_sample, owners=rest
        )
        return _combine(published, held)

    def recorded_changes(self, *, since: dt.date) -> pd.DataFrame:
        """The change history from the start of ``since`` on (history.changes' shape); in a
        preview, with the pending run's changes last, as publishing it now would record them."""
        found = changes(engine=self.engine, since=Since(start=since))
        if self.preview is None or self.preview.changes.empty:
            return found
        if found.empty:
            return self.preview.changes.reset_index(drop=True)
        return pd.concat([found, self.preview.changes], ignore_index=True)

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


def load_dataset(*, engine: Engine, include_sample: bool, read_from: Bind | None = None) -> Dataset:
    """Read the reference tables, the events and the read model's cells.

    When the read model is out of date (a new year, rule or catalogue, until the next write or
    `rtop refresh` rebuilds it), the panels are computed here from the observations instead.
    ``read_from`` (default: ``engine``) is where this load reads, e.g. the connection of a
    preview's rolled-back transaction; ``engine`` is kept for later on-demand reads.
    """
    bind = engine if read_from is None else read_from
    indicators = inputs_module.indicator_catalogue(engine=bind)
    stored = readmodel.is_current(bind, indicators=indicators)
    computed: pd.DataFrame | None = None
    if stored:
        cells = readmodel.read_cells(engine=bind, include_sample=include_sample)
    else:
        first, last = readmodel.current_years()
        inputs = inputs_module.scoring_inputs(
            engine=bind, include_sample=include_sample, indicators=indicators
        )
        found = readmodel.compute(
            inputs=inputs, sample=include_sample, first_year=first, last_year=last
        )
        cells, computed = found.cells, found.indicators
    return Dataset(
        participants=queries.participants(engine=bind),
        memberships=queries.all_memberships(engine=bind),
        items=inputs_module.items(engine=bind),
        item_pillars=queries.item_pillars(engine=bind),
        item_links=queries.item_links(engine=bind),
        indicators=indicators,
        events=queries.events(engine=bind, include_sample=include_sample),
        sources=queries.sources(engine=bind),
        pillars=queries.pillars(engine=bind),
        status=scoring.with_status(cells),
        cells=cells,
        observed=queries.observation_stats(engine=bind, include_sample=include_sample),
        include_sample=include_sample,
        loaded_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        from_read_model=stored,
        engine=engine,
        computed_panel=computed,
        version=data_version(engine=bind).label,
    )
