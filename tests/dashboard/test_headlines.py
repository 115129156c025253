"""The Overview's headlines are honest about what is known (issue 19, item 1): unknown is not
zero, a lapse is not a decline, and a figure goes down only where a status really fell."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core import scoring
from dashboard.views.overview import compare_initiated

RECS = [f"R{i}" for i in range(1, 8)]
status = st.one_of(st.none(), st.integers(0, 4).map(float))
years = st.fixed_dictionaries({r: status for r in RECS})


def _up(v: float | None) -> bool:
    return v is not None and v >= scoring.INITIATED


@settings(max_examples=400, deadline=None)
@given(then=years, now=years)
def test_the_change_is_negative_only_where_a_status_really_fell(
    then: dict[str, float | None], now: dict[str, float | None]
) -> None:
    change = compare_initiated(then=then, now=now)
    fell = [r for r in RECS if then[r] is not None and now[r] is not None and _up(then[r])
            and not _up(now[r])]  # fmt: skip
    if change.delta is not None and change.delta < 0:
        assert fell, (then, now, change)
    # a recommendation that lost its status is counted as lapsed, never in the change
    lost = [r for r in RECS if _up(then[r]) and now[r] is None]
    assert change.lapsed == len(lost)
    assert change.known_now == sum(v is not None for v in now.values())
    assert change.now == sum(_up(v) for v in now.values())


@settings(max_examples=300, deadline=None)
@given(then=years, now=years, rec=st.sampled_from(RECS), added=st.integers(0, 4).map(float))
def test_adding_evidence_never_reads_as_going_backwards_unless_that_status_fell(
    then: dict[str, float | None], now: dict[str, float | None], rec: str, added: float
) -> None:
    """Evidence for one cell that had no status now: the change may go down only if that
    recommendation was at Initiated or above before and is now below it."""
    if now[rec] is not None:
        now = {**now, rec: None}
    before = compare_initiated(then=then, now=now)
    after = compare_initiated(then=then, now={**now, rec: added})
    backwards = after.delta is not None and after.delta < 0
    if backwards and (before.delta is None or after.delta < before.delta):
        assert _up(then[rec]) and not _up(added)


def test_nothing_known_reads_not_enough_data_not_zero() -> None:
    change = compare_initiated(then={"R1": None}, now={"R1": None})
    assert change.known_now == 0 and change.delta is None and change.lapsed == 0
    lapsed = compare_initiated(then={"R1": 2.0, "R2": 3.0}, now={"R1": None, "R2": 3.0})
    assert lapsed.delta == 0 and lapsed.lapsed == 1  # the 2011-style "-1" is a lapse now
