"""Read CSV, XLSX and JSON files into a table of strings, with each row's number in the file."""

from __future__ import annotations

import csv
import enum
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.errors import Problem, Rejected

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CELL_CHARS = 10_000
ROW_COLUMN = "__row__"


class Format(enum.StrEnum):
    """The file formats the loaders accept."""

    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


@dataclass(frozen=True)
class Table:
    """A file's rows as strings; ``__row__`` holds the row number a person sees in the file."""

    name: str
    file_format: Format
    frame: pd.DataFrame


def sniff_format(*, data: bytes, name: str) -> Format:
    """Tell the format from the content, using the file name only to break ties."""
    if data.startswith(b"PK\x03\x04"):
        return Format.XLSX
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"[", b"{")):
        return Format.JSON
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in ("xlsx", "xlsm"):
        return Format.XLSX
    return Format.CSV


def _decode(*, data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise Rejected([Problem(name, None, None, "binary data: not a CSV, XLSX or JSON file")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Rejected(
            [
                Problem(
                    name,
                    line,
                    None,
                    f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                    "save the file as 'CSV UTF-8'",
                )
            ]
        ) from None


def _normalise_header(cols: list[str]) -> list[str]:
    return [str(c).strip().lower().replace(" ", "_") for c in cols]


def _frame(*, rows: list[list[str]], header: list[str], row_numbers: list[int]) -> pd.DataFrame:
    width = len(header)
    fixed = [(r + [""] * width)[:width] for r in rows]
    frame = pd.DataFrame(fixed, columns=header, dtype=object).fillna("")
    frame = frame.astype(str).apply(lambda s: s.str.strip())
    frame[ROW_COLUMN] = row_numbers
    return frame


def _check_cells(
    *, name: str, rows: list[list[str]], header: list[str], numbers: list[int]
) -> None:
    problems: list[Problem] = []
    for row, number in zip(rows, numbers, strict=True):
        for i, cell in enumerate(row):
            if len(cell) > MAX_CELL_CHARS:
                column = header[i] if i < len(header) else f"column {i + 1}"
                problems.append(
                    Problem(
                        name,
                        number,
                        column,
                        f"cell is {len(cell):,} characters long (limit {MAX_CELL_CHARS:,})",
                    )
                )
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            problems.append(
                Problem(
                    name,
                    number,
                    None,
                    f"{len(row)} cells but the header has {len(header)} columns "
                    "(a stray delimiter or unquoted text?)",
                )
            )
    if problems:
        raise Rejected(problems)


def _read_csv(*, data: bytes, name: str) -> pd.DataFrame:
    text = _decode(data=data, name=name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(reader.line_num, r) for r in reader]
    except csv.Error as exc:
        raise Rejected([Problem(name, reader.line_num, None, f"malformed CSV: {exc}")]) from None
    records = [(n, r) for n, r in records if any(c.strip() for c in r)]
    if not records:
        raise Rejected([Problem(name, None, None, "the file is empty: expected a header row")])
    header = _normalise_header(records[0][1])
    body = records[1:]
    rows = [r for _, r in body]
    numbers = [n for n, _ in body]
    _check_cells(name=name, rows=[records[0][1]] + rows, header=header, numbers=[1] + numbers)
    return _frame(rows=rows, header=header, row_numbers=numbers)


def _cell_text(value: object) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(*, data: bytes, name: str, kind: str | None) -> pd.DataFrame:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Rejected(
            [Problem(name, None, None, f"not a readable XLSX workbook ({exc})")]
        ) from None
    sheets = {s.lower(): s for s in workbook.sheetnames}
    sheet_name = sheets.get(kind or "", workbook.sheetnames[0])
    sheet = workbook[sheet_name]
    records: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        row = [_cell_text(v) for v in values]
        if any(c.strip() for c in row):
            records.append((number, row))
    workbook.close()
    if not records:
        raise Rejected([Problem(name, None, None, f"sheet '{sheet_name}' is empty")])
    header_raw = records[0][1]
    while header_raw and not header_raw[-1].strip():
        header_raw = header_raw[:-1]
    header = _normalise_header(header_raw)
    rows = [r for _, r in records[1:]]
    numbers = [n for n, _ in records[1:]]
    _check_cells(name=name, rows=rows, header=header, numbers=numbers)
    return _frame(rows=rows, header=header, row_numbers=numbers)


def _read_json(*, data: bytes, name: str) -> pd.DataFrame:
    text = _decode(data=data, name=name)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Rejected([Problem(name, exc.lineno, None, f"invalid JSON: {exc.msg}")]) from None
    if isinstance(parsed, dict):
        lists = [v for v in parsed.values() if isinstance(v, list)]
        parsed = lists[0] if len(lists) == 1 else parsed
    if not isinstance(parsed, list):
        raise Rejected([Problem(name, None, None, "expected a JSON list of objects")])
    if not parsed:
        raise Rejected([Problem(name, None, None, "the file is empty: an empty JSON list")])
    header: list[str] = []
    for i, obj in enumerate(parsed, start=1):
        if not isinstance(obj, dict):
            raise Rejected([Problem(name, i, None, "item is not a JSON object")])
        for key in obj:
            norm = _normalise_header([key])[0]
            if norm not in header:
                header.append(norm)
    rows = []
    for obj in parsed:
        norm_obj = {_normalise_header([k])[0]: v for k, v in obj.items()}
        cells = [norm_obj.get(h) for h in header]
        rows.append(
            [";".join(map(_cell_text, v)) if isinstance(v, list) else _cell_text(v) for v in cells]
        )
    numbers = list(range(1, len(rows) + 1))
    _check_cells(name=name, rows=rows, header=header, numbers=numbers)
    return _frame(rows=rows, header=header, row_numbers=numbers)


def read_table(
    *, data: bytes, name: str, file_format: Format | None = None, kind: str | None = None
) -> Table:
    """Parse bytes into a Table, or raise Rejected naming the row and reason."""
    if not data.strip():
        raise Rejected([Problem(name, None, None, "the file is empty")])
    if len(data) > MAX_FILE_BYTES:
        raise Rejected(
            [Problem(name, None, None, f"file is {len(data):,} bytes; the limit is 50 MB")]
        )
    fmt = file_format or sniff_format(data=data, name=name)
    if fmt is Format.XLSX:
        frame = _read_xlsx(data=data, name=name, kind=kind)
    elif fmt is Format.JSON:
        frame = _read_json(data=data, name=name)
    else:
        frame = _read_csv(data=data, name=name)
    if frame.empty:
        raise Rejected([Problem(name, None, None, "the file has a header but no data rows")])
    return Table(name=name, file_format=fmt, frame=frame)
