"""Vaccination: person-level doses following the Norwegian rollout by age priority.

Every resident gets up to four dose dates; dose n exists only if dose n-1 does and comes at
least the recommended interval later. Coverage therefore cannot exceed the registry, and the
registry never exceeds any year's population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS
from data.synthetic._common import (
    N_AGE,
    N_DAYS,
    NO_DAY,
    base_columns,
    categorical,
    dates_column,
    day_of,
)
from data.synthetic.population import Population

PRODUCTS = ("Comirnaty", "Spikevax", "Vaxzevria")

# Per age band: uptake of dose 1, share of dose-1 takers who take dose 2, 3 | 2 and 4 | 3.
UPTAKE_1 = np.array([0.0, 0.64, 0.87, 0.86, 0.88, 0.91, 0.94, 0.96, 0.98, 0.98, 0.97, 0.95])
UPTAKE_2 = np.array([0.0, 0.45, 0.82, 0.95, 0.96, 0.96, 0.97, 0.98, 0.98, 0.98, 0.97, 0.96])
UPTAKE_3 = np.array([0.0, 0.0, 0.08, 0.62, 0.70, 0.77, 0.84, 0.91, 0.95, 0.96, 0.96, 0.94])
UPTAKE_4 = np.array([0.0, 0.0, 0.0, 0.03, 0.05, 0.07, 0.10, 0.24, 0.80, 0.86, 0.88, 0.84])

# Start of dose 1 for each age band (priority order) and mean days until a person's turn.
DOSE1_START = (
    "2099-01-01",  # 0-11: not vaccinated
    "2021-09-06",
    "2021-08-16",
    "2021-07-05",
    "2021-06-14",
    "2021-06-01",
    "2021-05-10",
    "2021-04-06",
    "2021-02-22",
    "2021-02-01",
    "2021-01-18",
    "2020-12-27",
)
DOSE1_SPREAD = np.array([1, 40, 25, 30, 30, 24, 26, 28, 26, 20, 20, 18], dtype=float)
DOSE3_START = (
    "2099-01-01",
    "2099-01-01",
    "2022-02-01",
    "2021-12-20",
    "2021-12-20",
    "2021-12-13",
    "2021-12-06",
    "2021-11-29",
    "2021-11-15",
    "2021-11-08",
    "2021-11-01",
    "2021-10-25",
)
DOSE4_START = (
    "2099-01-01",
    "2099-01-01",
    "2099-01-01",
    "2022-09-19",
    "2022-09-19",
    "2022-09-19",
    "2022-09-19",
    "2022-09-19",
    "2022-09-05",
    "2022-04-01",
    "2022-04-01",
    "2022-04-01",
)
FIRST_DOSE_DAY = day_of("2020-12-27")


@dataclass
class Doses:
    dates: np.ndarray  # P × 4 day index of dose 1..4 (NO_DAY = not given)
    product: np.ndarray  # P × 4 product code (int8, -1 = none)


def vaccinate(pop: Population, rng: np.random.Generator) -> Doses:
    n = pop.n_persons
    age = pop.person_age.astype(np.int64)
    # Kommune-level uptake and speed: rural kommuner vaccinated a little faster and more fully.
    k = len(pop.sizes)
    k_uptake = rng.normal(0.0, 0.02, size=k) - 0.02 * pop.urbanity
    k_delay = rng.normal(0.0, 4.0, size=k) + 3.0 * pop.urbanity
    shift = k_uptake[pop.person_kommune]
    delay = k_delay[pop.person_kommune]

    def p(arr: np.ndarray, extra: np.ndarray | float = 0.0) -> np.ndarray:
        return np.clip(arr[age] + extra, 0.0, 0.995)

    days = np.full((n, 4), NO_DAY, dtype=np.int32)
    product = np.full((n, 4), -1, dtype=np.int8)

    start1 = np.array([day_of(d) for d in DOSE1_START])[age]
    take1 = rng.random(n) < p(UPTAKE_1, shift)
    d1 = start1 + delay + rng.gamma(2.0, DOSE1_SPREAD[age] / 2.0)
    # Late starters (hesitant at first), and health workers / risk groups who came first.
    late = rng.random(n) < 0.06
    d1 = np.where(late, d1 + rng.gamma(1.5, 60.0, size=n), d1)
    adult_working = (age >= 3) & (age <= 7)
    health = adult_working & (rng.random(n) < 0.05)
    risk = adult_working & ~health & (rng.random(n) < 0.07)
    d1 = np.where(health, day_of("2021-01-11") + rng.gamma(2.0, 14.0, size=n), d1)
    d1 = np.where(risk, np.minimum(d1, day_of("2021-03-01") + rng.gamma(2.0, 18.0, size=n)), d1)
    d1 = np.maximum(np.round(d1), FIRST_DOSE_DAY).astype(np.int64)
    vaxzevria = health & (d1 >= day_of("2021-02-08")) & (d1 <= day_of("2021-03-11"))
    vaxzevria |= (
        risk & (d1 >= day_of("2021-02-15")) & (d1 <= day_of("2021-03-11")) & (rng.random(n) < 0.5)
    )

    # Dose 2: interval by when dose 1 was given (3-4 weeks early on, 6 then 12 weeks, shorter
    # again in summer 2021); 12-15 year olds were offered dose 2 from January 2022.
    interval = np.select(
        [d1 < day_of("2021-02-01"), d1 < day_of("2021-05-10"), d1 < day_of("2021-07-01")],
        [rng.integers(21, 29, size=n), rng.integers(42, 50, size=n), rng.integers(70, 85, size=n)],
        default=rng.integers(35, 57, size=n),
    )
    interval = np.where(vaxzevria, rng.integers(84, 99, size=n), interval)
    d2 = d1 + interval
    d2 = np.where(
        age == 1,
        np.maximum(d2, day_of("2022-01-10")) + rng.gamma(2.0, 20.0, size=n).astype(np.int64),
        d2,
    )
    take2 = take1 & (rng.random(n) < p(UPTAKE_2))
    d2 = np.where(rng.random(n) < 0.04, d2 + rng.gamma(1.5, 30.0, size=n).astype(np.int64), d2)

    start3 = np.array([day_of(d) for d in DOSE3_START])[age]
    take3 = take2 & (rng.random(n) < p(UPTAKE_3, 0.5 * shift))
    d3 = np.maximum(start3 + delay, d2 + rng.integers(90, 150, size=n)) + rng.gamma(
        2.0, 12.0, size=n
    )
    d3 = np.where(rng.random(n) < 0.12, d3 + rng.gamma(1.5, 45.0, size=n), d3).astype(np.int64)

    start4 = np.array([day_of(d) for d in DOSE4_START])[age]
    take4 = take3 & (rng.random(n) < p(UPTAKE_4, 0.5 * shift))
    # 80+: some in spring 2022, most with the autumn 2022 campaign like the 65-79s.
    spring = (age >= 10) & (rng.random(n) < 0.45)
    start4 = np.where((age >= 9) & ~spring, np.maximum(start4, day_of("2022-09-05")), start4)
    d4 = np.maximum(start4 + delay, d3 + rng.integers(120, 150, size=n)) + rng.gamma(
        2.0, 14.0, size=n
    )
    d4 = d4.astype(np.int64)

    last = N_DAYS - 1
    for col, (take, d) in enumerate(((take1, d1), (take2, d2), (take3, d3), (take4, d4))):
        given = take & (d <= last)
        if col > 0:
            given &= days[:, col - 1] != NO_DAY
            given &= d > days[:, col - 1]
        days[given, col] = d[given]

    # Products: Vaxzevria only for some dose 1 in Feb–Mar 2021; Spikevax not under 30 for boosters.
    r = rng.random((n, 4))
    spikevax_share = np.array([0.15, 0.25, 0.45, 0.30])
    for col in range(4):
        given = days[:, col] != NO_DAY
        use_spikevax = r[:, col] < spikevax_share[col]
        if col >= 2:
            use_spikevax &= age >= 4
        code = np.where(use_spikevax, 1, 0)
        if col == 0:
            code = np.where(vaxzevria, 2, code)
        product[given, col] = code[given]
    return Doses(days.astype(np.int16), product)


def vaccination_table(
    pop: Population, doses: Doses, keys: np.ndarray, codes: tuple[str, ...]
) -> pd.DataFrame:
    person = []
    dose = []
    for col in range(4):
        idx = np.flatnonzero(doses.dates[:, col] != NO_DAY)
        person.append(idx)
        dose.append(np.full(len(idx), col + 1, dtype=np.int8))
    person_idx = np.concatenate(person)
    dose_no = np.concatenate(dose)
    day = doses.dates[person_idx, dose_no - 1]
    order = np.lexsort((dose_no, pop.person_kommune[person_idx], day))
    person_idx, dose_no, day = person_idx[order], dose_no[order], day[order]
    n = len(person_idx)
    return pd.DataFrame(
        {
            **base_columns(n),
            "kommunenummer": categorical(pop.person_kommune[person_idx], codes),
            "vaccination_date": dates_column(day),
            "age_band": categorical(pop.person_age[person_idx], AGE_BANDS),
            "dose_number": dose_no.astype(np.int16),
            "product": categorical(doses.product[person_idx, dose_no - 1], PRODUCTS),
            "person_key": keys[person_idx],
        }
    )


def coverage_by_cell(
    pop: Population, doses: Doses, lag: tuple[int, ...] = (14, 14, 7, 7)
) -> np.ndarray:
    """(K*A) × days × 4 share of the cell with at least dose n, counted ``lag`` days after the
    dose (when protection starts)."""
    cells = pop.person_kommune.astype(np.int64) * N_AGE + pop.person_age
    n_cells = len(pop.cell_start) - 1
    out = np.zeros((n_cells, N_DAYS, 4), dtype=np.float32)
    size = np.maximum(pop.cell_count, 1).astype(np.float32)
    for col in range(4):
        day = doses.dates[:, col].astype(np.int64) + lag[col]
        ok = day < N_DAYS
        counts = np.bincount(cells[ok] * N_DAYS + day[ok], minlength=n_cells * N_DAYS)
        out[:, :, col] = np.cumsum(counts.reshape(n_cells, N_DAYS), axis=1) / size[:, None]
    return out
