"""Automated aberration detection on weekly counts: a Farrington-type quasi-Poisson method.

Pure computation (numpy and scipy, no SQL). The method is the one used by public-health
institutes for routine weekly surveillance, in the "flexible" form recommended by Noufaily et
al. (and implemented as ``farringtonFlexible`` in the R package *surveillance*):

- Farrington CP, Andrews NJ, Beale AD, Catchpole MA. A statistical algorithm for the early
  detection of outbreaks of infectious disease. J R Stat Soc A 1996;159:547–563.
- Noufaily A, Enki DG, Farrington CP, Garthwaite P, Andrews NJ, Charlett A. An improved
  algorithm for outbreak detection in multiple surveillance systems. Stat Med
  2013;32:1206–1222.

For every kommune and reference week *t*:

1. Baseline: the weeks *t − 52·y + d* for *y* = 1 … ``years_back`` and *d* = −w … w
   (the same time of year in previous years, ±``half_window`` weeks), as far as data exist.
   With less than one year of history there is no baseline and no signal.
2. A Poisson GLM with log link is fitted to the baseline counts (IRLS), with a linear time
   trend only when the baseline spans at least ``trend_min_years`` years, the trend is
   significant (|z| ≥ 1.96) and it does not predict above the largest baseline count
   (Farrington's rules); otherwise intercept only. Overdispersion
   φ = max(1, Pearson χ² / (n − p)) (quasi-Poisson).
3. Past outbreaks in the baseline are down-weighted: weeks with an Anscombe residual above
   2.58 (Noufaily) get weight s⁻², the weights are rescaled to sum to n, and the model is
   refitted with them; φ is re-estimated with the weights.
4. Expected = the fitted mean μ₀ at week *t*. Threshold = the (1 − α) quantile of a negative
   binomial distribution with mean μ₀ and variance φ·μ₀ (Poisson when φ = 1): Noufaily's
   "nbPlugin" threshold.
5. A signal is raised when observed > threshold and at least ``recent_min`` cases were counted
   in the last ``recent_weeks`` weeks including *t* (Farrington's rule against alarms on a
   handful of cases).

"Since" is the first week of the uninterrupted run of signal weeks that ends at *t*.

Settings per disease (:data:`PARAMS_BY_DISEASE`, stored with every signal row's disease and
method): covid-19 as above. Influenza and RSV are seasonal: the baseline is the same weeks
(±3) of the earlier seasons in the data, as in Farrington's original use for seasonal
organisms; where less than one season of history exists, the stated fallback is a
recent-weeks baseline: the ``fallback_weeks`` weeks before *t*, intercept only (method key
``recent_weeks``), so that the first season loaded is watched too. The new pathogen has no
history: its baseline is all zero, so ``recent_min`` cases within ``recent_weeks`` weeks signal
(a lower minimum than covid-19's: a new pathogen's first cases are the point).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

METHOD_KEY = "farrington_flexible"
FALLBACK_KEY = "recent_weeks"
METHOD_NAME_NB = "Farrington-metoden (kvasi-Poisson, forbedret versjon)"
METHOD_CITATION = (
    "Farrington CP et al. J R Stat Soc A 1996;159:547–563; "
    "Noufaily A et al. Stat Med 2013;32:1206–1222"
)
Z_TREND = 1.959964  # two-sided 5 % test of the trend
MAX_IRLS = 30


@dataclass(frozen=True)
class SignalParams:
    years_back: int = 5
    half_window: int = 3
    alpha: float = 0.01  # one-sided: the threshold is the 99 % quantile
    reweight_at: float = 2.58
    recent_weeks: int = 4
    recent_min: int = 5
    trend_min_years: int = 3
    weeks_per_year: int = 52
    # without one season of history: the baseline is the weeks before (0: no signal then)
    fallback_weeks: int = 0

    def describe(self) -> str:
        return (
            f"b={self.years_back} år, w=±{self.half_window} uker, "
            f"α={self.alpha:g} (terskel = {100 * (1 - self.alpha):g} %-kvantil), "
            f"minst {self.recent_min} tilfeller siste {self.recent_weeks} uker"
        )


DEFAULT_PARAMS = SignalParams()
SEASONAL_PARAMS = SignalParams(fallback_weeks=8)
NEW_PATHOGEN_PARAMS = SignalParams(recent_min=3, fallback_weeks=8)
# the method's settings per disease code (data.codes.DISEASES); others take DEFAULT_PARAMS
PARAMS_BY_DISEASE: dict[str, SignalParams] = {
    "covid19": DEFAULT_PARAMS,
    "influensa": SEASONAL_PARAMS,
    "rsv": SEASONAL_PARAMS,
    "ukjent": NEW_PATHOGEN_PARAMS,
}


def params_for(disease: str) -> SignalParams:
    return PARAMS_BY_DISEASE.get(disease, DEFAULT_PARAMS)


def baseline_weeks(t: int, params: SignalParams = DEFAULT_PARAMS) -> np.ndarray:
    """Indices of the baseline weeks of reference week ``t`` (only those ≥ 0)."""
    idx = [
        t - params.weeks_per_year * y + d
        for y in range(1, params.years_back + 1)
        for d in range(-params.half_window, params.half_window + 1)
    ]
    out = np.array(sorted(i for i in idx if i >= 0), dtype=np.int64)
    return out


def has_baseline(t: int, params: SignalParams = DEFAULT_PARAMS) -> bool:
    # at least the full window around the same week one year back
    return t - params.weeks_per_year - params.half_window >= 0


def _irls(
    y: np.ndarray, x: np.ndarray, weights: np.ndarray, *, trend: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted Poisson GLM fits, vectorised over rows. ``y`` and ``weights`` are (K, n),
    ``x`` (n,) is the week relative to the reference week (so the intercept is log μ₀).

    Returns (beta (K, 2), fitted μ (K, n), inverse information (K, 2, 2)).
    """
    k, n = y.shape
    xs = np.broadcast_to(x.astype("float64"), (k, n))
    wsum = weights.sum(axis=1)
    mean = (weights * y).sum(axis=1) / np.where(wsum > 0, wsum, 1)
    beta = np.zeros((k, 2))
    beta[:, 0] = np.log(np.maximum(mean, 1e-8))
    if not trend:
        mu = np.broadcast_to(np.maximum(mean, 1e-12)[:, None], (k, n)).copy()
        info = (weights * mu).sum(axis=1)
        inv = np.zeros((k, 2, 2))
        inv[:, 0, 0] = 1.0 / np.maximum(info, 1e-12)
        return beta, mu, inv
    eta = np.broadcast_to(beta[:, :1], (k, n)).copy()
    for _ in range(MAX_IRLS):
        mu = np.exp(np.clip(eta, -30, 30))
        z = eta + (y - mu) / mu
        w = weights * mu
        s0, s1, s2 = w.sum(1), (w * xs).sum(1), (w * xs * xs).sum(1)
        r0, r1 = (w * z).sum(1), (w * xs * z).sum(1)
        det = s0 * s2 - s1 * s1
        det = np.where(np.abs(det) < 1e-12, 1e-12, det)
        new = np.stack([(s2 * r0 - s1 * r1) / det, (s0 * r1 - s1 * r0) / det], axis=1)
        new = np.clip(new, -50, 50)
        done = np.max(np.abs(new - beta)) < 1e-8
        beta = new
        eta = beta[:, :1] + beta[:, 1:] * xs
        if done:
            break
    mu = np.exp(np.clip(eta, -30, 30))
    w = weights * mu
    s0, s1, s2 = w.sum(1), (w * xs).sum(1), (w * xs * xs).sum(1)
    det = s0 * s2 - s1 * s1
    det = np.where(np.abs(det) < 1e-12, 1e-12, det)
    inv = np.empty((k, 2, 2))
    inv[:, 0, 0], inv[:, 1, 1] = s2 / det, s0 / det
    inv[:, 0, 1] = inv[:, 1, 0] = -s1 / det
    return beta, mu, inv


def _dispersion(y: np.ndarray, mu: np.ndarray, weights: np.ndarray, p: int) -> np.ndarray:
    n = y.shape[1]
    pearson = (weights * (y - mu) ** 2 / np.maximum(mu, 1e-12)).sum(axis=1)
    return np.maximum(1.0, pearson / max(n - p, 1))


def _hat(x: np.ndarray, mu: np.ndarray, weights: np.ndarray, inv: np.ndarray) -> np.ndarray:
    xs = np.broadcast_to(x.astype("float64"), mu.shape)
    quad = inv[:, 0, 0, None] + 2 * inv[:, 0, 1, None] * xs + inv[:, 1, 1, None] * xs * xs
    return np.clip(weights * mu * quad, 0.0, 0.999)


def _fit(
    y: np.ndarray, x: np.ndarray, weights: np.ndarray, *, trend: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    beta, mu, inv = _irls(y, x, weights, trend=trend)
    phi = _dispersion(y, mu, weights, 2 if trend else 1)
    return beta, mu, inv, phi


def fit_expected(
    y: np.ndarray, x: np.ndarray, params: SignalParams = DEFAULT_PARAMS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected count μ₀ at the reference week and dispersion φ for each row of ``y``.

    ``y`` (K, n) baseline counts, ``x`` (n,) baseline week minus reference week (negative).
    Returns (μ₀, φ, trend used).
    """
    k, n = y.shape
    span_years = (x.max() - x.min()) / params.weeks_per_year if n else 0.0
    try_trend = span_years >= params.trend_min_years - 1 + 1e-9 and n > 2
    ones = np.ones_like(y, dtype="float64")

    # 1. initial fits
    b_flat, mu_flat, inv_flat, phi_flat = _fit(y, x, ones, trend=False)
    use_trend = np.zeros(k, dtype=bool)
    if try_trend:
        b_tr, mu_tr, inv_tr, phi_tr = _fit(y, x, ones, trend=True)
        use_trend = _trend_ok(b_tr, inv_tr, phi_tr, y)
    mu = np.where(use_trend[:, None], mu_tr, mu_flat) if try_trend else mu_flat
    inv = np.where(use_trend[:, None, None], inv_tr, inv_flat) if try_trend else inv_flat
    phi = np.where(use_trend, phi_tr, phi_flat) if try_trend else phi_flat
    # 2. down-weight past outbreaks (Anscombe residuals above the cut-off)
    hat = _hat(x, mu, ones, inv)
    anscombe = (
        1.5
        * (np.power(y, 2 / 3) - np.power(mu, 2 / 3))
        / (np.sqrt(phi)[:, None] * np.power(np.maximum(mu, 1e-12), 1 / 6) * np.sqrt(1 - hat))
    )
    weights = np.where(anscombe > params.reweight_at, 1.0 / np.maximum(anscombe, 1e-6) ** 2, 1.0)
    weights = weights * n / weights.sum(axis=1, keepdims=True)
    # 3. refit with the weights, same model choice per row
    b_flat, mu_flat, _i, phi_flat = _fit(y, x, weights, trend=False)
    mu0 = np.exp(b_flat[:, 0])
    phi = phi_flat
    if try_trend and use_trend.any():
        b_tr, _m, inv_tr, phi_tr = _fit(y, x, weights, trend=True)
        still = use_trend & _trend_ok(b_tr, inv_tr, phi_tr, y)
        mu0 = np.where(still, np.exp(b_tr[:, 0]), mu0)
        phi = np.where(still, phi_tr, phi)
        use_trend = still
    # An all-zero baseline has no fit: expected 0.
    zero = y.sum(axis=1) == 0
    mu0 = np.where(zero, 0.0, mu0)
    phi = np.where(zero, 1.0, phi)
    return mu0, phi, use_trend


def _trend_ok(beta: np.ndarray, inv: np.ndarray, phi: np.ndarray, y: np.ndarray) -> np.ndarray:
    se = np.sqrt(np.maximum(phi * inv[:, 1, 1], 1e-300))
    significant = np.abs(beta[:, 1]) / se >= Z_TREND
    not_beyond = np.exp(beta[:, 0]) <= y.max(axis=1)
    return significant & not_beyond


def nb_threshold(mu0: np.ndarray, phi: np.ndarray, alpha: float) -> np.ndarray:
    """(1 − α) quantile of NB(mean μ₀, variance φμ₀); Poisson where φ = 1 (Noufaily's
    "nbPlugin")."""
    mu0 = np.asarray(mu0, dtype="float64")
    phi = np.asarray(phi, dtype="float64")
    out = np.zeros_like(mu0)
    pos = mu0 > 0
    over = pos & (phi > 1 + 1e-9)
    poisson = pos & ~over
    if poisson.any():
        out[poisson] = stats.poisson.ppf(1 - alpha, mu0[poisson])
    if over.any():
        size = mu0[over] / (phi[over] - 1)
        out[over] = stats.nbinom.ppf(1 - alpha, size, size / (size + mu0[over]))
    return out


def detect(counts: np.ndarray, params: SignalParams = DEFAULT_PARAMS) -> dict[str, np.ndarray]:
    """Run the method on a (kommuner × weeks) matrix of counts, weeks consecutive.

    Returns arrays of shape (K, T): expected, threshold, dispersion, trend, evaluated, alarm,
    since (index of the first week of the current run of alarms, −1 where no alarm).
    """
    counts = np.asarray(counts, dtype="float64")
    k, t_total = counts.shape
    expected = np.full((k, t_total), np.nan)
    threshold = np.full((k, t_total), np.nan)
    dispersion = np.full((k, t_total), np.nan)
    trend = np.zeros((k, t_total), dtype=bool)
    fallback = np.zeros(t_total, dtype=bool)
    for t in range(t_total):
        if has_baseline(t, params):
            idx = baseline_weeks(t, params)
            idx = idx[idx < t]
        elif params.fallback_weeks and t >= params.fallback_weeks:
            idx = np.arange(t - params.fallback_weeks, t)
            fallback[t] = True
        else:
            continue
        mu0, phi, used = fit_expected(counts[:, idx], (idx - t).astype("float64"), params)
        expected[:, t] = mu0
        dispersion[:, t] = phi
        trend[:, t] = used
        threshold[:, t] = nb_threshold(mu0, phi, params.alpha)
    evaluated = ~np.isnan(expected)
    recent = pd.DataFrame(counts.T).rolling(params.recent_weeks, min_periods=1).sum().to_numpy().T
    alarm = evaluated & (counts > np.nan_to_num(threshold, nan=np.inf))
    alarm &= recent >= params.recent_min
    since = np.full((k, t_total), -1, dtype=np.int64)
    for t in range(t_total):
        if t > 0:
            since[:, t] = np.where(alarm[:, t], np.where(alarm[:, t - 1], since[:, t - 1], t), -1)
        else:
            since[:, t] = np.where(alarm[:, t], t, -1)
    return {
        "expected": expected,
        "threshold": threshold,
        "dispersion": dispersion,
        "trend": trend,
        "evaluated": evaluated,
        "alarm": alarm,
        "since": since,
        "fallback": np.broadcast_to(fallback, (k, t_total)),
    }


def weekly_matrix(
    weekly: pd.DataFrame, *, kommuner: list[str], weeks: pd.DatetimeIndex
) -> np.ndarray:
    """(kommuner × weeks) counts from rows (kommunenummer, week_start, count); missing = 0."""
    wide = (
        weekly.pivot_table(
            index="kommunenummer", columns="week_start", values="count", aggfunc="sum"
        )
        .reindex(index=kommuner, columns=weeks)
        .fillna(0)
    )
    return wide.to_numpy(dtype="float64")


def signal_frame(
    weekly: pd.DataFrame,
    *,
    kommuner: list[str],
    weeks: pd.DatetimeIndex,
    params: SignalParams = DEFAULT_PARAMS,
) -> pd.DataFrame:
    """Long table of the method's output for every kommune × evaluated week.

    Columns: kommunenummer, week_start, observed, expected, threshold, dispersion, trend,
    alarm, since_week_start (NaT without alarm), method (:data:`METHOD_KEY`, or
    :data:`FALLBACK_KEY` for weeks without a season of history).
    """
    counts = weekly_matrix(weekly, kommuner=kommuner, weeks=weeks)
    result = detect(counts, params)
    kk, tt = np.nonzero(result["evaluated"])
    since = result["since"][kk, tt]
    week_values = weeks.to_numpy()
    return pd.DataFrame(
        {
            "kommunenummer": np.asarray(kommuner, dtype=object)[kk],
            "week_start": week_values[tt],
            "observed": counts[kk, tt].astype("int64"),
            "expected": result["expected"][kk, tt],
            "threshold": result["threshold"][kk, tt],
            "dispersion": result["dispersion"][kk, tt],
            "trend": result["trend"][kk, tt],
            "alarm": result["alarm"][kk, tt],
            "since_week_start": pd.to_datetime(
                np.where(since >= 0, week_values[np.maximum(since, 0)], np.datetime64("NaT"))
            ),
            "method": np.where(result["fallback"][kk, tt], FALLBACK_KEY, METHOD_KEY),
        }
    )


def iso_weeks(first_day: pd.Timestamp, last_day: pd.Timestamp) -> pd.DatetimeIndex:
    """Mondays of the complete ISO weeks between two days (a week counts when its Sunday is
    on or before ``last_day`` and its Monday on or after ``first_day``)."""
    start = first_day + pd.Timedelta(days=(7 - first_day.weekday()) % 7)
    end = last_day - pd.Timedelta(days=(last_day.weekday() + 1) % 7) - pd.Timedelta(days=6)
    if end < start:
        return pd.DatetimeIndex([])
    return pd.date_range(start, end, freq="7D")
