"""Helpers the reads about the loaded data share: dataset facts, dates as read, the
current imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select

from data import db
from data.schema import (
    DatasetMeta,
    ImportRun,
)
from data.scope import Scope


def dataset_meta() -> dict[str, str]:
    with db.engine().connect() as conn:
        return dict(conn.execute(select(DatasetMeta.key, DatasetMeta.value)).all())


def as_date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def is_national(scope: Scope) -> bool:
    return scope.kommuner is None


def active_or_failed() -> Any:
    return select(ImportRun.id).where(ImportRun.status.in_(("active", "failed")))
