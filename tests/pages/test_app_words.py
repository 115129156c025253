"""Words a diplomat reads (issue 19 item 9): names, not codes; no internal constants in prose;
summaries that are sentences; who loaded what said plainly; counts with the right noun."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from apptest_support import OpenPage, assert_ok, plotly_figures, table
from streamlit.testing.v1 import AppTest

# An indicator's or a 2011 report role's code, an event kind as stored, a constant's name
CODE = re.compile(r"\b(R\d+[a-z]?\.\d+|TR\.[A-Z]{3}|SG\d\.\d\d)\b")
STORED_KIND = re.compile(r"\b(un|arf|asean)_[a-z_]+\b|\b(un|arf|asean) (decision|dialogue|meeting)\b")
INTERNAL = ("MIN_COVERAGE", "PARTIAL_CAP", "MIN_DATA_SHARE", "window_years", "stale_after_years",
            "basis: computed", "(basis:")  # fmt: skip
# Where a code belongs: the catalogue's and a table's own code column, a command to type
CODE_COLUMNS = {"Code", "code", "Rec."}


def _prose(at: AppTest) -> list[str]:
    """What a reader reads: titles, text, captions, notices, figures, and table cells (but a
    table's code column)."""
    out = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info")
           for e in getattr(at, kind)]  # fmt: skip
    out += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    for frame in (d.value for d in at.dataframe):
        for column in frame.columns:
            if str(column) not in CODE_COLUMNS and frame[column].dtype == object:
                out += [str(v) for v in frame[column].head(300)]
    for fig in plotly_figures(at):
        layout = fig["layout"]
        out.append(str(layout.get("title", {}).get("text", "")))
        out += [str(a.get("text", "")) for a in layout.get("annotations", [])]
        for trace in fig["data"]:
            out.append(str(trace.get("name", "")))
            for key in ("x", "y", "labels", "text"):
                if isinstance(trace.get(key), list):
                    out += [str(v) for v in trace[key][:300]]
    return out


def _no_command(text: str) -> str:
    """Text without its `inline code` (a command to type may name codes)."""
    return re.sub(r"`[^`]*`", "", text)


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("overview.py", {}),
        ("country.py", {"participant": "AUS"}),
        ("recommendations.py", {}),
        ("timeline.py", {}),
        ("pillars.py", {}),
        ("changes.py", {"since": "2020-01-01"}),
        ("methodology.py", {}),
        ("gaps.py", {}),
    ],
)
def test_pages_say_names_not_codes(
    open_page: OpenPage, sqlite_reference_path: Path, page: str, query: dict[str, str]
) -> None:
    at = open_page(sqlite_reference_path, page, query=query)
    assert_ok(at)
    said = [_no_command(t) for t in _prose(at)]
    codes = sorted({m.group(0) for t in said for m in CODE.finditer(t)})
    assert codes == [], f"{page}: codes in what a reader reads: {codes[:12]}"
    kinds = sorted({m.group(0) for t in said for m in STORED_KIND.finditer(t)})
    assert kinds == [], f"{page}: event kinds as stored: {kinds}"
    internal = sorted({word for t in said for word in INTERNAL if word in t})
    assert internal == [], f"{page}: internal words: {internal}"
    assert not any(re.search(r"\b1 events\b", t) for t in said)


def test_chart_summaries_are_sentences(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    """No summary reads 'ind share ranges' or 'from 0 (SG1.01) to 0 (SG1.01)'."""
    at = open_page(sqlite_reference_path, "pillars.py")
    assert_ok(at)
    summaries = [c.value for c in at.caption if c.value.startswith("Chart summary:")]
    assert len(summaries) == 3
    for text in summaries:
        assert not re.search(r"\b\w+_\w+\b", text), text  # no column names
        same = re.search(r"from (\S+) \(([^)]*)\) to (\S+) \(([^)]*)\)", text)
        assert not (same and same.group(1) == same.group(3)), text
    roles = next(s for s in summaries if "Regional roles" in s)
    assert re.search(r"\d+ of 23 regional roles addressed by a recommendation", roles), roles
    assert "Pillar 1: " in roles and "Pillar 3: " in roles
    bars = next(s for s in summaries if "Share of pillar-linked" in s)
    assert "Pillar 3: " in bars and "participants" in bars
    grid = table(at, "Regional role (SG report 2011)", "Covered")
    assert set(grid["Covered"]) <= {"yes", "not yet"}


def test_timeline_names_event_kinds_and_participants(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    at = open_page(sqlite_reference_path, "timeline.py")
    assert_ok(at)
    legend = [t["name"] for t in plotly_figures(at)[0]["data"]]
    assert "UN decision" in legend and "ARF meeting" in legend, legend
    assert all(name[0].isupper() for name in legend), legend
    events = table(at, "When", "Event", "Kind", "Participants")
    assert "ASEAN–UN cooperation" in set(events["Kind"])
    named = [p for p in events["Participants"] if p]
    assert named and not any(re.fullmatch(r"[A-Z]{3}(;[A-Z]{3})*", p) for p in named)
    assert any("Viet Nam" in p for p in named)


def test_load_history_says_who_in_words(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    """The runs made at installation are said as such, never 'by unknown'; a run's rows name
    the participant (the region's own as such) and the indicator."""
    at = open_page(sqlite_reference_path, "history.py")
    assert_ok(at)
    runs = table(at, "Run", "By", "File or action")
    assert "unknown" not in set(runs["By"])
    assert set(runs["By"]) == {"installation (the app's own data)"}
    caption = " ".join(c.value for c in at.caption)
    assert "by unknown" not in caption and "by installation (the app's own data)" in caption
    rows = table(at, "Change", "Row", "Before", "After")["Row"]
    assert not any("nan" in r.split(" · ")[0] for r in rows), list(rows[:5])
    assert not any(CODE.search(r) for r in rows if r.startswith(("observation", "assessment")))


def test_event_counts_read_with_the_right_noun(
    open_page: OpenPage, sqlite_reference_path: Path
) -> None:
    """'1 event per year', never '1 events per year'; the value in words on the profile."""
    at = open_page(sqlite_reference_path, "country.py", query={"participant": "AUS"})
    assert_ok(at)
    evidence = table(at, "When", "Indicator", "Value", "Code")
    flows = evidence[evidence["Code"] == "R6.2"]["Value"]
    assert set(flows) <= {"1 event per year", "2 events per year"} and len(flows)
    figures = json.dumps(plotly_figures(at))
    assert "1 events" not in figures


def test_participants_are_picked_by_name(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    """The profile's and the Exports page's pickers list names ('Viet Nam'), not 'Viet Nam (VNM)'."""
    profile = open_page(sqlite_reference_path, "country.py")
    assert_ok(profile)
    options = profile.selectbox(key="p_participant").options
    assert "Viet Nam" in options and not any(re.search(r"\([A-Z]{3}\)", o) for o in options)
    exports = open_page(sqlite_reference_path, "exports.py")
    assert_ok(exports)
    assert "Viet Nam" in exports.selectbox(key="export_scope").options
