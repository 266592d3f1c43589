"""The imports (and demo loads) behind the loaded data: one row per run."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from data.cache import cached
from data.queries.frames import read_frame
from data.queries.sources._shared import as_date, dataset_meta
from data.schema import (
    DataSourceStatus,
    ImportRun,
)
from data.scope import Scope

DATA_SOURCE_COLUMNS = [
    "import_id",
    "kind",
    "source",
    "file",
    "status",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "rows_skipped",
    "loaded_at",
    "period_start",
    "data_date",
    "seconds",
]


@cached()
def data_sources(*, scope: Scope) -> pd.DataFrame:
    """One row per import (newest first); for a demo database, its demo load(s).

    Columns: import_id, kind, source, file, status (active | superseded | failed | demo),
    rows_read, rows_loaded, rows_rejected, rows_skipped, loaded_at, period_start, data_date,
    seconds.
    """
    runs = read_frame(
        select(
            ImportRun.id,
            ImportRun.kind,
            ImportRun.source,
            ImportRun.file,
            ImportRun.status,
            ImportRun.rows_read,
            ImportRun.rows_loaded,
            ImportRun.rows_rejected,
            ImportRun.rows_skipped,
            ImportRun.finished_at,
            ImportRun.period_start,
            ImportRun.data_date,
            ImportRun.detail,
        ).order_by(ImportRun.id.desc()),
        [*DATA_SOURCE_COLUMNS[:-1], "detail"],
    )
    runs["seconds"] = [
        (d or {}).get("seconds") if isinstance(d, dict) else None for d in runs.pop("detail")
    ]
    demo = read_frame(
        select(
            DataSourceStatus.id,
            DataSourceStatus.source,
            DataSourceStatus.rows_loaded,
            DataSourceStatus.rows_rejected,
            DataSourceStatus.loaded_at,
            DataSourceStatus.data_date,
        )
        .where(DataSourceStatus.is_demo.is_(True))
        .order_by(DataSourceStatus.id.desc()),
        ["import_id", "source", "rows_loaded", "rows_rejected", "loaded_at", "data_date"],
    )
    if not demo.empty:
        meta = dataset_meta()
        demo = demo.assign(
            kind="demo",
            file=None,
            status="demo",
            rows_read=demo["rows_loaded"],
            rows_skipped=0,
            period_start=as_date(meta.get("period_start")),
            seconds=None,
        )
    frames = [f for f in (runs, demo) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=DATA_SOURCE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[DATA_SOURCE_COLUMNS]
    for c in ("loaded_at",):
        out[c] = pd.to_datetime(out[c])
    return out
