"""Persons with dose n as whole daily series, derived once per load and stored in
``agg_vaccination_series``.

Why: the Vaksinasjon page draws coverage over time, so it needs a kommune's (and its county's
and the country's) persons with dose n on every day; summed from ``agg_vaccination_daily`` that
is the area's whole dose history, read and accumulated on every first view. Stored as one row
per (area, age band, dose) holding the running total of every day (int32, little-endian, from
``first_date``), an area's whole history is one indexed read of 48 short rows (12 age bands ×
4 doses), and the totals of several kommuner on one day are a read of 4 bytes per row
(``substr`` of the blob works on SQLite and PostgreSQL alike).

Definitions, the same as the live sums (:func:`data.queries.vaccination._cumulative_doses`):
the value on day D is the sum of ``doses`` of that age band and dose number on every date up to
and including D. Areas are the rollup areas (:mod:`data.rollups`): every kommune with doses
(``kommunenummer``), each county (``"F" + fylkesnummer``, kommuner of the current structure)
and the nation (``"NO"``, every row). Only the age bands of ``AGE_BANDS`` and the doses of
``DOSES`` are stored (the rows the page shows). Every row of one disease shares one
``first_date`` (the disease's first dose date anywhere) and one ``n_days`` (through its last
dose date): a date before the first day has no doses, a date after the last keeps the last
total, and one day sits at the same offset in every blob.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy import Connection, delete, func, select

from data import db, rollups
from data.cache import cached
from data.codes import AGE_BANDS
from data.schema import AggVaccinationDaily, AggVaccinationRollup, AggVaccinationSeries

DOSES: tuple[int, ...] = (1, 2, 3, 4)
COLUMNS: tuple[tuple[str, int], ...] = tuple((b, d) for b in AGE_BANDS for d in DOSES)
_INDEX = {c: i for i, c in enumerate(COLUMNS)}
_EPOCH = dt.date(1970, 1, 1)


def encode(values: np.ndarray) -> bytes:
    """A daily series as stored: int32, little-endian."""
    return np.asarray(values, dtype="<i4").tobytes()


def decode(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<i4").astype(np.int64)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# --------------------------------------------------------------------------- build
def _area_rows(
    conn: Connection, table: Any, key: Any, area: str, disease: str, first: dt.date, n_days: int
) -> list[dict[str, Any]]:
    """The stored rows of one area: running totals per (age band, dose) over ``n_days`` days."""
    q = select(table.date, table.age_band, table.dose_number, table.doses).where(
        table.disease == disease,
        key == area,
        table.age_band.in_(AGE_BANDS),
        table.dose_number.in_(DOSES),
    )
    result = conn.execute(q)
    raw = result.cursor.fetchall() if result.cursor is not None else []
    if not raw:
        return []
    daily = np.zeros((len(COLUMNS), n_days), dtype=np.int64)
    day = np.array([(_as_date(r[0]) - first).days for r in raw], dtype=np.int64)
    column = np.array([_INDEX[(str(r[1]), int(r[2]))] for r in raw], dtype=np.int64)
    doses = np.array([int(r[3]) for r in raw], dtype=np.int64)
    np.add.at(daily, (column, day), doses)
    totals = np.cumsum(daily, axis=1)
    if totals.max(initial=0) >= 2**31:
        raise OverflowError(f"vaccination series of {area} does not fit int32")
    return [
        {
            "disease": disease,
            "area": area,
            "age_band": band,
            "dose_number": dose,
            "first_date": first,
            "n_days": n_days,
            "persons": encode(totals[i]),
        }
        for i, (band, dose) in enumerate(COLUMNS)
    ]


def refresh(conn: Connection) -> int:
    """Rebuild every series from ``agg_vaccination_daily`` and its rollup inside the caller's
    transaction (after :func:`data.rollups.refresh`). Returns the number of rows written."""
    t = AggVaccinationSeries
    conn.execute(delete(t))
    v = AggVaccinationDaily
    spans = conn.execute(
        select(v.disease, func.min(v.date), func.max(v.date))
        .where(v.age_band.in_(AGE_BANDS), v.dose_number.in_(DOSES))
        .group_by(v.disease)
    ).all()
    written = 0
    for disease, low, high in spans:
        first, last = _as_date(low), _as_date(high)
        n_days = (last - first).days + 1
        kommuner = conn.execute(
            select(v.kommunenummer).where(v.disease == disease).distinct()
        ).scalars()
        rollup = AggVaccinationRollup
        areas = conn.execute(
            select(rollup.area).where(rollup.disease == disease).distinct()
        ).scalars()
        sources: list[tuple[Any, Any, str]] = [(v, v.kommunenummer, str(k)) for k in kommuner]
        sources += [(rollup, rollup.area, str(a)) for a in areas]
        rows: list[dict[str, Any]] = []
        for table, key, area in sources:
            rows += _area_rows(conn, table, key, area, disease, first, n_days)
            if len(rows) >= 2000:
                conn.execute(t.__table__.insert(), rows)  # type: ignore[attr-defined]
                written += len(rows)
                rows = []
        if rows:
            conn.execute(t.__table__.insert(), rows)  # type: ignore[attr-defined]
            written += len(rows)
    return written


def ensure(conn: Connection) -> int:
    """Build the series when dose counts by age exist but no series do (a store loaded before
    the series table existed). Returns the rows written (0 when nothing was missing)."""
    v = AggVaccinationDaily
    doses = select(v.disease).where(v.age_band.in_(AGE_BANDS))
    if not rollups.derived_missing(conn, doses, AggVaccinationSeries.disease):
        return 0
    return refresh(conn)


# --------------------------------------------------------------------------- read
@cached(process=True)
def span(*, disease: str) -> tuple[dt.date, int] | None:
    """(first_date, n_days) shared by every series of ``disease``; None when none is stored
    (then callers sum ``agg_vaccination_daily`` themselves)."""
    t = AggVaccinationSeries
    with db.engine().connect() as conn:
        row = conn.execute(
            select(t.first_date, t.n_days).where(t.disease == disease).limit(1)
        ).first()
    return None if row is None else (_as_date(row[0]), int(row[1]))


def area_code(members: tuple[str, ...] | None) -> str | None:
    """The stored area of a set of kommuner: the kommune itself, a county, the nation; None
    for any other set (not stored)."""
    if members is not None and len(members) == 1:
        return members[0]
    if members is not None and not members:
        return None
    return rollups.area_of(members)


def history(*, area: str, disease: str) -> tuple[dt.date, np.ndarray] | None:
    """The first date and the running totals of ``area`` (days × ``COLUMNS``), or None when
    the disease has no stored series. An area without a row has no doses (zeros)."""
    known = span(disease=disease)
    if known is None:
        return None
    first, n_days = known
    t = AggVaccinationSeries
    with db.engine().connect() as conn:
        result = conn.execute(
            select(t.age_band, t.dose_number, t.persons).where(t.disease == disease, t.area == area)
        )
        rows = result.cursor.fetchall() if result.cursor is not None else []
    values = np.zeros((n_days, len(COLUMNS)), dtype=np.int64)
    for band, dose, blob in rows:
        column = _INDEX.get((str(band), int(dose)))
        if column is not None:
            values[:, column] = decode(bytes(blob))
    return first, values


def on_day(*, areas: list[str], date: dt.date, disease: str) -> np.ndarray | None:
    """Persons with dose n at the end of ``date`` for each of ``areas`` (rows, in order) ×
    ``COLUMNS``: 4 bytes read per stored row. None when the disease has no stored series."""
    known = span(disease=disease)
    if known is None:
        return None
    first, n_days = known
    values = np.zeros((len(areas), len(COLUMNS)), dtype=np.int64)
    offset = (date - first).days
    if offset < 0 or not areas:
        return values
    offset = min(offset, n_days - 1)
    t = AggVaccinationSeries
    q = select(t.area, t.age_band, t.dose_number, func.substr(t.persons, 4 * offset + 1, 4)).where(
        t.disease == disease, t.area.in_(areas)
    )
    with db.engine().connect() as conn:
        result = conn.execute(q)
        rows = result.cursor.fetchall() if result.cursor is not None else []
    position: dict[str, list[int]] = {}
    for i, area in enumerate(areas):
        position.setdefault(area, []).append(i)
    for area, band, dose, chunk in rows:
        column = _INDEX.get((str(band), int(dose)))
        if column is None:
            continue
        value = int.from_bytes(bytes(chunk), "little", signed=True)
        for i in position.get(str(area), []):
            values[i, column] = value
    return values


__all__ = ["COLUMNS", "area_code", "ensure", "history", "on_day", "refresh", "span"]
