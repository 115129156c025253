"""RTOP_PUBLIC_URL (issue 19 item 10): a pack links its view at the public address, and never
an address only its maker's machine opens."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import views
from dashboard.core.config import SETTINGS, get_settings
from dashboard.export import slides
from dashboard.export.context import Context
from dashboard.filters import Filters


def test_the_setting_is_documented() -> None:
    assert "RTOP_PUBLIC_URL" in {s.name for s in SETTINGS}
    readme = (__import__("pathlib").Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "| `RTOP_PUBLIC_URL` |" in readme


def test_a_pack_links_its_view_at_the_public_address(
    real_ds: views.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    filters = Filters(participants=("VNM", "THA"), from_year=2015, to_year=2024)
    monkeypatch.delenv("RTOP_PUBLIC_URL", raising=False)
    bare = slides.cover(Context(ds=real_ds, filters=filters, participant="VNM", today=dt.date.today()))
    assert not any("Online" in b or "http" in b for b in bare.bullets)
    monkeypatch.setenv("RTOP_PUBLIC_URL", "https://rtop.example.org/")
    assert get_settings().public_url == "https://rtop.example.org"
    mine = slides.cover(Context(ds=real_ds, filters=filters, participant="VNM", today=dt.date.today()))
    assert mine.bullets[-1] == (
        "Online, with these filters: https://rtop.example.org/country?participants=VNM%2CTHA"
        "&from=2015&to=2024&participant=VNM"
    )
    region = slides.cover(Context(ds=real_ds, filters=Filters(), participant=None, today=dt.date.today()))
    assert region.bullets[-1].startswith("Online, with these filters: https://rtop.example.org/?from=")
