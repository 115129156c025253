"""The Exports page and chart downloads under AppTest: buttons, file names and the payloads."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from apptest_support import OpenPage, assert_ok, plotly_figures, titles
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager

from dashboard.core.config import DATA_DIR
from dashboard.core.scoring import RULE_VERSION
from dashboard.export import png_size
from dashboard.filters import this_year
from tests.conftest import need

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


class _Recorder(MediaFileManager):
    """The media file manager AppTest builds for each run, remembered so tests can read files."""

    made: list[MediaFileManager] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _Recorder.made.append(self)


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> type[_Recorder]:
    _Recorder.made = []
    monkeypatch.setattr(app_test_module, "MediaFileManager", _Recorder)
    return _Recorder


def payload(media: type[_Recorder], button: Any) -> tuple[str, bytes]:
    """(file name, bytes) behind a download button: run a deferred one as a click would."""
    proto = button.proto
    manager = media.made[-1]
    if proto.deferred_file_id:
        entry = manager._deferred_callables[proto.deferred_file_id]
        return str(entry["filename"]), bytes(entry["callable"]())
    file_id = proto.url.rsplit("/", 1)[-1].split(".")[0]
    stored = manager._storage.get_file(file_id)  # type: ignore[attr-defined]
    return str(stored.filename), bytes(stored.content)


def buttons(at: Any) -> dict[str, Any]:
    return {b.proto.id.rsplit("-", 1)[-1]: b for b in at.get("download_button")}


def test_exports_page_data_downloads(open_page: OpenPage, sqlite_sample_path: Path, media: type[_Recorder]) -> None:
    at = open_page(sqlite_sample_path, "exports.py")
    assert_ok(at)
    assert titles(at) == ["Exports for briefings"]
    found = buttons(at)
    assert {"dl_export_data_csv", "dl_export_data_xlsx", "dl_export_data_about"} <= set(found)
    name, data = payload(media, found["dl_export_data_csv"])
    assert name == f"rtop-observations-2011-{this_year()}-sample.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]  # a plain CSV: the header is its first line
    assert header[:5] == ["participant_code", "participant", "indicator", "indicator_name", "recommendation"]
    assert header[-1] == "marking" and "SAMPLE DATA" in {r[-1] for r in rows[1:]}
    name, about = payload(media, found["dl_export_data_about"])
    assert name == f"rtop-observations-2011-{this_year()}-sample-about.txt"  # beside the CSV
    assert about.decode().startswith("SAMPLE DATA\n") and "Title: RtoP Monitor observations" in about.decode()
    name, data = payload(media, found["dl_export_data_xlsx"])
    assert name.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Data", "About"] and wb["Data"].max_row == len(rows)


def test_exports_page_without_sample_is_unmarked(open_page: OpenPage, sqlite_sample_path: Path, media: type[_Recorder]) -> None:
    at = open_page(sqlite_sample_path, "exports.py", query={"sample": "0"})
    assert_ok(at)
    _, data = payload(media, buttons(at)["dl_export_data_csv"])
    text = data.decode("utf-8-sig")
    assert "SAMPLE DATA" not in text
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert "marking" not in header
    _, about = payload(media, buttons(at)["dl_export_data_about"])
    lines = about.decode().splitlines()
    keys = [line.split(":", 1)[0] for line in lines if ": " in line and not line.startswith("  ")]
    assert keys == ["Title", "Filters", "Exported", "Method", "Data version", "Publisher"]
    info = dict(line.split(": ", 1) for line in lines if ": " in line and not line.startswith("  "))
    assert "documented data only" in info["Filters"] and f"version {RULE_VERSION}" in info["Method"]
    assert info["Data version"].startswith("release ") and " of " in info["Data version"]
    assert "SAMPLE DATA" not in about.decode() and "Sources:" in lines
    # every documented observation dated in the default period 2011-now, none of the sample
    with sqlite3.connect(sqlite_sample_path) as conn:
        (loaded,) = conn.execute(
            "SELECT count(*) FROM observation o JOIN source s ON s.id = o.source_id "
            "WHERE NOT s.synthetic AND CAST(substr(o.date, 1, 4) AS INTEGER) BETWEEN 2011 AND ?",
            (this_year(),),
        ).fetchone()
    assert len(body) == loaded > 0
    assert {r[header.index("sample_data")] for r in body} == {"False"}
    shipped = pd.read_csv(DATA_DIR / "evidence" / "observations.csv", dtype=str)
    in_period = shipped["date"].str[:4].astype(int).between(2011, this_year())
    assert {r[header.index("participant_code")] for r in body} == set(shipped.loc[in_period, "participant"].fillna("ARF"))


def test_exports_page_builds_a_briefing_pack(open_page: OpenPage, sqlite_sample_path: Path, media: type[_Recorder]) -> None:
    need("Chromium (for kaleido)", CHROMIUM is not None)
    at = open_page(sqlite_sample_path, "exports.py", query={"to": "2024"})
    at.selectbox(key="export_scope").set_value("VNM").run()
    at.radio(key="export_brief_fmt").set_value("pdf").run()
    at.button(key="export_brief_build").click().run(timeout=300)
    assert_ok(at)
    assert [s.value for s in at.success][0].startswith("Ready: rtop-briefing-VNM-2011-2024-sample.pdf")
    name, data = payload(media, buttons(at)["export_brief_download"])
    assert name == "rtop-briefing-VNM-2011-2024-sample.pdf"
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())  # lines joined
    assert "Implementing the Responsibility to Protect: Viet Nam" in text
    assert "Viet Nam: national recommendations, 2024" in text and "SAMPLE DATA" in text
    assert "Viet Nam: treaty commitments, 2024" in text


def test_chart_downloads_on_the_tracker(open_page: OpenPage, sqlite_sample_path: Path, media: type[_Recorder]) -> None:
    need("Chromium (for kaleido)", CHROMIUM is not None)
    at = open_page(sqlite_sample_path, "recommendations.py", query={"participants": "VNM,THA", "to": "2024"})
    assert_ok(at)
    found = buttons(at)
    name, png = payload(media, found["dl_tracker_heatmap_png"])
    assert name == "rtop-tracker-VNM-THA-2011-2024-sample.png"
    shown_height = plotly_figures(at)[0]["layout"]["height"]
    assert png_size(png) == (3200, 2 * shown_height)  # 1600 CSS px wide, the page's height, 2x scale
    # the in-browser Plotly camera button saves the same name and size
    toolbar = json.loads(at.get("plotly_chart")[0].proto.config)["toImageButtonOptions"]
    assert toolbar == {"format": "png", "filename": "rtop-tracker-VNM-THA-2011-2024-sample", "scale": 2,
                       "width": 1600, "height": shown_height}
    name, svg = payload(media, found["dl_tracker_heatmap_svg"])
    assert name.endswith(".svg") and ET.fromstring(svg).tag.endswith("svg")
    assert b"SAMPLE DATA" in svg
    _, data = payload(media, found["dl_tracker_heatmap_csv"])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert {r[header.index("participant_code")] for r in body} == {"VNM", "THA"}
    assert {r[header.index("recommendation")] for r in body} == {"R1", "R2", "R3", "R6", "R7", "R9", "R12"}
