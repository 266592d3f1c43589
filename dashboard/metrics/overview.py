"""Kommuneoversikt metrics: size classes (peer groups), a ranking that is fair to small
kommuner, and the indicator columns of the overview table. Pure: DataFrames in and out.

Fair ranking. A kommune of 200 residents with 3 cases in a week has an incidence of 1 500 per
100 000 and would top a raw ranking by chance. The overview therefore ranks by an
*empirical-Bayes smoothed* 7-day incidence (Poisson–gamma model, prior fitted by Marshall's
method of moments to the kommuner in the table): each kommune's rate is pulled towards the
common rate in proportion to how little information its population carries, so a large
kommune keeps its own rate and a tiny one moves most of the way to the mean. Beside it every
raw incidence has an exact Poisson (Garwood) 95 % interval; a kommune is marked "over" or
"under" the common rate only when its whole interval lies on one side.

The common rate is the 7-day incidence of all the kommuner of the table together, counted from
the area totals (which include the counts shown as 1–4), not the mean of the visible counts:
those leave out exactly the kommuner with 1–4 cases and keep the zeros, which on a quiet day
pulls the mean far below the real level. The prior never weighs more than
:data:`MAX_PRIOR_CASES` cases, so when most kommuner have no cases (chance alone then explains
the spread and the method-of-moments variance is zero) the data still order the kommuner.
Equal values (at the precision shown) share a rank; kommuner without cases are ranked after
every kommune with cases, together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.i18n import N_
from dashboard.metrics.core import PER, incidence, trend

Z_975 = 1.959963984540054
EXACT_MAX = 200  # above this count the Wilson–Hilferty form is used (relative error < 1e-3)
SIZE_CLASSES: tuple[tuple[int, int | None, str], ...] = (
    (0, 2_000, N_("under 2 000")),
    (2_000, 5_000, N_("2 000–4 999")),
    (5_000, 20_000, N_("5 000–19 999")),
    (20_000, 50_000, N_("20 000–49 999")),
    (50_000, None, N_("50 000 og over")),
)
SIZE_CLASS_LABELS = tuple(label for _lo, _hi, label in SIZE_CLASSES)
MAX_PRIOR_CASES = 100.0  # the common rate counts as at most this many cases of evidence
RANK_DECIMALS = 1  # ranks compare the smoothed rate as shown (one decimal)
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_HIDDEN = "·"


def size_class(population: pd.Series) -> pd.Series:
    """Peer group by number of residents."""
    out = pd.Series(pd.NA, index=population.index, dtype=object)
    for lo, hi, label in SIZE_CLASSES:
        upper = np.inf if hi is None else hi
        out[(population >= lo) & (population < upper)] = label
    return out


# --------------------------------------------------------------------------- Poisson intervals
def _poisson_cdf(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """P(X ≤ k) for X ~ Poisson(mu), k integers 0 … EXACT_MAX (vectorised, log space)."""
    j = np.arange(int(k.max(initial=0)) + 1, dtype="float64")
    lgam = np.array([math.lgamma(x + 1) for x in j])
    safe_mu = np.where(mu > 0, mu, 1.0)
    log_terms = j[None, :] * np.log(safe_mu)[:, None] - safe_mu[:, None] - lgam[None, :]
    terms = np.exp(log_terms) * (j[None, :] <= k[:, None])
    return np.where(mu > 0, terms.sum(axis=1), 1.0)


def _solve(k: np.ndarray, target: float) -> np.ndarray:
    """mu with P(X ≤ k; mu) = target, by bisection (the cdf falls as mu grows)."""
    lo = np.zeros(len(k))
    hi = k + 10.0 * np.sqrt(k + 1.0) + 10.0
    for _ in range(45):  # the bracket shrinks below 1e-10 of its width
        mid = (lo + hi) / 2
        above = _poisson_cdf(k, mid) > target
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return (lo + hi) / 2


def garwood_interval(counts: pd.Series, *, alpha: float = 0.05) -> tuple[pd.Series, pd.Series]:
    """Exact (Garwood) confidence interval of a Poisson mean for each observed count.

    Lower bound L solves P(X ≥ y; L) = α/2 (0 for y = 0); upper bound U solves
    P(X ≤ y; U) = α/2. Counts above ``EXACT_MAX`` use the Wilson–Hilferty form of the same
    chi-square quantiles. NaN counts (withheld) give NaN bounds.
    """
    y = pd.to_numeric(counts, errors="coerce").astype("float64")
    lower = pd.Series(np.nan, index=y.index)
    upper = pd.Series(np.nan, index=y.index)
    known = y.notna()
    small = known & (y <= EXACT_MAX)
    large = known & (y > EXACT_MAX)
    if small.any():
        k = y[small].to_numpy()
        up = _solve(k, alpha / 2)
        low = np.where(k > 0, _solve(np.maximum(k - 1, 0), 1 - alpha / 2), 0.0)
        lower[small] = low
        upper[small] = up
    if large.any():
        k = y[large].to_numpy()
        z = -_z(alpha)
        lower[large] = k * (1 - 1 / (9 * k) + z / (3 * np.sqrt(k))) ** 3
        k1 = k + 1
        upper[large] = k1 * (1 - 1 / (9 * k1) - z / (3 * np.sqrt(k1))) ** 3
    return lower, upper


def _z(alpha: float) -> float:
    if abs(alpha - 0.05) < 1e-12:
        return Z_975
    # inverse normal by bisection on erf: only 0.05 is used on screen
    lo, hi = 0.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if 0.5 * math.erfc(mid / math.sqrt(2)) > alpha / 2:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# --------------------------------------------------------------------------- empirical Bayes
@dataclass(frozen=True)
class GammaPrior:
    """Prior of the true rates (per 100 000): mean and variance; shape/rate for the posterior."""

    mean: float
    variance: float

    @property
    def shape(self) -> float:
        return math.inf if self.variance <= 0 else self.mean**2 / self.variance

    @property
    def rate(self) -> float:
        return math.inf if self.variance <= 0 else self.mean / self.variance


def fit_prior(cases: pd.Series, population: pd.Series, *, mean: float | None = None) -> GammaPrior:
    """Marshall's (1991) global method-of-moments estimate of the Poisson–gamma prior, from
    the rows with a known count and a population.

    ``mean``: the common rate when it is known from totals (the area's own rate, withheld
    counts included); otherwise the rate of the known rows. The variance is at least
    ``mean² / MAX_PRIOR_CASES``: the prior never counts for more than that many cases.
    """
    ok = cases.notna() & (population > 0)
    y = cases[ok].astype("float64").to_numpy()
    e = population[ok].astype("float64").to_numpy() / PER
    if mean is None or not math.isfinite(mean):
        if len(y) == 0 or e.sum() <= 0:
            return GammaPrior(float("nan"), 0.0)
        mean = float(y.sum() / e.sum())
    if len(y) == 0 or e.sum() <= 0:
        return GammaPrior(float(mean), float(mean) ** 2 / MAX_PRIOR_CASES)
    rates = y / e
    s2 = float((e * (rates - mean) ** 2).sum() / e.sum())
    variance = max(s2 - mean / e.mean(), float(mean) ** 2 / MAX_PRIOR_CASES)
    return GammaPrior(float(mean), variance)


def shared_rank(key: pd.Series, cases: pd.Series) -> pd.Series:
    """Rank 1 = highest ``key``; equal keys share the lowest rank of their group ("delt 4.").
    Rows without cases come after every row with cases, sharing one rank; NaN keys (withheld)
    get no rank, and when no row has cases nothing is ranked."""
    rounded = key.round(RANK_DECIMALS)
    with_cases = rounded.where(cases > 0)
    rank = with_cases.rank(ascending=False, method="min")
    last = int(with_cases.notna().sum())
    none = rounded.notna() & (cases == 0)
    if last:
        rank[none] = last + 1
    return rank


def rank_shared(rank: pd.Series) -> pd.Series:
    """Whether each rank is shared with another row."""
    counts = rank.map(rank.value_counts())
    return (counts > 1) & rank.notna()


def smoothed_rate(cases: pd.Series, population: pd.Series, prior: GammaPrior) -> pd.Series:
    """Posterior mean rate per 100 000, (y + α) / (e + β); NaN where the count is withheld."""
    y = cases.astype("float64")
    e = population.astype("float64") / PER
    if prior.variance <= 0 or not math.isfinite(prior.mean):
        return pd.Series(prior.mean, index=cases.index).where(y.notna())
    out = (y + prior.shape) / (e + prior.rate)
    return out.where(y.notna() & (population > 0))


# --------------------------------------------------------------------------- the table
def _share(part: pd.Series, whole: pd.Series, *, cap: bool = False) -> pd.Series:
    value = 100.0 * part.astype("float64") / whole.astype("float64").where(whole > 0)
    return value.clip(upper=100.0) if cap else value


def _add_rates(out: pd.DataFrame, pop: pd.Series) -> None:
    """The 7- and 14-day incidence and the trend of each row, added to ``out``."""
    out["incidence_7d"] = incidence(out["cases_7d"], pop)
    out["incidence_14d"] = incidence(out["cases_14d"], pop)
    out["trend"] = pd.Series(
        [trend(a, b) for a, b in zip(out["cases_7d"], out["cases_prev_7d"], strict=True)],
        index=out.index,
        dtype=object,
    )


def _add_shares(out: pd.DataFrame) -> None:
    """Positivity, coverage of dose 2 and 3 and the certificate share, added to ``out``."""
    out["positivity_7d"] = _share(out["positive_7d"], out["tests_7d"])
    # coverage on the vaccination pages' denominator (residents of the age bands counted)
    vaccination_population = out.get("population_vaccination", out["population"])
    out["coverage_d2"] = _share(out["vaccinated_d2"], vaccination_population, cap=True)
    out["coverage_d3"] = _share(out["vaccinated_d3"], vaccination_population, cap=True)
    out["cert_share"] = _share(out["cert_valid"], out["population"], cap=True)


def overview_metrics(rows: pd.DataFrame, *, common_rate: float | None = None) -> pd.DataFrame:
    """Indicators of the overview from the protected counts of :func:`kommune_overview`.

    Adds: size_class, incidence_7d, incidence_14d, trend, incidence_7d_low / _high (Garwood
    95 %), incidence_7d_smoothed (empirical Bayes), versus_all ("over" / "under" / "usikker"
    against the common rate), rank (1 = highest smoothed incidence, ties shared), rank_shared,
    rank_in_class,
    positivity_7d (%), coverage_d2 / coverage_d3 (% of residents, shown at most 100), cert_share
    (%), and a rate is NaN wherever a count it is built on is withheld.

    ``common_rate``: the 7-day incidence of the whole area of the table from its totals (see
    the module docstring); without it, the rate of the known rows.
    """
    out = rows.copy()
    pop = out["population"].astype("float64")
    out["size_class"] = size_class(out["population"])
    _add_rates(out, pop)
    low, high = garwood_interval(out["cases_7d"])
    per = PER / pop.where(pop > 0)
    out["incidence_7d_low"] = low * per
    out["incidence_7d_high"] = high * per
    prior = fit_prior(out["cases_7d"], out["population"], mean=common_rate)
    out["incidence_7d_smoothed"] = smoothed_rate(out["cases_7d"], out["population"], prior)
    versus = pd.Series("usikker", index=out.index, dtype=object)
    versus[out["incidence_7d_low"] > prior.mean] = "over"
    versus[out["incidence_7d_high"] < prior.mean] = "under"
    out["versus_all"] = versus.where(out["incidence_7d"].notna(), None)
    smoothed, cases = out["incidence_7d_smoothed"], out["cases_7d"].astype("float64")
    out["rank"] = shared_rank(smoothed, cases)
    out["rank_shared"] = rank_shared(out["rank"])
    out["rank_in_class"] = pd.Series(np.nan, index=out.index)
    for _label, part in out.groupby("size_class").groups.items():
        out.loc[part, "rank_in_class"] = shared_rank(smoothed[part], cases[part])
    _add_shares(out)
    out.attrs["prior_mean"] = prior.mean
    return out


def county_metrics(counties: pd.DataFrame) -> pd.DataFrame:
    """The same rate columns for county aggregate rows."""
    out = counties.copy()
    pop = out["population"].astype("float64")
    _add_rates(out, pop)
    _add_shares(out)
    return out


def sparkline(values: list[float], hidden: list[bool]) -> str:
    """A text sparkline, oldest first; withheld weeks are a dot."""
    known = [v for v, h in zip(values, hidden, strict=True) if not h and not pd.isna(v)]
    top = max(known) if known else 0.0
    chars = []
    for v, h in zip(values, hidden, strict=True):
        if h or pd.isna(v):
            chars.append(SPARK_HIDDEN)
        elif top <= 0:
            chars.append(SPARK_BLOCKS[0])
        else:
            chars.append(SPARK_BLOCKS[min(7, round(7 * v / top))])
    return "".join(chars)


def sparklines(weekly: pd.DataFrame, weeks: int) -> pd.Series:
    """Sparkline per kommune from :func:`weekly_cases` (oldest week first)."""
    out = {}
    for row in weekly.itertuples(index=False):
        record = row._asdict()
        values = [record[f"w{w}"] for w in reversed(range(weeks))]
        hidden = [bool(record[f"s{w}"]) for w in reversed(range(weeks))]
        out[record["kommunenummer"]] = sparkline(values, hidden)
    return pd.Series(out, dtype=object)


__all__ = [
    "SIZE_CLASSES",
    "SIZE_CLASS_LABELS",
    "GammaPrior",
    "county_metrics",
    "fit_prior",
    "garwood_interval",
    "overview_metrics",
    "size_class",
    "smoothed_rate",
    "sparkline",
    "sparklines",
]
