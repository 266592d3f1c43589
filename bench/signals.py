"""Planted-outbreak benchmark of the signal method (:mod:`data.signals`).

Baseline weekly counts for many synthetic kommuner (seasonal, overdispersed, seeded) get
outbreaks of known size and start week planted into them; the method runs on the result.
Reported, as in Noufaily et al. (2013):

- sensitivity: share of planted outbreaks with a signal in at least one outbreak week,
  by outbreak size (in standard deviations of the baseline count, k·√(φμ));
- false signals per 1 000 kommune-weeks without an outbreak;
- median delay from outbreak start to first signal.

    python -m bench.signals [--kommuner 357] [--seed 1] [--append]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bench.report import publish
from data import signals

YEARS = 7
EVALUATED_WEEKS = 104  # the last two years; five years of history before them
SIZES_SD = (2, 3, 5, 8, 10)


@dataclass(frozen=True)
class Planted:
    kommune: int
    start: int
    weeks: int
    cases: int
    size_sd: float


def baseline_counts(
    kommuner: int, weeks: int, rng: np.random.Generator, *, dispersion: float = 1.5
) -> tuple[np.ndarray, np.ndarray]:
    """(counts, means): seasonal means from 0.5 to ~60 per week, negative binomial noise with
    variance φμ, a mild upward trend in a third of the kommuner."""
    kommuners = kommuner
    level = np.exp(rng.uniform(np.log(0.5), np.log(60), kommuners))
    t = np.arange(weeks)
    season = 1 + 0.4 * np.cos(2 * np.pi * (t - 2) / 52.18)
    trend = np.where(rng.random(kommuners) < 1 / 3, 0.002, 0.0)[:, None] * t[None, :]
    mean = level[:, None] * season[None, :] * np.exp(trend)
    size = mean / (dispersion - 1)
    counts = rng.negative_binomial(size, size / (size + mean))
    return counts.astype("float64"), mean


def plant(
    counts: np.ndarray,
    mean: np.ndarray,
    rng: np.random.Generator,
    *,
    per_kommune: int = 1,
    dispersion: float = 1.5,
) -> tuple[np.ndarray, list[Planted]]:
    """Add outbreaks: per kommune ``per_kommune`` outbreaks starting in the evaluated weeks,
    of k·SD cases (k drawn from SIZES_SD), spread over 1–3 weeks (half in the first week)."""
    k_total, t_total = counts.shape
    out = counts.copy()
    planted: list[Planted] = []
    first_eval = t_total - EVALUATED_WEEKS
    for kommune in range(k_total):
        starts = rng.choice(np.arange(first_eval, t_total - 3, 8), size=per_kommune, replace=False)
        for start in starts:
            size_sd = float(rng.choice(SIZES_SD))
            sd = np.sqrt(dispersion * mean[kommune, start])
            cases = max(1, round(size_sd * sd))
            weeks = int(rng.integers(1, 4))
            shares = np.array([0.5, 0.3, 0.2][:weeks])
            shares = shares / shares.sum()
            split = rng.multinomial(cases, shares)
            out[kommune, start : start + weeks] += split
            planted.append(Planted(kommune, int(start), weeks, cases, size_sd))
    return out, planted


def evaluate(
    alarm: np.ndarray, planted: list[Planted], *, first_eval: int
) -> tuple[pd.DataFrame, float, int]:
    """Per-outbreak detection, false signals per 1 000 kommune-weeks outside outbreaks."""
    outbreak = np.zeros_like(alarm, dtype=bool)
    rows = []
    for p in planted:
        # a signal in the outbreak weeks or the week after counts as detection
        window = slice(p.start, min(p.start + p.weeks + 1, alarm.shape[1]))
        outbreak[p.kommune, window] = True
        hits = np.nonzero(alarm[p.kommune, window])[0]
        rows.append(
            {
                "size_sd": p.size_sd,
                "cases": p.cases,
                "detected": len(hits) > 0,
                "delay": int(hits[0]) if len(hits) else np.nan,
            }
        )
    evaluated = np.zeros_like(alarm, dtype=bool)
    evaluated[:, first_eval:] = True
    quiet = evaluated & ~outbreak
    false_per_1000 = 1000 * float(alarm[quiet].sum()) / max(int(quiet.sum()), 1)
    return pd.DataFrame(rows), false_per_1000, int(quiet.sum())


def run(
    *, kommuner: int = 357, seed: int = 1, params: signals.SignalParams = signals.DEFAULT_PARAMS
) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    weeks = YEARS * 52
    counts, mean = baseline_counts(kommuner, weeks, rng)
    clean = signals.detect(counts, params)
    with_outbreaks, planted = plant(counts, mean, rng)
    started = time.perf_counter()
    result = signals.detect(with_outbreaks, params)
    seconds = time.perf_counter() - started
    first_eval = weeks - EVALUATED_WEEKS
    per_outbreak, false_per_1000, quiet = evaluate(result["alarm"], planted, first_eval=first_eval)
    clean_alarm = clean["alarm"][:, first_eval:]
    return {
        "kommuner": kommuner,
        "kommune_weeks": kommuner * EVALUATED_WEEKS,
        "outbreaks": len(planted),
        "sensitivity": float(per_outbreak["detected"].mean()),
        "by_size": per_outbreak.groupby("size_sd")["detected"].mean().to_dict(),
        "median_delay_weeks": float(per_outbreak["delay"].median()),
        "false_per_1000": false_per_1000,
        "false_per_1000_without_outbreaks": 1000 * float(clean_alarm.mean()),
        "quiet_weeks": quiet,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kommuner", type=int, default=357)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--append", action="store_true", help="append to bench/results.md")
    args = parser.parse_args()
    r = run(kommuner=args.kommuner, seed=args.seed)
    by_size = ", ".join(f"{k:g} SD: {100 * v:.0f} %" for k, v in r["by_size"].items())  # type: ignore[union-attr]
    lines = [
        f"### Planted-outbreak benchmark of the signal method ({dt.date.today()}, "
        f"{os.cpu_count()} cores, seed {args.seed})",
        "",
        f"- {r['kommuner']} synthetic kommuner × {EVALUATED_WEEKS} evaluated weeks "
        f"(= {r['kommune_weeks']:,} kommune-weeks) after 5 years of history; "
        f"{r['outbreaks']} planted outbreaks of 2–10 SD spread over 1–3 weeks",
        f"- sensitivity {100 * r['sensitivity']:.1f} % ({by_size}); "  # type: ignore[operator]
        f"median delay {r['median_delay_weeks']:.0f} weeks",
        f"- false signals: {r['false_per_1000']:.1f} per 1 000 kommune-weeks outside outbreaks "
        f"({r['false_per_1000_without_outbreaks']:.1f} on the same data with no outbreaks)",
        f"- method run time: {r['seconds']:.2f} s for all kommune-weeks",
        "",
    ]
    text = "\n".join(lines)
    publish(text, append=args.append)


if __name__ == "__main__":
    main()
