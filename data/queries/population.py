"""Population queries: residents on 1 January by kommune, year and age band.

The one place every query module reads its denominators from (cases, testing, hospital,
vaccination, certificates, the overview). Population changes only with a load, and every series
asks for it, so every kommune's residents by year and age band are read once per database and
data version in the process, whatever the result cache is (they are not scoped: callers apply
the scope), and any set of kommuner is a sum of their rows, not a query (a page asks for a dozen
kommuner, each new on a first view). Nothing is copied per call: callers get new frames.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from data import key_figures
from data.cache import cached
from data.codes import AGE_BANDS, CURRENT_STRUCTURE
from data.queries.frames import AreaLevel, area_kommuner, read_frame, read_raw_frame
from data.schema import Population
from data.scope import Scope


class _Loaded(NamedTuple):
    codes: dict[str, int]  # kommune code -> row
    years: np.ndarray  # the loaded years, ascending
    bands: np.ndarray  # residents, kommune × year × age band of AGE_BANDS
    totals: np.ndarray  # residents of every row (all age bands), kommune × year
    present: np.ndarray  # which kommune has rows for which year


def key(members: list[str] | None) -> tuple[str, ...] | None:
    """A hashable, order-free key for a set of kommuner (None: all)."""
    return None if members is None else tuple(sorted(members))


def _load() -> _Loaded:
    frame = read_raw_frame(
        key_figures.population_by_kommune(),
        ["kommunenummer", "year", "age_band", "population"],
    )
    k, names = pd.factorize(frame["kommunenummer"].astype(str), sort=True)
    codes = {str(c): i for i, c in enumerate(names)}
    years, y = np.unique(frame["year"].to_numpy(dtype="int64"), return_inverse=True)
    b = pd.Index(list(AGE_BANDS)).get_indexer(frame["age_band"].astype(str))
    residents = frame["population"].to_numpy("int64")
    bands = np.zeros((len(codes), len(years), len(AGE_BANDS)), dtype="int64")
    known = b >= 0
    np.add.at(bands, (k[known], y[known], b[known]), residents[known])
    totals = np.zeros((len(codes), len(years)), dtype="int64")
    np.add.at(totals, (k, y), residents)
    present = np.zeros((len(codes), len(years)), dtype=bool)
    present[k, y] = True
    return _Loaded(codes, years, bands, totals, present)


@cached(process=True, copy=False)
def _loaded() -> _Loaded:
    """Every kommune of the current structure, read once per data version (in the process
    tier of the result cache: arrays nobody writes to, handed out as they are)."""
    return _load()


@cached(process=True, copy=False)
def _members(*, members: tuple[str, ...] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The years (ascending) a set of kommuner (None: all) has, their residents by year × age
    band and by year (all rows); ``LookupError`` when none of them has population rows."""
    loaded = _loaded()
    if members is None:
        rows = np.arange(len(loaded.codes))
    else:
        wanted = [loaded.codes[m] for m in dict.fromkeys(members) if m in loaded.codes]
        rows = np.array(wanted, dtype="int64")
    has = loaded.present[rows].any(axis=0) if len(rows) else np.zeros(len(loaded.years), dtype=bool)
    if not has.any():
        raise LookupError("No population data loaded")
    return (
        loaded.years[has],
        loaded.bands[rows].sum(axis=0)[has],
        loaded.totals[rows].sum(axis=0)[has],
    )


def _population_arrays(members: tuple[str, ...] | None) -> tuple[np.ndarray, np.ndarray]:
    """The years (ascending) and residents (year × age band) of a set of kommuner (None: all)."""
    years, bands, _totals = _members(members=members)
    return years, bands


def loaded_years() -> tuple[int, int]:
    """The first and last population year loaded; ``LookupError`` when there is none."""
    years = _loaded().years
    if not len(years):
        raise LookupError("No population data loaded")
    return int(years[0]), int(years[-1])


def year_of(date: dt.date) -> int:
    """Population on 1 January of the date's year, limited to the years that exist."""
    lo, hi = loaded_years()
    return min(max(date.year, lo), hi)


def totals_by_year(members: list[str] | None) -> pd.Series:
    """Residents (every row, all age bands) of a set of kommuner by year (index)."""
    years, _bands, totals = _members(members=key(members))
    return pd.Series(totals, index=pd.Index(years, name="year"), name="population")


def _population_table(*, members: tuple[str, ...] | None) -> pd.DataFrame:
    """Residents on 1 January by year (index) × age band (columns) for a set of kommuner."""
    years, table = _population_arrays(members)
    return pd.DataFrame(table.copy(), index=pd.Index(years, name="year"), columns=list(AGE_BANDS))


def population_year(date: dt.date, members: list[str] | None = None) -> int:
    """The population year used on ``date``: 1 January of its year, within the loaded years."""
    years, _table = _population_arrays(key(members))
    return int(min(max(date.year, int(years[0])), int(years[-1])))


def _population_rows(kommuner: list[str], date: dt.date) -> pd.DataFrame:
    """Population by age band (columns) of each kommune (rows, index the codes) on 1 January
    of ``date``'s year: :func:`population_for` of each kommune on one day, in one frame."""
    # straight from the loaded arrays: one memo entry per kommune would be 357 entries for
    # the Kommuneoversikt, more than the memo keeps (rebuilt on every new date)
    loaded = _loaded()
    rows = []
    for code in kommuner:
        row = loaded.codes.get(code)
        has = loaded.present[row] if row is not None else None
        if row is None or has is None or not has.any():
            raise LookupError("No population data loaded")
        years = loaded.years[has]
        year = min(max(date.year, int(years[0])), int(years[-1]))
        position = int(np.searchsorted(years, year))
        if position >= len(years) or years[position] != year:
            raise KeyError("population year missing between the loaded years")
        rows.append(loaded.bands[row][has][position])
    values = np.stack(rows) if rows else np.zeros((0, len(AGE_BANDS)), dtype="int64")
    return pd.DataFrame(values, index=pd.Index(kommuner), columns=list(AGE_BANDS))


def population_for(members: list[str] | None, dates: pd.Series) -> pd.DataFrame:
    """Population by age band (columns) on 1 January of each date's year (rows, same index).

    Internal helper of the query modules: the caller has already applied the scope.
    """
    years, table = _population_arrays(key(members))
    wanted = pd.to_datetime(dates).dt.year.clip(int(years[0]), int(years[-1])).to_numpy()
    position = np.searchsorted(years, wanted)
    if len(position) and not (years[np.minimum(position, len(years) - 1)] == wanted).all():
        raise KeyError("population year missing between the loaded years")
    return pd.DataFrame(table[position], index=dates.index, columns=list(AGE_BANDS))


@cached()
def _kommune_population(*, kommuner: tuple[str, ...], year: int) -> pd.DataFrame:
    """Residents on 1 January of ``year`` by kommune × age band. Columns: kommunenummer,
    age_band, population."""
    q = (
        select(Population.kommunenummer, Population.age_band, func.sum(Population.population))
        .where(
            Population.structure == CURRENT_STRUCTURE,
            Population.year == year,
            Population.kommunenummer.in_(kommuner),
        )
        .group_by(Population.kommunenummer, Population.age_band)
    )
    return read_frame(q, ["kommunenummer", "age_band", "population"])


@cached()
def population_by_age(
    *, scope: Scope, level: AreaLevel, code: str | None, date: dt.date
) -> pd.DataFrame:
    """Residents of an area by age band on 1 January of the date's year (public figures).

    Columns: age_band, population, year.
    """
    members = area_kommuner(scope, level, code)
    row = population_for(members, pd.Series([pd.Timestamp(date)])).iloc[0]
    return pd.DataFrame(
        {
            "age_band": list(AGE_BANDS),
            "population": [int(row[b]) for b in AGE_BANDS],
            "year": population_year(date, members),
        }
    )
