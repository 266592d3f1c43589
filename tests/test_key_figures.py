"""The key figures built at load equal the live reads they replace in the Morgenbrief, for
kommuner of different sizes, their counties, the nation, several dates and two scopes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import delete, func, select

from data import db, key_figures, queries
from data.queries import hospital, testing, vaccination
from data.queries import key_figures as key_queries
from data.schema import AggKeyFigures
from data.scope import Scope

# Oslo (largest), Bergen, Utsira (smallest: small numbers), Bærum
KOMMUNER = [("0301", "03"), ("4601", "46"), ("1151", "11"), ("3201", "32")]
SCOPES = [
    Scope.full(),
    # a kommuneoverlege: small numbers of the own kommune only
    Scope(
        user_id="t",
        role="kommuneoverlege",
        kommuner=None,
        small_numbers=True,
        small_number_kommuner=frozenset({"1151"}),
    ),
    Scope(user_id="k", role="ks-analytiker", kommuner=None),  # no small numbers
]
CASE_COLUMNS = ["cases", "cases_7d", "cases_prev_7d", "cases_14d", "population"]
TEST_COLUMNS = ["tests_7d", "positive_7d", "result_days_sum_7d", "result_days_n_7d"]
HOSPITAL_COLUMNS = ["admissions_7d", "icu_admissions_7d"]


def _dates() -> list[dt.date]:
    end = queries.dataset_info(scope=Scope.full())["data_date"]
    return [end, end - dt.timedelta(days=37), end - dt.timedelta(days=400)]


def _with_flags(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    flags = [f"{c}_suppressed" for c in columns if f"{c}_suppressed" in frame.columns]
    return frame[["date", *columns, *flags]].reset_index(drop=True)


def _same(got: pd.DataFrame, live: pd.DataFrame, columns: list[str]) -> None:
    pd.testing.assert_frame_equal(
        _with_flags(got, columns), _with_flags(live, columns), check_dtype=False
    )


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.role)
def test_key_figures_equal_the_live_daily_series(settings, scope) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for kommune, fylke in KOMMUNER:
        for date in _dates():
            start = date - dt.timedelta(days=30)
            got = key_queries.area_key_figures(
                scope=scope, kommunenummer=kommune, fylkesnummer=fylke, start=start, end=date
            )
            for level, code in (("kommune", kommune), ("fylke", fylke), ("nation", None)):
                part = got[got["level"] == level].reset_index(drop=True)
                assert len(part) == 31
                area = dict(scope=scope, level=level, code=code, start=start, end=date)
                _same(part, queries.cases_daily(**area), CASE_COLUMNS)
                _same(part, testing.tests_daily(**area), TEST_COLUMNS)
                _same(part, hospital.hospital_daily(**area), HOSPITAL_COLUMNS)
                checked += 1
    assert checked == len(KOMMUNER) * 3 * 3
    # the comparison can fail: the key figures are not all zero
    assert got["cases_7d"].fillna(0).sum() > 0 and got["tests_7d"].fillna(0).sum() > 0


def _coverage(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["age_band", "dose_number", "vaccinated", "unvaccinated", "population", "hidden"]
    out = frame[frame["dose_number"] <= 3][columns]
    return out.sort_values(["age_band", "dose_number"]).reset_index(drop=True)


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.role)
def test_key_coverage_equals_the_live_coverage_groups(settings, scope) -> None:  # type: ignore[no-untyped-def]
    for kommune, fylke in KOMMUNER:
        for date in _dates():
            got = key_queries.area_coverage(
                scope=scope, kommunenummer=kommune, fylkesnummer=fylke, start=date, end=date
            )
            for level, code in (("kommune", kommune), ("fylke", fylke), ("nation", None)):
                live = vaccination.vaccination_groups(
                    scope=scope, level=level, code=code, date=date
                )
                pd.testing.assert_frame_equal(
                    _coverage(got[got["level"] == level]), _coverage(live), check_dtype=False
                )
    assert got["vaccinated"].fillna(0).sum() > 0


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.role)
def test_kommune_coverage_equals_vaccination_by_kommune(settings, scope) -> None:  # type: ignore[no-untyped-def]
    kommuner = ["0301", "1151", "3201", "4601", "1144", "1145"]
    for date in _dates():
        got = key_queries.kommune_coverage(scope=scope, kommuner=kommuner, date=date)
        live = vaccination.vaccination_by_kommune(scope=scope, kommuner=kommuner, date=date)
        keys = ["kommunenummer", "age_band", "dose_number"]
        columns = [*keys, "vaccinated", "unvaccinated", "population", "hidden"]
        pd.testing.assert_frame_equal(
            got[columns].sort_values(keys).reset_index(drop=True),
            live[live["dose_number"] <= 3][columns].sort_values(keys).reset_index(drop=True),
            check_dtype=False,
        )


def test_a_kommune_outside_the_scope_is_refused(settings) -> None:  # type: ignore[no-untyped-def]
    from data.scope import ScopeError

    bergen = Scope(user_id="b", role="kommuneoverlege", kommuner=frozenset({"4601"}))
    date = _dates()[0]
    with pytest.raises(ScopeError):
        key_queries.area_key_figures(
            scope=bergen, kommunenummer="0301", fylkesnummer="03", start=date, end=date
        )
    with pytest.raises(ScopeError):
        key_queries.kommune_coverage(scope=bergen, kommuner=["4601", "0301"], date=date)


def test_every_area_has_every_day_and_ensure_rebuilds_a_missing_table(settings) -> None:  # type: ignore[no-untyped-def]
    info = queries.dataset_info(scope=Scope.full())
    days = (info["data_date"] - info["period_start"]).days + 1
    with db.engine().connect() as conn:
        areas, first, last, rows = conn.execute(
            select(
                func.count(func.distinct(AggKeyFigures.area)),
                func.min(AggKeyFigures.date),
                func.max(AggKeyFigures.date),
                func.count(),
            )
        ).one()
    assert areas == 357 + 15 + 1
    assert pd.Timestamp(first).date() <= info["period_start"]
    assert pd.Timestamp(last).date() == info["data_date"]
    assert rows == areas * ((pd.Timestamp(last) - pd.Timestamp(first)).days + 1) >= areas * days
    with db.engine().begin() as conn:
        assert key_figures.ensure(conn) is False  # built at load: nothing to do
        conn.execute(delete(AggKeyFigures))
        assert key_figures.ensure(conn) is True
        again = conn.execute(select(func.count()).select_from(AggKeyFigures)).scalar()
    assert again == rows


def test_case_windows_equal_sums_of_the_daily_aggregate(settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    for date in _dates():
        got = queries.case_windows(scope=Scope.full(), date=date).set_index("kommunenummer")
        with db.engine().connect() as conn:
            raw = pd.read_sql(
                text(
                    "SELECT kommunenummer, "
                    "SUM(CASE WHEN date > :d7 THEN cases_by_testdate ELSE 0 END) AS cases_7d, "
                    "SUM(cases_by_testdate) AS cases_14d FROM agg_cases_daily "
                    "WHERE date > :d14 AND date <= :d GROUP BY kommunenummer"
                ),
                conn,
                params={
                    "d": date.isoformat(),
                    "d7": (date - dt.timedelta(days=7)).isoformat(),
                    "d14": (date - dt.timedelta(days=14)).isoformat(),
                },
            ).set_index("kommunenummer")
        joined = got.join(raw, rsuffix="_raw", how="left").fillna({"cases_7d_raw": 0})
        joined = joined.fillna({"cases_14d_raw": 0})
        assert (joined["cases_7d"] == joined["cases_7d_raw"]).all()
        assert (joined["cases_14d"] == joined["cases_14d_raw"]).all()
        assert (joined["cases_prev_7d"] == joined["cases_14d"] - joined["cases_7d"]).all()
        assert len(got) == 357 and got["cases_14d"].sum() > 0
