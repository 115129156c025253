"""Data exports as a spreadsheet user meets them: a plain CSV, and an XLSX that filters, sorts
by date and prints (issue 19, item 5)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from dashboard import export, views
from dashboard.charts import ChartMeta
from dashboard.export.tables import MARK_COLUMN, PAGE_CHARS, WIDTH_CAP, date_columns
from tests.dashboard.packs import FILTERS

META = ChartMeta(title="Observations", subtitle="all participants", sources=("A", "=B"), data_version="release 3 of 7 Dec 2026 #1a2b3c4d")


def _frame(n: int = 124) -> pd.DataFrame:
    """Rows shaped like the observations export, with long notes and sources."""
    note = "The meeting also adopted the Joint Declaration on Comprehensive Partnership between ASEAN and the United Nations."
    return pd.DataFrame(
        {
            "participant": ["Viet Nam", "Thailand"] * (n // 2),
            "indicator": ["R1.1"] * n,
            "date": [dt.date(2011 + i % 14, 1 + i % 12, 1 + i % 28) for i in range(n)],
            "date_precision": ["day", "month", "year", "day"] * (n // 4),
            "value": [float(i % 4) for i in range(n)],
            "source": ["Chairman's Statement of the 10th ASEAN-UN Summit (Thai MFA via RYT9)"] * n,
            "note": [note] * n,
            "sample_data": [i % 3 == 0 for i in range(n)],
        }
    )


def test_csv_is_plain_header_first_and_its_description_beside_it() -> None:
    payload = export.table_bytes(_frame(), fmt="csv", meta=META)
    assert payload.startswith("\ufeffparticipant,indicator,date,".encode())  # the header, line 1
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    assert not [r for r in rows if r and r[0].startswith("#")]
    assert len(rows) == 125 and rows[1][2] == "2011-01-01"
    about = export.about_text(META, data_file="obs.csv")
    assert about.startswith("About obs.csv\n") and "Sources:\n  - A\n  - =B\n" in about
    assert "Data version: release 3 of 7 Dec 2026 #1a2b3c4d" in about


def test_csv_marks_sample_rows_only_when_it_includes_the_sample() -> None:
    plain = export.table_bytes(_frame(), fmt="csv", meta=META).decode("utf-8-sig")
    assert "SAMPLE DATA" not in plain and MARK_COLUMN not in plain.splitlines()[0]
    sample = ChartMeta(title="Observations", synthetic=True)
    rows = list(csv.reader(io.StringIO(export.table_bytes(_frame(), fmt="csv", meta=sample).decode("utf-8-sig"))))
    assert rows[0][-1] == MARK_COLUMN
    flags = {(r[rows[0].index("sample_data")], r[-1]) for r in rows[1:]}
    assert flags == {("True", "SAMPLE DATA"), ("False", "")}
    unflagged = pd.DataFrame({"name": ["x", "y"]})  # no per-row flag: every row says it
    rows = list(csv.reader(io.StringIO(export.table_bytes(unflagged, fmt="csv", meta=sample).decode("utf-8-sig"))))
    assert [r[-1] for r in rows[1:]] == ["SAMPLE DATA", "SAMPLE DATA"]
    assert export.about_text(sample).startswith("SAMPLE DATA\n")


def test_xlsx_dates_are_dates_formatted_to_their_precision() -> None:
    wb = load_workbook(io.BytesIO(export.table_bytes(_frame(), fmt="xlsx", meta=META)))
    ws = wb["Data"]
    header = [c.value for c in ws[1]]
    dates = [row[header.index("date")] for row in ws.iter_rows(min_row=2)]
    assert all(c.is_date and isinstance(c.value, dt.datetime) for c in dates)
    assert [c.number_format for c in dates[:4]] == ["yyyy-mm-dd", "mmm yyyy", "yyyy", "yyyy-mm-dd"]
    assert date_columns(pd.DataFrame({"d": ["2020-01-02", "", None], "t": ["2020", "x", "y"]})) == ["d"]


def test_xlsx_filters_fits_its_columns_and_prints_a4_landscape_one_page_wide() -> None:
    wb = load_workbook(io.BytesIO(export.table_bytes(_frame(), fmt="xlsx", meta=META)))
    ws = wb["Data"]
    assert ws.auto_filter.ref == "A1:H125" and ws.freeze_panes == "A2"
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEFGH"}
    assert WIDTH_CAP <= widths["F"] < 70 and WIDTH_CAP <= widths["G"] < 70  # long text wraps
    assert widths["G"] > widths["F"]  # the longer text gets more of the page's spare width
    assert 10 <= widths["A"] < 20 and widths["C"] >= 12 and widths["E"] < 10  # as its content
    assert sum(widths.values()) <= PAGE_CHARS + 0.5
    assert ws.cell(row=2, column=7).alignment.wrap_text
    assert ws.row_dimensions[2].height and ws.row_dimensions[2].height > 15  # a wrapped row is tall
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    assert ws.oddFooter.right.text == "Page &P of &N"


def test_cli_writes_a_plain_csv_and_its_description(sqlite_sample_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{sqlite_sample_path}"}
    out = tmp_path / "obs.csv"
    run = subprocess.run(
        [sys.executable, "-m", "loaders", "export", "data", "--format", "csv", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"what it is: {tmp_path / 'obs-about.txt'}" in run.stdout
    assert out.read_text(encoding="utf-8-sig").startswith("participant_code,participant,")
    about = (tmp_path / "obs-about.txt").read_text()
    assert about.startswith("About obs.csv\n") and "Method: RtoP Monitor status rule" in about


def test_data_export_dates_are_dates(sample_ds: views.Dataset) -> None:
    frame, _ = export.data_export(ds=sample_ds, filters=FILTERS)
    assert all(isinstance(d, dt.date) for d in frame["date"])
