"""Packs and spreadsheets opened in a real office suite (LibreOffice, headless, with Carlito's
Calibri metrics): what python-pptx and openpyxl cannot see, such as text that an office suite
lays out off the slide, over the SAMPLE DATA badge, or a sheet that prints on 33 pages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from dashboard import export
from dashboard.charts import ChartMeta
from dashboard.export import briefing
from dashboard.export.pack import Pack
from dashboard.export.powerpoint import SLIDE_H, SOURCE_SIZE
from tests.conftest import need
from tests.dashboard.packs import SOFFICE, office_pdf, pdf_runs
from tests.dashboard.test_tables import _frame

FOOTER = "RtoP Monitor · "


@pytest.fixture(autouse=True)
def _office() -> None:
    need("LibreOffice (libreoffice-impress, libreoffice-calc, fonts-crosextra-carlito)", SOFFICE is not None)


@pytest.mark.parametrize("which", ["region_pack", "participant_pack"])
def test_pack_in_libreoffice_keeps_every_text_on_its_slide_above_the_footer(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    pack: Pack = request.getfixturevalue(which)
    path = tmp_path / "pack.pptx"
    path.write_bytes(briefing.to_pptx(pack))
    pages = pdf_runs(office_pdf(path))
    assert len(pages) >= len(pack.slides)
    for n, runs in enumerate(pages, start=1):
        footer = [r for r in runs if r.text.startswith(FOOTER)]
        assert footer, f"slide {n}: no footer"
        band = max(r.y + r.size for r in footer)  # the footer's top line, in points from the foot
        badge = [r for r in runs if r.text == "SAMPLE DATA" and r.y < band + 10]
        assert bool(badge) == pack.synthetic, f"slide {n}: SAMPLE DATA badge"
        for r in runs:
            assert 0 <= r.y and r.y + r.size <= SLIDE_H + 1, (n, r)
            assert r.size >= 9 - 0.01, (n, r)
            if r in footer or r in badge:
                continue
            assert r.y - 0.25 * r.size > band, f"slide {n}: {r.text[:40]!r} runs into the footer band"
        sources = [r for r in runs if r.text.startswith(("Source:", "Sources:"))]
        if sources:  # the source line is the last thing above the footer, and nothing is over it
            line = max(r.y for r in sources)
            for r in runs:
                if r in footer or r in badge:
                    continue
                same_size = abs(r.size - SOURCE_SIZE) < 0.1
                if abs(r.y - line) <= 1:
                    assert same_size, f"slide {n}: {r.text[:40]!r} drawn over the source line"
                elif r.y < line:
                    assert same_size and r.y >= line - 4 * SOURCE_SIZE * 1.3, (
                        f"slide {n}: {r.text[:40]!r} below the source line"
                    )


def test_xlsx_of_124_rows_prints_on_a_few_a4_pages(tmp_path: Path) -> None:
    """124 observations printed on 33 pages (portrait, columns cut across pages)."""
    path = tmp_path / "observations.xlsx"
    path.write_bytes(export.table_bytes(_frame(124), fmt="xlsx", meta=ChartMeta(title="Observations")))
    reader = PdfReader(io.BytesIO(office_pdf(path)))
    assert 2 <= len(reader.pages) <= 8
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    first = reader.pages[0].extract_text()
    assert "participant" in first and "note" in first  # every column on the page, header on top
    assert "participant" in reader.pages[1].extract_text()  # the header again on the next page
