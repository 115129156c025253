"""Labels, symbols and selections every page uses."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard.core import scoring
from dashboard.core.models import NO_DATA, STATUS_LABELS
from dashboard.filters import RECOMMENDATIONS, Filters
from dashboard.views.dataset import Dataset

FOCAL_POINT_INDICATOR = "R1.1"


FOCAL_POINT_APPOINTED = 3


SYMBOLS = {0: "○", 1: "◔", 2: "◑", 3: "◕", 4: "●"}


NO_DATA_SYMBOL = "–"


INSUFFICIENT_SYMBOL = "◌"


INSUFFICIENT = "Insufficient data"


STALE_SYMBOL = "◷"


STALE = "Stale evidence"


def status_label(status: float | None) -> str:
    """'◑ Initiated' for 2; the no-data label for missing values."""
    if status is None or pd.isna(status):
        return f"{NO_DATA_SYMBOL} {NO_DATA}"
    s = int(status)
    return f"{SYMBOLS[s]} {STATUS_LABELS[s]}"


def evidence_year(date: object) -> int | None:
    """The year of a cell's newest evidence (its last_date), or None."""
    if date is None or pd.isna(date):
        return None
    return int(pd.Timestamp(date).year)


def cell_label(
    *,
    result: object,
    status: float | None,
    observed: int,
    expected: int,
    last_known: float | None = None,
    last_date: object = None,
) -> str:
    """A cell's label: its status, 'Insufficient data (1 of 3 indicators)', 'Stale evidence:
    last known Substantial progress (2015)' (method 2.1: every input past its age limit), or
    no data."""
    if result == scoring.RESULT_INSUFFICIENT:
        return f"{INSUFFICIENT_SYMBOL} {INSUFFICIENT} ({observed} of {expected} indicators)"
    if result == scoring.RESULT_STALE:
        known = (
            ""
            if last_known is None or pd.isna(last_known)
            else f" last known {STATUS_LABELS[int(last_known)]}"
        )
        year = evidence_year(last_date)
        when = f" ({year})" if year else ""
        return f"{STALE_SYMBOL} {STALE}" + (f":{known}{when}" if known else when)
    return status_label(status)


def cell_labels(frame: pd.DataFrame) -> list[str]:
    """:func:`cell_label` for every row of a frame of status cells (result, status,
    n_indicators, n_expected, last_known, last_date)."""
    return [
        cell_label(
            result=r,
            status=v,
            observed=0 if pd.isna(o) else int(o),
            expected=0 if pd.isna(e) else int(e),
            last_known=k,
            last_date=d,
        )
        for r, v, o, e, k, d in zip(
            frame["result"],
            frame["status"],
            frame["n_indicators"],
            frame["n_expected"],
            frame["last_known"],
            frame["last_date"],
            strict=True,
        )
    ]


def cell_texts(cell: pd.Series | None) -> dict[str, str]:
    """What a table shows of a cell: its label, the rule's own label, coverage and staleness."""
    if cell is None:
        return {"status_label": status_label(None), "computed": "", "coverage": "", "stale": ""}
    observed, expected = int(cell["n_indicators"]), int(cell["n_expected"])
    known = cell.get("last_known")
    return {
        "status_label": cell_label(
            result=cell["result"],
            status=cell["status"],
            observed=observed,
            expected=expected,
            last_known=known,
            last_date=cell["last_date"],
        ),
        "computed": cell_label(
            result=cell["computed_result"],
            status=cell["computed_status"],
            observed=observed,
            expected=expected,
            last_known=known,
            last_date=cell["last_date"],
        ),
        "coverage": f"{observed} of {expected}",
        "stale": stale_text(cell),
    }


def stale_text(cell: pd.Series) -> str:
    """'stale since 2021 (evidence of 2015)' for a cell with stale inputs, else ''."""
    if not bool(cell["stale"]):
        return ""
    year = evidence_year(cell["last_date"])
    if cell["result"] == scoring.RESULT_STALE and year:
        return f"stale: evidence of {year}"
    n = int(cell.get("n_stale", 0) or 0)
    return f"{n} indicator{'s' if n != 1 else ''} stale, not counted" if n else "stale"


def cells_at(*, ds: Dataset, year: int) -> pd.DataFrame:
    """Every cell with evidence at a year (insufficient data included), indexed by owner, rec."""
    at = ds.cells[ds.cells["year"] == year]
    return at.set_index(["participant_code", "recommendation"])


def selected_recommendations(*, ds: Dataset, filters: Filters) -> list[str]:
    """R1–R12 narrowed by the chosen recommendations and pillars (primary or secondary links)."""
    recs = list(filters.recommendations or RECOMMENDATIONS)
    if filters.pillars:
        linked = ds.item_pillars[ds.item_pillars["pillar"].isin(filters.pillars)]["item_code"]
        recs = [r for r in recs if r in set(linked)]
    return recs


def selected_participants(*, ds: Dataset, filters: Filters) -> list[str]:
    """The chosen participants (all when none chosen), in name order."""
    codes = list(ds.participants["code"])
    return [c for c in codes if c in filters.participants] if filters.participants else codes


def rec_levels(ds: Dataset) -> dict[str, str]:
    """Recommendation code -> 'participant' or 'region'."""
    recs = ds.items[ds.items["kind"] == "recommendation"]
    return dict(zip(recs["code"], recs["level"], strict=True))


def rec_names(ds: Dataset) -> dict[str, str]:
    """Recommendation code -> short name."""
    recs = ds.items[ds.items["kind"].isin(["recommendation", "next_step"])]
    return dict(zip(recs["code"], recs["short_name"], strict=True))


def status_at(ds: Dataset, year: int) -> pd.DataFrame:
    return ds.status[ds.status["year"] == year]


def includes_synthetic(frame: pd.DataFrame) -> bool:
    return bool("synthetic" in frame and frame["synthetic"].astype(bool).any())


def level_words(ds: Dataset, code: str) -> Callable[[float], str]:
    """A formatter for an indicator's values: '2 (party ...)' where its levels are named."""
    ind = ds.indicators[ds.indicators["code"] == code]
    levels = str(ind["levels"].iloc[0]) if len(ind) else ""
    words = dict(part.split("=", 1) for part in levels.split(";") if "=" in part)

    def fmt(value: float) -> str:
        word = words.get(f"{value:g}")
        return f"{value:g} ({word})" if word else f"{value:g}"

    return fmt


def rec_names_all(ds: Dataset) -> dict[str, str]:
    """Every framework item code -> short name (recommendations, sub-items, SG roles)."""
    return dict(zip(ds.items["code"], ds.items["short_name"], strict=True))


def memberships_of(*, ds: Dataset, participant: str) -> pd.DataFrame:
    """A participant's memberships as short texts ('ASEAN (joined 1967-08-08)')."""
    m = ds.memberships[ds.memberships["participant_code"] == participant]
    when = [
        f" (joined {j})" if j else (f" (member as of {a})" if a else "")
        for j, a in zip(m["joined"], m["as_of"], strict=True)
    ]
    return m.assign(text=m["group"] + pd.Series(when, index=m.index, dtype=object)).reset_index(
        drop=True
    )


def members_at(*, ds: Dataset, group: str, year: int) -> list[str]:
    """Participants that were members of ``group`` in ``year``, by their dated memberships.

    A membership known only as of a date (CSCAP's 2011 list) counts for every year: it is the
    best record there is, and the sidebar says so.
    """
    m = ds.memberships[ds.memberships["group_code"] == group]
    joined = m["joined"].str[:4]
    left = m["left"].str[:4]
    started = joined.eq("") | (joined.where(joined.ne(""), "0").astype(int) <= year)
    ongoing = left.eq("") | (left.where(left.ne(""), "9999").astype(int) > year)
    codes = set(m[started & ongoing]["participant_code"])
    return [c for c in ds.participants["code"] if c in codes]


def citation(*, title: str, link: str, data_version: str, method: str, accessed: str) -> str:
    """How to cite a view: title, link with its filters, data and method versions, access date."""
    return (
        f"RtoP Monitor, “{title}”, {link} (data version {data_version}; status rule version "
        f"{method}; accessed {accessed})."
    )


def selected_observations(*, ds: Dataset, filters: Filters) -> pd.DataFrame:
    """The observations a selection covers (participants, recommendations, pillars, period),
    with each one's recommendation and year: what the Exports page downloads and the
    Overview counts, defined once so the two numbers agree."""
    codes = None
    if filters.recommendations or filters.pillars:
        recs = set(selected_recommendations(ds=ds, filters=filters))
        codes = set(ds.indicators[ds.indicators["recommendation"].isin(recs)]["code"])
    owners = set(filters.participants) if filters.participants else None
    obs = ds.observations(owners=owners, indicators=codes)
    rec_of = ds.indicators.set_index("code")["recommendation"]
    frame = obs.assign(recommendation=obs["indicator_code"].map(rec_of), year=obs["date"].dt.year)
    frame = frame[frame["year"].between(filters.from_year, filters.to_year)]
    if filters.participants:
        frame = frame[frame["participant_code"].isin(filters.participants)]
    if filters.recommendations:
        frame = frame[frame["recommendation"].isin(filters.recommendations)]
    if filters.pillars:
        linked = ds.item_pillars[ds.item_pillars["pillar"].isin(filters.pillars)]["item_code"]
        frame = frame[frame["recommendation"].isin(set(linked))]
    return frame


def view_link(*, base: str, path: str, query: dict[str, str]) -> str:
    """A view's address: ``base`` (the public address, RTOP_PUBLIC_URL, or the one the browser
    used) with the page's path and its query (filters and page choices)."""
    from urllib.parse import urlencode  # noqa: PLC0415

    address = f"{base.rstrip('/')}/{path.strip('/')}" if path.strip("/") else f"{base.rstrip('/')}/"
    text = urlencode(query)
    return f"{address}?{text}" if text else address


def is_local_address(link: str) -> bool:
    """True for a link to this machine only (localhost, 127.x, ::1): no one else can open it."""
    from urllib.parse import urlsplit  # noqa: PLC0415

    host = (urlsplit(link).hostname or "").lower()
    return host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.")
