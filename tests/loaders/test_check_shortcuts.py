"""The check's shortcuts give what the plain computations give: steps done once per distinct
value (dates, values, statuses) equal the step done on every row, and the CSV reader's skipped
scans (control characters, cell lengths, line breaks in quoted cells) skip nothing that counts."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import readers, validate
from loaders.errors import Rejected

DATE_TEXTS = [
    "",
    "2020",
    "2020-01",
    "2020-1",
    "2020-02-29",
    "2021-02-29",
    "2020-13",
    "2020-12-31",
    "2020-1-5",
    "1944",
    "1944-12-31",
    "1945-01-01",
    "0000",
    "2999-01-01",
    "20201",
    "2020/01/01",
    "2020-01-01T00:00",
    "２０２０",
    "x" * 120,
    "'2020'",
    " 2020",
    "2020-00-10",
    "2020-04-31",
]
VALUE_TEXTS = [
    "",
    "0",
    "1",
    "2",
    "4",
    "5",
    "-1",
    "2.5",
    "2,5",
    "1,234",
    "1,234,567.5",
    "12%",
    "101%",
    "yes",
    "No",
    "TRUE",
    "inf",
    "-Infinity",
    "NaN",
    "1e309",
    "1e13",
    "abc",
    " 3 ",
    "x" * 100,
    "0.0",
    "100",
]
KINDS = ["binary", "ordinal", "count", "amount", "percent", ""]
STATUS_TEXTS = ["", "0", "3", "4", "5", "-1", "2.0", "Initiated", "initiated", "nope", "1.5"]


def texts(pool: list[str]) -> st.SearchStrategy[list[str]]:
    """Lists of texts that repeat (from the pool) and sometimes do not (arbitrary text)."""
    return st.lists(st.one_of(st.sampled_from(pool), st.text(max_size=12)), min_size=1, max_size=40)


def series(values: list[str], *, start: int) -> pd.Series:
    """Values as the reader gives them: text, indexed as a checked frame is (not from zero)."""
    return pd.Series(values, dtype="str", index=pd.RangeIndex(start, start + len(values)))


def assert_same(got: tuple[pd.Series, ...], want: tuple[pd.Series, ...]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        pd.testing.assert_series_equal(g, w)


@settings(max_examples=200, deadline=None)
@given(values=texts(DATE_TEXTS), start=st.integers(0, 5))
def test_dates_once_per_text_equal_every_row(values: list[str], start: int) -> None:
    column = series(values, start=start)
    assert_same(validate._parse_dates(column), validate._parse_date_texts(column))
    assert_same(
        validate._per_distinct(validate._observation_dates, (column,), column),
        validate._observation_dates(column),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(VALUE_TEXTS), st.text(max_size=8)),
            st.sampled_from(KINDS),
            st.sampled_from([1.0, 3.0, 4.0]),
        ),
        min_size=1,
        max_size=40,
    ),
    start=st.integers(0, 5),
)
def test_values_once_per_pair_equal_every_row(
    rows: list[tuple[str, str, float]], start: int
) -> None:
    index = pd.RangeIndex(start, start + len(rows))
    frame = pd.DataFrame({"value": pd.Series([r[0] for r in rows], dtype="str", index=index)})
    kinds = pd.Series([r[1] for r in rows], dtype="str", index=index)
    levels = pd.Series([r[2] for r in rows], index=index)
    got = validate._per_distinct(
        validate._values, (frame["value"], kinds, levels), frame[["value"]], kinds, levels
    )
    assert_same(got, validate._values(frame, kinds, levels))


@settings(max_examples=100, deadline=None)
@given(values=texts(STATUS_TEXTS), start=st.integers(0, 5))
def test_statuses_once_per_text_equal_every_row(values: list[str], start: int) -> None:
    column = series(values, start=start)
    assert_same(
        validate._per_distinct(validate._statuses, (column,), column),
        validate._statuses(column),
    )
    # ...and equal what the check computed before it went once per text
    folded = column.str.casefold()
    before = pd.to_numeric(folded, errors="coerce").fillna(
        folded.map(validate.STATUS_WORDS).astype(float)
    )
    pd.testing.assert_series_equal(validate._statuses(column)[0], before)


def once_before(column: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """_once as it was: the results of every row in one object array, made a Series."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    results = np.empty(len(distinct) + 1, dtype=object)
    results[:-1] = [func(v) for v in distinct]
    results[-1] = None
    return pd.Series(results[codes], index=column.index)


@given(values=st.lists(st.sampled_from(["a", "b", "", "ä", "a "]), max_size=30))
def test_once_keeps_the_dtype_and_values_it_had(values: list[str]) -> None:
    column = series(values, start=3)
    for func in (str.upper, len, lambda t: t or None, lambda t: t == "a", lambda t: 1.5):
        pd.testing.assert_series_equal(validate._once(column, func), once_before(column, func))


# ---------------------------------------------------------------- the CSV reader's shortcuts

CELLS = st.one_of(
    st.sampled_from(["", " ", "AUS", " padded ", "2020", "a,b", 'say "hi"', "two\nlines", "x"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r"), max_size=6),
)


def csv_text(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["a", "b", "c"], *rows])
    return out.getvalue().encode()


def outcome(data: bytes) -> object:
    try:
        return readers.read_table(data=data, name="t.csv").frame
    except Rejected as exc:
        return [str(p) for p in exc.problems]


def assert_same_outcome(got: object, want: object) -> None:
    if isinstance(want, pd.DataFrame):
        assert isinstance(got, pd.DataFrame)
        pd.testing.assert_frame_equal(got, want)
    else:
        assert got == want


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=8))
def test_csv_scans_skipped_only_when_nothing_to_find(rows: list[list[str]]) -> None:
    data = csv_text(rows)
    got = outcome(data)
    with pytest.MonkeyPatch.context() as m:  # every scan done: no shortcut can apply
        m.setattr(readers, "_has_control", lambda data: True)
        real_check_lines = readers._check_lines
        m.setattr(
            readers,
            "_check_lines",
            lambda *, data, name: real_check_lines(data=data, name=name) + readers.MAX_CELL_CHARS,
        )
        want = outcome(data)
    assert_same_outcome(got, want)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=8))
def test_csv_rows_numbered_by_their_first_line(rows: list[list[str]]) -> None:
    data = csv_text(rows)
    got = outcome(data)
    if not isinstance(got, pd.DataFrame):
        return  # refused (a control character, an empty file): numbering checked elsewhere
    reader = csv.reader(io.StringIO(data.decode(), newline=""))
    first_lines = []
    start = 1
    for record in reader:
        if any(c.strip() for c in record):
            first_lines.append(start)
        start = reader.line_num + 1
    assert got[readers.ROW_COLUMN].tolist() == first_lines[1:]


def test_long_cell_on_one_line_and_across_lines_both_refused() -> None:
    long = "y" * (readers.MAX_CELL_CHARS + 1)
    one_line = f"a,b\n{long},1\n".encode()
    across = ("a,b\n" + '"' + "y\n" * (readers.MAX_CELL_CHARS // 2 + 1) + '",1\n').encode()
    for data in (one_line, across):
        with pytest.raises(Rejected) as caught:
            readers.read_table(data=data, name="t.csv")
        assert "characters long (limit 10,000)" in str(caught.value.problems[0])
