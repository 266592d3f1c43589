"""Hospital queries: admissions and ICU admissions by admission date, from
``agg_hospital_daily``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func

from data import published
from data.cache import cached
from data.codes import DEFAULT_DISEASE
from data.protection import protect, protect_area
from data.queries import aggregate_reads
from data.queries.frames import AreaLevel, area_kommuner
from data.schema import AggHospitalDaily
from data.scope import Scope

H = AggHospitalDaily
COUNTS = ["admissions", "icu_admissions"]
WINDOW_COUNTS = ["admissions_7d", "icu_admissions_7d"]
KEY_FIGURE_COLUMNS = (
    *COUNTS,
    *WINDOW_COUNTS,
    *(published.pub(c) for c in (*COUNTS, *WINDOW_COUNTS)),
    "population_alle",
)


def _sums(t: Any = H) -> list[Any]:
    """Sums of the admission columns of ``t`` (the kommune aggregate or its rollup)."""
    return [func.sum(t.admissions), func.sum(t.icu_admissions)]


@cached()
def _area_daily(
    *, members: tuple[str, ...] | None, start: dt.date, end: dt.date, disease: str
) -> pd.DataFrame:
    """Unprotected daily admissions and 7-day windows of a set of kommuner (None: all),
    cached without the scope; the public query applies scope and protection."""
    return aggregate_reads.daily_sums(
        H,
        _sums,
        COUNTS,
        windowed=COUNTS,
        key_figure_columns=KEY_FIGURE_COLUMNS,
        members=members,
        start=start,
        end=end,
        disease=disease,
    )


@cached()
def hospital_daily(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    start: dt.date,
    end: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Admissions of residents of one area (kommune, fylke or nation) by admission date, every
    day in [start, end], with the 7-day windows ending on each day.

    Columns: date, admissions, icu_admissions, admissions_7d, icu_admissions_7d, population
    (1 January of the year), and ``<column>_suppressed`` for each withheld count.
    """
    members = area_kommuner(scope, level, code)
    key = None if members is None else tuple(sorted(members))
    out = _area_daily(members=key, start=start, end=end, disease=disease)
    return published.series(
        out,
        scope=scope,
        counts=[*COUNTS, *WINDOW_COUNTS],
        area_code=code if level == "kommune" else None,
    )


@cached()
def hospital_by_age(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    date: dt.date,
    days: int = 7,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Admissions of one area by age band in the ``days`` days ending on ``date``.

    Columns: age_band, admissions, icu_admissions, population (of the band, 1 January of the
    date's year), and ``_suppressed`` flags.
    """
    members = area_kommuner(scope, level, code)
    out = aggregate_reads.by_age(
        H, _sums, COUNTS, members=members, date=date, days=days, disease=disease
    )
    return protect_area(out, scope=scope, level=level, code=code, counts=COUNTS)


@cached()
def hospital_by_kommune(
    *,
    scope: Scope,
    kommuner: list[str],
    date: dt.date,
    days: int = 7,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Admissions per kommune in the ``days`` days ending on ``date`` (a neighbour table).

    Columns: kommunenummer, admissions, icu_admissions, population, ``_suppressed`` flags.
    """
    allowed = scope.restrict(kommuner) or []
    out = aggregate_reads.by_kommune(
        H, _sums, COUNTS, kommuner=allowed, date=date, days=days, disease=disease
    )
    return protect(out, scope=scope, counts=COUNTS)
