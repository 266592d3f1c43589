"""Key figures of a kommune, its county and the nation per day (``agg_key_figures``, built at
load by :mod:`data.key_figures`), protected for the caller's scope as the live reads are.

The rows hold the same numbers as :func:`data.queries.cases_daily`, :func:`~data.queries.
testing.tests_daily`, :func:`~data.queries.hospital.hospital_daily` and the group rows of
:func:`~data.queries.vaccination.vaccination_groups` (doses 1–3) for any day; the protection is
theirs too (primary, per area: small numbers visible only where the scope may see them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from data import published
from data.cache import cached
from data.codes import DEFAULT_DISEASE
from data.key_figures import DOSES, VACCINATED, area_rows
from data.protection import protect
from data.queries.population import _population_rows
from data.queries.vaccination import (
    _protect_sides,
    _zero_rest_withheld,
)
from data.queries.vaccination_groups import GROUP_65, GROUP_ALL
from data.rollups import COUNTY_PREFIX, NATION
from data.scope import Scope

# the counts of the brief's rows, each judged (as in the live daily series)
COUNTS = [
    "cases",
    "cases_7d",
    "cases_prev_7d",
    "cases_14d",
    "tests_7d",
    "positive_7d",
    "result_days_n_7d",
    "admissions_7d",
    "icu_admissions_7d",
]
COVERAGE = (*VACCINATED, "population_alle", "population_65")
# the counts handed out as published cells (data.published); the others are protected as before
PUBLISHED = [c for c in COUNTS if c in published.STORED]
# what the brief reads (one read for its figures, indicators and coverage; not the daily
# counts by type of the subject pages)
READ = (
    *COUNTS,
    *(published.pub(c) for c in PUBLISHED),
    "population",
    "result_days_sum_7d",
    *COVERAGE,
)
RATES = {"result_days_sum_7d": ["result_days_n_7d"]}  # withheld with the count it sums over
GROUP_COLUMNS = {
    GROUP_65: ("vaccinated_65_", "population_65"),
    GROUP_ALL: ("vaccinated_", "population_alle"),
}


def _coverage_long(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """The coverage groups (65+, alle) × dose 1–3 of each row, built on the arrays in one
    step: ``key``, date and the columns of :func:`data.queries.vaccination.vaccination_groups`
    before protection."""
    pairs = [(g, d, f"{p}{d}", pop) for g, (p, pop) in GROUP_COLUMNS.items() for d in DOSES]
    n = len(rows)
    vaccinated = rows[[c for _g, _d, c, _p in pairs]].to_numpy(dtype="float64")
    population = rows[[p for _g, _d, _c, p in pairs]].to_numpy(dtype="float64")
    out = pd.DataFrame(
        {
            key: np.repeat(rows[key].to_numpy(), len(pairs)),
            "date": np.repeat(rows["date"].to_numpy(), len(pairs)),
            "age_band": np.tile(np.array([g for g, *_r in pairs], dtype=object), n),
            "dose_number": np.tile(np.array([d for _g, d, *_r in pairs], dtype="int64"), n),
            "vaccinated": vaccinated.ravel().astype("int64"),
            "population": population.ravel().astype("int64"),
        }
    )
    out["unvaccinated"] = (out["population"] - out["vaccinated"]).clip(lower=0)
    return out


def _by_level(
    rows: pd.DataFrame,
    areas: dict[str, str],
    judge: Callable[[pd.DataFrame, str | None], pd.DataFrame],
) -> pd.DataFrame:
    """``judge(rows, area_code)`` on the kommune's rows (judged by the kommune) and on the
    county's and the nation's (judged as aggregates, area None); the area column replaced by
    the level (kommune, fylke, nation)."""
    own = rows["area"].eq(areas["kommune"]).to_numpy()
    out = pd.concat(
        [judge(rows[own], areas["kommune"]), judge(rows[~own], None)], ignore_index=True
    )
    level_of = {area: level for level, area in areas.items()}
    return out.assign(level=out.pop("area").map(level_of))


def _areas(scope: Scope, kommunenummer: str, fylkesnummer: str) -> dict[str, str]:
    scope.restrict([kommunenummer])  # a county and the nation may be read beyond it
    return {"kommune": kommunenummer, "fylke": COUNTY_PREFIX + fylkesnummer, "nation": NATION}


@cached()
def area_key_figures(
    *,
    scope: Scope,
    kommunenummer: str,
    fylkesnummer: str,
    start: dt.date,
    end: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """The kommune's, its county's and the nation's key figures for every day in [start, end].

    Columns: level (kommune, fylke, nation), date, cases of the day and the windows of cases,
    tests and admissions (as the live daily series), population, ``<count>_suppressed``
    flags, and ``complete`` (False on test dates not yet complete, see
    :mod:`data.queries.completeness`). A kommune outside the scope is refused.
    """
    areas = _areas(scope, kommunenummer, fylkesnummer)
    rows = area_rows(
        areas=tuple(areas.values()), start=start, end=end, disease=disease, columns=READ
    )
    rows = rows.drop(columns=list(COVERAGE))
    out = _by_level(rows, areas, lambda part, code: _judge(part, scope, code))
    from data.queries.completeness import case_completeness, mark_complete

    return mark_complete(out, case_completeness(scope=scope, disease=disease))


def _judge(rows: pd.DataFrame, scope: Scope, code: str | None) -> pd.DataFrame:
    """The counts of one level's rows as the scope's policy publishes them."""
    rows = published.apply(rows, scope=scope, counts=PUBLISHED, kommune_column=None, area_code=code)
    others = [c for c in COUNTS if c not in PUBLISHED]
    return protect(
        rows, scope=scope, counts=others, rates=RATES, kommune_column=None, area_code=code
    )


@cached()
def area_coverage(
    *,
    scope: Scope,
    kommunenummer: str,
    fylkesnummer: str,
    start: dt.date,
    end: dt.date,
    days: int | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Coverage groups (65+, alle) × dose 1–3 of the kommune, its county and the nation for
    every day in [start, end], or for its last ``days`` days (the read is that of
    :func:`area_key_figures` for [start, end]): level, date and the columns of
    :func:`~data.queries.vaccination.vaccination_groups`. Empty where the data have no dose
    counts by age band (a published snapshot is read by that function)."""
    areas = _areas(scope, kommunenummer, fylkesnummer)
    rows = area_rows(
        areas=tuple(areas.values()), start=start, end=end, disease=disease, columns=READ
    )
    if days is not None:
        rows = rows[rows["date"] > pd.Timestamp(end - dt.timedelta(days=days))]
    if rows.empty or rows[VACCINATED].isna().all().all():
        return pd.DataFrame()
    return _by_level(
        _coverage_long(rows, "area"),
        areas,
        lambda part, code: _protect_sides(part, scope=scope, kommune_column=None, area_code=code),
    )


@cached()
def kommune_coverage(
    *, scope: Scope, kommuner: list[str], date: dt.date, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """Coverage groups (65+, alle) × dose 1–3 on ``date`` for several kommuner, as the rows of
    :func:`~data.queries.vaccination.vaccination_by_kommune` (kommunenummer, age_band,
    dose_number, vaccinated, unvaccinated, population, hidden). Empty where the data have no
    dose counts by age. Kommuner outside the scope are refused."""
    allowed = scope.restrict(kommuner) or []
    rows = area_rows(
        areas=tuple(sorted(allowed)), start=date, end=date, disease=disease, columns=COVERAGE
    )
    if rows.empty or rows[VACCINATED].isna().all().all():
        return pd.DataFrame()
    long = _coverage_long(rows.rename(columns={"area": "kommunenummer"}), "kommunenummer")
    out = _protect_sides(long, scope=scope, kommune_column="kommunenummer", area_code=None)
    # as vaccination_by_kommune: a 0 without dose n beside a band of 1–4 residents is withheld
    population = _population_rows(sorted(allowed), date)
    protected = pd.Series(
        [not scope.may_see_small_numbers(k) for k in population.index], index=population.index
    )
    out = _zero_rest_withheld(out, population, "kommunenummer", protected)
    return out.drop(columns="date")


SERIES_COUNTS = tuple(published.STORED)


def _series_kommune(scope: Scope, area: str) -> str | None:
    """The kommune of a series' area (refused outside the scope), None for a county or the
    nation (aggregates every role may read, protected as aggregates)."""
    if area == NATION or area.startswith(COUNTY_PREFIX):
        return None
    scope.restrict([area])
    return area


@cached()
def published_series(
    *,
    scope: Scope,
    area: str,
    start: dt.date,
    end: dt.date,
    disease: str = DEFAULT_DISEASE,
    counts: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Every published count (:data:`data.published.STORED`; only ``counts`` where named) of
    one area on each day in [start, end], as the scope's policy publishes it: date, the
    counts, population and ``<count>_suppressed``. ``area`` is a kommunenummer (refused
    outside the scope), ``F`` + fylkesnummer or ``NO`` (aggregates, readable by every role,
    protected as aggregates). The same cells as every page reads: the API's series."""
    kommune = _series_kommune(scope, area)
    wanted = [c for c in SERIES_COUNTS if counts is None or c in counts]
    names = (*wanted, *(published.pub(c) for c in wanted), "population")
    rows = area_rows(areas=(area,), start=start, end=end, disease=disease, columns=names)
    out = published.apply(rows, scope=scope, counts=wanted, kommune_column=None, area_code=kommune)
    return out.drop(columns="area")


@cached()
def published_coverage(
    *,
    scope: Scope,
    area: str,
    start: dt.date,
    end: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Coverage groups (65+, alle) × dose 1–3 of one area on each day in [start, end], as
    the scope's policy publishes them — the same cells as the Morgenbrief's and Krisemøte's
    coverage (:func:`area_coverage`): date, age_band, dose_number, vaccinated, population,
    hidden. ``area`` as for :func:`published_series`; empty where the data have no dose
    counts by age band."""
    kommune = _series_kommune(scope, area)
    rows = area_rows(areas=(area,), start=start, end=end, disease=disease, columns=COVERAGE)
    if rows.empty or rows[VACCINATED].isna().all().all():
        return pd.DataFrame()
    long = _coverage_long(rows, "area")
    out = _protect_sides(long, scope=scope, kommune_column=None, area_code=kommune)
    return out.drop(columns="area")


__all__ = [
    "area_coverage",
    "area_key_figures",
    "kommune_coverage",
    "published_coverage",
    "published_series",
]
