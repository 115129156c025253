"""Participant profile: title, scorecard, evidence, the participant in the URL."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from apptest_support import OpenPage, assert_ok, plotly_figures, query, table, titles, warnings
from sqlalchemy import text

from dashboard import views
from dashboard.core import scoring
from dashboard.core.config import DATA_DIR
from dashboard.core.db import make_engine
from dashboard.filters import Filters
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
    engine = make_engine(url=f"sqlite:///{sqlite_sample_path}")
    ds = views.load_dataset(engine=engine, include_sample=True)
    engine.dispose()
    for code in ["VNM", "AUS", "SGP", "EUU", "CHN"]:
        if code != "VNM":
            at.selectbox(key="p_participant").set_value(code).run()
        assert_ok(at)
        assert titles(at) == [names[code]], code
        assert query(at)["participant"] == code
        card = table(at, "Rec.", "Status", "Trend", "Coverage")
        assert list(card["Rec."]) == [r for r in RECS if r not in REGIONAL]  # its own, first
        region = table(at, "Rec.", "The region's status")  # apart: not the participant's own
        assert set(region["Rec."]) == REGIONAL
        events = views.participant_events(ds=ds, filters=Filters(sample=True), participant=code)
        assert len(plotly_figures(at)) == (2 if len(events) else 1), code
        if not len(events):  # a notice, not an empty chart with four downloads
            assert f"{names[code]}: events: nothing to show for this selection." in [
                i.value for i in at.info
            ]
        memberships = next(m.value for m in at.markdown if m.value.startswith("**Memberships:**"))
        assert "ASEAN Regional Forum" in memberships
        assert ("Association of Southeast Asian Nations" in memberships) == (code in {"VNM", "SGP"})


def _status_by_rule(db: Path, participant: str, indicators: list[str], year: int) -> int | None:
    """Rule 2.1 of dashboard/core/scoring.py by hand for one recommendation with these indicators.

    Each indicator: its latest value up to 31 December (a flow only within its window of
    years, a stock only within its age limit: stale evidence does not count), status = the
    highest threshold reached, scaled to its ceiling. Coverage below half is no status (None);
    otherwise the floor of the mean scaled status times the recommendation's ceiling, at most
    the best indicator status, and at most 3 unless every indicator is observed.
    """
    engine = make_engine(url=f"sqlite:///{db}")
    scaled, best, ceilings = [], 0, []
    with engine.connect() as conn:
        for code in indicators:
            thresholds_text, measure, window, age_limit = conn.execute(
                text(
                    "SELECT thresholds, measure, window_years, stale_after_years FROM indicator "
                    "WHERE code = :i"
                ),
                {"i": code},
            ).one()
            thresholds = scoring.parse_thresholds(thresholds_text)
            ceiling = max(i + 1 for i, t in enumerate(thresholds) if math.isfinite(t))
            ceilings.append(ceiling)
            row = conn.execute(
                text(
                    "SELECT value, date FROM observation WHERE participant_code = :p AND "
                    "indicator_code = :i AND date <= :d ORDER BY date DESC LIMIT 1"
                ),
                {"p": participant, "i": code, "d": f"{year}-12-31"},
            ).one_or_none()
            if row is None:
                continue
            value, date = row
            if measure == "flow" and year - int(str(date)[:4]) >= int(window or 2):
                continue  # a flow counts for its year and the next only
            if measure == "stock" and age_limit and year - int(str(date)[:4]) > int(age_limit):
                continue  # stale: past the stock's age limit
            status = sum(value >= t for t in thresholds)
            best = max(best, status)
            scaled.append(status / ceiling)
    engine.dispose()
    if len(scaled) / len(indicators) < 0.5:
        return None
    status = min(math.floor(sum(scaled) / len(scaled) * max(ceilings) + 1e-9), best)
    return status if len(scaled) == len(indicators) else min(status, 3)


def _evidence_rows(participant: str, first: int, last: int) -> int:
    """Shipped observations of the participant dated within [first, last]."""
    obs = pd.read_csv(DATA_DIR / "evidence" / "observations.csv", dtype=str)
    years = obs["date"].str[:4].astype(int)
    return int(((obs["participant"] == participant) & years.between(first, last)).sum())


def test_australia_documented_scorecard(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "country.py", query={"participant": "AUS", "to": "2015"})
    assert_ok(at)
    assert titles(at) == ["Australia"]
    card = table(at, "Rec.", "Status", "Trend", "Last update", "Coverage").set_index("Rec.")
    # R1.1 = 3 (status 3 of ceiling 4 on 1|2|3|4) and R1.2 = 1 (status 3 of ceiling 3 on
    # 1|1|1|): floor(mean(3/4, 3/3) * 4) = floor(3.5) = 3, at most the best indicator (3)
    expected = _status_by_rule(sqlite_reference_path, "AUS", ["R1.1", "R1.2"], 2015)
    assert expected == 3
    assert card.loc["R1", "Status"] == views.status_label(expected) == "◕ Substantial progress"
    assert card.loc["R1", "Coverage"] == "2 of 2"
    assert card.loc["R1", "Last update"] == "2015-11-04"  # R1.2, the newest observation used
    # 2013: the focal point Australia named at the UN dialogue and the 2012 network meeting it
    # co-hosted; 2014: the focal point alone (1 of 2 indicators: at the 50% minimum)
    assert _status_by_rule(sqlite_reference_path, "AUS", ["R1.1", "R1.2"], 2013) == 3
    assert _status_by_rule(sqlite_reference_path, "AUS", ["R1.1", "R1.2"], 2014) == 3
    assert card.loc["R1", "Trend"] == "► same"
    # R12 (three indicators): Track Two regional RtoP dialogues in 2015 (R12.1) only
    r12 = ["R12.1", "R12.2", "R12.4"]
    assert _status_by_rule(sqlite_reference_path, "AUS", r12, 2015) is None
    assert card.loc["R12", "Status"] == "◌ Insufficient data (1 of 3 indicators)"
    assert card.loc["R12", "Coverage"] == "1 of 3"
    # the regional R8 (ad hoc ARF SALW workshops, 2005) is stale evidence, apart from its own
    region = table(at, "Rec.", "The region's status").set_index("Rec.")
    assert region.loc["R8", "The region's status"] == "◷ Stale evidence: last known Initiated (2005)"
    # why this status? (R1 by default): one row per indicator, both counted
    assert at.selectbox(key="scorecard_pick").value == "R1"
    why = table(at, "indicator", "counted", "status reached").set_index("code")
    assert list(why.index) == ["R1.1", "R1.2"]
    assert list(why["indicator"]) == ["National RtoP focal point", "Focal point engaged in RtoP dialogue"]
    assert list(why["counted"]) == ["yes", "yes"]
    assert (why.loc["R1.1", "records"], why.loc["R1.2", "records"]) == ("a lasting state", "an event in a year")
    evidence = table(at, "When", "Rec.", "Indicator", "Value", "Code")
    assert len(evidence) == _evidence_rows("AUS", 2011, 2015)
    r11 = evidence[evidence["Code"] == "R1.1"]
    assert list(r11["When"]) == ["Nov 2015", "11 Sep 2013"]  # 2016 and later: after the period
    assert set(r11["Indicator"]) == {"National RtoP focal point"}
    # treaty commitments in words, with their dates
    treaties = table(at, "Treaty", "Record").set_index("Treaty")
    assert treaties.loc["Arms Trade Treaty", "Record"] == "party since 3 Jun 2014"
    assert treaties.loc["Genocide Convention", "Record"] == "party since 8 Jul 1949"
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    ds = views.load_dataset(engine=engine, include_sample=False)
    engine.dispose()
    by_pillar = views.pillar_status_for(ds=ds, filters=Filters(), participant="AUS", year=2015)
    shown = plotly_figures(at)[0]
    assert "average status by pillar" in shown["layout"]["title"]["text"]
    if by_pillar["average_status"].isna().all():
        notes = [a["text"] for a in shown["layout"]["annotations"]]
        assert "Not enough data for an average by pillar." in notes
    assert any("· method v2.1 ·" in a["text"].replace("<br>", " ") for a in shown["layout"]["annotations"])
    # 2011: the 2009-2010 evidence (the R2P Fund programme, the CSCAP study group) still
    # counts; the Arms Trade Treaty did not exist yet, so there is no record of it
    at.sidebar.slider(key="f_period").set_value((2011, 2011)).run()
    assert_ok(at)
    assert _evidence_rows("AUS", 2011, 2011) == 0
    national = table(at, "Rec.", "Status", "Coverage").set_index("Rec.")
    assert len(national) == 7
    assert national.loc["R1", "Status"] == views.status_label(None)
    treaties = table(at, "Treaty", "Record").set_index("Treaty")
    assert treaties.loc["Arms Trade Treaty", "Record"] == "no record found"


def test_viet_nam_profile_does_not_contradict_itself(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    """Issue 19, item 4: no 'no observations' above evidence rows, treaty status in words, the
    ARF-wide and ASEAN-wide events a member shares."""
    at = open_page(sqlite_reference_path, "country.py", query={"participant": "VNM"})
    assert_ok(at)
    evidence = table(at, "When", "Rec.", "Indicator", "Value")
    notes = [i.value for i in at.info]
    # the pillar chart's summary reads as a sentence: each pillar by name, what is known
    (summary,) = [c.value for c in at.caption if c.value.startswith("Chart summary: Viet Nam: average status")]
    assert "ranges from" not in summary and "Pillar 1 (Protection responsibilities of the State)" in summary
    assert "not enough data" in summary or " of 4 (" in summary
    assert len(evidence) > 0
    assert not any(n.startswith("No evidence recorded") or "No observations" in n for n in notes)
    treaties = table(at, "Treaty", "Record").set_index("Treaty")
    assert treaties.loc["Genocide Convention", "Record"] == "party since 9 Jun 1981"
    assert treaties.loc["Convention against Torture", "Record"].startswith("party since ")
    assert not any("Implemented" in r or "Not started" in r for r in treaties["Record"])
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    ds = views.load_dataset(engine=engine, include_sample=False)
    engine.dispose()
    events = views.participant_events(ds=ds, filters=Filters(), participant="VNM")
    assert "ARF-wide" in set(events["scope"]) and "ASEAN-wide" in set(events["scope"])
    assert any("Ha Noi Plan of Action" in t for t in events["title"])
    eu = open_page(sqlite_reference_path, "country.py", query={"participant": "EUU"})
    eu_treaties = table(eu, "Treaty", "Record")
    assert set(eu_treaties["Record"]) == {"not open to it: the treaty admits States only"}


def test_unknown_participant_falls_back(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path, "country.py", query={"participant": "ZZZ"})
    assert_ok(at)
    assert "Ignored unknown participant 'ZZZ' in the link." in warnings(at)
    assert titles(at) == ["Australia"]
    assert query(at)["participant"] == "AUS"
    at.run()
    assert not [w for w in warnings(at) if "ZZZ" in w]
