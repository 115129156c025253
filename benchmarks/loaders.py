"""Loader throughput: check and load valid observation files beside a raw insert baseline.

Usage: .venv/bin/python benchmarks/loaders.py [--sizes 10000,100000,1000000] [--quick]
       [--no-postgres] [--no-xlsx] [--repeat N]

For every size, a valid observations file (distinct participant, indicator, date and source keys;
codes and values in range) is generated once (CSV; XLSX up to 100k rows). Each measurement runs in
a child process of its own so its peak memory (VmHWM) is its own:

* check:     read_table + check_observations (reading, normalising, validating; no database write);
* dry run:   load_bytes(dry_run=True) into a fresh initialised database (everything, rolled back);
* load:      load_bytes into a fresh initialised database (committed);
* baseline:  the same rows as plain tuples into a plain table (primary key only), in one
             transaction: SQLite executemany; PostgreSQL COPY (psycopg) -- the raw ceiling;
* indexed:   the same, into a table shaped like ``observation`` after migration 0005 (its columns,
             primary key, unique key uq_obs and secondary indexes; no foreign keys) -- what any
             writer of that table pays for its indexes.

Rates are rows per second of the whole measured step (for the baselines: the insert and commit
only; the rows are built before the clock starts, so they are the ceiling, not a fair loader).
Ratios are step rate / baseline rate in the same run, against both baselines. Goal (issue 8): on
SQLite the 1M-row CSV checked and loaded at >= 50 % of the executemany rate, under 1 GB peak
memory; a dry run no slower than a load. ``--repeat N`` runs every step N times and keeps the
fastest (the machine is shared: one slow run is noise, not the code).

PostgreSQL: RTOP_BENCH_POSTGRES_URL, else RTOP_TEST_POSTGRES_URL with its database name suffixed
``_bench`` (created if missing and reset for every measurement, so the test database is untouched).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
XLSX_MAX = 100_000
SOURCES = ("Benchmark ministry report", "Benchmark NGO survey", "Benchmark UN review")


# ---------------------------------------------------------------- data


def observation_frame(rows: int, *, seed: int = 1) -> Any:
    """A valid observations table of ``rows`` rows with distinct keys, as strings."""
    import numpy as np
    import pandas as pd

    from dashboard.core.config import DATA_DIR

    ref = pd.read_csv(DATA_DIR / "reference" / "indicators.csv", dtype=str, keep_default_na=False)
    ref = ref[ref["level"].eq("participant")].reset_index(drop=True)
    people = pd.read_csv(DATA_DIR / "reference" / "participants.csv", dtype=str)["code"].tolist()
    combos = len(ref) * len(people) * len(SOURCES)
    days = -(-rows // combos)
    rng = np.random.default_rng(seed)
    n = np.arange(rows)
    day = n // combos
    rest = n % combos
    ind = rest % len(ref)
    who = (rest // len(ref)) % len(people)
    src = rest // (len(ref) * len(people))
    dates = pd.Timestamp("1990-01-01") + pd.to_timedelta(day % max(days, 1), unit="D")
    kinds = ref["value_type"].to_numpy()[ind]
    levels = (
        ref["levels"]
        .map(lambda t: len([x for x in t.split(";") if x.strip()]) - 1 if t else 4)
        .to_numpy()[ind]
    )
    value = np.where(
        kinds == "binary",
        rng.integers(0, 2, rows),
        np.where(
            kinds == "ordinal",
            rng.integers(0, 1_000_000, rows) % (levels + 1),
            np.where(kinds == "percent", rng.integers(0, 101, rows), rng.integers(0, 500, rows)),
        ),
    )
    return pd.DataFrame(
        {
            "participant": np.asarray(people)[who],
            "indicator": ref["code"].to_numpy()[ind],
            "date": dates.strftime("%Y-%m-%d"),
            "value": value.astype(str),
            "source": np.asarray(SOURCES)[src],
            "note": np.where(n % 7 == 0, "benchmark note, with a comma", ""),
        }
    )


def csv_bytes(frame: Any) -> bytes:
    """The frame as UTF-8 CSV bytes."""
    return frame.to_csv(index=False).encode()


def xlsx_bytes(frame: Any) -> bytes:
    """The frame as an XLSX workbook (numbers as numbers, as a spreadsheet would hold them)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("observations")
    ws.append(list(frame.columns))
    values = frame["value"].astype(int).tolist()
    for row, value in zip(frame.itertuples(index=False), values, strict=True):
        ws.append([row.participant, row.indicator, row.date, value, row.source, row.note])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- child measurements


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pg_bench_url() -> str:
    url = os.environ.get("RTOP_BENCH_POSTGRES_URL", "")
    if url:
        return url
    test = os.environ.get("RTOP_TEST_POSTGRES_URL", "")
    if not test:
        return ""
    from sqlalchemy.engine import make_url

    parsed = make_url(test)
    return parsed.set(database=f"{parsed.database}_bench").render_as_string(hide_password=False)


def _fresh_postgres(url: str) -> Any:
    """An empty migrated and initialised PostgreSQL database at url (created when missing)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from dashboard.core.db import make_engine

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = make_engine(url=url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


def _engine(db: str, workdir: Path) -> Any:
    """A fresh initialised database: SQLite (copied from a template) or PostgreSQL."""
    from dashboard.core.config import DATA_DIR
    from dashboard.core.db import make_engine
    from loaders.reference import init

    if db == "postgres":
        engine = _fresh_postgres(_pg_bench_url())
        init(engine=engine, data_dir=DATA_DIR)
        return engine
    template = workdir / "template.sqlite"
    path = workdir / "run.sqlite"
    path.unlink(missing_ok=True)
    shutil.copy(template, path)
    return make_engine(url=f"sqlite:///{path}")


def _baseline_rows(data: bytes) -> list[tuple[Any, ...]]:
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    sources = {s: i + 100 for i, s in enumerate(SOURCES)}
    return list(
        zip(
            frame["participant"].tolist(),
            frame["indicator"].tolist(),
            frame["date"].tolist(),
            ["day"] * len(frame),
            frame["value"].astype(float).tolist(),
            frame["source"].map(sources).tolist(),
            frame["note"].tolist(),
            strict=True,
        )
    )


BASELINE_DDL = (
    "CREATE TABLE raw_observation (id INTEGER PRIMARY KEY, participant_code VARCHAR(8), "
    "indicator_code VARCHAR(32) NOT NULL, date DATE NOT NULL, precision VARCHAR(8) NOT NULL, "
    "value FLOAT NOT NULL, source_id INTEGER NOT NULL, note TEXT NOT NULL)"
)
COLUMNS = "participant_code, indicator_code, date, precision, value, source_id, note"
INSERT_SQL = (
    "INSERT INTO raw_observation (participant_code, indicator_code, date, precision, value, "
    "source_id, note) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


# A table equivalent to observation after migration 0005 (dashboard/core/models.py): the same
# columns, primary key, unique constraint and secondary indexes (foreign keys left out).
INDEXED_DDL = (
    "CREATE TABLE raw_observation (id INTEGER NOT NULL, participant_code VARCHAR(8), "
    "indicator_code VARCHAR(32) NOT NULL, date DATE NOT NULL, precision VARCHAR(8) NOT NULL, "
    "value FLOAT NOT NULL, source_id INTEGER NOT NULL, note TEXT NOT NULL, "
    "synthetic BOOLEAN NOT NULL, load_run_id INTEGER, PRIMARY KEY (id), "
    "CONSTRAINT uq_raw_obs UNIQUE (participant_code, indicator_code, date, source_id))"
)
INDEXED_INDEXES = (
    "CREATE INDEX ix_raw_observation_indicator_date ON raw_observation (indicator_code, date)",
    "CREATE INDEX ix_raw_observation_synthetic ON raw_observation (synthetic)",
)
INDEXED_COLUMNS = f"{COLUMNS}, synthetic, load_run_id"
INDEXED_SQL = f"INSERT INTO raw_observation ({INDEXED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608


def _baseline(db: str, data: bytes, workdir: Path, *, indexed: bool = False) -> dict[str, Any]:
    rows = _baseline_rows(data)
    if indexed:
        rows = [(*row, False, 1) for row in rows]
    ddl = [INDEXED_DDL, *INDEXED_INDEXES] if indexed else [BASELINE_DDL]
    if db == "sqlite":
        import sqlite3

        path = workdir / "raw.sqlite"
        path.unlink(missing_ok=True)
        conn = sqlite3.connect(path)
        for statement in ddl:
            conn.execute(statement)
        conn.commit()
        if indexed:  # the loader's write cache (loaders/locks.py), so the indexes stay in memory
            from loaders.locks import SQLITE_WRITE_CACHE_KB

            conn.execute(f"PRAGMA cache_size = -{SQLITE_WRITE_CACHE_KB}")
        started = time.perf_counter()
        conn.executemany(INDEXED_SQL if indexed else INSERT_SQL, rows)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.close()
        return {"seconds": seconds}
    import psycopg
    from sqlalchemy.engine import make_url

    engine = _fresh_postgres(_pg_bench_url())
    engine.dispose()
    url = make_url(_pg_bench_url()).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
        for statement in ddl:
            conn.execute(
                statement.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY").replace(
                    "id INTEGER NOT NULL", "id SERIAL NOT NULL"
                )
            )
        conn.commit()
        names = INDEXED_COLUMNS if indexed else COLUMNS
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY raw_observation ({names}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - started
    return {"seconds": seconds}


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement (in this fresh process) and return its time and peak memory."""
    workdir = Path(spec["workdir"])
    data = Path(spec["file"]).read_bytes()
    step, db = spec["step"], spec["db"]
    if step == "noop":
        import loaders.store  # noqa: F401 (the imports every step pays for)

        out = {"seconds": 0.0}
    elif step in ("baseline", "indexed"):
        out = _baseline(db, data, workdir, indexed=step == "indexed")
    elif step == "check":
        from sqlmodel import Session

        from loaders.readers import read_table
        from loaders.validate import Reference, check_observations

        engine = _engine("sqlite", workdir)
        with Session(engine) as session:
            ref = Reference.from_session(session)
        started = time.perf_counter()
        table = read_table(data=data, name=spec["name"])
        read_s = time.perf_counter() - started
        checked = check_observations(table=table, ref=ref)
        seconds = time.perf_counter() - started
        out = {"seconds": seconds, "read_seconds": read_s, "rows": len(checked.frame)}
    else:
        from loaders.store import load_bytes

        engine = _engine(db, workdir)
        started = time.perf_counter()
        result = load_bytes(engine=engine, data=data, name=spec["name"], dry_run=step == "dry")
        seconds = time.perf_counter() - started
        engine.dispose()
        out = {"seconds": seconds, "rows": result.inserted}
    out["peak_total_mb"] = _peak_mb()
    return out


def _run_child(spec: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1][:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- driver


def _template(workdir: Path) -> None:
    from dashboard.core.config import DATA_DIR
    from dashboard.core.db import make_engine
    from loaders.reference import init

    engine = make_engine(url=f"sqlite:///{workdir / 'template.sqlite'}")
    init(engine=engine, data_dir=DATA_DIR)
    engine.dispose()


def _fmt_rate(rows: int, result: dict[str, Any]) -> str:
    if "error" in result:
        return "error"
    return f"{rows / result['seconds']:,.0f}"


def _best(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of repeated runs of one step (an error only when every run failed)."""
    good = [r for r in results if "seconds" in r]
    return min(good, key=lambda r: r["seconds"]) if good else results[0]


def _ratio(result: dict[str, Any], base: dict[str, Any]) -> str:
    if "seconds" not in result or "seconds" not in base:
        return ""
    return f"{base['seconds'] / result['seconds']:.0%}"


def main(argv: list[str] | None = None) -> int:
    """Generate the files, measure every step in child processes, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="")
    parser.add_argument("--quick", action="store_true", help="10k and 100k rows only")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the fastest counts")
    parser.add_argument("--child", default="")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    if args.sizes:
        sizes = tuple(int(s) for s in args.sizes.split(","))
    else:
        sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    dbs = ["sqlite"]
    if not args.no_postgres:
        if _pg_bench_url():
            dbs.append("postgres")
        else:
            print("PostgreSQL skipped: set RTOP_BENCH_POSTGRES_URL or RTOP_TEST_POSTGRES_URL\n")
    workdir = Path(tempfile.mkdtemp(prefix="rtop-bench-loaders-"))
    try:
        _template(workdir)
        base = _run_child(
            {"step": "noop", "db": "none", "workdir": str(workdir), "file": __file__, "name": ""}
        )
        import_mb = base.get("peak_total_mb", 0.0)
        lines = [
            "| file | rows | db | step | s | rows/s | vs plain | vs indexed | peak MB |",
            "|---|---:|---|---|---:|---:|---:|---:|---:|",
        ]
        for rows in sizes:
            frame = observation_frame(rows)
            files = {"csv": csv_bytes(frame)}
            if rows <= XLSX_MAX and not args.no_xlsx:
                files["xlsx"] = xlsx_bytes(frame)
            del frame
            for fmt, data in files.items():
                path = workdir / f"obs-{rows}.{fmt}"
                path.write_bytes(data)
                size_mb = len(data) / 1e6
                for db in dbs:
                    spec = {
                        "workdir": str(workdir),
                        "file": str(workdir / f"obs-{rows}.csv"),
                        "name": path.name,
                        "db": db,
                    }
                    steps = ["baseline", "indexed", "check", "dry", "load"] if fmt == "csv" else []
                    steps = steps or ["check", "dry", "load"]
                    if db == "postgres":
                        steps = [s for s in steps if s != "check"]
                    results: dict[str, dict[str, Any]] = {}
                    for step in steps:
                        file = spec["file"] if step in BASELINE_STEPS else str(path)
                        results[step] = _best(
                            [
                                _run_child({**spec, "step": step, "file": file})
                                for _ in range(max(args.repeat, 1))
                            ]
                        )
                        print(f"  {fmt} {rows} {db} {step}: {results[step]}", file=sys.stderr)
                    for step in BASELINE_STEPS:
                        if step in results:
                            BASELINES[(rows, db, step)] = results[step]
                    for step, res in results.items():
                        ratios = [
                            ""
                            if step in BASELINE_STEPS and step != "indexed"
                            else _ratio(res, BASELINES.get((rows, db, b), {}))
                            for b in BASELINE_STEPS
                        ]
                        label = {
                            "baseline": "plain " + ("executemany" if db == "sqlite" else "COPY"),
                            "indexed": "indexed " + ("executemany" if db == "sqlite" else "COPY"),
                            "check": "check (read+validate)",
                            "dry": "dry run",
                            "load": "load",
                        }[step]
                        secs = f"{res['seconds']:.2f}" if "seconds" in res else res["error"]
                        peak = f"{res['peak_total_mb']:.0f}" if "peak_total_mb" in res else ""
                        lines.append(
                            f"| {fmt} {size_mb:.1f} MB | {rows:,} | {db} | {label} | {secs} | "
                            f"{_fmt_rate(rows, res)} | {ratios[0]} | {ratios[1]} | {peak} |"
                        )
        print("\n".join(lines))
        print(
            "\nplain: raw insert of the same rows into a table with a primary key only; indexed:"
            "\ninto a table shaped like observation (uq_obs and its secondary indexes); rows are"
            "\nprepared before the clock starts. Ratios: step rate / baseline rate (the load"
            "\nstep reads and checks the file too). peak MB: the child process's VmHWM, of which"
            f"\n{import_mb:.0f} MB is the interpreter with the loaders imported."
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


BASELINE_STEPS = ("baseline", "indexed")
BASELINES: dict[tuple[int, str, str], dict[str, Any]] = {}

if __name__ == "__main__":
    raise SystemExit(main())
