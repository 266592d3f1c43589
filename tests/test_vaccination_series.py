"""The stored vaccination series (agg_vaccination_series) equal the live sums they replace:
whole histories and single days, for kommuner, counties and the nation, on days before,
inside and after the dose history; and the page's reads give the same frames either way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, func, select

from dashboard.app_factory import data_layer
from data import cache as data_cache
from data import db
from data import vaccination_series as stored
from data.codes import AGE_BANDS, DEFAULT_DISEASE
from data.queries import population, vaccination_groups
from data.queries import vaccination as v
from data.schema import AggVaccinationDaily, AggVaccinationSeries, Kommune
from data.scope import Scope
from tests.stores import DictCache, copy_stores

KOMMUNER = ("0301", "4601", "1151", "5501", "3201")


def _county(fylke: str) -> tuple[str, ...]:
    with db.engine().connect() as conn:
        codes = conn.execute(
            select(Kommune.kommunenummer).where(
                Kommune.structure == 2024, Kommune.fylkesnummer == fylke
            )
        ).scalars()
        return tuple(sorted(codes))


@pytest.fixture()
def no_cache(app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with db.current().variant(cache=data_cache.ResultCache()).active():
        yield


def _span() -> tuple[dt.date, int]:
    known = stored.span(disease=DEFAULT_DISEASE)
    assert known is not None, "the demo load did not build agg_vaccination_series"
    return known


def _days() -> pd.DatetimeIndex:
    first, n_days = _span()
    last = first + dt.timedelta(days=n_days - 1)
    return pd.date_range(first - dt.timedelta(days=5), last + dt.timedelta(days=5), freq="D")


def test_every_area_is_stored(app) -> None:  # type: ignore[no-untyped-def]
    first, n_days = _span()
    with db.engine().connect() as conn:
        t, d = AggVaccinationSeries, AggVaccinationDaily
        areas = set(conn.execute(select(t.area).distinct()).scalars())
        kommuner = set(conn.execute(select(d.kommunenummer).distinct()).scalars())
        low, high = conn.execute(select(func.min(d.date), func.max(d.date))).one()
        spans = conn.execute(select(t.first_date, t.n_days).distinct()).all()
        per_area = conn.execute(select(func.count()).select_from(t).group_by(t.area)).scalars()
        per_area = per_area.all()
    assert kommuner and kommuner <= areas
    assert {"NO", "F03", "F46"} <= areas
    assert len(spans) == 1  # one day sits at one offset in every blob
    assert str(first) == str(low) and (first + dt.timedelta(days=n_days - 1)).isoformat() == str(
        high
    )
    assert set(per_area) == {len(AGE_BANDS) * len(v.DOSES)}
    assert list(stored.COLUMNS) == list(v._dose_columns())


@pytest.mark.parametrize(
    "members", [*((k,) for k in KOMMUNER), "county:46", "county:03", "county:11", None]
)
def test_history_equals_the_live_sums(no_cache, members) -> None:  # type: ignore[no-untyped-def]
    if isinstance(members, str):
        members = _county(members.split(":")[1])
    assert stored.area_code(members) is not None
    history = v._cumulative_doses(members=members, disease=DEFAULT_DISEASE)
    live = v._live_cumulative_doses(members=members, disease=DEFAULT_DISEASE)
    assert len(history) == _span()[1]
    assert live.to_numpy().sum() > 0  # a real comparison, not zeros against zeros
    days = _days()
    pd.testing.assert_frame_equal(v._on_days(history, days), v._on_days(live, days))


@pytest.mark.parametrize("offset", [-3, 0, 17, 200, "last", "after"])
def test_one_day_equals_the_live_sums(no_cache, offset) -> None:  # type: ignore[no-untyped-def]
    first, n_days = _span()
    if offset == "last":
        date = first + dt.timedelta(days=n_days - 1)
    elif offset == "after":
        date = first + dt.timedelta(days=n_days + 40)
    else:
        date = first + dt.timedelta(days=int(offset))
    kommuner = [*KOMMUNER, "9999", "0301"]  # a kommune without doses; one asked twice
    args = dict(members=None, kommuner=kommuner, date=date, disease=DEFAULT_DISEASE)
    got = v._doses_through(**args)
    pd.testing.assert_frame_equal(got, v._live_doses_through(**args))
    for members in [("4601",), _county("46"), None]:
        args = dict(members=members, kommuner=None, date=date, disease=DEFAULT_DISEASE)
        pd.testing.assert_frame_equal(v._doses_through(**args), v._live_doses_through(**args))


def test_other_sets_of_kommuner_are_summed_live(no_cache) -> None:  # type: ignore[no-untyped-def]
    members = ("0301", "4601")
    assert stored.area_code(members) is None
    history = v._cumulative_doses(members=members, disease=DEFAULT_DISEASE)
    live = v._live_cumulative_doses(members=members, disease=DEFAULT_DISEASE)
    pd.testing.assert_frame_equal(history, live)


def _page_reads(date: dt.date, start: dt.date) -> list[pd.DataFrame]:
    scope = Scope.full()
    out = []
    areas = (("kommune", "4601"), ("kommune", "0301"), ("fylke", "46"), ("nation", None))
    for level, code in areas:
        out.append(v.vaccination_coverage(scope=scope, level=level, code=code, date=date))
        out.append(v.vaccination_groups(scope=scope, level=level, code=code, date=date))
        out.append(
            v.vaccination_series(
                scope=scope,
                level=level,
                code=code,
                start=start,
                end=date,
                population_date=dt.date(date.year, 1, 1),
            )
        )
    out.append(v.vaccination_by_kommune(scope=scope, kommuner=list(KOMMUNER), date=date))
    return out


@pytest.fixture(scope="module")
def without_series(app, settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A copy of the session's store without the stored series (every read takes the live
    path, as on a store loaded before they existed)."""
    data_layer(app).dispose()  # nothing connected to the original while it is copied
    urls = copy_stores(
        {
            "database_url": settings.database_url,
            "tracing_database_url": settings.tracing_database_url,
        },
        tmp_path_factory.mktemp("without_series"),
    )
    with db.using(**urls), db.engine().begin() as conn:
        conn.execute(delete(AggVaccinationSeries))
    return urls


@pytest.mark.parametrize("cache_on", [False, True])
def test_page_reads_equal_the_live_path(app, without_series, cache_on) -> None:  # type: ignore[no-untyped-def]
    first, n_days = _span()
    date = first + dt.timedelta(days=n_days // 2)
    start = first - dt.timedelta(days=30)

    def results() -> data_cache.ResultCache:
        return data_cache.ResultCache(DictCache() if cache_on else None)

    with data_layer(app).variant(cache=results()).active(), data_cache.read_memo():
        got = _page_reads(date, start)
    with db.using(**without_series, cache=results()), data_cache.read_memo():
        assert stored.span(disease=DEFAULT_DISEASE) is None
        live = _page_reads(date, start)
    for a, b in zip(got, live, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_ensure_rebuilds_the_same_rows(app) -> None:  # type: ignore[no-untyped-def]
    t = AggVaccinationSeries
    order = (t.disease, t.area, t.age_band, t.dose_number)
    with db.engine().connect() as conn:
        trans = conn.begin()
        try:
            before = conn.execute(select(t).order_by(*order)).all()
            assert stored.ensure(conn) == 0  # present: nothing to do
            conn.execute(delete(t))
            assert stored.ensure(conn) == len(before)
            after = conn.execute(select(t).order_by(*order)).all()
        finally:
            trans.rollback()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    assert all(np.all(np.diff(stored.decode(r.persons)) >= 0) for r in before)


def _population_by_sql(members: tuple[str, ...] | None) -> pd.DataFrame:
    """The population table as it was read before (one grouped query per set of kommuner)."""
    from data.codes import CURRENT_STRUCTURE
    from data.queries.frames import read_frame
    from data.schema import Population

    q = (
        select(Population.year, Population.age_band, func.sum(Population.population))
        .where(Population.structure == CURRENT_STRUCTURE)
        .group_by(Population.year, Population.age_band)
    )
    if members is not None:
        q = q.where(Population.kommunenummer.in_(members))
    frame = read_frame(q, ["year", "age_band", "population"])
    if frame.empty:
        raise LookupError("No population data loaded")
    table = frame.pivot(index="year", columns="age_band", values="population")
    table.columns = list(table.columns)
    return table.reindex(columns=list(AGE_BANDS)).fillna(0).astype("int64")


@pytest.mark.parametrize(
    "members",
    [None, ("0301",), ("4601",), "county:46", ("0301", "9999"), ("1151", "1151", "4601")],
)
def test_population_equals_the_grouped_query(app, members) -> None:  # type: ignore[no-untyped-def]
    if isinstance(members, str):
        members = _county(members.split(":")[1])
    expected = _population_by_sql(members)
    pd.testing.assert_frame_equal(population._population_table(members=members), expected)
    totals = population.totals_by_year(None if members is None else list(members))
    assert totals.to_dict() == expected.sum(axis=1).to_dict()
    days = pd.Series(pd.to_datetime(["2019-06-01", "2020-01-01", "2021-12-31", "2030-01-01"]))
    got = population.population_for(None if members is None else list(members), days)
    years = days.dt.year.clip(expected.index.min(), expected.index.max())
    pd.testing.assert_frame_equal(got, expected.loc[years.to_numpy()].set_axis(days.index))
    if members == ("1151", "1151", "4601"):
        rows = population._population_rows(list(members), dt.date(2021, 5, 1))
        day = pd.Series([pd.Timestamp("2021-05-01")])
        expected_rows = pd.concat([population.population_for([k], day) for k in members])
        pd.testing.assert_frame_equal(rows, expected_rows.set_axis(pd.Index(list(members))))


@pytest.mark.parametrize("members", [("9999",), ()])
def test_population_of_no_kommune_is_not_available(app, members) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LookupError):
        population._population_table(members=members)


@pytest.mark.parametrize("floats", [False, True])
@pytest.mark.parametrize("shuffled", [False, True])
def test_groups_by_dose_are_the_sorted_groups(floats: bool, shuffled: bool) -> None:
    rng = np.random.default_rng(5)
    days = pd.date_range("2021-01-01", periods=40, freq="D")
    if shuffled:
        days = days[rng.permutation(len(days))]
    columns = v._dose_columns()
    values = rng.integers(0, 5000, (len(days), len(columns)))
    population = pd.DataFrame(
        rng.integers(1000, 9000, (len(days), len(AGE_BANDS))), index=days, columns=list(AGE_BANDS)
    )
    if floats:
        values = values.astype("float64")
        values[rng.random(values.shape) < 0.2] = np.nan
    totals = pd.DataFrame(values, index=days, columns=columns)
    expected = (
        vaccination_groups._groups_from_wide(totals, population, "date")
        .sort_values(["age_band", "dose_number", "date"])
        .reset_index(drop=True)
    )
    got = vaccination_groups._groups_from_wide(totals, population, "date", by_dose=True)
    pd.testing.assert_frame_equal(got, expected)


def _protect_sides_reference(frame, *, scope, kommune_column, area_code):  # type: ignore[no-untyped-def]
    """The protection of both sides as it was written on Series (the reference)."""
    from data.protection import is_small, protect

    small = {c: is_small(frame[c]) for c in ("vaccinated", "unvaccinated")}
    out = protect(
        frame,
        scope=scope,
        counts=["vaccinated", "unvaccinated"],
        kommune_column=kommune_column,
        area_code=area_code,
    )
    hidden = out["vaccinated_suppressed"] | out["unvaccinated_suppressed"]
    out["hidden"] = hidden
    for column in ("vaccinated", "unvaccinated"):
        out[column] = out[column].astype("float64").where(~hidden, np.nan)
        out[f"{column}_suppressed"] = hidden & small[column]
    # a "1–4" that leaves one possible count beside the public population is not shown as
    # such (brute force over the counts the labels allow)
    for i in out.index:
        v_label, u_label = out.at[i, "vaccinated_suppressed"], out.at[i, "unvaccinated_suppressed"]
        population = int(frame.at[i, "population"])
        possible = [
            n
            for n in range(population + 1)
            if (not v_label or 1 <= n <= 4) and (not u_label or 1 <= population - n <= 4)
        ]
        if out.at[i, "hidden"] and len(possible) <= 1:
            out.at[i, "vaccinated_suppressed"] = False
            out.at[i, "unvaccinated_suppressed"] = False
    return out


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("user", ["ks-analytiker", "lege-utsira", "fylkeslege-vestland"])
def test_protect_sides_equals_the_series_version(app, seed, user) -> None:  # type: ignore[no-untyped-def]
    from dashboard import auth

    scope = auth.scope_for(auth.DEMO_USERS[user])
    rng = np.random.default_rng(seed)
    n = 48
    frame = pd.DataFrame(
        {
            "kommunenummer": rng.choice(["1151", "4601", "4602", "0301"], n),
            "age_band": rng.choice(list(AGE_BANDS), n),
            "dose_number": rng.integers(1, 5, n),
            "vaccinated": rng.integers(0, 9, n),
            "population": rng.integers(0, 12, n),
        }
    )
    frame["unvaccinated"] = (frame["population"] - frame["vaccinated"]).clip(lower=0)
    for kommune_column, area_code in (("kommunenummer", None), (None, "1151"), (None, None)):
        args = dict(scope=scope, kommune_column=kommune_column, area_code=area_code)
        pd.testing.assert_frame_equal(
            v._protect_sides(frame, **args), _protect_sides_reference(frame, **args)
        )


@pytest.mark.parametrize("user", ["ks-analytiker", "lege-utsira"])
@pytest.mark.parametrize("level,code", [("kommune", "1151"), ("kommune", "0301"), ("nation", None)])
def test_risk_rows_equal_the_frame_version(app, user, level, code) -> None:  # type: ignore[no-untyped-def]
    from dashboard import auth
    from dashboard.metrics import vaccination as vm

    scope = auth.scope_for(auth.DEMO_USERS[user])
    if user == "lege-utsira" and code == "0301":
        return  # outside this user's scope
    first, n_days = _span()
    for offset in (-5, n_days // 3, n_days - 1):
        date = first + dt.timedelta(days=offset)
        frame = v.vaccination_coverage(scope=scope, level=level, code=code, date=date)
        expected = vm.unvaccinated_in_risk_groups(frame).to_dict("records")
        got = vm.risk_rows(vm.coverage_lookup(frame))
        assert len(got) == len(expected) == 5
        for a, b in zip(got, expected, strict=True):
            assert a.keys() == b.keys()
            for key in a:
                assert a[key] == b[key] or (pd.isna(a[key]) and pd.isna(b[key])), (key, a, b)


def test_setup_rebuilds_missing_page_tables(app) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from dashboard.cli import app as cli
    from data.schema import AggArrivalsSplit

    def count(table) -> int:  # type: ignore[no-untyped-def]
        with db.engine().connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    rows = (count(AggVaccinationSeries), count(AggArrivalsSplit))
    assert min(rows) > 0
    with db.engine().begin() as conn:
        conn.execute(delete(AggVaccinationSeries))
        conn.execute(delete(AggArrivalsSplit))
    result = CliRunner().invoke(cli, ["setup", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Sidetabellene" in result.output
    assert (count(AggVaccinationSeries), count(AggArrivalsSplit)) == rows
    again = CliRunner().invoke(cli, ["setup", "--no-progress"])
    assert "Sidetabellene" not in again.output
