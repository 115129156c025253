"""Benchmark: build briefing packs (region and one participant, PPTX and PDF) on the default data.

Run: `.venv/bin/python benchmarks/briefing.py` (or `make bench`). Prints a table of seconds per
pack, with the image-rendering share, next to a baseline that starts a new renderer per image
(plain `plotly.io.to_image` without kaleido's shared server), measured in the same run.
Goal from the exports issue: a regional pack in under 30 s on this class of machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import views  # noqa: E402
from dashboard.core.db import make_engine  # noqa: E402
from dashboard.export import briefing, figures, images  # noqa: E402
from dashboard.filters import Filters  # noqa: E402


def _database(tmp: Path) -> Path:
    db = tmp / "default.sqlite"
    env = {"RTOP_DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "loaders", "init", "--if-empty-sample"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return db


def _time_pack(ds: views.Dataset, participant: str | None, fmt: str) -> tuple[float, float, int]:
    rendered = 0.0
    original = images.render

    def timed(*args: object, **kwargs: object) -> bytes:
        nonlocal rendered
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            rendered += time.perf_counter() - t

    figures.render = timed  # type: ignore[assignment]  # the pack renders its charts there
    try:
        t = time.perf_counter()
        payload = briefing.build_briefing(
            ds=ds, filters=Filters(), participant=participant, fmt=fmt
        )
        return time.perf_counter() - t, rendered, len(payload)
    finally:
        figures.render = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the one-renderer-per-image baseline"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rtop-bench-"))
    try:
        db = _database(tmp)
        ds = views.load_dataset(engine=make_engine(url=f"sqlite:///{db}"), include_sample=True)
        rows = []
        for participant, fmt in ((None, "pptx"), (None, "pdf"), ("VNM", "pptx"), ("VNM", "pdf")):
            total, rendered, size = _time_pack(ds, participant, fmt)
            rows.append(("warm renderer", participant or "region", fmt, total, rendered, size))
        if not args.no_baseline:
            images._ensure_server = lambda: None  # type: ignore[assignment]
            images._stop_server()
            images._server_started = False
            total, rendered, size = _time_pack(ds, None, "pptx")
            rows.append(("new renderer per image", "region", "pptx", total, rendered, size))
        print("| mode | pack | format | total s | rendering s | size MB | goal < 30 s |")
        print("| --- | --- | --- | ---: | ---: | ---: | --- |")
        for mode, who, fmt, total, rendered, size in rows:
            ok = "PASS" if total < 30 else "FAIL"
            print(
                f"| {mode} | {who} | {fmt} | {total:.1f} | {rendered:.1f} "
                f"| {size / 1e6:.1f} | {ok} |"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
