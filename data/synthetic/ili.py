"""Weekly consultations for influenza-like illness (ILI) in general practice and out-of-hours
services, per kommune × age band: a count table, not person rows.

Each week's expected consultations are the synthetic residents of the cell (1 January of the
week's year) times a rate per 100 000 with a winter season (peak around week 6, a low season
in the winter of 2020/21 under the covid-19 measures) and an age profile (children consult
most). Counts are Poisson draws; zero cells are not stored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS
from data.synthetic._common import POPULATION_YEARS, STRUCTURE, Scale, categorical
from data.synthetic.population import Population

# weekly ILI consultations per 100 000 outside the season, by age band (children most)
BASE_RATE = np.array([14.0, 10.0, 8.0, 7.0, 6.0, 6.0, 5.0, 5.0, 5.0, 6.0, 7.0, 8.0])
SEASON_PEAK = 3.0  # the season's peak as a multiple of the base rate
PEAK_DAY = 40  # day of year of the peak (early February)
SEASON_WIDTH = 35.0  # days
STREAM = 11  # its own random stream (data.synthetic._common.STREAMS has 1-10)
COUNT_TABLE = "ili_consultation"  # found by data.synthetic.count_tables


def _weeks(scale: Scale) -> pd.DatetimeIndex:
    """The Sundays ending the ISO weeks wholly inside the scale's period."""
    first = pd.Timestamp(scale.period_start) + pd.Timedelta(days=6)
    sundays = pd.date_range(first, pd.Timestamp(scale.period_end), freq="W-SUN")
    return sundays[sundays - pd.Timedelta(days=6) >= pd.Timestamp(scale.period_start)]


def season(weeks: pd.DatetimeIndex) -> np.ndarray:
    """The multiple of the base rate in each week: a winter peak, damped in 2020/21."""
    day = weeks.day_of_year.to_numpy(dtype=float)
    distance = np.minimum(np.abs(day - PEAK_DAY), 365 - np.abs(day - PEAK_DAY))
    peak = SEASON_PEAK * np.exp(-0.5 * (distance / SEASON_WIDTH) ** 2)
    damped = (weeks >= pd.Timestamp("2020-10-01")) & (weeks < pd.Timestamp("2021-08-01"))
    return 1.0 + np.where(damped, 0.15, 1.0) * peak


def ili_table(pop: Population, codes: tuple[str, ...], scale: Scale, seed: int) -> pd.DataFrame:
    """Columns: structure, kommunenummer, week, age_band, consultations (non-zero cells)."""
    rng = np.random.Generator(np.random.PCG64([int(seed), STREAM]))
    weeks = _weeks(scale)
    residents = pop.scaled.sum(axis=2)  # K × A × Y
    year = np.clip(weeks.year.to_numpy(), POPULATION_YEARS[0], POPULATION_YEARS[-1])
    at = residents[:, :, year - POPULATION_YEARS[0]]  # K × A × W
    rate = BASE_RATE[None, :, None] * season(weeks)[None, None, :] / 100_000
    counts = rng.poisson(at * rate)
    k, a, w = np.nonzero(counts)
    return pd.DataFrame(
        {
            "structure": np.full(len(k), STRUCTURE, dtype=np.int16),
            "kommunenummer": categorical(k, codes),
            "week": weeks[w].date,
            "age_band": categorical(a, AGE_BANDS),
            "consultations": counts[k, a, w].astype(np.int32),
        }
    )


count_table = ili_table  # the generator's entry (data.synthetic.count_tables)
