"""Nowcast and growth of a kommune's cases, as the caller's role may see them
(the methods: :mod:`data.nowcast`).

Disclosure: everything here is computed from what the published layer hands the caller —
the kommune's and the county's daily series from :func:`data.queries.cases_daily` (true counts
where the role may see the area's small numbers, else the published cells with the withheld
days as "0–4", fitted as censored) and the neighbours' and all kommuner's *published* cells
(``cases_pub`` of the key figures, the same for every role). The delay distribution is one
national distribution per disease (shares of cases by delay, no area), as
:mod:`data.queries.completeness` already reads it. So no estimate can carry more about a
withheld cell than the role's own view of it, and a nowcast is withheld where the day is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from data import db, key_figures, published
from data import nowcast as nc
from data.cache import cached, per_data_version
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.queries.cases import case_windows, cases_daily, dataset_info
from data.rollups import COUNTY_PREFIX, NATION
from data.schema import Case, Kommune, KommuneNeighbour
from data.scope import Scope

FLAGS = ("", "_suppressed", "_withheld")
DELAY_WEEKS = 8  # the delay distribution: test dates of the 8 weeks before the last complete one


@per_data_version
def delay(*, disease: str, data_date: dt.date) -> nc.Delay:
    """The national delay distribution (test date → registration date) of ``disease`` from
    the test dates of the :data:`DELAY_WEEKS` weeks that were complete on ``data_date``
    (at least :data:`data.nowcast.MAX_DELAY` days old): one distribution, no area."""
    until = data_date - dt.timedelta(days=nc.MAX_DELAY)
    since = until - dt.timedelta(weeks=DELAY_WEEKS)
    with db.engine().connect() as conn:
        days: Any = func.julianday(Case.registration_date) - func.julianday(Case.test_date)
        if conn.dialect.name == "postgresql":
            days = Case.registration_date - Case.test_date
        rows = conn.execute(
            select(days, func.count())
            .where(
                Case.disease == disease,
                Case.test_date.is_not(None),
                Case.test_date >= since,
                Case.test_date <= until,
                Case.registration_date <= data_date,
            )
            .group_by(days)
        ).all()
    if not rows:
        return nc.delay_distribution(np.array([]), np.array([]))
    d, c = (np.array(col, dtype="float64") for col in zip(*rows, strict=True))
    return nc.delay_distribution(d, c)


@per_data_version
def _geography() -> tuple[dict[str, str], dict[str, list[str]]]:
    """County area of each kommune and each kommune's neighbours (reference data)."""
    with db.engine().connect() as conn:
        rows = conn.execute(
            select(Kommune.kommunenummer, Kommune.fylkesnummer).where(
                Kommune.structure == CURRENT_STRUCTURE
            )
        ).all()
        links = conn.execute(
            select(KommuneNeighbour.kommunenummer, KommuneNeighbour.neighbour).where(
                KommuneNeighbour.structure == CURRENT_STRUCTURE
            )
        ).all()
    county = {str(k): COUNTY_PREFIX + str(f) for k, f in rows}
    neighbours: dict[str, list[str]] = {}
    for k, n in links:
        neighbours.setdefault(str(k), []).append(str(n))
    return county, neighbours


def _fraction(dates: pd.Series, data_date: dt.date, disease: str, basis: str) -> np.ndarray:
    """F of each date on the data date (1 for a series by registration date)."""
    if basis != "test":
        return np.ones(len(dates))
    elapsed = (pd.Timestamp(data_date) - pd.to_datetime(dates)).dt.days.to_numpy()
    return nc.reported_fraction(delay(disease=disease, data_date=data_date), elapsed)


def _weekday_factors(
    start: dt.date, end: dt.date, fraction: np.ndarray, disease: str
) -> np.ndarray:
    """The weekday factors of the window (:func:`data.nowcast.weekday_factors`) from the
    nation's published daily cells (the same for every role)."""
    nation = _published_matrix([NATION], start, end, disease)[0]
    return nc.weekday_factors(nation, fraction)


def _published_matrix(areas: list[str], start: dt.date, end: dt.date, disease: str) -> np.ndarray:
    """Published daily cells (areas × days, NaN withheld) from the key figures."""
    rows = key_figures.area_rows(
        areas=tuple(sorted(set(areas))),
        start=start,
        end=end,
        disease=disease,
        columns=("cases_pub",),
    )
    days = pd.date_range(start, end)
    wide = rows.pivot(index="area", columns="date", values="cases_pub")
    wide = wide.reindex(index=areas, columns=days)
    return wide.to_numpy(dtype="float64")


@cached()
def between_variance(*, disease: str, end: dt.date, data_date: dt.date, basis: str) -> float:
    """τ² of the growth rates of the kommuner around their county's over the window ending on
    ``end``, from the published cells of every kommune and county (one number per disease
    and date: it describes no area)."""
    county_of, _ = _geography()
    start = end - dt.timedelta(days=nc.WINDOW - 1)
    kommuner = sorted(county_of)
    counties = sorted(set(county_of.values()))
    fraction = _fraction(pd.Series(pd.date_range(start, end)), data_date, disease, basis)
    offset = fraction * _weekday_factors(start, end, fraction, disease)
    own = nc.fit_growth(_published_matrix(kommuner, start, end, disease), offset)
    county = nc.fit_growth(_published_matrix(counties, start, end, disease), offset)
    county_rate = dict(zip(counties, county.rate, strict=True))
    prior = np.array([county_rate[county_of[k]] for k in kommuner])
    enough = own.cases >= nc.MIN_CASES
    return nc.between_variance(own.rate[enough], own.se[enough], prior[enough])


@cached()
def kommune_growth(
    *,
    scope: Scope,
    kommunenummer: str,
    date: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> dict[str, Any]:
    """The kommune's growth over the :data:`data.nowcast.WINDOW` days ending on ``date`` (or
    the data date, if earlier) and the nowcast of its incomplete days, as the scope sees them.

    Returns: ``growth`` (:class:`data.nowcast.Growth`; ``shown`` False with the reason below
    the minimum count, or ``"short"`` when the window begins before the loaded period),
    ``nowcast`` (date, nowcast, nowcast_low, nowcast_high of the days not yet complete on the
    data date; empty when none is), ``end``, ``window`` (days),
    ``prior`` (the county's and out-of-county neighbours' growth rate per day), ``tau2`` and
    ``offset`` (each day's reporting fraction × weekday factor, the fits' offset).
    """
    info = dataset_info(scope=scope)
    data_date: dt.date = info["data_date"]
    basis: str = info["case_date_basis"]
    end = min(date, data_date)
    start = end - dt.timedelta(days=nc.WINDOW - 1)
    own = cases_daily(
        scope=scope, level="kommune", code=kommunenummer, start=start, end=end, disease=disease
    )
    county_of, neighbour_of = _geography()
    county_area = county_of.get(kommunenummer)
    fraction = _fraction(own["date"], data_date, disease, basis)
    weekday = _weekday_factors(start, end, fraction, disease)
    offset = fraction * weekday
    own_counts = own["cases"].to_numpy(dtype="float64")
    own_fit = nc.fit_growth(own_counts[None, :], offset)

    prior_rate, prior_se = np.nan, np.nan
    if county_area is not None:
        county = cases_daily(
            scope=scope,
            level="fylke",
            code=county_area[len(COUNTY_PREFIX) :],
            start=start,
            end=end,
            disease=disease,
        )
        outside = [
            n for n in neighbour_of.get(kommunenummer, []) if county_of.get(n) != county_area
        ]
        rows = [county["cases"].to_numpy(dtype="float64")]
        if outside:
            rows.extend(_published_matrix(outside, start, end, disease))
        prior = nc.fit_growth(np.vstack(rows)[None, :, :], offset)
        prior_rate, prior_se = float(prior.rate[0]), float(prior.se[0])
    tau2 = between_variance(disease=disease, end=end, data_date=data_date, basis=basis)
    growth = (
        nc.Growth(False, "short", cases=float(np.nansum(own_counts)))
        if start < info["period_start"]  # days before the loaded period are no zeros
        else nc.shrink(
            float(own_fit.rate[0]),
            float(own_fit.se[0]),
            float(np.nansum(own_counts)),
            prior_rate=prior_rate,
            prior_se=prior_se,
            tau2=tau2,
            disease=disease,
        )
    )

    incomplete = ~own["complete"].astype(bool).to_numpy()
    frame = pd.DataFrame({"date": pd.to_datetime(own["date"])})
    if incomplete.any():
        if np.isfinite(own_fit.rate[0]):
            expected = own_fit.fitted[0, 0, :] * weekday
        else:
            seen = own_counts[~incomplete]
            expected = np.full(len(own_counts), np.nanmean(seen) if np.isfinite(seen).any() else 0)
        estimate, low, high = nc.nowcast(own_counts, fraction, expected)
        frame = frame.assign(nowcast=estimate, nowcast_low=low, nowcast_high=high)[incomplete]
    else:
        frame = frame.assign(nowcast=np.nan, nowcast_low=np.nan, nowcast_high=np.nan).iloc[:0]
    return {
        "growth": growth,
        "nowcast": frame.reset_index(drop=True),
        "end": end,
        "window": nc.WINDOW,
        "basis": basis,  # "test": by test date, nowcast of the incomplete days; else registration
        "prior": prior_rate,
        "tau2": tau2,
        "offset": offset,
    }


def _scoped_matrix(
    scope: Scope, kommuner: list[str], start: dt.date, end: dt.date, disease: str
) -> np.ndarray:
    """Daily cases (kommuner × days) as :func:`cases_daily` gives each kommune to the scope:
    the true count where the scope may see the kommune's small numbers, else the published
    cell (NaN: withheld, 0–4)."""
    rows = key_figures.area_rows(
        areas=tuple(sorted(set(kommuner))),
        start=start,
        end=end,
        disease=disease,
        columns=("cases", "cases_pub"),
    )
    rows = published.apply(rows, scope=scope, counts=["cases"], kommune_column="area")
    wide = rows.pivot(index="area", columns="date", values="cases")
    return wide.reindex(index=kommuner, columns=pd.date_range(start, end)).to_numpy("float64")


@cached()
def growth_by_kommune(
    *, scope: Scope, date: dt.date, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """Every kommune in the scope on ``date`` (the registry's ``area_reader`` of
    ``p_growth``): ``p_growth`` as :func:`kommune_growth` gives it for one kommune (NaN where
    not shown: below the minimum count, too short a series, no fit), fitted for all kommuner
    at once, beside the published windows ``cases_14d``, ``cases_7d`` and ``cases_prev_7d``
    with their flags, and population."""
    windows = case_windows(scope=scope, date=date, disease=disease)
    counts = ("cases_14d", "cases_7d", "cases_prev_7d")  # the windows and the trend's
    keep = ["kommunenummer", "population", *(f"{c}{f}" for c in counts for f in FLAGS)]
    out = windows[[c for c in keep if c in windows]].copy()
    kommuner = [str(k) for k in out["kommunenummer"]]
    out["p_growth"] = np.nan
    info = dataset_info(scope=scope)
    data_date: dt.date = info["data_date"]
    basis: str = info["case_date_basis"]
    end = min(date, data_date)
    start = end - dt.timedelta(days=nc.WINDOW - 1)
    if not kommuner or start < info["period_start"]:
        return out.reset_index(drop=True)
    own = _scoped_matrix(scope, kommuner, start, end, disease)
    fraction = _fraction(pd.Series(pd.date_range(start, end)), data_date, disease, basis)
    offset = fraction * _weekday_factors(start, end, fraction, disease)
    own_fit = nc.fit_growth(own, offset)
    county_of, neighbour_of = _geography()
    counties = {
        area: cases_daily(
            scope=scope, level="fylke", code=area[len(COUNTY_PREFIX) :], start=start,
            end=end, disease=disease,
        )["cases"].to_numpy(dtype="float64")
        for area in sorted({county_of[k] for k in kommuner if k in county_of})
    }  # fmt: skip
    outside = {
        k: [n for n in neighbour_of.get(k, []) if county_of.get(n) != county_of.get(k)]
        for k in kommuner
    }
    # each kommune's prior: its county and its neighbours outside it, fitted in batches of
    # kommuner with as many areas (the fit's dispersion counts the areas)
    prior_rate = np.full(len(kommuner), np.nan)
    prior_se = np.full(len(kommuner), np.nan)
    batches: dict[int, list[int]] = {}
    for i, k in enumerate(kommuner):
        if k in county_of:
            batches.setdefault(len(outside[k]), []).append(i)
    # the neighbours' published cells, read once for all of them
    near = sorted({n for k in kommuner for n in outside[k]})
    cells = (
        dict(zip(near, _published_matrix(near, start, end, disease), strict=True)) if near else {}
    )
    for width, members in batches.items():
        areas = np.zeros((len(members), 1 + width, nc.WINDOW))
        for row, i in enumerate(members):
            areas[row, 0] = counties[county_of[kommuner[i]]]
            for j, n in enumerate(outside[kommuner[i]]):
                areas[row, 1 + j] = cells[n]
        prior = nc.fit_growth(areas, offset)
        prior_rate[members], prior_se[members] = prior.rate, prior.se
    tau2 = between_variance(disease=disease, end=end, data_date=data_date, basis=basis)
    values = []
    for i in range(len(kommuner)):
        g = nc.shrink(
            float(own_fit.rate[i]),
            float(own_fit.se[i]),
            float(np.nansum(own[i])),
            prior_rate=float(prior_rate[i]),
            prior_se=float(prior_se[i]),
            tau2=tau2,
            disease=disease,
        )
        values.append(g.p_growth if g.shown else np.nan)
    out["p_growth"] = np.array(values, dtype="float64")
    return out.reset_index(drop=True)


def with_nowcast(
    daily: pd.DataFrame,
    *,
    scope: Scope,
    kommunenummer: str,
    date: dt.date,
    disease: str | None = None,
) -> pd.DataFrame:
    """``daily`` (a kommune's daily series with a ``date`` column) with the nowcast columns
    of its incomplete days (NaN elsewhere), as :func:`kommune_growth` gives them to the scope:
    the band of :func:`dashboard.figures.core.nowcast_band`. ``disease``: None for the chosen
    one (:func:`data.db.chosen_disease`)."""
    chosen = {} if disease is None else {"disease": disease}
    frame = kommune_growth(scope=scope, kommunenummer=kommunenummer, date=date, **chosen)["nowcast"]
    if frame.empty or "date" not in daily:
        return daily
    keyed = daily.assign(date=pd.to_datetime(daily["date"]))
    return keyed.merge(frame, on="date", how="left")


__all__ = ["between_variance", "delay", "growth_by_kommune", "kommune_growth", "with_nowcast"]
