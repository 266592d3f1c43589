"""Writing imports: fast inserts, import runs, supersession, rejected rows, flags, status."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, insert, select, update
from tqdm import tqdm

from data.importers.base import Flag, Parsed, Rejections
from data.load import _column_values
from data.schema import (
    DataSourceStatus,
    ImportRun,
    QualityFlag,
    RejectedRow,
    ReportedCoverage,
    ReportedSeries,
    ReportedSpan,
)

CHUNK_ROWS = 100_000


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | np.integer):
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"


def _values(series: pd.Series, column_type: Any) -> list[Any]:
    try:
        python_type = column_type.python_type
    except (NotImplementedError, AttributeError):
        python_type = None
    if python_type in (dt.date, dt.datetime, dict, bool):
        return _column_values(series, column_type)
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


def insert_rows(
    conn: Connection,
    table: Any,
    frame: pd.DataFrame,
    *,
    constants: Mapping[str, Any] | None = None,
    progress: tqdm | None = None,
) -> int:
    """Insert ``frame`` (columns named as in ``table``) plus constant columns, in chunks.

    Constants are written into the statement once instead of being bound per row, which makes
    a long fact table (source, disease, structure … repeated) markedly cheaper on SQLite.
    """
    constants = dict(constants or {})
    for name in frame.columns:
        # a column with one value for every row is written once, like a constant
        column = frame[name]
        if name in constants:
            continue
        if isinstance(column.dtype, pd.CategoricalDtype):
            if len(column.cat.categories) == 1 and not column.isna().any():
                constants[name] = column.cat.categories[0]
        elif column.dtype == object and column.isna().all():
            constants[name] = None
    frame = frame[[c for c in frame.columns if c not in constants]]
    unknown = (set(frame.columns) | set(constants)) - {c.name for c in table.columns}
    if unknown:
        raise ValueError(f"{table.name}: columns not in the schema: {sorted(unknown)}")
    if frame.empty and not len(frame.index):
        return 0
    columns = [c for c in table.columns if c.name in frame.columns and c.name not in constants]
    prep = conn.dialect.identifier_preparer
    if conn.dialect.name == "postgresql":
        return _copy_rows(conn, table, frame, columns, constants, progress)
    names = [prep.quote(c.name) for c in columns] + [prep.quote(n) for n in constants]
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    placeholders = [marker] * len(columns) + [_literal(v) for v in constants.values()]
    sql = (
        f"INSERT INTO {prep.format_table(table)} ({', '.join(names)}) "
        f"VALUES ({', '.join(placeholders)})"
    )
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        for start in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[start : start + CHUNK_ROWS]
            cols = [_values(part[c.name], c.type) for c in columns]
            rows = list(zip(*cols, strict=True)) if cols else [()] * len(part)
            cursor.executemany(sql, rows)
            if progress is not None:
                progress.update(len(part))
    finally:
        cursor.close()
    return len(frame)


def _copy_rows(
    conn: Connection,
    table: Any,
    frame: pd.DataFrame,
    columns: list[Any],
    constants: Mapping[str, Any],
    progress: tqdm | None,
) -> int:
    """PostgreSQL: the same rows through ``COPY … FROM STDIN`` (text format, which reads 0/1 as
    booleans and ISO text as dates), constants repeated per row."""
    prep = conn.dialect.identifier_preparer
    names = [prep.quote(c.name) for c in columns] + [prep.quote(n) for n in constants]
    sql = f"COPY {prep.format_table(table)} ({', '.join(names)}) FROM STDIN"
    fixed = tuple(int(v) if isinstance(v, bool | np.bool_) else v for v in constants.values())
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor: Any = raw.cursor()  # a psycopg cursor: it has copy()
    with cursor:
        for start in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[start : start + CHUNK_ROWS]
            cols = [_values(part[c.name], c.type) for c in columns]
            rows = zip(*cols, strict=True) if cols else iter([()] * len(part))
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row((*row, *fixed))
            if progress is not None:
                progress.update(len(part))
    return len(frame)


# --------------------------------------------------------------------------- import runs
def find_active(conn: Connection, *, kind: str, checksum: str) -> int | None:
    return conn.execute(
        select(ImportRun.id).where(
            ImportRun.kind == kind, ImportRun.checksum == checksum, ImportRun.status == "active"
        )
    ).scalar_one_or_none()


def forget_failed(conn: Connection, *, checksum: str) -> None:
    """A failed run of the same bytes is replaced by the new attempt (so retries add nothing)."""
    ids = (
        conn.execute(
            select(ImportRun.id).where(ImportRun.checksum == checksum, ImportRun.status == "failed")
        )
        .scalars()
        .all()
    )
    for run_id in ids:
        _delete_run_rows(conn, run_id)
        conn.execute(delete(DataSourceStatus).where(DataSourceStatus.checksum == checksum))
        conn.execute(delete(ImportRun).where(ImportRun.id == run_id))


def _delete_run_rows(conn: Connection, run_id: int) -> None:
    for table in (ReportedSeries, ReportedSpan, ReportedCoverage, RejectedRow, QualityFlag):
        conn.execute(delete(table).where(table.import_id == run_id))


def supersede(conn: Connection, *, dataset: str, remove: Any = None) -> list[int]:
    """Mark the active runs of ``dataset`` superseded and remove their facts."""
    ids = (
        conn.execute(
            select(ImportRun.id).where(ImportRun.dataset == dataset, ImportRun.status == "active")
        )
        .scalars()
        .all()
    )
    for run_id in ids:
        if remove is not None:
            remove(conn, run_id)
        _delete_run_rows(conn, run_id)
        conn.execute(update(ImportRun).where(ImportRun.id == run_id).values(status="superseded"))
    return list(ids)


def start_run(
    conn: Connection,
    *,
    kind: str,
    dataset: str,
    source: str,
    file: str,
    checksum: str,
    structure: int | None,
    started_at: dt.datetime,
    status: str = "active",
) -> int:
    result = conn.execute(
        insert(ImportRun).values(
            kind=kind,
            dataset=dataset,
            source=source,
            file=file[-300:],
            checksum=checksum,
            structure=structure,
            status=status,
            started_at=started_at,
            rows_read=0,
            rows_loaded=0,
            rows_rejected=0,
            rows_skipped=0,
            detail={},
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def store_rejections(conn: Connection, *, run_id: int, file: str, rejects: Rejections) -> int:
    frame = rejects.frame()
    if frame.empty:
        return 0
    frame = frame.assign(file=file[-300:])
    insert_rows(conn, RejectedRow.__table__, frame, constants={"import_id": run_id})
    return int(frame["line"].nunique()) + int(frame["line"].isna().any())


def store_flags(conn: Connection, *, run_id: int | None, flags: list[Flag]) -> None:
    for f in flags:
        conn.execute(
            insert(QualityFlag).values(
                import_id=run_id,
                kind=f.kind,
                severity=f.severity,
                measure=f.measure,
                area_code=f.area_code,
                date=f.date,
                rows_affected=int(f.rows_affected),
                detail=json.loads(json.dumps(f.detail, default=str)),
            )
        )


def finish_run(
    conn: Connection,
    *,
    run_id: int,
    parsed: Parsed | None,
    rows_rejected: int,
    source: str,
    file: str,
    checksum: str,
    started_at: dt.datetime,
    status: str,
    detail: dict[str, Any],
) -> None:
    finished = now()
    values: dict[str, Any] = {
        "finished_at": finished,
        "rows_rejected": rows_rejected,
        "status": status,
        "detail": json.loads(json.dumps(detail, default=str)),
    }
    if parsed is not None:
        values.update(
            rows_read=parsed.rows_read,
            rows_loaded=parsed.rows_loaded,
            rows_skipped=parsed.rows_skipped,
            period_start=parsed.period_start,
            data_date=parsed.data_date,
        )
    conn.execute(update(ImportRun).where(ImportRun.id == run_id).values(**values))
    conn.execute(
        insert(DataSourceStatus).values(
            source=source,
            file=file[-300:],
            checksum=checksum,
            rows_loaded=parsed.rows_loaded if parsed else 0,
            rows_rejected=rows_rejected,
            loaded_at=finished,
            data_date=parsed.data_date if parsed else None,
            is_demo=False,
            detail=json.loads(
                json.dumps(
                    {"import_id": run_id, "status": status, "started_at": started_at, **detail},
                    default=str,
                )
            ),
        )
    )
