"""Numbers that agree (issue 19 item 10): where two pages count the same thing they show one
number; where they count different things, each says what it counts beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apptest_support import OpenPage, assert_ok, metrics


def _count(pattern: str, texts: list[str]) -> tuple[int, ...]:
    for text in texts:
        found = re.search(pattern, text.replace(",", ""))
        if found:
            return tuple(int(g) for g in found.groups())
    raise AssertionError(f"{pattern!r} not in {texts}")


@pytest.mark.parametrize(
    "query", [{}, {"participants": "VNM,THA,AUS", "from": "2015", "to": "2024"}, {"pillars": "1"}]
)
def test_observations_on_the_overview_are_the_exports_file(
    open_page: OpenPage, sqlite_reference_path: Path, query: dict[str, str]
) -> None:
    """It said 200 on the Overview (every observation on record) against 124 on Exports (those
    in the selection): now the same selection's count on both, the total beside it."""
    overview = open_page(sqlite_reference_path, query=query)
    assert_ok(overview)
    said = [m.value for m in overview.markdown]
    shown, total = _count(r"Observations\*\*: (\d+) in this selection .* of (\d+) on record", said)
    exports = open_page(sqlite_reference_path, "exports.py", query=query)
    assert_ok(exports)
    file, everything = _count(r"\*\*(\d+) observations\*\* .*; (\d+) on record", [m.value for m in exports.markdown])
    assert (shown, total) == (file, everything)
    assert shown <= total
    if query:
        assert shown < total  # a narrower selection counts fewer, and says of how many
    # sources: those behind the selection, beside every source on record (a pack lists those
    # of what it shows)
    cited, on_record = _count(r"Sources cited\*\*: (\d+) behind this selection's .* of (\d+) on record", said)
    assert 0 < cited <= on_record
    assert any("a briefing pack lists those of what it shows" in s for s in said)


def test_pillar_figures_say_what_they_count(open_page: OpenPage, sqlite_reference_path: Path) -> None:
    """Pillar 3 read 'reached' on the Pillars page and 'not enough data' on the Overview: the
    two count different things, and now say so beside each figure, with the same counts."""
    overview = open_page(sqlite_reference_path)
    assert_ok(overview)
    tiles = metrics(overview)
    value = tiles["Pillar 3 average"][0]
    detail = next(c.value for c in overview.caption if c.value.startswith("Timely and decisive response · "))
    known, pairs = _count(r"(\d+) of (\d+) pairs known", [detail])
    pillars = open_page(sqlite_reference_path, "pillars.py")
    assert_ok(pillars)
    note = next(c.value for c in pillars.caption if c.value.startswith("Not the Overview's pillar average."))
    expected = "not enough data" if value == "not enough data" else value.replace(" / 4", " of 4")
    assert f"Pillar 3: {known} of {pairs} pairs known, average {expected}" in note
    assert "counts as not reached" in note


def test_cite_this_view_gives_the_public_address(
    open_page: OpenPage, sqlite_reference_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'Cite this view' gave http://127.0.0.1:8611/…: with RTOP_PUBLIC_URL it gives the public
    address with the view's path and filters; without, it says the address opens only here."""
    query = {"participants": "VNM,THA", "from": "2015", "to": "2024"}
    local = open_page(sqlite_reference_path, "recommendations.py", query=query)
    assert_ok(local)
    (cited,) = [c.value for c in local.code if c.value.startswith("RtoP Monitor, “")]
    assert "RTOP_PUBLIC_URL" in " ".join(c.value for c in local.caption)
    assert "https://" not in cited
    monkeypatch.setenv("RTOP_PUBLIC_URL", "https://rtop.example.org/")
    public = open_page(sqlite_reference_path, "recommendations.py", query=query)
    assert_ok(public)
    (cited,) = [c.value for c in public.code if c.value.startswith("RtoP Monitor, “")]
    assert "https://rtop.example.org/recommendations?participants=VNM%2CTHA&from=2015&to=2024" in cited
    assert "127.0.0.1" not in cited and "localhost" not in cited
    assert not any("RTOP_PUBLIC_URL" in c.value for c in public.caption)
