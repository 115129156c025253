"""Insert many rows fast: column by column from a frame, straight to the driver.

SQLAlchemy's per-row parameter processing cost more than SQLite's insert itself (a 100k-row
load spent ~1 s there), so bulk writes of the loaders' own tables go straight to the driver:
SQLite's executemany, and PostgreSQL's COPY (psycopg), which is ~10x faster there than an
executemany of INSERTs. Rows are turned into Python values one batch at a time, so a million
rows never exist as Python objects all at once. The statement text is built from the table's
column names only, never from data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

BATCH_ROWS = 20_000


def _holds_dates(data: pd.Series) -> bool:
    """A column of Python dates (object dtype), as the checked frames hold them."""
    if data.dtype != object or not data.notna().any():
        return False
    first = data[data.notna()].iloc[0]
    return hasattr(first, "isoformat") and not isinstance(first, str)


def _column(data: pd.Series, *, dates_as_text: bool) -> list[Any]:
    if pd.api.types.is_datetime64_any_dtype(data) or _holds_dates(data):
        stamps = pd.to_datetime(data)
        text = stamps.dt.strftime("%Y-%m-%d")
        out = text if dates_as_text else stamps.dt.date
        return out.astype(object).where(stamps.notna(), None).tolist()
    if pd.api.types.is_bool_dtype(data):
        return data.astype(bool).tolist()
    if pd.api.types.is_float_dtype(data):
        values = data.astype(float)
        return values.astype(object).where(np.isfinite(values), None).tolist()
    if pd.api.types.is_integer_dtype(data):
        return data.astype("int64").tolist()
    return data.astype(object).where(data.notna(), None).tolist()


def _copies(conn: Connection) -> bool:
    """True when the connection is psycopg (3) on PostgreSQL, whose cursors can COPY."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def insert_columns(
    conn: Connection, *, table_name: str, columns: Mapping[str, Any], rows: int
) -> None:
    """INSERT ``rows`` rows into ``table_name``; each column is a Series or one value for all."""
    if rows == 0:
        return
    copy = _copies(conn)
    # SQLite stores dates as ISO text; COPY reads them from text too.
    as_text = conn.dialect.name == "sqlite" or copy

    def batches() -> Iterator[list[tuple[Any, ...]]]:
        for start in range(0, rows, BATCH_ROWS):
            stop = min(start + BATCH_ROWS, rows)
            values = [
                _column(data.iloc[start:stop], dates_as_text=as_text)
                if isinstance(data, pd.Series)
                else [data] * (stop - start)
                for data in columns.values()
            ]
            yield list(zip(*values, strict=True))

    names = ", ".join(columns)
    if copy:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor, cursor.copy(f"COPY {table_name} ({names}) FROM STDIN") as out:
            for batch in batches():
                for row in batch:
                    out.write_row(row)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    marks = ", ".join([mark] * len(columns))
    sql = f"INSERT INTO {table_name} ({names}) VALUES ({marks})"  # noqa: S608 - names only
    for batch in batches():
        conn.exec_driver_sql(sql, batch)
