"""The words a diplomat reads, one copy for the pages, the charts and the packs: names instead of
codes (participants, indicators, event kinds, the 2011 report's roles), values with their levels
and units, dates as precise as they were recorded, counts with their noun in the right number,
and the status rule in prose (never an internal constant's name)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from dashboard.core.models import NO_DATA, STATUS_LABELS
from dashboard.core.scoring import (
    DEFAULT_FLOW_WINDOW,
    MIN_COVERAGE,
    MIN_DATA_SHARE,
    PARTIAL_CAP,
    RULE_VERSION,
)
from dashboard.views.common import (
    INSUFFICIENT,
    INSUFFICIENT_SYMBOL,
    NO_DATA_SYMBOL,
    STALE,
    STALE_SYMBOL,
    SYMBOLS,
    level_words,
)
from dashboard.views.dataset import Dataset

# Abbreviations a diplomat reads as such; every other word of an event kind is lower case.
ACRONYMS = {"un": "UN", "asean": "ASEAN", "arf": "ARF", "cscap": "CSCAP", "eu": "EU", "icc": "ICC"}
KIND_NAMES = {
    "asean_un": "ASEAN–UN cooperation",
    "un_statement": "UN statement",
    "un_dialogue": "UN dialogue",
    "un_decision": "UN decision",
    "un_report": "UN report",
    "arf_meeting": "ARF meeting",
    "arf_decision": "ARF decision",
    "asean_meeting": "ASEAN meeting",
    "asean_decision": "ASEAN decision",
    "cscap": "CSCAP",
    "training": "Training or exercise",
    "dialogue": "Dialogue",
    "regional_initiative": "Regional initiative",
    "national_commitment": "National commitment",
}


def kind_key(kind: object) -> str:
    """The event kind as stored ('un_dialogue' for 'un dialogue' or 'UN_Dialogue'); 'other'
    for none."""
    text = str(kind or "").strip().replace(" ", "_").lower()
    return "other" if not text or text == "nan" else text


def kind_name(kind: object) -> str:
    """'UN dialogue' for 'un_dialogue' (or 'un dialogue'); 'Other' for none."""
    text = kind_key(kind)
    if text in KIND_NAMES:
        return KIND_NAMES[text]
    words = [ACRONYMS.get(w, w) for w in text.split("_") if w]
    first = words[0] if words[0] in ACRONYMS.values() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def when_text(value: object, precision: object = "day") -> str:
    """A date as people write it, as precise as it was recorded: '9 Jun 1981', 'Jun 2015',
    '2015'; '' for none."""
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    if str(precision) == "year":
        return stamp.strftime("%Y")
    if str(precision) == "month":
        return stamp.strftime("%b %Y")
    return f"{stamp.day} {stamp.strftime('%b %Y')}"


def day_text(value: object) -> str:
    """'7 Dec 2026' for a date (or its ISO text); '' for none."""
    return when_text(value, "day")


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 event', '2 events', '0 events' (``plural`` where adding an s is wrong)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def value_text(ds: Dataset, *, code: str, value: object, unit: object) -> str:
    """An observed value as words: its level's name ('party (ratification, …)'), 'yes' or
    'no', or the number with its unit ('1 event per year', '2 events per year')."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return ""
    number = float(value)  # type: ignore[arg-type]
    words = level_words(ds, code)(number)
    if "(" in words:
        return words.split(" (", 1)[1][:-1]
    if str(unit) in ("yes/no", "binary"):
        return "yes" if number >= 1 else "no"
    if str(unit) in ("level", "ordinal", "nan", ""):
        return f"{number:g}"
    first, _, rest = str(unit).partition(" ")
    if number == 1 and first.endswith("s"):  # '1 event per year', '2 events per year'
        first = first[:-1]
    return f"{number:g} {first} {rest}".rstrip()


def indicator_names(ds: Dataset) -> dict[str, str]:
    """Indicator code -> its name ('R11a.1' -> 'Annual UN-region high-level dialogue')."""
    return dict(zip(ds.indicators["code"], ds.indicators["name"], strict=True))


def item_names(ds: Dataset) -> dict[str, str]:
    """Framework item code -> its short name (recommendations, sub-items, the 2011 report's
    regional roles: 'SG1.06' -> 'Treaty obligations')."""
    return dict(zip(ds.items["code"], ds.items["short_name"], strict=True))


def names_of(codes: object, names: dict[str, str], *, sep: str = ";") -> str:
    """'Viet Nam, Thailand' for 'VNM;THA' (a code without a name stays as it is)."""
    parts = [c.strip() for c in str(codes or "").split(sep) if c.strip()]
    return ", ".join(names.get(c, c) for c in parts)


def listed(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    out = [str(i) for i in items if str(i)]
    if len(out) <= 1:
        return "".join(out)
    return ", ".join(out[:-1]) + " and " + out[-1]


def status_scale() -> list[str]:
    """Every result a cell can have, with its symbol, as one line each."""
    return [
        " · ".join(f"{SYMBOLS[s]} {STATUS_LABELS[s]}" for s in range(5)),
        f"{STALE_SYMBOL} {STALE}: every record behind the cell is past its age limit, so "
        "there is no current status; the status that evidence gave is shown as the last "
        "known one, with its year",
        f"{INSUFFICIENT_SYMBOL} {INSUFFICIENT}: some current evidence, but fewer than "
        f"{MIN_COVERAGE:.0%} of the indicators · {NO_DATA_SYMBOL} {NO_DATA}: no current evidence",
    ]


def method_bullets() -> list[str]:
    """The status rule (method version RULE_VERSION) in a few sentences a meeting can read."""
    capped = STATUS_LABELS[PARTIAL_CAP]
    return [
        f"Status rule, method version {RULE_VERSION}: each indicator value reaches the highest "
        "status whose threshold it meets; a recommendation's status is the mean of its current "
        "indicators' statuses (each scaled to the recommendation's highest level), rounded "
        "down and never above the best single indicator.",
        f"Coverage: the share of a recommendation's indicators with current evidence. Below "
        f"{MIN_COVERAGE:.0%} the result is '{INSUFFICIENT.lower()}'; with some indicators "
        f"missing a status is at most '{capped}'.",
        "Current evidence: an event (a dialogue, a statement) counts for its year and the next; "
        "a lasting state (a focal point, a stage reached) counts until its indicator's age "
        f"limit. Since method {RULE_VERSION}, older evidence no longer counts: a cell resting "
        "only on it reads 'stale evidence, last known …' and is counted apart from statuses.",
        "Treaty commitments are legal records, shown as they stand (party since, signed, not "
        "a party); they never go stale.",
        "Expert assessments override the computed status only when at least as recent as the "
        "evidence, and name their assessor, rationale and source; the computed status is kept "
        "beside them.",
        f"Averages are given only when at least {MIN_DATA_SHARE:.0%} of what they average has "
        "a status; otherwise the figure reads 'not enough data'.",
    ]


def rule_steps() -> list[str]:
    """The status rule step by step (the Methodology page), in words and with the values in
    force, not the names of the constants that hold them."""
    capped = STATUS_LABELS[PARTIAL_CAP]
    return [
        "An indicator value reaches the highest status (1 to 4) whose threshold it meets; a "
        "status with no threshold cannot be reached by that indicator alone. Its highest "
        "reachable status is its ceiling.",
        "For a participant (or the region), a recommendation and a year, each of the "
        "recommendation's indicators contributes its latest observation up to 31 December. "
        "Something that happens in a year (a dialogue, a statement) counts for that year and "
        f"the next ({DEFAULT_FLOW_WINDOW} years in all, unless its indicator says otherwise); "
        "a lasting state (a focal point, a treaty) is carried forward until it is older than "
        "its indicator's age limit, and is then stale.",
        "Coverage is the share of the recommendation's indicators with current evidence; stale "
        f"evidence does not count (since method 2.1). Below {MIN_COVERAGE:.0%} the cell reads "
        f"'{INSUFFICIENT.lower()}', not a status. When every record behind a cell is stale, it "
        f"reads '{STALE.lower()}', with the status that evidence last gave and its year.",
        "The computed status is the mean of the current indicators' statuses, each scaled to "
        "the recommendation's ceiling, rounded down, and never above the best single "
        f"indicator. With some indicators missing it is at most '{capped}': 'Implemented' "
        "needs every indicator observed.",
        "An expert assessment (status, rationale, assessor and source) replaces the computed "
        "status when it is at least as recent as the newest evidence used; the computed status "
        "is shown beside it.",
    ]


def version_text(*, data_version: str) -> str:
    """'method 2.1 · data release 4 of 7 Dec 2026 #a9d6baaf'."""
    data = f" · data {data_version}" if data_version else ""
    return f"method {RULE_VERSION}{data}"


# Chart summaries: each chart's text alternative, one or two sentences from the rows behind it
# (the page's caption under the chart and the pack's alt text). Frames are told apart by their
# columns; a frame of no known shape gets a plain sentence about its values.

MEASURE_WORDS = {  # a value column as a reader says it
    "average_status": "average status",
    "share_initiated": "share at or above Initiated",
    "rec_share": "share of recommendations at or above Initiated",
    "ind_share": "share of indicators at or above Initiated",
    "status": "status",
    "value": "value",
    "count": "count",
}
LABEL_COLUMNS = ("name", "participant", "title", "indicator_name", "indicator", "label")


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _who(names: list[str], *, limit: int = 3) -> str:
    """'Australia', 'Canada and China', 'Canada, China, India and 10 more'."""
    if len(names) <= limit:
        return listed(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def _standing(data: pd.DataFrame, title: str) -> str:
    per = []
    for rec, g in data.groupby("recommendation", sort=False):
        counts = ", ".join(
            f"{int(c)} {label}" for label, c in zip(g["label"], g["count"], strict=True)
        )
        per.append(f"{rec}: {counts}")
    return (
        f"{title}: {counted(len(per), 'recommendation')}, each over "
        f"{counted(int(data['of'].max()), 'participant')} — " + "; ".join(per) + "."
    )


def _statuses(data: pd.DataFrame, title: str) -> str:
    labels = data["status_label"].astype(str).str.replace(r"^\S+\s", "", regex=True)
    labels = labels.str.replace(r"(:.*| \(.*\))$", "", regex=True)
    counts = labels.value_counts()
    parts = ", ".join(f"{c} {label}" for label, c in counts.head(6).items())
    unit = "cell" if "recommendation" in data and "participant_code" in data else "row"
    return f"{title}: {counted(len(data), unit)} — {parts}."


def _events(data: pd.DataFrame, title: str) -> str:
    kinds = data["kind"].map(kind_name).value_counts() if "kind" in data else pd.Series(dtype=int)
    top = f"; most often {kinds.index[0]} ({int(kinds.iloc[0])})" if len(kinds) else ""
    span = ""
    if "date" in data:
        dates = pd.to_datetime(data["date"])
        first, last = day_text(dates.min()), day_text(dates.max())
        span = f" on {first}" if first == last else f" from {first} to {last}"
    return f"{title}: {counted(len(data), 'event')}{span}{top}."


def _coverage(data: pd.DataFrame, title: str) -> str:
    column = "ind_share" if "indicator" in title.lower() else "rec_share"
    noun = "indicators" if column == "ind_share" else "recommendations"
    parts = []
    for pillar, g in data.groupby("pillar", sort=True):
        shares = g[column].astype(float).fillna(0.0)
        reached = (
            g[shares > 0]
            .assign(share=shares[shares > 0])
            .sort_values(["share", "name"], ascending=[False, True])
        )
        if reached.empty:
            parts.append(f"{pillar}: none of the {len(g)} participants")
            continue
        top = reached["share"].iloc[0]
        best = list(reached[reached["share"] == top]["name"])
        parts.append(
            f"{pillar}: {len(reached)} of {len(g)} participants, at most {_percent(top)} "
            f"({_who(best)})"
        )
    return (
        f"{title}: participants with any of a pillar's {noun} at or above Initiated — "
        + "; ".join(parts)
        + ". A recommendation with no current status counts as not reached here."
    )


def _breakdown(data: pd.DataFrame, title: str) -> str:
    hit = data[data["initiated"] > 0].sort_values("share_initiated", ascending=False)
    pillars = data["pillar"].nunique()
    said = (
        f"{title}: {counted(len(data), 'indicator')} under {counted(pillars, 'pillar')}; "
        f"{len(hit)} with at least one participant (or the region) at or above Initiated"
    )
    if len(hit):
        top = hit.iloc[0]
        name = str(top["indicator"]).split(" ", 1)[-1]
        said += f", most widely {name} ({top['initiated']} of {top['owners']})"
    return said + "."


def _roles(data: pd.DataFrame, title: str) -> str:
    covered = data["covered"].astype(bool)
    per = "; ".join(
        f"Pillar {int(p)}: {int(g['covered'].astype(bool).sum())} of {len(g)}"
        for p, g in data.groupby("pillar", sort=True)
    )
    return (
        f"{title}: {int(covered.sum())} of {counted(len(data), 'regional role')} addressed by a "
        f"recommendation at or above Initiated ({per})."
    )


def _pillar_averages(data: pd.DataFrame, title: str) -> str:
    parts = []
    for row in data.itertuples(index=False):
        known = f"{int(row.with_data)} of {int(row.pairs)} known"
        value = (
            "not enough data"
            if pd.isna(row.average_status)
            else f"{float(row.average_status):.1f} of 4"
        )
        parts.append(f"Pillar {int(row.pillar)} ({row.name}) {value} ({known})")
    return f"{title}: " + "; ".join(parts) + "."


def _lines(data: pd.DataFrame, title: str) -> str:
    parts = []
    for who, g in data.groupby("participant", sort=False):
        g = g.dropna(subset=["status"]).sort_values("year")
        if g.empty:
            parts.append(f"{who}: no year with enough data")
        elif len(g) == 1:
            parts.append(f"{who}: {float(g['status'].iloc[0]):.1f} in {int(g['year'].iloc[0])}")
        else:
            first, last = g.iloc[0], g.iloc[-1]
            parts.append(
                f"{who}: {float(first['status']):.1f} in {int(first['year'])}, "
                f"{float(last['status']):.1f} in {int(last['year'])}"
            )
    return f"{title} (0 Not started to 4 Implemented): " + "; ".join(parts) + "."


def _values(data: pd.DataFrame, title: str) -> str:
    numeric = [
        c
        for c in data.columns
        if pd.api.types.is_numeric_dtype(data[c])
        and not pd.api.types.is_bool_dtype(data[c])
        and c not in ("synthetic", "year", "pillar", "rank", "of")
    ]
    value = next((c for c in MEASURE_WORDS if c in numeric), numeric[-1] if numeric else None)
    label = next((c for c in LABEL_COLUMNS if c in data), None)
    n = len(data)
    if value is None or label is None:
        return f"{title}: {counted(n, 'row')}."
    valid = data.dropna(subset=[value])
    if valid.empty:
        return f"{title}: {counted(n, 'row')}, none with a value."
    name = MEASURE_WORDS.get(value, str(value).replace("_", " "))
    share = "share" in str(value)

    def fmt(v: float) -> str:
        return _percent(v) if share else f"{v:.3g}"

    hi, lo = valid[value].max(), valid[value].min()
    if hi == lo:
        return f"{title}: {counted(n, 'row')}, {name} {fmt(hi)} for every one with a value."
    tops = list(valid[valid[value] == hi][label].astype(str))
    lows = list(valid[valid[value] == lo][label].astype(str))
    return (
        f"{title}: {counted(n, 'row')}; {name} from {fmt(lo)} ({_who(lows)}) to {fmt(hi)} "
        f"({_who(tops)})."
    )


def summarise(data: pd.DataFrame | None, *, title: str) -> str:
    """A chart's text alternative: what it shows, as a sentence or two a reader can say aloud,
    from the rows behind it (downloadable beside it)."""
    if data is None or data.empty:
        return f"{title}: nothing to show for this selection."
    columns = set(data.columns)
    shapes = (
        ({"recommendation", "label", "count", "of"}, _standing),
        ({"pillar", "rec_share", "ind_share", "name"}, _coverage),
        ({"pillar", "indicator", "share_initiated", "initiated", "owners"}, _breakdown),
        ({"pillar", "role", "covered"}, _roles),
        ({"pillar", "average_status", "with_data", "pairs", "name"}, _pillar_averages),
        ({"participant", "year", "status"}, _lines),
        ({"status_label"}, _statuses),
        ({"title", "when"}, _events),
    )
    for needed, sentence in shapes:
        if needed <= columns:
            return sentence(data, title)
    return _values(data, title)


SHIPPED = re.compile(r"(^|[/\\])data[/\\](reference|evidence)\b")


def by_text(user: object, *, file_name: object = "") -> str:
    """Who made a load run, as a reader says it: the user; for the app's own data loaded at
    installation, 'installation (the app's own data)'; otherwise 'not recorded' (never
    'unknown', which was only the command line's fallback name)."""
    name = "" if user is None or pd.isna(user) else str(user).strip()  # type: ignore[call-overload]
    if name and name.lower() != "unknown":
        return name
    if SHIPPED.search(str(file_name or "")):
        return "installation (the app's own data)"
    return "not recorded"
