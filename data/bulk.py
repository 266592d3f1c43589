"""Writing a data frame into a table fast: the DBAPI's ``executemany`` on pre-converted
columns, or on PostgreSQL ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``), in chunks.

The one writer of the demo load (:func:`data.load.bulk_insert`) and of the importer
(:func:`data.importers.store.insert_rows`): they differ only in how a column's values are
converted and in the constant columns the importer writes once per statement.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Connection
from tqdm import tqdm

Converter = Callable[[pd.Series, Any], list[Any]]


def column_values(series: pd.Series, column_type: Any, *, native_bool: bool = False) -> list[Any]:
    """Python values for one column, converted the way SQLAlchemy would store them
    (booleans as 0/1 for SQLite, as ``bool`` where the database has a boolean type)."""
    if isinstance(column_type, JSON):
        return [
            json.dumps(v if v is not None else {}, ensure_ascii=False, default=str) for v in series
        ]
    try:
        python_type = column_type.python_type
    except (NotImplementedError, AttributeError):
        python_type = None
    if python_type is dt.date:
        values = pd.to_datetime(series)
        mask = values.isna().to_numpy()
        days = values.to_numpy(dtype="datetime64[D]")
        if len(days) == 0:
            return []
        valid = days[~mask] if mask.any() else days
        if len(valid) == 0:
            return [None] * len(days)
        first, last = valid.min(), valid.max()
        span = (last - first).astype(int) + 1
        iso = np.array(
            [str(first + np.timedelta64(i, "D")) for i in range(span)] + [None], dtype=object
        )
        idx = np.where(mask, span, (days - first).astype("int64"))
        return list(iso[idx])
    if python_type is dt.datetime:
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in series]
    if python_type is bool:
        if native_bool:
            if series.dtype == bool:
                return series.tolist()
            return [None if pd.isna(v) else bool(v) for v in series]
        if series.dtype == bool:
            return series.astype("int8").tolist()
        return [None if pd.isna(v) else int(bool(v)) for v in series]
    if python_type is int:
        missing = series.isna().to_numpy()
        if missing.all():
            return [None] * len(series)
        if missing.any():
            if not pd.api.types.is_numeric_dtype(series.dtype):
                return [None if pd.isna(v) else int(v) for v in series]
            # numbers with gaps (the published cells: float, NaN where hidden), vectorised
            number = series.to_numpy(dtype="float64", na_value=np.nan)
            out = np.where(missing, 0, number).astype("int64").astype(object)
            out[missing] = None
            return list(out.tolist())
        return series.astype("int64").tolist()
    if isinstance(series.dtype, pd.CategoricalDtype):
        # categories looked up by code (-1 = missing → None): no per-value Python test
        categories = np.asarray(series.cat.categories, dtype=object)
        lookup = np.append(categories, np.array([None], dtype=object))
        return lookup[series.cat.codes.to_numpy()].tolist()
    plain = series.dtype == object or pd.api.types.is_float_dtype(series.dtype)
    if plain and not series.isna().any():
        return series.tolist()
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        # pandas' string columns (Arrow-backed): converted at once, not value by value
        return list(series.to_numpy(dtype=object, na_value=None).tolist())
    return [None if (v is None or (isinstance(v, float) and np.isnan(v))) else v for v in series]


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | np.integer):
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"


def import_values(series: pd.Series, column_type: Any) -> list[Any]:
    try:
        python_type = column_type.python_type
    except (NotImplementedError, AttributeError):
        python_type = None
    if python_type in (dt.date, dt.datetime, dict, bool):
        return column_values(series, column_type)
    if python_type is int:
        if series.isna().any():
            return [None if pd.isna(v) else int(v) for v in series]
        return series.astype("int64").tolist()
    if python_type is float:
        values = series.astype("float64")
        if values.isna().any():
            return values.astype(object).where(values.notna(), None).tolist()
        return values.tolist()
    obj = series.astype(object)
    return obj.where(series.notna(), None).tolist()


def write_rows(
    conn: Connection,
    table: Any,
    frame: pd.DataFrame,
    columns: list[Any],
    *,
    convert: Converter,
    use_copy: bool,
    constants: Mapping[str, Any] | None = None,
    progress: tqdm | None = None,
    chunk_rows: int,
) -> int:
    """Write ``frame``'s ``columns`` (schema columns of ``table``), each converted by
    ``convert``, plus ``constants``: in an INSERT they are literals written once into the
    statement; through ``COPY`` (text format, which reads 0/1 as booleans and ISO text as
    dates) they are repeated per row. Returns the number of rows."""
    constants = dict(constants or {})
    prep = conn.dialect.identifier_preparer
    names = [prep.quote(c.name) for c in columns] + [prep.quote(n) for n in constants]
    target = f"{prep.format_table(table)} ({', '.join(names)})"
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor: Any = raw.cursor()  # on PostgreSQL a psycopg cursor: it has copy()
    write: Callable[[Iterable[tuple[Any, ...]]], None]
    if use_copy:
        copy_sql = f"COPY {target} FROM STDIN"
        fixed = tuple(int(v) if isinstance(v, bool | np.bool_) else v for v in constants.values())

        def write(rows: Iterable[tuple[Any, ...]]) -> None:
            with cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row((*row, *fixed))

    else:
        marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        placeholders = [marker] * len(columns) + [literal(v) for v in constants.values()]
        insert_sql = f"INSERT INTO {target} VALUES ({', '.join(placeholders)})"

        def write(rows: Iterable[tuple[Any, ...]]) -> None:
            cursor.executemany(insert_sql, list(rows))

    try:
        for start in range(0, len(frame), chunk_rows):
            part = frame.iloc[start : start + chunk_rows]
            cols = [convert(part[c.name], c.type) for c in columns]
            write(zip(*cols, strict=True) if cols else [()] * len(part))
            if progress is not None:
                progress.update(len(part))
        if use_copy:
            _advance_id_sequence(cursor, table, columns)
    finally:
        cursor.close()
    return len(frame)


def _advance_id_sequence(cursor: Any, table: Any, columns: list[Any]) -> None:
    """Rows that bring their own ids leave the id sequence behind: move it past them, or the
    next ORM insert (a recorded rule version, an alert) collides with a loaded row."""
    column = table.autoincrement_column
    if column is not None and column in columns:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), "
            f"COALESCE(MAX({column.name}), 0) + 1, false) FROM {table.name}",
            (table.name, column.name),
        )
