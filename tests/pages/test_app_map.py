"""Map: layers and years from the URL, the regional notice, a click explains the status and links
to the profile."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from apptest_support import (
    OpenPage,
    assert_ok,
    decks,
    dialogs,
    query,
    run_with_widget_value,
    table,
    titles,
    warnings,
)
from streamlit.testing.v1 import AppTest

from dashboard.filters import this_year

LAYERS = {"participants-polygons", "participants-points-enlarged-region", "participants-points",
          "participants-labels", "participants-symbols"}


def page_links(at: AppTest) -> list[Any]:
    """The st.page_link protos drawn on the main area (page, label, query_string)."""
    return [el.proto for el in at.main.get("page_link")]


def test_map_defaults_and_click(open_page: OpenPage, sqlite_sample_path: Path) -> None:
    at = open_page(sqlite_sample_path, "map.py")
    assert_ok(at)
    (deck,) = decks(at)
    ids = {layer["id"] for layer in deck["layers"]}
    assert LAYERS | {"sample-mark"} == ids
    points = next(layer for layer in deck["layers"] if layer["id"] == "participants-points")
    assert {"SGP", "EUU"} <= {p["code"] for p in points["data"]}  # no polygon, still a point
    assert len(points["data"]) == 27
    assert at.selectbox(key="p_layer").value == "R1"
    assert at.select_slider(key="p_year").value == str(this_year())
    assert query(at) == {
        "layer": "R1",
        "year": str(this_year()),
        "from": "2011",
        "to": str(this_year()),
        "sample": "1",  # open_page switches the demo sample on for the sample database
    }
    values = table(at, "Participant", "Status", "Value", "Date", "Source")
    assert len(values) == 27
    assert not page_links(at)  # nothing picked yet
    # a click on Viet Nam's point explains its status and links to its profile, with the filters
    at.sidebar.multiselect(key="f_pillars").set_value([2]).run()
    run_with_widget_value(
        at,
        "status_map",
        {
            "selection": {
                "indices": {"participants-points": [0]},
                "objects": {"participants-points": [{"code": "VNM", "name": "Viet Nam"}]},
            }
        },
    )
    assert_ok(at)
    assert titles(at) == ["Implementation map"]  # the click no longer leaves the map
    # the answer opens beside the map, where the eye is (issue 19 item 8): a drawer
    (drawer,) = dialogs(at)
    assert drawer.proto.dialog.title == "Why this status? Viet Nam, R1"
    why = [m.value for m in drawer.get("markdown") if m.value.startswith("**Why this status?**")]
    assert len(why) == 1 and why[0].startswith("**Why this status?** Viet Nam, R1 ")
    vnm = values.set_index("Participant").loc["Viet Nam", "Status"]  # "◕ Substantial progress"
    label = vnm.split(" ", 1)[1]  # the panel gives the label without the symbol
    assert why[0].endswith(f", {this_year()}: **{label}**")  # the map's status, no "basis: …"
    (link,) = [el.proto for el in drawer.get("page_link")]
    assert link.label == "Open the profile of Viet Nam"
    assert link.page == "country"  # pages/country.py
    linked = dict(parse_qsl(link.query_string))
    assert linked == {  # the sidebar filters and the participant
        "pillars": "2",
        "from": "2011",
        "to": str(this_year()),
        "sample": "1",
        "participant": "VNM",
    }
    assert "participant" not in query(at)  # the map's own URL is not switched to the profile
    # the sidebar filters are kept
    assert at.sidebar.multiselect(key="f_pillars").value == [2]
    assert at.sidebar.slider(key="f_period").value == (2011, this_year())
    # following the link opens Viet Nam's profile with the same filters
    at.query_params.clear()
    for key, value in linked.items():
        at.query_params[key] = value
    at.switch_page("country.py").run()
    assert_ok(at)
    assert titles(at) == ["Viet Nam"]
    assert query(at)["participant"] == "VNM" and query(at)["pillars"] == "2"
    assert at.sidebar.multiselect(key="f_pillars").value == [2]


def test_map_layer_and_year_from_link(open_page: OpenPage, sqlite_sample_path: Path) -> None:
    at = open_page(sqlite_sample_path, "map.py", query={"layer": "R4", "year": "2020"})
    assert_ok(at)
    assert at.selectbox(key="p_layer").value == "R4"
    assert at.select_slider(key="p_year").value == "2020"
    notice = " ".join(i.value for i in at.info)
    assert "R4" in notice and "act of the region" in notice and "2020" in notice
    at.selectbox(key="p_layer").set_value("R1.1").run()
    assert_ok(at)
    assert query(at)["layer"] == "R1.1" and not at.info
    values = table(at, "Participant", "Status", "Value")
    assert (values["Value"] != "").sum() > 0


def test_map_unknown_layer_and_year(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "map.py", query={"layer": "R99", "year": "1999"})
    assert_ok(at)
    notes = warnings(at)
    assert "Ignored unknown layer 'R99' in the link." in notes
    assert "Ignored unknown year '1999' in the link." in notes
    assert at.selectbox(key="p_layer").value == "R1"
    assert query(at) == {
        "layer": "R1",
        "year": str(this_year()),
        "from": "2011",
        "to": str(this_year()),
    }
    values = table(at, "Participant", "Status", "Value").set_index("Participant")
    assert values.loc["Australia", "Status"] == "◕ Substantial progress"


def test_map_pillar_and_regional_indicator_layers(
    open_page: OpenPage, sqlite_sample_path: Path
) -> None:
    at = open_page(sqlite_sample_path, "map.py", query={"layer": "P2", "year": "2024"})
    assert_ok(at)
    values = table(at, "Participant", "Status", "Value")
    assert values["Value"].str.contains("mean of").any()
    assert not at.info  # a pillar average is national
    at.selectbox(key="p_layer").set_value("R10c.1").run()
    assert_ok(at)
    assert any("act of the region" in i.value for i in at.info)
    assert query(at)["layer"] == "R10c.1"


def test_page_choices_are_kept_when_coming_back(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path, "map.py")
    at.selectbox(key="p_layer").set_value("R4")
    at.select_slider(key="p_year").set_value("2016").run()
    assert query(at) == {"layer": "R4", "year": "2016", "from": "2011", "to": str(this_year())}
    at.query_params.clear()  # as a sidebar navigation link does
    at.switch_page("country.py").run()
    at.selectbox(key="p_participant").set_value("CHN").run()
    at.query_params.clear()
    at.switch_page("map.py").run()
    assert_ok(at)
    assert at.selectbox(key="p_layer").value == "R4"
    assert at.select_slider(key="p_year").value == "2016"
    assert query(at) == {"layer": "R4", "year": "2016", "from": "2011", "to": str(this_year())}
    at.query_params.clear()
    at.switch_page("country.py").run()
    assert titles(at) == ["China"]
    # ...unless the sidebar now selects other participants: then the first of those
    at.sidebar.multiselect(key="f_participants").set_value(["VNM"]).run()
    at.query_params.clear()
    at.switch_page("map.py").run()
    at.query_params.clear()
    at.switch_page("country.py").run()
    assert titles(at) == ["Viet Nam"]


def test_the_map_key_names_every_state_a_cell_can_be_in(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path, "map.py")
    key = " ".join(h.proto.body for h in at.get("html"))
    for label in (
        "○ Not started",
        "◔ Under consideration",
        "◑ Initiated",
        "◕ Substantial progress",
        "● Implemented",
        "– No data",
        "◌ Insufficient data (too few indicators observed)",
    ):
        assert label in key, label
    assert "◷ Stale evidence (every record past its age limit)" in key
    stale, no_data = (re.search(rf"background:(#[0-9A-Fa-f]{{6}})[^>]*></span>{re.escape(w)}", key)
                      for w in ("◷ Stale evidence", "– No data"))  # fmt: skip
    assert stale and no_data and stale.group(1) != no_data.group(1)  # a swatch of its own


def test_the_map_names_participants_not_codes(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    """The summary under the map and its text alternative name the participants at each status
    (the EU as such, never 'EUU'); the tooltip shows names, not codes; the caption points to
    the Southeast Asia inset."""
    at = open_page(sqlite_reference_path, "map.py", query={"layer": "R1", "year": "2026"})
    assert_ok(at)
    (summary,) = [c.value for c in at.caption if c.value.startswith("Map summary:")]
    assert summary.startswith("Map summary: R1 ") and "27 participants." in summary
    assert "Stale evidence: European Union" in summary and "Substantial progress: Australia" in summary
    assert not re.search(r"\b(EUU|VNM|SGP|AUS)\b", summary)
    (element,) = at.get("deck_gl_json_chart")
    assert element.proto.alt == summary.removeprefix("Map summary: ")
    tooltip = json.loads(element.proto.tooltip)["html"]
    assert "{code}" not in tooltip and "{name}" in tooltip
    assert any("Southeast Asia is enlarged in the inset" in c.value for c in at.caption)


def test_the_meeting_room_map_says_what_it_shows(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    """?present=1 hides the map's 'Show' and 'Year' widgets, so the title names the layer and the
    year (an audience saw 'Implementation map' and no word of which recommendation); at the desk
    the widgets say it."""
    at = open_page(sqlite_reference_path, "map.py", query={"present": "1", "layer": "R6"})
    assert_ok(at)
    assert titles(at) == [f"Implementation map: R6 Standing regional capacity, {this_year()}"]
    desk = open_page(sqlite_reference_path, "map.py", query={"layer": "R6"})
    assert titles(desk) == ["Implementation map"]
