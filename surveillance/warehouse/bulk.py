"""Bulk writes through each database's fast path: COPY on PostgreSQL, executemany on SQLite.

Used inside the caller's transaction, so a failed load leaves nothing behind.
"""

from __future__ import annotations

import io
import itertools
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Connection

_temp_names = itertools.count(1)
_COPY_ROWS = 50_000
_SQLITE_ROWS = 50_000


def _column_values(series: pd.Series, sqlite: bool) -> list:
    """Python values for the driver: None for missing, ISO strings for dates on SQLite."""
    if series.dtype.kind == "f":
        values = series.to_numpy()
        return np.where(np.isnan(values), None, values).tolist()
    if series.dtype.kind in "biu":
        return series.tolist()
    values = series.to_numpy(dtype=object, na_value=None).tolist()
    if sqlite and isinstance(next((v for v in values if v is not None), None), date):
        return [v.isoformat() if isinstance(v, date) else v for v in values]
    return values


def rows_of(frame: pd.DataFrame, columns: list[str], sqlite: bool) -> list[tuple]:
    return list(zip(*(_column_values(frame[c], sqlite) for c in columns), strict=True))


def csv_for_copy(frame: pd.DataFrame, columns: list[str]) -> bytes:
    """COPY's CSV, written by Arrow (C++, off the GIL): nulls are unquoted empty fields, which COPY
    reads as NULL; text is quoted, so an empty string stays an empty string."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(frame[columns], preserve_index=False)
    sink = io.BytesIO()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return sink.getvalue()


def bulk_insert(conn: Connection, table: str, frame: pd.DataFrame, columns: list[str]) -> int:
    """Append ``frame[columns]`` to ``table``; returns the number of rows written."""
    if frame.empty:
        return 0
    quoted = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN WITH (FORMAT csv)') as copy:
            for start in range(0, len(frame), _COPY_ROWS):
                copy.write(csv_for_copy(frame.iloc[start : start + _COPY_ROWS], columns))
        cursor.close()
    else:
        marks = ", ".join("?" for _ in columns)
        cursor = conn.connection.driver_connection.cursor()
        for start in range(0, len(frame), _SQLITE_ROWS):  # bounded: Python tuples cost far more than the frame
            cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})',
                               rows_of(frame.iloc[start : start + _SQLITE_ROWS], columns, sqlite=True))
        cursor.close()
    return len(frame)


def temp_table_like(conn: Connection, table: str, columns: list[str] | None = None) -> str:
    """An empty temporary table with ``table``'s columns (or only ``columns``); returns its name."""
    name = f"_stage_{table}_{next(_temp_names)}"
    cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    conn.exec_driver_sql(f'CREATE TEMPORARY TABLE "{name}" AS SELECT {cols} FROM "{table}" WHERE 1 = 0')
    return name


def drop_table(conn: Connection, name: str) -> None:
    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
