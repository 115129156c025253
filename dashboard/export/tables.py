"""The data behind a chart or table as CSV or XLSX, with its title, filters and sources.

A CSV is plain (the header on its first line) and its description travels beside it
(``about_text``: a second file); an XLSX has the data on a filtered, printable 'Data' sheet
and the description on an 'About' sheet. Both neutralise text a spreadsheet would run as a
formula, and both say SAMPLE DATA on rows from the synthetic sample.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd

from dashboard.charts import SAMPLE_TEXT, ChartMeta
from dashboard.core.scoring import RULE_VERSION

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MARK_COLUMN = "marking"  # 'SAMPLE DATA' on each row from the synthetic sample
SAMPLE_FLAGS = ("sample_data", "synthetic")  # per-row flags a frame may already carry
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FORMATS = {"year": "yyyy", "month": "mmm yyyy", "day": "yyyy-mm-dd"}  # by date precision
WIDTH_CAP = 48  # characters: longer text wraps in its column
WIDE_CAP = 90  # ... in a column widened into a page's spare width
PAGE_CHARS = 190  # characters across A4 landscape at a little under full size (fit to width)
WIDTH_MIN = 6
LINE_PT = 14.4  # a line of 11 pt Calibri in a wrapped spreadsheet row (Excel: 14.3-15)


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


def method_text() -> str:
    """The status rule an export was computed with, in words."""
    return f"RtoP Monitor status rule, method version {RULE_VERSION} (docs/methodology.md)"


def about_rows(meta: ChartMeta) -> list[tuple[str, str]]:
    """What the export is: title, filters, sources, date, and the sample notice if any."""
    rows = [
        ("Title", meta.title),
        ("Filters", meta.subtitle or "none"),
        ("Sources", "; ".join(meta.sources) or "RtoP Monitor database"),
        ("Exported", meta.exported),
        ("Method", method_text()),
        ("Data version", meta.data_version or "not recorded"),
        ("Publisher", "RtoP Monitor"),
    ]
    if meta.synthetic:
        rows.append(
            (SAMPLE_TEXT, f"Includes synthetic sample data: not real assessments (rows marked "
             f"'{SAMPLE_TEXT}' in the '{MARK_COLUMN}' column).")
        )  # fmt: skip
    return rows


def about_text(meta: ChartMeta, *, data_file: str = "") -> str:
    """The description that goes beside a CSV: one 'Key: value' line each, sources listed."""
    lines = [f"{SAMPLE_TEXT}\n"] if meta.synthetic else []
    if data_file:
        lines.append(f"About {data_file}\n")
    for key, value in about_rows(meta):
        if key == "Sources" and meta.sources:
            lines.append("Sources:")
            lines += [f"  - {source}" for source in meta.sources]
        else:
            lines.append(f"{key}: {value}")
    lines.append(
        "\nText a spreadsheet could run as a formula (starting =, +, -, @) is prefixed with an "
        "apostrophe."
    )
    return "\n".join(lines) + "\n"


def marked(frame: pd.DataFrame, *, meta: ChartMeta) -> pd.DataFrame:
    """The frame with a 'marking' column saying SAMPLE DATA on rows from the synthetic sample
    (every row when the frame does not say which), when the export includes the sample."""
    if not meta.synthetic:
        return frame
    flag = next((c for c in SAMPLE_FLAGS if c in frame.columns), None)
    rows = (
        frame[flag].fillna(False).astype(bool)
        if flag is not None
        else pd.Series(True, index=frame.index)
    )
    return frame.assign(**{MARK_COLUMN: rows.map({True: SAMPLE_TEXT, False: ""})})


def to_csv(frame: pd.DataFrame, *, meta: ChartMeta) -> bytes:
    """A plain UTF-8 CSV (with a BOM, so Excel reads the encoding): the header on the first
    line, then the rows. What it is (title, filters, sources, versions) is ``about_text``."""
    buf = io.StringIO()
    safe_frame(marked(frame, meta=meta)).to_csv(buf, index=False)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _as_date(value: object) -> object:
    """A date cell's value: a datetime.date for a date or an ISO date text, else as it was."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        return dt.date.fromisoformat(value)
    return value


def date_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding dates: datetime columns, or text columns of ISO dates (blanks allowed)."""
    out = []
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            out.append(str(column))
            continue
        if series.dtype != object and not pd.api.types.is_string_dtype(series):
            continue
        present = series.dropna()
        present = present[present.astype(str) != ""]
        if len(present) and all(
            isinstance(v, dt.date) or (isinstance(v, str) and ISO_DATE.match(v)) for v in present
        ):
            out.append(str(column))
    return out


def _width(series: pd.Series, header: str, *, is_date: bool) -> float:
    """A column's width in characters: most of its values (capped at WIDTH_CAP, longer text
    wraps), at least its header's longest word (a header of several words may wrap)."""
    head = max(len(word) for word in header.split() or [""]) * 1.2 + 2  # bold
    if is_date:
        return max(head, 12.0)
    texts = series.dropna().astype(str)
    longest = int(texts.str.len().quantile(0.95)) if len(texts) else 0
    return float(min(max(head, longest + 2, WIDTH_MIN), WIDTH_CAP))


def _widen(widths: dict[int, float], wanted: dict[int, float]) -> dict[int, float]:
    """Wrapped columns widened into what is left of a printed page's width (so their text takes
    fewer lines), each at most to what its text wants."""
    spare = PAGE_CHARS - sum(widths.values())
    grow = {j: wanted[j] - widths[j] for j in wanted if wanted[j] > widths[j]}
    if spare <= 0 or not grow:
        return widths
    share = min(1.0, spare / sum(grow.values()))
    return {j: w + grow.get(j, 0.0) * share for j, w in widths.items()}


def _lines(value: object, width: float) -> int:
    """How many lines a text takes wrapped at spaces in a column ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(int(width * 1.2), 8)  # a width unit holds about 1.2 average characters
    n, used = 1, 0
    for word in value.split():
        size = len(word) + (1 if used else 0)
        if used and used + size > per_line:
            n, used = n + (len(word) - 1) // per_line + 1, len(word) % per_line
        else:
            used += size
    return n


def to_xlsx(frame: pd.DataFrame, *, meta: ChartMeta) -> bytes:
    """An XLSX workbook: 'Data' (header and rows: text stored as text, dates as dates, columns
    as wide as their content, a filter, set up to print on A4 landscape one page wide with the
    header on every page) and 'About'."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    data = wb.active
    data.title = "Data"
    safe = safe_frame(marked(frame, meta=meta))
    dates = set(date_columns(safe))
    columns = [str(c) for c in safe.columns]
    data.append(columns)
    for cell in data[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    precision = next((c for c in ("date_precision", "precision") if c in columns), None)
    for row in safe.itertuples(index=False):
        data.append(
            [_as_date(v) if c in dates else _plain(v) for c, v in zip(columns, row, strict=True)]
        )
    widths = {j: _width(safe[c], c, is_date=c in dates) for j, c in enumerate(columns, start=1)}
    wanted = {
        j: float(min(safe[c].dropna().astype(str).str.len().quantile(0.95) + 2, WIDE_CAP))
        for j, c in enumerate(columns, start=1)
        if widths[j] >= WIDTH_CAP
    }
    widths = _widen(widths, wanted)
    wrap_cols = {j: widths[j] for j in wanted}
    for j, width in widths.items():
        data.column_dimensions[get_column_letter(j)].width = round(width, 1)
    if any(len(c) * 1.2 + 2 > widths[j] for j, c in enumerate(columns, start=1)):
        data.row_dimensions[1].height = 2 * LINE_PT + 2  # a header on two lines
    top_wrap = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top")
    for row_cells in data.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = top_wrap if cell.column in wrap_cols else top
        if precision is not None:
            kind = row_cells[columns.index(precision)].value
            for j in (columns.index(c) for c in dates if c == "date"):
                if isinstance(row_cells[j].value, dt.date):
                    row_cells[j].number_format = DATE_FORMATS.get(str(kind), "yyyy-mm-dd")
        if meta.synthetic and MARK_COLUMN in columns:
            mark = row_cells[columns.index(MARK_COLUMN)]
            if mark.value:
                mark.font = Font(bold=True, color="B00000")
        # Wrapped rows as tall as their text: spreadsheets do not all grow a row on opening
        lines = max((_lines(row_cells[j - 1].value, w) for j, w in wrap_cols.items()), default=1)
        if lines > 1:
            data.row_dimensions[row_cells[0].row].height = LINE_PT * lines + 2
    data.freeze_panes = "A2"
    data.auto_filter.ref = data.dimensions
    data.print_title_rows = "1:1"
    data.page_setup.orientation = "landscape"
    data.page_setup.paperSize = data.PAPERSIZE_A4
    data.page_setup.fitToWidth = 1
    data.page_setup.fitToHeight = 0  # as many pages down as the rows need
    data.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    data.page_margins.left = data.page_margins.right = 0.4
    data.page_margins.top = data.page_margins.bottom = 0.6
    data.print_options.gridLines = True
    data.oddHeader.left.text = _header_text(meta.title)
    if meta.synthetic:
        data.oddHeader.center.text = SAMPLE_TEXT
        data.oddHeader.center.color = "B00000"
        data.oddHeader.center.font = "Calibri,Bold"
    data.oddHeader.right.text = _header_text(meta.exported)
    data.oddFooter.left.text = _header_text(
        f"Method {RULE_VERSION} · data {meta.data_version or 'not recorded'}"
    )
    data.oddFooter.right.text = "Page &P of &N"
    about = wb.create_sheet("About")
    for key, value in about_rows(meta):
        about.append([key, str(neutralise(value))])
        about.cell(row=about.max_row, column=2).data_type = "s"
        about.cell(row=about.max_row, column=2).alignment = Alignment(wrap_text=True)
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 100
    if meta.synthetic:
        about.cell(row=about.max_row, column=1).font = Font(bold=True, color="B00000")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _header_text(text: str) -> str:
    """Text for a printed header or footer: '&' doubled (it starts a code there), kept short."""
    return str(text).replace("&", "&&")[:120]


def _plain(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value
