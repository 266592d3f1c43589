"""Vaccination queries: persons with dose n, from ``agg_vaccination_daily``; population by age.

Each person gets dose n at most once, so the cumulative number of doses of number n up to a date
is the number of persons with at least dose n on that date.

Small-number protection covers both sides of a coverage: the persons vaccinated *and* the
persons not vaccinated (population − vaccinated), because the population is public and either
count gives away the other. Group totals (``65+``, ``alle``) are protected on their own; where
age bands are shown beside them, a second band is withheld whenever one hidden band could be
recovered from a total (secondary suppression), so the totals read the same on every page.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from data import rollups
from data import vaccination_series as stored_series
from data.cache import cached, result_cache_on
from data.codes import AGE_BANDS, DEFAULT_DISEASE
from data.protection import SMALL_MAX, SMALL_MIN, protect
from data.queries.frames import AreaLevel, area_kommuner, read_raw_frame
from data.queries.population import _population_rows, population_for, population_year
from data.queries.population import key as _key
from data.queries.sources import coverage_rows, has_rows
from data.queries.vaccination_groups import (
    DOSES,
    GROUP_65,
    GROUPS,
    _groups_from_wide,
    _long,
)
from data.schema import AggVaccinationDaily
from data.scope import Scope

COVERAGE_COLUMNS = [
    "age_band",
    "dose_number",
    "vaccinated",
    "unvaccinated",
    "population",
    "hidden",
    "vaccinated_suppressed",
    "unvaccinated_suppressed",
]


# --------------------------------------------------------------------------- coverage
# Real data have no dose counts by age and day per kommune: FHI published one coverage snapshot
# (SYSVAK, persons with at least dose n by kommune × age band × sex, ages 12+). Then coverage
# exists on and after the snapshot date only (before it: not available, never zero), with
# FHI's population of each published band as its denominator; the 0–11 band was not published
# (its persons are "not available"; the group "alle" counts the vaccinated aged 12+ against the
# whole population).
@cached()
def _published_snapshot(*, members: tuple[str, ...] | None) -> dict[str, object] | None:
    """The published coverage snapshot for a set of kommuner (None = the nation), summed over
    sex: ``persons`` (index age band, columns dose), ``population`` (by band), ``date``.
    None when the data have dose counts by age (demo data) or no snapshot."""
    by_age, _certificates, _clusters = has_rows()  # per data version: no scan per call
    if by_age:
        return None
    level = "nation" if members is None else "kommune"
    frame = coverage_rows(level=level).rename(
        columns={"area_code": "code", "snapshot_date": "date"}
    )
    if frame.empty:
        return None
    if members is not None:
        frame = frame[frame["code"].isin(members)]
    persons = frame.pivot_table(
        index="age_band", columns="dose_number", values="persons", aggfunc="sum"
    ).reindex(index=list(AGE_BANDS), columns=list(DOSES))
    # the population of a band is the same on every dose row: take it from dose 1
    first = frame[frame["dose_number"] == frame["dose_number"].min()]
    population = first.groupby("age_band")["population"].sum().reindex(list(AGE_BANDS))
    return {
        "persons": persons.astype("float64"),
        "population": population.astype("float64"),
        "date": pd.Timestamp(frame["date"].max()),
    }


def _snapshot_on_days(
    snapshot: dict[str, object], days: pd.DatetimeIndex, population: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Totals (NaN before the snapshot date and for unpublished bands) and the population
    with FHI's denominators for the published bands."""
    persons = snapshot["persons"]
    assert isinstance(persons, pd.DataFrame)
    columns = pd.MultiIndex.from_product([AGE_BANDS, DOSES], names=["age_band", "dose_number"])
    row = np.array([persons.loc[b, d] for b, d in columns], dtype="float64")
    values = np.full((len(days), len(columns)), np.nan)
    values[days >= snapshot["date"]] = row
    totals = pd.DataFrame(values, index=days, columns=columns)
    published = snapshot["population"]
    assert isinstance(published, pd.Series)
    population = population.astype("float64").copy()
    for band, value in published.dropna().items():
        population[band] = value
    return totals, population


@cached()
def _cumulative_doses(*, members: tuple[str, ...] | None, disease: str) -> pd.DataFrame:
    """Persons with dose n by day: index date, columns (age band, dose). From the stored
    series (every day from the disease's first dose) where the area has one, else summed
    live (every day with a dose); :func:`_on_days` reads the same totals from either."""
    area = stored_series.area_code(members)
    stored = None if area is None else stored_series.history(area=area, disease=disease)
    if stored is None:
        return _live_cumulative_doses(members=members, disease=disease)
    first, values = stored
    index = pd.date_range(first, periods=len(values), freq="D", name="date")
    return pd.DataFrame(values, index=index, columns=_dose_columns())


def _live_cumulative_doses(*, members: tuple[str, ...] | None, disease: str) -> pd.DataFrame:
    """:func:`_cumulative_doses` summed from ``agg_vaccination_daily`` (or its rollup)."""
    v, area = rollups.source(AggVaccinationDaily, members)
    q = (
        select(v.date, v.age_band, v.dose_number, func.sum(v.doses))
        .where(v.disease == disease, *area)
        .group_by(v.date, v.age_band, v.dose_number)
    )
    frame = read_raw_frame(q, ["date", "age_band", "dose_number", "doses"])
    columns = pd.MultiIndex.from_product([AGE_BANDS, DOSES], names=["age_band", "dose_number"])
    if frame.empty:
        return pd.DataFrame(0, index=pd.DatetimeIndex([]), columns=columns, dtype="int64")
    return _running_totals(frame, columns)


def _running_totals(frame: pd.DataFrame, columns: pd.MultiIndex) -> pd.DataFrame:
    """Doses per date × (age band, dose) summed and accumulated over the dates: the pivot
    table of ``frame`` reindexed to ``columns`` and cumulated, built with numpy (a pivot
    table of the whole history costs more than its read)."""
    dates = pd.to_datetime(frame["date"])
    days, row = np.unique(dates.to_numpy(), return_inverse=True)
    keys = pd.MultiIndex.from_arrays(
        [frame["age_band"].astype(object), frame["dose_number"].astype("int64")]
    )
    column = columns.get_indexer(keys)
    known = column >= 0
    values = np.zeros((len(days), len(columns)), dtype="int64")
    np.add.at(values, (row[known], column[known]), frame["doses"].to_numpy(dtype="int64")[known])
    index = pd.DatetimeIndex(days, name="date")
    return pd.DataFrame(values.cumsum(axis=0), index=index, columns=columns)


def _on_days(cumulative: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """The running totals on each of ``days`` (the last total before a day without doses)."""
    position = cumulative.index.searchsorted(days, side="right") - 1
    values = np.zeros((len(days), cumulative.shape[1]), dtype="int64")
    known = position >= 0
    values[known] = cumulative.to_numpy()[position[known]]
    return pd.DataFrame(values, index=days, columns=cumulative.columns)


@functools.cache
def _dose_columns() -> pd.MultiIndex:
    # built once: an index is immutable, and building it costs more than the sums it labels
    return pd.MultiIndex.from_product([AGE_BANDS, DOSES], names=["age_band", "dose_number"])


def _doses_through(
    *, members: tuple[str, ...] | None, kommuner: list[str] | None, date: dt.date, disease: str
) -> pd.DataFrame:
    """Persons with dose n at the end of ``date``: one row per kommune of ``kommuner`` (index
    kommunenummer), or, without ``kommuner``, one row for ``members`` as a whole. The same
    totals as :func:`_on_days` of :func:`_cumulative_doses` for one day, without reading
    every day of the history (a single day is what the brief, the neighbour table and the
    coverage tables ask for): one value per stored series, else summed in SQL."""
    areas = list(kommuner) if kommuner is not None else [stored_series.area_code(members)]
    if all(a is not None for a in areas):
        values = stored_series.on_day(areas=areas, date=date, disease=disease)  # type: ignore[arg-type]
        if values is not None:
            rows = list(kommuner) if kommuner is not None else [0]
            return pd.DataFrame(values, index=rows, columns=_dose_columns())
    return _live_doses_through(members=members, kommuner=kommuner, date=date, disease=disease)


def _live_doses_through(
    *, members: tuple[str, ...] | None, kommuner: list[str] | None, date: dt.date, disease: str
) -> pd.DataFrame:
    """:func:`_doses_through` summed in SQL from ``agg_vaccination_daily`` (or its rollup)."""
    if kommuner is not None:
        t: Any = AggVaccinationDaily
        area = [t.kommunenummer.in_(list(kommuner))]
        keys: list[Any] = [t.kommunenummer]
    else:
        t, area = rollups.source(AggVaccinationDaily, members)
        keys = []
    q = (
        select(*keys, t.age_band, t.dose_number, func.sum(t.doses))
        .where(t.disease == disease, t.date <= date, *area)
        .group_by(*keys, t.age_band, t.dose_number)
    )
    names = ["kommunenummer"] if kommuner is not None else []
    frame = read_raw_frame(q, [*names, "age_band", "dose_number", "doses"])
    rows = list(kommuner) if kommuner is not None else [0]
    values = np.zeros((len(rows), len(_dose_columns())), dtype="int64")
    if len(frame):
        row_of: dict[Any, list[int]] = {}
        for i, k in enumerate(rows):
            row_of.setdefault(k, []).append(i)
        column_of = {c: i for i, c in enumerate(_dose_columns())}
        for *key, band, dose, doses in frame.itertuples(index=False, name=None):
            column = column_of.get((band, int(dose)))
            if column is not None:
                values[row_of[key[0] if key else 0], column] += int(doses)
    return pd.DataFrame(values, index=rows, columns=_dose_columns())


def _totals_on_days(
    members: list[str] | None, days: pd.DatetimeIndex, disease: str
) -> pd.DataFrame:
    """Persons with dose n on each of ``days`` (index days, columns age band × dose)."""
    if len(days) == 1:
        # the whole history, when a page has read it already, answers any day without a read
        history = _cumulative_doses.cached_value(  # type: ignore[attr-defined]
            members=_key(members), disease=disease
        )
        if history is not None:
            return _on_days(history, days)
        if result_cache_on():
            return _on_days(_cumulative_doses(members=_key(members), disease=disease), days)
        one = _doses_through(
            members=_key(members), kommuner=None, date=days[0].date(), disease=disease
        )
        return one.set_axis(days)
    return _on_days(_cumulative_doses(members=_key(members), disease=disease), days)


def _protect_sides(
    frame: pd.DataFrame,
    *,
    scope: Scope,
    kommune_column: str | None,
    area_code: str | None,
) -> pd.DataFrame:
    """Protect vaccinated and not vaccinated; a withheld side withholds the other.

    ``hidden`` marks every withheld row; ``<count>_suppressed`` only the counts that are
    themselves 1–4 (shown as "1–4"), not those withheld to protect another row.
    """
    sides = ("vaccinated", "unvaccinated")
    numeric = {c: pd.to_numeric(frame[c], errors="coerce").to_numpy("float64") for c in sides}
    # is_small() on the arrays: 1–4, never NaN
    small = {c: (v >= SMALL_MIN) & (v <= SMALL_MAX) for c, v in numeric.items()}
    out = protect(
        frame,
        scope=scope,
        counts=list(sides),
        kommune_column=kommune_column,
        area_code=area_code,
    )
    hidden = out["vaccinated_suppressed"].to_numpy(bool) | out["unvaccinated_suppressed"].to_numpy(
        bool
    )
    labelled = {c: hidden & small[c] for c in sides}
    if "population" in frame:
        # the population is public: where "1–4" on a side (or both) leaves the count one
        # possible value (a band of one resident), the row reads "skjult" instead
        population = pd.to_numeric(frame["population"], errors="coerce").fillna(0).to_numpy()
        lo, hi = np.zeros(len(frame)), population.astype("float64")
        v, u = labelled["vaccinated"], labelled["unvaccinated"]
        lo, hi = np.where(v, np.maximum(lo, 1), lo), np.where(v, np.minimum(hi, SMALL_MAX), hi)
        lo = np.where(u, np.maximum(lo, population - SMALL_MAX), lo)
        hi = np.where(u, np.minimum(hi, population - 1), hi)
        pinned = hidden & (hi - lo < 1)
        labelled = {c: flags & ~pinned for c, flags in labelled.items()}
    # one frame built at once (a column set per flag costs more than the judgement)
    data: dict[str, Any] = {c: out[c] for c in out.columns}
    for column in sides:  # the published (perturbed) counts, withheld with the other side
        data[column] = np.where(hidden, np.nan, out[column].to_numpy("float64"))
        data[f"{column}_suppressed"] = labelled[column]
    data["hidden"] = hidden
    return pd.DataFrame(data, index=out.index)


def _protected_bands(bands: pd.DataFrame, *, scope: Scope, area_code: str | None) -> pd.DataFrame:
    """Band rows of one date, published beside their group totals: primary protection, and
    secondary protection (a second band withheld) where one hidden band could be recovered
    from a total. The totals stay visible: ``alle`` per dose, and 65+ (hence under 65) per
    dose."""
    # the dose, and the dose split at 65 as one number (2·dose, +1 under 65): the same groups
    # in the same order as the labels "1/65+" < "1/<65" < "2/65+" …
    dose = bands["dose_number"].to_numpy(dtype="int64")
    under_65 = ~np.isin(bands["age_band"].to_numpy(dtype=object), list(GROUPS[GROUP_65]))
    keyed = bands.assign(_dose=bands["dose_number"], _split=dose * 2 + under_65)
    out = _protect_sides(keyed, scope=scope, kommune_column=None, area_code=area_code)
    return out.drop(columns=["_dose", "_split"])


def _coverage_frame(
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    days: pd.DatetimeIndex,
    disease: str,
    *,
    bands: bool,
    population_date: dt.date | None = None,
) -> pd.DataFrame:
    """Group rows (and, with ``bands``, band rows) of persons with dose n on ``days``.

    Population on 1 January of each day's year, or of ``population_date``'s year for every day.
    Group totals get primary protection only: they never hide to protect a band, so the same
    total is shown on every page; bands hide each other instead (see :func:`_protected_bands`).
    """
    members = area_kommuner(scope, level, code)
    area_code = code if level == "kommune" else None
    when = (
        pd.Series(days)
        if population_date is None
        else pd.Series(pd.Timestamp(population_date), index=range(len(days)))
    )
    population = population_for(members, when).set_axis(days)
    snapshot = _published_snapshot(members=None if level == "nation" else _key(members))
    if snapshot is not None:
        totals, population = _snapshot_on_days(snapshot, days, population)
    else:
        totals = _totals_on_days(members, days, disease)
    groups = _protect_sides(
        _groups_from_wide(totals, population, "date", by_dose=not bands),
        scope=scope,
        kommune_column=None,
        area_code=area_code,
    )
    protected = pd.Series(not scope.may_see_small_numbers(area_code), index=population.index)
    groups = _zero_rest_withheld(groups, population, "date", protected)
    if not bands:
        return groups
    raw = _long(totals, population)
    return pd.concat(
        [_protected_bands(raw, scope=scope, area_code=area_code), groups], ignore_index=True
    )


def _zero_rest_withheld(
    groups: pd.DataFrame, population: pd.DataFrame, key: str, protected: pd.Series
) -> pd.DataFrame:
    """A group's "without dose n" of exactly 0 says that every band of it is fully vaccinated;
    with the bands' (public) populations that gives a band of 1–4 residents' withheld count
    away. Where the group holds such a band and the row is ``protected`` (by ``key``), the 0
    is withheld (read as "skjult"). ``population``: residents by ``key`` × band."""
    small = ((population >= SMALL_MIN) & (population <= SMALL_MAX)).to_numpy(dtype=bool)
    guarded = protected.reindex(population.index).fillna(False).to_numpy(dtype=bool)
    if not (small.any() and guarded.any()):
        return groups  # no band of 1–4 residents the role may not see: nothing to withhold
    position = population.index.get_indexer(groups[key])
    found = position >= 0
    rest = pd.to_numeric(groups["unvaccinated"]).to_numpy(dtype="float64") == 0
    withhold = np.zeros(len(groups), dtype=bool)
    bands = list(population.columns)
    age_band = groups["age_band"].to_numpy()
    for group, members in GROUPS.items():
        columns = [bands.index(b) for b in members if b in bands]
        has_small = small[:, columns].any(axis=1) & guarded
        row_small = found & has_small[np.where(found, position, 0)]
        withhold |= (age_band == group) & rest & row_small
    if not withhold.any():
        return groups
    out = groups.copy()
    out.loc[withhold, "unvaccinated"] = np.nan
    return out


@cached()
def vaccination_coverage(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    date: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Persons with at least dose n (1–4) by age band at the end of ``date``.

    Rows: every age band, then the groups ``65+`` and ``alle``, for each dose. Columns:
    age_band, dose_number, vaccinated, unvaccinated (population − vaccinated, never below 0),
    population (1 January of the date's year), hidden (withheld by small-number protection),
    ``vaccinated_suppressed`` / ``unvaccinated_suppressed`` (that count itself is 1–4).
    """
    days = pd.DatetimeIndex([pd.Timestamp(date)])
    frame = _coverage_frame(scope, level, code, days, disease, bands=True)
    return frame[COVERAGE_COLUMNS].reset_index(drop=True)


@cached()
def vaccination_groups(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    date: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """The group rows (``65+``, ``alle``) of :func:`vaccination_coverage`, the same values:
    group totals get primary protection only, whatever bands are shown beside them, so the
    band rows (and their secondary protection) are not built. For the key numbers of the
    Morgenbrief and its neighbours."""
    days = pd.DatetimeIndex([pd.Timestamp(date)])
    frame = _coverage_frame(scope, level, code, days, disease, bands=False)
    return frame[COVERAGE_COLUMNS].reset_index(drop=True)


@cached()
def vaccination_series(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    start: dt.date,
    end: dt.date,
    population_date: dt.date | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Daily persons with at least dose n (1–4) in the groups ``alle`` and ``65+``.

    Columns: date, age_band (the group), then as :func:`vaccination_coverage`. The population
    is that of 1 January of ``population_date``'s year for every day (one denominator, so a
    cumulative coverage never dips at a new year), else of each date's own year.
    """
    days = pd.date_range(start, end, freq="D")
    year = None
    if population_date is not None:
        # one cache entry per population year, not per date
        year = dt.date(population_year(population_date), 1, 1)
    # bands=False: the group rows come sorted by group, dose and date
    groups = _coverage_frame(scope, level, code, days, disease, bands=False, population_date=year)
    columns = ["date", *COVERAGE_COLUMNS]
    return groups[columns].reset_index(drop=True)


@cached()
def vaccination_by_kommune(
    *, scope: Scope, kommuner: list[str], date: dt.date, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """Persons with at least dose n on ``date`` in the groups ``alle`` and ``65+`` for several
    kommuner (a neighbour table). Columns: kommunenummer, then as :func:`vaccination_coverage`.
    """
    allowed = scope.restrict(kommuner) or []
    columns = ["kommunenummer", *COVERAGE_COLUMNS]
    if not allowed:
        return pd.DataFrame(columns=columns)
    # Each kommune's running totals are cached across dates: changing the date reads nothing.
    day = pd.DatetimeIndex([pd.Timestamp(date)])
    population = _population_rows(allowed, date)
    if _published_snapshot(members=None) is not None:
        pairs = [
            _snapshot_on_days(
                _published_snapshot(members=(k,)),  # type: ignore[arg-type]
                day,
                population.loc[[k]].set_axis(day),
            )
            for k in allowed
        ]
        totals = pd.concat([t for t, _p in pairs]).set_axis(pd.Index(allowed))
        population = pd.concat([p for _t, p in pairs]).set_axis(pd.Index(allowed))
    else:
        totals = _doses_through(
            members=None, kommuner=allowed, date=day[0].date(), disease=disease
        ).set_axis(pd.Index(allowed))
    out = _protect_sides(
        _groups_from_wide(totals, population, "kommunenummer"),
        scope=scope,
        kommune_column="kommunenummer",
        area_code=None,
    )
    protected = pd.Series(
        [not scope.may_see_small_numbers(k) for k in population.index], index=population.index
    )
    out = _zero_rest_withheld(out, population, "kommunenummer", protected)
    return out[columns].reset_index(drop=True)
