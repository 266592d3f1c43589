"""Imported facts: the import runs and what they brought, stored as published (code, structure
vintage, import), with rejected rows and quality flags."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.schema.base import AGE_BAND, DISEASE, Base


# --------------------------------------------------------------------------- imported facts
# Real published data are aggregates, not events. They are stored as published: with the code
# they came with, its structure vintage and the import that brought them, so that a newer file
# of the same dataset can supersede them and every number can be traced to file and line.
# The agg_* tables above are derived from these after every import (data.importers.derive).
class ImportRun(Base):
    """One import of one file. ``dataset`` is what a newer file of the same kind supersedes."""

    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    dataset: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(120))
    file: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    structure: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(12))  # active | superseded | failed
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    data_date: Mapped[dt.date | None] = mapped_column(Date)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (Index(None, "dataset", "status"), Index(None, "checksum"))


class ReportedSeries(Base):
    """A published count or rate for one area, day (or week ending on ``date``) and measure.

    Stored sparsely: a row for every non-zero value and for every empty cell inside the
    series' span (``value`` NULL = not available). A date inside the span of
    :class:`ReportedSpan` without a row is a published zero; outside the span nothing was
    published. (Two thirds of the kommune daily values are zeros; storing them would triple
    the table.) ``quality_flag`` marks values kept as published but left out of derived
    aggregates (the 2021-11-18 re-registration spike) or to be read with care (right-truncated
    days).
    """

    __tablename__ = "reported_series"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"))
    source: Mapped[str] = mapped_column(String(40))
    disease: Mapped[str] = mapped_column(DISEASE)
    measure: Mapped[str] = mapped_column(String(48))
    structure: Mapped[int] = mapped_column(SmallInteger)
    area_level: Mapped[str] = mapped_column(String(8))  # kommune | fylke | nation
    area_code: Mapped[str] = mapped_column(String(4))  # kommunenummer, fylkesnummer or "NO"
    period: Mapped[str] = mapped_column(String(5))  # day | week | year
    date: Mapped[dt.date] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(String(12), default="total")
    sex: Mapped[str] = mapped_column(String(1), default="T")
    value: Mapped[float | None] = mapped_column(Float)
    quality_flag: Mapped[str | None] = mapped_column(String(24))
    line: Mapped[int | None] = mapped_column(Integer)

    # One narrow index: rows arrive grouped by level and measure, so it is appended to, not
    # scattered into, which keeps a million-row import fast (a date index costs 2× the load).
    __table_args__ = (Index(None, "area_level", "measure"),)


class ReportedSpan(Base):
    """First and last date with a published value of one series (measure × area × age × sex)
    in one import, with how many cells it has and how many of them are zero."""

    __tablename__ = "reported_span"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"))
    source: Mapped[str] = mapped_column(String(40))
    disease: Mapped[str] = mapped_column(DISEASE)
    measure: Mapped[str] = mapped_column(String(48))
    structure: Mapped[int] = mapped_column(SmallInteger)
    area_level: Mapped[str] = mapped_column(String(8))
    area_code: Mapped[str] = mapped_column(String(4))
    period: Mapped[str] = mapped_column(String(5))
    age_band: Mapped[str] = mapped_column(String(12), default="total")
    sex: Mapped[str] = mapped_column(String(1), default="T")
    first_date: Mapped[dt.date] = mapped_column(Date)
    last_date: Mapped[dt.date] = mapped_column(Date)
    cells: Mapped[int] = mapped_column(Integer)
    zeros: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index(None, "area_level", "measure", "area_code"), Index(None, "import_id"))


class ReportedCoverage(Base):
    """Persons with at least ``dose_number`` doses up to ``snapshot_date``, and the population."""

    __tablename__ = "reported_coverage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"))
    source: Mapped[str] = mapped_column(String(40))
    disease: Mapped[str] = mapped_column(DISEASE)
    snapshot_date: Mapped[dt.date] = mapped_column(Date)
    structure: Mapped[int] = mapped_column(SmallInteger)
    area_level: Mapped[str] = mapped_column(String(8))
    area_code: Mapped[str] = mapped_column(String(4))
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    sex: Mapped[str] = mapped_column(String(1))
    dose_number: Mapped[int] = mapped_column(SmallInteger)
    persons: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    line: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index(None, "area_level", "area_code"), Index(None, "import_id"))


class RejectedRow(Base):
    """A row (or a whole file, ``line`` NULL) that failed validation: kept out of the facts."""

    __tablename__ = "rejected_row"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"))
    file: Mapped[str] = mapped_column(String(300))
    line: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(60))
    value: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(40))  # a code; texts in data.importers.texts

    __table_args__ = (Index(None, "import_id"),)


class QualityFlag(Base):
    """A known artefact or quality finding in an import, handled and shown, not hidden."""

    __tablename__ = "quality_flag"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))
    kind: Mapped[str] = mapped_column(String(40))  # a code; texts in data.importers.texts
    severity: Mapped[str] = mapped_column(String(8))  # info | warning
    measure: Mapped[str | None] = mapped_column(String(48))
    area_code: Mapped[str | None] = mapped_column(String(4))
    date: Mapped[dt.date | None] = mapped_column(Date)
    rows_affected: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (Index(None, "import_id"),)


IMPORT_TABLES = (
    ImportRun,
    ReportedSeries,
    ReportedSpan,
    ReportedCoverage,
    RejectedRow,
    QualityFlag,
)
