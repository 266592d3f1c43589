"""The coverage groups (65+, alle) summed on the matrices equal the group-by of the long frame
they replace, for whole counts, published snapshots with gaps (NaN) and several rows."""

import numpy as np
import pandas as pd
import pytest

from data.codes import AGE_BANDS
from data.queries.vaccination import DOSES, _groups_from_wide, _long, _with_groups


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
