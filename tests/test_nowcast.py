"""Reporting delay, nowcast and growth (issue 21, item 4) on synthetic series with known truth:
the nowcast interval covers the final counts as often as stated, P(growth) tells growing from
declining, a small kommune is pulled towards its county, and below the minimum nothing is
shown. The methods: :mod:`data.nowcast`."""

from __future__ import annotations

import numpy as np
import pytest

from bench import nowcast as planted_bench
from data import nowcast as nc

# a delay distribution like the demo's: most cases registered 1–3 days after the test
PMF = np.array([0.05, 0.30, 0.25, 0.15, 0.10, 0.06, 0.04, 0.03, 0.02])
DELAY = nc.Delay(np.r_[PMF / PMF.sum(), np.zeros(nc.MAX_DELAY + 1 - len(PMF))], 10_000)
DAYS = nc.WINDOW


def _series(rate: float, level: float, replicates: int, seed: int) -> tuple[np.ndarray, ...]:
    """(final counts, counts registered by the data date, F): ``replicates`` Poisson series
    of ``DAYS`` days growing by ``rate`` per day to ``level`` on the last day."""
    rng = np.random.default_rng(seed)
    mean = level * np.exp(rate * (np.arange(DAYS) - (DAYS - 1)))
    final = rng.poisson(np.tile(mean, (replicates, 1)))
    fraction = nc.reported_fraction(DELAY, np.arange(DAYS)[::-1])
    return final, rng.binomial(final, fraction), fraction


def test_delay_distribution_and_fraction() -> None:
    delay = nc.delay_distribution(np.array([0, 1, 2, 20, -1]), np.array([10, 60, 20, 10, 5]))
    assert delay.cases == 100  # the negative delay is dropped
    assert delay.pmf[nc.MAX_DELAY] == pytest.approx(0.1)  # the long one in the last bin
    f = nc.reported_fraction(delay, np.array([-1, 0, 1, 2, 5, nc.MAX_DELAY, 99]))
    assert f == pytest.approx([0.0, 0.1, 0.7, 0.9, 0.9, 1.0, 1.0])
    empty = nc.delay_distribution(np.array([]), np.array([]))
    assert nc.reported_fraction(empty, np.array([0])) == pytest.approx([1.0])


@pytest.mark.parametrize("rate", [0.08, 0.0, -0.08])
def test_nowcast_interval_covers_the_final_counts(rate: float) -> None:
    """Over 400 seeded replicates the 95 % interval of each of the last 7 days covers the
    final count in 92–99.5 % of the days (stated bounds: the interval is slightly wide, it
    carries the prior's uncertainty), and the nowcast is nearer the final count than the
    count so far."""
    final, seen, fraction = _series(rate, 20.0, 400, seed=7)
    fit = nc.fit_growth(seen, fraction)
    estimate, low, high = nc.nowcast(seen, fraction, fit.fitted[:, 0, :])
    last = slice(DAYS - 7, DAYS)
    covered = (final[:, last] >= low[:, last]) & (final[:, last] <= high[:, last])
    assert 0.92 <= covered.mean() <= 0.995
    error = np.abs(estimate[:, last] - final[:, last]).mean()
    naive = np.abs(seen[:, last] - final[:, last]).mean()
    assert error < 0.6 * naive
    # a complete day is its count; a withheld day has no nowcast
    assert estimate[:, 0] == pytest.approx(seen[:, 0])
    hidden = nc.nowcast(np.array([np.nan, 3.0]), np.array([0.5, 0.5]), 4.0)
    assert np.isnan(hidden[0][0]) and np.isnan(hidden[2][0]) and hidden[0][1] > 3


def test_growth_interval_covers_the_true_rate() -> None:
    _final, seen, fraction = _series(0.05, 30.0, 400, seed=3)
    fit = nc.fit_growth(seen, fraction)
    covered = np.abs(fit.rate - 0.05) <= 1.96 * fit.se
    assert 0.92 <= covered.mean() <= 0.99
    assert np.mean(fit.rate) == pytest.approx(0.05, abs=0.005)


def test_withheld_days_are_fitted_as_censored() -> None:
    """A role that receives days of 0–4 as withheld gets an unbiased rate on a declining
    series (dropping those days would flatten the decline)."""
    _final, seen, fraction = _series(-0.15, 1.5, 400, seed=5)  # over half the days withheld
    withheld = np.where(seen <= nc.HIDDEN_MAX, np.nan, seen.astype("float64"))
    fit = nc.fit_growth(withheld, fraction)
    truth = nc.fit_growth(seen, fraction)
    assert np.nanmean(fit.rate) == pytest.approx(np.nanmean(truth.rate), abs=0.025)
    assert np.nanmean(fit.rate) < -0.13  # a withheld day read as its middle (2) gives ≈ −0.10


def _growth(
    rate: float,
    level: float,
    seed: int,
    *,
    prior_rate: float = 0.0,
    prior_se: float = 0.05,
    tau2: float = 0.01,
) -> nc.Growth:
    _final, seen, fraction = _series(rate, level, 1, seed=seed)
    fit = nc.fit_growth(seen, fraction)
    return nc.shrink(
        float(fit.rate[0]),
        float(fit.se[0]),
        float(seen.sum()),
        prior_rate=prior_rate,
        prior_se=prior_se,
        tau2=tau2,
        disease="covid19",
    )


def test_p_growth_near_one_growing_and_near_zero_declining() -> None:
    growing = [_growth(0.1, 40.0, seed).p_growth for seed in range(20)]
    declining = [_growth(-0.1, 10.0, seed).p_growth for seed in range(20)]
    assert min(growing) > 0.95
    assert max(declining) < 0.05
    g = _growth(0.1, 40.0, 1)
    assert g.shown and g.rate_low < g.rate < g.rate_high
    assert g.rt is not None and g.rt[1] < g.rt[0] < g.rt[2] and g.rt[0] > 1
    assert g.weekly[0] == pytest.approx(np.expm1(7 * g.rate))


def test_shrinkage_pulls_a_small_kommune_towards_its_county() -> None:
    """The same observed growth: a kommune of ~12 cases lands nearer its county's rate than
    one of ~1 000, and the small one's interval is narrower than its own data alone give."""
    county = -0.05
    small = _growth(0.08, 1.5, 11, prior_rate=county, prior_se=0.01, tau2=0.0004)
    large = _growth(0.08, 140.0, 11, prior_rate=county, prior_se=0.01, tau2=0.0004)
    assert small.shown and large.shown
    assert abs(small.rate - county) < abs(large.rate - county)
    assert small.weight < 0.5 < large.weight
    alone = _growth(0.08, 1.5, 11, prior_rate=np.nan, prior_se=np.nan, tau2=0.0004)
    assert alone.weight == pytest.approx(1.0)
    assert small.rate_high - small.rate_low < alone.rate_high - alone.rate_low


def test_below_the_minimum_count_is_not_shown() -> None:
    few = nc.shrink(0.1, 0.05, nc.MIN_CASES - 1, prior_rate=0, prior_se=0.1, tau2=0, disease="x")
    assert not few.shown and few.reason == "few_cases" and np.isnan(few.p_growth)
    none = nc.shrink(np.nan, np.nan, 50, prior_rate=0, prior_se=0.1, tau2=0, disease="x")
    assert not none.shown and none.reason == "no_fit"
    shown = nc.shrink(0.1, 0.05, nc.MIN_CASES, prior_rate=0, prior_se=0.1, tau2=0, disease="x")
    assert shown.shown and shown.rt is None  # no generation interval for disease "x"


def test_rt_from_rate_and_between_variance() -> None:
    assert nc.rt_from_rate(0.0, "covid19") == pytest.approx(1.0)
    # Wallinga & Lipsitch: for a gamma interval R = (1 + rθ)^k
    mean, sd, _ = nc.GENERATION_INTERVALS["influensa"]
    assert nc.rt_from_rate(0.1, "influensa") == pytest.approx(
        (1 + 0.1 * sd**2 / mean) ** (mean**2 / sd**2)
    )
    rng = np.random.default_rng(2)
    true = rng.normal(0, 0.05, 2000)
    se = np.full(2000, 0.03)
    observed = true + rng.normal(0, se)
    assert nc.between_variance(observed, se, np.zeros(2000)) == pytest.approx(0.0025, rel=0.15)
    assert nc.between_variance(np.array([0.1]), np.array([0.1]), np.array([0.0])) == 0.0


def test_planted_waves_bench() -> None:
    """A smaller run of bench/nowcast.py: the nowcast is nearer the final counts than the
    counts so far with its stated coverage, and P(growth) > 0.9 fires in nearly every
    kommune of a wave, no later than the rising trend rule."""
    for row in planted_bench.run(counties=2, kommuner=12, seed=4):
        assert row["relative"] < 0.6 * row["relative_naive"]
        assert 0.93 <= row["coverage"] <= 0.995
        assert row["p_detected"] >= 0.9
        assert row["p_days"] <= row["trend_days"]


def test_weekday_factors_take_a_weekly_pattern_out_of_the_rate() -> None:
    """A weekly testing pattern (×0.67 to ×1.49): the factors fitted on a large series find
    it, and a kommune's rate fitted with them as offset is unbiased with the standard error
    of a series without the pattern; without them it is off and its interval wider."""
    rng = np.random.default_rng(9)
    days = np.arange(DAYS)
    pattern = np.exp(0.4 * np.sin(2 * np.pi * days / 7))
    fraction = nc.reported_fraction(DELAY, days[::-1])
    nation = rng.binomial(rng.poisson(3000 * pattern), fraction)
    weekday = nc.weekday_factors(nation, fraction)
    assert weekday == pytest.approx(pattern / pattern.mean(), rel=0.06)
    mean = 30.0 * np.exp(0.05 * (days - (DAYS - 1))) * pattern
    seen = rng.binomial(rng.poisson(np.tile(mean, (600, 1))), fraction)
    with_factors = nc.fit_growth(seen, fraction * weekday)
    plain = nc.fit_growth(seen, fraction)
    assert np.mean(with_factors.rate) == pytest.approx(0.05, abs=0.003)
    assert abs(np.mean(plain.rate) - 0.05) > 0.006
    assert np.mean(with_factors.se) < 0.8 * np.mean(plain.se)
    covered = np.abs(with_factors.rate - 0.05) <= 1.96 * with_factors.se
    assert 0.92 <= covered.mean() <= 0.99
    # a series too small to tell a pattern: no factors
    assert nc.weekday_factors(np.ones(DAYS), fraction) == pytest.approx(np.ones(DAYS))
