"""Recommendation tracker: the heatmap's rows and columns, the regional track, the evidence."""

from __future__ import annotations

from pathlib import Path

from apptest_support import assert_ok, plotly_figures, run_with_widget_value, table
from conftest import OpenPage

from dashboard.db import make_engine
from dashboard.queries import participants

NATIONAL = ["R1", "R2", "R3", "R6", "R7", "R9", "R12"]
REGIONAL = ["R4", "R5", "R8", "R10", "R11"]


def test_heatmap_track_and_evidence(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "recommendations.py")
    assert_ok(at)
    heat = plotly_figures(at)[0]["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["x"] == NATIONAL  # regional recommendations are not columns
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    names = set(participants(engine=engine)["name"])
    engine.dispose()
    assert len(heat["y"]) == 27 and set(heat["y"]) == names
    track = table(at, "Item", "Name", "Kind", "Status", "Related events")
    assert list(track["Item"]) == [*REGIONAL, "STEP1", "STEP2", "STEP3", "STEP4"]
    assert set(track[track["Item"].isin(REGIONAL)]["Kind"]) == {"regional recommendation"}
    assert (track["Related events"] >= 1).all()  # the memo itself names every item

    # sort by average status: Australia (3, 2, 3) before China (2, 2, 3), then no data
    at.radio(key="tracker_sort").set_value("score").run()
    assert_ok(at)
    assert plotly_figures(at)[0]["data"][0]["y"][:2] == ["Australia", "China"]

    # evidence for a chosen participant and recommendation
    at.selectbox(key="cell_participant").set_value("AUS")
    at.selectbox(key="cell_rec").set_value("R1").run()
    assert_ok(at)
    ev = table(at, "Date", "Indicator", "Value", "Source")
    assert list(ev["Indicator"]) == ["R1.1", "R1.2"]
    assert list(ev["Value"]) == [4.0, 1.0]

    # a click on the cell (China, R12) selects it for the evidence
    run_with_widget_value(
        at,
        "tracker_heatmap",
        {
            "selection": {
                "points": [
                    {
                        "curve_number": 1,
                        "point_number": 0,
                        "point_index": 0,
                        "x": "R12",
                        "y": "China",
                        "customdata": ["CHN", "R12"],
                    }
                ],
                "point_indices": [0],
                "box": [],
                "lasso": [],
            }
        },
    )
    assert_ok(at)
    assert at.selectbox(key="cell_participant").value == "CHN"
    assert at.selectbox(key="cell_rec").value == "R12"
    ev = table(at, "Date", "Indicator", "Value", "Source")
    assert list(ev["Date"]) == ["2015-01-01", "2014-01-01"]


def test_participant_without_evidence_and_regional_only(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path, "recommendations.py", query={"participants": "VNM,THA"})
    assert_ok(at)
    heat = plotly_figures(at)[0]["data"][0]
    assert heat["y"] == ["Thailand", "Viet Nam"]
    assert {s for row in heat["text"] for s in row} == {"–"}  # every cell says "No data"
    assert any("No observations for Thailand on R1" in i.value for i in at.info)
    at.sidebar.multiselect(key="f_recs").set_value(["R4", "R5"]).run()
    assert_ok(at)
    assert "No national recommendations in this selection." in [i.value for i in at.info]
    assert list(table(at, "Item", "Kind")["Item"])[:2] == ["R4", "R5"]
