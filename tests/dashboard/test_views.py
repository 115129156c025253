"""Views on the documented evidence, checked against values worked out by hand from the seeds."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hyp

from dashboard import views
from dashboard.core.db import make_engine
from dashboard.filters import Filters
from loaders.store import load_bytes

DATA = Path(__file__).parent.parent.parent / "data"


@pytest.fixture
def ds(template_dir: Path, tmp_path: Path) -> views.Dataset:
    path = tmp_path / "ref.sqlite"
    shutil.copy(template_dir / "reference.sqlite", path)
    engine = make_engine(url=f"sqlite:///{path}")
    # two of R4's four region indicators: 1 of 4 in 2018 (insufficient), 2 of 4 from 2019
    regional = (
        b"participant,indicator,date,value,source\n"
        b"region,R4.1,2018,2,ARF chair statement 2018\n"
        b"region,R4a.1,2019,2,ARF chair statement 2019\n"
    )
    load_bytes(engine=engine, data=regional, name="regional.csv")
    return views.load_dataset(engine=engine, include_sample=False)


def test_regional_layer_shows_the_regions_status_everywhere(ds: views.Dataset) -> None:
    values = views.map_values(ds=ds, filters=Filters(), layer="R4", year=2020)
    assert len(values) == 27
    # R4.1 = 2 and R4a.1 = 2 on thresholds 1|2|3|4 are status 2 each; coverage 2 of 4 (50%)
    assert set(values["status_label"]) == {"◑ Initiated"}
    assert set(values["value"]) == {"2 of 4 indicators; computed"}
    assert views.regional_value(ds=ds, layer="R4", year=2020) == "◑ Initiated"
    # in 2018 only R4.1 is known: 1 of 4 is below the 50% minimum, shown everywhere as such
    early = views.map_values(ds=ds, filters=Filters(), layer="R4", year=2018)
    assert len(early) == 27 and set(early["status_label"]) == {"◌ Insufficient data"}
    assert set(early["value"]) == {"1 of 4 indicators; computed"} and early["status"].isna().all()


def test_national_layer_and_focal_point(ds: views.Dataset) -> None:
    values = views.map_values(ds=ds, filters=Filters(), layer="R1.1", year=2016).set_index("code")
    # 4 from the APCR2P study (2016-07) supersedes 3 from the 2015-11 dialogue; levels are named
    aus = values.loc["AUS"]
    assert aus["value"] == "4 (appointed and a member of the Global Network of R2P Focal Points)"
    assert (aus["status_label"], aus["date"]) == ("● Implemented", "2016-07-01")
    assert values.loc["VNM", "status_label"] == "– No data"
    assert values.loc["SGP", "lat"] == pytest.approx(1.35)  # Singapore has a point to click


def test_scorecard_trend_and_regional_rows(ds: views.Dataset) -> None:
    before = views.scorecard(ds=ds, participant="AUS", year=2015).set_index("recommendation")
    # R1.1 = 3 (seed, 2015-11) and the R1.2 dialogue flow (status 3 of ceiling 3, scaled to 4)
    assert before.loc["R1", "status_label"] == "◕ Substantial progress"  # floor((3 + 4) / 2)
    card = views.scorecard(ds=ds, participant="AUS", year=2016).set_index("recommendation")
    assert len(card) == 12
    # R1.1 = 4 from 2016-07; the 2015 dialogue still counts (a flow counts two years)
    r1 = card.loc["R1"]
    assert (r1["status_label"], r1["computed"], r1["coverage"]) == (
        "● Implemented",
        "● Implemented",
        "2 of 2",
    )
    assert (r1["trend"], r1["last_update"], r1["basis"]) == ("▲ up", "2016-07-01", "computed")
    assert card.loc["R4", "level"] == "regional"
    # the region's documented R4: the 2011 work plan's "consider a Risk Reduction Centre" only
    assert card.loc["R4", "status_label"] == "◌ Insufficient data (1 of 4 indicators)"
    # R12 (three indicators since the UNGA statements became events): the 2016 APPAP meeting
    assert card.loc["R12", "status_label"] == "◌ Insufficient data (1 of 3 indicators)"
    assert card.loc["R12", "last_update"] == "2016-11-07"
    # the 2005 ARF SALW seminar's stage is past its age limit: stale evidence, not a status
    r8 = card.loc["R8"]
    assert (r8["level"], r8["stale"]) == ("regional", "stale: evidence of 2005")
    assert pd.isna(r8["status"])
    assert r8["status_label"] == "◷ Stale evidence: last known Initiated (2005)"


def test_dataset_reads_the_same_on_every_database(sample_engine: object) -> None:
    """The columnar read (raw DBAPI cursor) gives the same observations on SQLite and PostgreSQL."""
    from dashboard.core import inputs

    engine = sample_engine  # parametrised: SQLite always, PostgreSQL in CI
    counts = inputs.counts(engine=engine)  # type: ignore[arg-type]
    full = inputs.observations(engine=engine, include_sample=True)  # type: ignore[arg-type]
    obs = inputs.observations(engine=engine, include_sample=False)  # type: ignore[arg-type]
    documented = views.load_dataset(engine=engine, include_sample=False)  # type: ignore[arg-type]
    assert documented.from_read_model
    assert len(full) == counts["observations"]
    assert int(full["synthetic"].sum()) == counts["observations_synthetic"]
    with (DATA / "evidence" / "observations.csv").open(newline="", encoding="utf-8") as f:
        shipped = sum(1 for _ in csv.DictReader(f))  # the public-record evidence
    assert len(obs) == shipped == documented.observed.total and shipped > 400
    assert documented.observed.synthetic == 0
    assert not obs["synthetic"].any()
    assert str(full["date"].dtype).startswith("datetime64")
    aus = obs[(obs["indicator_code"] == "R1.1") & (obs["participant_code"] == "AUS")]
    aus = aus.sort_values("date")
    # the 2013 UN dialogue, seed 003 (2015-11), Yonhap (2016-06), public records 2016, 2019 and
    # the focal point named at the 2021 APPAP meeting (appointed; membership not restated)
    assert aus["value"].tolist() == [3.0, 3.0, 3.0, 4.0, 4.0, 3.0]
    assert [str(d.date()) for d in aus["date"]] == [
        "2013-09-11", "2015-11-01", "2016-06-19", "2016-07-01", "2019-01-01", "2021-09-09"
    ]  # fmt: skip
    assert aus["source"].iloc[1].startswith("Spotlight on R2P")
    card = views.scorecard(ds=documented, participant="AUS", year=2016).set_index("recommendation")
    assert card.loc["R1", "status_label"] == "● Implemented"


def test_the_map_spec_sent_to_the_browser_is_compact(ds: views.Dataset) -> None:
    """pydeck indents its JSON by 2; Streamlit sends it on every rerun: ours is compact."""
    import json

    from dashboard import maps

    values = views.overview_map(ds=ds, filters=Filters(), year=2024)
    deck = maps.deck(values=values, synthetic=False, height=420, width=518)
    spec = deck.to_json()
    assert "\n" not in spec and len(spec) < 100_000  # all of it inline, without publishing
    layers = {layer["id"]: layer for layer in json.loads(spec)["layers"]}
    scene = maps.scene_for(values, width=518, height=420)
    drawn = {scene.codes[row["i"]] for row in layers[maps.POLYGON_LAYER]["data"]}
    assert len(drawn) >= 20  # every participant with a polygon is drawn


def test_event_rows_kind_styles_and_axis_follow_the_period(ds: views.Dataset) -> None:
    """Every event has its own row (yearly meetings share titles), a kind keeps its colour
    whatever else is drawn, and the axis covers the period the subtitle names."""
    from dashboard import charts
    from dashboard.charts.common import group_style

    events = views.timeline_events(ds=ds, filters=Filters(from_year=2005, to_year=2024))
    events = pd.concat([events.head(3), events.head(3).assign(when="2024")], ignore_index=True)
    meta = charts.ChartMeta(title="Events")
    fig = charts.event_timeline(events=events, color_by="kind", meta=meta, period=(2005, 2024))
    rows = [y for trace in fig.data for y in trace.y]
    assert len(rows) == len(set(rows)) == 6  # the same three titles twice, six rows
    assert list(fig.layout.xaxis.range) == ["2005-01-01", "2024-12-31"]
    colours = {t.name: t.marker.color for t in fig.data}
    alone = charts.event_timeline(events=events.tail(1), color_by="kind", meta=meta)
    assert alone.data[0].marker.color == colours[alone.data[0].name]
    assert group_style("arf meeting") != group_style("un dialogue")
    assert group_style("a kind never seen") == group_style("a kind never seen")


def test_downloaded_shares_are_rounded(ds: views.Dataset) -> None:
    coverage = views.pillar_coverage(ds=ds, filters=Filters(), year=2024)
    for column in ("rec_share", "ind_share"):
        values = coverage[column].dropna()
        assert len(values) and (values.round(3) == values).all()
    assert set(coverage["pillar_name"]) == {
        "Protection responsibilities of the State",
        "International assistance and capacity-building",
        "Timely and decisive response",
    }


@pytest.fixture(scope="module")
def sample_ds(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> views.Dataset:
    path = tmp_path_factory.mktemp("standing") / "sample.sqlite"
    shutil.copy(template_dir / "sample.sqlite", path)
    return views.load_dataset(engine=make_engine(url=f"sqlite:///{path}"), include_sample=True)


CODES = ("AUS", "CHN", "IDN", "JPN", "KHM", "THA", "USA", "VNM", "EUU", "SGP")
SELECTIONS = hyp.builds(  # a sidebar selection, the sample included
    lambda people, pillars, recs: Filters(
        participants=tuple(people), pillars=tuple(pillars), recommendations=tuple(recs), sample=True
    ),
    hyp.lists(hyp.sampled_from(CODES), unique=True, max_size=4),
    hyp.lists(hyp.sampled_from((1, 2, 3)), unique=True, max_size=2),
    hyp.lists(hyp.sampled_from([f"R{i}" for i in range(1, 13)]), unique=True, max_size=5),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(f=SELECTIONS, year=hyp.integers(2009, 2026))
def test_the_overview_standing_counts_what_the_tracker_shows(
    sample_ds: views.Dataset, f: Filters, year: int
) -> None:
    """Where the region stands (Overview) is the tracker's cells counted: for any selection and
    year, each national recommendation's counts by status are the tracker's labels counted, and
    they add up to the participants selected; the regional list is the tracker's regional
    track."""
    from dashboard.views.overview import rec_standing, regional_standing
    from dashboard.views.tracker import regional_track, tracker_matrix

    standing = rec_standing(ds=sample_ds, filters=f, year=year)
    matrix = tracker_matrix(ds=sample_ds, filters=f, year=year, sort="grouping")
    people = len(f.participants) or 27
    words = [str(label).split(" (")[0].split(":")[0] for label in matrix["status_label"]] if len(matrix) else []
    shown = matrix.assign(word=words)
    expected = {
        (rec, word): n
        for (rec, word), n in shown.groupby(["recommendation", "word"]).size().items()
    }
    got = {
        (rec, f"{sym} {label}"): int(n)
        for rec, sym, label, n in standing[
            ["recommendation", "symbol", "label", "count"]
        ].itertuples(index=False)
    }
    assert got == expected
    assert list(dict.fromkeys(standing["recommendation"])) == list(
        dict.fromkeys(matrix["recommendation"])
    )
    if len(standing):
        assert (standing.groupby("recommendation")["count"].sum() == people).all()
        assert (standing["of"] == people).all()
        ranks = standing.groupby("recommendation")["rank"].apply(list)
        assert all(r == sorted(r) for r in ranks)  # from Implemented down to no data
    track = regional_track(ds=sample_ds, filters=f, year=year)
    regional = track[track["kind"] == "regional recommendation"]
    assert regional_standing(ds=sample_ds, filters=f, year=year) == [
        f"{c} {n}: {s}"
        for c, n, s in zip(
            regional["code"], regional["name"], regional["status_label"], strict=True
        )
    ]


def test_the_standing_chart_says_status_by_symbol_and_count(sample_ds: views.Dataset) -> None:
    """Each segment of the Overview's bars carries its status symbol and count; the segments run
    from Implemented to no data, the legend in that order; the sample is marked."""
    from dashboard.charts.common import ChartMeta, has_sample_mark
    from dashboard.charts.overview import standing_bars
    from dashboard.views.overview import rec_standing

    f = Filters(sample=True)
    standing = rec_standing(ds=sample_ds, filters=f, year=2026)
    meta = ChartMeta(title="Where the region stands", synthetic=bool(standing["synthetic"].any()))
    fig = standing_bars(standing=standing, meta=meta)
    assert has_sample_mark(fig)
    ordered = standing.sort_values("rank").drop_duplicates("key")
    assert [t.name for t in fig.data] == [
        f"{s} {w}" for s, w in zip(ordered["symbol"], ordered["label"], strict=True)
    ]
    assert fig.layout.legend.traceorder == "normal" and fig.layout.barmode == "stack"
    for trace in fig.data:
        symbol = trace.name.split(" ")[0]
        for rec_row, count, text in zip(trace.y, trace.x, trace.text, strict=True):
            rec = rec_row.split(" ")[0]
            hit = standing[(standing["recommendation"] == rec) & (standing["symbol"] == symbol)]
            assert count == (int(hit["count"].iloc[0]) if len(hit) else 0)
            assert text == (f"{symbol} {count}" if count else "")
    assert fig.layout.xaxis.range == (0, 27)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(f=SELECTIONS, year=hyp.integers(2009, 2026))
def test_the_regions_status_per_recommendation_is_the_trackers_cells_summed_up(
    sample_ds: views.Dataset, f: Filters, year: int
) -> None:
    """The Overview's headline counts rest on rec_region_status: for a national recommendation,
    the median of the tracker's cells that have a status, shown when at least half the selected
    participants have one; for a regional recommendation, the regional track's status."""
    from dashboard.core import scoring
    from dashboard.views.overview import rec_region_status
    from dashboard.views.tracker import regional_track, tracker_matrix

    got = rec_region_status(ds=sample_ds, filters=f, year=year)
    people = len(f.participants) or 27
    matrix = tracker_matrix(ds=sample_ds, filters=f, year=year, sort="grouping")
    rated = matrix[matrix["result"] == scoring.RESULT_STATUS] if len(matrix) else matrix
    track = regional_track(ds=sample_ds, filters=f, year=year)
    regional = track[track["kind"] == "regional recommendation"].set_index("code")
    national = set(matrix["recommendation"]) if len(matrix) else set()
    assert set(got["recommendation"]) == national | set(regional.index)
    for row in got.itertuples(index=False):
        if row.recommendation in regional.index:
            want = regional.at[row.recommendation, "status"]
            assert (pd.isna(want) and pd.isna(row.status)) or row.status == float(want)
            continue
        cells = rated[rated["recommendation"] == row.recommendation]["status"]
        assert row.with_data == len(cells)
        enough = len(cells) > 0 and len(cells) >= scoring.MIN_DATA_SHARE * people
        assert pd.isna(row.status) if not enough else row.status == float(cells.median())


def test_what_happened_is_by_the_evidences_own_dates(ds: views.Dataset) -> None:
    """Issue 19 item 2: since 2020, Australia's R1 has not changed (its 2021 record keeps it at
    Substantial progress), whatever was loaded when; a status whose newer evidence has aged is
    said to have lapsed, never to have fallen."""
    import datetime as dt

    from dashboard.views.happened import happened_since

    found = happened_since(ds=ds, filters=Filters(), since=dt.date(2020, 1, 1))
    rows = found.statuses
    assert not len(rows[(rows["participant"] == "AUS") & rows["recommendation"].str.startswith("R1 ")])
    assert not rows["direction"].eq("status lost").any()  # a lost status is said to have lapsed
    lapsed = rows[rows["direction"].str.startswith("lapsed")]
    assert len(lapsed) and set(lapsed["now"].str[0]) <= {"–", "◌", "◷"}  # no current status
    assert (found.evidence["date"] > "2020-01-01").all() and len(found.evidence) > 50
    canada = rows[(rows["participant"] == "CAN") & rows["recommendation"].str.startswith("R6")]
    assert list(canada["direction"]) == ["new status"]  # exercises since 2022
