"""The status rule, method version 2.1 (RULE_VERSION): from indicator values to a status.

Documented in docs/methodology.md ("The status rule, version 2.1"). In short:

1. An indicator value reaches the highest status s (1-4) whose threshold it is at or above;
   an empty threshold slot cannot be reached. The indicator's ceiling is its highest
   reachable status.
2. For a participant (or the region), a recommendation and a year, each indicator of the
   recommendation (and its sub-items) at that level contributes its latest observation on or
   before 31 December. A *flow* (something that happens in a year) counts only within its
   window (``window_years``, default 2: its year and the next); a *stock* (a state that
   persists) is carried forward and marked stale when older than ``stale_after_years``.
3. Coverage is the share of the recommendation's indicators at that level that have a
   current value: a flow within its window, or a stock that is not stale. Stale evidence does
   not count (2.1; under 2.0 it did). Below MIN_COVERAGE the result is "insufficient data",
   not a status; when every input is stale the result is "stale evidence": no current status,
   the last known one (what that evidence gave, when it was enough for one) kept beside it.
4. The computed status is the mean of the indicators' statuses, each scaled to the
   recommendation's ceiling (the highest ceiling among its indicators), rounded down, and never
   above the best single indicator status. With incomplete coverage it is at most
   PARTIAL_CAP (Substantial progress): "Implemented" needs every indicator observed.
   Under 2.1 only current indicators enter the mean.
5. An expert assessment (status, rationale, assessor and source) overrides the computed status
   when at least as recent as the newest observation used; the computed status stays beside it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

RULE_VERSION = "2.1"
METHODS = ("2.0", "2.1")  # every method a result can still be computed by (explain --method)
MIN_COVERAGE = 0.5  # share of a recommendation's indicators that must have current data
MIN_DATA_SHARE = 0.5  # share of participants with data before an average over them is shown
PARTIAL_CAP = 3  # the highest status a recommendation can have with incomplete coverage
DEFAULT_FLOW_WINDOW = 2  # years a flow observation counts: its own year and the next
INITIATED = 2
REGION = "ARF"  # participant_code used in frames for observations of the region as a whole

RESULT_STATUS = "status"
RESULT_INSUFFICIENT = "insufficient data"
RESULT_STALE = "stale evidence"  # 2.1: every input stale; no current status (see last_known)


def parse_thresholds(text: str) -> list[float]:
    """``"1|2||4"`` -> [1.0, 2.0, inf, 4.0]: the minimum value for statuses 1 to 4."""
    slots = (text.split("|") + ["", "", "", ""])[:4]
    return [float(s) if s.strip() else math.inf for s in slots]


def ceiling_of(thresholds: list[float]) -> int:
    """The highest status an indicator can reach (its highest non-empty threshold slot)."""
    reachable = [i + 1 for i, t in enumerate(thresholds[:4]) if math.isfinite(t)]
    return max(reachable, default=0)


def threshold_matrix(thresholds: pd.Series) -> np.ndarray:
    """A Series of 4-lists as an (n, 4) float array."""
    return np.array(thresholds.tolist(), dtype=float).reshape(len(thresholds), 4)


def indicator_status(*, values: pd.Series, thresholds: pd.Series) -> pd.Series:
    """Status 0-4 of each value: the highest status whose threshold the value reaches."""
    matrix = threshold_matrix(thresholds)
    reached = values.to_numpy(dtype=float)[:, None] >= matrix
    highest = np.where(reached.any(axis=1), 4 - np.argmax(reached[:, ::-1], axis=1), 0)
    return pd.Series(highest, index=values.index, dtype="int64")


def catalogue_columns(indicators: pd.DataFrame) -> pd.DataFrame:
    """The catalogue with the rule's columns filled in where a frame lacks them."""
    ind = indicators.copy()
    defaults: dict[str, object] = {
        "level": "participant",
        "measure": "stock",
        "window_years": DEFAULT_FLOW_WINDOW,
        "stale_after_years": np.nan,
    }
    for column, default in defaults.items():
        if column not in ind:
            ind[column] = default
    ind["window_years"] = pd.to_numeric(ind["window_years"], errors="coerce").fillna(
        DEFAULT_FLOW_WINDOW
    )
    ind["stale_after_years"] = pd.to_numeric(ind["stale_after_years"], errors="coerce")
    ind["ceiling"] = ind["thresholds_list"].map(ceiling_of).astype("int64")
    return ind


def yearly_latest(
    *, observations: pd.DataFrame, code_column: str, first_year: int, last_year: int
) -> pd.DataFrame:
    """For each (participant, code) and year, the latest observation on or before 31 December.

    ``observations`` has participant_code (REGION for the region), ``code_column``, date
    (datetime64), value, synthetic, source, and may carry extra columns listed in ``extra``.
    Returns the same columns plus ``year``; years before a pair's first observation are absent
    (no data), later years carry the value forward (windows and staleness are applied later).
    """
    extra = [c for c in ("assessor", "rationale") if c in observations.columns]
    cols = ["participant_code", code_column, "year", "date", "value", "synthetic", "source", *extra]
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
    panel = obs.iloc[source_rows][[c for c in cols if c != "year"]]
    panel = panel.assign(year=years[keep]).reset_index(drop=True)
    panel["synthetic"] = panel["synthetic"].astype(bool)
    return panel[cols]


def with_indicator_status(*, latest: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Score a yearly_latest frame: the indicator's status, ceiling, age and staleness.

    Flow observations outside their window are dropped (they no longer count); observations
    of an indicator at the other level (a participant's value for a regional indicator) too.
    """
    ind = catalogue_columns(indicators)
    joined = latest.merge(
        ind[
            [
                "code",
                "recommendation",
                "thresholds_list",
                "level",
                "measure",
                "window_years",
                "stale_after_years",
                "ceiling",
            ]
        ],
        left_on="indicator_code",
        right_on="code",
    ).drop(columns=["code"])
    if joined.empty:
        return joined.assign(ind_status=pd.Series(dtype="int64"), age=0, stale=False).drop(
            columns=["thresholds_list"]
        )
    is_region = joined["participant_code"].eq(REGION)
    right_level = np.where(is_region, joined["level"].eq("region"), joined["level"].ne("region"))
    age = joined["year"].astype("int64") - joined["date"].dt.year.astype("int64")
    is_flow = joined["measure"].eq("flow")
    in_window = ~is_flow | (age < joined["window_years"])
    joined = joined.assign(age=age)[right_level & in_window].reset_index(drop=True)
    joined["stale"] = (
        joined["measure"].ne("flow")
        & joined["stale_after_years"].notna()
        & (joined["age"] > joined["stale_after_years"].fillna(np.inf))
    )
    joined["ind_status"] = indicator_status(
        values=joined["value"], thresholds=joined["thresholds_list"]
    )
    return joined.drop(columns=["thresholds_list"])


def expected_indicators(*, indicators: pd.DataFrame) -> pd.DataFrame:
    """Per (level, recommendation): how many indicators it has and its ceiling."""
    ind = catalogue_columns(indicators)
    ind = ind.assign(level=ind["level"].where(ind["level"].eq("region"), "participant"))
    return (
        ind.groupby(["level", "recommendation"])
        .agg(n_expected=("code", "nunique"), rec_ceiling=("ceiling", "max"))
        .reset_index()
    )


def combine(
    *, mean_scaled: float, best: int, coverage: float, rec_ceiling: int
) -> tuple[str, float]:
    """The recommendation result from its indicators (rule steps 3 and 4), for one cell.

    ``mean_scaled`` is the mean of status/ceiling over the observed indicators (0-1), ``best``
    the highest observed indicator status. Returns (result, status); status is NaN when the
    result is insufficient data. The vectorised version in item_status follows the same steps.
    """
    if coverage < MIN_COVERAGE:
        return RESULT_INSUFFICIENT, math.nan
    status = min(math.floor(mean_scaled * rec_ceiling + 1e-9), best)
    if coverage < 1:
        status = min(status, PARTIAL_CAP)
    return RESULT_STATUS, float(status)


def cell_result(
    *,
    current: list[tuple[int, int]],
    stale: list[tuple[int, int]],
    n_expected: int,
    method: str = RULE_VERSION,
) -> tuple[str, float, float]:
    """The rule for one cell from its observed indicators as (status, ceiling) pairs, split into
    current and stale: (result, status, last_known). The reference the vectorised item_status
    follows (property tests hold the two together).

    2.0: stale evidence counts like current evidence. 2.1: only current evidence counts; a cell
    whose every input is stale has no status, and ``last_known`` is what that evidence gave.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method '{method}': use one of {', '.join(METHODS)}")
    rec_ceiling = max((c for _, c in current + stale), default=0)
    expected = max(n_expected, 1)

    def over(parts: list[tuple[int, int]]) -> tuple[str, float]:
        mean = sum(s / max(c, 1) for s, c in parts) / len(parts)
        best = max(s for s, _ in parts)
        return combine(
            mean_scaled=mean, best=best, coverage=len(parts) / expected, rec_ceiling=rec_ceiling
        )

    if method == "2.0" or (current and not stale):
        result, status = over(current + stale)
        return result, status, math.nan
    if current:
        result, status = over(current)
        return result, status, math.nan
    result, last_known = over(stale)  # too little even when current: no last known status
    return RESULT_STALE, math.nan, last_known if result == RESULT_STATUS else math.nan


STATUS_COLUMNS = [
    "participant_code",
    "recommendation",
    "year",
    "result",
    "status",
    "basis",
    "computed_status",
    "computed_result",
    "last_date",
    "n_indicators",
    "n_expected",
    "coverage",
    "stale",
    "n_stale",
    "last_known",
    "synthetic",
    "sources",
    "assessor",
    "rationale",
]


def _sources_joined(scored: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    pairs = scored[[*key, "source"]].astype({"source": str}).drop_duplicates()
    pairs = pairs.sort_values([*key, "source"], kind="stable")
    # Most cells have one source: take it directly, join only where there are several.
    counts = pairs.groupby(key, sort=False)["source"].transform("size")
    single = pairs[counts == 1].rename(columns={"source": "sources"})
    multi = pairs[counts > 1]
    joined = multi.groupby(key, sort=False)["source"].agg("; ".join).rename("sources")
    return pd.concat([single, joined.reset_index()], ignore_index=True)


def item_status(
    *,
    scored: pd.DataFrame,
    assessments: pd.DataFrame,
    indicators: pd.DataFrame,
    method: str = RULE_VERSION,
) -> pd.DataFrame:
    """Result per (participant, recommendation, year) under the rule (see the module doc).

    ``scored``: with_indicator_status output. ``assessments``: yearly_latest output over
    assessments with code column ``recommendation``, the status in ``value``, and assessor and
    rationale. Cells with neither an observed indicator nor an assessment are absent (no data).
    ``method`` "2.0" counts stale evidence like current evidence (cell_result is the one-cell
    reference of both methods).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method '{method}': use one of {', '.join(METHODS)}")
    key = ["participant_code", "recommendation", "year"]
    if scored.empty:
        computed = pd.DataFrame(columns=STATUS_COLUMNS)
    else:
        stale_row = scored["stale"].astype(bool).to_numpy()
        counts = np.ones(len(scored), dtype=bool) if method == "2.0" else ~stale_row
        s = scored.assign(
            scaled=scored["ind_status"] / scored["ceiling"].clip(lower=1),
            level=np.where(scored["participant_code"].eq(REGION), "region", "participant"),
            # what enters the mean: every row (2.0) or the current ones (2.1), NaN otherwise
            c_scaled=np.where(
                counts, scored["ind_status"] / scored["ceiling"].clip(lower=1), np.nan
            ),
            c_status=np.where(counts, scored["ind_status"], np.nan),
            c_code=scored["indicator_code"].astype(object).where(counts),
            s_code=scored["indicator_code"].astype(object).where(stale_row),
        )
        computed = (
            s.groupby([*key, "level"], sort=False, observed=True)
            .agg(
                mean_scaled=("c_scaled", "mean"),
                best=("c_status", "max"),
                all_scaled=("scaled", "mean"),
                all_best=("ind_status", "max"),
                last_date=("date", "max"),
                n_observed=("indicator_code", "nunique"),
                n_counted=("c_code", "nunique"),
                n_stale=("s_code", "nunique"),
                synthetic=("synthetic", "any"),
                stale=("stale", "any"),
            )
            .reset_index()
        )
        computed = computed.merge(
            expected_indicators(indicators=indicators), on=["level", "recommendation"], how="left"
        )
        computed["n_expected"] = computed["n_expected"].fillna(computed["n_observed"])
        expected = computed["n_expected"].clip(lower=1)
        computed["n_indicators"] = computed["n_counted"]
        computed["coverage"] = computed["n_counted"] / expected

        def rule(mean: pd.Series, best: pd.Series, coverage: pd.Series) -> tuple[Any, Any]:
            raw = np.floor(mean.fillna(0) * computed["rec_ceiling"] + 1e-9)
            status = np.minimum(raw, best.fillna(0))
            status = np.where(coverage < 1, np.minimum(status, PARTIAL_CAP), status)
            return status, (coverage >= MIN_COVERAGE) & (coverage > 0)

        status, enough = rule(computed["mean_scaled"], computed["best"], computed["coverage"])
        computed["computed_status"] = np.where(enough, status, np.nan)
        computed["computed_result"] = np.where(enough, RESULT_STATUS, RESULT_INSUFFICIENT)
        # 2.1: a cell whose every input is stale: the status that evidence gave, kept beside
        # the "stale evidence" result (insufficient data when even it was too little).
        only_stale = computed["n_counted"].eq(0) & computed["n_stale"].gt(0)
        known, known_enough = rule(
            computed["all_scaled"], computed["all_best"], computed["n_observed"] / expected
        )
        computed["last_known"] = np.where(only_stale & known_enough, known, np.nan)
        computed.loc[only_stale, "computed_result"] = RESULT_STALE
        computed["status"] = computed["computed_status"]
        computed["result"] = computed["computed_result"]
        computed["basis"] = "computed"
        computed["assessor"] = ""
        computed["rationale"] = ""
        computed = computed.merge(_sources_joined(scored, key), on=key, how="left")
        computed = computed[STATUS_COLUMNS]
    if assessments.empty:
        out = computed.reset_index(drop=True)
    else:
        a = assessments.rename(
            columns={
                "value": "a_status",
                "date": "a_date",
                "source": "a_source",
                "synthetic": "a_syn",
                "assessor": "a_assessor",
                "rationale": "a_rationale",
            }
        )
        for column in ("a_assessor", "a_rationale"):
            if column not in a:
                a[column] = ""
        merged = computed.merge(
            a[[*key, "a_status", "a_date", "a_source", "a_syn", "a_assessor", "a_rationale"]],
            on=key,
            how="outer",
        )
        override = merged["a_status"].notna() & (
            merged["last_date"].isna() | (merged["a_date"] >= merged["last_date"])
        )
        for target, origin in (
            ("status", "a_status"),
            ("last_date", "a_date"),
            ("sources", "a_source"),
            ("synthetic", "a_syn"),
            ("assessor", "a_assessor"),
            ("rationale", "a_rationale"),
        ):
            merged[target] = merged[target].astype(object)
            merged.loc[override, target] = merged.loc[override, origin]
        merged.loc[override, "basis"] = "expert"
        merged.loc[override, "result"] = RESULT_STATUS
        no_computed = merged["computed_result"].isna()
        merged.loc[no_computed, "computed_result"] = "no data"
        merged["n_indicators"] = merged["n_indicators"].fillna(0)
        merged["n_stale"] = merged["n_stale"].fillna(0)
        merged["coverage"] = merged["coverage"].fillna(0.0)
        merged["stale"] = merged["stale"].fillna(False)
        out = merged[STATUS_COLUMNS].reset_index(drop=True)
    out["n_indicators"] = out["n_indicators"].astype("int64")
    out["n_stale"] = pd.to_numeric(out["n_stale"], errors="coerce").fillna(0).astype("int64")
    out["last_known"] = pd.to_numeric(out["last_known"], errors="coerce").astype(float)
    out["n_expected"] = pd.to_numeric(out["n_expected"], errors="coerce").fillna(0).astype("int64")
    out["status"] = pd.to_numeric(out["status"], errors="coerce").astype(float)
    out["computed_status"] = pd.to_numeric(out["computed_status"], errors="coerce").astype(float)
    out["coverage"] = out["coverage"].astype(float)
    out["synthetic"] = out["synthetic"].fillna(False).astype(bool)
    out["stale"] = out["stale"].fillna(False).astype(bool)
    out["assessor"] = out["assessor"].fillna("").astype(str)
    out["rationale"] = out["rationale"].fillna("").astype(str)
    out["year"] = out["year"].astype("int64")
    return out


def with_status(cells: pd.DataFrame) -> pd.DataFrame:
    """Only the cells that have a status (not insufficient data), status as an integer."""
    have = cells[cells["result"].eq(RESULT_STATUS)].reset_index(drop=True)
    return have.assign(status=have["status"].astype("int64"))


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
    """Yearly current value and status of every indicator for every participant (and region)."""
    latest = yearly_latest(
        observations=inputs["observations"],
        code_column="indicator_code",
        first_year=first_year,
        last_year=last_year,
    )
    return with_indicator_status(latest=latest, indicators=inputs["indicators"])


def status_from_inputs(
    *,
    inputs: dict[str, pd.DataFrame],
    first_year: int,
    last_year: int,
    method: str = RULE_VERSION,
) -> pd.DataFrame:
    """Every cell's result per (participant, recommendation, year) (see item_status)."""
    scored = indicator_panel(inputs=inputs, first_year=first_year, last_year=last_year)
    return status_from_panel(
        ind_panel=scored,
        assessments=inputs["assessments"],
        indicators=inputs["indicators"],
        first_year=first_year,
        last_year=last_year,
        method=method,
    )


def status_from_panel(
    *,
    ind_panel: pd.DataFrame,
    assessments: pd.DataFrame,
    indicators: pd.DataFrame,
    first_year: int,
    last_year: int,
    method: str = RULE_VERSION,
) -> pd.DataFrame:
    """Every cell's result per (participant, recommendation, year) from an indicator_panel."""
    assess = yearly_latest(
        observations=assessments,
        code_column="recommendation",
        first_year=first_year,
        last_year=last_year,
    )
    return item_status(scored=ind_panel, assessments=assess, indicators=indicators, method=method)
