"""Every page from the real entry point with the sample switched on (sample=1, as conftest's
open_page does for the sample database): title, charts, SAMPLE DATA marking; then with the sample
excluded (sidebar checkbox): the marking is gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import (
    DATA_PAGES,
    PAGES,
    OpenPage,
    assert_ok,
    banner_shown,
    deck_marked,
    decks,
    figure_marked,
    heatmap_labels,
    heatmap_symbols,
    plotly_figures,
    query,
    table,
    titles,
)

from dashboard.core.db import make_engine
from dashboard.core.inputs import counts
from dashboard.core.models import STATUS_LABELS, this_year
from dashboard.core.scoring import RULE_VERSION
from tests.dashboard.test_steady import typed_arrays

# how many plotly figures include synthetic observations (and so must say SAMPLE DATA)
MARKED_FIGURES = {
    "overview.py": 1,  # where the region stands
    "country.py": 1,  # pillar averages (the events chart has only documented events)
    "recommendations.py": 1,
    "timeline.py": 1,  # status over time (the events are all documented)
    "pillars.py": 3,
}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_with_sample_then_without(
    open_page: OpenPage, sqlite_sample_path: Path, page: str
) -> None:
    title, n_plotly, n_deck = PAGES[page]
    expected_title = title or "Australia"  # the profile opens on Australia by default
    at = open_page(sqlite_sample_path, page)
    assert_ok(at)
    assert titles(at) == [expected_title]
    figs, maps = plotly_figures(at), decks(at)
    assert (len(figs), len(maps)) == (n_plotly, n_deck)
    if page in DATA_PAGES:
        assert banner_shown(at), "the SAMPLE DATA banner is missing"
        assert sum(figure_marked(f) for f in figs) == MARKED_FIGURES.get(page, 0)
        assert all(deck_marked(d) for d in maps)
    else:
        assert not banner_shown(at)
    box = at.sidebar.checkbox(key="f_sample")
    assert box.label == "Include sample data (demo)" and box.value is True
    assert query(at).get("sample") == "1"

    box.uncheck().run()
    assert_ok(at)
    assert titles(at) == [expected_title]
    assert at.sidebar.checkbox(key="f_sample").value is False
    assert "sample" not in query(at)  # off is the default: the URL says nothing
    figs, maps = plotly_figures(at), decks(at)
    assert (len(figs), len(maps)) == (n_plotly, n_deck)
    assert not banner_shown(at)
    assert not any(figure_marked(f) for f in figs)
    assert not any(deck_marked(d) for d in maps)


def test_reference_only_database_has_no_marking(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path, "pillars.py")
    assert_ok(at)
    for page in ("pillars.py", "recommendations.py", "map.py"):
        if page != "pillars.py":
            at.switch_page(page).run()
            assert_ok(at)
        assert not banner_shown(at)
        assert not any(figure_marked(f) for f in plotly_figures(at))
        assert not any(deck_marked(d) for d in decks(at))
    assert query(at).get("sample") is None  # nothing to include: no switch, nothing in the URL
    assert "f_sample" not in {c.key for c in at.sidebar.checkbox}  # only shown with a sample


def test_methodology_tables(open_page: OpenPage, sqlite_sample_path: Path) -> None:
    at = open_page(sqlite_sample_path, "methodology.py")
    assert_ok(at)
    assert [h.value for h in at.main.header] == [
        "Status scale",
        f"How a status is computed (method version {RULE_VERSION})",
        "Indicators and their thresholds",
        "Recommendation to pillar mapping",
        "Sources",
        "Sample data (demonstration only)",
    ]
    scale = table(at, "Status", "Symbol", "Label")
    assert list(scale["Label"]) == list(STATUS_LABELS.values())
    engine = make_engine(url=f"sqlite:///{sqlite_sample_path}")
    n = counts(engine=engine)
    engine.dispose()
    thresholds = table(at, "Code", "Thresholds 1 | 2 | 3 | 4")
    assert len(thresholds) == n["indicators"]
    assert thresholds.set_index("Code").loc["R1.2", "Thresholds 1 | 2 | 3 | 4"] == "1 | 1 | 1 | —"
    mapping = table(at, "Rec.", "Pillar", "Role")
    assert set(mapping["Rec."]) == {f"R{i}" for i in range(1, 13)}
    assert (mapping["Role"] == "primary").sum() == 12
    sources = table(at, "Code", "Synthetic", "Observations")
    assert len(sources) == n["sources"]
    sample = sources[sources["Synthetic"]]
    assert list(sample["Observations"]) == [n["observations_synthetic"]]
    assert any("1." in m.value and "threshold" in m.value for m in at.markdown)  # the rule


def test_timeline_events_and_lines(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "timeline.py", query={"participants": "AUS,CHN"})
    assert_ok(at)
    events_fig, lines_fig = plotly_figures(at)
    events = table(at, "When", "Event", "Kind")
    assert len(events) > 0
    assert sum(len(t["y"]) for t in events_fig["data"]) == len(events)
    # one line per chosen participant that has a status (China: its multinational exercises)
    assert sorted(t["name"] for t in lines_fig["data"]) == ["Australia", "China"]
    assert [c.value for c in at.caption if c.value.startswith("No line for")] == []
    titles_shown = " | ".join(events["Event"])
    assert "World Summit endorses" in titles_shown  # the timeline starts in 2005 (README)
    assert "Australia's internal review" in titles_shown
    # another participant: events naming only others go; global and regional events stay
    at.sidebar.multiselect(key="f_participants").set_value(["VNM"])
    at.radio(key="timeline_color").set_value("pillar").run()
    assert_ok(at)
    shown = table(at, "When", "Event", "Kind")
    assert len(shown) < len(events)
    assert "Australia's internal review" not in " | ".join(shown["Event"])
    assert "World Summit endorses" in " | ".join(shown["Event"])
    assert_ok(at)
    legend = {t["name"] for t in plotly_figures(at)[0]["data"]}
    assert legend and all(n.startswith("Pillar") or n == "No pillar" for n in legend)
    # Papua New Guinea has no observation of any recommendation in the reference data; the
    # EU's (its focal point, 2016; the Group of Friends) is stale by now
    at.sidebar.multiselect(key="f_participants").set_value(["PNG"]).run()
    assert_ok(at)
    assert [c.value for c in at.caption if c.value.startswith("No line for")] == [
        f"No line for Papua New Guinea: no evidence for these recommendations in 2011–"
        f"{this_year()}."
    ]
    at.sidebar.multiselect(key="f_participants").set_value(["EUU"])
    at.sidebar.slider(key="f_period").set_value((2024, this_year())).run()
    assert_ok(at)
    assert [c.value for c in at.caption if c.value.startswith("No line for")] == [
        f"No line for European Union: in every year of 2024–{this_year()} its evidence is too "
        "little (fewer than half the indicators observed) or stale, so there is no current status."
    ]


def test_pillars_measure_and_selection(open_page: OpenPage, sqlite_sample_path: Path) -> None:
    at = open_page(sqlite_sample_path, "pillars.py", query={"participants": "VNM,THA"})
    assert_ok(at)
    bars = plotly_figures(at)[0]
    assert "recommendations" in bars["layout"]["title"]["text"]
    assert {t["name"] for t in bars["data"]} == {
        "Pillar 1: Protection responsibilities of the State",
        "Pillar 2: International assistance and capacity-building",
        "Pillar 3: Timely and decisive response",
    }
    assert all(sorted(t["x"]) == ["Thailand", "Viet Nam"] for t in bars["data"])
    at.radio(key="pillar_measure").set_value("indicators").run()
    assert_ok(at)
    assert "indicators" in plotly_figures(at)[0]["layout"]["title"]["text"]
    roles = table(at, "Regional role (SG report 2011)", "Addressed by", "Covered")
    assert len(roles) > 0


def test_selection_without_any_event(open_page: OpenPage, sqlite_sample_path: Path) -> None:
    query = {"pillars": "1", "recommendations": "R1,R4", "from": "2005", "to": "2005"}
    at = open_page(sqlite_sample_path, query=query)
    assert_ok(at)
    assert "No events in this period for this selection." in [i.value for i in at.info]
    at.switch_page("timeline.py").run()
    assert_ok(at)
    # no empty chart with downloads of nothing: a notice, and the status lines still drawn
    assert "Events bearing on RtoP implementation: nothing to show for this selection." in [
        i.value for i in at.info
    ]
    assert not [b for b in at.get("download_button") if "timeline_events" in b.proto.id]
    assert len(plotly_figures(at)) == 0  # no status in 2005 either: no lines to draw
    at.switch_page("recommendations.py").run()
    assert_ok(at)
    assert heatmap_labels(plotly_figures(at)[0])[0] == ["R1"]
    assert {s for row in heatmap_symbols(plotly_figures(at)[0]) for s in row} == {"–"}


@pytest.mark.parametrize(
    ("page", "rows"),
    [("pillars.py", None), ("timeline.py", None), ("recommendations.py", 27), ("overview.py", None)],
)
def test_presentation_mode_draws_one_view_for_the_screen(
    open_page: OpenPage, sqlite_reference_path: Path, page: str, rows: int | None
) -> None:
    """?present=1 (issue 19 item 3): the page's view alone (its other charts, tables and
    downloads are for the desk), one chart laid out for the screen it is shown on (1920x1080
    until the browser says otherwise): exactly as wide and tall as its room, type 1.4x the
    desk's; the tracker with every row. The same page without it keeps the desk's charts."""
    desk = plotly_figures(open_page(sqlite_reference_path, page))
    at = open_page(sqlite_reference_path, page, query={"present": "1"})
    assert_ok(at)
    (room,) = plotly_figures(at)
    assert len(desk) >= 1 and desk[0]["layout"]["title"]["font"]["size"] == 22
    layout = room["layout"]
    assert layout["title"]["font"]["size"] == round(22 * 1.4)
    wide = 1000 if page == "overview.py" else 1840
    assert (layout["width"], layout["height"]) == (wide, 860)
    assert "template" not in layout and layout["datarevision"]  # drawn once (charts/steady.py)
    if rows:
        assert len(room["data"][0]["y"]) == rows
    assert not at.get("download_button")  # the view, not the desk's downloads
    assert not at.dataframe and not at.expander


@pytest.mark.parametrize("page", [p for p in DATA_PAGES if PAGES[p][1]])
def test_every_chart_is_sent_so_the_browser_draws_it_once(
    open_page: OpenPage, sqlite_sample_path: Path, page: str
) -> None:
    """Every Plotly figure a page sends has a data revision, no template and no typed arrays
    (dashboard/charts/steady.py): Plotly.react's second pass on mount then redraws nothing."""
    figures = plotly_figures(open_page(sqlite_sample_path, page))
    assert len(figures) == PAGES[page][1]
    for fig in figures:
        assert "template" not in fig["layout"]
        assert isinstance(fig["layout"].get("datarevision"), str)
        assert typed_arrays(fig["data"]) == 0


def test_the_warm_up_reads_the_dataset_a_first_visit_uses(
    open_page: OpenPage, sqlite_reference_path: Path, sqlite_blank_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dashboard.core.db import data_version
    from dashboard.ui import cache

    monkeypatch.setenv("RTOP_DATABASE_URL", f"sqlite:///{sqlite_blank_path}")
    assert cache.warm() is None  # no schema: nothing read, nothing raised
    url = f"sqlite:///{sqlite_reference_path}"
    monkeypatch.setenv("RTOP_DATABASE_URL", url)
    warmed = cache.warm()
    assert warmed is not None and warmed.observed.total > 0
    token = data_version(engine=make_engine(url=url))
    assert cache.dataset_at(url, token, False) is warmed  # the page's read is a cache hit
    at = open_page(sqlite_reference_path)  # and the page runs on it as on a cold cache
    assert_ok(at)
