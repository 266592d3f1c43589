"""The read API against a real SQLite database loaded with a hand-made fixture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from data import cache, db, queries
from data.load import load_dataset
from data.scope import Scope, ScopeError
from tests.stores import DictCache, new_stores

DAY = dt.date(2022, 1, 20)


def _population(code: str, total: int) -> list[dict]:
    # Split a kommune's residents over two bands and both sexes; totals are what count.
    quarter = total // 4
    rest = total - 3 * quarter
    rows = []
    for year in (2021, 2022):
        for band, sex, n in (
            ("25-39", "F", quarter),
            ("25-39", "M", quarter),
            ("65-74", "F", quarter),
            ("65-74", "M", rest),
        ):
            rows.append(
                dict(
                    structure=2024,
                    kommunenummer=code,
                    year=year,
                    age_band=band,
                    sex=sex,
                    population=n,
                )
            )
    return rows


def _cases(code: str, dates: list[dt.date]) -> list[dict]:
    return [
        dict(
            disease="covid19",
            structure=2024,
            kommunenummer=code,
            residence_kommunenummer=code,
            test_date=d,
            registration_date=d + dt.timedelta(days=1),
            age_band="25-39",
            sex="F",
            infection_setting="household",
            imported=False,
            cluster_id=None,
            person_key=1000 + i,
        )
        for i, d in enumerate(dates)
    ]


def _fixture_tables() -> dict[str, pd.DataFrame]:
    # 0301 Oslo: 700 000 residents, 35 cases in the last 7 days and 14 in the 7 before.
    # 0302 does not exist; 3201 Bærum (Akershus, 32): 125 000 residents, 5 cases in 14 days.
    # 1508 Ålesund (Møre og Romsdal, 15): 10 000 residents, 0 cases.
    oslo = [DAY - dt.timedelta(days=i % 7) for i in range(35)]
    oslo += [DAY - dt.timedelta(days=7 + i % 7) for i in range(14)]
    oslo += [DAY - dt.timedelta(days=20)] * 3  # outside both windows
    baerum = [DAY - dt.timedelta(days=i) for i in (0, 3, 8, 10, 13)]
    population = _population("0301", 700_000) + _population("3201", 125_000)
    population += _population("1508", 10_000)
    cases = _cases("0301", oslo) + _cases("3201", baerum)
    for i, row in enumerate(cases):
        row["person_key"] = 5000 + i
    return {"population": pd.DataFrame(population), "case": pd.DataFrame(cases)}


@pytest.fixture(scope="module")
def hand_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("hand")
    with db.using(**new_stores(folder)):
        db.upgrade()
        load_dataset(
            main=db.engine("main"),
            tracing=db.engine("tracing"),
            tables=_fixture_tables(),
            tracing_tables={},
            meta={"data_date": DAY.isoformat(), "period_start": "2021-12-01", "is_demo": "false"},
            source="test fixture",
            progress=False,
        )
        yield folder


def test_incidence_equals_hand_computed_value(hand_db: Path) -> None:
    windows = queries.case_windows(scope=Scope.full(), date=DAY).set_index("kommunenummer")
    assert windows.loc["0301", "cases_7d"] == 35
    assert windows.loc["0301", "cases_prev_7d"] == 14
    assert windows.loc["0301", "cases_14d"] == 49
    assert windows.loc["0301", "population"] == 700_000
    # 14-day incidence: 49 / 700 000 × 100 000 = 7.0
    from dashboard.metrics import incidence

    assert incidence(windows.loc["0301", "cases_14d"], windows.loc["0301", "population"]) == (
        pytest.approx(7.0)
    )
    assert windows.loc["3201", "cases_7d"] == 2
    assert windows.loc["3201", "cases_14d"] == 5
    # a kommune without cases is still there, with zero
    assert windows.loc["1508", "cases_14d"] == 0
    assert len(windows) == 357


def test_daily_series_for_kommune_county_and_nation(hand_db: Path) -> None:
    start = DAY - dt.timedelta(days=20)
    kommune = queries.cases_daily(
        scope=Scope.full(), level="kommune", code="3201", start=start, end=DAY
    )
    assert len(kommune) == 21  # every day, zeros included
    assert kommune["cases_by_testdate"].sum() == 5
    last = kommune.iloc[-1]  # windows ending on DAY, from the days before start too
    assert (last["cases_7d"], last["cases_prev_7d"], last["cases_14d"]) == (2, 3, 5)
    oslo = queries.cases_daily(scope=Scope.full(), level="kommune", code="0301", start=DAY, end=DAY)
    assert (oslo["cases_7d"].iloc[0], oslo["cases_prev_7d"].iloc[0]) == (35, 14)
    assert set(kommune["population"]) == {125_000}
    county = queries.cases_daily(scope=Scope.full(), level="fylke", code="32", start=start, end=DAY)
    assert county["cases_by_testdate"].sum() == 5
    nation = queries.cases_daily(
        scope=Scope.full(), level="nation", code=None, start=start, end=DAY
    )
    assert nation["cases_by_testdate"].sum() == 35 + 14 + 3 + 5
    assert set(nation["population"]) == {835_000}
    # registration is one day after the test: the 5 + 1 cases tested on DAY register after it
    assert nation["cases_by_regdate"].sum() == 35 + 14 + 3 + 5 - 6


def test_scope_limits_what_is_returned(hand_db: Path) -> None:
    oslo_only = Scope(user_id="u", role="kommuneoverlege", kommuner=frozenset({"0301"}))
    windows = queries.case_windows(scope=oslo_only, date=DAY)
    assert list(windows["kommunenummer"]) == ["0301"]
    with pytest.raises(ScopeError):
        queries.cases_daily(scope=oslo_only, level="kommune", code="3201", start=DAY, end=DAY)


def test_cache_key_holds_scope_and_data_version(hand_db: Path) -> None:
    backend = DictCache()
    results = cache.ResultCache(backend, version_reader=queries.read_data_version)
    with db.current().variant(cache=results).active():
        full = queries.case_windows(scope=Scope.full(), date=DAY)
        oslo = queries.case_windows(
            scope=Scope(user_id="u", role="r", kommuner=frozenset({"0301"})), date=DAY
        )
        assert len(full) == 357 and len(oslo) == 1  # different scopes never share an entry
        assert len(backend.store) >= 2
        full.loc[:, "cases_7d"] = -1  # callers get copies; the cached value is untouched
        again = queries.case_windows(scope=Scope.full(), date=DAY)
        assert (again["cases_7d"] >= 0).all()
        keys_before = set(backend.store)
        from data.load import bump_data_version

        with db.engine().begin() as conn:
            bump_data_version(conn)
        cache.invalidate_version()
        queries.case_windows(scope=Scope.full(), date=DAY)
        assert set(backend.store) - keys_before, "a new data version must give new keys"


def test_dataset_info(hand_db: Path) -> None:
    info = queries.dataset_info(scope=Scope.full())
    assert info["data_date"] == DAY
    assert info["is_demo"] is False
