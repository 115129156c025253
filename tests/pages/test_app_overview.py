"""Overview headline figures against a direct computation and a hand count of the evidence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from apptest_support import OpenPage, assert_ok, decks, metrics, plotly_figures

from dashboard import views
from dashboard.core.config import DATA_DIR
from dashboard.core.db import make_engine
from dashboard.core.inputs import observations
from dashboard.filters import DEFAULT_FROM, RECOMMENDATIONS, Filters, this_year
from dashboard.queries import participants
from dashboard.ui import why

CELLS = "National cells with a current status"
FOCAL = "Participants with an RtoP focal point"
NATIONAL = "National recommendations ≥ Initiated"
REGIONAL = "Regional recommendations ≥ Initiated"
PILLAR_1 = "Pillar 1 average"


def _focal_points_by_hand(db: Path, year: int, *, stale_too: bool = False) -> int:
    """Participants whose latest R1.1 value up to `year` is 3 (appointed) or more, and at most
    five years old (R1.1's age limit; older is stale evidence, not a current focal point)."""
    engine = make_engine(url=f"sqlite:///{db}")
    obs = observations(engine=engine, include_sample=True)
    engine.dispose()
    r11 = obs[(obs["indicator_code"] == "R1.1") & (obs["date"].dt.year <= year)]
    # latest per participant; on the same date the documented value wins over the sample
    r11 = r11.sort_values(["date", "synthetic"], ascending=[True, False])
    latest = r11.groupby("participant_code")[["value", "date"]].last()
    current = latest["date"].dt.year >= year - 5
    return int(((latest["value"] >= 3) & (current | stale_too)).sum())


def test_headlines_match_the_views_and_a_hand_count(
    open_page: OpenPage, sqlite_sample_path: Path
) -> None:
    at = open_page(sqlite_sample_path)
    assert_ok(at)
    engine = make_engine(url=f"sqlite:///{sqlite_sample_path}")
    ds = views.load_dataset(engine=engine, include_sample=True)
    n = len(participants(engine=engine))
    engine.dispose()
    expected = {
        h.label: (h.value, h.delta or "")
        for h in views.headlines(ds=ds, filters=Filters(), since=DEFAULT_FROM)
    }
    shown = metrics(at)
    assert shown == expected
    assert list(shown)[:4] == [CELLS, FOCAL, NATIONAL, REGIONAL]  # how much is known, first
    assert PILLAR_1 in shown
    assert any(c.value.startswith("Protection responsibilities of the State · ") for c in at.caption)
    now = _focal_points_by_hand(sqlite_sample_path, this_year())
    then = _focal_points_by_hand(sqlite_sample_path, DEFAULT_FROM)
    assert shown[FOCAL] == (f"{now} of {n}", f"{now - then:+d} since {DEFAULT_FROM}")
    assert now > 1  # the sample adds focal points to the documented one
    # the latest events (a list: newest first, escaped text, the source named) and freshness
    events = views.latest_events(ds=ds, filters=Filters())
    listed = [m.value for m in at.markdown if m.value.startswith("- **") and " · " in m.value]
    assert len(listed) == 1
    lines = listed[0].split("\n")
    assert len(lines) == len(events) == 8
    for line, (_, event) in zip(lines, events.iterrows(), strict=True):
        assert line.startswith(f"- **{why.md_escape(event['when'])}** · {why.md_escape(event['title'])}")
        if str(event["source"]).casefold() == str(event["title"]).casefold():
            assert "Source:" not in line  # named once, as the event
        else:
            assert line.endswith(f"*Source: {why.md_escape(event['source'])}*")
    assert any("Source:" in line for line in lines)
    fresh = " ".join(m.value for m in at.markdown)
    assert "Observations" in fresh and "sample)" in fresh
    assert len(decks(at)) == 1


def test_documented_evidence_by_hand(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    # Focal points on record by 2015: Australia and New Zealand (their own references at the
    # September 2013 UN dialogue), Japan (September 2015); by 2014 the first two.
    assert _focal_points_by_hand(sqlite_reference_path, 2015) == 3
    assert _focal_points_by_hand(sqlite_reference_path, 2014) == 2
    assert _focal_points_by_hand(sqlite_reference_path, 2010) == 0
    at = open_page(sqlite_reference_path, query={"to": "2015"})
    assert_ok(at)
    shown = metrics(at)
    assert shown[FOCAL] == ("3 of 27", "+3 since 2011")
    # How much is known comes first: 24 of the 189 national cells have a current status.
    assert shown[CELLS] == ("24 of 189", "")
    said = [c.value for c in at.caption]
    assert "4 stale · 7 insufficient · 154 no data" in said
    # No national recommendation has a status for half of the participants: not enough data,
    # never "0 of 7" with a change beside it.
    assert shown[NATIONAL] == ("not enough data", "")
    assert "0 of 7 known" in said
    # Regional: R11 only (the 2011 Joint Declaration and 2015 summit evidence), at Initiated or above
    assert shown[REGIONAL] == ("1 of 1 known", "+0 since 2011")
    assert "1 of 5 with enough data" in said
    assert shown[PILLAR_1] == ("not enough data", "")
    at.select_slider(key="overview_since").set_value(2015).run()
    assert_ok(at)
    assert metrics(at)[FOCAL] == ("3 of 27", "+0 since 2015")
    at.sidebar.slider(key="f_period").set_value((2011, 2014)).run()
    assert_ok(at)
    assert metrics(at)[FOCAL] == ("2 of 27", "+2 since 2011")
    at.sidebar.multiselect(key="f_participants").set_value(["AUS", "CHN"])
    at.sidebar.slider(key="f_period").set_value((2011, this_year())).run()
    assert_ok(at)
    # Australia (its focal point named in 2021); China has none on record
    assert metrics(at)[FOCAL] == ("1 of 2", "+1 since 2011")
    fresh = {
        m.value.split("**: ")[0].strip("- *"): m.value.split("**: ")[-1]
        for m in at.markdown
        if m.value.startswith("- **")
    }
    shipped = pd.read_csv(DATA_DIR / "evidence" / "observations.csv", dtype=str)
    assert fresh["Latest observation"] == str(
        pd.to_datetime(shipped["date"], format="mixed").max().date()
    )
    # the selection's count (Australia and China, the period) beside every one on record
    mine = shipped[shipped["participant"].isin(["AUS", "CHN"])]
    years = pd.to_datetime(mine["date"], format="mixed").dt.year
    chosen = int(years.between(2011, this_year()).sum())
    assert fresh["Observations"] == (
        f"{chosen} in this selection (2011–{this_year()}; the Exports page's file), "
        f"of {len(shipped)} on record"
    )


def test_a_lapse_is_not_a_decline_and_unknown_is_not_zero(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    """2026 against 2011: the regional recommendation that was at Initiated or above (R11) has
    no current status now. The figure says it lapsed; it does not show a fall in red."""
    at = open_page(sqlite_reference_path, query={"to": str(this_year())})
    assert_ok(at)
    shown = metrics(at)
    said = [c.value for c in at.caption]
    assert shown[REGIONAL] == ("not enough data", "")
    assert "0 of 5 known · 1 lapsed since 2011 (evidence too old)" in said
    assert shown[NATIONAL][1] == "" or not shown[NATIONAL][1].startswith("-")


def test_overview_map_values(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    at = open_page(sqlite_reference_path)
    (deck,) = decks(at)
    points = next(layer for layer in deck["layers"] if layer["id"] == "participants-points")
    rows = pd.DataFrame(points["data"])
    assert len(rows) == 27
    # participants with a status on a (national) recommendation this year, from the evidence
    engine = make_engine(url=f"sqlite:///{sqlite_reference_path}")
    ds = views.load_dataset(engine=engine, include_sample=False)
    engine.dispose()
    levels = views.rec_levels(ds)
    now = ds.status[
        (ds.status["year"] == this_year())
        & ds.status["recommendation"].isin(RECOMMENDATIONS)
        & (ds.status["recommendation"].map(levels) != "region")
    ]
    with_status = set(now["participant_code"])
    # current statuses only (stale evidence is not a status): R1, R3, R6, R12 records
    assert len(with_status) >= 10 and {"AUS", "MNG", "THA"} <= with_status
    # stale evidence only (rule 2.1) reads as such, not as no data (issue 19 item 6)
    cells = ds.cells[
        (ds.cells["year"] == this_year())
        & ds.cells["recommendation"].isin(set(now["recommendation"]) | set(RECOMMENDATIONS))
        & (ds.cells["recommendation"].map(levels) != "region")
    ]
    stale_only = set(cells.loc[cells["result"] == "stale evidence", "participant_code"]) - with_status
    assert stale_only  # the EU's and others' older records
    label = dict(zip(rows["code"], rows["status_label"], strict=True))
    assert {c for c, text in label.items() if text.startswith("◷ Stale evidence")} == stale_only
    shown = {c for c, text in label.items() if text[0] in "○◔◑◕●"}
    assert shown == with_status
    assert (rows["status_label"] == views.status_label(None)).sum() == (
        27 - len(with_status) - len(stale_only)
    )
    assert label["JPN"] != views.status_label(3)  # its 2015 focal point is stale evidence now


def test_one_participant_reads_the_same_on_the_overview_and_its_profile(
    open_page: OpenPage, sqlite_sample_path: Path
) -> None:
    """Viet Nam's average status by pillar: the Overview filtered to it and its profile agree,
    and neither counts the regional recommendations (acts of the ARF as a whole)."""
    query = {"participants": "VNM", "to": "2024"}
    overview = open_page(sqlite_sample_path, query=query)
    assert_ok(overview)
    shown = metrics(overview)
    profile = open_page(sqlite_sample_path, "country.py", query={**query, "participant": "VNM"})
    assert_ok(profile)
    bars = next(f for f in plotly_figures(profile) if "by pillar" in f["layout"]["title"]["text"])
    on_profile = dict(zip(bars["data"][0]["y"], bars["data"][0]["text"], strict=True))
    engine = make_engine(url=f"sqlite:///{sqlite_sample_path}")
    ds = views.load_dataset(engine=engine, include_sample=True)
    engine.dispose()
    filters = Filters(participants=("VNM",), to_year=2024, sample=True)
    summary = views.pillar_summary(ds=ds, filters=filters, year=2024)
    assert summary["average_status"].notna().sum() >= 2  # the sample gives Viet Nam data
    for row in summary.itertuples():
        value = "not enough data" if pd.isna(row.average_status) else f"{row.average_status:.1f}"
        label = f"Pillar {row.pillar} average"
        assert any(c.value.startswith(f"{row.name} · ") for c in overview.caption)
        assert shown[label][0] == (value if value == "not enough data" else f"{value} / 4")
        bar = next(text for y, text in on_profile.items() if y.startswith(f"Pillar {row.pillar}<br>"))
        assert bar == value, (row.pillar, bar, value)
    # by hand: the mean over Viet Nam's national recommendations of pillar 1 only
    levels, primary = views.rec_levels(ds), ds.items.set_index("code")["primary_pillar"]
    cells = ds.status[(ds.status["participant_code"] == "VNM") & (ds.status["year"] == 2024)]
    national = cells[
        cells["recommendation"].isin(RECOMMENDATIONS) & cells["recommendation"].map(levels).ne("region")
    ]
    pillar_1 = national[national["recommendation"].map(primary).eq(1)]["status"]
    assert summary.set_index("pillar").at[1, "average_status"] == round(pillar_1.mean(), 2)


def test_where_the_region_stands_counts_the_trackers_cells(
    open_page: OpenPage, sqlite_sample_path: Path
) -> None:
    """The Overview's bars and the tracker's heatmap show the same thing: for each national
    recommendation, the count of each status symbol in the tracker's column is the Overview's
    segment; the regional list names every regional recommendation with the tracker's status."""
    from apptest_support import heatmap_cells

    at = open_page(sqlite_sample_path, "overview.py")
    assert_ok(at)
    bars = next(f for f in plotly_figures(at) if "Where the region stands" in f["layout"]["title"]["text"])
    shown = {
        (row.split(" ")[0], trace["name"].split(" ")[0]): count
        for trace in bars["data"]
        for row, count in zip(trace["y"], trace["x"], strict=True)
        if count
    }
    assert sum(shown.values()) == 27 * 7  # 27 participants x 7 national recommendations
    # its text alternative says the counts; its source line names the evidence behind them
    summary = next(c.value for c in at.caption if c.value.startswith("Chart summary: Where"))
    assert "7 recommendations, each over 27 participants — R1: " in summary
    r1 = [(label, n) for (rec, label), n in shown.items() if rec == "R1"]
    assert all(f"{n} " in summary.split("R2:")[0] for _, n in r1)
    source = " ".join(str(a.get("text", "")) for a in bars["layout"]["annotations"])
    assert "Source: RtoP Monitor database" not in source and "Source: " in source
    said = " ".join(m.value for m in at.markdown)
    for rec in ("R4", "R5", "R8", "R10", "R11"):
        assert f"- {rec} " in said

    at.switch_page("recommendations.py").run()
    assert_ok(at)
    cells = heatmap_cells(plotly_figures(at)[0])
    counted: dict[tuple[str, str], int] = {}
    for (_, rec), cell in cells.items():
        counted[(rec, cell["symbol"])] = counted.get((rec, cell["symbol"]), 0) + 1
    assert shown == counted
