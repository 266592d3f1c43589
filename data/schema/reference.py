"""Reference data: fylker, kommuner of each structure, the crosswalk between structures,
neighbours, population and imported boundaries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.schema.base import AGE_BAND, FYLKE, KOMMUNE, Base


class Fylke(Base):
    __tablename__ = "fylke"
    structure: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    fylkesnummer: Mapped[str] = mapped_column(FYLKE, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class Kommune(Base):
    """A kommune in one municipality structure (2020: 356 kommuner, 2024: 357)."""

    __tablename__ = "kommune"
    structure: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    fylkesnummer: Mapped[str] = mapped_column(FYLKE)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class KommuneCrosswalk(Base):
    """Code changes between structures; ``weight`` < 1 marks a split (1507 → 1508 + 1580)."""

    __tablename__ = "kommune_crosswalk"
    from_structure: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    from_kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    to_structure: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    to_kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class KommuneNeighbour(Base):
    __tablename__ = "kommune_neighbour"
    structure: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    neighbour: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)


class Population(Base):
    """Residents on 1 January of ``year`` by kommune × age band × sex."""

    __tablename__ = "population"
    structure: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    population: Mapped[int] = mapped_column(Integer)


class BoundarySet(Base):
    """Imported boundaries that replace the built-in geometry for a structure."""

    __tablename__ = "boundary_set"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    structure: Mapped[int] = mapped_column(SmallInteger)
    source: Mapped[str] = mapped_column(String(200))
    geojson: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
