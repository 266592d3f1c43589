"""Key figures per area and day, built once per load: the Morgenbrief's numbers in one read.

The brief shows, for a kommune on a date and the day before, with its county and the whole
country beside it: cases of the day and of the 7/14-day windows, positivity and admissions of
the last 7 days and coverage of dose 1–3 (all ages and 65+). Read live, that is some thirty
grouped reads and a hundred small pandas steps per brief (≈ 150 ms at full scale). This module
sums the daily aggregates into one row per area × day (``agg_key_figures``), with the windows
and the populations they are divided by, *before* small-number protection: the reader
(:mod:`data.queries.key_figures`) protects the rows for the caller's scope exactly as the live
reads do.

Areas are those of the rollups (:mod:`data.rollups`): each kommune of the current structure,
``"F" + fylkesnummer`` and ``"NO"``. The sums are the same as the live reads':

* a kommune's daily counts are its rows of the kommune aggregate; a county's and the nation's
  those of the rollup (so the nation counts every row, whatever its code);
* windows end on the row's day and count the days before the first row as 0 (as the live
  series, which read from 13 days before and fill missing days with 0);
* ``cases`` counts by the dataset's case date basis (``dataset_meta.case_date_basis``);
* populations are those of 1 January of the day's year (clipped to the loaded years), all
  rows for incidence (``population``), the age bands of the coverage groups for coverage;
* persons with dose n are the running sums of doses of the age bands; NULL where the data have
  no dose counts by age (real data: the published snapshot is read as published).

``tests/test_key_figures.py`` compares every column with the live reads for kommuner of
different sizes, counties, the nation and several dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, case, delete, func, insert, select

from data import db, disclosure, rollups
from data.cache import cached
from data.codes import AGE_BANDS, AGE_BANDS_65_PLUS, CURRENT_STRUCTURE
from data.rollups import COUNTY_PREFIX, NATION, ROLLUPS
from data.schema import (
    AggCasesDaily,
    AggHospitalDaily,
    AggKeyFigures,
    AggTestsDaily,
    AggVaccinationDaily,
    DatasetMeta,
    Kommune,
    Population,
)

CASE_COLUMNS = {"test": "cases_by_testdate", "registration": "cases_by_regdate"}
DOSES = (1, 2, 3)
# (aggregate, its daily sums → key-figure stem); windows are built from the daily sums
TEST_TYPES = {"pcr": "PCR", "antigen": "antigen"}
# the daily sums of each aggregate kept per area and day (the daily series of the pages)
DAILY = {
    AggCasesDaily: ("cases_by_testdate", "cases_by_regdate"),
    AggTestsDaily: (
        "tests",
        "tests_pcr",
        "tests_antigen",
        "positive",
        "positive_pcr",
        "positive_antigen",
    ),
    AggHospitalDaily: ("admissions", "icu_admissions"),
}
VACCINATED = [f"vaccinated_{g}{d}" for g in ("", "65_") for d in DOSES]


def _meta(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(DatasetMeta.key, DatasetMeta.value)).all())


def _areas(conn: Connection) -> tuple[list[str], dict[str, str]]:
    """Every area code (kommuner, counties, nation) and the county area of each kommune."""
    rows = conn.execute(
        select(Kommune.kommunenummer, Kommune.fylkesnummer).where(
            Kommune.structure == CURRENT_STRUCTURE
        )
    ).all()
    county_of = {str(k): COUNTY_PREFIX + str(f) for k, f in rows}
    counties = sorted(set(county_of.values()))
    return [*sorted(county_of), *counties, NATION], county_of


def _daily(
    conn: Connection,
    table: Any,
    columns: dict[str, Callable[[Any], Any]],
    disease: str,
    areas: list[str],
) -> dict[str, pd.DataFrame]:
    """Daily sums per area (index date, columns area) of each of ``columns`` (name → SQL
    expression over a table with the kommune aggregate's column names): kommuner from the
    kommune table, counties and the nation from its rollup."""
    out: dict[str, list[pd.DataFrame]] = {name: [] for name in columns}
    rollup = ROLLUPS[table]
    for source, key in ((table, table.kommunenummer), (rollup, rollup.area)):
        sums = [func.sum(expr(source)) for expr in columns.values()]
        rows = conn.execute(
            select(key, source.date, *sums)
            .where(source.disease == disease)
            .group_by(key, source.date)
        ).all()
        frame = pd.DataFrame(rows, columns=["area", "date", *columns])
        frame["date"] = pd.to_datetime(frame["date"])
        for name in columns:
            out[name].append(frame.pivot(index="date", columns="area", values=name))
    return {
        name: pd.concat(parts, axis=1).reindex(columns=areas).fillna(0).astype("int64")
        for name, parts in out.items()
    }


def _column(name: str) -> Callable[[Any], Any]:
    """The column ``name`` of the table it is given (the kommune aggregate or its rollup);
    ``tests_pcr`` and the like: the tests of that test type."""
    stem, _sep, kind = name.partition("_")
    if kind in TEST_TYPES:
        test_type = TEST_TYPES[kind]
        return lambda t: case((t.test_type == test_type, getattr(t, stem)), else_=0)
    return lambda table: getattr(table, name)


def _window(matrix: np.ndarray, days: int) -> np.ndarray:
    """Sums of the ``days`` days ending on each row (rows before the first count as 0)."""
    running = np.cumsum(matrix, axis=0)
    out = running.copy()
    out[days:] -= running[:-days]
    return out


def population_by_kommune() -> Any:
    """Residents on 1 January by kommune (current structure) × year × age band, summed over
    sex: columns kommunenummer, year, age_band, population."""
    p = Population
    return (
        select(p.kommunenummer, p.year, p.age_band, func.sum(p.population))
        .where(p.structure == CURRENT_STRUCTURE)
        .group_by(p.kommunenummer, p.year, p.age_band)
    )


def _populations(
    conn: Connection, areas: list[str], county_of: dict[str, str], years: np.ndarray
) -> dict[str, np.ndarray]:
    """Population per area on 1 January of each of ``years`` (clipped to the loaded years):
    all rows, the coverage group ``alle`` (the age bands) and 65+. Arrays (len(years), areas)."""
    rows = conn.execute(population_by_kommune()).all()
    frame = pd.DataFrame(rows, columns=["kommunenummer", "year", "age_band", "population"])
    if frame.empty:  # an import without population files: rates are not computed (0)
        zero = np.zeros((len(years), len(areas)), dtype="int64")
        return {"population": zero, "alle": zero, "65": zero}
    column = {a: i for i, a in enumerate(areas)}
    loaded = np.array(sorted(frame["year"].unique()))
    year_row = {int(y): i for i, y in enumerate(loaded)}
    out = {}
    for name, bands in (("population", None), ("alle", AGE_BANDS), ("65", AGE_BANDS_65_PLUS)):
        part = frame if bands is None else frame[frame["age_band"].isin(bands)]
        matrix = np.zeros((len(loaded), len(areas)), dtype="int64")
        sums = part.groupby(["kommunenummer", "year"])["population"].sum()
        for (kommune, year), value in sums.items():
            y = year_row[int(year)]
            matrix[y, column[NATION]] += int(value)
            if str(kommune) in county_of:
                matrix[y, column[str(kommune)]] += int(value)
                matrix[y, column[county_of[str(kommune)]]] += int(value)
        clipped = np.clip(years, loaded.min(), loaded.max())
        out[name] = matrix[np.searchsorted(loaded, clipped)]
    return out


def _vaccinated(
    conn: Connection, disease: str, areas: list[str], days: pd.DatetimeIndex
) -> dict[str, np.ndarray] | None:
    """Persons with at least dose n on each day (running sums of the doses of the age bands),
    all ages and 65+; None when the data have no dose counts by age band."""
    v = AggVaccinationDaily
    by_age = conn.execute(
        select(v.disease).where(v.disease == disease, v.age_band.in_(AGE_BANDS)).limit(1)
    ).first()
    if by_age is None:
        return None

    def doses(dose: int, bands: tuple[str, ...]) -> Any:
        return lambda t: case(
            (and_(t.dose_number == dose, t.age_band.in_(bands)), t.doses), else_=0
        )

    groups = {"": AGE_BANDS, "65_": AGE_BANDS_65_PLUS}
    columns = {f"vaccinated_{g}{d}": doses(d, b) for g, b in groups.items() for d in DOSES}
    daily = _daily(conn, v, columns, disease, areas)
    return {
        name: np.cumsum(frame.reindex(days, fill_value=0).to_numpy(), axis=0)
        for name, frame in daily.items()
    }


def _build(conn: Connection, disease: str, meta: dict[str, str]) -> pd.DataFrame:
    areas, county_of = _areas(conn)
    case_column = CASE_COLUMNS.get(meta.get("case_date_basis") or "test", "cases_by_testdate")
    daily: dict[str, pd.DataFrame] = {}
    for table, names in DAILY.items():
        sums = [*names, "result_days_sum", "result_days_n"] if table is AggTestsDaily else names
        daily.update(_daily(conn, table, {n: _column(n) for n in sums}, disease, areas))
    first = min([f.index.min() for f in daily.values() if len(f)], default=None)
    last = max([f.index.max() for f in daily.values() if len(f)], default=None)
    bounds = [pd.Timestamp(meta[k]) for k in ("period_start", "data_date") if meta.get(k)]
    candidates = [d for d in (first, last, *bounds) if d is not None and not pd.isna(d)]
    if not candidates:
        return pd.DataFrame()
    days = pd.date_range(min(candidates), max(candidates), freq="D")
    m = {name: f.reindex(days, fill_value=0).to_numpy() for name, f in daily.items()}
    columns: dict[str, np.ndarray] = {n: m[n] for names in DAILY.values() for n in names}
    cases = m[case_column]
    columns.update(cases=cases, cases_7d=_window(cases, 7), cases_14d=_window(cases, 14))
    columns["cases_prev_7d"] = columns["cases_14d"] - columns["cases_7d"]
    for name in ("tests", "positive", "result_days_sum", "result_days_n"):
        columns[f"{name}_7d"] = _window(m[name], 7)
    for name in ("admissions", "icu_admissions"):
        columns[f"{name}_7d"] = _window(m[name], 7)
    population = _populations(conn, areas, county_of, days.year.to_numpy())
    columns["population"] = population["population"]
    columns["population_alle"] = population["alle"]
    columns["population_65"] = population["65"]
    vaccinated = _vaccinated(conn, disease, areas, days)
    n_days, n_areas = len(days), len(areas)
    out = pd.DataFrame(
        {
            "disease": disease,
            "area": np.tile(np.asarray(areas, dtype=object), n_days),
            "date": np.repeat(days.date, n_areas),
            **{name: values.ravel() for name, values in columns.items()},
        }
    )
    for name in VACCINATED:
        out[name] = None if vaccinated is None else vaccinated[name].ravel()
    for name, values in _published(meta["disclosure_secret"], areas, days, m, case_column).items():
        out[f"{name}_pub"] = values.ravel()  # float, NaN where hidden (stored as NULL)
    return out


# The published counts: column → (count family of its records, window in days). ``cases`` is
# the daily count; ``cases_prev_7d`` the 7 days before the last 7 (days 8–14).
PUBLISHED = {
    "cases": ("cases", 1),
    "tests": ("tests", 1),
    "tests_pcr": ("tests_pcr", 1),
    "tests_antigen": ("tests_antigen", 1),
    "positive": ("positive", 1),
    "positive_pcr": ("positive_pcr", 1),
    "positive_antigen": ("positive_antigen", 1),
    "admissions": ("admissions", 1),
    "icu_admissions": ("icu_admissions", 1),
    "cases_7d": ("cases", 7),
    "cases_prev_7d": ("cases", -7),
    "cases_14d": ("cases", 14),
    "tests_7d": ("tests", 7),
    "positive_7d": ("positive", 7),
    "admissions_7d": ("admissions", 7),
    "icu_admissions_7d": ("icu_admissions", 7),
}


def _published(
    secret: str,
    areas: list[str],
    days: pd.DatetimeIndex,
    daily: dict[str, np.ndarray],
    case_column: str,
) -> dict[str, np.ndarray]:
    """Every published count of every area and day as a role without small-number access
    receives it (:func:`data.disclosure.publish`; NaN where hidden). Each family's cell keys
    come from its records' keys, so the same records give the same published value in every
    window and on every day."""
    out: dict[str, np.ndarray] = {}
    keyed: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, (family, window) in PUBLISHED.items():
        if family not in keyed:
            counts = daily[case_column if family == "cases" else family].astype(np.int64)
            keys = disclosure.cell_keys(
                counts, disclosure.record_keys(secret, family, areas, days.values)
            )
            keyed[family] = (counts, keys)
        counts, keys = keyed[family]
        if window == -7:  # days 8–14 before: the 14-day window less the last 7
            values = _window(counts, 14) - _window(counts, 7)
            cell = (disclosure.window_keys(keys, 14) - disclosure.window_keys(keys, 7)) % 256
        else:
            values = _window(counts, window)
            cell = disclosure.window_keys(keys, window)
        out[name] = disclosure.publish(values, cell, daily=window == 1)
        if window == 1:
            # a day inside a 7-day window that holds no records is 0 (that window is
            # published as 0): shown as 0, not "0–4"
            out[name][_in_empty_week(counts)] = 0.0
    return out


def _in_empty_week(counts: np.ndarray) -> np.ndarray:
    """Days (rows) lying in at least one 7-day window (ending on a loaded day) without records."""
    empty = (_window(counts, 7) == 0).astype(np.int64)
    padded = np.vstack([empty, np.zeros((6, counts.shape[1]), dtype=np.int64)])
    covered = sum(padded[k : k + len(counts)] for k in range(7))
    return np.asarray(covered) > 0


# --------------------------------------------------------------------------- reading
COLUMNS = [c.name for c in AggKeyFigures.__table__.columns if c.name not in ("disease", "area")]


@cached()
def area_rows(
    *,
    areas: tuple[str, ...],
    start: dt.date,
    end: dt.date,
    disease: str,
    columns: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Unprotected rows of ``areas`` in [start, end] (area, date and ``columns``, default
    all), sorted by area and date (internal: the query modules apply the caller's scope and
    small-number protection; cached without the scope, so a county's or the nation's rows
    are read once for everyone)."""
    k = AggKeyFigures
    names = [c for c in COLUMNS if columns is None or c == "date" or c in columns]
    q = select(k.area, *(getattr(k, c) for c in names)).where(
        k.disease == disease, k.area.in_(areas), k.date >= start, k.date <= end
    )
    with db.engine().connect() as conn:
        result = conn.execute(q)
        rows = result.cursor.fetchall() if result.cursor is not None else []
    frame = pd.DataFrame(rows, columns=["area", *names])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sort_values(["area", "date"]).reset_index(drop=True)


def area_of(members: tuple[str, ...] | list[str] | None) -> str | None:
    """The key-figure area of a set of kommuner: one kommune is its own area, a whole county
    or the nation its rollup area (:func:`data.rollups.area_of`), any other set None."""
    if members is not None and len(members) == 1:
        return str(members[0])
    return rollups.area_of(members)


def daily(
    *,
    members: tuple[str, ...] | None,
    start: dt.date,
    end: dt.date,
    disease: str,
    columns: tuple[str, ...],
) -> pd.DataFrame | None:
    """Date and ``columns`` of every day in [start, end] of the area ``members`` make up
    (unprotected), or None when the key figures do not hold that area for each of those days
    (the caller then sums the daily aggregate itself)."""
    area = area_of(members)
    if area is None:
        return None
    rows = area_rows(areas=(area,), start=start, end=end, disease=disease, columns=columns)
    if len(rows) != (end - start).days + 1:
        return None
    return rows[["date", *columns]]


def refresh(conn: Connection) -> int:
    """Rebuild the key figures from the daily aggregates inside the caller's transaction
    (after the rollups). Returns the number of rows."""
    from data.load import bulk_insert  # data.load imports this module's callers

    conn.execute(delete(AggKeyFigures))
    meta = _meta(conn)
    if not meta.get("disclosure_secret"):  # kept with the store: the same cell, the same value
        meta["disclosure_secret"] = disclosure.new_secret()
        conn.execute(
            insert(DatasetMeta).values(key="disclosure_secret", value=meta["disclosure_secret"])
        )
    diseases = sorted(
        {
            str(d)
            for table in (AggCasesDaily, AggTestsDaily, AggVaccinationDaily, AggHospitalDaily)
            for d in conn.execute(select(table.disease).distinct()).scalars()
        }
    )
    total = 0
    for disease in diseases:
        frame = _build(conn, disease, meta)
        total += bulk_insert(conn, AggKeyFigures.__table__, frame)
    return total


def ensure(conn: Connection) -> bool:
    """Build the key figures when the aggregates have rows but the key figures none (a store
    loaded before they existed). True when they were built."""
    has_rows = conn.execute(select(AggCasesDaily.disease).limit(1)).first()
    has_figures = conn.execute(select(AggKeyFigures.disease).limit(1)).first()
    k = AggKeyFigures.__table__.c  # the counts are columns by name (data.schema.aggregates)
    unpublished = conn.execute(  # a store built before the published cells existed
        select(k.disease)
        .where(k.cases_7d > disclosure.SMALL_MAX, k.cases_7d_pub.is_(None))
        .limit(1)
    ).first()
    if has_rows is None or (has_figures is not None and unpublished is None):
        return False
    refresh(conn)
    return True


__all__ = ["VACCINATED", "area_of", "area_rows", "daily", "ensure", "refresh"]
