"""Map: layers and years from the URL, the regional notice, a click opens the profile."""

from __future__ import annotations

from pathlib import Path

from apptest_support import (
    assert_ok,
    decks,
    query,
    run_with_widget_value,
    table,
    titles,
    warnings,
)
from conftest import OpenPage

from dashboard.filters import this_year

LAYERS = {"participants-polygons", "participants-points", "participants-labels"}


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
    assert query(at) == {"layer": "R1", "year": str(this_year()), "from": "2011", "to": str(this_year())}
    values = table(at, "Participant", "Status", "Value", "Date", "Source")
    assert len(values) == 27
    # a click on Viet Nam's point opens its profile, keeping the filters
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
    assert titles(at) == ["Viet Nam"]
    assert query(at)["participant"] == "VNM" and query(at)["pillars"] == "2"
    # st.switch_page drops every widget's state; the sidebar filters are put back
    assert at.sidebar.multiselect(key="f_pillars").value == [2]
    assert at.sidebar.slider(key="f_period").value == (2011, this_year())


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
    assert query(at) == {"layer": "R1", "year": str(this_year()), "from": "2011", "to": str(this_year())}
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
