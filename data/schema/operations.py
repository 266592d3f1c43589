"""Operations: the status of data sources, the audit log, user sessions and facts about the
loaded dataset."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.schema.base import KOMMUNE, Base


class DataSourceStatus(Base):
    __tablename__ = "data_source_status"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(80))
    file: Mapped[str | None] = mapped_column(String(300))
    checksum: Mapped[str | None] = mapped_column(String(64))
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    data_date: Mapped[dt.date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_id: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(80))
    kommunenummer: Mapped[str | None] = mapped_column(KOMMUNE)  # the data's kommune
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    reader_kommunenummer: Mapped[str | None] = mapped_column(KOMMUNE)  # the reader's own


class UserSession(Base):
    """A login session held on the server: the cookie carries only a random id, stored here
    as its SHA-256 (a copy of this table opens no session). Logout, an administrator's
    "end session" and expiry delete the row, and the cookie opens nothing from then on."""

    __tablename__ = "user_session"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(80), index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class DatasetMeta(Base):
    """Key/value facts about the loaded data: data date, demo flag, seed, data version."""

    __tablename__ = "dataset_meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
