"""Participant profile: title, scorecard, evidence, the participant in the URL."""

from __future__ import annotations

import math
from pathlib import Path

from apptest_support import assert_ok, plotly_figures, query, table, titles, warnings
from conftest import OpenPage
from sqlalchemy import text

from dashboard import scoring, views
from dashboard.db import make_engine
from dashboard.queries import participants

RECS = [f"R{i}" for i in range(1, 13)]
REGIONAL = {"R4", "R5", "R8", "R10", "R11"}


def _names(db: Path) -> dict[str, str]:
    engine = make_engine(url=f"sqlite:///{db}")
    people = participants(engine=engine)
    engine.dispose()
    return dict(zip(people["code"], people["name"], strict=True))


def test_profiles_from_link_and_selector(open_page: OpenPage, sqlite_sample_path: Path) -> None:
    names = _names(sqlite_sample_path)
    at = open_page(sqlite_sample_path, "country.py", query={"participant": "VNM"})
    for code in ["VNM", "AUS", "SGP", "EUU", "CHN"]:
        if code != "VNM":
            at.selectbox(key="p_participant").set_value(code).run()
        assert_ok(at)
        assert titles(at) == [names[code]], code
        assert query(at)["participant"] == code
        card = table(at, "Rec.", "Status", "Trend", "Level")
        assert list(card["Rec."]) == RECS
        assert set(card[card["Level"] == "regional"]["Rec."]) == REGIONAL
        assert len(plotly_figures(at)) == 2
        memberships = next(m.value for m in at.markdown if m.value.startswith("**Memberships:**"))
        assert "ASEAN Regional Forum" in memberships
        assert ("Association of Southeast Asian Nations" in memberships) == (code in {"VNM", "SGP"})


def _status_by_rule(db: Path, participant: str, indicators: list[str], year: int) -> int:
    """Rule 1-3 of dashboard/scoring.py by hand: floor of the mean indicator status."""
    engine = make_engine(url=f"sqlite:///{db}")
    statuses = []
    with engine.connect() as conn:
        for code in indicators:
            value = conn.execute(
                text(
                    "SELECT value FROM observation WHERE participant_code = :p AND "
                    "indicator_code = :i AND date <= :d ORDER BY date DESC LIMIT 1"
                ),
                {"p": participant, "i": code, "d": f"{year}-12-31"},
            ).scalar_one()
            thresholds = scoring.parse_thresholds(
                conn.execute(
                    text("SELECT thresholds FROM indicator WHERE code = :i"), {"i": code}
                ).scalar_one()
            )
            statuses.append(sum(value >= t for t in thresholds))
    engine.dispose()
    return math.floor(sum(statuses) / len(statuses))


def test_australia_documented_scorecard(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "country.py", query={"participant": "AUS", "to": "2015"})
    assert_ok(at)
    assert titles(at) == ["Australia"]
    card = table(at, "Rec.", "Status", "Trend", "Last update", "Basis").set_index("Rec.")
    # R1.1 = 4 (status 4 on 1|2|3|4) and R1.2 = 1 (status 3 on 1|1|1|): floor(3.5) = 3
    expected = _status_by_rule(sqlite_reference_path, "AUS", ["R1.1", "R1.2"], 2015)
    assert expected == 3
    assert card.loc["R1", "Status"] == views.status_label(expected) == "◕ Substantial progress"
    assert card.loc["R1", "Last update"] == "2015-11-01"
    assert card.loc["R1", "Basis"] == "computed"
    # R12.1 = 1 in 2014 and again in 2015: same status, shown as a trend
    assert card.loc["R12", "Trend"] == "► same"
    assert card.loc["R2", "Status"] == views.status_label(None)
    evidence = table(at, "Date", "Rec.", "Indicator", "Value")
    assert len(evidence) == 5
    assert list(evidence["Date"]) == sorted(evidence["Date"], reverse=True)
    r11 = evidence[evidence["Indicator"] == "R1.1"].iloc[0]
    assert (r11["Value"], r11["Date"]) == (4.0, "2015-11-01")
    pillars = plotly_figures(at)[0]
    assert pillars["data"] and pillars["data"][0]["type"] == "bar"
    # before the evidence there is none
    at.sidebar.slider(key="f_period").set_value((2011, 2013)).run()
    assert_ok(at)
    card = table(at, "Rec.", "Status")
    assert set(card["Status"]) == {views.status_label(None)}
    assert "No observations for this participant in this period yet." in [i.value for i in at.info]


def test_unknown_participant_falls_back(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "country.py", query={"participant": "ZZZ"})
    assert_ok(at)
    assert "Ignored unknown participant 'ZZZ' in the link." in warnings(at)
    assert titles(at) == ["Australia"]
    assert query(at)["participant"] == "AUS"
    at.run()
    assert not [w for w in warnings(at) if "ZZZ" in w]
