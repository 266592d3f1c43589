"""The coverage groups (65+, alle) summed on the matrices equal the group-by of the long frame
they replace, for whole counts, published snapshots with gaps (NaN) and several rows."""

import numpy as np
import pandas as pd
import pytest

from data.codes import AGE_BANDS
from data.queries.vaccination_groups import DOSES, _groups_from_wide, _long, _with_groups


def _inputs(
    seed: int, rows: int, floats: bool, index: pd.Index
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    columns = pd.MultiIndex.from_product([AGE_BANDS, DOSES], names=["age_band", "dose_number"])
    values = rng.integers(0, 5000, (rows, len(columns)))
    population = pd.DataFrame(
        rng.integers(1000, 9000, (rows, len(AGE_BANDS))), index=index, columns=list(AGE_BANDS)
    )
    if floats:
        values = values.astype("float64")
        values[:, rng.random(len(columns)) < 0.3] = np.nan
        values[rng.random(rows) < 0.3] = np.nan
        population = population.astype("float64")
    return pd.DataFrame(values, index=index, columns=columns), population


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("floats", [False, True])
def test_groups_on_dates(seed: int, floats: bool) -> None:
    days = pd.date_range("2022-01-01", periods=1 + seed * 3, freq="D")
    totals, population = _inputs(seed, len(days), floats, days)
    expected = _with_groups(_long(totals, population), ["date", "dose_number"])
    pd.testing.assert_frame_equal(_groups_from_wide(totals, population, "date"), expected)


@pytest.mark.parametrize("floats", [False, True])
def test_groups_by_kommune(floats: bool) -> None:
    kommuner = pd.Index(["4601", "4602", "1151"])
    totals, population = _inputs(7, 3, floats, kommuner)
    long = _long(totals, population).rename(columns={"date": "kommunenummer"})
    expected = _with_groups(long, ["kommunenummer", "dose_number"])
    got = _groups_from_wide(totals, population, "kommunenummer")
    pd.testing.assert_frame_equal(got, expected)


def test_running_totals_equal_the_pivot_table() -> None:
    from data.queries.vaccination import _running_totals

    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame(
        {
            "date": rng.choice(pd.date_range("2021-01-01", periods=60).strftime("%Y-%m-%d"), n),
            "age_band": rng.choice([*AGE_BANDS, "ukjent"], n),
            "dose_number": rng.choice([1, 2, 3, 4, 5], n),
            "doses": rng.integers(0, 50, n),
        }
    )
    columns = pd.MultiIndex.from_product([AGE_BANDS, DOSES], names=["age_band", "dose_number"])
    dated = frame.assign(date=pd.to_datetime(frame["date"]))
    wide = dated.pivot_table(
        index="date", columns=["age_band", "dose_number"], values="doses", aggfunc="sum"
    )
    expected = wide.reindex(columns=columns).fillna(0).sort_index().cumsum().astype("int64")
    pd.testing.assert_frame_equal(_running_totals(frame, columns), expected)


@pytest.mark.parametrize("kommune", ["0301", "1151", "4601"])
def test_group_query_equals_the_group_rows_of_the_coverage(app, kommune: str) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from data.queries import dataset_info
    from data.queries.vaccination import vaccination_coverage, vaccination_groups
    from data.scope import Scope

    ks = Scope(user_id="ks", role="ks_analytiker", small_numbers=False)
    lege = Scope(
        user_id="lege",
        role="kommuneoverlege",
        kommuner=frozenset({kommune}),
        small_numbers=True,
        small_number_kommuner=frozenset({kommune}),
    )
    last = dataset_info(scope=Scope.full())["data_date"]
    for scope in (ks, lege, Scope.full()):
        for days in (0, 60, 300):
            date = last - dt.timedelta(days=days)
            for level, code in (("kommune", kommune), ("nation", None)):
                full = vaccination_coverage(scope=scope, level=level, code=code, date=date)
                groups = full[full["age_band"].isin(["65+", "alle"])].reset_index(drop=True)
                got = vaccination_groups(scope=scope, level=level, code=code, date=date)
                pd.testing.assert_frame_equal(got, groups, check_dtype=False)


@pytest.mark.parametrize("members", [("0301",), ("1151",), None])
def test_one_day_sum_equals_the_running_totals(app, members) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from data.codes import DEFAULT_DISEASE
    from data.queries import dataset_info
    from data.queries.vaccination import _cumulative_doses, _doses_through, _on_days
    from data.scope import Scope

    last = dataset_info(scope=Scope.full())["data_date"]
    history = _cumulative_doses(members=members, disease=DEFAULT_DISEASE)
    for days in (0, 30, 400, 2000):
        date = last - dt.timedelta(days=days)
        day = pd.DatetimeIndex([pd.Timestamp(date)])
        one = _doses_through(members=members, kommuner=None, date=date, disease=DEFAULT_DISEASE)
        pd.testing.assert_frame_equal(one.set_axis(day), _on_days(history, day))
