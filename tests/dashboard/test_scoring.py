"""The documented status rule, on tiny hand-made frames with known answers."""

from __future__ import annotations

import math

import pandas as pd

from dashboard import scoring

INDICATORS = pd.DataFrame(
    {
        "code": ["R1.1", "R1.2", "R4b.1"],
        "recommendation": ["R1", "R1", "R4"],
        "thresholds_list": [[1, 2, 3, 4], [1, 1, 1, math.inf], [1, 1, math.inf, math.inf]],
    }
)


def obs(rows: list[tuple[str, str, str, float]], synthetic: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_code": [r[0] for r in rows],
            "indicator_code": [r[1] for r in rows],
            "date": pd.to_datetime([r[2] for r in rows]),
            "value": [r[3] for r in rows],
            "synthetic": synthetic,
            "source": "src",
        }
    )


NO_ASSESSMENTS = pd.DataFrame(
    columns=["participant_code", "recommendation", "date", "value", "synthetic", "source"]
)


def status(
    observations: pd.DataFrame,
    assessments: pd.DataFrame = NO_ASSESSMENTS,
    first: int = 2010,
    last: int = 2015,
) -> pd.DataFrame:
    inputs = {"observations": observations, "assessments": assessments, "indicators": INDICATORS}
    return scoring.status_from_inputs(inputs=inputs, first_year=first, last_year=last)


def test_parse_thresholds_empty_slot_unreachable() -> None:
    assert scoring.parse_thresholds("1|1||") == [1.0, 1.0, math.inf, math.inf]
    assert scoring.parse_thresholds("0.1|10|850|")[:3] == [0.1, 10.0, 850.0]


def test_indicator_status_counts_thresholds_reached() -> None:
    values = pd.Series([0, 1, 2.5, 4, 99])
    th = pd.Series([[1, 2, 3, 4]] * 5)
    assert scoring.indicator_status(values=values, thresholds=th).tolist() == [0, 1, 2, 4, 4]


def test_mean_rounded_down_and_carried_forward() -> None:
    frame = status(obs([("VNM", "R1.1", "2012-03-01", 4), ("VNM", "R1.2", "2013-01-01", 0)]))
    by_year = frame.set_index("year")["status"]
    assert 2011 not in by_year.index  # no data before the first observation
    assert by_year[2012] == 4  # only R1.1 observed
    assert by_year[2013] == 2  # floor((4 + 0) / 2)
    assert by_year[2015] == 2  # carried forward
    assert frame.set_index("year").loc[2013, "n_indicators"] == 2


def test_latest_observation_in_year_wins() -> None:
    frame = status(obs([("THA", "R1.1", "2014-01-01", 1), ("THA", "R1.1", "2014-11-01", 3)]))
    assert frame.set_index("year").loc[2014, "status"] == 3


def test_expert_assessment_overrides_when_as_recent() -> None:
    assessment = pd.DataFrame(
        {
            "participant_code": ["VNM"],
            "recommendation": ["R1"],
            "date": pd.to_datetime(["2014-06-01"]),
            "value": [1],
            "synthetic": [False],
            "source": ["panel"],
        }
    )
    frame = status(
        obs([("VNM", "R1.1", "2012-01-01", 4), ("VNM", "R1.1", "2015-01-01", 4)]), assessment
    ).set_index("year")
    assert (frame.loc[2013, "status"], frame.loc[2013, "basis"]) == (4, "computed")
    assert (frame.loc[2014, "status"], frame.loc[2014, "basis"]) == (1, "expert")
    assert (frame.loc[2015, "status"], frame.loc[2015, "basis"]) == (4, "computed")


def test_region_and_unreachable_levels() -> None:
    frame = status(obs([(scoring.REGION, "R4b.1", "2013", 1)]))
    assert frame.set_index("year").loc[2013, "status"] == 2  # 1|1|| caps at initiated
    assert set(frame["participant_code"]) == {"ARF"}


def test_minimum_data_rule_and_trend() -> None:
    assert scoring.mean_with_minimum(statuses=pd.Series([2, 4, None, None]), expected=4) == 3.0
    assert scoring.mean_with_minimum(statuses=pd.Series([2, None, None, None]), expected=4) is None
    assert scoring.trend_symbol(now=3, before=2) == "▲ up"
    assert scoring.trend_symbol(now=1, before=2) == "▼ down"
    assert scoring.trend_symbol(now=2, before=None) == ""
