"""The declarative base of the dashboard store (its metadata and naming convention) and the
column types the tables share."""

from __future__ import annotations

from sqlalchemy import (
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

KOMMUNE = String(4)
FYLKE = String(2)
DISEASE = String(32)
AGE_BAND = String(8)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
