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


def _group_into(conn: Connection, table: Any, keys: dict[str, Any], values: dict[str, Any]) -> None:
    """Insert into ``table`` one row per distinct ``keys`` (aggregate column → event column)
    with each of ``values`` (aggregate column → aggregate expression)."""
    q = select(*keys.values(), *values.values()).group_by(*keys.values())
    conn.execute(insert(table).from_select([*keys, *values], q))


def _daily_keys(date: Any, *extra: Any) -> dict[str, Any]:
    """The grouping of a daily aggregate: disease, kommune, the event's date column, age band
    (when the event has one) and ``extra`` columns under their own names."""
    event = date.class_
    keys = {"disease": event.disease, "kommunenummer": event.kommunenummer, "date": date}
    return keys | {column.key: column for column in extra}


def _tests(conn: Connection) -> None:
    t = TestEvent
    days = func.julianday(t.result_date) - func.julianday(t.sample_date)
    if conn.dialect.name == "postgresql":
        days = t.result_date - t.sample_date
    known = t.result_date.is_not(None)
    values = {
        "tests": func.count(),
        "positive": _int(t.positive),
        "result_days_sum": func.coalesce(func.sum(case((known, days), else_=0)), 0),
        "result_days_n": _int(known),
    }
    _group_into(conn, AggTestsDaily, _daily_keys(t.sample_date, t.age_band, t.test_type), values)


def _vaccination(conn: Connection) -> None:
    v = Vaccination
    keys = _daily_keys(v.vaccination_date, v.age_band, v.dose_number)
    _group_into(conn, AggVaccinationDaily, keys, {"doses": func.count()})


def _hospital(conn: Connection) -> None:
    h = HospitalAdmission
    values = {"admissions": func.count(), "icu_admissions": _int(h.icu)}
    _group_into(conn, AggHospitalDaily, _daily_keys(h.admission_date, h.age_band), values)


def _arrivals(conn: Connection) -> None:
    a = Arrival
    values = {
        "arrivals": func.count(),
        "without_fd_number": _int(a.has_fd_number.is_(False)),
        "tested": _int(a.tested_at_border),
        "positive": _int(and_(a.tested_at_border, a.test_positive.is_(True))),
        "quarantine_required": _int(a.quarantine_required),
        "follow_up_completed": _int(a.follow_up_status == "completed"),
    }
    _group_into(conn, AggArrivalsDaily, _daily_keys(a.arrival_date), values)


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
