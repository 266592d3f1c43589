"""Reporting delay, nowcast and growth: pure functions on daily counts by test date.

A case counts on its test date but reaches the store on its registration date, so on the data
date D the last test dates lack the cases still to be registered. Three pieces, each usable on
its own (arrays in, arrays or :class:`Growth` out; the scoped reads are in
:mod:`data.queries.growth`):

* **Delay distribution** (:func:`delay_distribution`): the share of cases registered ``d``
  days after their test date, from test dates old enough to be complete (the reporting
  triangle's complete rows; Lawless 1994). ``F(d)`` (:func:`reported_fraction`) is the share
  registered within ``d`` days: on D a test date ``d`` days back is ``F(d)`` complete.
* **Nowcast** (:func:`nowcast`): the final count of each incomplete day given its count so far
  ``N``. With the final count ``Y ~ Poisson(λ)`` and each case registered by D with
  probability ``F``, the registered ``N ~ Poisson(λF)`` and the missing ``Y − N ~
  Poisson(λ(1 − F))`` independently. A gamma prior on ``λ`` (shape ``α``, mean the day's
  expected count ``μ`` from the growth fit) gives the posterior ``Gamma(α + N, α/μ + F)``, and
  the missing part is negative binomial: ``Y − N ~ NB(α + N, p = (α/μ + F)/(α/μ + 1))``. The
  estimate is its mean, the interval its quantiles. This is the conditional (multiplier)
  nowcast of Lawless (1994) in the Bayesian form of Höhle & an der Heiden (2014, Biometrics
  70:993) with the delay distribution held fixed, close to NobBS (McGough et al. 2020, PLoS
  Comput Biol 16:e1007735) without its random walk.
* **Growth** (:func:`fit_growth`, :func:`shrink`): a log-linear Poisson model of the last
  :data:`WINDOW` days with the reporting fraction as offset, ``E[N_t] = F(D − t)·exp(a + r·t)``
  (the incomplete days count for what they are: the right-truncated form of the model used by
  EpiNow2's growth-rate estimates), quasi-Poisson standard error (dispersion from the Pearson
  residuals, at least 1). Days a role receives as "0–4" (withheld) are interval-censored in
  [0, 4] and fitted by EM (the E-step replaces them by their expectation given ``0 ≤ N ≤ 4``),
  so a role's estimate uses only what the role sees. A kommune's growth rate is shrunk
  towards the growth of its county and neighbours by a normal–normal empirical Bayes model
  (Efron & Morris 1975, JASA 70:311): ``r_k ~ N(m, τ² + se_m²)``, with ``τ²`` the spread of
  the kommuner's rates around their county's, estimated by the DerSimonian–Laird (1986)
  moment estimator over all kommuner. P(growth) is the posterior probability that ``r > 0``;
  Rt is ``1/M(−r)`` for a gamma generation interval (Wallinga & Lipsitch 2007, Proc R Soc B
  274:599), per disease (:data:`GENERATION_INTERVALS`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

WINDOW = 14  # days of the growth fit (each weekday twice)
MIN_CASES = 10  # a kommune's growth is not shown below this many cases in the window
HIDDEN_MAX = 4  # a withheld daily cell is one of 0–4 (data.disclosure)
MAX_DELAY = 14  # delays counted in days 0..MAX_DELAY (longer ones in the last bin)
PRIOR_SHAPE = 2.0  # the nowcast's gamma prior on a day's count: weak (two cases' worth)
LEVEL = 0.95
MAX_RATE = 0.5  # per day: a fit beyond ±50 %/day is no growth rate but a few cases

# generation interval (mean, sd in days) per disease, for Rt from r
GENERATION_INTERVALS: dict[str, tuple[float, float, str]] = {
    "covid19": (5.2, 1.72, "Ganyani et al. 2020, Euro Surveill 25(17):2000257"),
    "influensa": (3.6, 1.6, "Cowling et al. 2009, Epidemiology 20:344"),
    "rsv": (7.5, 2.1, "Vink, Bootsma & Wallinga 2014, Am J Epidemiol 180:865"),
}


# --------------------------------------------------------------------------- delay
@dataclass(frozen=True)
class Delay:
    """The delay from test date to registration date: ``pmf[d]`` the share registered ``d``
    days after the test date (the last bin holds the longer delays), ``cases`` the cases it
    was estimated from."""

    pmf: np.ndarray
    cases: int

    @property
    def cdf(self) -> np.ndarray:
        return np.minimum(np.cumsum(self.pmf), 1.0)


def delay_distribution(days: np.ndarray, counts: np.ndarray, max_delay: int = MAX_DELAY) -> Delay:
    """The delay distribution from (delay in days, cases) pairs of complete test dates;
    negative delays are dropped, longer than ``max_delay`` go to the last bin. No cases:
    everything registered on the test date (nothing to nowcast)."""
    d = np.asarray(days, dtype="float64")
    c = np.asarray(counts, dtype="float64")
    keep = np.isfinite(d) & (d >= 0) & np.isfinite(c) & (c > 0)
    bins = np.minimum(d[keep].astype(np.int64), max_delay)
    pmf = np.bincount(bins, weights=c[keep], minlength=max_delay + 1)
    total = float(pmf.sum())
    if total <= 0:
        everything_at_once = np.zeros(max_delay + 1)
        everything_at_once[0] = 1.0
        return Delay(everything_at_once, 0)
    return Delay(pmf / total, round(total))


def reported_fraction(delay: Delay, elapsed: np.ndarray) -> np.ndarray:
    """``F(elapsed)``: the share of a test date's cases registered ``elapsed`` days after it
    (0 for a future date, 1 beyond the last delay bin)."""
    e = np.asarray(elapsed, dtype=np.int64)
    cdf = delay.cdf
    out = np.where(e >= len(cdf) - 1, 1.0, cdf[np.clip(e, 0, len(cdf) - 1)])
    return np.where(e < 0, 0.0, out)


# --------------------------------------------------------------------------- nowcast
def nowcast(
    reported: np.ndarray,
    fraction: np.ndarray,
    prior_mean: np.ndarray | float,
    *,
    prior_shape: float = PRIOR_SHAPE,
    level: float = LEVEL,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(estimate, low, high) of each day's final count from its count so far (``reported``,
    NaN: withheld, no nowcast), the share ``fraction`` of its cases registered by now and the
    expected count ``prior_mean`` (see the module text). A complete day (fraction 1) is its
    count."""
    n = np.asarray(reported, dtype="float64")
    f = np.clip(np.asarray(fraction, dtype="float64"), 1e-6, 1.0)
    mu = np.maximum(np.broadcast_to(np.asarray(prior_mean, dtype="float64"), n.shape), 0.5)
    rate = prior_shape / mu + f
    size = prior_shape + np.nan_to_num(n)
    p = rate / (prior_shape / mu + 1.0)
    missing_mean = size * (1 - p) / p
    tail = (1 - level) / 2
    low = stats.nbinom.ppf(tail, size, np.minimum(p, 1.0))
    high = stats.nbinom.ppf(1 - tail, size, np.minimum(p, 1.0))
    complete = f >= 1.0
    missing_mean = np.where(complete, 0.0, missing_mean)
    low = np.where(complete, 0.0, low)
    high = np.where(complete, 0.0, high)
    nan = np.isnan(n)
    return (
        np.where(nan, np.nan, n + missing_mean),
        np.where(nan, np.nan, n + low),
        np.where(nan, np.nan, n + high),
    )


# --------------------------------------------------------------------------- growth
@dataclass(frozen=True)
class Fit:
    """Growth-rate fits of a batch: rate per day, its standard error (NaN: no fit), the fitted
    expected final count of each day of each area (batch × areas × days) and the cases seen."""

    rate: np.ndarray
    se: np.ndarray
    fitted: np.ndarray
    cases: np.ndarray


def _censored_mean(mu: np.ndarray) -> np.ndarray:
    """E[Y | Y ≤ HIDDEN_MAX] for Y ~ Poisson(mu)."""
    k = np.arange(HIDDEN_MAX + 1)
    pk = stats.poisson.pmf(k[None, :], np.maximum(mu.reshape(-1, 1), 1e-9))
    return ((pk * k).sum(axis=1) / np.maximum(pk.sum(axis=1), 1e-300)).reshape(mu.shape)


def fit_growth(
    counts: np.ndarray, fraction: np.ndarray, *, weekday: bool = False, iterations: int = 40
) -> Fit:
    """Fit ``E[N_{b,a,t}] = F_t·exp(a_{b,a,g(t)} + r_b·t)`` to ``counts`` (batch × areas ×
    days, or batch × days for one area each; NaN: withheld, 0–4) with ``fraction`` (F_t,
    days): one growth rate per batch row, shared by its areas, each area its own level — or,
    with ``weekday``, its own level per weekday g(t) (the days 7 apart are compared: a weekly
    pattern in testing and registration then is no noise). Profile Newton on r with the
    levels in closed form; EM for the withheld cells."""
    y = np.asarray(counts, dtype="float64")
    if y.ndim == 2:
        y = y[:, None, :]
    hidden = np.isnan(y)
    f = np.maximum(np.asarray(fraction, dtype="float64"), 1e-6)[None, None, :]
    days = y.shape[-1]
    t = (np.arange(days) - (days - 1) / 2.0)[None, None, :]
    group = np.arange(days) % 7 if weekday else np.zeros(days, dtype=np.int64)
    member = (group[:, None] == np.arange(group.max() + 1)[None, :]).astype("float64")

    def per_group(x: np.ndarray) -> np.ndarray:
        return x @ member  # (..., days) → (..., groups)

    def fit_levels(filled: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        shape = f * np.exp(r[:, None, None] * t)
        level = per_group(filled) / np.maximum(per_group(shape), 1e-300)
        return level @ member.T, shape  # each day's level, and F·exp(r·t)

    def information(mu: np.ndarray) -> np.ndarray:
        s0, s1, s2 = per_group(mu), per_group(t * mu), per_group(t * t * mu)
        return (s2 - s1**2 / np.maximum(s0, 1e-12)).sum(axis=(1, 2))

    filled = np.where(hidden, HIDDEN_MAX / 2.0, y)
    r = np.zeros(y.shape[0])
    for _ in range(iterations):
        level, shape = fit_levels(filled, r)
        mu = level * shape
        if hidden.any():
            filled = np.where(hidden, _censored_mean(mu), y)
        score = (t * (filled - mu)).sum(axis=(1, 2))
        step = np.clip(score / np.maximum(information(mu), 1e-12), -0.2, 0.2)
        r = np.clip(r + step, -MAX_RATE, MAX_RATE)
        if np.all(np.abs(step) < 1e-8):
            break
    level, shape = fit_levels(filled, r)
    mu = level * shape
    info = information(mu)
    observed = ~hidden & (mu > 0)
    pearson = np.where(observed, (y - mu) ** 2 / np.where(mu > 0, mu, 1.0), 0.0).sum(axis=(1, 2))
    dof = observed.sum(axis=(1, 2)) - y.shape[1] * member.shape[1] - 1
    phi = np.maximum(1.0, np.where(dof > 0, pearson / np.maximum(dof, 1), 1.0))
    seen = np.nansum(y, axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(phi / info)
    ok = (seen > 0) & np.isfinite(se) & (info > 0)
    fitted = level * np.exp(r[:, None, None] * t)  # final counts: no reporting fraction
    return Fit(np.where(ok, r, np.nan), np.where(ok, se, np.nan), fitted, seen)


def weekday_factors(counts: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """Each day's weekday factor (mean 1) from a large series (``counts``: days, e.g. the
    nation's), fitted with a level per weekday: multiplied into the reporting fraction as an
    offset, it lets a kommune's fit compare days of different weekdays without spending a
    parameter per weekday on few cases. Ones when the series has too few cases."""
    y = np.asarray(counts, dtype="float64")[None, :]
    fit = fit_growth(y, fraction, weekday=True)
    if not np.isfinite(fit.rate[0]) or fit.cases[0] < 7 * 20:
        return np.ones(y.shape[-1])
    days = y.shape[-1]
    t = np.arange(days) - (days - 1) / 2.0
    level = fit.fitted[0, 0, :] / np.exp(fit.rate[0] * t)
    return level / level.mean()


def between_variance(rate: np.ndarray, se: np.ndarray, prior: np.ndarray) -> float:
    """τ²: the variance of the kommuner's true growth rates around their prior's (county and
    neighbours), DerSimonian–Laird moment estimator on the deviations ``rate − prior``
    (kommuner without a fit are left out). 0 when fewer than three kommuner have one."""
    d = np.asarray(rate, dtype="float64") - np.asarray(prior, dtype="float64")
    s = np.asarray(se, dtype="float64")
    keep = np.isfinite(d) & np.isfinite(s) & (s > 0)
    d, s = d[keep], s[keep]
    if len(d) < 3:
        return 0.0
    w = 1.0 / s**2
    mean = float((w * d).sum() / w.sum())
    q = float((w * (d - mean) ** 2).sum())
    c = float(w.sum() - (w**2).sum() / w.sum())
    return max(0.0, (q - (len(d) - 1)) / c) if c > 0 else 0.0


@dataclass(frozen=True)
class Growth:
    """A kommune's growth as shown: rate per day with interval, change per week, Rt and
    P(growth), or ``shown`` False with the reason (``"few_cases"``, ``"no_fit"``; ``"short"``:
    the window begins before the data); ``rt`` is
    None for a disease without a generation interval. ``weight``: the share of the estimate
    from the kommune's own cases (1 − the pull towards county and neighbours)."""

    shown: bool
    reason: str | None = None
    cases: float = 0.0
    rate: float = math.nan
    rate_low: float = math.nan
    rate_high: float = math.nan
    p_growth: float = math.nan
    weight: float = math.nan
    rt: tuple[float, float, float] | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def weekly(self) -> tuple[float, float, float]:
        """Change per week (exp(7r) − 1) with its interval."""
        return tuple(math.expm1(7 * x) for x in (self.rate, self.rate_low, self.rate_high))  # type: ignore[return-value]


def rt_from_rate(rate: float | np.ndarray, disease: str) -> float | np.ndarray | None:
    """Rt = 1/M(−r) for the disease's gamma generation interval (Wallinga & Lipsitch 2007):
    ``(1 + r·θ)^k`` with shape k = mean²/sd², scale θ = sd²/mean. None without one."""
    gi = GENERATION_INTERVALS.get(disease)
    if gi is None:
        return None
    mean, sd, _source = gi
    k, theta = mean**2 / sd**2, sd**2 / mean
    base = np.maximum(1.0 + np.asarray(rate, dtype="float64") * theta, 0.0)
    out = base**k
    return float(out) if np.ndim(out) == 0 else out


def shrink(
    rate: float,
    se: float,
    cases: float,
    *,
    prior_rate: float,
    prior_se: float,
    tau2: float,
    disease: str,
    min_cases: int = MIN_CASES,
    level: float = LEVEL,
) -> Growth:
    """The kommune's growth after empirical Bayes pooling towards its prior (the growth of
    county and neighbours, itself uncertain by ``prior_se``): posterior normal with precision
    ``1/se² + 1/(τ² + prior_se²)``. Not shown below ``min_cases`` cases or without a fit."""
    if not cases >= min_cases:
        return Growth(False, "few_cases", cases=float(cases) if np.isfinite(cases) else 0.0)
    if not (np.isfinite(rate) and np.isfinite(se) and se > 0):
        return Growth(False, "no_fit", cases=float(cases))
    prior_var = tau2 + prior_se**2 if np.isfinite(prior_rate) and np.isfinite(prior_se) else np.inf
    own = 1.0 / se**2
    pooled = 0.0 if not np.isfinite(prior_var) else 1.0 / max(prior_var, 1e-12)
    precision = own + pooled
    mean = (own * rate + (pooled * prior_rate if pooled else 0.0)) / precision
    sd = math.sqrt(1.0 / precision)
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    low, high = mean - z * sd, mean + z * sd
    rt = rt_from_rate(np.array([mean, low, high]), disease)
    return Growth(
        True,
        cases=float(cases),
        rate=mean,
        rate_low=low,
        rate_high=high,
        p_growth=float(stats.norm.sf(0.0, loc=mean, scale=sd)),
        weight=own / precision,
        rt=None if rt is None else tuple(float(x) for x in np.asarray(rt)),  # type: ignore[arg-type]
    )


__all__ = [
    "GENERATION_INTERVALS",
    "LEVEL",
    "MIN_CASES",
    "WINDOW",
    "Delay",
    "Fit",
    "Growth",
    "between_variance",
    "delay_distribution",
    "fit_growth",
    "nowcast",
    "reported_fraction",
    "rt_from_rate",
    "shrink",
    "weekday_factors",
]
