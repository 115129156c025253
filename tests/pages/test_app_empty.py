"""An empty database (no tables, or the schema with no rows) and an unreachable one: every page
explains what to do instead of failing."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import PAGES, OpenPage, assert_ok, decks, plotly_figures, titles


@pytest.mark.parametrize("kind", ["blank", "migrated"])
def test_every_page_explains_an_empty_database(
    open_page: OpenPage, sqlite_blank_path: Path, sqlite_migrated_path: Path, kind: str
) -> None:
    db = sqlite_blank_path if kind == "blank" else sqlite_migrated_path
    at = open_page(db, query={"participants": "VNM"})
    for page in PAGES:
        if page != "overview.py":
            at.switch_page(page).run()
        assert_ok(at)
        infos = [i.value for i in at.info]
        assert len(infos) == 1 and "The database is empty" in infos[0], (page, infos)
        assert "python -m loaders init" in infos[0]
        assert titles(at) == ["RtoP Monitor"], page
        assert plotly_figures(at) == [] and decks(at) == [], page
        assert not at.error, page
    # the check did not create the schema behind the person's back
    assert kind == "migrated" or db.stat().st_size == 0


def test_unreachable_database_shows_an_error(open_page: OpenPage) -> None:
    at = open_page("nosuchdialect://nowhere/db", "map.py")
    assert_ok(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "Cannot open the database" in errors[0]
    assert "RTOP_DATABASE_URL" in errors[0]
    assert titles(at) == []


def test_reference_data_without_observations_or_events(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    import sqlite3

    with sqlite3.connect(sqlite_reference_path) as conn:
        for t in (
            "observation",
            "assessment",
            "event_participant",
            "event_item",
            "event_pillar",
            "event",
        ):
            conn.execute(f"DELETE FROM {t}")
    # Rows deleted behind the loaders' back: rebuild the read model as `rtop refresh` would.
    from dashboard.core.db import make_engine
    from loaders.readmodel import rebuild

    rebuild(engine=make_engine(url=f"sqlite:///{sqlite_reference_path}"))
    at = open_page(sqlite_reference_path)
    # with no events and no statuses, the event and status-line charts give way to a notice
    empty_charts = {"country.py": 1, "timeline.py": 2}
    for page, (title, n_plotly, n_deck) in PAGES.items():
        if page != "overview.py":
            at.switch_page(page).run()
        assert_ok(at)
        assert titles(at) == [title or "Australia"], page
        drawn = n_plotly - empty_charts.get(page, 0)
        assert (len(plotly_figures(at)), len(decks(at))) == (drawn, n_deck), page
        notices = [i.value for i in at.info if "nothing to show for this selection" in i.value]
        assert len(notices) == empty_charts.get(page, 0), (page, notices)
    at.switch_page("overview.py").run()
    assert at.metric[0].value == "0 of 189"  # national cells with a current status
    assert "No events in this period for this selection." in [i.value for i in at.info]


def test_a_database_of_an_older_version_says_how_to_upgrade(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    """A database last upgraded by an older version (here: downgraded one migration) gets a
    plain instruction on every page, not a database error; `rtop init` upgrades it."""
    from alembic import command

    from dashboard.core.db import alembic_config, head_revision, make_engine, migrate

    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    command.downgrade(alembic_config(engine=engine), "-1")
    at = open_page(sqlite_reference_path)
    for page in PAGES:
        if page != "overview.py":
            at.switch_page(page).run()
        assert_ok(at)
        infos = [i.value for i in at.info]
        assert len(infos) == 1 and "made by another version of RtoP Monitor" in infos[0], infos
        assert f"this version reads {head_revision()}" in infos[0] and "`make db`" in infos[0]
        assert plotly_figures(at) == [] and decks(at) == [] and not at.error, page
    migrate(engine=engine)
    engine.dispose()
    at = open_page(sqlite_reference_path)
    assert_ok(at)
    assert not [i.value for i in at.info if "another version" in i.value]
    assert plotly_figures(at) or decks(at)
