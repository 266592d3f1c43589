"""Writing imports: fast inserts, import runs, supersession, rejected rows, flags, status."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, insert, select, update
from tqdm import tqdm

from data.bulk import import_values, write_rows
from data.importers.base import Flag, Parsed, Rejections
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
    return write_rows(
        conn,
        table,
        frame,
        columns,
        convert=import_values,
        use_copy=conn.dialect.name == "postgresql",
        constants=constants,
        progress=progress,
        chunk_rows=CHUNK_ROWS,
    )


# --------------------------------------------------------------------------- import runs
def find_active(conn: Connection, *, kind: str, checksum: str) -> int | None:
    return conn.execute(
        select(ImportRun.id).where(
            ImportRun.kind == kind, ImportRun.checksum == checksum, ImportRun.status == "active"
        )
    ).scalar_one_or_none()


def _run_ids(conn: Connection, *where: Any) -> list[int]:
    """The ids of the import runs that match every condition of ``where``."""
    return list(conn.execute(select(ImportRun.id).where(*where)).scalars().all())


def forget_failed(conn: Connection, *, checksum: str) -> None:
    """A failed run of the same bytes is replaced by the new attempt (so retries add nothing)."""
    for run_id in _run_ids(conn, ImportRun.checksum == checksum, ImportRun.status == "failed"):
        _delete_run_rows(conn, run_id)
        conn.execute(delete(DataSourceStatus).where(DataSourceStatus.checksum == checksum))
        conn.execute(delete(ImportRun).where(ImportRun.id == run_id))


def _delete_run_rows(conn: Connection, run_id: int) -> None:
    for table in (ReportedSeries, ReportedSpan, ReportedCoverage, RejectedRow, QualityFlag):
        conn.execute(delete(table).where(table.import_id == run_id))


def supersede(conn: Connection, *, dataset: str, remove: Any = None) -> list[int]:
    """Mark the active runs of ``dataset`` superseded and remove their facts."""
    ids = _run_ids(conn, ImportRun.dataset == dataset, ImportRun.status == "active")
    for run_id in ids:
        if remove is not None:
            remove(conn, run_id)
        _delete_run_rows(conn, run_id)
        conn.execute(update(ImportRun).where(ImportRun.id == run_id).values(status="superseded"))
    return ids


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
