"""Consultations for influenza-like illness (ILI) per week: the kommune's, county's or
nation's weekly counts and rates per 100 000 by age band (``ili_consultation``), and the
national ILI rate imported from ERVISS (``reported_series``, ``ili_consultation_rate``).

Counts are published like every other count (:func:`data.protection.protect`: hidden small
counts, cell-key perturbation without small-number access); the rates are built on the
published counts, and a rate on a hidden count is hidden too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from data.cache import cached
from data.codes import AGE_BANDS
from data.protection import protect, protect_area
from data.queries.cases import kommune_list
from data.queries.frames import AreaLevel, area_kommuner, read_frame
from data.queries.population import population_for, year_of
from data.queries.sources import reported_series
from data.schema.events import IliConsultation
from data.scope import Scope

T = IliConsultation
NATIONAL_MEASURE = "ili_consultation_rate"  # ERVISS, Norway, per 100 000


def _weekly_sums(members: list[str] | None, start: dt.date, end: dt.date, by_age: bool) -> Any:
    keys = [T.week, T.age_band] if by_age else [T.week]
    q = select(*keys, func.sum(T.consultations)).where(T.week >= start, T.week <= end)
    if members is not None:
        q = q.where(T.kommunenummer.in_(members))
    return read_frame(q.group_by(*keys), [*("week", "age_band")[: len(keys)], "ili_consultations"])


@cached()
def loaded() -> bool:
    """Whether the store holds ILI consultations per kommune at all (the demo does; the real
    data have Norway's rate only): without them a kommune's zero would be no data."""
    return not read_frame(select(T.id).limit(1), ["id"]).empty


def _rates(out: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """``ili_per_100k`` on the published count (hidden where the count is)."""
    out["population"] = population.to_numpy(dtype="float64")
    counts = pd.to_numeric(out["ili_consultations"], errors="coerce").astype("float64")
    rate = counts * 100_000 / out["population"].where(out["population"] > 0)
    hidden = out["ili_consultations_suppressed"].to_numpy(dtype=bool)
    out["ili_per_100k"] = rate.where(~hidden)
    out["ili_per_100k_hidden"] = hidden
    return out


@cached()
def ili_weekly(
    *, scope: Scope, level: AreaLevel, code: str | None, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Every ISO week ending in [start, end] of one area (``date``: the Sunday ending it):
    ili_consultations (published), population (1 January), ili_per_100k and the
    ``_suppressed``/``_hidden`` flags. The registry's reader of ``ili_consultations`` and
    ``ili_per_100k`` (the API serves them from here)."""
    members = area_kommuner(scope, level, code)
    sums = _weekly_sums(members, start, end, by_age=False)
    first = pd.Timestamp(start) + pd.Timedelta(days=6 - start.weekday())  # Sunday ≥ start
    weeks = pd.DataFrame({"week": pd.date_range(first, pd.Timestamp(end), freq="W-SUN")})
    sums["week"] = pd.to_datetime(sums["week"])
    out = weeks.merge(sums, on="week", how="left").fillna({"ili_consultations": 0})
    out = out.rename(columns={"week": "date"})
    out["ili_consultations"] = out["ili_consultations"].astype("int64")
    out = protect_area(out, scope=scope, level=level, code=code, counts=["ili_consultations"])
    population = population_for(members, out["date"]).sum(axis=1)
    return _missing(_rates(out, population))


def _missing(out: pd.DataFrame) -> pd.DataFrame:
    """Without consultations per kommune in the store (real data: Norway's rate only) the
    counts are missing, never zeros (nor hidden)."""
    if loaded():
        return out
    for column in ("ili_consultations", "ili_consultations_prev", "ili_per_100k"):
        if column in out:
            out[column] = np.nan
    for column in out.columns:
        if column.endswith(("_suppressed", "_hidden")):
            out[column] = False
    return out


@cached()
def ili_by_age(*, scope: Scope, level: AreaLevel, code: str | None, week: dt.date) -> pd.DataFrame:
    """One ISO week (its Sunday) of one area by age band: ili_consultations (published),
    population of the band, ili_per_100k and flags."""
    members = area_kommuner(scope, level, code)
    sums = _weekly_sums(members, week, week, by_age=True)
    out = pd.DataFrame({"age_band": list(AGE_BANDS)}).merge(
        sums[["age_band", "ili_consultations"]], on="age_band", how="left"
    )
    out["ili_consultations"] = out["ili_consultations"].fillna(0).astype("int64")
    out = protect_area(out, scope=scope, level=level, code=code, counts=["ili_consultations"])
    bands = population_for(members, pd.Series([pd.Timestamp(week)])).iloc[0]
    return _rates(out, pd.Series([bands[b] for b in AGE_BANDS], dtype=np.float64))


@cached()
def ili_kommuner(*, scope: Scope, date: dt.date) -> pd.DataFrame:
    """Every kommune in the scope in the ISO week ending on ``date`` (a Sunday; the registry's
    ``area_reader``): ili_consultations and ili_consultations_prev (the week before), both
    published, their flags, population (1 January) and ``date``."""
    previous = date - dt.timedelta(days=7)
    kommuner = kommune_list(scope=scope, year=year_of(date))[["kommunenummer", "population"]]
    members = list(kommuner["kommunenummer"])
    q = (
        select(T.kommunenummer, T.week, func.sum(T.consultations))
        .where(T.week.in_([previous, date]), T.kommunenummer.in_(members))
        .group_by(T.kommunenummer, T.week)
    )
    sums = read_frame(q, ["kommunenummer", "week", "ili_consultations"])
    sums["week"] = pd.to_datetime(sums["week"])
    # both weeks published as the same count (one record key per kommune): the week before
    # is the cell the series of that week shows, never a second perturbation of it
    weeks = pd.DataFrame({"week": [pd.Timestamp(date), pd.Timestamp(previous)]})
    cells = kommuner[["kommunenummer"]].merge(weeks, how="cross")
    cells = cells.merge(sums, on=["kommunenummer", "week"], how="left")
    cells["ili_consultations"] = cells["ili_consultations"].fillna(0).astype("int64")
    cells = protect(cells, scope=scope, counts=["ili_consultations"])
    out = kommuner.copy()
    for suffix, week in (("", date), ("_prev", previous)):
        of_week = cells[cells["week"] == pd.Timestamp(week)].set_index("kommunenummer")
        for column in ("ili_consultations", "ili_consultations_suppressed"):
            name = column.replace("ili_consultations", f"ili_consultations{suffix}")
            out[name] = out["kommunenummer"].map(of_week[column])
    out["date"] = pd.Timestamp(date)
    return _missing(out.reset_index(drop=True))


def national_ili(*, scope: Scope, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Norway's ILI consultations per 100 000 (all ages) by week as ERVISS published them
    (empty where not imported). Columns: date, ili_per_100k."""
    frame = reported_series(
        scope=scope, measure=NATIONAL_MEASURE, start=start, end=end, period="week"
    )
    return pd.DataFrame(
        {"date": pd.to_datetime(frame["date"]), "ili_per_100k": frame["value"].astype("float64")}
    )
