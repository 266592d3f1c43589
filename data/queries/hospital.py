"""Hospital queries: admissions and ICU admissions by admission date, from
``agg_hospital_daily``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select

from data import key_figures, published, rollups
from data.cache import cached
from data.codes import AGE_BANDS, DEFAULT_DISEASE
from data.protection import protect
from data.queries.frames import AreaLevel, area_kommuner, read_frame, read_raw_frame
from data.queries.population import _kommune_population, population_for, population_year
from data.schema import AggHospitalDaily
from data.scope import Scope

H = AggHospitalDaily
COUNTS = ["admissions", "icu_admissions"]
WINDOW_COUNTS = ["admissions_7d", "icu_admissions_7d"]


@cached()
def _area_daily(
    *, members: tuple[str, ...] | None, start: dt.date, end: dt.date, disease: str
) -> pd.DataFrame:
    """Unprotected daily admissions and 7-day windows of a set of kommuner (None: all),
    cached without the scope; the public query applies scope and protection. A kommune, county
    or the nation is one indexed read of its key figures (summed at load)."""
    columns = (
        *COUNTS,
        *WINDOW_COUNTS,
        *(published.pub(c) for c in (*COUNTS, *WINDOW_COUNTS)),
        "population_alle",
    )
    held = key_figures.daily(
        members=members, start=start, end=end, disease=disease, columns=columns
    )
    if held is not None:
        return held.rename(columns={"population_alle": "population"})
    first = start - dt.timedelta(days=6)  # so the first day's window is complete
    t, area = rollups.source(H, members)
    q = (
        select(t.date, func.sum(t.admissions), func.sum(t.icu_admissions))
        .where(t.disease == disease, t.date >= first, t.date <= end, *area)
        .group_by(t.date)
    )
    counts = read_raw_frame(q, ["date", *COUNTS])
    counts["date"] = pd.to_datetime(counts["date"])
    days = pd.DataFrame({"date": pd.date_range(first, end, freq="D")})
    out = days.merge(counts, on="date", how="left")
    out[COUNTS] = out[COUNTS].fillna(0).astype("int64")
    for column in COUNTS:
        out[f"{column}_7d"] = out[column].rolling(7, min_periods=1).sum().astype("int64")
    out = out[out["date"] >= pd.Timestamp(start)].reset_index(drop=True)
    members_list = None if members is None else list(members)
    out["population"] = population_for(members_list, out["date"]).sum(axis=1).astype("int64")
    return out


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


def _window(date: dt.date, days: int) -> tuple[dt.date, dt.date]:
    return date - dt.timedelta(days=days - 1), date


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
    first, last = _window(date, days)
    t, area = rollups.source(H, members)
    q = (
        select(t.age_band, func.sum(t.admissions), func.sum(t.icu_admissions))
        .where(t.disease == disease, t.date >= first, t.date <= last, *area)
        .group_by(t.age_band)
    )
    counts = read_frame(q, ["age_band", *COUNTS])
    out = pd.DataFrame({"age_band": list(AGE_BANDS)}).merge(counts, on="age_band", how="left")
    out[COUNTS] = out[COUNTS].fillna(0).astype("int64")
    pop = population_for(members, pd.Series([pd.Timestamp(date)])).iloc[0]
    out["population"] = out["age_band"].map(pop).astype("int64")
    return protect(
        out,
        scope=scope,
        counts=COUNTS,
        kommune_column=None,
        area_code=code if level == "kommune" else None,
    )


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
    first, last = _window(date, days)
    q = (
        select(H.kommunenummer, func.sum(H.admissions), func.sum(H.icu_admissions))
        .where(
            H.disease == disease,
            H.kommunenummer.in_(allowed),
            H.date >= first,
            H.date <= last,
        )
        .group_by(H.kommunenummer)
    )
    counts = read_frame(q, ["kommunenummer", *COUNTS])
    out = pd.DataFrame({"kommunenummer": allowed}).merge(counts, on="kommunenummer", how="left")
    out[COUNTS] = out[COUNTS].fillna(0).astype("int64")
    pop = _kommune_population(kommuner=tuple(allowed), year=population_year(date))
    totals = pop.groupby("kommunenummer")["population"].sum()
    out["population"] = out["kommunenummer"].map(totals).fillna(0).astype("int64")
    return protect(out, scope=scope, counts=COUNTS)
