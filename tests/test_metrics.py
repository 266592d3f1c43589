"""Metric definitions as pure functions (DESIGN.md)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import metrics


def test_incidence_per_100k() -> None:
    assert metrics.incidence(25, 50_000) == pytest.approx(50.0)
    assert math.isnan(metrics.incidence(3, 0))
    series = metrics.incidence(pd.Series([1, 2]), pd.Series([1000, 0]))
    assert series.iloc[0] == pytest.approx(100.0)
    assert math.isnan(series.iloc[1])


@pytest.mark.parametrize(
    ("last", "prev", "expected"),
    [
        (6, 0, None),  # below the volume condition: not computed
        (7, 6, "rising"),  # +16.7 %
        (23, 20, "rising"),  # +15 % exactly
        (22, 20, "flat"),  # +10 %
        (17, 20, "falling"),  # −15 % exactly
        (18, 20, "flat"),  # −10 %
        (10, 0, "rising"),
    ],
)
def test_trend_rule(last: int, prev: int, expected: str | None) -> None:
    assert metrics.trend(last, prev) == expected


def test_polygons_add_counts_before_taking_rates() -> None:
    windows = pd.DataFrame(
        {
            "kommunenummer": ["1508", "1580", "0301"],
            "cases_7d": [10, 30, 5],
            "cases_prev_7d": [5, 5, 5],
            "cases_14d": [15, 35, 10],
            "population": [60_000, 10_000, 700_000],
        }
    )
    polygon_of = pd.DataFrame(
        {"kommunenummer": ["1508", "1580", "0301"], "polygon_id": ["1507", "1507", "0301"]}
    )
    out = metrics.aggregate_to_polygons(windows, polygon_of).set_index("polygon_id")
    # (10 + 30) / 70 000 × 100 000, not the mean of the two kommuner's rates
    assert out.loc["1507", "incidence_7d"] == pytest.approx(40 / 70_000 * 100_000)
    assert out.loc["1507", "kommuner"] == "1508 1580"
    assert out.loc["1507", "trend"] == "rising"
    assert out.loc["0301", "trend"] is None


def test_window_counts_read_the_row_of_the_date() -> None:
    daily = pd.DataFrame(
        {
            "date": pd.date_range("2022-01-19", "2022-01-20"),
            "cases_7d": [100, 119],
            "cases_prev_7d": [70, 70],
            "cases_14d": [170, 189],
            "population": 20_000,
        }
    )
    out = metrics.window_counts(daily, "2022-01-20")
    assert out["cases_7d"] == 119 and out["cases_prev_7d"] == 70
    assert out["incidence_14d"] == pytest.approx(189 * 5.0)
    assert out["trend"] == "rising"
    missing = metrics.window_counts(daily, "2022-02-01")
    assert math.isnan(missing["incidence_7d"]) and missing["trend"] is None


def test_daily_incidence_from_window_sums() -> None:
    daily = pd.DataFrame(
        {
            "date": pd.date_range("2022-01-01", periods=3),
            "cases_7d": [7, float("nan"), 14],  # NaN: withheld by small-number protection
            "population": 100_000,
        }
    )
    out = metrics.daily_incidence(daily, days=7)
    assert out["incidence"].iloc[0] == pytest.approx(7.0)
    assert math.isnan(out["incidence"].iloc[1])


def test_colour_range_ignores_extreme_tail() -> None:
    values = pd.Series([10.0] * 99 + [10_000.0])
    low, high = metrics.colour_range(values)
    assert low == 0.0
    assert high < 10_000.0
