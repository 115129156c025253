"""Validate whole tables of observations or events at once, collecting every problem."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from dashboard.core import models
from loaders.errors import Problem, Rejected
from loaders.readers import MAX_PROBLEMS, ROW_COLUMN, Table, with_more

REGION_MARKERS = {"", "region", "arf", "regional", "asean regional forum"}
COLUMN_SYNONYMS = {
    "country": "participant",
    "participant_code": "participant",
    "participant_name": "participant",
    "indicator_code": "indicator",
    "year": "date",
    "end": "end_date",
    "recommendations": "items",
    "item": "items",
    "pillar": "pillars",
    "link": "url",
    "type": "kind",
    "notes": "note",
    "assessed_status": "status",
}
OBSERVATION_COLUMNS = ("participant", "indicator", "date", "value", "source")
# source_url: the web address of a source the file names for the first time (a questionnaire's)
OBSERVATION_OPTIONAL = ("note", "status", "assessor", "rationale", "source_url")
EVENT_COLUMNS = ("date", "title", "source")
EVENT_OPTIONAL = ("end_date", "kind", "participants", "items", "pillars", "url", "description")
STATUS_WORDS = {label.lower(): n for n, label in models.STATUS_LABELS.items()}
BOOL_WORDS = {"yes": 1.0, "no": 0.0, "true": 1.0, "false": 0.0, "y": 1.0, "n": 0.0}
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
# A day with a time of day (ISO 8601, as spreadsheets and JSON tools write it): the day, and
# whether the time is midnight (hours, minutes, seconds and fraction all zero).
_DATETIME_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
ECHO_CHARS = 80  # a cell's text quoted in a message is cut to this many characters
# Longest texts the database keeps in a column (models' max_length; on PostgreSQL a unique
# index entry must also stay under ~2,700 bytes, so an event's title is bounded too).
TEXT_LIMITS = {
    "source": 200,  # Source.code holds the text; longer texts would collide on their prefix
    "assessor": 200,
    "title": 500,
    "kind": 32,
    "url": 2000,
}


def normalise_name(text: str) -> str:
    """Fold case, accents, punctuation and spacing so spellings of one name compare equal."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"[’'`.]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass
class Reference:
    """What a file's codes are checked against, read once from the database."""

    names: dict[str, str]
    participant_names: dict[str, str]
    indicators: dict[str, models.Indicator]
    items: dict[str, models.FrameworkItem]
    pillars: set[int]
    sources: dict[str, models.Source] = field(default_factory=dict)

    @classmethod
    def from_session(cls, session: Session) -> Reference:
        """Read participants, aliases, indicators, items, pillars and sources."""
        participants = session.exec(select(models.Participant)).all()
        names: dict[str, str] = {}
        for p in participants:
            names[normalise_name(p.code)] = p.code
            names[normalise_name(p.name)] = p.code
        for a in session.exec(select(models.ParticipantAlias)).all():
            names.setdefault(normalise_name(a.alias), a.participant_code)
        sources: dict[str, models.Source] = {}
        for s in session.exec(select(models.Source)).all():
            sources[s.code.casefold()] = s
            sources.setdefault(s.title.casefold(), s)
        return cls(
            names=names,
            participant_names={p.code: p.name for p in participants},
            indicators={i.code.upper(): i for i in session.exec(select(models.Indicator)).all()},
            items={i.code.upper(): i for i in session.exec(select(models.FrameworkItem)).all()},
            pillars={p.number for p in session.exec(select(models.Pillar)).all()},
            sources=sources,
        )

    def resolve_participant(self, text: str) -> str | None:
        """The participant code for any common spelling, or None."""
        return self.names.get(normalise_name(text))

    def suggest_participant(self, text: str) -> str:
        """A 'did you mean' hint for an unknown participant name."""
        key = normalise_name(text)
        close = difflib.get_close_matches(key, list(self.names), n=1, cutoff=0.6)
        if not close:
            return ""
        code = self.names[close[0]]
        return f" (did you mean {self.participant_names[code]} / {code}?)"

    def suggest_code(self, text: str, codes: list[str]) -> str:
        """A 'did you mean' hint for an unknown indicator or item code."""
        close = difflib.get_close_matches(text.upper(), codes, n=1, cutoff=0.5)
        return f" (did you mean {close[0]}?)" if close else ""


@dataclass
class Issues:
    """Problems collected while checking one table (at most MAX_PROBLEMS listed per check)."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    found: int = 0

    def add_rows(self, frame: pd.DataFrame, mask: pd.Series, column: str, reason: object) -> None:
        """Record one problem per row where mask is true; reason may be a Series of texts.

        A Series reason needs values only at the masked rows (build it on ``frame[mask]``).
        """
        if not mask.any():
            return
        rows = frame.loc[mask, ROW_COLUMN]
        self.found += len(rows)
        rows = rows.iloc[:MAX_PROBLEMS]
        reasons = reason.loc[rows.index] if isinstance(reason, pd.Series) else [reason] * len(rows)
        for row, why in zip(rows, reasons, strict=True):
            self.problems.append(Problem(self.file, int(row), column, str(why)))

    def raise_if_any(self) -> None:
        """Raise Rejected with every problem (the first MAX_PROBLEMS by row, then a count)."""
        if self.problems:
            self.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
            kept = self.problems[:MAX_PROBLEMS]
            raise Rejected(with_more(kept, max(self.found, len(self.problems)) - len(kept)))


def echo(series: pd.Series) -> pd.Series:
    """Cells as messages quote them: cut to ECHO_CHARS characters, with an ellipsis."""
    long = series.str.len() > ECHO_CHARS
    if not long.any():
        return series
    return series.where(~long, series.str.slice(0, ECHO_CHARS - 1) + "…")


def _once(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """func applied to each distinct value once, mapped back to every row."""
    codes, distinct = pd.factorize(series, use_na_sentinel=False)
    results = np.empty(len(distinct), dtype=object)
    results[:] = [func(v) for v in distinct]
    # The Series is built (its dtype inferred) on the distinct results, then spread to the rows:
    # the same values, and so the same dtype, as building it on every row's result.
    return pd.Series(results).take(codes).set_axis(series.index)


def _distinct(*columns: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Rows' positions of the first of each distinct combination of the columns' values, and
    each row's number among those combinations (so that ``first[which]`` is every row)."""
    which = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, distinct = pd.factorize(column, use_na_sentinel=False)
        which, _ = pd.factorize(which * len(distinct) + codes)  # factorize keeps it < rows
    _, first = np.unique(which, return_index=True)  # codes number combinations as they appear
    return first, which


def _per_distinct(
    func: Callable[..., tuple[pd.Series, ...]], keys: tuple[pd.Series, ...], *args: Any
) -> tuple[pd.Series, ...]:
    """func(*args) for row-wise functions of the keys: computed on one row per distinct
    combination of the keys' values and spread back to every row (args are aligned Series or
    DataFrames whose every value is decided by the keys)."""
    first, which = _distinct(*keys)
    if len(first) == len(which):
        return func(*args)
    index = keys[0].index
    results = func(*(a.iloc[first] for a in args))
    return tuple(r.take(which).set_axis(index) for r in results)


def _lookup(series: pd.Series, mapping: dict[Any, Any]) -> pd.Series:
    """mapping[value] for each row (None where the value is not a key), one lookup per value."""
    return _once(series, mapping.get)


def _too_long(issues: Issues, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    for column in columns:
        limit = TEXT_LIMITS[column]
        lengths = frame[column].str.len()
        over = lengths > limit
        if over.any():
            issues.add_rows(
                frame,
                over,
                column,
                "'"
                + echo(frame.loc[over, column])
                + "' is "
                + lengths[over].astype(str)
                + f" characters long (limit {limit} for {column})",
            )


def _attr(codes: pd.Series, objects: Mapping[str, object], name: str) -> pd.Series:
    """An attribute of the object each code names (None where the code names nothing)."""
    return _lookup(codes, {code: getattr(o, name) for code, o in objects.items()})


def _rename(frame: pd.DataFrame) -> pd.DataFrame:
    renames = {c: COLUMN_SYNONYMS[c] for c in frame.columns if c in COLUMN_SYNONYMS}
    renames = {k: v for k, v in renames.items() if v not in frame.columns}
    return frame.rename(columns=renames)


def link_problem(text: str) -> str:
    """Why a text may not be shown as a link ("" for an http(s) address with a host or a
    mailto: address): a javascript: or data: URL would run or show content on a click."""
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        parts = urllib.parse.urlsplit("")
    scheme = parts.scheme.casefold()
    web = scheme in ("http", "https") and bool(parts.hostname)
    mail = scheme == "mailto" and bool(parts.path)
    if (web or mail) and not any(c.isspace() for c in text):
        return ""
    return (
        f"'{echo(pd.Series([text])).iat[0]}' is not a web link: write an address that starts "
        "with https://, http:// or mailto:"
    )


def _ignored_columns(frame: pd.DataFrame, known: tuple[str, ...]) -> list[str]:
    """A note naming the columns nothing reads (a misspelt optional column loses its data)."""
    extra = [c for c in frame.columns if c != ROW_COLUMN and c not in known]
    if not extra:
        return []
    named = []
    for column in extra[:20]:
        close = difflib.get_close_matches(column, list(known), n=1, cutoff=0.75)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        named.append(f"'{echo(pd.Series([column])).iat[0]}'{hint}")
    more = f" and {len(extra) - 20} more" if len(extra) > 20 else ""
    return [f"ignored {len(extra)} column(s) RtoP Monitor does not read: {', '.join(named)}{more}"]


def _require(issues: Issues, frame: pd.DataFrame, required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(c for c in frame.columns if c != ROW_COLUMN) or "none"
        issues.problems.append(
            Problem(
                issues.file,
                1,
                missing[0],
                f"missing required column(s) {', '.join(missing)}; found: {found}",
            )
        )
        issues.raise_if_any()


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD: (first day of the period, precision, error text)."""
    stamp, precision, error = _parse_dates(series)
    return stamp.dt.date.where(stamp.notna(), None), precision, error


def _parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """As parse_dates, with the first days as timestamps (NaT where there is no date)."""
    # A column of dates holds few distinct texts (about 30,000 days since 1945): each is parsed
    # once.
    stamp, precision, error = _per_distinct(_parse_date_texts, (series,), series)
    return stamp, precision, error


def _parse_date_texts(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """As _parse_dates, for every text of the series."""
    written, clock = series, pd.Series(False, index=series.index)
    if series.str.contains(":", regex=False).any():  # a time of day: read the day, see below
        timed = series.str.extract(_DATETIME_RE)
        day = timed[0].notna()
        midnight = (
            timed[1].eq("00")
            & timed[2].eq("00")
            & timed[3].fillna("00").eq("00")
            & timed[4].fillna("0").str.fullmatch("0+").astype(bool)
        )
        clock = day & ~midnight
        series = series.where(~day, timed[0])
    # The two common shapes are sliced (vectorised); only other texts go through the regex.
    full = series.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").astype(bool)
    bare = series.str.fullmatch(r"[0-9]{4}").astype(bool)
    year = pd.to_numeric(series.str.slice(0, 4).where(full | bare), errors="coerce")
    month = pd.to_numeric(series.str.slice(5, 7).where(full), errors="coerce")
    day = pd.to_numeric(series.str.slice(8, 10).where(full), errors="coerce")
    other = ~(full | bare)
    if other.any():
        parts = series[other].str.extract(_DATE_RE)
        year[other] = pd.to_numeric(parts[0], errors="coerce")
        month[other] = pd.to_numeric(parts[1], errors="coerce")
        day[other] = pd.to_numeric(parts[2], errors="coerce")
    precision = pd.Series(
        np.where(day.notna(), "day", np.where(month.notna(), "month", "year")), index=series.index
    )
    stamp = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month.fillna(1), "day": day.fillna(1)}),
        errors="coerce",
    )
    error = pd.Series("", index=series.index)
    error[series.eq("")] = "empty: a date is required (YYYY, YYYY-MM or YYYY-MM-DD)"
    bad_shape = series.ne("") & year.isna()
    error[bad_shape] = (
        "'" + echo(written[bad_shape]) + "' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
    )
    impossible = year.notna() & stamp.isna()
    error[impossible] = "'" + written[impossible] + "' is not a real calendar date"
    ok = stamp.notna()
    too_early = ok & (year < 1945)
    error[too_early] = "'" + written[too_early] + "' is before 1945"
    # A time of day other than midnight is refused, not dropped: the day it falls on may
    # depend on a time zone, and the file may mean something finer than a date.
    clock = clock & error.eq("")
    error[clock] = (
        "'"
        + written[clock]
        + "' has a time of day: a date here is a day, a month or a year: write "
        + series[clock]
    )
    return stamp, precision, error


def _observation_dates(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """_parse_date_texts of the series, and whether each date is in the future."""
    stamp, precision, error = _parse_date_texts(series)
    return stamp, precision, error, _future(stamp, precision=precision)


def _future(stamp: pd.Series, *, precision: pd.Series) -> pd.Series:
    today = dt.date.today()
    first_of = {
        "year": pd.Timestamp(today.year, 1, 1),
        "month": pd.Timestamp(today.year, today.month, 1),
        "day": pd.Timestamp(today),
    }
    limit = precision.map(first_of)
    return stamp.notna() & (stamp > limit)


MAX_VALUE = 1e12  # larger counts or amounts are typing errors, not progress indicators


def _values(
    frame: pd.DataFrame, kinds: pd.Series, levels_max: pd.Series
) -> tuple[pd.Series, pd.Series]:
    shown = echo(frame["value"])
    text = frame["value"].str.strip()
    # A comma is a thousands separator only in 1,234 or 1,234,567.5; "2,5" (a decimal comma,
    # as semicolon CSVs write it) is refused rather than read as 25.
    thousands = text.str.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?")
    comma = text.str.contains(",", regex=False) & ~thousands
    raw = text.str.replace(",", "", regex=False).str.replace("%", "", regex=False)
    words = frame["value"].str.casefold().map(BOOL_WORDS)
    number = pd.to_numeric(raw.where(~comma), errors="coerce")
    number = number.where(~(kinds.eq("binary") & words.notna()), words)
    error = pd.Series("", index=frame.index)
    error[frame["value"].eq("")] = "empty: a value is required"
    not_number = frame["value"].ne("") & number.isna() & ~comma
    error[not_number] = "'" + shown[not_number] + "' is not a number"
    error[comma] = (
        "'" + shown[comma] + "' has a comma: write a decimal point (2.5) and no thousands separator"
    )
    # inf, 1e309, JSON Infinity and NaN parse as floats; they are not values of anything.
    endless = number.notna() & ~np.isfinite(number.astype(float))
    error[endless] = "'" + shown[endless] + "' is not a finite number"
    huge = number.notna() & ~endless & (number.abs() > MAX_VALUE)
    error[huge] = "'" + shown[huge] + f"' is out of range (values up to {MAX_VALUE:,.0f})"
    number = number.where(~(endless | huge))
    n = number
    bad_binary = kinds.eq("binary") & n.notna() & ~n.isin([0, 1])
    error[bad_binary] = (
        "binary indicator: value must be 0 or 1 (or yes/no), got " + shown[bad_binary]
    )
    whole = n.notna() & (n == n.round())
    bad_ordinal = kinds.eq("ordinal") & n.notna() & (~whole | (n < 0) | (n > levels_max))
    error[bad_ordinal] = (
        "ordinal indicator: value must be a whole level from 0 to "
        + levels_max[bad_ordinal].astype("Int64").astype(str)
        + ", got "
        + shown[bad_ordinal]
    )
    bad_count = kinds.eq("count") & n.notna() & (~whole | (n < 0))
    error[bad_count] = "count: value must be a whole number >= 0, got " + shown[bad_count]
    bad_amount = kinds.eq("amount") & n.notna() & (n < 0)
    error[bad_amount] = "amount: value must be >= 0, got " + shown[bad_amount]
    bad_pct = kinds.eq("percent") & n.notna() & ((n < 0) | (n > 100))
    error[bad_pct] = "percent: value must be between 0 and 100, got " + shown[bad_pct]
    return number, error


# The checker's own columns as a file names them, for messages (a conflict says "value", not
# "value_number": the person loading wrote "value").
SHOWN_AS = {"value_number": "value", "status_number": "status", "date_value": "date",
            "participant_code": "participant", "indicator_code": "indicator"}  # fmt: skip


def _duplicates(issues: Issues, frame: pd.DataFrame, key: list[str], what: list[str]) -> pd.Series:
    """Flag rows with the same key but different content; return a mask of exact repeats."""
    repeated = frame.duplicated(key, keep=False)
    if not repeated.any():
        return repeated
    part = frame.loc[repeated, key + what]
    groups = part.groupby(key, dropna=False, sort=False)
    first_row = groups[ROW_COLUMN].transform("min") if ROW_COLUMN in part else None
    if first_row is None:
        first_row = (
            frame.loc[repeated].groupby(key, dropna=False, sort=False)[ROW_COLUMN].transform("min")
        )
    # the content as text, so that missing values compare equal, as nunique(dropna=False) does
    texts = pd.DataFrame({c: part[c].astype(str) for c in what}, index=part.index)
    distinct = texts.groupby([part[k] for k in key], dropna=False, sort=False).transform("nunique")
    conflict = pd.Series(False, index=frame.index)
    conflict[part.index] = (distinct > 1).any(axis=1)
    issues.add_rows(
        frame,
        conflict,
        SHOWN_AS.get(what[0], what[0]),
        "conflicts with row "
        + first_row[conflict[part.index]].astype(str)
        + ": same participant, indicator, date and source, different "
        + "/".join(SHOWN_AS.get(w, w) for w in what),
    )
    return frame.duplicated(key + what, keep="first")


# What the writer reads of a checked observations table (loaders/store.py).
WRITTEN_COLUMNS = [
    "participant_code",
    "indicator_code",
    "date_value",
    "precision",
    "value_number",
    "status_number",
    "is_assessment",
    "source",
    "note",
    "assessor",
    "rationale",
]


@dataclass(frozen=True)
class Checked:
    """Valid rows ready to write, and notes for the person loading them: the check's result,
    never changed after it (what a writer does with it comes back as loaders.store.Written)."""

    frame: pd.DataFrame
    notes: tuple[str, ...] = ()


def _statuses(texts: pd.Series) -> tuple[pd.Series]:
    """Each text's status number (0-4 or a label's), NaN where it names none."""
    folded = texts.str.casefold()
    return (pd.to_numeric(folded, errors="coerce").fillna(folded.map(STATUS_WORDS).astype(float)),)


def _levels_max(levels: object) -> int:
    if isinstance(levels, str) and levels:
        return len([x for x in levels.split(";") if x.strip()]) - 1
    return 4


def source_key(texts: pd.Series, ref: Reference) -> pd.Series:
    """Which source each row's text names, as the writer resolves it (case-insensitively, by
    code or title): an existing source's id, or the folded text of a source to create."""

    def key(text: str) -> str:
        folded = text.casefold()
        found = ref.sources.get(folded)
        return f"id:{found.id}" if found is not None else f"new:{folded}"

    return _once(texts, key)


def check_observations(*, table: Table, ref: Reference) -> Checked:
    """Validate an observations table (long format) against the reference data."""
    issues = Issues(table.name)
    frame = _rename(table.frame.copy())
    _require(issues, frame, OBSERVATION_COLUMNS)
    notes = _ignored_columns(frame, OBSERVATION_COLUMNS + OBSERVATION_OPTIONAL)
    for optional in OBSERVATION_OPTIONAL:
        if optional not in frame.columns:
            frame[optional] = ""

    # Indicator, or an item code for an expert-assessed status.
    code = frame["indicator"].str.upper()
    indicators = {k: v for k, v in ref.indicators.items()}
    is_indicator = code.isin(list(ref.indicators))
    is_assessment = ~is_indicator & code.isin(list(ref.items))
    known = is_indicator | is_assessment
    unknown = ~known
    codes = sorted(ref.indicators)
    issues.add_rows(
        frame,
        unknown & frame["indicator"].eq(""),
        "indicator",
        "empty: an indicator code is required (see `python -m loaders indicators`)",
    )
    bad_code = unknown & frame["indicator"].ne("")
    if bad_code.any():
        wrong = frame.loc[bad_code, "indicator"]
        hint = _once(wrong, lambda t: ref.suggest_code(t, codes))
        issues.add_rows(
            frame, bad_code, "indicator", "unknown indicator '" + echo(wrong) + "'" + hint
        )
    issues.add_rows(
        frame,
        is_assessment & frame["status"].eq(""),
        "status",
        "a recommendation code in 'indicator' needs an expert-assessed 'status' (0-4)",
    )
    issues.add_rows(
        frame,
        is_assessment & frame["assessor"].eq(""),
        "assessor",
        "empty: an expert assessment must name its assessor (a person or body)",
    )
    issues.add_rows(
        frame,
        is_assessment & frame["rationale"].eq(""),
        "rationale",
        "empty: an expert assessment must give its rationale (why this status)",
    )

    # Participant, with the indicator's level deciding whether the region is allowed.
    level = _attr(code, indicators, "level").where(is_indicator, _attr(code, ref.items, "level"))
    region = _once(
        frame["participant"], lambda t: isinstance(t, str) and t.casefold() in REGION_MARKERS
    ).astype(bool)
    resolved = _once(frame["participant"], ref.resolve_participant)
    bad_name = ~region & resolved.isna()
    if bad_name.any():
        wrong = frame.loc[bad_name, "participant"]
        hint = _once(wrong, ref.suggest_participant)
        issues.add_rows(
            frame, bad_name, "participant", "unknown participant '" + echo(wrong) + "'" + hint
        )
    # The indicator's (or recommendation's) level decides who may own the row: a regional one
    # under a participant, or a national one for the region, would be read by nobody.
    what = pd.Series("indicator ", index=frame.index).where(is_indicator, "recommendation ")
    needs_participant = region & level.eq("participant")
    named = needs_participant & frame["participant"].ne("")
    issues.add_rows(
        frame,
        needs_participant,
        "participant",
        ("'" + echo(frame.loc[named, "participant"]) + "' is not a participant: ")
        .reindex(frame.index[needs_participant])
        .fillna("empty: ")
        + what[needs_participant]
        + code[needs_participant]
        + " is measured per participant: write the participant's code or name (e.g. VNM or "
        "Viet Nam)",
    )
    regional = ~region & resolved.notna() & level.eq("region")
    issues.add_rows(
        frame,
        regional,
        "participant",
        what[regional]
        + code[regional]
        + " is regional ("
        + is_indicator[regional].map({True: "measured", False: "assessed"})
        + " for the ARF as a whole), not per participant: leave participant empty or write "
        "'region'",
    )
    spelled = ~region & resolved.notna() & frame["participant"].str.upper().ne(resolved)
    for original, code_ in (
        frame.loc[spelled, ["participant"]].assign(code=resolved[spelled]).drop_duplicates().values
    ):
        notes.append(f"read participant '{original}' as {code_}")
    frame["participant_code"] = resolved.where(~region, None)

    # Dates.
    stamp, precision, date_error, future = _per_distinct(
        _observation_dates, (frame["date"],), frame["date"]
    )
    issues.add_rows(frame, date_error.ne(""), "date", date_error)
    issues.add_rows(
        frame,
        future,
        "date",
        "'" + frame.loc[future, "date"] + "' is in the future; observations record facts",
    )
    frame["precision"] = precision

    # Values, by the indicator's type; assessments carry a status instead.
    kinds = _attr(code, indicators, "value_type").where(is_indicator, "")
    level_max = {k: _levels_max(v.levels) for k, v in ref.indicators.items()}
    levels_max = _lookup(code, level_max).where(is_indicator, 4)
    measured = ~is_assessment
    levels_max = levels_max.astype(float)
    # A value's reading depends on its text and its indicator's type only: once per distinct
    # pair (a column of values repeats its texts).
    value, value_error = _per_distinct(
        _values, (frame["value"], kinds, levels_max), frame[["value"]], kinds, levels_max
    )
    issues.add_rows(frame, measured & known & value_error.ne(""), "value", value_error)
    frame["value_number"] = value
    (status,) = _per_distinct(_statuses, (frame["status"],), frame["status"])
    bad_status = is_assessment & frame["status"].ne("") & ~status.isin([0, 1, 2, 3, 4])
    issues.add_rows(
        frame,
        bad_status,
        "status",
        "'"
        + echo(frame.loc[bad_status, "status"])
        + "' is not a status: use 0-4 or a label such as 'Initiated'",
    )
    frame["status_number"] = status
    frame["is_assessment"] = is_assessment
    frame["indicator_code"] = _attr(code, indicators, "code").where(
        is_indicator, _attr(code, ref.items, "code")
    )

    # Sources, and texts the database keeps in bounded columns.
    issues.add_rows(
        frame,
        frame["source"].eq(""),
        "source",
        "empty: every figure needs a source (a source code or a citation)",
    )
    _too_long(issues, frame, ("source", "assessor"))
    link = _once(frame["source_url"], lambda u: link_problem(u) if u else "")
    issues.add_rows(frame, link.ne(""), "source_url", link)

    issues.raise_if_any()
    # The writer's key holds the first day as a timestamp (no Python date per row).
    frame["date_value"] = stamp.astype("datetime64[ns]")
    # The writer resolves sources ignoring case (and by code or title), so two spellings of one
    # source are one key.
    frame["_source_key"] = source_key(frame["source"], ref)
    key = ["participant_code", "indicator_code", "date_value", "_source_key"]
    repeats = _duplicates(issues, frame, key, ["value_number", "status_number"])
    issues.raise_if_any()
    if repeats.any():
        notes.append(f"{int(repeats.sum())} row(s) repeat an earlier row exactly; counted once")
        frame = frame[~repeats]
    written = WRITTEN_COLUMNS + (["source_url"] if frame["source_url"].ne("").any() else [])
    return Checked(frame=frame[written], notes=tuple(notes))  # the raw texts can go


def _split_list(series: pd.Series) -> pd.Series:
    return series.map(lambda t: [x.strip() for x in re.split(r"[;,]", t) if x.strip()])


def check_events(*, table: Table, ref: Reference) -> Checked:
    """Validate an events table against the reference data."""
    issues = Issues(table.name)
    frame = _rename(table.frame.copy())
    _require(issues, frame, EVENT_COLUMNS)
    notes = _ignored_columns(frame, EVENT_COLUMNS + EVENT_OPTIONAL)
    for optional in EVENT_OPTIONAL:
        if optional not in frame.columns:
            frame[optional] = ""
    dates, precision, date_error = parse_dates(frame["date"])
    issues.add_rows(frame, date_error.ne(""), "date", date_error)
    has_end = frame["end_date"].ne("")
    end, _, end_error = parse_dates(frame["end_date"].where(has_end, "2000"))
    issues.add_rows(frame, has_end & end_error.ne(""), "end_date", end_error)
    before = has_end & end.notna() & dates.notna() & (end < dates)
    issues.add_rows(frame, before, "end_date", "ends before it starts (" + frame["date"] + ")")
    frame["date_value"] = dates
    frame["precision"] = precision
    frame["end_value"] = end.where(has_end, None)
    issues.add_rows(frame, frame["title"].eq(""), "title", "empty: an event needs a title")
    issues.add_rows(frame, frame["source"].eq(""), "source", "empty: every event needs a source")
    _too_long(issues, frame, ("title", "kind", "url", "source"))
    link = _once(frame["url"], lambda u: link_problem(u) if u else "")
    issues.add_rows(frame, link.ne(""), "url", link)

    resolved: dict[str, str | None] = {}
    hints: dict[str, str] = {}

    def resolve_all(values: list[str]) -> tuple[list[str], list[str]]:
        good, bad = [], []
        for v in values:
            if v not in resolved:
                resolved[v] = ref.resolve_participant(v)
            code = resolved[v]
            if code:
                good.append(code)
            else:
                if v not in hints:
                    hints[v] = ref.suggest_participant(v)
                bad.append(echo(pd.Series([v])).iat[0] + hints[v])
        return good, bad

    people = _split_list(frame["participants"]).map(resolve_all)
    bad_people = people.map(lambda gb: bool(gb[1])).astype(bool)
    issues.add_rows(
        frame,
        bad_people,
        "participants",
        "unknown participant(s): " + people.map(lambda gb: ", ".join(gb[1])),
    )
    frame["participant_codes"] = people.map(lambda gb: sorted(set(gb[0])))
    items = _split_list(frame["items"])
    unknown_items = items.map(lambda xs: [x[:ECHO_CHARS] for x in xs if x.upper() not in ref.items])
    issues.add_rows(
        frame,
        unknown_items.map(bool).astype(bool),
        "items",
        "unknown item(s): " + unknown_items.map(", ".join) + " (use codes such as R4 or R10c)",
    )
    frame["item_codes"] = items.map(
        lambda xs: sorted({ref.items[x.upper()].code for x in xs if x.upper() in ref.items})
    )
    pillars = _split_list(frame["pillars"])
    bad_pillars = pillars.map(
        lambda xs: [x[:ECHO_CHARS] for x in xs if not (x.isdigit() and int(x) in ref.pillars)]
    )
    issues.add_rows(
        frame,
        bad_pillars.map(bool).astype(bool),
        "pillars",
        "unknown pillar(s): " + bad_pillars.map(", ".join) + " (use 1, 2 or 3)",
    )
    frame["pillar_numbers"] = pillars.map(
        lambda xs: sorted({int(x) for x in xs if x.isdigit() and int(x) in ref.pillars})
    )
    issues.raise_if_any()
    frame["_lists"] = (
        frame[["participant_codes", "item_codes", "pillar_numbers"]]
        .astype(str)
        .agg("|".join, axis=1)
    )
    frame["_source_key"] = source_key(frame["source"], ref)
    repeats = _duplicates(
        issues,
        frame,
        ["date_value", "title", "_source_key"],
        ["end_date", "description", "_lists"],
    )
    issues.raise_if_any()
    if repeats.any():
        notes.append(f"{int(repeats.sum())} row(s) repeat an earlier row exactly; counted once")
    return Checked(
        frame=frame[~repeats].drop(columns=["_lists", "_source_key"]), notes=tuple(notes)
    )
