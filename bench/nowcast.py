"""Planted-wave benchmark of the nowcast and P(growth) (:mod:`data.nowcast`).

Synthetic counties of kommuner (daily levels from 0.5 to 40 cases, Poisson, with a weekly
testing pattern of ×0.74 to ×1.35) are flat until a wave starts on a known day and grows at a
known rate per day (shared by the county, each kommune off it by N(0, 0.01²)). Each case is
registered after a delay drawn from a known distribution (mean ≈ 2.8 days, up to 11). On
every data date D from four weeks before the wave to three weeks into it, the methods see
only the cases registered by D, as the store would hold them, and estimate the delay
distribution (the 8 weeks of complete test dates, as :func:`data.queries.growth.delay`) and
the weekday factors (from the sum of all kommuner, as the store's from the nation) from
them. Reported:

- nowcast of the last 7 days: mean absolute error and relative error (Σ|error| / Σ final) of
  the nowcast against the final counts, beside those of the counts so far, and the share of
  final counts inside the 95 % interval;
- how many days after the wave start P(growth) > 0.9 first fires in a kommune, and the rising
  trend rule (:func:`dashboard.metrics.trend`: last 7 days ≥ 15 % over the 7 before, at
  least 7 cases, on the counts so far, as the pages show them), the median of the difference,
  and the share of kommune-days before the wave on which each fires (false firing).

    python -m bench.nowcast [--counties 20] [--kommuner 30] [--seed 1] [--append]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

import numpy as np

from bench.report import publish
from dashboard.metrics import trend
from data import nowcast as nc

DAYS = 160
WAVE_START = 120  # day index of the first day of growth
BEFORE, AFTER = 28, 21  # data dates evaluated around the wave start
RATES = (0.05, 0.1)  # per day: doubling in 14 and 7 days
THRESHOLD = 0.9
WEEKDAY = 0.3  # a weekly pattern in testing: exp(0.3·sin(2πt/7)), ×0.74 to ×1.35
DELAY_PMF = np.array([0.10, 0.25, 0.22, 0.15, 0.10, 0.06, 0.04, 0.03, 0.02, 0.01, 0.01, 0.01])
DELAY_PMF = np.r_[DELAY_PMF, np.zeros(nc.MAX_DELAY + 1 - len(DELAY_PMF))] / DELAY_PMF.sum()


def simulate(
    counties: int, kommuner: int, rate: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(final counts: county × kommune × day, registrations: … × day × delay)."""
    level = np.exp(rng.uniform(np.log(0.5), np.log(40), (counties, kommuner)))
    own = rate + rng.normal(0, 0.01, (counties, kommuner))
    t = np.arange(DAYS) - WAVE_START
    log_mean = np.log(level)[..., None] + np.where(t >= 0, own[..., None] * (t + 1), 0.0)
    log_mean = log_mean + WEEKDAY * np.sin(2 * np.pi * np.arange(DAYS) / 7)
    final = rng.poisson(np.exp(log_mean))
    split = rng.multinomial(final, DELAY_PMF)
    return final, split


def registered_by(split: np.ndarray, day: int) -> np.ndarray:
    """Counts by test date 0..day registered by the end of ``day``."""
    elapsed = day - np.arange(day + 1)
    cdf = np.cumsum(split[..., : day + 1, :], axis=-1)
    idx = np.minimum(elapsed, nc.MAX_DELAY)
    return np.take_along_axis(cdf, idx[None, None, :, None], axis=-1)[..., 0]


def estimated_delay(split: np.ndarray, day: int) -> nc.Delay:
    """The delay distribution as the store gives it on ``day``: the 8 weeks of test dates
    that are complete (at least MAX_DELAY days old)."""
    until = day - nc.MAX_DELAY
    counts = split[..., until - 56 : until + 1, :].sum(axis=(0, 1, 2))
    return nc.delay_distribution(np.arange(len(counts)), counts)


def evaluate_day(
    split: np.ndarray, final: np.ndarray, day: int, disease: str = "covid19"
) -> dict[str, np.ndarray]:
    seen = registered_by(split, day).astype("float64")  # county × kommune × day
    counties, kommuner, _ = seen.shape
    delay = estimated_delay(split, day)
    window = slice(day - nc.WINDOW + 1, day + 1)
    fraction = nc.reported_fraction(delay, day - np.arange(day + 1)[window])
    flat = seen[..., window].reshape(counties * kommuner, nc.WINDOW)
    weekday = nc.weekday_factors(seen[..., window].sum(axis=(0, 1)), fraction)  # the nation's
    offset = fraction * weekday
    own = nc.fit_growth(flat, offset)
    county = nc.fit_growth(seen[..., window].sum(axis=1), offset)
    prior = np.repeat(county.rate, kommuner)
    prior_se = np.repeat(county.se, kommuner)
    enough = own.cases >= nc.MIN_CASES
    tau2 = nc.between_variance(own.rate[enough], own.se[enough], prior[enough])
    p = np.full(counties * kommuner, np.nan)
    for i in range(counties * kommuner):
        g = nc.shrink(
            own.rate[i],
            own.se[i],
            own.cases[i],
            prior_rate=prior[i],
            prior_se=prior_se[i],
            tau2=tau2,
            disease=disease,
        )
        p[i] = g.p_growth if g.shown else np.nan
    last7 = seen[..., day - 6 : day + 1].sum(axis=-1).ravel()
    prev7 = seen[..., day - 13 : day - 6].sum(axis=-1).ravel()
    rising = np.array([trend(a, b) == "rising" for a, b in zip(last7, prev7, strict=True)])
    # nowcast of the last 7 days
    expected = np.where(
        np.isfinite(own.rate)[:, None], own.fitted[:, 0, :] * weekday, flat.mean(axis=1)[:, None]
    )
    est, low, high = nc.nowcast(flat, fraction, expected)
    last = slice(nc.WINDOW - 7, nc.WINDOW)
    truth = final[..., window].reshape(counties * kommuner, nc.WINDOW)[:, last]
    return {
        "p": p,
        "rising": rising,
        "error": np.abs(est[:, last] - truth),
        "naive": np.abs(flat[:, last] - truth),
        "covered": (truth >= low[:, last]) & (truth <= high[:, last]),
        "final": truth,
    }


def first_firing(fired: np.ndarray) -> np.ndarray:
    """Per kommune (rows) the first column that fired (days after the start), NaN if none."""
    any_fired = fired.any(axis=1)
    return np.where(any_fired, fired.argmax(axis=1), np.nan)


def sustained(fired: np.ndarray, days: int = 3) -> np.ndarray:
    """Fired on this data date and the ``days − 1`` before (known on this date)."""
    out = fired.copy()
    for k in range(1, days):
        out[:, k:] &= fired[:, :-k]
        out[:, :k] = False
    return out


def detection(
    fires: np.ndarray, rising: np.ndarray, pre: slice, post: slice, suffix: str = ""
) -> dict[str, float]:
    """How soon and how often the p-value rule (``fires``) and the trend rule (``rising``),
    kommune × data date, detect the wave after its start (``post``), how much earlier the
    p-value rule does, and how often each fires before it (``pre``): keys end in ``suffix``."""
    first_p = first_firing(fires[:, post])
    first_t = first_firing(rising[:, post])
    both = np.isfinite(first_p) & np.isfinite(first_t)
    earlier = float(np.median(first_t[both] - first_p[both])) if both.any() else np.nan
    values = {
        "p_days": float(np.nanmedian(first_p)),
        "trend_days": float(np.nanmedian(first_t)),
        "p_detected": float(np.isfinite(first_p).mean()),
        "trend_detected": float(np.isfinite(first_t).mean()),
        "earlier": earlier,
        "p_false": float(fires[:, pre].mean()),
        "trend_false": float(rising[:, pre].mean()),
    }
    return {f"{key}{suffix}": value for key, value in values.items()}


def run(*, counties: int = 20, kommuner: int = 30, seed: int = 1) -> list[dict[str, float]]:
    rng = np.random.default_rng(seed)
    out = []
    for rate in RATES:
        started = time.perf_counter()
        final, split = simulate(counties, kommuner, rate, rng)
        days = range(WAVE_START - BEFORE, WAVE_START + AFTER)
        results = [evaluate_day(split, final, d) for d in days]
        p = np.stack([r["p"] for r in results], axis=1)  # kommune × data date
        rising = np.stack([r["rising"] for r in results], axis=1)
        fires = np.nan_to_num(p, nan=0.0) > THRESHOLD
        pre = slice(0, BEFORE)  # data dates whose window lies before the wave
        post = slice(BEFORE, BEFORE + AFTER)
        run_p, run_t = sustained(fires), sustained(rising)
        error = np.concatenate([r["error"].ravel() for r in results])
        naive = np.concatenate([r["naive"].ravel() for r in results])
        final_sum = float(sum(r["final"].sum() for r in results))
        covered = np.concatenate([r["covered"].ravel() for r in results])
        out.append(
            {
                "rate": rate,
                "kommuner": counties * kommuner,
                "mae": float(error.mean()),
                "mae_naive": float(naive.mean()),
                "relative": float(error.sum()) / final_sum,
                "relative_naive": float(naive.sum()) / final_sum,
                "coverage": float(covered.mean()),
                **detection(fires, rising, pre, post),
                # sustained: fired on 3 data dates in a row (the first 2 cannot have)
                **detection(run_p, run_t, slice(2, BEFORE), post, suffix="3"),
                "seconds": time.perf_counter() - started,
            }
        )
    return out


def table(rows: list[dict[str, float]], seed: int) -> str:
    head = (
        f"### Planted-wave benchmark of the nowcast and P(growth) ({dt.date.today()}, "
        f"{os.cpu_count()} cores, seed {seed})\n\n"
        f"`python -m bench.nowcast`: {int(rows[0]['kommuner'])} synthetic kommuner "
        f"(daily levels 0.5–40 cases, weekly pattern ×0.74–1.35) per growth rate, flat until "
        f"the wave, delay mean "
        f"{float((DELAY_PMF * np.arange(len(DELAY_PMF))).sum()):.1f} days (≤ 11); data dates "
        f"from {BEFORE} days before the wave start to {AFTER} days into it. Nowcast: the last 7 "
        f"days of every kommune and data date. Days to fire: median days after the wave start "
        f"of the first data date with P(growth) > {THRESHOLD} / the rising trend rule (share "
        f"of kommuner where it fired within {AFTER} days); earlier: median of the difference "
        f"in kommuner where both fired; false: share of kommune-days before the wave that fire. "
        f"Sustained: the same for firing on 3 data dates in a row.\n"
    )
    lines = [
        head,
        "| growth/day (doubling) | nowcast MAE (counts so far) | relative error (counts so far) "
        "| 95 % interval coverage | days to fire: P(growth) / trend | P(growth) earlier by "
        "| false: P(growth) / trend | sustained: days to fire | sustained: earlier by "
        "| sustained: false | s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['rate']:.2f} ({np.log(2) / r['rate']:.0f} d) "
            f"| {r['mae']:.2f} ({r['mae_naive']:.2f}) "
            f"| {100 * r['relative']:.1f} % ({100 * r['relative_naive']:.1f} %) "
            f"| {100 * r['coverage']:.1f} % "
            f"| {r['p_days']:.0f} ({100 * r['p_detected']:.0f} %) / "
            f"{r['trend_days']:.0f} ({100 * r['trend_detected']:.0f} %) "
            f"| {r['earlier']:.0f} d "
            f"| {100 * r['p_false']:.1f} % / {100 * r['trend_false']:.1f} % "
            f"| {r['p_days3']:.0f} ({100 * r['p_detected3']:.0f} %) / "
            f"{r['trend_days3']:.0f} ({100 * r['trend_detected3']:.0f} %) "
            f"| {r['earlier3']:.0f} d "
            f"| {100 * r['p_false3']:.1f} % / {100 * r['trend_false3']:.1f} % "
            f"| {r['seconds']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--kommuner", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--append", action="store_true", help="append to bench/results.md")
    args = parser.parse_args()
    text = table(run(counties=args.counties, kommuner=args.kommuner, seed=args.seed), args.seed)
    publish(text, append=args.append)


if __name__ == "__main__":
    main()
