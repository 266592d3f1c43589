"""The reads of a daily aggregate (kommune × date × age band counts: ``agg_tests_daily``,
``agg_hospital_daily``) that the subject queries share: an area's daily sums with their
7-day windows, and one window's sums by age band and by kommune, each with its population.

A query module names its table and its sums; these return the true counts. Scope and
protection stay with the query module (``published.series``, ``protect``), which is where the
reader's view of them is decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select

from data import key_figures, rollups
from data.codes import AGE_BANDS
from data.queries.frames import read_frame, read_raw_frame
from data.queries.population import _kommune_population, population_for, population_year

# the sum expressions of an aggregate table (or of its county/nation rollup), in column order
Sums = Callable[[Any], list[Any]]


def window(date: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the ``days`` days ending on ``date``."""
    return date - dt.timedelta(days=days - 1), date


def _summed(
    t: Any, key: Any, sums: Sums, *, first: dt.date, last: dt.date, disease: str, where: Any
) -> Any:
    """The select of ``t``'s sums per ``key`` over the days [first, last], with the further
    conditions ``where`` (the area's, or the kommuner's)."""
    return (
        select(key, *sums(t))
        .where(t.disease == disease, t.date >= first, t.date <= last, *where)
        .group_by(key)
    )


def _filled(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    frame[list(columns)] = frame[list(columns)].fillna(0).astype("int64")
    return frame


def daily_sums(
    table: Any,
    sums: Sums,
    columns: Sequence[str],
    *,
    windowed: Sequence[str],
    key_figure_columns: tuple[str, ...],
    members: tuple[str, ...] | None,
    start: dt.date,
    end: dt.date,
    disease: str,
) -> pd.DataFrame:
    """The sums of a set of kommuner (None: all) on every day in [start, end], the 7-day
    window ``<column>_7d`` of each ``windowed`` column, and the population on each day.

    A kommune, county or the nation is one indexed read of its key figures, summed at load
    (``key_figure_columns`` of :func:`data.key_figures.daily`, with ``population_alle``);
    any other set of kommuner is summed here."""
    held = key_figures.daily(
        members=members, start=start, end=end, disease=disease, columns=key_figure_columns
    )
    if held is not None:
        return held.rename(columns={"population_alle": "population"})
    first = start - dt.timedelta(days=6)  # so the first day's window is complete
    t, area = rollups.source(table, members)
    q = _summed(t, t.date, sums, first=first, last=end, disease=disease, where=area)
    counts = read_raw_frame(q, ["date", *columns])
    counts["date"] = pd.to_datetime(counts["date"])
    days = pd.DataFrame({"date": pd.date_range(first, end, freq="D")})
    out = _filled(days.merge(counts, on="date", how="left"), columns)
    for column in windowed:
        out[f"{column}_7d"] = out[column].rolling(7, min_periods=1).sum().astype("int64")
    out = out[out["date"] >= pd.Timestamp(start)].reset_index(drop=True)
    members_list = None if members is None else list(members)
    out["population"] = population_for(members_list, out["date"]).sum(axis=1).astype("int64")
    return out


def by_age(
    table: Any,
    sums: Sums,
    columns: Sequence[str],
    *,
    members: list[str] | None,
    date: dt.date,
    days: int,
    disease: str,
) -> pd.DataFrame:
    """The sums of a set of kommuner (None: all) by age band in the ``days`` days ending on
    ``date``, with each band's population (1 January of the date's year)."""
    first, last = window(date, days)
    t, area = rollups.source(table, members)
    q = _summed(t, t.age_band, sums, first=first, last=last, disease=disease, where=area)
    counts = read_frame(q, ["age_band", *columns])
    bands = pd.DataFrame({"age_band": list(AGE_BANDS)})
    out = _filled(bands.merge(counts, on="age_band", how="left"), columns)
    population = population_for(members, pd.Series([pd.Timestamp(date)])).iloc[0]
    out["population"] = out["age_band"].map(population).astype("int64")
    return out


def by_kommune(
    table: Any,
    sums: Sums,
    columns: Sequence[str],
    *,
    kommuner: list[str],
    date: dt.date,
    days: int,
    disease: str,
) -> pd.DataFrame:
    """The sums of each of ``kommuner`` (already restricted to the scope) in the ``days`` days
    ending on ``date``, with each kommune's population."""
    first, last = window(date, days)
    in_kommuner = [table.kommunenummer.in_(kommuner)]
    q = _summed(
        table, table.kommunenummer, sums, first=first, last=last, disease=disease, where=in_kommuner
    )
    counts = read_frame(q, ["kommunenummer", *columns])
    frame = pd.DataFrame({"kommunenummer": kommuner})
    out = _filled(frame.merge(counts, on="kommunenummer", how="left"), columns)
    population = _kommune_population(kommuner=tuple(kommuner), year=population_year(date))
    totals = population.groupby("kommunenummer")["population"].sum()
    out["population"] = out["kommunenummer"].map(totals).fillna(0).astype("int64")
    return out
