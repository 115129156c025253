"""Sidebar filters mirrored in the URL: links open the same view, bad values are reported, the
filters survive moving between pages, quick selections fill the participants."""

from __future__ import annotations

from pathlib import Path

from apptest_support import (
    OpenPage,
    assert_ok,
    banner_shown,
    figure_marked,
    heatmap_labels,
    plotly_figures,
    query,
    sidebar_state,
    table,
    titles,
    warnings,
)

from dashboard.core.db import make_engine
from dashboard.filters import this_year
from dashboard.queries import participants

LINK = {
    "participants": "VNM,THA",
    "pillars": "1,3",
    "recommendations": "R1,R4",
    "from": "2011",
    "to": "2024",
    "sample": "0",  # explicitly off (open_page would otherwise switch the demo sample on)
}
# what the URL then says: sample is off by default, so it is not written
LINK_WRITTEN = {k: v for k, v in LINK.items() if k != "sample"}


def test_filtered_link_opens_the_same_view(open_page: OpenPage, sqlite_sample_path: Path) -> None:
    at = open_page(sqlite_sample_path, "recommendations.py", query=LINK)
    assert_ok(at)
    assert titles(at) == ["Recommendation tracker"]
    assert sidebar_state(at) == {
        "participants": ["VNM", "THA"],
        "pillars": [1, 3],
        "recommendations": ["R1", "R4"],
        "period": (2011, 2024),
        "sample": False,
    }
    # the URL keeps the link (from=2011 is the default period start, so it is left out)
    assert query(at) == LINK_WRITTEN  # the period is always written; sample=0 is the default
    assert not warnings(at) and not banner_shown(at)
    heat = plotly_figures(at)[0]
    assert not figure_marked(heat)
    columns, rows = heatmap_labels(heat)
    assert rows == ["Thailand", "Viet Nam"]  # by sub-region, then name
    assert columns == ["R1"]  # R4 is regional: not a column
    assert "2024" in heat["layout"]["title"]["text"]
    track = table(at, "Item", "Kind", "Status")
    assert list(track["Item"]) == ["R4", "STEP1", "STEP2", "STEP3", "STEP4"]
    at.run()  # a rerun keeps it all
    assert_ok(at)
    assert query(at) == LINK_WRITTEN
    assert sidebar_state(at)["participants"] == ["VNM", "THA"]


def test_unknown_values_in_a_link_are_reported(
    open_page: OpenPage, sqlite_sample_path: Path
) -> None:
    at = open_page(
        sqlite_sample_path,
        query={"participants": "XXX,vnm", "pillars": "9", "recommendations": "R13", "from": "1800"},
    )
    assert_ok(at)
    notes = warnings(at)
    assert "Ignored unknown participant 'XXX' in the link." in notes
    assert any("pillar '9'" in n for n in notes)
    assert any("recommendation 'R13'" in n for n in notes)
    assert any("from=1800" in n for n in notes)
    assert sidebar_state(at) == {
        "participants": ["VNM"],  # codes are read case-insensitively
        "pillars": [],
        "recommendations": [],
        "period": (2011, this_year()),
        "sample": True,  # open_page switches the demo sample on for the sample database
    }
    assert query(at) == {
        "participants": "VNM",
        "from": "2011",
        "to": str(this_year()),
        "sample": "1",
    }
    assert titles(at) == ["Responsibility to Protect in the ARF region"]
    assert at.metric[0].value == "5 of 7"  # Viet Nam's national cells with a current status
    at.run()  # the notices are shown once, not on every rerun
    assert not [n for n in warnings(at) if "Ignored" in n]


def test_reversed_period_and_names_in_a_link(open_page: OpenPage, sqlite_sample_path: Path) -> None:
    # (notices show on the first page run: with AppTest that is the default page)
    at = open_page(
        sqlite_sample_path,
        query={"participants": "Viet Nam,Thailand", "from": "2020", "to": "2015"},
    )
    assert_ok(at)
    assert any("reversed" in n for n in warnings(at))
    state = sidebar_state(at)
    assert state["participants"] == ["VNM", "THA"] and state["period"] == (2015, 2020)
    assert state["sample"] is True
    assert query(at) == {"participants": "VNM,THA", "from": "2015", "to": "2020", "sample": "1"}


def test_filters_survive_moving_between_pages(
    open_page: OpenPage, sqlite_sample_path: Path
) -> None:
    at = open_page(sqlite_sample_path, query={"participants": "VNM,KHM", "to": "2024"})
    assert_ok(at)
    assert at.metric[0].value.endswith("of 14")  # 2 participants x 7 national recommendations
    # a sidebar navigation link clears the query string; AppTest's switch_page does not
    at.query_params.clear()
    at.switch_page("timeline.py").run()
    assert_ok(at)
    assert sidebar_state(at)["participants"] == ["VNM", "KHM"]
    assert sidebar_state(at)["period"] == (2011, 2024)
    assert sidebar_state(at)["sample"] is True  # the demo switch survives too
    assert query(at) == {  # written back to the URL
        "participants": "VNM,KHM",
        "from": "2011",
        "to": "2024",
        "sample": "1",
    }
    lines = plotly_figures(at)[1]
    assert sorted(t["name"] for t in lines["data"]) == ["Cambodia", "Viet Nam"]
    at.query_params.clear()
    at.switch_page("country.py").run()
    assert_ok(at)
    assert sidebar_state(at)["participants"] == ["VNM", "KHM"]
    assert titles(at) == ["Viet Nam"]  # the profile opens on the first chosen participant
    assert query(at)["participants"] == "VNM,KHM" and query(at)["participant"] == "VNM"


def test_quick_select_fills_participants(open_page: OpenPage, sqlite_sample_path: Path) -> None:
    at = open_page(sqlite_sample_path, "pillars.py")
    at.sidebar.selectbox(key="f_shortcut").set_value("ASEAN members").run()
    assert_ok(at)
    engine = make_engine(url=f"sqlite:///{sqlite_sample_path}")
    people = participants(engine=engine)
    engine.dispose()
    asean = list(people[people["asean"]]["code"])
    assert len(asean) == 11
    assert sidebar_state(at)["participants"] == asean
    assert at.sidebar.selectbox(key="f_shortcut").value == ""  # ready for the next choice
    assert query(at)["participants"] == ",".join(asean)
    bars = plotly_figures(at)[0]
    assert {n for t in bars["data"] for n in t["x"]} == set(
        people.set_index("code").loc[asean, "name"]
    )
