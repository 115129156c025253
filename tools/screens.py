"""`make screens`: what a reviewer looks at before resolving a layout issue, in one command.

Writes, under test-artifacts/screens/:
- pages-1920x1080/, pages-1366x768/: every page of the running app, the whole page (the window
  made as tall as it at that width), default data;
- present-1920x1080/, present-1366x768/: presentation mode's views (`?present=1`), one screen
  each, as the meeting room sees them (the viewport only: what does not fit is not there);
- packs/: the briefing packs (the region's, with and without the sample; Viet Nam's) as PDF and
  PPTX, the observations as XLSX and CSV, and every page of each PDF pack as a PNG;
- office/: the PPTX packs and the XLSX as LibreOffice (headless, Carlito's Calibri metrics)
  prints them, every page as a PNG;
- index.txt: what was written.

The app runs as the end-to-end tests run it (`python -m loaders serve` on a free port over a
private database with the reference data, the documented evidence and the synthetic sample),
driven by the system Chromium through Playwright. Needs Debian's chromium,
libreoffice-impress, libreoffice-calc, libreoffice-writer, fonts-crosextra-carlito and
poppler-utils; as root it installs the missing ones with apt-get, otherwise it says which.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.presentation import DEFAULT_VIEWS  # noqa: E402

OUT = ROOT / "test-artifacts" / "screens"
CHROMIUM = os.environ.get("RTOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES = ((1920, 1080), (1366, 768))
PAGES = (
    ("overview", ""),
    ("map", "map"),
    ("country-VNM", "country?participant=VNM"),
    ("recommendations", "recommendations"),
    ("timeline", "timeline"),
    ("pillars", "pillars"),
    ("changes", "changes?since=2020-01-01"),
    ("gaps", "gaps"),
    ("exports", "exports"),
    ("upload", "upload"),
    ("history", "history"),
    ("methodology", "methodology"),
    ("signin", "signin"),
)
PRESENT = "?present=1"
PRESENT_VIEWS = DEFAULT_VIEWS.split("|")  # "" is the Overview
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TIMEOUT_MS = 60_000
DEBIAN = {  # command or file -> the Debian package that brings it
    CHROMIUM: "chromium",
    "soffice": "libreoffice-impress libreoffice-calc libreoffice-writer",
    "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf": "fonts-crosextra-carlito",
    "pdftoppm": "poppler-utils",
}


def _missing() -> list[str]:
    out = []
    for thing, package in DEBIAN.items():
        found = Path(thing).exists() if thing.startswith("/") else shutil.which(thing)
        if not found:
            out += package.split()
    return out


def ensure_tools() -> None:
    """Install what is missing (as root, with apt-get) or stop and say what to install."""
    missing = _missing()
    if not missing:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(missing)} ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(command, check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        return
    sys.exit(f"make screens needs: sudo {' '.join(command)}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def run(args: list[str], *, env: dict[str, str], quiet: bool = True) -> None:
    subprocess.run(args, check=True, env=env, cwd=ROOT, capture_output=quiet)


@contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[str]:
    """The app as `make run` starts it, on a free port, until the block ends."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    quiet = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    cmd = [sys.executable, "-m", "loaders", "serve", "--port", str(port),
           "--address", "127.0.0.1", "--", *quiet]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"the app did not start:\n{log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _settle(page: object) -> None:
    """Wait until the script has run and every chart and map on the page has drawn."""
    p = page  # a playwright Page
    p.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    p.wait_for_selector(IDLE, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    p.wait_for_function(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
        ".every((c) => c.querySelector('.main-svg'))"
        " && [...document.querySelectorAll('[data-testid=stDeckGlJsonChart]')]"
        ".every((c) => c.querySelector('canvas'))"
        # no element still on its way (a placeholder stands where a chart or map will be)
        " && !document.querySelector('[data-testid=stMain] [data-testid=stSkeleton]')",
        timeout=TIMEOUT_MS,
    )
    p.evaluate("() => document.fonts.ready")  # type: ignore[attr-defined]
    if p.locator("[data-testid=stDeckGlJsonChart]").count():  # type: ignore[attr-defined]
        # the map's outlines and labels' image come as files after the deck: let them arrive
        try:
            p.wait_for_load_state("networkidle", timeout=15_000)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a screenshot without them still says something
            pass
        p.evaluate(  # type: ignore[attr-defined]
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
    p.wait_for_selector(IDLE, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]


def shoot_app(url: str, written: list[Path]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width, height in SIZES:
                size = f"{width}x{height}"
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                folder = OUT / f"pages-{size}"
                folder.mkdir(parents=True, exist_ok=True)
                for name, path in PAGES:
                    page.set_viewport_size({"width": width, "height": height})
                    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                    _settle(page)
                    # The whole page: Streamlit scrolls inside its own container, so a "full
                    # page" screenshot is the first screen only; the window is made as tall as
                    # the page instead (same width, so the same layout).
                    tall = page.evaluate(  # type: ignore[attr-defined]
                        "() => document.querySelector('[data-testid=stMain]').scrollHeight"
                    )
                    page.set_viewport_size({"width": width, "height": min(int(tall) + 16, 16000)})
                    _settle(page)
                    target = folder / f"{name}.png"
                    page.screenshot(path=str(target))
                    written.append(target)
                    print(f"  {target.relative_to(ROOT)}", flush=True)
                folder = OUT / f"present-{size}"
                folder.mkdir(parents=True, exist_ok=True)
                page.set_viewport_size({"width": width, "height": height})
                for n, view in enumerate(PRESENT_VIEWS, start=1):  # each view by its own link
                    page.goto(f"{url}/{view}{PRESENT}", wait_until="domcontentloaded")
                    # drawn for this screen: the browser has told the server its size
                    page.wait_for_selector(  # type: ignore[attr-defined]
                        f'.rtop-present-footer[data-screen="{width}x{height}"]', timeout=TIMEOUT_MS
                    )
                    _settle(page)
                    target = folder / f"{n}-{view or 'overview'}.png"
                    page.screenshot(path=str(target))  # the screen, as the room sees it
                    written.append(target)
                    print(f"  {target.relative_to(ROOT)}", flush=True)
                context.close()
        finally:
            browser.close()


def pdf_pages(pdf: Path, folder: Path, written: list[Path], *, dpi: int = 80) -> None:
    """Every page of a PDF as a PNG in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / pdf.stem)], check=True
    )
    pages = sorted(folder.glob(f"{pdf.stem}-*.png"))
    written += pages
    print(f"  {folder.relative_to(ROOT)}/{pdf.stem}-*.png ({len(pages)} pages)", flush=True)


def exports(env: dict[str, str], written: list[Path]) -> None:
    """The packs and data files, their PDF pages as images, and what LibreOffice makes of them."""
    packs = OUT / "packs"
    packs.mkdir(parents=True, exist_ok=True)
    made = []
    for name, extra in (
        ("pack-region", []),
        ("pack-region-sample", ["--sample"]),
        ("pack-VNM", ["--participant", "VNM"]),
    ):
        for fmt in ("pdf", "pptx"):
            out = packs / f"{name}.{fmt}"
            run([sys.executable, "-m", "loaders", "export", "briefing", *extra, "--format", fmt,
                 "--out", str(out)], env=env)  # fmt: skip
            made.append(out)
            written.append(out)
            print(f"  {out.relative_to(ROOT)}", flush=True)
    for fmt in ("xlsx", "csv"):
        out = packs / f"observations.{fmt}"
        run([sys.executable, "-m", "loaders", "export", "data", "--format", fmt, "--out", str(out)],
            env=env)  # fmt: skip
        made.append(out)
        written.append(out)
    for pdf in sorted(packs.glob("*.pdf")):
        pdf_pages(pdf, OUT / "packs" / "pages", written)
    office = OUT / "office"
    office.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        targets = [str(p) for p in made if p.suffix in (".pptx", ".xlsx")]
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
             "pdf", "--outdir", str(office), *targets],
            check=True, capture_output=True,
        )  # fmt: skip
    for pdf in sorted(office.glob("*.pdf")):
        written.append(pdf)
        pdf_pages(pdf, office / "pages", written)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-app", action="store_true", help="only the packs and data files")
    parser.add_argument("--no-exports", action="store_true", help="only the app's screens")
    args = parser.parse_args()
    ensure_tools()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="rtop-screens-") as work:
        db = Path(work) / "screens.sqlite"
        env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}"}
        print("database: reference data, documented evidence and the sample ...", flush=True)
        run([sys.executable, "-m", "loaders", "init"], env=env)
        run([sys.executable, "-m", "loaders", "sample"], env=env)
        if not args.no_exports:
            print("packs and data files ...", flush=True)
            exports(env, written)
        if not args.no_app:
            print("the app in Chromium ...", flush=True)
            with serve(env, Path(work) / "streamlit.log") as url:
                shoot_app(url, written)
    index = OUT / "index.txt"
    index.write_text("\n".join(str(p.relative_to(OUT)) for p in written) + "\n")
    listed = index.relative_to(ROOT)
    print(f"wrote {len(written)} files under {OUT.relative_to(ROOT)} (list: {listed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
