"""What the export tests share: the period, the components they need, and readers of files."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from dashboard.filters import Filters

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FILTERS = Filters(from_year=2011, to_year=2024)


@dataclass(frozen=True)
class Run:
    """A piece of text drawn on a PDF page: where (points from the bottom left) and how large."""

    text: str
    x: float
    y: float
    size: float


def pdf_runs(payload: bytes) -> list[list[Run]]:
    """Every page's text runs, with their position and effective font size."""
    pages = []
    for page in PdfReader(io.BytesIO(payload)).pages:
        runs: list[Run] = []

        def visit(
            text: str, cm: list[float], tm: list[float], _font: object, size: float, runs: list[Run] = runs
        ) -> None:
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                runs.append(Run(text.strip(), x, y, size * abs(tm[3]) * abs(cm[3])))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def office_pdf(path: Path) -> bytes:
    """The file as LibreOffice (headless) prints it to PDF."""
    assert SOFFICE is not None
    out = path.parent / "office"
    profile = path.parent / "office-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    return (out / f"{path.stem}.pdf").read_bytes()
