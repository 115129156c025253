# ruff: noqa: E501 - the report's Markdown rows read best one to a line
"""The open-data routes (issue 21), measured on the real server as `rtop serve` starts it.

1. default data (reference data and the documented evidence, as `rtop init` loads them): the
   whole dataset's observations as CSV from /api/v1/observations.csv?from=2005, against a
   pandas read of the same rows from the same database (pandas.read_sql_query of the
   observations joined to their sources) in the same run. The route is timed twice: computed
   (a query not yet answered for this data version: the cached Dataset, the export, the CSV)
   and from memory (the same query again: answers are kept per data version and query). Goal:
   within 1.5x the pandas read.
2. the large benchmark database (loaders/bench_data.py, as benchmarks/pages.py builds it:
   320 participants x 60 indicators, ~1M observations): 50 requests at once, over ten routes
   and queries (with and without the sample, pages of 50,000 rows), after the warm-up; every
   answer must be a 200, and the server's peak memory (VmHWM) under 500 MB.

Prints Markdown tables; `--json FILE` writes the figures too. `--large PATH` reuses a large
database built before (it takes minutes to build).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REPEATS = 9
CONCURRENT = 50
GOAL_RATIO = 1.5
GOAL_MB = 500.0
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    try:
        with OPENER.open(url, timeout=600) as response:
            body = response.read()
            return int(response.status), body, time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read(), time.perf_counter() - started


class Server:
    """`rtop serve` (python -m loaders serve) over a database, until stopped."""

    def __init__(self, *, db: Path, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "RTOP_DATABASE_URL": f"sqlite:///{db}"}
        for name in ("RTOP_REQUIRE_LOGIN", "RTOP_CORS_ORIGINS"):
            env.pop(name, None)
        self._out = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "loaders", "serve", "--port", str(self.port),
             "--address", "127.0.0.1", "--", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while "warm-up done" not in log.read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)

    def memory_mb(self) -> dict[str, float]:
        """The server process's resident memory now and at its peak (MB)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        fields = {
            k: v.split()[0]
            for k, _, v in (x.partition(":") for x in status.splitlines())
            if v.split()
        }
        return {"rss": int(fields["VmRSS"]) / 1024, "peak": int(fields["VmHWM"]) / 1024}

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._out.close()


def _pandas_read(db: Path) -> tuple[int, float]:
    """The same rows as the route, read with pandas: (rows, seconds)."""
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db}")
    sql = (
        "SELECT o.participant_code, o.indicator_code, o.date, o.precision, o.value, o.note, "
        "o.synthetic, s.title AS source FROM observation o JOIN source s ON s.id = o.source_id "
        "WHERE o.synthetic = 0 AND o.date >= '2005-01-01' ORDER BY o.id"
    )
    started = time.perf_counter()
    frame = pd.read_sql_query(sql, engine)
    took = time.perf_counter() - started
    engine.dispose()
    return len(frame), took


def default_data(work: Path) -> dict[str, Any]:
    """Part 1: the route's CSV against a pandas read of the same rows."""
    from dashboard.core.config import DATA_DIR
    from dashboard.core.db import make_engine
    from loaders.reference import init

    db = work / "default.sqlite"
    engine = make_engine(url=f"sqlite:///{db}")
    init(engine=engine, data_dir=DATA_DIR)
    engine.dispose()
    server = Server(db=db, log=work / "default.log")
    try:
        path = "/api/v1/observations.csv?from=2005"
        status, body, _ = _get(server.url + path)
        assert status == 200, body[:300]
        rows = body.decode("utf-8-sig").count("\n") - 1
        pandas_rows, _ = _pandas_read(db)
        assert rows == pandas_rows, (rows, pandas_rows)
        pandas_s, computed_s, memory_s = [], [], []
        for i in range(REPEATS):
            pandas_s.append(_pandas_read(db)[1])
            # another limit, the same rows: a query not answered before, computed afresh
            computed_s.append(_get(f"{server.url}{path}&limit={50_000 - 1 - i}")[2])
            memory_s.append(_get(server.url + path)[2])
        return {
            "rows": rows,
            "pandas_ms": statistics.median(pandas_s) * 1000,
            "computed_ms": statistics.median(computed_s) * 1000,
            "memory_ms": statistics.median(memory_s) * 1000,
            "memory_mb": server.memory_mb(),
        }
    finally:
        server.stop()


LARGE_QUERIES = (
    "/api/v1/observations.csv?sample=1",
    "/api/v1/observations.csv?sample=1&offset=500000",
    "/api/v1/observations.json?sample=1&recommendations=R1,R2&limit=20000",
    "/api/v1/observations.csv",
    "/api/v1/status.csv?sample=1&year=2024",
    "/api/v1/status.json?sample=1&year=2020&limit=20000",
    "/api/v1/status.csv?participants=VNM,THA,AUS",
    "/api/v1/events.json?sample=1",
    "/api/v1/participants.csv?participants=VNM,THA",
    "/api/v1/indicators.json",
)


def large_data(work: Path, *, reuse: Path | None) -> dict[str, Any]:
    """Part 2: fifty requests at once on the large database."""
    if reuse is not None:
        db = reuse
        built_s = None
    else:
        from benchmarks.pages import LARGE
        from dashboard.core.db import make_engine
        from loaders.bench_data import build_large_database

        db = work / "large.sqlite"
        started = time.perf_counter()
        params = {k: v for k, v in LARGE.items() if k != "kind"}
        build_large_database(engine=make_engine(url=f"sqlite:///{db}"), **params)
        built_s = time.perf_counter() - started
    import sqlite3

    with sqlite3.connect(db) as conn:
        observations = conn.execute("SELECT count(*) FROM observation").fetchone()[0]
    server = Server(db=db, log=work / "large.log")
    try:
        before = server.memory_mb()
        urls = [server.url + LARGE_QUERIES[i % len(LARGE_QUERIES)] for i in range(CONCURRENT)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
            answers = list(pool.map(_get, urls))
        wall = time.perf_counter() - started
        after = server.memory_mb()
        took = sorted(a[2] for a in answers)
        return {
            "observations": observations,
            "built_s": built_s,
            "requests": len(answers),
            "ok": sum(1 for a in answers if a[0] == 200),
            "statuses": sorted({a[0] for a in answers}),
            "bytes": sum(len(a[1]) for a in answers),
            "wall_s": wall,
            "p50_s": statistics.median(took),
            "p95_s": took[int(0.95 * (len(took) - 1))],
            "max_s": took[-1],
            "memory_before_mb": before,
            "memory_after_mb": after,
        }
    finally:
        server.stop()


def report(default: dict[str, Any], large: dict[str, Any] | None) -> str:
    computed = default["computed_ms"] / default["pandas_ms"]
    memory = default["memory_ms"] / default["pandas_ms"]
    lines = [
        f"### The whole default dataset as CSV ({default['rows']} observations)",
        "",
        "| read | median ms | × pandas | goal ≤ 1.5× |",
        "| --- | ---: | ---: | --- |",
        f"| pandas.read_sql_query of the same rows | {default['pandas_ms']:.1f} | 1.00 | |",
        f"| route, computed (a new query) | {default['computed_ms']:.1f} | {computed:.2f} | "
        f"{'PASS' if computed <= GOAL_RATIO else 'FAIL'} |",
        f"| route, from memory (the same query again) | {default['memory_ms']:.1f} | {memory:.2f} | "
        f"{'PASS' if memory <= GOAL_RATIO else 'FAIL'} |",
        "",
    ]
    if large is not None:
        peak = large["memory_after_mb"]["peak"]
        lines += [
            f"### {large['requests']} requests at once on the large database "
            f"({large['observations']:,} observations)",
            "",
            "| answered 200 | wall s | p50 s | p95 s | max s | MB sent | server RSS before → after | "
            "peak RSS | goal < 500 MB |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
            f"| {large['ok']} of {large['requests']} | {large['wall_s']:.1f} | {large['p50_s']:.1f} "
            f"| {large['p95_s']:.1f} | {large['max_s']:.1f} | {large['bytes'] / 1e6:.0f} | "
            f"{large['memory_before_mb']['rss']:.0f} → {large['memory_after_mb']['rss']:.0f} MB | "
            f"{peak:.0f} MB | {'PASS' if peak < GOAL_MB and large['ok'] == large['requests'] else 'FAIL'} |",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--large", type=Path, default=None, help="a large database built before")
    parser.add_argument("--no-large", action="store_true", help="only the default data")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="rtop-bench-api-"))
    try:
        default = default_data(work)
        large = None if args.no_large else large_data(work, reuse=args.large)
        print(report(default, large))
        if args.json:
            args.json.write_text(json.dumps({"default": default, "large": large}, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
