"""Pre-aggregated daily-by-kommune tables, rebuilt from the event tables after every load.

The dashboard's common queries (map windows, kommune time series, county and national
comparisons) read these instead of scanning millions of events. Portable SQL (SQLite and
PostgreSQL) through SQLAlchemy Core ``INSERT … SELECT``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, case, delete, func, insert, literal, select
from tqdm import tqdm

from data import page_tables, rollups
from data.schema import (
    AggArrivalsDaily,
    AggCasesDaily,
    AggHospitalDaily,
    AggTestsDaily,
    AggVaccinationDaily,
    Arrival,
    Case,
    HospitalAdmission,
    TestEvent,
    Vaccination,
)


def _int(expr: Any) -> Any:
    return func.sum(case((expr, 1), else_=0))


def _cases(conn: Connection) -> None:
    # A case counts on its test date and on its registration date; the two series are built
    # separately and merged so that each (kommune, day, age band) has one row.
    by_test = (
        select(
            Case.disease,
            Case.kommunenummer,
            Case.test_date.label("date"),
            Case.age_band,
            func.count().label("t"),
            literal(0).label("r"),
        )
        .where(Case.test_date.is_not(None))
        .group_by(Case.disease, Case.kommunenummer, Case.test_date, Case.age_band)
    )
    by_reg = select(
        Case.disease,
        Case.kommunenummer,
        Case.registration_date.label("date"),
        Case.age_band,
        literal(0).label("t"),
        func.count().label("r"),
    ).group_by(Case.disease, Case.kommunenummer, Case.registration_date, Case.age_band)
    both = by_test.union_all(by_reg).subquery()
    merged = select(
        both.c.disease,
        both.c.kommunenummer,
        both.c.date,
        both.c.age_band,
        func.sum(both.c.t),
        func.sum(both.c.r),
    ).group_by(both.c.disease, both.c.kommunenummer, both.c.date, both.c.age_band)
    conn.execute(
        insert(AggCasesDaily).from_select(
            [
                "disease",
                "kommunenummer",
                "date",
                "age_band",
                "cases_by_testdate",
                "cases_by_regdate",
            ],
            merged,
        )
    )


def _tests(conn: Connection) -> None:
    days = func.julianday(TestEvent.result_date) - func.julianday(TestEvent.sample_date)
    if conn.dialect.name == "postgresql":
        days = TestEvent.result_date - TestEvent.sample_date
    known = TestEvent.result_date.is_not(None)
    q = select(
        TestEvent.disease,
        TestEvent.kommunenummer,
        TestEvent.sample_date,
        TestEvent.age_band,
        TestEvent.test_type,
        func.count(),
        _int(TestEvent.positive),
        func.coalesce(func.sum(case((known, days), else_=0)), 0),
        _int(known),
    ).group_by(
        TestEvent.disease,
        TestEvent.kommunenummer,
        TestEvent.sample_date,
        TestEvent.age_band,
        TestEvent.test_type,
    )
    conn.execute(
        insert(AggTestsDaily).from_select(
            [
                "disease",
                "kommunenummer",
                "date",
                "age_band",
                "test_type",
                "tests",
                "positive",
                "result_days_sum",
                "result_days_n",
            ],
            q,
        )
    )


def _vaccination(conn: Connection) -> None:
    q = select(
        Vaccination.disease,
        Vaccination.kommunenummer,
        Vaccination.vaccination_date,
        Vaccination.age_band,
        Vaccination.dose_number,
        func.count(),
    ).group_by(
        Vaccination.disease,
        Vaccination.kommunenummer,
        Vaccination.vaccination_date,
        Vaccination.age_band,
        Vaccination.dose_number,
    )
    conn.execute(
        insert(AggVaccinationDaily).from_select(
            ["disease", "kommunenummer", "date", "age_band", "dose_number", "doses"], q
        )
    )


def _hospital(conn: Connection) -> None:
    h = HospitalAdmission
    q = select(
        h.disease, h.kommunenummer, h.admission_date, h.age_band, func.count(), _int(h.icu)
    ).group_by(h.disease, h.kommunenummer, h.admission_date, h.age_band)
    conn.execute(
        insert(AggHospitalDaily).from_select(
            ["disease", "kommunenummer", "date", "age_band", "admissions", "icu_admissions"], q
        )
    )


def _arrivals(conn: Connection) -> None:
    a = Arrival
    q = select(
        a.disease,
        a.kommunenummer,
        a.arrival_date,
        func.count(),
        _int(a.has_fd_number.is_(False)),
        _int(a.tested_at_border),
        _int(and_(a.tested_at_border, a.test_positive.is_(True))),
        _int(a.quarantine_required),
        _int(a.follow_up_status == "completed"),
    ).group_by(a.disease, a.kommunenummer, a.arrival_date)
    conn.execute(
        insert(AggArrivalsDaily).from_select(
            [
                "disease",
                "kommunenummer",
                "date",
                "arrivals",
                "without_fd_number",
                "tested",
                "positive",
                "quarantine_required",
                "follow_up_completed",
            ],
            q,
        )
    )


STEPS = (
    (AggCasesDaily, _cases),
    (AggTestsDaily, _tests),
    (AggVaccinationDaily, _vaccination),
    (AggHospitalDaily, _hospital),
    (AggArrivalsDaily, _arrivals),
)


def refresh(
    conn: Connection,
    *,
    progress: bool = False,
    daily: Mapping[str, pd.DataFrame] | None = None,
) -> None:
    """Rebuild every aggregate table inside the caller's transaction.

    ``daily``: rows of daily aggregates already grouped from the events in memory, by table
    name (the demo build: :mod:`data.derive_frames`, the same rows); they are written as they
    are instead of aggregated from the stored events."""
    from data.load import bulk_insert  # data.load imports this module

    for table, build in tqdm(STEPS, desc="Aggregater", disable=not progress):
        conn.execute(delete(table))
        rows = None if daily is None else daily.get(table.__tablename__)
        if rows is None:
            build(conn)
        else:
            bulk_insert(conn, table.__table__, rows)
    rollups.refresh(conn)
    page_tables.refresh(conn)
