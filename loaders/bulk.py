"""Insert many rows fast: column by column from a frame, through the driver's executemany.

SQLAlchemy's per-row parameter processing cost more than SQLite's insert itself (a 100k-row
load spent ~1 s there), so bulk writes of the loaders' own tables go straight to the driver.
The statement text is built from the table's column names only, never from data.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def _column(data: pd.Series, *, sqlite: bool) -> list[Any]:
    if pd.api.types.is_datetime64_any_dtype(data) or _holds_dates(data):
        stamps = pd.to_datetime(data)
        text = stamps.dt.strftime("%Y-%m-%d")
        out = text if sqlite else stamps.dt.date
        return out.astype(object).where(stamps.notna(), None).tolist()
    if pd.api.types.is_bool_dtype(data):
        return data.astype(bool).tolist()
    if pd.api.types.is_float_dtype(data):
        values = data.astype(float)
        return values.astype(object).where(np.isfinite(values), None).tolist()
    if pd.api.types.is_integer_dtype(data):
        return data.astype("int64").tolist()
    return data.astype(object).where(data.notna(), None).tolist()


def insert_columns(
    conn: Connection, *, table_name: str, columns: Mapping[str, Any], rows: int
) -> None:
    """INSERT ``rows`` rows into ``table_name``; each column is a Series or one value for all."""
    if rows == 0:
        return
    sqlite = conn.dialect.name == "sqlite"
    values = [
        _column(data, sqlite=sqlite) if isinstance(data, pd.Series) else [data] * rows
        for data in columns.values()
    ]
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(columns)
    marks = ", ".join([mark] * len(columns))
    sql = f"INSERT INTO {table_name} ({names}) VALUES ({marks})"  # noqa: S608 - names only
    for start in range(0, rows, BATCH_ROWS):  # one batch of tuples at a time: bounded memory
        batch = [column[start : start + BATCH_ROWS] for column in values]
        conn.exec_driver_sql(sql, list(zip(*batch, strict=True)))
