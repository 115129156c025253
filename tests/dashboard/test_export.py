"""Exports: images, data files and briefing packs, checked by opening what was produced."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from dashboard import charts, export, maps, views
from dashboard.charts import ChartMeta
from dashboard.core.scoring import RULE_VERSION
from dashboard.export import briefing
from dashboard.filters import this_year
from tests.conftest import IN_CI, need
from tests.dashboard.packs import CHROMIUM, FILTERS


def test_png_has_requested_pixel_size_and_svg_parses(sample_ds: views.Dataset) -> None:
    need("Chromium (for kaleido)", CHROMIUM is not None)
    matrix = views.tracker_matrix(ds=sample_ds, filters=FILTERS, year=2024, sort="grouping")
    meta = ChartMeta(title="Tracker", subtitle="all participants", sources=("src",), synthetic=True)
    fig = export.for_export(charts.status_heatmap(matrix=matrix, meta=meta), meta=meta)
    png = export.render(fig, fmt="png", width=800, height=450, scale=2)
    assert export.png_size(png) == (1600, 900)
    svg = export.render(fig, fmt="svg", width=800, height=450, scale=1)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "SAMPLE DATA" in svg.decode()
    assert "exported" in svg.decode()
    assert f" · method v{RULE_VERSION} · " in svg.decode()  # the source line names the rule version


def test_static_map_renders_offline_geometry(sample_ds: views.Dataset) -> None:
    need("Chromium (for kaleido)", CHROMIUM is not None)
    values = views.overview_map(ds=sample_ds, filters=FILTERS, year=2024)
    meta = ChartMeta(title="Map", synthetic=True)
    fig = maps.static_map(values=values, meta=meta)
    assert {t.type for t in fig.data} == {"scatter"}  # plain axes: no map library, no tiles
    (points,) = [t for t in fig.data if t.mode == "markers" and t.x[0] is not None]
    drawn = {text.split(":")[0] for text in points.hovertext}
    assert {"Singapore", "European Union"} <= drawn and len(drawn) == 27  # SGP and the EU too
    png = export.render(fig, fmt="png", width=640, height=360, scale=1)
    assert export.png_size(png) == (640, 360)


REGION_TITLES = [
    "Key figures, 2024",
    "Where the region stands on each national recommendation, 2024",
    "Average status of the national recommendations, 2024",
    "Status by participant and recommendation, 2024",
    "Regional track, 2024",
    "Pillar coverage",
    "Recent events",
    "How statuses are read",
]


def _titles(prs: Presentation) -> list[str]:
    return [s.shapes[0].text_frame.text for s in prs.slides]


def test_region_pptx_slides_titles_and_notes(region_pack: briefing.Pack) -> None:
    prs = Presentation(io.BytesIO(briefing.to_pptx(region_pack)))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)  # 16:9
    titles = _titles(prs)
    assert titles[0] == "Implementing the Responsibility to Protect: the ARF region"
    assert titles[1 : len(REGION_TITLES) + 1] == REGION_TITLES
    assert titles[len(REGION_TITLES) + 1].startswith("Sources (")  # then as many as it needs
    assert all(t.startswith("Sources (") for t in titles[len(REGION_TITLES) + 1 :])
    pictures = [sum(1 for sh in s.shapes if sh.shape_type == 13) for s in prs.slides]
    assert pictures[:9] == [0, 0, 1, 1, 1, 0, 1, 0, 0]  # the map once: its inset enlarges
    notes = [s.notes_slide.notes_text_frame.text for s in prs.slides]
    assert notes[2].startswith("Regional recommendations (acts of the ARF as a whole):\n- R4 ")
    assert "R11 " in notes[2] and "Source:" in notes[2]
    assert notes[3].startswith("Source:")
    assert "All sources:" in notes[-1] and "CSCAP Memorandum No. 18" in notes[-1]
    all_text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "SAMPLE DATA" in all_text


def test_region_pdf_pages_and_text(region_pack: briefing.Pack) -> None:
    reader = PdfReader(io.BytesIO(briefing.to_pdf(region_pack)))
    assert len(reader.pages) >= len(region_pack.slides)
    text = "\n".join(p.extract_text() for p in reader.pages)
    for title in ("Key figures, 2024", "Status by participant and recommendation, 2024",
                  "How statuses are read", "Sources ("):
        assert title in text
    assert "CSCAP Memorandum" in text  # a source named
    assert f"Method version {RULE_VERSION} (docs/methodology.md)" in text
    assert "SAMPLE DATA" in text
    assert reader.metadata is not None and reader.metadata.title == region_pack.title


def test_participant_pack_without_sample_escapes_html(participant_pack: briefing.Pack) -> None:
    prs = Presentation(io.BytesIO(briefing.to_pptx(participant_pack)))
    titles = _titles(prs)
    assert "Viet Nam: national recommendations, 2024" in titles and "Viet Nam: evidence" in titles
    pptx_text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    table_text = " ".join(
        c.text for s in prs.slides for sh in s.shapes if sh.has_table for r in sh.table.rows for c in r.cells
    )
    assert "SAMPLE DATA" not in pptx_text + table_text
    assert "<script>alert(1)</script> Ministry" in table_text  # plain text in PPTX, never markup
    pdf = briefing.to_pdf(participant_pack)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "SAMPLE DATA" not in text
    assert "<script>alert(1)</script>" in text  # escaped for reportlab, so shown literally


def _csv_rows(payload: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))


def test_data_csv_and_xlsx_neutralise_formulas(real_ds: views.Dataset) -> None:
    frame, meta = export.data_export(ds=real_ds, filters=FILTERS)
    assert {"participant", "indicator", "recommendation", "pillar", "date", "value", "status", "source"} <= set(frame.columns)
    rows = _csv_rows(export.table_bytes(frame, fmt="csv", meta=meta))
    header = rows[0]
    assert header[:3] == ["participant_code", "participant", "indicator"]  # the first line
    data = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    notes = {d["note"] for d in data}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in notes and "'@SUM(A1)" in notes
    assert "'+cmd source" in {d["source"] for d in data}
    assert not any(v.startswith(("=", "+", "@")) for d in data for v in d.values())
    about = export.about_text(meta, data_file="observations.csv")
    assert f"Method: RtoP Monitor status rule, method version {RULE_VERSION} (docs/methodology.md)" in about
    assert "SAMPLE DATA" not in about and "  - +cmd source" in about  # every source (plain text)
    wb = load_workbook(io.BytesIO(export.table_bytes(frame, fmt="xlsx", meta=meta)))
    ws = wb["Data"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells), "no cell may be a formula"
    values = {c.value for c in cells if isinstance(c.value, str)}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in values and "'+cmd source" in values
    assert ws.cell(row=1, column=1).value == "participant_code"
    about_xlsx = {r[0].value: r[1].value for r in wb["About"].iter_rows()}
    assert list(about_xlsx)[:3] == ["Title", "Filters", "Sources"]
    assert about_xlsx["Method"] == f"RtoP Monitor status rule, method version {RULE_VERSION} (docs/methodology.md)"


def test_data_export_marks_sample(sample_ds: views.Dataset) -> None:
    frame, meta = export.data_export(ds=sample_ds, filters=FILTERS)
    assert meta.synthetic and frame["sample_data"].any()
    rows = _csv_rows(export.table_bytes(frame, fmt="csv", meta=meta))
    header = rows[0]
    assert header[-1] == "marking"
    marks = {(r[header.index("sample_data")], r[-1]) for r in rows[1:]}
    assert marks == {("True", "SAMPLE DATA"), ("False", "")}  # each sample row, and only those
    assert export.about_text(meta).startswith("SAMPLE DATA\n")
    wb = load_workbook(io.BytesIO(export.table_bytes(frame, fmt="xlsx", meta=meta)))
    assert "SAMPLE DATA" in [r[0].value for r in wb["About"].iter_rows()]
    assert wb["Data"].oddHeader.center.text == "SAMPLE DATA"  # on every printed page too


def test_cli_exports_offline(sqlite_sample_path: Path, tmp_path: Path) -> None:
    """The CLI writes a briefing and data with no network at all (a new network namespace)."""
    need("Chromium (for kaleido)", CHROMIUM is not None)
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        if IN_CI:
            pytest.fail("unshare -n is required in CI to prove exports need no network")
        pytest.skip("unshare -n is not permitted here")
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{sqlite_sample_path}"}
    out = tmp_path / "pack.pdf"
    run = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "loaders", "export", "briefing", "--participant", "AUS",
         "--from", "2011", "--to", "2024", "--format", "pdf", "--sample", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "includes SAMPLE DATA" in run.stdout
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Australia: national recommendations, 2024" in text and "SAMPLE DATA" in text
    data = tmp_path / "obs.xlsx"
    run = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "loaders", "export", "data", "--format", "xlsx",
         "--out", str(data)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    frame = pd.read_excel(data, sheet_name="Data")
    # by default (as in the app): the shipped public-record evidence dated 2011 to this year
    # (the default period), not the sample the database also holds
    evidence = Path(__file__).parent.parent.parent / "data" / "evidence" / "observations.csv"
    with evidence.open(newline="", encoding="utf-8") as f:
        shipped = [r for r in csv.DictReader(f) if 2011 <= int(r["date"][:4]) <= this_year()]
    with sqlite3.connect(sqlite_sample_path) as conn:  # every documented observation loaded
        (loaded,) = conn.execute(
            "SELECT count(*) FROM observation o JOIN source s ON s.id = o.source_id "
            "WHERE NOT s.synthetic AND CAST(substr(o.date, 1, 4) AS INTEGER) BETWEEN 2011 AND ?",
            (this_year(),),
        ).fetchone()
    assert len(frame) == loaded > 0
    assert set(frame["participant_code"]) == {r["participant"] or "ARF" for r in shipped}
    assert "ARF" in set(frame["participant_code"]) and not frame["sample_data"].any()


def test_cli_rejects_bad_arguments(sqlite_sample_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{sqlite_sample_path}"}
    run = subprocess.run(
        [sys.executable, "-m", "loaders", "export", "briefing", "--participant", "XXX", "--format", "pptx",
         "--out", str(tmp_path / "x.pptx")],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 2 and "unknown participant 'XXX'" in run.stderr
    assert not (tmp_path / "x.pptx").exists()


def test_the_pack_shows_the_overviews_figures(
    participant_pack: briefing.Pack, real_ds: views.Dataset
) -> None:
    """A participant's pack has the Overview's key figures for that participant, word for word."""
    from dataclasses import replace

    heads = views.headlines(
        ds=real_ds, filters=replace(FILTERS, participants=("VNM",)), since=FILTERS.from_year
    )
    key = next(s for s in participant_pack.slides if s.title.startswith("Key figures"))
    assert key.table is not None
    assert list(key.table.frame["Figure"]) == [h.label for h in heads]
    assert list(key.table.frame["Now"]) == [h.value for h in heads]
    assert "National recommendations ≥ Initiated" in [h.label for h in heads]


def test_a_documented_only_pack_cites_only_what_it_shows(sample_ds: views.Dataset) -> None:
    """The database holds the sample; a pack without it never lists the sample's source, and
    its source count is the sources its slides show (plus the framework, CSCAP Memo 18)."""
    need("Chromium (for kaleido)", CHROMIUM is not None)
    documented = views.load_dataset(engine=sample_ds.engine, include_sample=False)
    pack = briefing.build_pack(ds=documented, filters=FILTERS)
    sample_titles = set(sample_ds.sources[sample_ds.sources["synthetic"].astype(bool)]["title"])
    assert sample_titles and not sample_titles & set(pack.sources)
    assert pack.sources[0].startswith("CSCAP Memorandum No. 18")
    assert len(pack.sources) < len(documented.sources)
    listed = pack.slides[-1]
    assert listed.title == f"Sources ({len(pack.sources)})" and listed.table is not None
    assert list(listed.table.frame["Source"]) == pack.sources
    assert not pack.synthetic and "SAMPLE" not in " ".join(pack.slides[-2].bullets)
    recent = next(s for s in pack.slides if s.title == "Recent events")
    assert recent.table is not None and len(recent.table.frame) == 12
