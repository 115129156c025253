"""Hostile and malformed files: each is refused with a FILE:ROW message (or read correctly),
nothing is written, and the rejection is logged as a load run with bounded errors."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text
from sqlalchemy.engine import Engine

from loaders import readers
from loaders.errors import Rejected
from loaders.store import LoadResult, load_bytes

COUNTED = ("observation", "assessment", "event", "source")
HEADER = "participant,indicator,date,value,source,note"
# Every hostile file handed over, by database and outcome; written to test-artifacts/ when the
# module ends (the README's reliability section quotes a whole run's numbers).
TALLY: dict[str, Counter[str]] = defaultdict(Counter)
TALLY_FILE = Path(__file__).resolve().parents[2] / "test-artifacts" / "hostile-inputs.json"


def tally(engine: Engine, outcome: str, n: int = 1) -> None:
    TALLY[engine.dialect.name][outcome] += n


@pytest.fixture(scope="module", autouse=True)
def _write_tally() -> Iterator[None]:
    yield
    TALLY_FILE.parent.mkdir(parents=True, exist_ok=True)
    TALLY_FILE.write_text(json.dumps({k: dict(v) for k, v in sorted(TALLY.items())}, indent=2))


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()) for t in COUNTED
        }


def last_run(engine: Engine) -> tuple[int, str, str]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, status, errors FROM load_run ORDER BY id DESC LIMIT 1")
        ).one()
    return int(row[0]), str(row[1]), str(row[2])


def refused(engine: Engine, data: bytes, name: str = "bad.csv", **kw: object) -> list[str]:
    """Load data, expect Rejected; check nothing changed and a bounded rejected run exists."""
    before = counts(engine)
    run_before = last_run(engine)[0]
    with pytest.raises(Rejected) as info:
        load_bytes(engine=engine, data=data, name=name, **kw)  # type: ignore[arg-type]
    assert counts(engine) == before, "a rejected file must leave the data exactly as it was"
    run_id, status, errors = last_run(engine)
    assert run_id > run_before and status == "rejected"
    stored = json.loads(errors)
    assert 1 <= len(stored) <= 201 and all(len(e) <= 500 for e in stored)
    assert len(errors) < 120_000
    problems = [str(p) for p in info.value.problems]
    assert all(p.startswith(f"{name}:") for p in problems), problems
    tally(engine, "refused")
    return problems


def csv_bytes(*lines: str, end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode()


def accepted(engine: Engine, data: bytes, name: str, **kw: object) -> LoadResult:
    result = load_bytes(engine=engine, data=data, name=name, **kw)  # type: ignore[arg-type]
    tally(engine, "accepted")
    return result


def loaded(engine: Engine, data: bytes, name: str = "ok.csv", **kw: object) -> list[float]:
    accepted(engine, data, name, **kw)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT o.value FROM observation o JOIN load_run r ON o.load_run_id = r.id "
                "WHERE r.file_name = :n ORDER BY o.id"
            ),
            {"n": name},
        ).scalars()
        return [float(v) for v in rows]


def _xlsx(rows: list[list[object]], formats: dict[str, str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "observations"
    for row in rows:
        ws.append(row)
    for cell, fmt in (formats or {}).items():
        ws[cell].number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite(data: bytes, changes: dict[str, bytes]) -> bytes:
    """The XLSX with some of its parts replaced (or added)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename not in changes:
                dst.writestr(item, src.read(item.filename))
        for part, body in changes.items():
            dst.writestr(part, body)
    return out.getvalue()


GOOD_ROW = ["VNM", "R3.2", "2019", 40, "Ministry report", ""]


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("inf", "'inf' is not a finite number"),
        ("1e309", "'1e309' is not a finite number"),
        ("-Infinity", "'-Infinity' is not a finite number"),
        ("1e15", "'1e15' is out of range (values up to 1,000,000,000,000)"),
        ("1" * 400, "is not a finite number"),
    ],
)
def test_endless_and_huge_numbers(ref_engine: Engine, value: str, reason: str) -> None:
    problems = refused(ref_engine, csv_bytes(HEADER, f"VNM,R2.1,2019,{value},src,"))
    assert len(problems) == 1 and problems[0].startswith("bad.csv:2: value: ")
    assert problems[0].endswith(reason)


def test_json_infinity_nan_and_giant_integer(ref_engine: Engine) -> None:
    row = (
        '{{"participant": "VNM", "indicator": "R2.1", "date": "2019", "value": {v}, "source": "s"}}'
    )
    data = ("[" + ",\n".join(row.format(v=v) for v in ("Infinity", "NaN")) + "]").encode()
    assert refused(ref_engine, data, name="x.json") == [
        "x.json:1: value: 'inf' is not a finite number",
        "x.json:2: value: 'nan' is not a number",
    ]
    giant = ("[" + row.format(v="9" * 5000) + "]").encode()
    problems = refused(ref_engine, giant, name="g.json")
    assert problems[0].startswith("g.json:-: invalid JSON: Exceeds the limit")


def test_decimal_comma_of_a_semicolon_csv(ref_engine: Engine) -> None:
    data = csv_bytes("participant;indicator;date;value;source", "VNM;R3.2;2019;2,5;src")
    assert refused(ref_engine, data) == [
        "bad.csv:2: value: '2,5' has a comma: write a decimal point (2.5) and no thousands separator"
    ]


def test_excel_percent_cell_reads_as_shown(ref_engine: Engine) -> None:
    data = _xlsx(
        [HEADER.split(","), ["VNM", "R3.2", 2019, 0.5, "Ministry report", None]], {"D2": "0%"}
    )
    assert loaded(ref_engine, data, name="pct.xlsx") == [50.0]
    over = _xlsx(
        [HEADER.split(","), ["VNM", "R3.2", 2019, 1.5, "Ministry report", None]], {"D2": "0.0%"}
    )
    assert refused(ref_engine, over, name="pct2.xlsx") == [
        "pct2.xlsx:2: value: percent: value must be between 0 and 100, got 150%"
    ]


def test_excel_dates_serials_and_formulas(ref_engine: Engine) -> None:
    import datetime as dt

    data = _xlsx(
        [HEADER.split(","), ["VNM", "R3.2", dt.date(2019, 5, 1), 40, "Ministry report", None]]
    )
    assert loaded(ref_engine, data, name="date.xlsx") == [40.0]
    with ref_engine.connect() as conn:
        day = conn.execute(text("SELECT date FROM observation WHERE value = 40")).scalar_one()
    assert str(day) == "2019-05-01"
    serial = _xlsx([HEADER.split(","), ["VNM", "R3.2", 43831, 40, "Other report", None]])
    assert refused(ref_engine, serial, name="serial.xlsx") == [
        "serial.xlsx:2: date: '43831' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
    ]
    formula = _xlsx([HEADER.split(","), ["VNM", "R3.2", 2019, "=1+1", "Ministry report", None]])
    assert refused(ref_engine, formula, name="f.xlsx") == [
        "f.xlsx:2: value: empty: a value is required"
    ]


# ---------------------------------------------------------------- CSV structure


def test_unterminated_quote_names_the_row_it_opened(ref_engine: Engine) -> None:
    data = csv_bytes(
        HEADER,
        "VNM,R1.1,2019,2,src,fine",
        'THA,R1.1,2019,2,src,"the quote opens here',
        "KOR,R1.1,2019,2,src,",
        "MYS,R1.1,2019,2,src,",
    )
    problems = refused(ref_engine, data)
    assert problems == [
        'bad.csv:3: note: unterminated quote: a cell opened with " on this row is never closed, '
        "so the rest of the file would be read into it"
    ]


def test_multiline_cells_crlf_and_lone_cr_keep_row_numbers(ref_engine: Engine) -> None:
    lines = [HEADER, 'VNM,R1.1,2019,2,src,"two\nlines"', "", "Atlantis,R1.1,2019,2,src,"]
    assert refused(ref_engine, csv_bytes(*lines))[0].startswith("bad.csv:5: participant:")
    crlf = [HEADER, 'VNM,R1.1,2019,2,src,"two\r\nlines"', "Atlantis,R1.1,2019,2,src,"]
    assert refused(ref_engine, csv_bytes(*crlf, end="\r\n"))[0].startswith(
        "bad.csv:4: participant:"
    )
    cr = [HEADER, "VNM,R1.1,2019,2,src,", "Atlantis,R1.1,2019,2,src,"]
    assert refused(ref_engine, csv_bytes(*cr, end="\r"))[0].startswith("bad.csv:3: participant:")
    assert loaded(ref_engine, csv_bytes(HEADER, "VNM,R1.1,2019,2,src,", end="\r\n")) == [2.0]


def test_mixed_delimiters_and_ragged_rows(ref_engine: Engine) -> None:
    mixed = refused(ref_engine, csv_bytes(HEADER, "VNM;R1.1;2019;2;src;"))
    assert any(
        p.startswith("bad.csv:2: participant: unknown participant 'VNM;R1.1;2019;2;src;'")
        for p in mixed
    )
    ragged = refused(ref_engine, csv_bytes(HEADER, "VNM,R1.1,2019,2,src,,extra"))
    assert ragged == [
        "bad.csv:2: 7 cells but the header has 6 columns (a stray delimiter or unquoted text?)"
    ]
    # trailing empty cells (a spreadsheet's stray delimiters) are harmless
    assert loaded(ref_engine, csv_bytes(HEADER, "VNM,R1.1,2019,2,src,,,")) == [2.0]


def test_duplicate_and_empty_header_cells(ref_engine: Engine) -> None:
    twice = refused(ref_engine, csv_bytes(HEADER + ",value", "VNM,R1.1,2019,2,src,,3"))
    assert twice == ["bad.csv:1: value: the header names 'value' twice (columns 4 and 7)"]
    unnamed = refused(
        ref_engine, csv_bytes("participant,,indicator,date,value,source", "VNM,x,R1.1,2019,2,src")
    )
    assert unnamed == [
        "bad.csv:2: column 2: a value under an empty header cell: name the column or delete it"
    ]
    beyond = refused(ref_engine, csv_bytes(HEADER + ",", "VNM,R1.1,2019,2,src,,3"))
    assert beyond == [
        "bad.csv:2: 7 cells but the header has 6 columns (a stray delimiter or unquoted text?)"
    ]


def test_too_many_columns(ref_engine: Engine) -> None:
    problems = refused(ref_engine, csv_bytes(HEADER + ",x" * 300, "VNM,R1.1,2019,2,src,"))
    assert problems == ["bad.csv:1: the header has 306 columns (limit 200)"]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
)
def test_byte_order_marks(ref_engine: Engine, encoding: str, bom: bytes) -> None:
    body = "\n".join([HEADER, "Viet Nam,R1.1,2019,2,Ministère,"]) + "\n"
    assert loaded(ref_engine, bom + body.encode(encoding), name=f"{encoding}.csv") == [2.0]


def test_utf16_without_bom_and_latin1(ref_engine: Engine) -> None:
    body = "\n".join([HEADER, "VNM,R1.1,2019,2,src,"]) + "\n"
    assert refused(ref_engine, body.encode("utf-16-le")) == [
        "bad.csv:-: UTF-16 text without a byte-order mark: save as 'CSV UTF-8'"
    ]
    latin = refused(
        ref_engine, csv_bytes(HEADER) + "VNM,R1.1,2019,2,Minist\xe8re,\n".encode("latin-1")
    )
    assert latin[0].startswith("bad.csv:2: not UTF-8 text")


# ---------------------------------------------------------------- control characters


@pytest.mark.parametrize(
    ("cell", "label"),
    [
        ("a\x00b", "U+0000 (NUL)"),
        ("bell\x07", "U+0007 (control character)"),
        ("\x1b[31m", "U+001B (ESC)"),
    ],
)
def test_control_characters_are_refused(ref_engine: Engine, cell: str, label: str) -> None:
    data = csv_bytes(HEADER, "VNM,R1.1,2019,2,src,fine", f"VNM,R1.1,2020,2,src,{cell}")
    assert refused(ref_engine, data) == [
        f"bad.csv:3: note: {label} in the cell: remove it (a control character cannot be stored "
        "or exported)"
    ]


@pytest.mark.parametrize(
    ("cell", "label", "why"),
    [
        ("Viet\u202eNam", "U+202E (right-to-left override)", "it makes the text display otherwise "
         "than it reads"),
        ("\u2067reversed\u2069", "U+2067 (bidirectional control)", "it makes the text display "
         "otherwise than it reads"),
        ("caf\u00c3\u0083\u0082", "U+0083 (control character)", "a control character cannot be "
         "stored or exported"),
    ],
)  # fmt: skip
def test_c1_and_bidirectional_controls_are_refused(
    ref_engine: Engine, cell: str, label: str, why: str
) -> None:
    """Mis-decoded C1 controls and bidirectional overrides (which would show a name reversed
    in a tooltip or a briefing) are refused like the C0 controls, in CSV, XLSX and JSON; marks
    that only set direction (U+200E/U+200F) and ordinary non-ASCII text load."""
    data = csv_bytes(HEADER, "VNM,R1.1,2019,2,src,fine", f"VNM,R1.1,2020,2,src,{cell}")
    assert refused(ref_engine, data) == [f"bad.csv:3: note: {label} in the cell: remove it ({why})"]
    json_data = json.dumps(
        [{"participant": "VNM", "indicator": "R1.1", "date": "2019", "value": 2, "source": cell}]
    ).encode()
    assert refused(ref_engine, json_data, name="c.json")[0].startswith(f"c.json:1: source: {label}")
    sheet = _xlsx([HEADER.split(","), ["VNM", "R1.1", "2019", 2, "src", cell]])
    assert refused(ref_engine, sheet, name="c.xlsx")[0].startswith(f"c.xlsx:2: note: {label}")
    fine = csv_bytes(HEADER, "VNM,R1.1,2019,2,src,Việt Nam \u200fشكرا\u200e — café")
    assert loaded(ref_engine, fine) == [2.0]


def test_control_characters_in_json_and_events(ref_engine: Engine) -> None:
    data = b'[{"participant": "VNM", "indicator": "R1.1", "date": "2019", "value": 2, "source": "s\\u0000"}]'
    assert refused(ref_engine, data, name="c.json")[0].startswith("c.json:1: source: U+0000 (NUL)")
    events = csv_bytes("date,title,source", "2020-01-01,Meeting\x00,src")
    assert refused(ref_engine, events, kind="events")[0].startswith("bad.csv:2: title: U+0000")


def test_tabs_and_newlines_inside_cells_are_kept(ref_engine: Engine) -> None:
    data = csv_bytes(HEADER, 'VNM,R1.1,2019,2,src,"a\tb\nc"')
    assert loaded(ref_engine, data) == [2.0]
    with ref_engine.connect() as conn:
        found = conn.execute(
            text("SELECT COUNT(*) FROM observation WHERE note = :n"), {"n": "a\tb\nc"}
        )
        assert found.scalar_one() == 1


# ---------------------------------------------------------------- lengths and sources


def test_texts_longer_than_their_columns(ref_engine: Engine) -> None:
    long_kind = "k" * 33
    events = csv_bytes(
        "date,title,kind,url,source",
        f"2020-01-01,Meeting,{long_kind},,src",
        f"2020-01-02,{'t' * 600},,,src",
        f"2020-01-03,Talk,,https://x.org/{'u' * 2000},{'s' * 201}",
    )
    problems = refused(ref_engine, events, kind="events")
    assert problems[0] == (
        f"bad.csv:2: kind: '{long_kind}' is 33 characters long (limit 32 for kind)"
    )
    assert problems[1].startswith("bad.csv:3: title: '" + "t" * 79 + "…' is 600 characters long")
    assert problems[2].startswith("bad.csv:4: source: ") and "(limit 200 for source)" in problems[2]
    assert problems[3].startswith("bad.csv:4: url: ") and "(limit 2000 for url)" in problems[3]
    obs = refused(ref_engine, csv_bytes(HEADER, f"VNM,R1.1,2019,2,{'s' * 300},"))
    assert obs[0].endswith("is 300 characters long (limit 200 for source)")


def test_sources_differing_only_in_case(ref_engine: Engine) -> None:
    conflict = csv_bytes(HEADER, "VNM,R1.1,2019,2,Case Report,", "VNM,R1.1,2019,3,case report,")
    assert refused(ref_engine, conflict) == [
        f"bad.csv:{n}: value: conflicts with row 2: same participant, indicator, date and source, "
        "different value/status"
        for n in (2, 3)
    ]
    same = csv_bytes(HEADER, "VNM,R1.1,2019,2,Case Report,", "VNM,R1.1,2019,2,CASE REPORT,")
    assert loaded(ref_engine, same, name="case.csv") == [2.0]
    again = csv_bytes(HEADER, "VNM,R1.1,2019,4,case REPORT,")
    result = accepted(ref_engine, again, "case2.csv")
    assert (result.inserted, result.updated) == (0, 1)


def test_echoed_values_are_cut_and_problems_bounded(ref_engine: Engine) -> None:
    long_value = "9x" * 2000
    rows = [
        f"VNM,R1.1,{1950 + i % 60}-{1 + i % 12:02d}-01,{long_value},src,{i}" for i in range(3000)
    ]
    problems = refused(ref_engine, csv_bytes(HEADER, *rows))
    assert len(problems) == readers.MAX_PROBLEMS + 1
    assert problems[-1] == "bad.csv:-: … and 2,000 more problem(s) not listed"
    assert problems[0] == "bad.csv:2: value: '" + long_value[:79] + "…' is not a number"
    _, _, errors = last_run(ref_engine)
    stored = json.loads(errors)
    assert len(stored) == 201 and stored[-1].startswith("… and ")


# ---------------------------------------------------------------- JSON and XLSX structure


def test_deeply_nested_json(ref_engine: Engine) -> None:
    problems = refused(ref_engine, b"[" * 100_000 + b"]" * 100_000, name="deep.json")
    assert problems == ["deep.json:1: JSON nested too deeply: expected a list of flat objects"]


def test_corrupt_xlsx_parts(ref_engine: Engine) -> None:
    good = _xlsx([HEADER.split(","), GOOD_ROW])
    broken = _rewrite(good, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row r='1'><c"})
    assert refused(ref_engine, broken, name="b.xlsx")[0].startswith(
        "b.xlsx:-: not a readable XLSX workbook"
    )
    truncated = good[: len(good) // 2]
    assert refused(ref_engine, truncated, name="t.xlsx")[0].startswith(
        "t.xlsx:-: not a readable XLSX workbook"
    )


def _shared_string_book(sheet_cells: str, strings: str, doctype: str = "") -> bytes:
    good = _xlsx([["participant"]])
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main"><sheetData>{sheet_cells}</sheetData></worksheet>'
    )
    sst = (
        f'<?xml version="1.0"?>{doctype}<sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main">{strings}</sst>'
    )
    types = zipfile.ZipFile(io.BytesIO(good)).read("[Content_Types].xml")
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = zipfile.ZipFile(io.BytesIO(good)).read("xl/_rels/workbook.xml.rels")
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return _rewrite(
        good,
        {
            "xl/worksheets/sheet1.xml": sheet.encode(),
            "xl/sharedStrings.xml": sst.encode(),
            "[Content_Types].xml": types,
            "xl/_rels/workbook.xml.rels": rels,
        },
    )


HEADER_CELLS = "".join(
    f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
    for col, name in zip("ABCDEF", HEADER.split(","), strict=True)
)


def test_bad_shared_string_index(ref_engine: Engine) -> None:
    cells = f'<row r="1">{HEADER_CELLS}</row><row r="2"><c r="A2" t="s"><v>999</v></c></row>'
    data = _shared_string_book(cells, "<si><t>VNM</t></si>")
    assert refused(ref_engine, data, name="s.xlsx")[0].startswith("s.xlsx:")


def test_entity_expansion_and_external_entities_are_not_expanded(ref_engine: Engine) -> None:
    laughs = (
        '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + "]>"
    )
    cells = f'<row r="1">{HEADER_CELLS}</row><row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    bomb = _shared_string_book(cells, "<si><t>&i;</t></si>", laughs)
    started = time.monotonic()
    problems = refused(ref_engine, bomb, name="lol.xlsx")
    assert time.monotonic() - started < 30
    assert all(len(p) < 400 for p in problems), "an entity must never be expanded into a message"
    xxe = _shared_string_book(
        cells, "<si><t>&x;</t></si>", '<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    )
    problems = refused(ref_engine, xxe, name="xxe.xlsx")
    assert not any("root:" in p for p in problems), "an external entity must never be read"


# ---------------------------------------------------------------- size bounds


def test_ten_megabyte_single_line_is_refused_quickly(ref_engine: Engine) -> None:
    started = time.monotonic()
    problems = refused(ref_engine, b"a," * 5_000_000)
    assert problems == [
        "bad.csv:1: line is 10,000,000 bytes long (limit 1,048,576): not a table with one "
        "record per line"
    ]
    assert time.monotonic() - started < 30


def test_file_over_the_size_limit(ref_engine: Engine) -> None:
    data = csv_bytes(HEADER) + b"x" * (readers.MAX_FILE_BYTES + 1)
    assert refused(ref_engine, data) == [
        f"bad.csv:-: file is {len(data):,} bytes; the limit is 50 MB"
    ]


def _bare_xlsx(rows: int) -> bytes:
    """A workbook whose one sheet holds ``rows`` one-cell rows, written without openpyxl."""
    good = _xlsx([["participant"]])
    out = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(good))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, src.read(item.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            for start in range(1, rows + 1, 100_000):
                part.write(
                    b"".join(
                        b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n)
                        for n in range(start, min(start + 100_000, rows + 1))
                    )
                )
            part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_xlsx_with_millions_of_rows_is_refused_quickly(ref_engine: Engine) -> None:
    data = _bare_xlsx(3_000_000)
    assert len(data) < 30 * 1024 * 1024
    started = time.monotonic()
    problems = refused(ref_engine, data, name="rows.xlsx")
    assert problems == ["rows.xlsx:-: the sheet has over 1,048,576 rows (Excel's limit)"]
    assert time.monotonic() - started < 30


def test_xlsx_that_unpacks_too_far_is_refused(
    ref_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_XLSX_XML_BYTES", 1024 * 1024)
    problems = refused(ref_engine, _bare_xlsx(40_000), name="bomb.xlsx")
    assert problems == [
        "bomb.xlsx:-: the workbook unpacks to over 1 MB of XML (a zip bomb?): not a table a "
        "spreadsheet would save"
    ]


# ---------------------------------------------------------------- text that cannot be stored


def _json_row(**cells: object) -> dict[str, object]:
    return {
        "participant": "VNM",
        "indicator": "R1.1",
        "date": "2019",
        "value": 2,
        "source": "s",
    } | cells


def test_a_lone_surrogate_is_refused_like_any_bad_character(ref_engine: Engine) -> None:
    """JSON can spell half of a UTF-16 pair ("\\ud800"), which no text column can store: it is
    refused naming the row and column (it used to end in a traceback with no rejected run)."""
    note = json.dumps([_json_row(), _json_row(date="2020", note="a\ud800b")]).encode()
    assert b"\\ud800" in note
    assert refused(ref_engine, note, name="s.json") == [
        "s.json:2: note: U+D800 (unpaired surrogate) in the cell: remove it (half of a "
        "character pair: it cannot be stored or exported)"
    ]
    key = b'[{"participant": "VNM", "indicator": "R1.1", "date": "2019", "value": 2, ' \
          b'"source": "s", "no\\udc00te": "x"}]'  # fmt: skip
    assert refused(ref_engine, key, name="k.json") == [
        "k.json:1: key 'no\\udc00te': U+DC00 (unpaired surrogate) in a key: remove it (half of "
        "a character pair: it cannot be stored or exported)"
    ]
    listed = json.dumps([_json_row(source=["a", "\udfff"])]).encode()
    assert refused(ref_engine, listed, name="l.json")[0].startswith(
        "l.json:1: source: U+DFFF (unpaired surrogate)"
    )
    # A pair spelled as two escapes is one character, and loads.
    pair = json.dumps([_json_row(note="\U0001f600")]).encode()
    assert b"\\ud83d\\ude00" in pair
    assert loaded(ref_engine, pair, name="pair.json") == [2.0]


# ---------------------------------------------------------------- who an indicator belongs to


def test_a_regional_indicator_is_refused_under_a_participant_and_a_national_one_without(
    ref_engine: Engine,
) -> None:
    """`VNM,R4.1,...` used to load and be read by nobody (neither `explain ARF R4` nor
    `explain VNM R4`): each is refused with what to write instead."""
    data = csv_bytes(
        HEADER + ",status,assessor,rationale",
        "VNM,R4.1,2020,2,src,,,,",
        "Viet Nam,R4,2020,,src,,2,Panel,Why",
        ",R1.1,2020,2,src,,,,",
        "region,R1.1,2020,2,src,,,,",
        "ARF,R4.1,2020,2,src,,,,",
        ",R4.1,2021,2,src,,,,",
        "THA,R1.1,2020,2,src,,,,",
    )
    assert refused(ref_engine, data) == [
        "bad.csv:2: participant: indicator R4.1 is regional (measured for the ARF as a whole), "
        "not per participant: leave participant empty or write 'region'",
        "bad.csv:3: participant: recommendation R4 is regional (assessed for the ARF as a "
        "whole), not per participant: leave participant empty or write 'region'",
        "bad.csv:4: participant: empty: indicator R1.1 is measured per participant: write the "
        "participant's code or name (e.g. VNM or Viet Nam)",
        "bad.csv:5: participant: 'region' is not a participant: indicator R1.1 is measured per "
        "participant: write the participant's code or name (e.g. VNM or Viet Nam)",
    ]


# ---------------------------------------------------------------- silent acceptance


def test_duplicate_keys_in_a_json_object_are_refused(ref_engine: Engine) -> None:
    """JSON keeps the last of two equal keys: the value the file meant is not known."""
    twice = (
        b'[{"participant": "VNM", "indicator": "R1.1", "date": "2019", "value": 1, '
        b'"source": "s"},\n{"participant": "VNM", "indicator": "R1.1", "date": "2020", '
        b'"value": 1, "value": 3, "source": "s"}]'
    )
    assert refused(ref_engine, twice, name="d.json") == [
        "d.json:2: value: the object names 'value' twice (JSON would keep the last): keep one"
    ]
    cased = (
        b'[{"participant": "VNM", "indicator": "R1.1", "date": "2019", "Value": 1, '
        b'"value": 3, "source": "s"}]'
    )
    assert refused(ref_engine, cased, name="c.json") == [
        "c.json:1: value: the object names the column twice ('Value' and 'value'): keep one"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html;base64,PGI+",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "//evil.example/x",
        "www.example.org",
        "https://",
    ],
)
def test_an_event_link_must_be_a_web_or_mail_address(ref_engine: Engine, url: str) -> None:
    events = csv_bytes("date,title,source,url", f'2020-01-01,Meeting,src,"{url}"')
    shown = url.strip()
    assert refused(ref_engine, events, kind="events") == [
        f"bad.csv:2: url: '{shown}' is not a web link: write an address that starts with "
        "https://, http:// or mailto:"
    ]


def test_web_and_mail_links_load(ref_engine: Engine) -> None:
    events = csv_bytes(
        "date,title,source,url",
        "2020-01-01,Meeting,src,https://example.org/a?b=c#d",
        "2020-01-02,Talk,src,HTTP://example.org",
        "2020-01-03,Letter,src,mailto:office@example.org",
        "2020-01-04,No link,src,",
    )
    result = accepted(ref_engine, events, "links.csv", kind="events")
    assert result.inserted == 4


def test_a_reference_source_link_must_be_a_web_or_mail_address(
    schema_engine: Engine, tmp_path: Path
) -> None:
    from dashboard.core.config import DATA_DIR
    from loaders.reference import load_reference

    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    sources = data_dir / "reference" / "sources.csv"
    lines = sources.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("url")] = "javascript:alert(1)"
    sources.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", "utf-8")
    with pytest.raises(Rejected) as info:
        load_reference(engine=schema_engine, data_dir=data_dir)
    tally(schema_engine, "refused")
    assert [str(p) for p in info.value.problems] == [
        f"{sources}:2: url: 'javascript:alert(1)' is not a web link: write an address that "
        "starts with https://, http:// or mailto:"
    ]


def test_unknown_columns_are_named_in_a_note(ref_engine: Engine) -> None:
    data = csv_bytes(HEADER + ",comments,rationle", "VNM,R1.1,2019,2,src,,a remark,why")
    result = accepted(ref_engine, data, "extra.csv", dry_run=True)
    assert (
        "ignored 2 column(s) RtoP Monitor does not read: 'comments', 'rationle' (did you mean "
        "'rationale'?)" in result.notes
    )
    events = csv_bytes("date,title,source,venue", "2020-01-01,Meeting,src,Manila")
    result = accepted(ref_engine, events, "ev.csv", dry_run=True)
    assert "ignored 1 column(s) RtoP Monitor does not read: 'venue'" in result.notes
    known = load_bytes(engine=ref_engine, data=csv_bytes(HEADER, "VNM,R1.1,2019,2,src,"),
                       name="k.csv", dry_run=True)  # fmt: skip
    assert not any("ignored" in n for n in known.notes)


def test_a_time_of_day_in_a_date_is_refused_not_dropped(ref_engine: Engine) -> None:
    import datetime as dt

    sheet = _xlsx(
        [HEADER.split(","), ["VNM", "R3.2", dt.datetime(2019, 5, 1, 10, 30), 40, "Report", None]]
    )
    assert refused(ref_engine, sheet, name="t.xlsx") == [
        "t.xlsx:2: date: '2019-05-01 10:30' has a time of day: a date here is a day, a month "
        "or a year: write 2019-05-01"
    ]
    text_dates = csv_bytes(
        HEADER,
        "VNM,R1.1,2019-05-01T10:30:00,2,src,",
        "VNM,R1.1,2019-05-02 23:59,2,src,",
        "VNM,R1.1,2019-05-03T08:00:00+07:00,2,src,",
    )
    assert [p.split(": date: ")[1] for p in refused(ref_engine, text_dates)] == [
        "'2019-05-01T10:30:00' has a time of day: a date here is a day, a month or a year: "
        "write 2019-05-01",
        "'2019-05-02 23:59' has a time of day: a date here is a day, a month or a year: write "
        "2019-05-02",
        "'2019-05-03T08:00:00+07:00' has a time of day: a date here is a day, a month or a "
        "year: write 2019-05-03",
    ]
    events = csv_bytes("date,title,source", "2020-01-01 09:00,Meeting,src")
    assert refused(ref_engine, events, kind="events") == [
        "bad.csv:2: date: '2020-01-01 09:00' has a time of day: a date here is a day, a month "
        "or a year: write 2020-01-01"
    ]
    # Midnight says nothing more than the day: read as the day.
    midnight = csv_bytes(HEADER, "VNM,R1.1,2019-05-01T00:00:00,2,src,")
    assert loaded(ref_engine, midnight, name="midnight.csv") == [2.0]


# ---------------------------------------------------------------- messages that misled


def test_random_bytes_are_called_binary_not_a_header(ref_engine: Engine) -> None:
    """Bytes that are no table used to be reported as 'a header but no data rows' when they
    happened to hold no line break."""
    assert refused(ref_engine, b"\x07\x1b\x02x\x00\x10", name="r.bin") == [
        "r.bin:-: binary data: not a CSV, XLSX or JSON file"
    ]
    rng = random.Random(20)
    for size in (3, 5, 8, 16, 64, 300, 5000):
        for _ in range(20):
            data = rng.randbytes(size)
            if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
                continue  # read as JSON: its own messages
            if not any(b < 0x20 and b not in b"\t\n\r" or b == 0x7F for b in data):
                continue  # could be a one-line table
            with pytest.raises(Rejected) as info:
                readers.read_table(data=data, name="r.bin")
            tally(ref_engine, "refused")
            tally(ref_engine, "of which random bytes")
            message = str(info.value.problems[0])
            assert "header but no data rows" not in message, (data, message)


def test_a_control_character_in_a_header_is_refused_by_position(ref_engine: Engine) -> None:
    data = json.dumps([_json_row() | {"no\u202ete": "x"}]).encode()
    assert refused(ref_engine, data, name="h.json") == [
        "h.json:1: column 6: U+202E (right-to-left override) in the cell: remove it (it makes "
        "the text display otherwise than it reads)"
    ]


def test_every_hostile_input_test_runs_on_both_databases() -> None:
    """The suite and its browser counterpart run on SQLite and PostgreSQL (CI provides both; a
    laptop without PostgreSQL skips those cases): pytest collects every test of the two
    modules once per database."""
    root = Path(__file__).resolve().parents[2]
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "tests/loaders/test_hostile.py", "tests/e2e/test_hostile_upload.py"],
        cwd=root, capture_output=True, text=True, timeout=300, check=True,
    ).stdout.split()  # fmt: skip
    ids = [i for i in listed if "::test_" in i and "runs_on_both_databases" not in i]
    by_test: dict[str, set[str]] = defaultdict(set)
    for test_id in ids:
        name, _, params = test_id.partition("[")
        db = params.split("-", 1)[0].rstrip("]")
        by_test[f"{name}[{params.partition('-')[2]}"].add(db)
    assert len(by_test) > 50 and any("test_hostile_upload" in k for k in by_test)
    one_db = {k: v for k, v in by_test.items() if v != {"sqlite", "postgres"}}
    assert not one_db, one_db
