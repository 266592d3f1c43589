"""The key figures built at load equal the live reads they replace in the Morgenbrief, for
kommuner of different sizes, their counties, the nation, several dates and two scopes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, func, select, text

from data import db, disclosure, key_figures, published, queries
from data.codes import DISEASE_CODES
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
# (aggregate table, its SQL expression, the key-figure column, windows of it to check)
RAW = [
    ("agg_cases_daily", "cases_by_testdate", "cases", (7, 14)),
    ("agg_cases_daily", "cases_by_regdate", "cases_by_regdate", ()),
    ("agg_tests_daily", "tests", "tests", (7,)),
    ("agg_tests_daily", "CASE WHEN test_type = 'PCR' THEN tests ELSE 0 END", "tests_pcr", ()),
    ("agg_tests_daily", "positive", "positive", (7,)),
    ("agg_tests_daily", "result_days_n", None, (7,)),
    ("agg_hospital_daily", "admissions", "admissions", (7,)),
    ("agg_hospital_daily", "icu_admissions", "icu_admissions", (7,)),
]
WINDOW_NAMES = {
    ("cases", 7): "cases_7d",
    ("cases", 14): "cases_14d",
    ("tests", 7): "tests_7d",
    ("positive", 7): "positive_7d",
    ("result_days_n", 7): "result_days_n_7d",
    ("admissions", 7): "admissions_7d",
    ("icu_admissions", 7): "icu_admissions_7d",
}


def _dates() -> list[dt.date]:
    end = queries.dataset_info(scope=Scope.full())["data_date"]
    return [end, end - dt.timedelta(days=37), end - dt.timedelta(days=400)]


def _raw_series(table: str, expr: str, level: str, code: str | None, days: pd.DatetimeIndex):
    """Independent computation: daily sums over the kommune rows of the area (joined to the
    kommune table for a county, every row for the nation), every day of ``days``, 0 where
    the aggregate has no row."""
    from sqlalchemy import text

    where, join = "", ""
    if level == "kommune":
        where = f"AND t.kommunenummer = '{code}'"
    elif level == "fylke":
        join = "JOIN kommune k ON k.kommunenummer = t.kommunenummer AND k.structure = 2024"
        where = f"AND k.fylkesnummer = '{code}'"
    sql = (
        f"SELECT t.date AS date, SUM({expr}) AS v FROM {table} t {join} "
        f"WHERE t.disease = 'covid19' {where} GROUP BY t.date"
    )
    with db.engine().connect() as conn:
        frame = pd.read_sql(text(sql), conn)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.set_index("date")["v"].reindex(days, fill_value=0).astype("int64")


def _raw_population(level: str, code: str | None, dates: pd.Series) -> pd.Series:
    from sqlalchemy import text

    where = {
        "kommune": f"AND kommunenummer = '{code}'",
        "fylke": "AND kommunenummer IN (SELECT kommunenummer FROM kommune "
        f"WHERE structure = 2024 AND fylkesnummer = '{code}')",
        "nation": "",
    }[level]
    sql = (
        "SELECT year, SUM(population) AS p FROM population WHERE structure = 2024 "
        f"{where} GROUP BY year"
    )
    with db.engine().connect() as conn:
        by_year = pd.read_sql(text(sql), conn).set_index("year")["p"]
    years = dates.dt.year.clip(by_year.index.min(), by_year.index.max())
    return years.map(by_year).astype("int64").reset_index(drop=True)


def test_key_figures_equal_sums_of_the_daily_aggregates(settings) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for kommune, fylke in KOMMUNER:
        for date in _dates():
            start = date - dt.timedelta(days=30)
            days = pd.date_range(start - dt.timedelta(days=13), date, freq="D")
            for level, code in (("kommune", kommune), ("fylke", fylke), ("nation", None)):
                area = {"kommune": kommune, "fylke": f"F{fylke}", "nation": "NO"}[level]
                part = key_figures.area_rows(
                    areas=(area,), start=start, end=date, disease="covid19"
                )
                assert list(part["date"]) == list(days[13:])
                for table, expr, column, windows in RAW:
                    raw = _raw_series(table, expr, level, code, days)
                    if column is not None:
                        assert list(part[column]) == list(raw.iloc[13:]), (level, column)
                    stem = column or expr
                    for n in windows:
                        window = raw.rolling(n, min_periods=1).sum().astype("int64")
                        name = WINDOW_NAMES[(stem, n)]
                        assert list(part[name]) == list(window.iloc[13:]), (level, name)
                population = _raw_population(level, code, part["date"])
                assert list(part["population"]) == list(population), level
                checked += 1
    assert checked == len(KOMMUNER) * 3 * 3
    # the comparison can fail: the key figures are not all zero
    assert part["cases_7d"].sum() > 0 and part["tests_7d"].sum() > 0


def _small_count_kommune(fylke: str, start: dt.date, end: dt.date) -> str:
    """The kommune of ``fylke`` with the fewest cases (at least one) between the dates."""
    with db.engine().connect() as conn:
        return str(
            conn.execute(
                text(
                    'SELECT c.kommunenummer FROM "case" c JOIN kommune k '
                    "ON k.kommunenummer = c.kommunenummer AND k.structure = 2024 "
                    "WHERE k.fylkesnummer = :f AND c.test_date BETWEEN :a AND :b "
                    "GROUP BY c.kommunenummer ORDER BY COUNT(*), c.kommunenummer LIMIT 1"
                ),
                {"f": fylke, "a": start, "b": end},
            ).scalar_one()
        )


@pytest.mark.parametrize("scope", SCOPES[1:], ids=lambda s: s.role)
def test_key_figures_withhold_small_numbers_as_the_scope_says(settings, scope) -> None:  # type: ignore[no-untyped-def]
    date = _dates()[1]
    start = date - dt.timedelta(days=60)
    kommune = _small_count_kommune("11", start, date)
    if scope.small_number_kommuner is not None:  # the kommuneoverlege of that kommune
        scope = replace(scope, small_number_kommuner=frozenset({kommune}))
    full = key_queries.area_key_figures(
        scope=Scope.full(), kommunenummer=kommune, fylkesnummer="11", start=start, end=date
    )
    got = key_queries.area_key_figures(
        scope=scope, kommunenummer=kommune, fylkesnummer="11", start=start, end=date
    )
    small = {"kommune": 0, "fylke": 0, "nation": 0}
    moved = 0
    for column in key_queries.COUNTS:
        for level, code in (("kommune", kommune), ("fylke", None), ("nation", None)):
            values = full.loc[full["level"] == level, column]
            hidden = got.loc[got["level"] == level, f"{column}_suppressed"]
            protected = not scope.may_see_small_numbers(code)
            # a county's or the nation's cell withheld to protect its parts ("skjult",
            # data.disclosure.withhold_totals): neither "1–4" nor a number
            flag = f"{column}_withheld"
            withheld = (
                got.loc[got["level"] == level, flag].to_numpy(dtype=bool)
                if flag in got
                else np.zeros(len(hidden), dtype=bool)
            )
            # (a kommune's 14-day window is the sum of its two weeks)
            if not protected or (level == "kommune" and column != "cases_14d"):
                assert not withheld.any(), (level, column)
            assert got.loc[got["level"] == level, column][withheld].isna().all()
            # a daily count is hidden as "0–4" (but a day in a 7-day window without cases is
            # 0), a window as "1–4" (data.disclosure)
            if column in published.DAILY and protected:
                windows = full.loc[full["level"] == level, "cases_7d"].to_numpy()
                ahead = [windows[i : i + 7] for i in range(len(windows))]
                empty_week = [(w == 0).any() for w in ahead]
                assert not (hidden & ~values.between(0, 4)).any(), (level, column)
                for is_hidden, value, empty, rest in zip(
                    hidden, values, empty_week, ahead, strict=True
                ):
                    if not is_hidden and value <= 4:
                        assert value == 0 and (empty or len(rest) < 7), (level, column)
                    if is_hidden:
                        assert not empty, (level, column)
                expected = hidden
            else:
                expected = values.between(1, 4) & protected & ~withheld
            assert list(hidden) == list(expected), (level, column)
            shown = got.loc[got["level"] == level, column]
            assert shown[hidden.to_numpy()].isna().all()
            small[level] += int(expected.sum())
            visible = ~hidden.to_numpy() & ~withheld
            diff = shown[visible].to_numpy() - values[visible].to_numpy()
            if protected:
                # published cells: 0 stays 0, the rest move by at most MAX_PERTURBATION, ≥ 5
                assert (abs(diff) <= disclosure.MAX_PERTURBATION).all(), (level, column)
                assert (shown[visible][values[visible] > 0] >= 5).all(), (level, column)
                assert (shown[visible][values[visible] == 0] == 0).all(), (level, column)
                moved += int((diff != 0).sum())
            else:
                assert (diff == 0).all(), (level, column)
    if not scope.may_see_small_numbers(None):
        assert moved > 0  # perturbation happens: the test can fail
    if scope.may_see_small_numbers(kommune):
        assert small["kommune"] == 0  # the kommuneoverlege of the kommune sees its small numbers
    else:
        assert small["kommune"] > 0  # the kommune has small counts: the test can fail
    assert small["nation"] > 0 or small["fylke"] > 0  # aggregates judged as aggregates


def test_the_summed_path_equals_the_key_figures(settings) -> None:  # type: ignore[no-untyped-def]
    """Sets of kommuner that are not one area are summed from the aggregate: the same numbers
    as the key figures of the kommuner added up."""
    date = _dates()[1]
    start = date - dt.timedelta(days=20)
    pair = ("1151", "3201")
    for module, read in (
        (testing, testing._area_daily),
        (hospital, hospital._area_daily),
    ):
        summed = read(members=pair, start=start, end=date, disease="covid19")
        parts = [
            read(members=(k,), start=start, end=date, disease="covid19").set_index("date")
            for k in pair
        ]
        added = (parts[0] + parts[1]).reset_index()
        # the true counts (published cells are the key figures' own, never summed)
        added = added[[c for c in added.columns if not c.endswith("_pub")]]
        pd.testing.assert_frame_equal(
            summed[added.columns], added, check_dtype=False, obj=module.__name__
        )
    from data.queries import cases

    summed = cases._summed_daily(list(pair), start, date, "covid19")
    parts = [cases._summed_daily([k], start, date, "covid19").set_index("date") for k in pair]
    held = [
        cases.key_figures.daily(
            members=(k,), start=start, end=date, disease="covid19", columns=("cases_7d",)
        )
        for k in pair
    ]
    for part, key in zip(parts, held, strict=True):
        assert key is not None
        assert list(part["cases_7d"]) == list(key["cases_7d"])
    assert list(summed["cases_14d"]) == list(parts[0]["cases_14d"] + parts[1]["cases_14d"])


def _coverage(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["age_band", "dose_number", "vaccinated", "unvaccinated", "population", "hidden"]
    out = frame[frame["dose_number"] <= 3][columns]
    return out.sort_values(["age_band", "dose_number"]).reset_index(drop=True)


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.role)
def test_key_coverage_equals_the_live_coverage_groups(settings, scope) -> None:  # type: ignore[no-untyped-def]
    vaccinated = 0.0
    for kommune, fylke in KOMMUNER:
        for date in _dates():
            got = key_queries.area_coverage(
                scope=scope, kommunenummer=kommune, fylkesnummer=fylke, start=date, end=date
            )
            vaccinated += float(got["vaccinated"].fillna(0).sum())
            for level, code in (("kommune", kommune), ("fylke", fylke), ("nation", None)):
                live = vaccination.vaccination_groups(
                    scope=scope, level=level, code=code, date=date
                )
                pd.testing.assert_frame_equal(
                    _coverage(got[got["level"] == level]), _coverage(live), check_dtype=False
                )
    assert vaccinated > 0


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
        per_disease = conn.execute(
            select(
                AggKeyFigures.disease,
                func.count(func.distinct(AggKeyFigures.area)),
                func.min(AggKeyFigures.date),
                func.max(AggKeyFigures.date),
                func.count(),
            ).group_by(AggKeyFigures.disease)
        ).all()
    assert {d for d, *_ in per_disease} == set(DISEASE_CODES)  # every disease of the demo
    for _disease, areas, first, last, rows in per_disease:
        assert areas == 357 + 15 + 1
        assert pd.Timestamp(first).date() <= info["period_start"]
        assert pd.Timestamp(last).date() == info["data_date"]
        span = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1
        assert rows == areas * span >= areas * days
    total = sum(rows for *_, rows in per_disease)
    with db.engine().begin() as conn:
        assert key_figures.ensure(conn) is False  # built at load: nothing to do
        conn.execute(delete(AggKeyFigures))
        assert key_figures.ensure(conn) is True
        again = conn.execute(select(func.count()).select_from(AggKeyFigures)).scalar()
    assert again == total


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
                    "WHERE disease = 'covid19' AND date > :d14 AND date <= :d "
                    "GROUP BY kommunenummer"
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
