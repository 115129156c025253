"""Read CSV, XLSX and JSON files into a table of strings, with each row's number in the file.

Every reader is bounded before it materialises anything: the byte size, the longest line, the
number of lines, columns and cells, and (for XLSX) the uncompressed size of the parts it reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.errors import Problem, Rejected

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CELL_CHARS = 10_000
MAX_LINE_BYTES = 1024 * 1024  # a row of a table of observations is a few hundred bytes
MAX_ROWS = 2_000_000
MAX_COLUMNS = 200
MAX_XLSX_ROWS = 1_048_576  # Excel's own limit: more rows were not written by a spreadsheet
MAX_XLSX_CELLS = 10_000_000
MAX_XLSX_XML_BYTES = 512 * 1024 * 1024  # uncompressed sheet and shared strings, read in chunks
MAX_PROBLEMS = 1000  # problems listed per file; the rest are counted
ROW_COLUMN = "__row__"
# C0 controls other than tab, line feed and carriage return, DEL, and the two XML non-characters:
# none can be stored in an XLSX export, and PostgreSQL refuses NUL in text. C1 controls
# (U+0080-U+009F, mostly text decoded with the wrong code page) and the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make a cell display
# otherwise than it reads (a name shown reversed in a tooltip or a briefing), are refused too.
# (Regex escapes for the C0 controls, the characters themselves for the rest: both Python's re
# and pyarrow's RE2 read it, so pandas checks a column in C.)
CONTROL_RE = (
    "[" + r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f" + "\u0080-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)
_CONTROL = re.compile(CONTROL_RE)
CONTROL_NAMES = {
    0: "NUL",
    0x7F: "DEL",
    0x1B: "ESC",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x202E: "right-to-left override",
    0x202D: "left-to-right override",
}
BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
# The UTF-8 forms of the C1 and bidirectional characters above (their lead bytes C2 and E2).
_C1_OR_BIDI = re.compile(b"\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


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


def echo(text: str, limit: int = 80) -> str:
    """A cell's text as a message quotes it: at most ``limit`` characters, with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def _reject(name: str, row: int | None, column: str | None, reason: str) -> Rejected:
    return Rejected([Problem(name, row, column, reason)])


def _from_utf16(*, data: bytes, name: str) -> bytes:
    """UTF-16 text (Excel's 'Unicode text') as UTF-8; other NUL-bearing data is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise _reject(name, None, None, "not valid UTF-16 text") from None
    head = data[:8192]
    if b"\x00" in head:
        if len(head) > 16 and head[1::2].count(0) > 0.9 * len(head[1::2]):
            raise _reject(
                name, None, None, "UTF-16 text without a byte-order mark: save as 'CSV UTF-8'"
            )
        try:  # text with a stray NUL is refused later, naming its row and column
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                raise _reject(
                    name, None, None, "binary data: not a CSV, XLSX or JSON file"
                ) from None
        if head.count(0) > 16:
            raise _reject(name, None, None, "binary data: not a CSV, XLSX or JSON file")
    return data


def _check_header_line(*, data: bytes, name: str) -> None:
    """Refuse data whose first line holds a control character: no header does, random or
    binary bytes almost always do (one line of them would read as a header and no rows)."""
    end = data.find(b"\n", 0, 8192)
    first = data[: end if end >= 0 else 8192]
    if len(first.translate(None, _CONTROL_BYTES)) != len(first):
        raise _reject(name, None, None, "binary data: not a CSV, XLSX or JSON file")


def _check_decodes(*, data: bytes, name: str) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _reject(
            name,
            line,
            None,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as 'CSV UTF-8'",
        ) from None


def _check_lines(*, data: bytes, name: str) -> int:
    """Refuse an enormous line or too many lines before any parser sees the text; return the
    length of the longest line in bytes."""
    raw = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero((raw == 10) | (raw == 13) if b"\r" in data else raw == 10)
    if len(breaks) > 2 * MAX_ROWS:  # CRLF counts twice
        raise _reject(name, None, None, f"the file has over {MAX_ROWS:,} lines (limit)")
    edges = np.concatenate(([-1], breaks, [len(raw)]))
    lengths = np.diff(edges) - 1
    longest = int(lengths.argmax()) if len(lengths) else 0
    if len(lengths) and lengths[longest] > MAX_LINE_BYTES:
        line = int(np.count_nonzero(raw[: edges[longest] + 1] == 10)) + 1
        raise _reject(
            name,
            line,
            None,
            f"line is {int(lengths[longest]):,} bytes long (limit {MAX_LINE_BYTES:,}): "
            "not a table with one record per line",
        )
    return int(lengths[longest]) if len(lengths) else 0


def _normalise_header(cols: list[str]) -> list[str]:
    return [str(c).strip().lower().replace(" ", "_") for c in cols]


class _Problems:
    """Problems of one file, at most MAX_PROBLEMS kept, the rest counted."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[Problem] = []
        self.more = 0

    def add(self, row: int | None, column: str | None, reason: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.name, row, column, reason))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.items:
            self.items.sort(key=lambda p: p.row or 0)
            raise Rejected(with_more(self.items, self.more))


def with_more(problems: list[Problem], more: int) -> list[Problem]:
    """The problems, plus one line counting those not listed."""
    if more <= 0:
        return problems
    file = problems[0].file if problems else ""
    return [*problems, Problem(file, None, None, f"… and {more:,} more problem(s) not listed")]


_NONE = np.empty(0, dtype=np.intp)  # no positions
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _has_control(data: bytes) -> bool:
    """Whether UTF-8 text holds a character CONTROL_RE matches (one pass over the bytes)."""
    if b"\xef" in data and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data):  # U+FFFE, U+FFFF
        return True
    if (b"\xc2" in data or b"\xe2" in data) and _C1_OR_BIDI.search(data):
        return True
    return len(data.translate(None, _CONTROL_BYTES)) != len(data)


def _control_name(text: str) -> str:
    found = _CONTROL.search(text)
    code = ord(found.group()) if found else 0
    default = "bidirectional control" if code in BIDI else "control character"
    label = CONTROL_NAMES.get(code, default)
    return f"U+{code:04X} ({label})"


def _control_reason(text: str) -> str:
    """Why a cell with a control character is refused (one sentence for the problem list)."""
    found = _CONTROL.search(text)
    code = ord(found.group()) if found else 0
    why = (
        "it makes the text display otherwise than it reads"
        if code in BIDI
        else "a control character cannot be stored or exported"
    )
    return f"{_control_name(text)} in the cell: remove it ({why})"


def _finish(
    *,
    name: str,
    header_raw: list[str],
    body: pd.DataFrame,
    numbers: np.ndarray,
    stripped: bool = False,
    no_controls: bool = False,
    short_cells: bool = False,
) -> pd.DataFrame:
    """Name, bound-check, strip and number the columns of a table read as positional strings.

    A reader that knows more says so: ``stripped`` (the body's cells are stripped already),
    ``no_controls`` (its text holds no control character), ``short_cells`` (no cell can be over
    MAX_CELL_CHARS characters): those checks are then skipped, their outcome known.
    """
    problems = _Problems(name)
    header = _normalise_header(header_raw)
    if len(header) > MAX_COLUMNS:
        raise _reject(
            name, 1, None, f"the header has {len(header):,} columns (limit {MAX_COLUMNS})"
        )
    columns: dict[str, pd.Series] = {}
    seen: dict[str, int] = {}
    for i, title in enumerate(header):
        cells = body.iloc[:, i] if i < body.shape[1] else pd.Series("", index=body.index)
        cells = cells.astype("str")
        if not stripped:
            cells = cells.str.strip()
        label = title or f"column {i + 1}"
        long = _NONE if short_cells else np.flatnonzero(cells.str.len().to_numpy() > MAX_CELL_CHARS)
        for j in long[:MAX_PROBLEMS]:
            length = len(cells.iat[j])
            problems.add(
                int(numbers[j]),
                label,
                f"cell is {length:,} characters long (limit {MAX_CELL_CHARS:,})",
            )
        controls = (
            _NONE
            if no_controls
            else np.flatnonzero(cells.str.contains(CONTROL_RE, regex=True).to_numpy())
        )
        for j in controls[:MAX_PROBLEMS]:
            problems.add(
                int(numbers[j]),
                label,
                _control_reason(cells.iat[j]),
            )
        if len(header_raw[i]) > MAX_CELL_CHARS:
            problems.add(1, label, f"header cell is {len(header_raw[i]):,} characters long")
        if _CONTROL.search(header_raw[i]):  # named by position: the name would show it
            problems.add(1, f"column {i + 1}", _control_reason(header_raw[i]))
            continue
        if not title:
            filled = np.flatnonzero(cells.ne("").to_numpy())
            if len(filled):
                problems.add(
                    int(numbers[filled[0]]),
                    label,
                    "a value under an empty header cell: name the column or delete it",
                )
            continue
        if title in seen:
            problems.add(
                1,
                title,
                f"the header names '{echo(title)}' twice (columns {seen[title]} and {i + 1})",
            )
            continue
        seen[title] = i + 1
        columns[title] = cells
    problems.raise_if_any()
    frame = pd.DataFrame(columns, index=body.index)
    frame[ROW_COLUMN] = numbers
    return frame.reset_index(drop=True)


def _sniff_delimiter(first: str) -> str:
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _csv_fast(*, data: bytes, delimiter: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Every record as positional strings and its first line, by pandas' C parser; None if the
    file is irregular (ragged rows, a quote never closed) and needs the exact reader."""
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            index_col=False,
            encoding="utf-8-sig",
            engine="c",
            quotechar='"',
            doublequote=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    span = np.ones(len(frame), dtype=np.int64)
    line_count = data.count(b"\n") + (not data.endswith(b"\n"))
    # Every line is read into a record (blank ones too): as many records as lines, and none
    # spans two. Otherwise quoted cells hold line breaks, each adding a line to its record.
    if b'"' in data and len(frame) != line_count:
        for col in frame.columns:
            span += frame[col].str.count("\n").to_numpy(dtype=np.int64)
    first_line = np.concatenate(([1], 1 + np.cumsum(span)[:-1]))
    return frame, first_line


def _csv_exact(*, text: str, name: str, delimiter: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The csv module's reading, record by record, for files the fast path cannot take."""
    csv.field_size_limit(MAX_CELL_CHARS * 4 + 1)
    problems = _Problems(name)
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[list[str]] = []
    numbers: list[int] = []
    width = 0
    start = 1
    offset = 0
    while True:
        offset = lines.tell()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reason = f"malformed CSV: {exc}"
            if "field larger than field limit" in str(exc):
                reason = f"a cell is over {MAX_CELL_CHARS:,} characters long (limit)"
            raise _reject(name, start, None, reason) from None
        if any(c.strip() for c in row):
            if not width:
                width = len(row)
            elif len(row) > width and any(c.strip() for c in row[width:]):
                problems.add(
                    start,
                    None,
                    f"{len(row)} cells but the header has {width} columns "
                    "(a stray delimiter or unquoted text?)",
                )
            rows.append(row[:width])
            numbers.append(start)
        last_offset, last_start = offset, start
        start = reader.line_num + 1
    if rows and _unterminated(text[last_offset:], delimiter=delimiter):
        header = _normalise_header(rows[0])
        column = len(rows[-1]) - 1
        label = header[column] if column < len(header) and header[column] else None
        raise _reject(
            name,
            last_start,
            label,
            'unterminated quote: a cell opened with " on this row is never closed, so the '
            "rest of the file would be read into it",
        )
    problems.raise_if_any()
    padded = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(padded, dtype=object), np.asarray(numbers, dtype=np.int64)


def _unterminated(tail: str, *, delimiter: str) -> bool:
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _read_csv(*, data: bytes, name: str) -> pd.DataFrame:
    data = _from_utf16(data=data, name=name)
    _check_header_line(data=data, name=name)
    _check_decodes(data=data, name=name)
    longest_line = _check_lines(data=data, name=name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    no_controls = not _has_control(data)
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)].decode("utf-8", "replace")
    delimiter = _sniff_delimiter(first)
    if first.count(delimiter) + 1 > MAX_COLUMNS:
        raise _reject(
            name,
            1,
            None,
            f"the header has {first.count(delimiter) + 1:,} columns (limit {MAX_COLUMNS})",
        )
    bare_cr = b"\r" in data and b"\r" in data.replace(b"\r\n", b"")
    fast = None if bare_cr else _csv_fast(data=data, delimiter=delimiter)
    if fast is None:
        frame, lines = _csv_exact(text=data.decode("utf-8"), name=name, delimiter=delimiter)
    else:
        frame, lines = fast
    fast_read = fast is not None
    del fast
    if frame.empty:
        raise _reject(name, None, None, "the file is empty: expected a header row")
    # A cell is at most its line long when no record spans lines (the fast path read as many
    # records as there are lines).
    line_count = data.count(b"\n") + (not data.endswith(b"\n"))
    short_cells = longest_line <= MAX_CELL_CHARS and fast_read and len(frame) == line_count
    text = pd.DataFrame(
        {col: frame[col].astype("str").str.strip() for col in frame.columns}, index=frame.index
    )
    filled = np.zeros(len(frame), dtype=bool)
    for col in text.columns:
        filled |= text[col].ne("").to_numpy()
    keep = np.flatnonzero(filled)
    if not len(keep):
        raise _reject(name, None, None, "the file is empty: expected a header row")
    header_raw = [str(c) for c in frame.iloc[keep[0]].tolist()]
    shape = frame.shape
    del frame  # the stripped cells are read from here on
    while len(header_raw) > 1 and not header_raw[-1].strip():
        header_raw.pop()  # trailing delimiters after the last named column
    if keep[-1] - keep[0] == len(keep) - 1:  # no blank lines: a view, not a copy
        body = text.iloc[keep[0] + 1 : keep[-1] + 1]
    else:
        body = text.iloc[keep[1:]]
    if len(body) > MAX_ROWS:
        raise _reject(name, None, None, f"the file has {len(body):,} rows (limit {MAX_ROWS:,})")
    extra = body.iloc[:, len(header_raw) :]
    for col in extra.columns:  # only when the fast path read a wide blank column
        bad = np.flatnonzero(extra[col].ne("").to_numpy())
        if len(bad):
            raise _reject(
                name,
                int(lines[keep[1:]][bad[0]]),
                None,
                f"{shape[1]} cells but the header has {len(header_raw)} columns "
                "(a stray delimiter or unquoted text?)",
            )
    return _finish(
        name=name,
        header_raw=header_raw,
        body=body.iloc[:, : len(header_raw)],
        numbers=lines[keep[1:]],
        stripped=True,
        no_controls=no_controls,
        short_cells=short_cells,
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):  # a time of day is kept, for the check to refuse
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_SHEET_RE = re.compile(rb"<sheet\b[^>]*>")
_REL_RE = re.compile(rb"<Relationship\b[^>]*>")
_XF_BLOCK_RE = re.compile(rb"<cellXfs\b.*?</cellXfs>", re.S)
_XF_RE = re.compile(rb"<xf\b[^>]*>")
_NUMFMT_RE = re.compile(rb"<numFmt\b[^>]*>")
_PERCENT_IDS = {9, 10}  # Excel's built-in 0% and 0.00%


def _attr(tag: bytes, name: bytes) -> str:
    found = re.search(rb"(?:^|[\s:])" + name + rb'="([^"]*)"', tag)
    return html.unescape(found.group(1).decode("utf-8", "replace")) if found else ""


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part path, from workbook.xml and its relationships (read as text only)."""
    try:
        book = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for tag in _REL_RE.findall(rels):
        target = _attr(tag, b"Target")
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[_attr(tag, b"Id")] = path
    return {_attr(t, b"name"): targets.get(_attr(t, b"id"), "") for t in _SHEET_RE.findall(book)}


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of cell styles whose number format shows a percentage."""
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return set()
    percent_formats = set(_PERCENT_IDS)
    for tag in _NUMFMT_RE.findall(styles):
        code = re.sub(r'"[^"]*"|\\.', "", _attr(tag, b"formatCode"))
        if "%" in code and _attr(tag, b"numFmtId").isdigit():
            percent_formats.add(int(_attr(tag, b"numFmtId")))
    block = _XF_BLOCK_RE.search(styles)
    if not block:
        return set()
    out = set()
    for i, tag in enumerate(_XF_RE.findall(block.group())):
        fmt = _attr(tag, b"numFmtId")
        if fmt.isdigit() and int(fmt) in percent_formats:
            out.add(i)
    return out


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _scan_part(
    archive: zipfile.ZipFile, path: str, *, name: str, budget: list[int], percent: set[int]
) -> tuple[int, int, set[tuple[int, int]]]:
    """Stream one XML part, bounded: (rows, cells, percent-formatted cells as (row, column))."""
    cell_re = None
    if percent:
        ids = b"|".join(str(i).encode() for i in sorted(percent))
        cell_re = re.compile(rb'<c\b[^>]*?\bs="(?:' + ids + rb')"[^>]*>')
    rows = cells = 0
    marked: set[tuple[int, int]] = set()
    carry = b""
    with archive.open(path) as part:
        while True:
            chunk = part.read(4 * 1024 * 1024)
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _reject(
                    name,
                    None,
                    None,
                    f"the workbook unpacks to over {MAX_XLSX_XML_BYTES // 2**20:,} MB of XML "
                    "(a zip bomb?): not a table a spreadsheet would save",
                )
            if not chunk:
                break
            text = carry + chunk
            cut = text.rfind(b"<")
            text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            rows += text.count(b"<row ") + text.count(b"<row>")
            cells += text.count(b"<c ") + text.count(b"<c>")
            if rows > MAX_XLSX_ROWS:
                raise _reject(
                    name, None, None, f"the sheet has over {MAX_XLSX_ROWS:,} rows (Excel's limit)"
                )
            if cells > MAX_XLSX_CELLS:
                raise _reject(name, None, None, f"the sheet has over {MAX_XLSX_CELLS:,} cells")
            if cell_re is not None:
                for tag in cell_re.findall(text):
                    ref = re.match(r"([A-Z]+)(\d+)$", _attr(tag, b"r"))
                    if ref:
                        marked.add((int(ref.group(2)) - 1, _col_index(ref.group(1))))
    return rows, cells, marked


def _percent_text(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{round(float(value) * 100, 9):g}%"
    return value


def _read_xlsx(*, data: bytes, name: str, kind: str | None) -> pd.DataFrame:
    from python_calamine import CalamineWorkbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        paths = _sheet_paths(archive)
        percent = _percent_styles(archive)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {s.lower(): s for s in workbook.sheet_names}
        if not sheets:
            raise ValueError("no sheets")
        sheet_name = sheets.get(kind or "", workbook.sheet_names[0])
        budget = [MAX_XLSX_XML_BYTES]
        marked: set[tuple[int, int]] = set()
        if "xl/sharedStrings.xml" in archive.namelist():
            _scan_part(archive, "xl/sharedStrings.xml", name=name, budget=budget, percent=set())
        part = paths.get(sheet_name, "")
        if part in archive.namelist():
            _, _, marked = _scan_part(archive, part, name=name, budget=budget, percent=percent)
        else:  # no readable map of the parts: bound every worksheet
            for member in archive.namelist():
                if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                    _scan_part(archive, member, name=name, budget=budget, percent=set())
        sheet = workbook.get_sheet_by_name(sheet_name)
        top, left = sheet.start or (0, 0)
        records: list[tuple[int, list[object]]] = []
        for i, cells in enumerate(sheet.iter_rows()):
            number = top + i
            values: list[object] = list(cells)
            if marked:
                values = [
                    _percent_text(v) if (number, left + j) in marked else v
                    for j, v in enumerate(values)
                ]
            if any(v not in ("", None) for v in values):
                records.append((number + 1, values))
    except Rejected:
        raise
    except Exception as exc:  # calamine, zipfile and zlib raise many kinds for a broken file
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _reject(name, None, None, f"not a readable XLSX workbook ({echo(reason)})") from None
    if not records:
        raise _reject(name, None, None, f"sheet '{echo(sheet_name)}' is empty")
    header_raw = [_cell_text(v) for v in records[0][1]]
    while header_raw and not header_raw[-1].strip():
        header_raw = header_raw[:-1]
    width = len(header_raw)
    body_rows = records[1:]
    problems = _Problems(name)
    for number, values in body_rows:
        if len(values) > width and any(_cell_text(v).strip() for v in values[width:]):
            problems.add(
                number,
                None,
                f"{len(values)} cells but the header has {width} columns "
                "(a stray delimiter or unquoted text?)",
            )
    problems.raise_if_any()
    columns = {
        i: [_cell_text(values[i]) if i < len(values) else "" for _, values in body_rows]
        for i in range(width)
    }
    body = pd.DataFrame(columns, dtype="str", index=pd.RangeIndex(len(body_rows)))
    numbers = np.asarray([n for n, _ in body_rows], dtype=np.int64)
    return _finish(name=name, header_raw=header_raw, body=body, numbers=numbers)


def _json_depth_line(text: str) -> int:
    """The line where a JSON text first nests deeper than a table can."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    raw = np.frombuffer(bare.encode(), dtype=np.uint8)
    step = (
        (raw == ord("[")).astype(np.int64)
        + (raw == ord("{"))
        - (raw == ord("]"))
        - (raw == ord("}"))
    )
    depth = np.cumsum(step)
    deep = np.flatnonzero(depth > 3)
    at = int(deep[0]) if len(deep) else 0
    return int(np.count_nonzero(raw[:at] == 10)) + 1


def _read_json(*, data: bytes, name: str) -> pd.DataFrame:
    _from_utf16(data=data, name=name)
    _check_decodes(data=data, name=name)
    text = data.decode("utf-8-sig")
    repeated: dict[int, str] = {}  # id of an object -> the first key it names twice

    def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    repeated.setdefault(id(obj), key)
                seen.add(key)
        return obj

    try:
        parsed = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise _reject(name, exc.lineno, None, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise _reject(
            name,
            _json_depth_line(text),
            None,
            "JSON nested too deeply: expected a list of flat objects",
        ) from None
    except ValueError as exc:  # e.g. an integer of over 4,300 digits
        raise _reject(name, None, None, f"invalid JSON: {echo(str(exc))}") from None
    if isinstance(parsed, dict):
        lists = [v for v in parsed.values() if isinstance(v, list)]
        parsed = lists[0] if len(lists) == 1 else parsed
    if not isinstance(parsed, list):
        raise _reject(name, None, None, "expected a JSON list of objects")
    if not parsed:
        raise _reject(name, None, None, "the file is empty: an empty JSON list")
    if len(parsed) > MAX_ROWS:
        raise _reject(name, None, None, f"the file has {len(parsed):,} items (limit {MAX_ROWS:,})")
    header: list[str] = []
    positions: dict[str, int] = {}
    problems = _Problems(name)
    surrogates = _SURROGATE_ESCAPE.search(text) is not None  # none without a \uD8xx escape
    for i, obj in enumerate(parsed, start=1):
        if not isinstance(obj, dict):
            raise _reject(name, i, None, "item is not a JSON object")
        if repeated and id(obj) in repeated:
            key = repeated[id(obj)]
            problems.add(
                i,
                _storable(_normalise_header([key])[0]),
                f"the object names '{_storable(echo(key))}' twice (JSON would keep the last): "
                "keep one",
            )
        names: dict[str, str] = {}
        for key in obj:
            norm = _normalise_header([key])[0]
            if norm in names:
                problems.add(
                    i,
                    _storable(norm),
                    f"the object names the column twice ('{_storable(echo(names[norm]))}' and "
                    f"'{_storable(echo(key))}'): keep one",
                )
            names[norm] = key
            if norm not in positions:
                positions[norm] = len(header)
                header.append(norm)
                if len(header) > MAX_COLUMNS:
                    raise _reject(name, i, None, f"over {MAX_COLUMNS} distinct keys (limit)")
        if surrogates:
            _surrogate_problems(problems, i, obj)
    problems.raise_if_any()
    columns: dict[int, list[str]] = {i: [""] * len(parsed) for i in range(len(header))}
    for r, obj in enumerate(parsed):
        for k, v in obj.items():
            text_value = ";".join(map(_cell_text, v)) if isinstance(v, list) else _cell_text(v)
            columns[positions[_normalise_header([k])[0]]][r] = text_value
    body = pd.DataFrame(columns, dtype="str", index=pd.RangeIndex(len(parsed)))
    numbers = np.arange(1, len(parsed) + 1, dtype=np.int64)
    return _finish(name=name, header_raw=header, body=body, numbers=numbers)


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # JSON's spelling of half a pair
_SURROGATE_WHY = "half of a character pair: it cannot be stored or exported"


def _storable(text: str) -> str:
    """Text as a message can quote it: half a UTF-16 pair spelled out (\\ud800), since no
    terminal, file or database column takes it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _surrogate_problems(problems: _Problems, row: int, obj: dict[str, object]) -> None:
    """Half of a UTF-16 pair, which JSON can spell ("\\ud800") and no text column can store,
    in a key or a value of one object (a pair spelled as two escapes is one character)."""
    for key, value in obj.items():
        found = _SURROGATE.search(key)
        if found:
            problems.add(
                row,
                f"key '{_storable(echo(key))}'",
                f"U+{ord(found.group()):04X} (unpaired surrogate) in a key: remove it "
                f"({_SURROGATE_WHY})",
            )
            continue
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            found = _SURROGATE.search(text) if isinstance(text, str) else None
            if found:
                problems.add(
                    row,
                    _normalise_header([key])[0],
                    f"U+{ord(found.group()):04X} (unpaired surrogate) in the cell: remove it "
                    f"({_SURROGATE_WHY})",
                )
                break


def read_table(
    *, data: bytes, name: str, file_format: Format | None = None, kind: str | None = None
) -> Table:
    """Parse bytes into a Table, or raise Rejected naming the row and reason."""
    if len(data) > MAX_FILE_BYTES:
        raise _reject(name, None, None, f"file is {len(data):,} bytes; the limit is 50 MB")
    if not data or data.isspace():
        raise _reject(name, None, None, "the file is empty")
    fmt = file_format or sniff_format(data=data, name=name)
    if fmt is Format.XLSX:
        frame = _read_xlsx(data=data, name=name, kind=kind)
    elif fmt is Format.JSON:
        frame = _read_json(data=data, name=name)
    else:
        frame = _read_csv(data=data, name=name)
    if frame.empty:
        raise _reject(name, None, None, "the file has a header but no data rows")
    release_memory()
    return Table(name=name, file_format=fmt, frame=frame)


def release_memory() -> None:
    """Hand the memory Arrow's allocator keeps after a large step back to the system (its
    pages would otherwise stay resident beside what NumPy and Python allocate next)."""
    try:
        import pyarrow as pa
    except ImportError:  # pandas keeps text as Python strings then
        return
    pa.default_memory_pool().release_unused()
