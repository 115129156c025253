"""Recommendation tracker: the heatmap's rows and columns, the regional track, the evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from apptest_support import (
    OpenPage,
    assert_ok,
    dialogs,
    heatmap_cells,
    heatmap_labels,
    heatmap_symbols,
    plotly_figures,
    run_with_widget_value,
    table,
)
from streamlit.testing.v1 import AppTest

from dashboard.core.config import DATA_DIR
from dashboard.core.db import make_engine
from dashboard.filters import this_year
from dashboard.queries import participants

NATIONAL = ["R1", "R2", "R3", "R6", "R7", "R9", "R12"]
REGIONAL = ["R4", "R5", "R8", "R10", "R11"]


def _shipped(participant: str, prefix: str) -> pd.DataFrame:
    """The shipped observations of one participant on indicators starting with prefix,
    newest first."""
    obs = pd.read_csv(DATA_DIR / "evidence" / "observations.csv", dtype=str)
    obs = obs[(obs["participant"] == participant) & obs["indicator"].str.startswith(prefix)]
    obs = obs.assign(when=pd.to_datetime(obs["date"], format="mixed"))
    return obs.sort_values("when", ascending=False, kind="stable")


def _why(at: AppTest, recommendation: str, *, inside: Any = None) -> pd.DataFrame:
    """The "Why this status?" indicator table for one recommendation on the page (there is one
    for the regional track as well), or in a dialog (``inside``), by indicator code."""
    found = [
        d.value
        for d in (inside or at.main).get("dataframe")
        if {"indicator", "counted", "status reached", "code"} <= set(d.value.columns)
        and d.value["code"].str.startswith(recommendation + ".").all()
    ]
    assert len(found) == 1, f"{len(found)} why tables for {recommendation}"
    return found[0].set_index("code")


def test_heatmap_track_and_evidence(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "recommendations.py")
    assert_ok(at)
    heat = plotly_figures(at)[0]["data"][0]
    columns, rows = heatmap_labels(plotly_figures(at)[0])
    assert heat["type"] == "heatmap"
    assert columns == NATIONAL  # regional recommendations are not columns
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    participants_frame = participants(engine=engine)
    names = set(participants_frame["name"])
    engine.dispose()
    assert len(rows) == 27 and set(rows) == names
    # every cell's symbol is its click target: (participant code, recommendation) and the
    # hover text of that cell
    code_of = dict(zip(participants_frame["name"], participants_frame["code"], strict=True))
    for (row, column), cell in heatmap_cells(plotly_figures(at)[0]).items():
        assert cell["customdata"] == [code_of[row], column]
        assert cell["hover"].startswith(f"<b>{row} · {column}</b><br>{cell['symbol']} ")
    track = table(at, "Item", "Name", "Kind", "Status", "Related events")
    assert list(track["Item"]) == [*REGIONAL, "STEP1", "STEP2", "STEP3", "STEP4"]
    assert set(track[track["Item"].isin(REGIONAL)]["Kind"]) == {"regional recommendation"}
    assert (track["Related events"] >= 1).all()  # the memo itself names every item

    # sort by average status over the national recommendations with a current status this
    # year: Singapore (R3 at 3), then Australia (R1 3, R6 2) and Korea (R3 3, R6 2) at 2.5;
    # ties by name. Stale evidence has no status and counts for nothing here.
    at.radio(key="tracker_sort").set_value("score").run()
    assert_ok(at)
    columns, rows = heatmap_labels(plotly_figures(at)[0])
    assert rows[:3] == ["Singapore", "Australia", "Republic of Korea"]
    r1, r12 = columns.index("R1"), columns.index("R12")
    symbols = heatmap_symbols(plotly_figures(at)[0])
    assert [row[r1] for row in symbols[:3]] == ["–", "◕", "◷"]  # ◷ Korea's 2019 focal point
    assert [row[r12] for row in symbols[:3]] == ["◷", "◷", "–"]  # ◷ stale evidence only

    # evidence for a chosen participant and recommendation
    at.selectbox(key="cell_participant").set_value("AUS")
    at.selectbox(key="cell_rec").set_value("R1").run()
    assert_ok(at)
    ev = table(at, "When", "Indicator", "Value", "Source", "Code")
    shipped = _shipped("AUS", "R1.")
    assert list(ev["Code"]) == list(shipped["indicator"])
    # names and values in words (issue 19 item 9): no codes but the last column's
    names = {"R1.1": "National RtoP focal point", "R1.2": "Focal point engaged in RtoP dialogue"}
    assert list(ev["Indicator"]) == [names[c] for c in shipped["indicator"]]
    levels = {"3": "appointed", "4": "appointed and a member of the Global Network of R2P Focal Points"}
    words = [levels[v] if c == "R1.1" else "yes" for c, v in zip(shipped["indicator"], shipped["value"], strict=True)]
    assert list(ev["Value"]) == words
    assert list(ev["When"])[:2] == ["9 Sep 2021", "9 Sep 2021"]
    # why this status: R1.1 (3, 2021: its focal point named at the APPAP meeting, a stock)
    # counts; the 2021 R1.2 (a flow) has lapsed, so 1 of 2 indicators: at most Substantial
    why = _why(at, "R1")
    assert why.loc["R1.1", "counted"] == "yes"
    assert why.loc["R1.1", "indicator"] == "National RtoP focal point"
    assert (why.loc["R1.1", "value"], why.loc["R1.1", "date"]) == ("3 (appointed)", "2021-09-09")
    assert why.loc["R1.2", "counted"].startswith("no: outside its window")
    said = " ".join(m.value for m in at.markdown)
    assert f"Australia, R1 National focal point, {this_year()}: **Substantial progress**" in said
    assert "Coverage: 1 of 2 indicators with current data" in said
    assert "basis:" not in said  # no internal words: "computed" is said by the next line

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
    # the answer opens where the eye is: a drawer beside the chart, with the evidence
    (drawer,) = dialogs(at)
    assert drawer.proto.dialog.title == "Why this status? China, R12"
    assert drawer.proto.dialog.position  # a side drawer, not a box over the chart's centre
    in_drawer = " ".join(m.value for m in drawer.get("markdown"))
    assert f"China, R12 Region\\-to\\-region dialogue, {this_year()}: **No data**" in in_drawer
    assert set(_why(at, "R12", inside=drawer)["counted"].str[:3]) == {"no:"}
    drawn = [d.value for d in drawer.get("dataframe") if "When" in d.value.columns]
    assert list(drawn[0]["When"]) == ["7 Nov 2016", "4 Nov 2015", "28 Oct 2014"]
    assert at.selectbox(key="cell_participant_1").value == "CHN"  # new boxes on the clicked cell
    assert at.selectbox(key="cell_rec_1").value == "R12"
    (ev,) = [d.value for d in at.main.get("dataframe") if "Code" in d.value.columns]
    # China on R12 within 2011-now: Track Two regional dialogues (the CIIS-APR2P dialogues of
    # 2014 and 2015, the 2016 APPAP meeting); its UN debate statements are events, not R12
    assert list(ev["When"]) == ["7 Nov 2016", "4 Nov 2015", "28 Oct 2014"]
    assert set(ev["Code"]) == {"R12.1"} and set(ev["Value"]) == {"1 event per year"}
    said = " ".join(m.value for m in at.markdown)
    assert f"China, R12 Region\\-to\\-region dialogue, {this_year()}: **No data**" in said
    why = _why(at, "R12")  # the dialogues are flows that have lapsed
    assert why.loc["R12.1", "date"] == "2016-11-07"
    assert all(c.startswith("no: ") for c in why["counted"])


def test_participant_without_evidence_and_regional_only(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path, "recommendations.py", query={"participants": "VNM,THA"})
    assert_ok(at)
    assert heatmap_labels(plotly_figures(at)[0])[1] == ["Thailand", "Viet Nam"]
    symbols = heatmap_symbols(plotly_figures(at)[0])
    # every cell says "No data" but R6: both took part in multinational exercises (2025)
    assert {s for row in symbols for s in row} == {"–", "◑"}
    assert any("No observations for Thailand on R1" in i.value for i in at.info)
    at.sidebar.multiselect(key="f_recs").set_value(["R4", "R5"]).run()
    assert_ok(at)
    assert "No national recommendations in this selection." in [i.value for i in at.info]
    assert list(table(at, "Item", "Kind")["Item"])[:2] == ["R4", "R5"]


def test_treaty_commitments_are_a_track_of_their_own(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    """Issue 17: every State has a record for each of the four treaties (party, signed, or not
    a party as of a date), the EU says it is not open to it, and the Overview counts them."""
    at = open_page(sqlite_reference_path, "recommendations.py")
    assert_ok(at)
    grid = table(at, "Participant", "Genocide Convention", "Arms Trade Treaty").set_index("Participant")
    assert len(grid) == 27
    assert grid.loc["Viet Nam", "Genocide Convention"] == "party since 1981"
    assert set(grid.loc["European Union"]) == {"not open to it"}
    states = grid.drop(index="European Union")
    assert not (states == "no record").any().any()  # every State, every treaty, on record
    assert all(t.split(" ")[0] in ("party", "signed", "not") for t in states.to_numpy().ravel())
    overview = open_page(sqlite_reference_path)
    said = " ".join(m.value for m in overview.markdown)
    from dashboard.ui.why import md_escape

    assert md_escape("Genocide Convention: 21 parties, 5 not a party (of 26 States)") in said
