"""The status rule (2.1, and 2.0 where it differs): its properties (hypothesis) and the defects it was written to fix."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core import scoring

INF = math.inf

INDICATORS = pd.DataFrame(
    {
        "code": ["R1.1", "R1.2", "R12.1", "R12.2", "R6.1", "R4b.1"],
        "recommendation": ["R1", "R1", "R12", "R12", "R6", "R4"],
        "level": ["participant"] * 5 + ["region"],
        "measure": ["stock", "flow", "flow", "flow", "stock", "flow"],
        "window_years": [None, 2, 2, 2, None, 2],
        "stale_after_years": [5, None, None, None, None, None],
        "thresholds_list": [
            [1, 2, 3, 4],
            [1, 1, 1, INF],
            [1, 1, 1, INF],
            [1, 1, 1, 1],
            [INF, 1, 850, INF],
            [1, 1, 1, 1],
        ],
    }
)
NO_ASSESSMENTS = pd.DataFrame(
    columns=["participant_code", "recommendation", "date", "value", "synthetic", "source"]
)


def obs(rows: list[tuple[str, str, str, float]], synthetic: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_code": [r[0] for r in rows],
            "indicator_code": [r[1] for r in rows],
            "date": pd.to_datetime([r[2] for r in rows]),
            "value": [float(r[3]) for r in rows],
            "synthetic": synthetic,
            "source": "src",
        }
    )


def cells(
    observations: pd.DataFrame,
    assessments: pd.DataFrame = NO_ASSESSMENTS,
    indicators: pd.DataFrame = INDICATORS,
    first: int = 2010,
    last: int = 2026,
) -> pd.DataFrame:
    inputs = {"observations": observations, "assessments": assessments, "indicators": indicators}
    return scoring.status_from_inputs(inputs=inputs, first_year=first, last_year=last)


def cell(frame: pd.DataFrame, who: str, rec: str, year: int) -> pd.Series:
    hit = frame[
        (frame["participant_code"] == who)
        & (frame["recommendation"] == rec)
        & (frame["year"] == year)
    ]
    assert len(hit) == 1, hit
    return hit.iloc[0]


# ---------------------------------------------------------------- indicator status

slot = st.one_of(st.just(INF), st.floats(min_value=0, max_value=1e6, allow_nan=False))
@settings(max_examples=300, deadline=None)
@given(thresholds=st.lists(slot, min_size=4, max_size=4), value=st.floats(0, 2e6))
def test_a_value_at_a_threshold_reaches_at_least_that_status(
    thresholds: list[float], value: float
) -> None:
    got = int(
        scoring.indicator_status(
            values=pd.Series([value]), thresholds=pd.Series([thresholds])
        ).iloc[0]
    )
    for s, t in enumerate(thresholds, start=1):
        if value >= t:
            assert got >= s
    if got:
        assert value >= thresholds[got - 1]  # never a status whose threshold it misses


def test_empty_leading_slot_does_not_cost_a_status() -> None:
    """The defect of 1.x: 8,000 troops against |1|850| scored 2 instead of 3."""
    values = pd.Series([8000.0, 100.0, 0.5])
    th = pd.Series([[INF, 1, 850, INF], [INF, 0.1, 10, INF], [INF, 0.1, 10, INF]])
    assert scoring.indicator_status(values=values, thresholds=th).tolist() == [3, 3, 2]


def test_ceiling_is_the_highest_reachable_status() -> None:
    assert scoring.ceiling_of([1, 1, INF, INF]) == 2
    assert scoring.ceiling_of([INF, 1, 850, INF]) == 3
    assert scoring.ceiling_of([1, 2, 3, 4]) == 4


# ---------------------------------------------------------------- recommendation status

statuses = st.lists(st.tuples(st.integers(0, 4), st.integers(1, 4)), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(parts=statuses, missing=st.integers(0, 5))
def test_combine_properties(parts: list[tuple[int, int]], missing: int) -> None:
    parts = [(min(s, c), c) for s, c in parts]
    expected = len(parts) + missing
    coverage = len(parts) / expected
    rec_ceiling = max(c for _, c in parts)
    mean = sum(s / c for s, c in parts) / len(parts)
    best = max(s for s, _ in parts)
    result, status = scoring.combine(
        mean_scaled=mean, best=best, coverage=coverage, rec_ceiling=rec_ceiling
    )
    if coverage < scoring.MIN_COVERAGE:
        assert result == scoring.RESULT_INSUFFICIENT and math.isnan(status)
        return
    assert result == scoring.RESULT_STATUS
    assert 0 <= status <= best  # never above the best single indicator
    if coverage < 1:
        assert status <= scoring.PARTIAL_CAP
    if coverage == 1 and all(s == c for s, c in parts):
        assert status == rec_ceiling  # every indicator at its own ceiling reaches the top


@settings(max_examples=200, deadline=None)
@given(parts=statuses, which=st.integers(0, 4))
def test_raising_one_indicator_never_lowers_the_status(
    parts: list[tuple[int, int]], which: int
) -> None:
    parts = [(min(s, c), c) for s, c in parts]
    i = which % len(parts)
    rec_ceiling = max(c for _, c in parts)

    def run(ps: list[tuple[int, int]]) -> float:
        mean = sum(s / c for s, c in ps) / len(ps)
        return scoring.combine(
            mean_scaled=mean, best=max(s for s, _ in ps), coverage=1.0, rec_ceiling=rec_ceiling
        )[1]

    s, c = parts[i]
    raised = [*parts[:i], (min(s + 1, c), c), *parts[i + 1 :]]
    assert run(raised) >= run(parts)


def test_all_indicators_at_their_ceilings_reach_implemented() -> None:
    """The defect of 1.x: Australia R1 with R1.1 at 4 and R1.2 at its ceiling 3 scored 3."""
    frame = cells(obs([("AUS", "R1.1", "2015-11-01", 4), ("AUS", "R1.2", "2015-11-04", 1)]))
    c = cell(frame, "AUS", "R1", 2015)
    assert c["status"] == 4 and c["coverage"] == 1.0 and c["basis"] == "computed"


def test_the_vectorised_rule_matches_combine() -> None:
    frame = cells(obs([("AUS", "R12.1", "2020-05-01", 1), ("AUS", "R12.2", "2020-06-01", 0)]))
    c = cell(frame, "AUS", "R12", 2020)
    # R12.1 at its ceiling 3 (scaled 1.0), R12.2 at 0: mean 0.5 of ceiling 4 -> 2
    assert c["status"] == scoring.combine(mean_scaled=0.5, best=3, coverage=1.0, rec_ceiling=4)[1]
    assert c["status"] == 2


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.sampled_from(["R1.1", "R1.2", "R12.1", "R12.2"]), st.integers(0, 4)),
        min_size=1,
        max_size=6,
    )
)
def test_coverage_is_shown_and_below_minimum_no_status(values: list[tuple[str, int]]) -> None:
    rows = [("VNM", code, f"2020-0{i + 1}-01", min(v, 1) if code != "R1.1" else v)
            for i, (code, v) in enumerate(values)]
    frame = cells(obs(rows), last=2020)
    for row in frame[frame["year"] == 2020].itertuples():
        assert 0 < row.coverage <= 1
        assert row.n_indicators <= row.n_expected
        if row.coverage < scoring.MIN_COVERAGE:
            assert row.result == scoring.RESULT_INSUFFICIENT and math.isnan(row.status)
        else:
            assert row.result == scoring.RESULT_STATUS and not math.isnan(row.status)


def test_one_of_four_indicators_is_insufficient_data() -> None:
    four = pd.concat(
        [
            INDICATORS,
            pd.DataFrame(
                {
                    "code": ["R12.3", "R12.4"],
                    "recommendation": ["R12", "R12"],
                    "level": ["participant", "participant"],
                    "measure": ["flow", "stock"],
                    "window_years": [2, None],
                    "stale_after_years": [None, 5],
                    "thresholds_list": [[1, 1, INF, INF], [1, 1, INF, INF]],
                }
            ),
        ],
        ignore_index=True,
    )
    frame = cells(obs([("SGP", "R12.3", "2024-07-01", 1)]), indicators=four)
    c = cell(frame, "SGP", "R12", 2024)
    assert c["result"] == scoring.RESULT_INSUFFICIENT and c["n_expected"] == 4


# ---------------------------------------------------------------- flows and stocks


@settings(max_examples=80, deadline=None)
@given(year=st.integers(2011, 2020), later=st.integers(0, 6))
def test_flows_count_only_within_their_window(year: int, later: int) -> None:
    """The defect of 1.x: one 2015 dialogue kept R12 at Substantial progress in 2026."""
    frame = cells(obs([("AUS", "R12.1", f"{year}-06-01", 1)]), last=year + later)
    hit = frame[(frame["recommendation"] == "R12") & (frame["year"] == year + later)]
    if later < scoring.DEFAULT_FLOW_WINDOW:
        assert len(hit) == 1
    else:
        assert hit.empty  # expired: no data, not a carried-forward status


@settings(max_examples=80, deadline=None)
@given(year=st.integers(2011, 2020), later=st.integers(0, 9))
def test_stocks_carry_forward_and_turn_stale_after_their_age(year: int, later: int) -> None:
    frame = cells(
        obs([("JPN", "R1.1", f"{year}-09-08", 3), ("JPN", "R1.2", f"{year + later}-01-01", 1)]),
        last=year + later,
    )
    c = cell(frame, "JPN", "R1", year + later)
    assert c["stale"] == (later > 5)
    assert c["result"] == scoring.RESULT_STATUS


# ---------------------------------------------------------------- expert assessments


def assessment(status: int, date: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_code": ["AUS"],
            "recommendation": ["R1"],
            "date": pd.to_datetime([date]),
            "value": [status],
            "synthetic": [False],
            "source": ["Panel report 2021"],
            "assessor": ["CSCAP RtoP Study Group"],
            "rationale": ["The focal point post is vacant."],
        }
    )


def test_expert_override_records_who_why_source_and_keeps_the_computed_status() -> None:
    frame = cells(
        obs([("AUS", "R1.1", "2019-01-01", 4), ("AUS", "R1.2", "2019-05-01", 1)]),
        assessments=assessment(1, "2020-03-01"),
    )
    c = cell(frame, "AUS", "R1", 2020)
    assert c["basis"] == "expert" and c["status"] == 1
    assert c["computed_status"] == 4  # shown beside the override
    assert c["assessor"] == "CSCAP RtoP Study Group"
    assert c["rationale"] == "The focal point post is vacant."
    assert c["sources"] == "Panel report 2021"


def test_a_newer_observation_takes_over_from_an_older_assessment() -> None:
    frame = cells(
        obs([("AUS", "R1.1", "2022-01-01", 4), ("AUS", "R1.2", "2022-05-01", 1)]),
        assessments=assessment(1, "2020-03-01"),
    )
    assert cell(frame, "AUS", "R1", 2022)["basis"] == "computed"
    assert cell(frame, "AUS", "R1", 2021)["basis"] == "expert"


def test_min_data_share_for_averages() -> None:
    assert scoring.mean_with_minimum(statuses=pd.Series([2, 4, None, None]), expected=4) == 3.0
    assert scoring.mean_with_minimum(statuses=pd.Series([2, None, None, None]), expected=4) is None


def test_regional_observations_count_only_for_regional_indicators() -> None:
    frame = cells(obs([("ARF", "R4b.1", "2020-01-01", 1), ("AUS", "R4b.1", "2020-01-01", 1)]))
    assert set(frame["participant_code"]) == {"ARF"}


# ---------------------------------------------------------------- method 2.1: stale evidence

# A recommendation with four indicators, each a stock that turns stale after 5 years.
STOCKS = pd.DataFrame(
    {
        "code": ["R3.1", "R3.2", "R3.3", "R3.4"],
        "recommendation": ["R3"] * 4,
        "level": ["participant"] * 4,
        "measure": ["stock"] * 4,
        "window_years": [None] * 4,
        "stale_after_years": [5] * 4,
        "thresholds_list": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 1, 2, INF], [1, 1, 1, 1]],
    }
)
CEILINGS = {"R3.1": 4, "R3.2": 4, "R3.3": 3, "R3.4": 4}
STATUS_OF = {  # value -> status, per indicator (from the thresholds above)
    "R3.1": lambda v: v, "R3.2": lambda v: v, "R3.3": lambda v: {0: 0, 1: 2, 2: 3}[v],
    "R3.4": lambda v: 4 if v else 0,
}  # fmt: skip
observed_stocks = st.dictionaries(
    st.sampled_from(sorted(CEILINGS)),
    st.tuples(st.integers(0, 2), st.booleans()),  # (value, stale?)
    min_size=1,
)


@settings(max_examples=300, deadline=None)
@given(seen=observed_stocks, method=st.sampled_from(scoring.METHODS))
def test_the_vectorised_rule_matches_the_one_cell_rule_under_both_methods(
    seen: dict[str, tuple[int, bool]], method: str
) -> None:
    """item_status (what the read model stores) agrees with cell_result (the reference) for
    any mix of current and stale stocks, under 2.0 and 2.1."""
    rows = [("VNM", code, "2015-06-01" if old else "2025-06-01", v)
            for code, (v, old) in seen.items()]  # fmt: skip
    inputs = {"observations": obs(rows), "assessments": NO_ASSESSMENTS, "indicators": STOCKS}
    frame = scoring.status_from_inputs(inputs=inputs, first_year=2026, last_year=2026, method=method)
    got = cell(frame, "VNM", "R3", 2026)
    current = [(STATUS_OF[c](v), CEILINGS[c]) for c, (v, old) in seen.items() if not old]
    stale = [(STATUS_OF[c](v), CEILINGS[c]) for c, (v, old) in seen.items() if old]
    result, status, last_known = scoring.cell_result(
        current=current, stale=stale, n_expected=4, method=method
    )
    assert got["result"] == result
    assert (math.isnan(status) and math.isnan(got["status"])) or got["status"] == status
    assert (math.isnan(last_known) and math.isnan(got["last_known"])) or (
        got["last_known"] == last_known
    )
    assert got["n_stale"] == len(stale)
    assert got["n_indicators"] == (len(seen) if method == "2.0" else len(current))


@settings(max_examples=200, deadline=None)
@given(seen=observed_stocks)
def test_under_2_1_stale_evidence_never_reads_as_a_current_status(
    seen: dict[str, tuple[int, bool]],
) -> None:
    current = [(STATUS_OF[c](v), CEILINGS[c]) for c, (v, old) in seen.items() if not old]
    stale = [(STATUS_OF[c](v), CEILINGS[c]) for c, (v, old) in seen.items() if old]
    result, status, last_known = scoring.cell_result(current=current, stale=stale, n_expected=4)
    if not current:
        assert result == scoring.RESULT_STALE and math.isnan(status)  # never a current status
        old = scoring.cell_result(current=[], stale=stale, n_expected=4, method="2.0")
        # the last known status is exactly what 2.0 gave, and kept only where 2.0 gave one
        assert (math.isnan(last_known) and math.isnan(old[1])) or last_known == old[1]
    else:
        # coverage counts current evidence only
        assert (result == scoring.RESULT_STATUS) == (len(current) / 4 >= scoring.MIN_COVERAGE)
        assert math.isnan(last_known)


def test_japan_r1_2026_is_stale_evidence_not_substantial_progress() -> None:
    """The disputed cell: one 2015 focal-point record read as a current status in 2026."""
    frame = cells(obs([("JPN", "R1.1", "2015-09-08", 3)]), last=2026)
    c = cell(frame, "JPN", "R1", 2026)
    assert c["result"] == scoring.RESULT_STALE and math.isnan(c["status"])
    assert c["last_known"] == 3 and c["n_stale"] == 1 and c["n_indicators"] == 0
    old = scoring.status_from_inputs(
        inputs={"observations": obs([("JPN", "R1.1", "2015-09-08", 3)]),
                "assessments": NO_ASSESSMENTS, "indicators": INDICATORS},
        first_year=2010, last_year=2026, method="2.0",
    )  # fmt: skip
    assert cell(old, "JPN", "R1", 2026)["result"] == scoring.RESULT_STATUS  # 2.0, reproducible
    in_2020 = cell(frame, "JPN", "R1", 2020)  # five years on: still current, 1 of 2 indicators
    assert in_2020["result"] == scoring.RESULT_STATUS and in_2020["status"] == 3
