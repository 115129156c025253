"""Validate whole tables of observations or events at once, collecting every problem."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from dashboard.core import models
from loaders.errors import Problem, Rejected
from loaders.readers import ROW_COLUMN, Table

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
EVENT_COLUMNS = ("date", "title", "source")
STATUS_WORDS = {label.lower(): n for n, label in models.STATUS_LABELS.items()}
BOOL_WORDS = {"yes": 1.0, "no": 0.0, "true": 1.0, "false": 0.0, "y": 1.0, "n": 0.0}
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


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
    """Problems collected while checking one table."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add_rows(self, frame: pd.DataFrame, mask: pd.Series, column: str, reason: object) -> None:
        """Record one problem per row where mask is true; reason may be a Series of texts."""
        if not mask.any():
            return
        rows = frame.loc[mask, ROW_COLUMN]
        reasons = reason.loc[mask] if isinstance(reason, pd.Series) else [reason] * len(rows)
        for row, why in zip(rows, reasons, strict=True):
            self.problems.append(Problem(self.file, int(row), column, str(why)))

    def raise_if_any(self) -> None:
        """Raise Rejected with every problem, sorted by row."""
        if self.problems:
            self.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
            raise Rejected(self.problems)


def _attr(objects: pd.Series, name: str) -> pd.Series:
    """An attribute of each object in a Series (None where the lookup found nothing)."""
    return objects.map(lambda o: getattr(o, name) if hasattr(o, name) else None)


def _rename(frame: pd.DataFrame) -> pd.DataFrame:
    renames = {c: COLUMN_SYNONYMS[c] for c in frame.columns if c in COLUMN_SYNONYMS}
    renames = {k: v for k, v in renames.items() if v not in frame.columns}
    return frame.rename(columns=renames)


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
    parts = series.str.extract(_DATE_RE)
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    day = pd.to_numeric(parts[2], errors="coerce")
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
    error[bad_shape] = "'" + series[bad_shape] + "' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
    impossible = year.notna() & stamp.isna()
    error[impossible] = "'" + series[impossible] + "' is not a real calendar date"
    ok = stamp.notna()
    too_early = ok & (year < 1945)
    error[too_early] = "'" + series[too_early] + "' is before 1945"
    dates = stamp.dt.date.where(ok, None)
    return dates, precision, error


def _future(dates: pd.Series, *, precision: pd.Series) -> pd.Series:
    today = dt.date.today()
    first_of = {
        "year": dt.date(today.year, 1, 1),
        "month": dt.date(today.year, today.month, 1),
        "day": today,
    }
    limit = pd.to_datetime(precision.map(first_of))
    return dates.notna() & (pd.to_datetime(dates) > limit)


MAX_VALUE = 1e12  # larger counts or amounts are typing errors, not progress indicators


def _values(
    frame: pd.DataFrame, kinds: pd.Series, levels_max: pd.Series
) -> tuple[pd.Series, pd.Series]:
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
    error[not_number] = "'" + frame["value"][not_number] + "' is not a number"
    error[comma] = (
        "'"
        + frame["value"][comma]
        + "' has a comma: write a decimal point (2.5) and no thousands separator"
    )
    # inf, 1e309, JSON Infinity and NaN parse as floats; they are not values of anything.
    endless = number.notna() & ~np.isfinite(number.astype(float))
    error[endless] = "'" + frame["value"][endless] + "' is not a finite number"
    huge = number.notna() & ~endless & (number.abs() > MAX_VALUE)
    error[huge] = "'" + frame["value"][huge] + f"' is out of range (values up to {MAX_VALUE:,.0f})"
    number = number.where(~(endless | huge))
    n = number
    bad_binary = kinds.eq("binary") & n.notna() & ~n.isin([0, 1])
    error[bad_binary] = (
        "binary indicator: value must be 0 or 1 (or yes/no), got " + frame["value"][bad_binary]
    )
    whole = n.notna() & (n == n.round())
    bad_ordinal = kinds.eq("ordinal") & n.notna() & (~whole | (n < 0) | (n > levels_max))
    error[bad_ordinal] = (
        "ordinal indicator: value must be a whole level from 0 to "
        + levels_max[bad_ordinal].astype("Int64").astype(str)
        + ", got "
        + frame["value"][bad_ordinal]
    )
    bad_count = kinds.eq("count") & n.notna() & (~whole | (n < 0))
    error[bad_count] = "count: value must be a whole number >= 0, got " + frame["value"][bad_count]
    bad_amount = kinds.eq("amount") & n.notna() & (n < 0)
    error[bad_amount] = "amount: value must be >= 0, got " + frame["value"][bad_amount]
    bad_pct = kinds.eq("percent") & n.notna() & ((n < 0) | (n > 100))
    error[bad_pct] = "percent: value must be between 0 and 100, got " + frame["value"][bad_pct]
    return number, error


def _duplicates(issues: Issues, frame: pd.DataFrame, key: list[str], what: list[str]) -> pd.Series:
    """Flag rows with the same key but different content; return a mask of exact repeats."""
    first_row = frame.groupby(key, dropna=False)[ROW_COLUMN].transform("min")
    distinct = frame.groupby(key, dropna=False)[what].transform(
        lambda s: s.astype(str).nunique(dropna=False)
    )
    conflict = (distinct > 1).any(axis=1)
    issues.add_rows(
        frame,
        conflict,
        what[0],
        "conflicts with row " + first_row.astype(str) + ": same key, different " + "/".join(what),
    )
    return frame.duplicated(key + what, keep="first")


@dataclass
class Checked:
    """Valid rows ready to write, plus notes for the person loading them."""

    frame: pd.DataFrame
    notes: list[str]
    keys: list[tuple[object, ...]] = field(default_factory=list)  # filled in by the writer
    touched: set[tuple[str, str]] = field(default_factory=set)  # (owner, code) the write changed


def check_observations(*, table: Table, ref: Reference) -> Checked:
    """Validate an observations table (long format) against the reference data."""
    issues = Issues(table.name)
    frame = _rename(table.frame.copy())
    _require(issues, frame, OBSERVATION_COLUMNS)
    for optional in ("note", "status", "assessor", "rationale"):
        if optional not in frame.columns:
            frame[optional] = ""
    notes: list[str] = []

    # Indicator, or an item code for an expert-assessed status.
    code = frame["indicator"].str.upper()
    indicator = code.map(ref.indicators)
    item = code.map(ref.items)
    is_assessment = indicator.isna() & item.notna()
    known = indicator.notna() | is_assessment
    unknown = ~known
    codes = sorted(ref.indicators)
    issues.add_rows(
        frame,
        unknown & frame["indicator"].eq(""),
        "indicator",
        "empty: an indicator code is required (see `python -m loaders indicators`)",
    )
    hint = frame["indicator"].map(lambda t: ref.suggest_code(t, codes))
    issues.add_rows(
        frame,
        unknown & frame["indicator"].ne(""),
        "indicator",
        "unknown indicator '" + frame["indicator"] + "'" + hint,
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
    level = _attr(indicator, "level").where(indicator.notna(), _attr(item, "level"))
    region = frame["participant"].str.casefold().isin(REGION_MARKERS)
    resolved = frame["participant"].map(ref.resolve_participant)
    bad_name = ~region & resolved.isna()
    hint = frame["participant"].map(ref.suggest_participant)
    issues.add_rows(
        frame, bad_name, "participant", "unknown participant '" + frame["participant"] + "'" + hint
    )
    needs_participant = region & level.eq("participant")
    issues.add_rows(
        frame,
        needs_participant,
        "participant",
        "empty: indicator " + frame["indicator"] + " is measured per participant",
    )
    spelled = ~region & resolved.notna() & frame["participant"].str.upper().ne(resolved)
    for original, code_ in (
        frame.loc[spelled, ["participant"]].assign(code=resolved[spelled]).drop_duplicates().values
    ):
        notes.append(f"read participant '{original}' as {code_}")
    frame["participant_code"] = resolved.where(~region, None)

    # Dates.
    dates, precision, date_error = parse_dates(frame["date"])
    issues.add_rows(frame, date_error.ne(""), "date", date_error)
    future = _future(dates, precision=precision)
    issues.add_rows(
        frame, future, "date", "'" + frame["date"] + "' is in the future; observations record facts"
    )
    frame["date_value"] = dates
    frame["precision"] = precision

    # Values, by the indicator's type; assessments carry a status instead.
    kinds = _attr(indicator, "value_type").fillna("")
    levels_max = _attr(indicator, "levels").map(
        lambda t: len([x for x in t.split(";") if x.strip()]) - 1 if isinstance(t, str) and t else 4
    )
    measured = ~is_assessment
    value, value_error = _values(frame, kinds, levels_max.astype(float))
    issues.add_rows(frame, measured & known & value_error.ne(""), "value", value_error)
    frame["value_number"] = value
    status_text = frame["status"].str.casefold()
    status = pd.to_numeric(status_text, errors="coerce").fillna(status_text.map(STATUS_WORDS))
    bad_status = is_assessment & frame["status"].ne("") & ~status.isin([0, 1, 2, 3, 4])
    issues.add_rows(
        frame,
        bad_status,
        "status",
        "'" + frame["status"] + "' is not a status: use 0-4 or a label such as 'Initiated'",
    )
    frame["status_number"] = status
    frame["is_assessment"] = is_assessment
    frame["indicator_code"] = _attr(indicator, "code").where(indicator.notna(), _attr(item, "code"))

    # Sources.
    issues.add_rows(
        frame,
        frame["source"].eq(""),
        "source",
        "empty: every figure needs a source (a source code or a citation)",
    )

    issues.raise_if_any()
    key = ["participant_code", "indicator_code", "date_value", "source"]
    repeats = _duplicates(issues, frame, key, ["value_number", "status_number"])
    issues.raise_if_any()
    if repeats.any():
        notes.append(f"{int(repeats.sum())} row(s) repeat an earlier row exactly; counted once")
    return Checked(frame=frame[~repeats], notes=notes)


def _split_list(series: pd.Series) -> pd.Series:
    return series.map(lambda t: [x.strip() for x in re.split(r"[;,]", t) if x.strip()])


def check_events(*, table: Table, ref: Reference) -> Checked:
    """Validate an events table against the reference data."""
    issues = Issues(table.name)
    frame = _rename(table.frame.copy())
    _require(issues, frame, EVENT_COLUMNS)
    for optional in ("end_date", "kind", "participants", "items", "pillars", "url", "description"):
        if optional not in frame.columns:
            frame[optional] = ""
    notes: list[str] = []
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

    def resolve_all(values: list[str]) -> tuple[list[str], list[str]]:
        good, bad = [], []
        for v in values:
            code = ref.resolve_participant(v)
            (good.append(code) if code else bad.append(v + ref.suggest_participant(v)))
        return good, bad

    people = _split_list(frame["participants"]).map(resolve_all)
    bad_people = people.map(lambda gb: bool(gb[1]))
    issues.add_rows(
        frame,
        bad_people,
        "participants",
        "unknown participant(s): " + people.map(lambda gb: ", ".join(gb[1])),
    )
    frame["participant_codes"] = people.map(lambda gb: sorted(set(gb[0])))
    items = _split_list(frame["items"])
    unknown_items = items.map(lambda xs: [x for x in xs if x.upper() not in ref.items])
    issues.add_rows(
        frame,
        unknown_items.map(bool),
        "items",
        "unknown item(s): " + unknown_items.map(", ".join) + " (use codes such as R4 or R10c)",
    )
    frame["item_codes"] = items.map(
        lambda xs: sorted({ref.items[x.upper()].code for x in xs if x.upper() in ref.items})
    )
    pillars = _split_list(frame["pillars"])
    bad_pillars = pillars.map(
        lambda xs: [x for x in xs if not (x.isdigit() and int(x) in ref.pillars)]
    )
    issues.add_rows(
        frame,
        bad_pillars.map(bool),
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
    repeats = _duplicates(
        issues, frame, ["date_value", "title", "source"], ["end_date", "description", "_lists"]
    )
    issues.raise_if_any()
    if repeats.any():
        notes.append(f"{int(repeats.sum())} row(s) repeat an earlier row exactly; counted once")
    return Checked(frame=frame[~repeats].drop(columns=["_lists"]), notes=notes)
