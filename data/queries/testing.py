"""Testing queries: test events by sample date, from ``agg_tests_daily``.

One test event is all tests of one person within 7 days (DESIGN.md); the aggregate counts
events per kommune × sample date × age band × test type, with the sum and number of days
from sample to result where the result date is known.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import case, func

from data import key_figures, published
from data.cache import cached
from data.codes import DEFAULT_DISEASE
from data.protection import protect, protect_area
from data.queries import aggregate_reads
from data.queries.frames import AreaLevel, area_kommuner
from data.schema import AggTestsDaily
from data.scope import Scope

T = AggTestsDaily
# tests and positive test events, all and by test type (as the key figures hold them)
DAILY_COUNTS = list(key_figures.DAILY[AggTestsDaily])
WINDOW_COUNTS = ["tests_7d", "positive_7d", "result_days_n_7d"]
# The summed days to a result are withheld with the number of results they are summed over.
WINDOW_RATES = {"result_days_sum_7d": ["result_days_n_7d"]}
RESULT_DAYS_RATES = {"result_days_sum": ["result_days_n"]}
COUNTS = ["tests", "tests_pcr", "tests_antigen", "positive", "result_days_n"]


def _by_type(t: Any, column: Any, test_type: str) -> Any:
    return func.sum(case((t.test_type == test_type, column), else_=0))


def _sums(t: Any = T) -> list[Any]:
    """Sums of the test columns of ``t`` (the kommune aggregate or its county/nation rollup)."""
    return [
        func.sum(t.tests),
        _by_type(t, t.tests, "PCR"),
        _by_type(t, t.tests, "antigen"),
        func.sum(t.positive),
        _by_type(t, t.positive, "PCR"),
        _by_type(t, t.positive, "antigen"),
        func.sum(t.result_days_sum),
        func.sum(t.result_days_n),
    ]


SUM_COLUMNS = [*DAILY_COUNTS, "result_days_sum", "result_days_n"]
# the same series from the key figures (population: the age bands', as population_for gives)
KEY_FIGURE_COLUMNS = (
    *DAILY_COUNTS,
    "tests_7d",
    "positive_7d",
    "result_days_sum_7d",
    "result_days_n_7d",
    *(published.pub(c) for c in (*DAILY_COUNTS, "tests_7d", "positive_7d")),
    "population_alle",
)


@cached()
def _area_daily(
    *, members: tuple[str, ...] | None, start: dt.date, end: dt.date, disease: str
) -> pd.DataFrame:
    """Unprotected daily sums and 7-day windows of a set of kommuner (None: all).

    Cached without the scope, so that the county and national series are read once per data
    version for everyone; the public query applies scope and protection on every call.
    """
    out = aggregate_reads.daily_sums(
        T,
        _sums,
        SUM_COLUMNS,
        windowed=("tests", "positive", "result_days_sum", "result_days_n"),
        key_figure_columns=KEY_FIGURE_COLUMNS,
        members=members,
        start=start,
        end=end,
        disease=disease,
    )
    # the days summed per day are only wanted in their windows
    return out.drop(columns=["result_days_sum", "result_days_n"], errors="ignore")


@cached()
def tests_daily(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    start: dt.date,
    end: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Test events of one area (kommune, fylke or nation) by sample date, every day in
    [start, end], with the 7-day windows ending on each day.

    Columns: date, tests, tests_pcr, tests_antigen, positive, positive_pcr, positive_antigen,
    tests_7d, positive_7d, result_days_sum_7d, result_days_n_7d, population (1 January of the
    year), and ``<column>_suppressed`` for each count withheld by small-number protection.
    """
    members = area_kommuner(scope, level, code)
    key = None if members is None else tuple(sorted(members))
    out = _area_daily(members=key, start=start, end=end, disease=disease)
    area_code = code if level == "kommune" else None
    # the counts as published (data.published); the days to a result are protected with the
    # number of results they are summed over, as before
    out = published.series(
        out, scope=scope, counts=[*DAILY_COUNTS, "tests_7d", "positive_7d"], area_code=area_code
    )
    return protect_area(
        out, scope=scope, level=level, code=code, counts=["result_days_n_7d"], rates=WINDOW_RATES
    )


@cached()
def tests_by_age(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    date: dt.date,
    days: int = 7,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Test events of one area by age band in the ``days`` days ending on ``date``.

    Columns: age_band, tests, tests_pcr, tests_antigen, positive, result_days_sum,
    result_days_n, population (1 January of the date's year), and ``_suppressed`` flags.
    """
    members = area_kommuner(scope, level, code)
    out = aggregate_reads.by_age(
        T, _sums, SUM_COLUMNS, members=members, date=date, days=days, disease=disease
    )
    out = out.drop(columns=["positive_pcr", "positive_antigen"])
    return protect_area(
        out, scope=scope, level=level, code=code, counts=COUNTS, rates=RESULT_DAYS_RATES
    )


@cached()
def tests_by_kommune(
    *,
    scope: Scope,
    kommuner: list[str],
    date: dt.date,
    days: int = 7,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Test events per kommune in the ``days`` days ending on ``date`` (a neighbour table).

    Columns: kommunenummer, tests, tests_pcr, tests_antigen, positive, result_days_sum,
    result_days_n, population, and ``_suppressed`` flags.
    """
    allowed = scope.restrict(kommuner) or []
    out = aggregate_reads.by_kommune(
        T, _sums, SUM_COLUMNS, kommuner=allowed, date=date, days=days, disease=disease
    )
    out = out.drop(columns=["positive_pcr", "positive_antigen"])
    return protect(out, scope=scope, counts=COUNTS, rates=RESULT_DAYS_RATES)
