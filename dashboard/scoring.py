"""The status rule: indicator values -> indicator status -> recommendation status, with overrides.

Documented in docs/methodology.md. In short:

1. An indicator value reaches status s (1-4) when it is at least the s-th threshold of the
   indicator; an empty threshold slot means that status cannot be reached by that indicator.
2. For a participant (or the region), a recommendation and a date, each of the recommendation's
   indicators (including those of its sub-items) contributes the status of its latest
   observation on or before that date.
3. The recommendation's computed status is the mean of those statuses rounded down; with no
   observed indicator it is "no data".
4. An expert-assessed status for the same participant and recommendation overrides the computed
   one when it is at least as recent as the newest indicator observation used ("basis": expert).
5. Aggregates (averages over participants) are shown only when at least half of the participants
   in the selection have data (the minimum-data rule); otherwise they are "insufficient data".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

MIN_DATA_SHARE = 0.5
INITIATED = 2


def parse_thresholds(text: str) -> list[float]:
    """``"1|2||4"`` -> [1.0, 2.0, inf, 4.0]: the minimum value for statuses 1 to 4."""
    slots = (text.split("|") + ["", "", "", ""])[:4]
    return [float(s) if s.strip() else math.inf for s in slots]


def indicator_status(*, values: pd.Series, thresholds: pd.Series) -> pd.Series:
    """Status 0-4 of each value against its indicator's thresholds (a Series of 4-lists)."""
    matrix = np.array(thresholds.tolist(), dtype=float).reshape(len(values), 4)
    reached = values.to_numpy(dtype=float)[:, None] >= matrix
    return pd.Series(reached.sum(axis=1), index=values.index, dtype="int64")


REGION = "ARF"  # participant_code used in frames for observations of the region as a whole


def yearly_latest(
    *, observations: pd.DataFrame, code_column: str, first_year: int, last_year: int
) -> pd.DataFrame:
    """For each (participant, code) and year, the latest observation on or before 31 December.

    ``observations`` has participant_code (REGION for the region), ``code_column``, date
    (datetime64), value, synthetic, source. Returns the same columns plus ``year``; years
    before a pair's first observation are absent (no data), later years carry the value forward.
    """
    cols = ["participant_code", code_column, "year", "date", "value", "synthetic", "source"]
    if observations.empty:
        return pd.DataFrame(columns=cols)
    obs = observations[observations["date"].dt.year <= last_year]
    if obs.empty:
        return pd.DataFrame(columns=cols)
    # One sort of integer keys (NumPy) instead of pandas sorts, de-duplications and merges:
    # the rows are ordered by participant, code, year, date, and synthetic before documented on
    # the same date, so the last row of each (participant, code, year) is the one that counts.
    p_codes, _ = pd.factorize(obs["participant_code"].to_numpy(), sort=True)
    c_codes, _ = pd.factorize(obs[code_column].to_numpy(), sort=True)
    year = obs["date"].dt.year.to_numpy(dtype=np.int64)
    stamp = obs["date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    documented = ~obs["synthetic"].to_numpy(dtype=bool)
    order = np.lexsort((documented, stamp, year, c_codes, p_codes))
    p_sorted, c_sorted, y_sorted = p_codes[order], c_codes[order], year[order]
    same_pair = (p_sorted[1:] == p_sorted[:-1]) & (c_sorted[1:] == c_sorted[:-1])
    last_in_year = np.append(~same_pair | (y_sorted[1:] != y_sorted[:-1]), True)
    rows = order[last_in_year]
    y_last = year[rows]
    pair_continues = np.append(
        (p_codes[rows][1:] == p_codes[rows][:-1]) & (c_codes[rows][1:] == c_codes[rows][:-1]),
        False,
    )
    # Each kept row stands for its year and every later year up to the pair's next observation.
    next_year = np.where(pair_continues, np.append(y_last[1:], 0), last_year + 1)
    spans = next_year - y_last
    repeat = np.repeat(np.arange(len(rows)), spans)
    offsets = np.arange(len(repeat)) - np.repeat(np.cumsum(spans) - spans, spans)
    years = y_last[repeat] + offsets
    keep = years >= first_year
    source_rows = rows[repeat[keep]]
    panel = obs.iloc[source_rows][
        ["participant_code", code_column, "date", "value", "synthetic", "source"]
    ]
    panel = panel.assign(year=years[keep]).reset_index(drop=True)
    panel["synthetic"] = panel["synthetic"].astype(bool)
    return panel[cols]


def with_indicator_status(*, latest: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Add recommendation and the indicator's status (0-4) to a yearly_latest frame."""
    joined = latest.merge(
        indicators[["code", "recommendation", "thresholds_list"]],
        left_on="indicator_code",
        right_on="code",
    ).drop(columns=["code"])
    joined["ind_status"] = indicator_status(
        values=joined["value"], thresholds=joined["thresholds_list"]
    )
    return joined.drop(columns=["thresholds_list"])


def item_status(*, scored: pd.DataFrame, assessments: pd.DataFrame) -> pd.DataFrame:
    """Status per (participant, recommendation, year): floor of the mean indicator status,
    overridden by an expert assessment at least as recent as the newest observation used.

    ``scored``: with_indicator_status output. ``assessments``: yearly_latest output over
    assessments with code column ``recommendation`` and the status in ``value``.
    """
    key = ["participant_code", "recommendation", "year"]
    cols = [*key, "status", "basis", "last_date", "n_indicators", "synthetic", "sources"]
    if scored.empty:
        computed = pd.DataFrame(columns=cols)
    else:
        computed = (
            scored.groupby(key, sort=False)
            .agg(
                mean_status=("ind_status", "mean"),
                last_date=("date", "max"),
                n_indicators=("indicator_code", "nunique"),
                synthetic=("synthetic", "any"),
            )
            .reset_index()
        )
        pairs = scored[[*key, "source"]].astype({"source": str}).drop_duplicates()
        pairs = pairs.sort_values([*key, "source"], kind="stable")
        # Most cells have one source: take it directly, join only where there are several.
        counts = pairs.groupby(key, sort=False)["source"].transform("size")
        single = pairs[counts == 1].rename(columns={"source": "sources"})
        multi = pairs[counts > 1]
        joined = multi.groupby(key, sort=False)["source"].agg("; ".join).rename("sources")
        both = pd.concat([single, joined.reset_index()], ignore_index=True)
        computed = computed.merge(both, on=key, how="left")
        computed["status"] = np.floor(computed["mean_status"] + 1e-9).astype("int64")
        computed["basis"] = "computed"
        computed = computed[cols]
    if assessments.empty:
        return computed.reset_index(drop=True)
    a = assessments.rename(
        columns={"value": "a_status", "date": "a_date", "source": "a_source", "synthetic": "a_syn"}
    )
    merged = computed.merge(a, on=key, how="outer")
    override = merged["a_status"].notna() & (
        merged["last_date"].isna() | (merged["a_date"] >= merged["last_date"])
    )
    merged.loc[override, "status"] = merged.loc[override, "a_status"]
    merged.loc[override, "basis"] = "expert"
    merged.loc[override, "last_date"] = merged.loc[override, "a_date"]
    merged.loc[override, "sources"] = merged.loc[override, "a_source"]
    merged.loc[override, "synthetic"] = merged.loc[override, "a_syn"]
    merged["n_indicators"] = merged["n_indicators"].fillna(0).astype("int64")
    merged["status"] = merged["status"].astype("int64")
    merged["synthetic"] = merged["synthetic"].astype(bool)
    return merged[cols].reset_index(drop=True)


def mean_with_minimum(*, statuses: pd.Series, expected: int) -> float | None:
    """The mean status if at least half of the ``expected`` units have data, else None."""
    have = statuses.dropna()
    if expected <= 0 or len(have) < MIN_DATA_SHARE * expected or have.empty:
        return None
    return float(have.mean())


def trend_symbol(*, now: float | None, before: float | None) -> str:
    """▲ up, ▼ down, ► unchanged, '' when either side is missing."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return ""
    if now > before:
        return "▲ up"
    if now < before:
        return "▼ down"
    return "► same"


def indicator_panel(
    *, inputs: dict[str, pd.DataFrame], first_year: int, last_year: int
) -> pd.DataFrame:
    """Yearly latest value and status of every indicator for every participant (and region)."""
    latest = yearly_latest(
        observations=inputs["observations"],
        code_column="indicator_code",
        first_year=first_year,
        last_year=last_year,
    )
    return with_indicator_status(latest=latest, indicators=inputs["indicators"])


def status_from_inputs(
    *, inputs: dict[str, pd.DataFrame], first_year: int, last_year: int
) -> pd.DataFrame:
    """Status per (participant, recommendation, year) from the scoring inputs (see item_status)."""
    scored = indicator_panel(inputs=inputs, first_year=first_year, last_year=last_year)
    return status_from_panel(
        ind_panel=scored,
        assessments=inputs["assessments"],
        first_year=first_year,
        last_year=last_year,
    )


def status_from_panel(
    *, ind_panel: pd.DataFrame, assessments: pd.DataFrame, first_year: int, last_year: int
) -> pd.DataFrame:
    """Status per (participant, recommendation, year) from an indicator_panel and assessments."""
    assess = yearly_latest(
        observations=assessments,
        code_column="recommendation",
        first_year=first_year,
        last_year=last_year,
    )
    return item_status(scored=ind_panel, assessments=assess)
