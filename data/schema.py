"""SQLAlchemy 2.0 schema of the dashboard store.

Every fact table carries ``disease`` (the dashboard is not COVID-only) and the municipality
structure vintage (``structure``: 2020 or 2024) of its kommune code. No names or national identity
numbers are stored anywhere: people appear only as pseudonymous integer keys.

Person-level cluster membership and transmission links are *not* here; they live in the
separate tracing store (:mod:`data.tracing_schema`), which has its own database and migrations.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


# --------------------------------------------------------------------------- reference data
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


# --------------------------------------------------------------------------- event tables
class TestEvent(Base):
    """One test event: all tests of one person within 7 days count as one event."""

    __tablename__ = "test_event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    disease: Mapped[str] = mapped_column(DISEASE)
    structure: Mapped[int] = mapped_column(SmallInteger)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
    sample_date: Mapped[dt.date] = mapped_column(Date)
    result_date: Mapped[dt.date | None] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    test_type: Mapped[str] = mapped_column(String(8))  # "PCR" | "antigen"
    positive: Mapped[bool] = mapped_column(Boolean)
    lab: Mapped[str | None] = mapped_column(String(40))
    person_key: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index(None, "disease", "kommunenummer", "sample_date"),)


class Case(Base):
    __tablename__ = "case"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    disease: Mapped[str] = mapped_column(DISEASE)
    structure: Mapped[int] = mapped_column(SmallInteger)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)  # folkeregistrert kommune
    residence_kommunenummer: Mapped[str | None] = mapped_column(KOMMUNE)
    test_date: Mapped[dt.date | None] = mapped_column(Date)
    registration_date: Mapped[dt.date] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    sex: Mapped[str] = mapped_column(String(1))
    infection_setting: Mapped[str | None] = mapped_column(String(16))
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    cluster_id: Mapped[str | None] = mapped_column(String(24))
    person_key: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        Index(None, "disease", "kommunenummer", "test_date"),
        Index(None, "cluster_id"),
    )


class Vaccination(Base):
    __tablename__ = "vaccination"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    disease: Mapped[str] = mapped_column(DISEASE)
    structure: Mapped[int] = mapped_column(SmallInteger)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
    vaccination_date: Mapped[dt.date] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    dose_number: Mapped[int] = mapped_column(SmallInteger)
    product: Mapped[str] = mapped_column(String(24))
    person_key: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index(None, "disease", "kommunenummer", "vaccination_date"),)


class Certificate(Base):
    """A certificate period derived from doses, recoveries or tests under a rule version."""

    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    disease: Mapped[str] = mapped_column(DISEASE)
    structure: Mapped[int] = mapped_column(SmallInteger)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
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


class HospitalAdmission(Base):
    __tablename__ = "hospital_admission"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    disease: Mapped[str] = mapped_column(DISEASE)
    structure: Mapped[int] = mapped_column(SmallInteger)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
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


# --------------------------------------------------------------------------- operations
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


# --------------------------------------------------------------------------- aggregates
# Daily-by-kommune tables for the dashboard's common queries, rebuilt by
# data.aggregates.refresh() after every load. Rows exist only where a count is non-zero.
class AggCasesDaily(Base):
    __tablename__ = "agg_cases_daily"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    cases_by_testdate: Mapped[int] = mapped_column(Integer, default=0)
    cases_by_regdate: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "disease", "date"),)


class AggTestsDaily(Base):
    __tablename__ = "agg_tests_daily"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    test_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    tests: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)
    result_days_sum: Mapped[int] = mapped_column(Integer)  # for mean time sample → result
    result_days_n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index(None, "disease", "date"),)


class AggVaccinationDaily(Base):
    __tablename__ = "agg_vaccination_daily"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    dose_number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    doses: Mapped[int] = mapped_column(Integer)


class AggHospitalDaily(Base):
    __tablename__ = "agg_hospital_daily"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    admissions: Mapped[int] = mapped_column(Integer)
    icu_admissions: Mapped[int] = mapped_column(Integer)


class _Rollup:
    """County ("F" + fylkesnummer) and national ("NO") sums of a daily kommune aggregate,
    rebuilt with it (see :mod:`data.rollups`): a county or the whole country is one indexed
    range read instead of a scan over every kommune's rows."""


class AggCasesRollup(_Rollup, Base):
    __tablename__ = "agg_cases_rollup"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    area: Mapped[str] = mapped_column(String(4), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    cases_by_testdate: Mapped[int] = mapped_column(Integer, default=0)
    cases_by_regdate: Mapped[int] = mapped_column(Integer, default=0)


class AggTestsRollup(_Rollup, Base):
    __tablename__ = "agg_tests_rollup"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    area: Mapped[str] = mapped_column(String(4), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    test_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    tests: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)
    result_days_sum: Mapped[int] = mapped_column(Integer)
    result_days_n: Mapped[int] = mapped_column(Integer)


class AggVaccinationRollup(_Rollup, Base):
    __tablename__ = "agg_vaccination_rollup"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    area: Mapped[str] = mapped_column(String(4), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    dose_number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    doses: Mapped[int] = mapped_column(Integer)


class AggHospitalRollup(_Rollup, Base):
    __tablename__ = "agg_hospital_rollup"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    area: Mapped[str] = mapped_column(String(4), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    admissions: Mapped[int] = mapped_column(Integer)
    icu_admissions: Mapped[int] = mapped_column(Integer)


class AggKeyFigures(Base):
    """Each area's numbers per day (see :mod:`data.key_figures`): the daily counts and 7/14-day
    windows of cases, tests and admissions, persons with dose 1–3 and the populations they are
    divided by, before small-number protection. ``area`` is a kommunenummer, "F" + a
    fylkesnummer or "NO". Rebuilt with the daily aggregates."""

    __tablename__ = "agg_key_figures"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    area: Mapped[str] = mapped_column(String(4), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    cases_by_testdate: Mapped[int] = mapped_column(Integer)
    cases_by_regdate: Mapped[int] = mapped_column(Integer)
    tests: Mapped[int] = mapped_column(Integer)
    tests_pcr: Mapped[int] = mapped_column(Integer)
    tests_antigen: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)
    positive_pcr: Mapped[int] = mapped_column(Integer)
    positive_antigen: Mapped[int] = mapped_column(Integer)
    admissions: Mapped[int] = mapped_column(Integer)
    icu_admissions: Mapped[int] = mapped_column(Integer)
    cases: Mapped[int] = mapped_column(Integer)
    cases_7d: Mapped[int] = mapped_column(Integer)
    cases_prev_7d: Mapped[int] = mapped_column(Integer)
    cases_14d: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    tests_7d: Mapped[int] = mapped_column(Integer)
    positive_7d: Mapped[int] = mapped_column(Integer)
    result_days_sum_7d: Mapped[int] = mapped_column(Integer)
    result_days_n_7d: Mapped[int] = mapped_column(Integer)
    admissions_7d: Mapped[int] = mapped_column(Integer)
    icu_admissions_7d: Mapped[int] = mapped_column(Integer)
    # persons with at least dose n, all ages and 65+; NULL where the data have no dose counts
    # by age and day (a published coverage snapshot is read as published instead)
    vaccinated_1: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vaccinated_2: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vaccinated_3: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vaccinated_65_1: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vaccinated_65_2: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vaccinated_65_3: Mapped[int | None] = mapped_column(Integer, nullable=True)
    population_alle: Mapped[int] = mapped_column(Integer)
    population_65: Mapped[int] = mapped_column(Integer)
    # the counts as published to a role without small-number access for the area (cell-key
    # perturbation, data/disclosure.py): NULL where hidden ("1–4"; "0–4" for the daily count)
    cases_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tests_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tests_pcr_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tests_antigen_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    positive_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    positive_pcr_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    positive_antigen_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    admissions_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    icu_admissions_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cases_7d_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cases_prev_7d_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cases_14d_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tests_7d_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    positive_7d_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    admissions_7d_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)
    icu_admissions_7d_pub: Mapped[int | None] = mapped_column(Integer, nullable=True)

    # every kommune on one day (the map's and the neighbour table's windows)
    __table_args__ = (Index(None, "disease", "date"),)


class AggCertificateSeries(Base):
    """Certificate status as whole daily series (see :mod:`data.certificate_aggregates`):
    one row per area, age band or rule version (``series``) and measure; ``counts`` holds
    ``n_days`` int32 values from ``first_date``."""

    __tablename__ = "agg_certificate_series"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    area_level: Mapped[str] = mapped_column(String(8), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    series: Mapped[str] = mapped_column(String(16), primary_key=True)
    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    first_date: Mapped[dt.date] = mapped_column(Date)
    n_days: Mapped[int] = mapped_column(Integer)
    counts: Mapped[bytes] = mapped_column(LargeBinary)


class AggArrivalsDaily(Base):
    __tablename__ = "agg_arrivals_daily"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    arrivals: Mapped[int] = mapped_column(Integer)
    without_fd_number: Mapped[int] = mapped_column(Integer)
    tested: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)
    quarantine_required: Mapped[int] = mapped_column(Integer)
    follow_up_completed: Mapped[int] = mapped_column(Integer)


EVENT_TABLES = (
    TestEvent,
    Case,
    Vaccination,
    Certificate,
    Arrival,
    HospitalAdmission,
    Cluster,
)
AGGREGATE_TABLES = (
    AggCasesDaily,
    AggTestsDaily,
    AggVaccinationDaily,
    AggHospitalDaily,
    AggArrivalsDaily,
)


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


# --------------------------------------------------------------------------- signals and alerts
class Signal(Base):
    """The aberration method's output for one kommune, series and complete ISO week.

    Precomputed at load time (``situasjonsbilde signals``; method in :mod:`data.signals`), so
    that the signal list is a cheap read. A row exists for every evaluated kommune-week, with
    or without a signal, so that "expected" and "threshold" can be shown for any week.
    """

    __tablename__ = "signal"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    series: Mapped[str] = mapped_column(String(16), primary_key=True)  # cases | admissions
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # Monday
    iso_year: Mapped[int] = mapped_column(SmallInteger)
    iso_week: Mapped[int] = mapped_column(SmallInteger)
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    dispersion: Mapped[float] = mapped_column(Float)
    trend: Mapped[bool] = mapped_column(Boolean)
    alarm: Mapped[bool] = mapped_column(Boolean)
    since_week_start: Mapped[dt.date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(40))

    __table_args__ = (
        Index(None, "disease", "series", "week_start", "alarm"),
        # every series of some kommuner in one week (the Morgenbrief's signal sentences)
        Index("ix_signal_week", "disease", "week_start", "kommunenummer"),
    )


class ClusterDay(Base):
    """Cases per cluster and day (test date, else registration date), derived from ``case``
    with the signals after every load: the cluster page reads this instead of the cases."""

    __tablename__ = "cluster_day"
    cluster_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer)


class AlertSubscription(Base):
    """A user's subscription to signals and cluster events for some kommuner.

    The kommuner and the small-number permission are checked against the user's scope when
    the subscription is saved and stored with it, so that notifications written later (by the
    CLI, without a web request) never say more than the user could see.
    """

    __tablename__ = "alert_subscription"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(200))
    kommuner: Mapped[str] = mapped_column(Text)  # space-separated codes
    small_number_kommuner: Mapped[str | None] = mapped_column(Text)  # None: all in scope
    small_numbers: Mapped[bool] = mapped_column(Boolean, default=False)
    signals: Mapped[bool] = mapped_column(Boolean, default=True)
    clusters: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (Index(None, "user_id"),)


class Outbox(Base):
    """A notification written for a subscriber: the e-mail text, and whether it was sent."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscription.id"))
    user_id: Mapped[str] = mapped_column(String(80))
    recipient: Mapped[str] = mapped_column(String(200))
    event_key: Mapped[str] = mapped_column(String(120))  # one notification per event and user
    kind: Mapped[str] = mapped_column(String(12))  # signal | cluster
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    file: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12))  # written | sent | failed
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index(None, "subscription_id", "event_key", unique=True),)


class AggVaccinationSeries(Base):
    """Persons with dose n as whole daily series (see :mod:`data.vaccination_series`): one row
    per area (kommune, ``F`` + fylkesnummer, ``NO``), age band and dose; ``persons`` holds
    ``n_days`` int32 running totals from ``first_date``."""

    __tablename__ = "agg_vaccination_series"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    area: Mapped[str] = mapped_column(String(4), primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)
    dose_number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    first_date: Mapped[dt.date] = mapped_column(Date)
    n_days: Mapped[int] = mapped_column(Integer)
    persons: Mapped[bytes] = mapped_column(LargeBinary)


class AggArrivalsSplit(Base):
    """Arrivals per kommune of stay, day, entry point and country of departure (see
    :mod:`data.arrival_splits`)."""

    __tablename__ = "agg_arrivals_split"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    border_point: Mapped[str] = mapped_column(String(40), primary_key=True)
    country_of_departure: Mapped[str] = mapped_column(String(2), primary_key=True)
    arrivals: Mapped[int] = mapped_column(Integer)
