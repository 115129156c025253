"""A page that fails on the server says so plainly (a reference into the server's log), never
with Streamlit's error box, on every page, from the real entry point."""

from __future__ import annotations

import re
import sqlite3
import tomllib
from pathlib import Path

import pytest
from apptest_support import PAGES, OpenPage

from dashboard.ui.failure import MESSAGE

ROOT = Path(__file__).resolve().parents[2]
SAID = re.compile(
    re.escape(MESSAGE.split("{reference}")[0])
    + "[0-9a-f]{8}"
    + re.escape(MESSAGE.split("{reference}")[1])
)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_damaged_database_gets_a_plain_message_on_every_page(
    open_page: OpenPage, sqlite_reference_path: Path, page: str
) -> None:
    """The read model's table is gone (a damaged or hand-edited database): every page's run
    fails on the server. The page says so in one plain sentence with a reference; Streamlit's
    exception box (its message, type, trace and off-site links) never appears."""
    with sqlite3.connect(sqlite_reference_path) as conn:
        conn.execute("DROP TABLE read_cell_year")
    at = open_page(sqlite_reference_path, page)
    assert not at.exception, [e.message for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and SAID.fullmatch(errors[0]), errors


def test_streamlit_itself_shows_no_details_and_no_off_site_links() -> None:
    """For an error outside any page (none is known): no message, type or trace, and no 'Ask
    Google' / 'Ask ChatGPT' links, which Streamlit shows on localhost unless told not to."""
    client = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["client"]
    assert client["showErrorDetails"] == "none"
    assert client["showErrorLinks"] == "false"
