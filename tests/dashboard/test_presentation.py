"""Presentation mode's sequence: parsing view links, stepping round, keeping the filters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dashboard import presentation
from dashboard.presentation import View

KNOWN = {"", "map", "recommendations", "pillars", "changes", "timeline", "country"}


def test_the_default_sequence_and_a_custom_one() -> None:
    default = presentation.parse_views(None, known=KNOWN)
    assert [v.path for v in default] == [
        "",
        "map",
        "recommendations",
        "pillars",
        "changes",
        "timeline",
    ]
    custom = presentation.parse_views(
        "map?layer=R4&year=2020|/nowhere|country?participant=VNM", known=KNOWN
    )
    assert custom == [
        View("map", {"layer": "R4", "year": "2020"}),
        View("country", {"participant": "VNM"}),
    ]
    assert [v.path for v in presentation.parse_views("nowhere", known=KNOWN)] == [
        v.path for v in default
    ]


def test_the_next_view_keeps_filters_and_settings_but_not_page_choices() -> None:
    views = presentation.parse_views("map?layer=R4|recommendations", known=KNOWN)
    current = {
        "present": "1",
        "participants": "VNM",
        "from": "2011",
        "to": "2024",
        "layer": "R9",
        "interval": "30",
        "views": "x",
    }
    nxt = presentation.step(views, path="map", by=1)
    assert nxt.path == "recommendations"
    assert presentation.query_for(nxt, current=current) == {
        "present": "1",
        "participants": "VNM",
        "from": "2011",
        "to": "2024",
        "interval": "30",
        "views": "x",
    }
    back = presentation.step(views, path="recommendations", by=1)
    assert presentation.query_for(back, current=current)["layer"] == "R4"


@given(n=st.integers(1, len(KNOWN)), start=st.integers(0, 20), by=st.integers(-20, 20))
def test_stepping_goes_round_and_back(n: int, start: int, by: int) -> None:
    paths = sorted(KNOWN)[:n]
    views = [View(p) for p in paths]
    here = paths[start % n]
    there = presentation.step(views, path=here, by=by).path
    assert presentation.step(views, path=there, by=-by).path == here


def test_interval() -> None:
    assert [presentation.interval_seconds(x) for x in (None, "", "x", "0", "2", "30")] == [
        0,
        0,
        0,
        0,
        5,
        30,
    ]


def test_chart_summaries_say_what_the_rows_show() -> None:
    """Issue 19 item 9: a summary is a sentence a person can say: names not codes, words not
    column names, kinds as names, no 'ranges from 2 (x) to 2 (x)'."""
    import pandas as pd

    from dashboard.views.words import summarise

    cells = pd.DataFrame(
        {
            "participant_code": ["VNM", "THA", "LAO", "KHM"],
            "recommendation": ["R1", "R1", "R1", "R1"],
            "status_label": [
                "◑ Initiated",
                "◑ Initiated",
                "◌ Insufficient data (1 of 3 indicators)",
                "◷ Stale evidence: last known Initiated (2015)",
            ],
        }
    )
    assert summarise(cells, title="Tracker") == (
        "Tracker: 4 cells — 2 Initiated, 1 Insufficient data, 1 Stale evidence."
    )
    events = pd.DataFrame(
        {
            "date": ["2014-02-17", "2009-12-01"],
            "when": ["17 Feb 2014", "Dec 2009"],
            "title": ["a", "b"],
            "kind": ["arf_meeting", "arf meeting"],
        }
    )
    assert summarise(events, title="Events") == (
        "Events: 2 events from 1 Dec 2009 to 17 Feb 2014; most often ARF meeting (2)."
    )
    assert summarise(events.iloc[:1], title="Events") == (
        "Events: 1 event on 17 Feb 2014; most often ARF meeting (1)."
    )
    shares = pd.DataFrame({"name": ["Viet Nam", "Japan"], "share_initiated": [0.25, 0.75]})
    assert summarise(shares, title="Coverage") == (
        "Coverage: 2 rows; share at or above Initiated from 25% (Viet Nam) to 75% (Japan)."
    )
    same = pd.DataFrame({"name": ["Viet Nam", "Japan"], "average_status": [2.0, 2.0]})
    assert summarise(same, title="Average") == (
        "Average: 2 rows, average status 2 for every one with a value."
    )
    assert (
        summarise(shares.iloc[:0], title="Coverage")
        == "Coverage: nothing to show for this selection."
    )
    # the SG report's roles: counted, never "from 0 (SG1.01) to 0 (SG1.01)"
    roles = pd.DataFrame(
        {"pillar": [1, 1, 3], "role": ["SG1.01", "SG1.02", "SG3.01"], "name": ["a", "b", "c"],
         "covered": [False, True, False]}
    )  # fmt: skip
    said = summarise(roles, title="Roles")
    assert said == (
        "Roles: 1 of 3 regional roles addressed by a recommendation at or above Initiated "
        "(Pillar 1: 1 of 2; Pillar 3: 0 of 1)."
    )
    # a profile's pillar averages: each pillar by name, unknown said as such
    pillars = pd.DataFrame(
        {"pillar": [1, 3], "name": ["Protection", "Response"], "recommendations": [4, 1],
         "pairs": [4, 1], "with_data": [1, 1], "average_status": [float("nan"), 2.0]}
    )  # fmt: skip
    assert summarise(pillars, title="Viet Nam") == (
        "Viet Nam: Pillar 1 (Protection) not enough data (1 of 4 known); "
        "Pillar 3 (Response) 2.0 of 4 (1 of 1 known)."
    )
