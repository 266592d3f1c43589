"""Kommuneoversikt: every kommune in the caller's scope side by side on one date.

One scoped, cached read (:func:`kommune_overview`) gives one row per kommune with the counts
behind the key indicators, read from the same aggregate tables, over the same windows, as the
kommune pages:

* cases by test date, 7 and 14 days and the 7 days before (as :func:`case_windows`,
  the Kommune page and the map);
* test events and positive events in the 7 days ending on the date (Testing page);
* persons with at least dose 2 and dose 3, all ages, at the end of the date (Vaksinasjon);
* residents with a valid certificate on the date (Koronasertifikat, total row);
* arrivals registered with arrival date in the 14 days ending on the date (Innreise default);
* active clusters on the date (Morgenbrief: last case at most 14 days old).

The counts of all kommuner are read once per date and data version and cached *without* the
scope (:func:`_raw_by_kommune`); the public functions hand out what the scope's policy
publishes (:mod:`data.published`): the case and test windows are the key figures' published
cells (the same as the map's, the Kommune page's and the Morgenbrief's), the other counts are
perturbed with their area's record keys. County rows (:func:`county_overview`) are the
counties' own cells.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Integer, cast, func, literal, select

from data import db, overview_store, published
from data.cache import cached
from data.certificate_aggregates import decode
from data.codes import DEFAULT_DISEASE
from data.protection import protect
from data.queries.cases import kommune_list
from data.queries.certificates import LONG_TIMEOUT, _as_date, _day_of
from data.queries.clusters import ACTIVE_DAYS
from data.queries.frames import read_frame
from data.queries.population import year_of
from data.rollups import COUNTY_PREFIX
from data.schema import (
    AggArrivalsDaily,
    AggCertificateSeries,
    AggKeyFigures,
    Cluster,
)
from data.scope import Scope

ARRIVAL_DAYS = 14  # the Innreise page's default window
SPARK_WEEKS = 8
CASE_COUNTS = ["cases_7d", "cases_prev_7d", "cases_14d"]
TEST_COUNTS = ["tests_7d", "positive_7d"]
OTHER_COUNTS = ["cert_valid", "arrivals_14d", "active_clusters"]
VACCINE_DOSES = (2, 3)
VACCINE_COUNTS = [f"vaccinated_d{d}" for d in VACCINE_DOSES]
COUNTS = [*CASE_COUNTS, *TEST_COUNTS, *VACCINE_COUNTS, *OTHER_COUNTS]
REFERENCE = ["kommunenummer", "name", "fylkesnummer", "fylkesnavn", "population"]


# --------------------------------------------------------------------------- raw reads
def _day_number(column: Any) -> Any:
    """Days since 1970-01-01 of a date column, computed by the database."""
    if db.engine().dialect.name == "postgresql":
        return column - literal(dt.date(1970, 1, 1))
    return cast(func.julianday(column) - 2440587.5, Integer)


KEY_COUNTS = [*CASE_COUNTS, *TEST_COUNTS]


def _key_windows(dates: tuple[dt.date, ...], disease: str) -> pd.DataFrame:
    """The case and test windows of every area (kommuner, ``F``+fylkesnummer, ``NO``) on each
    of ``dates``, true and published (``<count>_pub``): the key figures' cells, the same as
    the map, the Kommune page and the Morgenbrief read. Columns: area, date and the counts."""
    k = AggKeyFigures
    names = [*KEY_COUNTS, *(published.pub(c) for c in KEY_COUNTS)]
    q = select(k.area, k.date, *(getattr(k, c) for c in names)).where(
        k.disease == disease, k.date.in_(dates)
    )
    with db.engine().connect() as conn:
        result = conn.execute(q)
        rows = result.cursor.fetchall() if result.cursor is not None else []
    frame = pd.DataFrame(rows, columns=["area", "date", *names])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def _key_counts(date: dt.date, disease: str) -> pd.DataFrame:
    """:func:`_key_windows` of the kommuner on ``date``: kommunenummer and the counts."""
    frame = _key_windows((date,), disease)
    return frame.drop(columns="date").rename(columns={"area": "kommunenummer"})


def _window_of(cumulative: dict[str, object], end: dt.date, days: int) -> np.ndarray:
    """Per kommune, the sum over the ``days`` days ending on ``end`` of running totals
    (0 outside the data)."""
    totals = np.asarray(cumulative["cumulative"])
    first = int(cumulative["first"])  # type: ignore[call-overload]

    def at(day: int) -> np.ndarray:
        i = day - first
        if i < 0 or totals.shape[1] == 0:
            return np.zeros(totals.shape[0], dtype=np.int64)
        return totals[:, min(i, totals.shape[1] - 1)]

    last = _day_of(end)
    return at(last) - at(last - days)


@cached(timeout=LONG_TIMEOUT)
def _cumulative_arrivals(*, disease: str) -> dict[str, object]:
    """Unprotected running total of registered arrivals per kommune of stay and arrival day,
    from the daily aggregate (the same count as the arrival rows the Innreise page reads)."""
    a = AggArrivalsDaily
    q = (
        select(a.kommunenummer, _day_number(a.date), func.sum(a.arrivals))
        .where(a.disease == disease)
        .group_by(a.kommunenummer, a.date)
    )
    with db.engine().connect() as conn:
        result = conn.execute(q)
        raw = result.cursor.fetchall() if result.cursor is not None else []
    codes = sorted({str(r[0]) for r in raw})
    if not raw:
        return {"codes": codes, "first": 0, "cumulative": np.zeros((0, 1), dtype=np.int64)}
    index = {code: i for i, code in enumerate(codes)}
    kommune = np.array([index[str(r[0])] for r in raw], dtype=np.int64)
    day = np.array([r[1] for r in raw], dtype=np.int64)
    first = int(day.min())
    daily = np.zeros((len(codes), int(day.max()) - first + 1), dtype=np.int64)
    np.add.at(daily, (kommune, day - first), np.array([r[2] for r in raw], dtype=np.int64))
    return {"codes": codes, "first": first, "cumulative": np.cumsum(daily, axis=1)}


def _arrivals(date: dt.date, disease: str) -> pd.DataFrame:
    cumulative = _cumulative_arrivals(disease=disease)
    return pd.DataFrame(
        {
            "kommunenummer": cumulative["codes"],
            "arrivals_14d": _window_of(cumulative, date, ARRIVAL_DAYS),
        }
    )


def _vaccinated(date: dt.date, disease: str) -> pd.DataFrame:
    """Persons with at least dose 2 and 3 per kommune at the end of ``date`` (all ages) and
    the population they are divided by: the Vaksinasjon page's group rows
    (:func:`data.queries.vaccination.vaccination_by_kommune`, read unprotected here), so that
    the two pages give one coverage, on demo data and on a published snapshot alike."""
    from data.queries.vaccination import vaccination_by_kommune
    from data.queries.vaccination_groups import GROUP_ALL

    codes = kommune_list(scope=Scope.full())["kommunenummer"].astype(str).tolist()
    rows = vaccination_by_kommune(scope=Scope.full(), kommuner=codes, date=date, disease=disease)
    alle = rows[rows["age_band"].eq(GROUP_ALL) & rows["dose_number"].isin(VACCINE_DOSES)]
    wide = alle.pivot(index="kommunenummer", columns="dose_number", values="vaccinated")
    denominators = alle.groupby("kommunenummer")["population"].first()
    out = pd.DataFrame({"kommunenummer": wide.index.astype(str)})
    for dose, column in zip(VACCINE_DOSES, VACCINE_COUNTS, strict=True):
        out[column] = wide.get(dose, pd.Series(0, index=wide.index)).fillna(0).to_numpy()
    out["population_vaccination"] = denominators.reindex(wide.index).fillna(0).to_numpy()
    return out


def _active_clusters(date: dt.date, disease: str) -> pd.DataFrame:
    """Active clusters per involved kommune, as :func:`data.queries.clusters.clusters_on`."""
    q = select(Cluster.kommuner_involved).where(
        Cluster.disease == disease,
        Cluster.first_case_date <= date,
        Cluster.last_case_date >= date - dt.timedelta(days=ACTIVE_DAYS),
    )
    frame = read_frame(q, ["kommuner_involved"])
    # a cluster counts once per kommune it involves (clusters_on matches the code list)
    codes = [set(str(ks).split()) for ks in frame["kommuner_involved"]]
    flat = pd.Series([c for group in codes for c in group], dtype=object)
    counts = flat.value_counts()
    return pd.DataFrame({"kommunenummer": counts.index, "active_clusters": counts.to_numpy()})


@cached(timeout=LONG_TIMEOUT)
def _valid_certificates_daily(*, end: dt.date, disease: str) -> dict[str, object]:
    """Unprotected residents with a valid certificate per kommune and day, from the stored
    certificate series (:mod:`data.certificate_aggregates`; the age bands of a kommune are
    disjoint, so they add up). Cached without the scope: the data version is in the key."""
    t = AggCertificateSeries
    q = select(t.area_code, t.first_date, t.counts).where(
        t.disease == disease, t.area_level == "kommune", t.measure == "valid"
    )
    with db.engine().connect() as conn:
        rows = [
            (str(code), _day_of(_as_date(first)), decode(blob))
            for code, first, blob in conn.execute(q)
        ]
    codes = sorted({code for code, _, _ in rows})
    last = _day_of(end)
    first = min((f for _, f, _ in rows), default=last)
    valid = np.zeros((len(codes), last - first + 1), dtype=np.int64)
    index = {code: i for i, code in enumerate(codes)}
    for code, row_first, values in rows:
        offset = row_first - first
        n = max(0, min(len(values), valid.shape[1] - offset))
        valid[index[code], offset : offset + n] += values[:n]
    return {"codes": codes, "first": first, "valid": valid}


def _certificates(date: dt.date, disease: str, data_date: dt.date) -> pd.DataFrame:
    daily = _valid_certificates_daily(end=data_date, disease=disease)
    valid = np.asarray(daily["valid"])
    day = _day_of(date) - int(daily["first"])  # type: ignore[call-overload]
    values = valid[:, day] if 0 <= day < valid.shape[1] else np.zeros(valid.shape[0], np.int64)
    return pd.DataFrame({"kommunenummer": daily["codes"], "cert_valid": values})


@cached()
def _raw_by_kommune(*, date: dt.date, data_date: dt.date, disease: str) -> pd.DataFrame:
    """Unprotected counts of every kommune on ``date``; only called after the scope is
    applied by the public functions below."""
    reference = kommune_list(scope=Scope.full(), year=year_of(date))[REFERENCE]
    out = reference
    for part in (
        _key_counts(date, disease),
        _vaccinated(date, disease),
        _certificates(date, disease, data_date),
        _arrivals(date, disease),
        _active_clusters(date, disease),
    ):
        out = out.merge(part, on="kommunenummer", how="left")
    # a kommune without key-figure rows has no cases or tests: 0, published as 0 (a hidden
    # published cell stays NaN)
    missing = out["cases_7d"].isna()
    out.loc[missing, [published.pub(c) for c in KEY_COUNTS]] = 0
    out[COUNTS] = out[COUNTS].fillna(0).astype("int64")
    out["population_vaccination"] = out["population_vaccination"].fillna(0).astype("int64")
    return out.reset_index(drop=True)


def _weekly_cases(*, date: dt.date, weeks: int, disease: str) -> pd.DataFrame:
    """Cases per kommune in the ``weeks`` 7-day periods ending on ``date`` (week 0 is the
    latest): the 7-day windows of the key figures ending on ``date - 7·week``, true and
    published. Columns: kommunenummer, week, cases, cases_pub."""
    ends = tuple(date - dt.timedelta(days=7 * w) for w in range(weeks))
    frame = _key_windows(ends, disease)
    week = {end: w for w, end in enumerate(ends)}
    return pd.DataFrame(
        {
            "kommunenummer": frame["area"],
            "week": frame["date"].map(week),
            "cases": frame["cases_7d"],
            "cases_pub": frame[published.pub("cases_7d")],
        }
    )


# --------------------------------------------------------------------------- protection
def _publish(frame: pd.DataFrame, *, scope: Scope, area_column: str) -> pd.DataFrame:
    """Every count of the rows as the scope's policy publishes it, judged by the row's area
    (``area_column``: a kommunenummer or ``F`` + fylkesnummer): the case and test windows are
    the key figures' published cells (:mod:`data.published`), the other counts are published
    by :func:`data.protection.protect`. Persons vaccinated are withheld where the unvaccinated
    (population − vaccinated, the population being public) are 1–4."""
    out = published.apply(frame, scope=scope, counts=KEY_COUNTS, kommune_column=area_column)
    out = protect(
        out, scope=scope, counts=[*VACCINE_COUNTS, *OTHER_COUNTS], kommune_column=area_column
    )
    rest = {c: frame["population_vaccination"] - frame[c] for c in VACCINE_COUNTS}
    return published.withhold_complements(out, scope=scope, rest=rest, kommune_column=area_column)


def _in_scope(scope: Scope, date: dt.date, disease: str) -> pd.DataFrame:
    from data.queries.cases import dataset_info

    info = dataset_info(scope=scope)
    raw = _raw_by_kommune(date=date, data_date=info["data_date"], disease=disease)
    allowed = scope.restrict(None)
    if allowed is not None:
        raw = raw[raw["kommunenummer"].isin(allowed)].reset_index(drop=True)
    return raw


@cached()
def kommune_overview(
    *, scope: Scope, date: dt.date, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """One row per kommune in the scope on ``date``.

    Columns: kommunenummer, name, fylkesnummer, fylkesnavn, population (1 January of the
    date's year), cases_7d, cases_prev_7d, cases_14d, tests_7d, positive_7d, vaccinated_d2,
    vaccinated_d3 (persons with at least that dose, all ages), cert_valid, arrivals_14d,
    active_clusters, and ``<count>_suppressed`` for each count withheld (1–4). The counts are
    the published cells of the scope's policy (:mod:`data.published`): no secondary
    suppression, every count carries its own perturbation.
    """

    def build(wide: Scope) -> pd.DataFrame:
        raw = _in_scope(wide, date, disease)
        return _publish(raw, scope=wide, area_column="kommunenummer")

    # the whole country's rows of the scope's policy, built once and cut to the scope
    return overview_store.published_rows(
        "kommune_overview", scope=scope, arguments=(date, disease), build=build
    )


@cached()
def county_overview(*, scope: Scope, date: dt.date, disease: str = DEFAULT_DISEASE) -> pd.DataFrame:
    """The counties of the kommuner in the scope (whole counties only: a county is listed when
    the caller may see all its kommuner), same count columns as :func:`kommune_overview`,
    published as areas. The case and test windows are the county's key figures (the sum of
    its kommuner, the same cells as the Morgenbrief's county); the other counts the sums of
    the kommuner. Columns: fylkesnummer, fylkesnavn, kommuner (number of kommuner),
    population and the counts."""
    from data.queries.cases import dataset_info

    info = dataset_info(scope=scope)
    full = _raw_by_kommune(date=date, data_date=info["data_date"], disease=disease)
    allowed = scope.restrict(None)
    members = full.groupby("fylkesnummer")["kommunenummer"].apply(set)
    fylker = [f for f, ks in members.items() if allowed is None or ks <= set(allowed)]
    part = full[full["fylkesnummer"].isin(fylker)]
    others = [c for c in COUNTS if c not in KEY_COUNTS]
    sums = part.groupby(["fylkesnummer", "fylkesnavn"], as_index=False)[
        ["population", "population_vaccination", *others]
    ].sum()
    sums.insert(2, "kommuner", part.groupby("fylkesnummer").size().to_numpy())
    sums["area"] = COUNTY_PREFIX + sums["fylkesnummer"].astype(str)
    windows = _key_windows((date,), disease).drop(columns="date")
    sums = sums.merge(windows, on="area", how="left")
    missing = sums["cases_7d"].isna()
    sums.loc[missing, [*KEY_COUNTS, *(published.pub(c) for c in KEY_COUNTS)]] = 0
    out = _publish(sums, scope=scope, area_column="area")
    return out.drop(columns="area").reset_index(drop=True)


@cached()
def weekly_cases(
    *, scope: Scope, date: dt.date, weeks: int = SPARK_WEEKS, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """Cases per kommune in the scope in each of the ``weeks`` 7-day periods ending on
    ``date`` (for sparklines): the published 7-day windows ending on ``date − 7·week``, so
    ``w0`` is the overview's cases_7d and ``w1`` its cases_prev_7d. Columns: kommunenummer,
    ``w0`` (the latest week) … ``w<weeks-1>`` (NaN where withheld), and ``s0`` … flags for
    the withheld cells."""
    return overview_store.published_rows(
        "weekly_cases",
        scope=scope,
        arguments=(date, weeks, disease),
        build=lambda wide: _published_weeks(wide, date, weeks, disease),
    )


def _published_weeks(scope: Scope, date: dt.date, weeks: int, disease: str) -> pd.DataFrame:
    raw = _in_scope(scope, date, disease)
    counts = _weekly_cases(date=date, weeks=weeks, disease=disease)
    counts = published.apply(counts, scope=scope, counts=["cases"])
    index = raw["kommunenummer"]
    wide = counts.pivot(index="kommunenummer", columns="week", values="cases")
    wide = wide.reindex(index=index, columns=range(weeks)).fillna(0)
    hidden = counts.pivot(index="kommunenummer", columns="week", values="cases_suppressed")
    hidden = hidden.reindex(index=index, columns=range(weeks)).fillna(False).astype(bool)
    values = wide.astype("float64").mask(hidden)
    values.columns = [f"w{w}" for w in range(weeks)]
    flags = hidden.copy()
    flags.columns = [f"s{w}" for w in range(weeks)]
    return pd.concat([values, flags], axis=1).reset_index()


__all__ = [
    "ARRIVAL_DAYS",
    "COUNTS",
    "SPARK_WEEKS",
    "county_overview",
    "kommune_overview",
    "weekly_cases",
]
