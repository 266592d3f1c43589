"""Event tables: one row per test, case, vaccination, certificate, arrival, admission and
cluster (pseudonymous keys only), and the rule versions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.schema.base import AGE_BAND, DISEASE, KOMMUNE, Base


class _Event:
    """The first columns of an event row (``sort_order``: before the table's own columns):
    its id, disease, structure and kommune."""

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, sort_order=-1
    )
    disease: Mapped[str] = mapped_column(DISEASE, sort_order=-1)
    structure: Mapped[int] = mapped_column(SmallInteger, sort_order=-1)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, sort_order=-1)


class TestEvent(_Event, Base):
    """One test event: all tests of one person within 7 days count as one event."""

    __tablename__ = "test_event"
    sample_date: Mapped[dt.date] = mapped_column(Date)
    result_date: Mapped[dt.date | None] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    test_type: Mapped[str] = mapped_column(String(8))  # "PCR" | "antigen"
    positive: Mapped[bool] = mapped_column(Boolean)
    lab: Mapped[str | None] = mapped_column(String(40))
    person_key: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index(None, "disease", "kommunenummer", "sample_date"),)


class Case(_Event, Base):
    """A confirmed case; ``kommunenummer`` is the folkeregistrert kommune."""

    __tablename__ = "case"
    residence_kommunenummer: Mapped[str | None] = mapped_column(KOMMUNE)
    test_date: Mapped[dt.date | None] = mapped_column(Date)
    registration_date: Mapped[dt.date] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    sex: Mapped[str] = mapped_column(String(1))
    infection_setting: Mapped[str | None] = mapped_column(String(16))
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    cluster_id: Mapped[str | None] = mapped_column(String(24))
    person_key: Mapped[int] = mapped_column(BigInteger)
    # the stratum within the disease where the laboratory reports one: influenza "A" or "B"
    subtype: Mapped[str | None] = mapped_column(String(8))

    __table_args__ = (
        Index(None, "disease", "kommunenummer", "test_date"),
        Index(None, "cluster_id"),
    )


class Vaccination(_Event, Base):
    __tablename__ = "vaccination"
    vaccination_date: Mapped[dt.date] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    dose_number: Mapped[int] = mapped_column(SmallInteger)
    product: Mapped[str] = mapped_column(String(24))
    person_key: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index(None, "disease", "kommunenummer", "vaccination_date"),)


class Certificate(_Event, Base):
    """A certificate period derived from doses, recoveries or tests under a rule version."""

    __tablename__ = "certificate"
    person_key: Mapped[int] = mapped_column(BigInteger)
    basis: Mapped[str] = mapped_column(String(12))  # vaccinated | recovered | tested
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    rule_version_id: Mapped[int | None] = mapped_column(ForeignKey("rule_version.id"))

    __table_args__ = (Index(None, "disease", "kommunenummer", "valid_from"),)


class Arrival(Base):
    __tablename__ = "arrival"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    disease: Mapped[str] = mapped_column(DISEASE)
    structure: Mapped[int] = mapped_column(SmallInteger)
    arrival_date: Mapped[dt.date] = mapped_column(Date)
    border_point: Mapped[str] = mapped_column(String(40))
    border_kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
    country_of_departure: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)  # kommune of stay
    has_fd_number: Mapped[bool] = mapped_column(Boolean)
    certificate_shown: Mapped[bool] = mapped_column(Boolean)
    tested_at_border: Mapped[bool] = mapped_column(Boolean)
    test_positive: Mapped[bool | None] = mapped_column(Boolean)
    quarantine_required: Mapped[bool] = mapped_column(Boolean)
    follow_up_status: Mapped[str] = mapped_column(String(12))  # pending | completed | lost
    person_key: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index(None, "disease", "kommunenummer", "arrival_date"),)


class HospitalAdmission(_Event, Base):
    __tablename__ = "hospital_admission"
    admission_date: Mapped[dt.date] = mapped_column(Date)
    discharge_date: Mapped[dt.date | None] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    icu: Mapped[bool] = mapped_column(Boolean)
    person_key: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index(None, "disease", "kommunenummer", "admission_date"),)


class Cluster(Base):
    """Aggregate view of a cluster; members and links are in the tracing store."""

    __tablename__ = "cluster"
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    disease: Mapped[str] = mapped_column(DISEASE)
    structure: Mapped[int] = mapped_column(SmallInteger)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
    setting: Mapped[str] = mapped_column(String(16))
    first_case_date: Mapped[dt.date] = mapped_column(Date)
    last_case_date: Mapped[dt.date] = mapped_column(Date)
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # active | closed
    kommuner_involved: Mapped[str] = mapped_column(String(200))  # space-separated codes

    # the clusters active on a day: last case at most 14 days before it (the Morgenbrief)
    __table_args__ = (Index(None, "disease", "last_case_date"),)


class RuleVersion(Base):
    """A version of a national, county or local rule. Never overwritten, only superseded."""

    __tablename__ = "rule_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    disease: Mapped[str] = mapped_column(DISEASE)
    rule_key: Mapped[str] = mapped_column(String(40))  # stable identity across versions
    category: Mapped[str] = mapped_column(String(16))
    scope_level: Mapped[str] = mapped_column(String(8))  # national | county | kommune
    scope_code: Mapped[str | None] = mapped_column(String(4))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    text_nb: Mapped[str] = mapped_column(Text)
    authority: Mapped[str] = mapped_column(String(80))
    source_url: Mapped[str | None] = mapped_column(String(300))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(80))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("rule_version.id"))

    __table_args__ = (Index(None, "disease", "category", "valid_from"),)


EVENT_TABLES = (
    TestEvent,
    Case,
    Vaccination,
    Certificate,
    Arrival,
    HospitalAdmission,
    Cluster,
)


class IliConsultation(Base):
    """Consultations for influenza-like illness in general practice and out-of-hours services
    of the kommune's residents in one ISO week (``week``: the Sunday ending it) and age band.

    Already a count per cell (no person rows); stored sparsely, a week × band without a row is
    zero. Read through the published layer like every other count (:mod:`data.queries.ili`).
    """

    __tablename__ = "ili_consultation"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    structure: Mapped[int] = mapped_column(SmallInteger)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
    week: Mapped[dt.date] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    consultations: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index(None, "kommunenummer", "week"),)
