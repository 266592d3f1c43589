"""Shared constants and helpers of the synthetic generator: the calendar, random streams and
conversions from compact numpy arrays to the DataFrame columns the loader expects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS, CURRENT_STRUCTURE, DEFAULT_DISEASE

PERIOD_START = dt.date(2020, 3, 1)
# The period ends in the Omicron wave of January 2022 (cases doubling, rule changes on
# 14 January), so that the default date shows a situation; quiet periods stay in the history.
PERIOD_END = dt.date(2022, 1, 20)
N_DAYS = (PERIOD_END - PERIOD_START).days + 1  # day index 0 … N_DAYS-1
DAY0 = np.datetime64(PERIOD_START.isoformat(), "D")
NO_DAY = np.int16(32_000)  # "never" in int16 day-index arrays
POPULATION_YEARS = tuple(range(PERIOD_START.year, PERIOD_END.year + 1))
N_AGE = len(AGE_BANDS)
STRUCTURE = CURRENT_STRUCTURE
DISEASE = DEFAULT_DISEASE

# Stream ids for independent random generators per step: changing how one step draws does not
# change the data of the others.
STREAMS = {
    "population": 1,
    "vaccination": 2,
    "epidemic": 3,
    "arrivals": 4,
    "cases": 5,
    "clusters": 6,
    "tests": 7,
    "hospital": 8,
    "certificates": 9,
    "persons": 10,
}


def rng_for(seed: int, step: str) -> np.random.Generator:
    """A deterministic generator for one step of one seed."""
    return np.random.Generator(np.random.PCG64([int(seed), STREAMS[step]]))


def day_of(date: dt.date | str) -> int:
    """Day index of a calendar date (0 = 2020-03-01); may be negative or past the period."""
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return (date - PERIOD_START).days


def date_of(day: int) -> dt.date:
    return PERIOD_START + dt.timedelta(days=int(day))


def weekday_of_days(days: np.ndarray) -> np.ndarray:
    """Monday = 0 … Sunday = 6 for day indexes (2020-03-01 was a Sunday)."""
    return (np.asarray(days, dtype=np.int64) + 6) % 7


def dates_column(days: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    """datetime64[ns] values for day indexes; ``missing`` (bool mask) becomes NaT."""
    values = (np.asarray(days, dtype=np.int64) + day_of_epoch()) * np.int64(86_400_000_000_000)
    out = values.view("datetime64[ns]").copy()
    if missing is not None and missing.any():
        out[missing] = np.datetime64("NaT")
    return pd.Series(out, copy=False)


def day_of_epoch() -> int:
    return int((DAY0 - np.datetime64("1970-01-01", "D")).astype(np.int64))


def categorical(codes: np.ndarray, categories: tuple[str, ...] | list[str]) -> pd.Categorical:
    """A categorical column from integer codes (-1 = missing)."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int16), categories=list(categories))


def constant_categorical(value: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[value])


def base_columns(n: int) -> dict[str, object]:
    """The ``disease`` and ``structure`` columns every fact table carries."""
    return {
        "disease": constant_categorical(DISEASE, n),
        "structure": np.full(n, STRUCTURE, dtype=np.int16),
    }


def logistic(days: np.ndarray, centre: str, width: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.asarray(days, dtype=float) - day_of(centre)) / width))


def piecewise(days: np.ndarray, points: list[tuple[str, float]]) -> np.ndarray:
    """Linear interpolation between (date, value) points, flat outside them."""
    xs = np.array([day_of(d) for d, _ in points], dtype=float)
    ys = np.array([v for _, v in points], dtype=float)
    return np.interp(np.asarray(days, dtype=float), xs, ys)


def person_keys(index: np.ndarray, seed: int) -> np.ndarray:
    """Pseudonymous integer keys: a seeded bijection of the person index onto [1e6, 2^31 + 1e6).

    affine → fifth power → affine, all modulo the prime p = 2^31 - 1. x ↦ x^5 is a bijection
    because gcd(5, p - 1) = 1; the power step makes the map non-linear, so keys say nothing
    about kommune, age or the order in which persons were generated. Products of two residues
    are < 2^62 and fit in int64.
    """
    p = np.int64(2_147_483_647)
    a1 = np.int64(48_271 + (int(seed) * 7_919) % 1_000_000_000)
    b1 = np.int64((int(seed) * 104_729 + 12_345) % int(p))
    a2 = np.int64(16_807 + (int(seed) * 65_537) % 1_000_000_000)
    b2 = np.int64((int(seed) * 2_654_435 + 97) % int(p))
    x = (np.asarray(index, dtype=np.int64) % p * a1 + b1) % p
    x2 = x * x % p
    x = x2 * x2 % p * x % p
    return (x * a2 + b2) % p + 1_000_000


@dataclass(frozen=True)
class Scale:
    """Parameters of one named scale of the demo data."""

    name: str
    population_fraction: float
    period_start: dt.date = PERIOD_START
    period_end: dt.date = PERIOD_END
    # Totals over the period at population_fraction 1.0, about Norway's (cases and test events
    # by test date 2020-03-01 … 2022-01-20: 599,395 and 9,780,851 in FHI's national series).
    target_cases: float = 600_000
    target_tests: float = 9_800_000
    target_arrivals: float = 650_000


SCALES: dict[str, Scale] = {
    # The test fixtures' scale: a 1 % sample of the residents of every kommune (fast tests; its
    # populations and rates are a hundredth of Norway's, so it is not offered as a demo).
    "tiny": Scale("tiny", 0.01),
    # The default demo: every resident, fewer days. Events from 30 November 2020 (the second
    # wave, the quiet summer of 2021, Delta, Omicron): the signals need a year of history
    # before the default date; persons and vaccinations from the start.
    "small": Scale("small", 1.0, period_start=dt.date(2020, 11, 30)),
    "full": Scale("full", 1.0),
}
