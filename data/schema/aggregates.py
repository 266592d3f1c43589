"""Aggregates derived after every load: daily-by-kommune tables, rollups, key figures and
series the pages read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Date,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from data.schema.base import AGE_BAND, DISEASE, KOMMUNE, Base


# --------------------------------------------------------------------------- aggregates
# Daily-by-kommune tables for the dashboard's common queries, rebuilt by
# data.aggregates.refresh() after every load. Rows exist only where a count is non-zero.
# Each subject's counts are one mixin, keyed by kommune (the daily table) or by area (its
# rollup); a table's columns are its key's, then its counts', in that order.
class _DailyKey:
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)


class _Rollup:
    """County ("F" + fylkesnummer) and national ("NO") sums of a daily kommune aggregate,
    rebuilt with it (see :mod:`data.rollups`): a county or the whole country is one indexed
    range read instead of a scan over every kommune's rows."""

    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    area: Mapped[str] = mapped_column(String(4), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    age_band: Mapped[str] = mapped_column(AGE_BAND, primary_key=True)


class _CaseCounts:
    cases_by_testdate: Mapped[int] = mapped_column(Integer, default=0)
    cases_by_regdate: Mapped[int] = mapped_column(Integer, default=0)


class _TestCounts:
    test_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    tests: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)
    result_days_sum: Mapped[int] = mapped_column(Integer)  # for mean time sample → result
    result_days_n: Mapped[int] = mapped_column(Integer)


class _DoseCounts:
    dose_number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    doses: Mapped[int] = mapped_column(Integer)


class _AdmissionCounts:
    admissions: Mapped[int] = mapped_column(Integer)
    icu_admissions: Mapped[int] = mapped_column(Integer)


class AggCasesDaily(_DailyKey, _CaseCounts, Base):
    __tablename__ = "agg_cases_daily"
    __table_args__ = (Index(None, "disease", "date"),)


class AggTestsDaily(_DailyKey, _TestCounts, Base):
    __tablename__ = "agg_tests_daily"
    __table_args__ = (Index(None, "disease", "date"),)


class AggVaccinationDaily(_DailyKey, _DoseCounts, Base):
    __tablename__ = "agg_vaccination_daily"


class AggHospitalDaily(_DailyKey, _AdmissionCounts, Base):
    __tablename__ = "agg_hospital_daily"


class AggCasesRollup(_Rollup, _CaseCounts, Base):
    __tablename__ = "agg_cases_rollup"


class AggTestsRollup(_Rollup, _TestCounts, Base):
    __tablename__ = "agg_tests_rollup"


class AggVaccinationRollup(_Rollup, _DoseCounts, Base):
    __tablename__ = "agg_vaccination_rollup"


class AggHospitalRollup(_Rollup, _AdmissionCounts, Base):
    __tablename__ = "agg_hospital_rollup"


KEY_FIGURE_COUNTS = """cases_by_testdate cases_by_regdate tests tests_pcr tests_antigen positive
    positive_pcr positive_antigen admissions icu_admissions cases cases_7d cases_prev_7d cases_14d
    population tests_7d positive_7d result_days_sum_7d result_days_n_7d admissions_7d
    icu_admissions_7d"""
KEY_FIGURE_VACCINATED = " ".join(f"vaccinated_{g}{d}" for g in ("", "65_") for d in (1, 2, 3))
# the counts stored with their published cells as well (data.key_figures.PUBLISHED's keys)
KEY_FIGURE_PUBLISHED = """cases tests tests_pcr tests_antigen positive positive_pcr
    positive_antigen admissions icu_admissions cases_7d cases_prev_7d cases_14d tests_7d
    positive_7d admissions_7d icu_admissions_7d"""


def _int_columns(
    names: str, *, nullable: bool = False, suffix: str = ""
) -> dict[str, MappedColumn[Any]]:
    """Integer columns by name (white-space separated), for a table whose counts are a list."""
    return {name + suffix: mapped_column(Integer, nullable=nullable) for name in names.split()}


class AggKeyFigures(Base):
    """Each area's numbers per day (see :mod:`data.key_figures`): the daily counts and 7/14-day
    windows of cases, tests and admissions, persons with dose 1–3 and the populations they are
    divided by, before small-number protection. ``area`` is a kommunenummer, "F" + a
    fylkesnummer or "NO". Rebuilt with the daily aggregates."""

    __tablename__ = "agg_key_figures"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    area: Mapped[str] = mapped_column(String(4), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    # the counts, read by name through __table__ (data.key_figures, data.published)
    locals().update(_int_columns(KEY_FIGURE_COUNTS))
    # persons with at least dose n, all ages and 65+; NULL where the data have no dose counts
    # by age and day (a published coverage snapshot is read as published instead)
    locals().update(_int_columns(KEY_FIGURE_VACCINATED, nullable=True))
    population_alle: Mapped[int] = mapped_column(Integer)
    population_65: Mapped[int] = mapped_column(Integer)
    # the counts as published to a role without small-number access for the area (cell-key
    # perturbation, data/disclosure.py): NULL where hidden ("1–4"; "0–4" for the daily count)
    locals().update(_int_columns(KEY_FIGURE_PUBLISHED, nullable=True, suffix="_pub"))

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


AGGREGATE_TABLES = (
    AggCasesDaily,
    AggTestsDaily,
    AggVaccinationDaily,
    AggHospitalDaily,
    AggArrivalsDaily,
)


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
