"""Filter state: parsed from and written to the URL query string (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from dashboard.core.models import FIRST_YEAR, PILLARS, RECOMMENDATIONS, this_year

DEFAULT_FROM = 2011
FILTER_KEYS = ("participants", "pillars", "recommendations", "from", "to", "sample")
__all__ = [
    "FIRST_YEAR",
    "PILLARS",
    "RECOMMENDATIONS",
    "Filters",
    "Problem",
    "parse_query",
    "parse_query_strict",
    "this_year",
]


@dataclass(frozen=True)
class Filters:
    """What the person has chosen; empty tuples mean 'all'."""

    participants: tuple[str, ...] = ()
    pillars: tuple[int, ...] = ()
    recommendations: tuple[str, ...] = ()
    from_year: int = DEFAULT_FROM
    to_year: int = field(default_factory=this_year)
    sample: bool = False  # the synthetic demonstration sample is shown only on request

    def to_query(self) -> dict[str, str]:
        """The query-string form. The period is always written, so a copied link shows the same
        years next year too; other defaults are left out so links stay short."""
        q: dict[str, str] = {}
        if self.participants:
            q["participants"] = ",".join(self.participants)
        if self.pillars:
            q["pillars"] = ",".join(map(str, self.pillars))
        if self.recommendations:
            q["recommendations"] = ",".join(self.recommendations)
        q["from"] = str(self.from_year)
        q["to"] = str(self.to_year)
        if self.sample:
            q["sample"] = "1"
        return q

    def describe(self, *, names: Mapping[str, str] | None = None) -> str:
        """A plain sentence of the active filters, for subtitles and exports."""
        names = names or {}
        who = (
            ", ".join(names.get(p, p) for p in self.participants)
            if self.participants
            else "all participants"
        )
        if len(self.participants) > 6:
            who = f"{len(self.participants)} participants"
        parts = [who]
        if self.pillars:
            parts.append("pillar " + ", ".join(map(str, self.pillars)))
        if self.recommendations:
            parts.append(", ".join(self.recommendations))
        parts.append(f"{self.from_year}–{self.to_year}")
        parts.append("with SAMPLE DATA" if self.sample else "documented data only")
        return " · ".join(parts)


def _split(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [x.strip() for v in values for x in v.split(",") if x.strip()]


def parse_query(
    *, query: Mapping[str, str | list[str]], known_participants: Mapping[str, str]
) -> tuple[Filters, list[str]]:
    """Read filters from a query string; unknown values are dropped with a notice each.

    ``known_participants`` maps every accepted spelling (code, upper-cased) to the code.
    """
    filters, found = read_query(query=query, known_participants=known_participants)
    return filters, [f.notice for f in found]


def parse_query_strict(
    *, query: Mapping[str, str | list[str]], known_participants: Mapping[str, str]
) -> tuple[Filters, list[Problem]]:
    """The same grammar for a data route: each value a page would ignore is a problem that
    names its parameter (the route answers 400 with them)."""
    return read_query(query=query, known_participants=known_participants)


@dataclass(frozen=True)
class Problem:
    """A value a link or a route's query cannot use: the parameter, what is wrong with it in
    a route's words, and the notice a page shows when it ignores it."""

    parameter: str
    reason: str
    notice: str

    def __str__(self) -> str:
        return f"{self.parameter}: {self.reason}"


def read_query(
    *, query: Mapping[str, str | list[str]], known_participants: Mapping[str, str]
) -> tuple[Filters, list[Problem]]:
    """Filters from a query string, and a Problem for every value that could not be used."""
    found: list[Problem] = []
    participants: list[str] = []
    for raw in _split(query.get("participants")):
        code = known_participants.get(raw.upper())
        if code is None:
            found.append(
                Problem(
                    "participants",
                    f"unknown participant '{raw}' (use a code such as VNM or a name)",
                    f"Ignored unknown participant '{raw}' in the link.",
                )
            )
        elif code not in participants:
            participants.append(code)
    pillars: list[int] = []
    for raw in _split(query.get("pillars")):
        if raw.isdigit() and int(raw) in PILLARS:
            pillars.append(int(raw))
        else:
            found.append(
                Problem(
                    "pillars",
                    f"unknown pillar '{raw}' (use 1, 2 or 3)",
                    f"Ignored unknown pillar '{raw}' in the link (use 1, 2 or 3).",
                )
            )
    recs: list[str] = []
    for raw in _split(query.get("recommendations")):
        if raw.upper() in RECOMMENDATIONS:
            recs.append(raw.upper())
        else:
            found.append(
                Problem(
                    "recommendations",
                    f"unknown recommendation '{raw}' (use R1–R12)",
                    f"Ignored unknown recommendation '{raw}' in the link (use R1–R12).",
                )
            )
    years = {}
    for key, default in (("from", DEFAULT_FROM), ("to", this_year())):
        raw_values = _split(query.get(key))
        years[key] = default
        if raw_values:
            raw = raw_values[-1]
            if raw.isdigit() and FIRST_YEAR <= int(raw) <= this_year():
                years[key] = int(raw)
            else:
                found.append(
                    Problem(
                        key,
                        f"'{raw}' is not a year {FIRST_YEAR}–{this_year()}",
                        f"Ignored '{key}={raw}' in the link "
                        f"(use a year {FIRST_YEAR}–{this_year()}).",
                    )
                )
    if years["from"] > years["to"]:
        found.append(
            Problem(
                "from",
                f"{years['from']} is after to={years['to']}",
                "The link's period was reversed; swapped 'from' and 'to'.",
            )
        )
        years["from"], years["to"] = years["to"], years["from"]
    sample_raw = _split(query.get("sample"))
    sample = False
    if sample_raw:
        if sample_raw[-1] in ("0", "1", "false", "true"):
            sample = sample_raw[-1] in ("1", "true")
        else:
            found.append(
                Problem(
                    "sample",
                    f"'{sample_raw[-1]}' is not 0 or 1",
                    f"Ignored 'sample={sample_raw[-1]}' in the link (use 0 or 1).",
                )
            )
    filters = Filters(
        participants=tuple(participants),
        pillars=tuple(sorted(set(pillars))),
        recommendations=tuple(sorted(set(recs), key=lambda r: int(r[1:]))),
        from_year=years["from"],
        to_year=years["to"],
        sample=sample,
    )
    return filters, found


def with_participants(filters: Filters, *, codes: tuple[str, ...]) -> Filters:
    """The same filters with another participant selection."""
    return replace(filters, participants=codes)
