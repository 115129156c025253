"""A route's query, read with the pages' own link grammar (dashboard/filters.py), strictly:
a value a page would ignore with a notice is a 400 here, naming its parameter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dashboard.filters import FILTER_KEYS, FIRST_YEAR, Filters, parse_query_strict, this_year

MAX_LIMIT = 50_000  # rows in one answer; larger results come in pages (offset)
PAGING = ("limit", "offset")


class ParamError(ValueError):
    """A query a route cannot answer: the parameter and what is wrong, in plain words."""

    def __init__(self, parameter: str, reason: str) -> None:
        self.parameter = parameter
        self.reason = reason
        super().__init__(f"{parameter}: {reason}")


@dataclass(frozen=True)
class Query:
    """A route's query, read: the filters, the paging, and the route's own parameters."""

    filters: Filters
    limit: int = MAX_LIMIT
    offset: int = 0
    extra: tuple[tuple[str, str], ...] = field(default=())  # e.g. (("year", "2024"),)

    def get(self, name: str) -> str | None:
        """One of the route's own parameters, as given."""
        return dict(self.extra).get(name)


def grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """A query string's pairs as name -> every value given (in order)."""
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _whole(name: str, raw: list[str], *, low: int, high: int) -> int:
    text = raw[-1].strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ParamError(name, f"'{raw[-1]}' is not a whole number {low}–{high:,}")
    return int(text)


def read(
    *,
    query: Mapping[str, list[str]],
    known_participants: Mapping[str, str],
    filters_used: Iterable[str] = FILTER_KEYS,
    own: Iterable[str] = (),
    route: str = "",
) -> Query:
    """The query of ``route``: only its filters (``filters_used``), paging and its own
    parameters (``own``) are allowed; every value is checked as the pages check a link."""
    allowed_filters = set(filters_used)
    allowed = allowed_filters | set(PAGING) | set(own)
    for name in query:
        if name not in allowed:
            known = ", ".join(sorted(allowed, key=lambda n: (n not in FILTER_KEYS, n)))
            raise ParamError(name, f"not a parameter of {route or 'this route'} (use {known})")
    filters, problems = parse_query_strict(
        query={k: v for k, v in query.items() if k in allowed_filters},
        known_participants=known_participants,
    )
    if problems:
        first = problems[0]
        raise ParamError(first.parameter, first.reason)
    limit = (
        _whole("limit", query["limit"], low=1, high=MAX_LIMIT) if "limit" in query else MAX_LIMIT
    )
    offset = _whole("offset", query["offset"], low=0, high=10**9) if "offset" in query else 0
    extra = tuple((k, query[k][-1].strip()) for k in sorted(set(own) & set(query)))
    return Query(filters=filters, limit=limit, offset=offset, extra=extra)


def year_param(query: Query, *, name: str = "year", default: int | None = None) -> int | None:
    """A year parameter: within the filters' period when one is given, FIRST_YEAR to this year
    otherwise; ``default`` when absent."""
    raw = query.get(name)
    if raw is None:
        return default
    low, high = (query.filters.from_year, query.filters.to_year)
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= this_year():
        raise ParamError(name, f"'{raw}' is not a year {FIRST_YEAR}–{this_year()}")
    if not low <= int(raw) <= high:
        raise ParamError(name, f"{raw} is outside the period from={low} to={high}")
    return int(raw)


def choice(query: Query, *, name: str, options: Iterable[str], default: str) -> str:
    """A parameter that takes one of ``options`` (``default`` when absent)."""
    raw = query.get(name)
    known = list(options)
    if raw is None:
        return default
    if raw not in known:
        shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
        raise ParamError(name, f"unknown value '{raw}' (use {shown})")
    return raw
