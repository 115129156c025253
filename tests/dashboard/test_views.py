"""Views on the documented evidence, checked against values worked out by hand from the seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard import views
from dashboard.db import make_engine
from dashboard.filters import Filters
from loaders.store import load_bytes


@pytest.fixture
def ds(template_dir: Path, tmp_path: Path) -> views.Dataset:
    path = tmp_path / "ref.sqlite"
    shutil.copy(template_dir / "reference.sqlite", path)
    engine = make_engine(url=f"sqlite:///{path}")
    regional = b"participant,indicator,date,value,source\nregion,R4.1,2018,2,ARF chair statement 2018\n"
    load_bytes(engine=engine, data=regional, name="regional.csv")
    return views.load_dataset(engine=engine, include_sample=False)


def test_regional_layer_shows_the_regions_status_everywhere(ds: views.Dataset) -> None:
    values = views.map_values(ds=ds, filters=Filters(), layer="R4", year=2020)
    assert len(values) == 27
    # R4.1 = 2 on thresholds 1|2|3|4 is status 2; it is R4's only observed indicator
    assert set(values["status_label"]) == {"◑ Initiated"}
    assert views.regional_value(ds=ds, layer="R4", year=2020) == "◑ Initiated"


def test_national_layer_and_focal_point(ds: views.Dataset) -> None:
    values = views.map_values(ds=ds, filters=Filters(), layer="R1.1", year=2016).set_index("code")
    assert values.loc["AUS", "value"] == "4" and values.loc["AUS", "status_label"] == "● Implemented"
    assert values.loc["VNM", "status_label"] == "– No data"
    assert values.loc["SGP", "lat"] == pytest.approx(1.35)  # Singapore has a point to click


def test_scorecard_trend_and_regional_rows(ds: views.Dataset) -> None:
    card = views.scorecard(ds=ds, participant="AUS", year=2016).set_index("recommendation")
    assert len(card) == 12
    assert card.loc["R1", "status_label"] == "◕ Substantial progress"  # floor((4 + 3) / 2)
    assert card.loc["R4", "level"] == "regional"
    assert card.loc["R12", "last_update"] == "2015-01-01"


def test_dataset_reads_the_same_on_every_database(sample_engine: object) -> None:
    """The columnar read (raw DBAPI cursor) gives the same observations on SQLite and PostgreSQL."""
    from dashboard import queries

    engine = sample_engine  # parametrised: SQLite always, PostgreSQL in CI
    counts = queries.counts(engine=engine)  # type: ignore[arg-type]
    full = views.load_dataset(engine=engine, include_sample=True)  # type: ignore[arg-type]
    documented = views.load_dataset(engine=engine, include_sample=False)  # type: ignore[arg-type]
    assert len(full.observations) == counts["observations"]
    assert int(full.observations["synthetic"].sum()) == counts["observations_synthetic"]
    assert len(documented.observations) == 10 and not documented.observations["synthetic"].any()
    assert str(full.observations["date"].dtype).startswith("datetime64")
    aus = documented.observations[documented.observations["indicator_code"] == "R1.1"]
    assert aus[["participant_code", "value"]].values.tolist() == [["AUS", 4.0]]
    assert aus["source"].iloc[0].startswith("Spotlight on R2P")
    card = views.scorecard(ds=documented, participant="AUS", year=2016).set_index("recommendation")
    assert card.loc["R1", "status_label"] == "◕ Substantial progress"
