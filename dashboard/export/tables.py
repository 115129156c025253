"""The data behind a chart or table as CSV or XLSX, with its title, filters and sources."""

from __future__ import annotations

import io

import pandas as pd

from dashboard.charts import SAMPLE_TEXT, ChartMeta
from dashboard.core.scoring import RULE_VERSION

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell and column name neutralised against formula injection; numbers kept."""
    out = frame.copy()
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def about_rows(meta: ChartMeta) -> list[tuple[str, str]]:
    """What the export is: title, filters, sources, date, and the sample notice if any."""
    rows = [
        ("Title", meta.title),
        ("Filters", meta.subtitle or "none"),
        ("Sources", "; ".join(meta.sources) or "RtoP Monitor database"),
        ("Exported", meta.exported),
        ("Method", f"RtoP Monitor status rule version {RULE_VERSION} (docs/methodology.md)"),
        ("Data version", meta.data_version or "not recorded"),
        ("Publisher", "RtoP Monitor"),
    ]
    if meta.synthetic:
        rows.append((SAMPLE_TEXT, "Includes synthetic sample data: not real assessments."))
    return rows


def to_csv(frame: pd.DataFrame, *, meta: ChartMeta) -> bytes:
    """UTF-8 CSV (with BOM for Excel): '#' lines describing the export, then header and rows."""
    buf = io.StringIO()
    about = pd.DataFrame([(f"# {k}", str(neutralise(v))) for k, v in about_rows(meta)])
    about.to_csv(buf, index=False, header=False)
    safe_frame(frame).to_csv(buf, index=False)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, *, meta: ChartMeta) -> bytes:
    """An XLSX workbook: 'Data' (header + rows, text cells stored as text) and 'About'."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    data = wb.active
    data.title = "Data"
    safe = safe_frame(frame)
    data.append(list(safe.columns))
    for cell in data[1]:
        cell.font = Font(bold=True)
    for row in safe.itertuples(index=False):
        data.append([_plain(v) for v in row])
    for row_cells in data.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
    data.freeze_panes = "A2"
    about = wb.create_sheet("About")
    for key, value in about_rows(meta):
        about.append([key, str(neutralise(value))])
        about.cell(row=about.max_row, column=2).data_type = "s"
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 100
    if meta.synthetic:
        about.cell(row=about.max_row, column=1).font = Font(bold=True, color="B00000")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _plain(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value
