"""The browser tests' shared fixtures: one app server and one Chromium for the whole session.

Here, not in test_browser.py, so that every module using them gets the same instances: a
module that imported them would get its own (a second Playwright in the same thread fails)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import need
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, HAVE_PLAYWRIGHT, App, sample_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def app(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The app (`rtop serve`) on a free port over a private copy of the sample database."""
    with sample_server(template_dir, tmp_path_factory, name="e2e") as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright (skips on a laptop without it, fails in CI)."""
    need("Playwright (pip install playwright)", HAVE_PLAYWRIGHT)
    need(f"Chromium at {CHROMIUM} (apt-get install chromium)", Path(CHROMIUM).exists())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
