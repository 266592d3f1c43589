"""Reference, dataset facts and case queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, select

from data import db, key_figures, published, rollups
from data.cache import cached
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.queries.frames import (
    AreaLevel,
    area_kommuner,
    parse_dates,
    read_frame,
    read_raw_frame,
)
from data.queries.population import totals_by_year, year_of
from data.schema import (
    AggCasesDaily,
    AggKeyFigures,
    DatasetMeta,
    Fylke,
    Kommune,
    KommuneNeighbour,
    Population,
)
from data.scope import Scope
from geo import reference

WINDOW_COUNTS = ["cases_7d", "cases_prev_7d", "cases_14d"]


def read_data_version() -> str:
    """Unscoped on purpose: a counter, not data. Used by the cache for its keys."""
    with db.engine().connect() as conn:
        value = conn.execute(
            select(DatasetMeta.value).where(DatasetMeta.key == "data_version")
        ).scalar_one_or_none()
    return value or "0"


@cached()
@cached()
def dataset_info(*, scope: Scope) -> dict[str, Any]:
    """Facts about the loaded data: data date, period, demo flag, scale, seed."""
    with db.engine().connect() as conn:
        meta = dict(conn.execute(select(DatasetMeta.key, DatasetMeta.value)).all())
    if "data_date" not in meta:
        raise LookupError("The database has no data yet: run `situasjonsbilde demo` or an import")
    return {
        "data_date": dt.date.fromisoformat(meta["data_date"]),
        "period_start": dt.date.fromisoformat(meta.get("period_start", meta["data_date"])),
        "is_demo": meta.get("is_demo", "false") == "true",
        "scale": meta.get("scale", ""),
        "seed": meta.get("seed", ""),
        "population_fraction": float(meta.get("population_fraction", "1") or 1),
        "source": meta.get("source", ""),
        "data_version": meta.get("data_version", "0"),
        # The date the kommune case series counts by: test (sample) date, or registration
        # date where that is the only series published (FHI's kommune files).
        "case_date_basis": meta.get("case_date_basis") or "test",
    }


CASE_COLUMNS = {"test": "cases_by_testdate", "registration": "cases_by_regdate"}


def case_date_basis() -> str:
    """``test`` or ``registration``: which case series the windows and ``cases`` column use.

    Unscoped on purpose: a fact about the loaded dataset (``dataset_meta``), not data. Demo
    data have cases by test date; FHI's kommune series by registration date only.
    """
    with db.engine().connect() as conn:
        value = conn.execute(
            select(DatasetMeta.value).where(DatasetMeta.key == "case_date_basis")
        ).scalar_one_or_none()
    return value if value in CASE_COLUMNS else "test"


def _case_column(basis: str) -> Any:
    return getattr(AggCasesDaily, CASE_COLUMNS[basis])


@cached()
def kommune_list(
    *, scope: Scope, structure: int = CURRENT_STRUCTURE, year: int | None = None
) -> pd.DataFrame:
    """The kommuner the caller may see, with county and population.

    Columns: kommunenummer, name, fylkesnummer, fylkesnavn, population.
    """
    if year is None:
        with db.engine().connect() as conn:
            year = conn.execute(select(func.max(Population.year))).scalar_one_or_none()
    pop = (
        select(Population.kommunenummer, func.sum(Population.population).label("population"))
        .where(Population.structure == structure, Population.year == year)
        .group_by(Population.kommunenummer)
        .subquery()
    )
    q = (
        select(
            Kommune.kommunenummer,
            Kommune.name,
            Kommune.fylkesnummer,
            Fylke.name,
            func.coalesce(pop.c.population, 0),
        )
        .join(
            Fylke,
            and_(Fylke.fylkesnummer == Kommune.fylkesnummer, Fylke.structure == Kommune.structure),
        )
        .outerjoin(pop, pop.c.kommunenummer == Kommune.kommunenummer)
        .where(Kommune.structure == structure)
        .order_by(Kommune.kommunenummer)
    )
    allowed = scope.restrict(None)
    if allowed is not None:
        q = q.where(Kommune.kommunenummer.in_(allowed))
    return read_frame(q, ["kommunenummer", "name", "fylkesnummer", "fylkesnavn", "population"])


@cached()
def neighbour_list(
    *, scope: Scope, kommunenummer: str, structure: int = CURRENT_STRUCTURE
) -> pd.DataFrame:
    """Neighbouring kommuner of one kommune: by land, bridge, tunnel, ferry or passenger boat
    (:func:`geo.reference.neighbour_links`). Columns: kommunenummer, name, kinds (the kinds of
    link, e.g. ``land`` or ``bru, ferje``), via (the named bridges, tunnels and routes) and
    sources (source keys of ``geo/reference/travel_links.md``).

    Reference data, not facts: any logged-in user may know who the neighbours are; their
    numbers are read through the scoped queries.
    """
    q = (
        select(Kommune.kommunenummer, Kommune.name)
        .join(
            KommuneNeighbour,
            and_(
                KommuneNeighbour.neighbour == Kommune.kommunenummer,
                KommuneNeighbour.structure == Kommune.structure,
            ),
        )
        .where(
            Kommune.structure == structure,
            KommuneNeighbour.kommunenummer == kommunenummer,
        )
        .order_by(Kommune.kommunenummer)
    )
    frame = read_frame(q, ["kommunenummer", "name"])
    links = reference.neighbour_links(structure)
    links = links[links["kommunenummer"] == kommunenummer]
    by_neighbour = links.groupby("neighbour", sort=False).agg(
        kinds=("kind", lambda k: ", ".join(dict.fromkeys(k))),
        via=("name", lambda n: "; ".join(x for x in dict.fromkeys(n) if x)),
        sources=("source", lambda s: ", ".join(dict.fromkeys(s))),
    )
    frame = frame.join(by_neighbour, on="kommunenummer")
    # a store loaded from older reference data may hold a pair the table no longer has
    frame["kinds"] = frame["kinds"].fillna("land")
    return frame.fillna({"via": "", "sources": ""})


@cached()
def case_windows(*, scope: Scope, date: dt.date, disease: str = DEFAULT_DISEASE) -> pd.DataFrame:
    """Per kommune in scope: cases in the windows ending on ``date``, by the dataset's case
    date basis (test date, or registration date where only that is published).

    Columns: kommunenummer, cases_7d, cases_prev_7d, cases_14d, population.
    ``cases_prev_7d`` is the 7 days before the last 7 (for the trend rule). The windows are
    one indexed read of the key figures (:mod:`data.key_figures`, summed at load from the
    daily aggregate by the same basis).
    """
    k = AggKeyFigures
    names = [*WINDOW_COUNTS, *(published.pub(c) for c in WINDOW_COUNTS)]
    q = select(k.area, *(getattr(k, c) for c in names)).where(k.disease == disease, k.date == date)
    allowed = scope.restrict(None)
    if allowed is not None:
        q = q.where(k.area.in_(allowed))
    counts = read_raw_frame(q, ["kommunenummer", *names])
    kommuner = kommune_list(scope=scope, year=year_of(date))
    columns = ["kommunenummer", "population"]
    out = kommuner[columns].merge(counts, on="kommunenummer", how="left")
    missing = out["cases_7d"].isna()  # a kommune without rows has no cases: 0, published 0
    for c in names:
        out.loc[missing, c] = 0
    out[WINDOW_COUNTS] = out[WINDOW_COUNTS].astype("int64")
    # The published cells: county and national totals beside these rows carry their own
    # perturbation, so no secondary suppression is needed (data.published).
    return published.apply(out, scope=scope, counts=WINDOW_COUNTS)


@cached()
def cases_daily(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    start: dt.date,
    end: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Daily cases for one area (a kommune, a fylke or the nation), every day in [start, end].

    Columns: date, cases_by_testdate, cases_by_regdate, ``cases`` (the one of the two the
    dataset counts by, see :func:`case_date_basis`), the windows of ``cases`` ending on each day
    (cases_7d, cases_prev_7d, cases_14d), population (1 January of the year), and
    ``<column>_suppressed`` flags, and ``complete`` (False on the last test dates still
    incomplete on the data date, :mod:`data.queries.completeness`). Windows are summed before
    small-number protection, so a withheld day never makes a window smaller than it is.
    """
    members = area_kommuner(scope, level, code)
    key = None if members is None else tuple(sorted(members))
    held = key_figures.daily(
        members=key, start=start, end=end, disease=disease, columns=DAILY_COLUMNS
    )
    area_code = code if level == "kommune" else None
    out = _summed_daily(members, start, end, disease) if held is None else held
    out = published.series(
        out, scope=scope, counts=["cases", *WINDOW_COUNTS, *BASIS_COLUMNS], area_code=area_code
    )
    if held is not None and not scope.may_see_small_numbers(area_code):
        # ``cases`` is published; the count by the dataset's basis is the same cell, the other
        # basis is not published to this role
        basis = CASE_COLUMNS[case_date_basis()]
        for c in BASIS_COLUMNS:
            out[c] = out["cases"] if c == basis else np.nan
            out[f"{c}_suppressed"] = out["cases_suppressed"] if c == basis else True
    from data.queries.completeness import case_completeness, mark_complete

    return mark_complete(out, case_completeness(scope=scope, disease=disease))


# the daily counts by each date basis are read to build ``cases`` only: what is shown is
# ``cases`` (by the dataset's basis) and its windows, as published
BASIS_COLUMNS = ("cases_by_testdate", "cases_by_regdate")
DAILY_COLUMNS = (
    *BASIS_COLUMNS,
    "cases",
    "cases_7d",
    "cases_14d",
    "cases_prev_7d",
    *(published.pub(c) for c in ("cases", *WINDOW_COUNTS)),
    "population",
)


def _summed_daily(
    members: list[str] | None, start: dt.date, end: dt.date, disease: str
) -> pd.DataFrame:
    """:func:`cases_daily` before protection, summed from the daily aggregate (for a set of
    kommuner the key figures do not hold as one area)."""
    first = start - dt.timedelta(days=13)
    t, area = rollups.source(AggCasesDaily, members)
    q = (
        select(t.date, func.sum(t.cases_by_testdate), func.sum(t.cases_by_regdate))
        .where(t.disease == disease, t.date >= first, t.date <= end, *area)
        .group_by(t.date)
    )
    counts = parse_dates(
        read_raw_frame(q, ["date", "cases_by_testdate", "cases_by_regdate"]), "date"
    )
    days = pd.DataFrame({"date": pd.date_range(first, end, freq="D")})
    out = days.merge(counts, on="date", how="left").fillna(0)
    out[["cases_by_testdate", "cases_by_regdate"]] = out[
        ["cases_by_testdate", "cases_by_regdate"]
    ].astype("int64")
    out["cases"] = out[CASE_COLUMNS[case_date_basis()]]
    by_basis = out["cases"]
    out["cases_7d"] = by_basis.rolling(7, min_periods=1).sum().astype("int64")
    out["cases_14d"] = by_basis.rolling(14, min_periods=1).sum().astype("int64")
    out["cases_prev_7d"] = out["cases_14d"] - out["cases_7d"]
    out = out[out["date"] >= pd.Timestamp(start)].reset_index(drop=True)
    pop = totals_by_year(members)
    out["population"] = out["date"].dt.year.clip(pop.index.min(), pop.index.max()).map(pop)
    return out
