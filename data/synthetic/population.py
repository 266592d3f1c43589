"""Residents by kommune × age band × sex × year, and the registry of synthetic persons.

The registry holds one row per synthetic resident, sorted by (kommune, age band) cell and in
random order inside each cell. Each cell holds as many persons as the smallest population of
that cell over the years, so that "persons with X / population" can never exceed 1 whichever
year's population a query divides by.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS, SEXES
from data.synthetic._common import N_AGE, POPULATION_YEARS, STRUCTURE, categorical
from data.synthetic.geography import Geography, kommune_sizes, urbanity

# Norway's age profile (share of residents per band, about 2020) and how it tilts with urbanity:
# cities have more young adults, rural kommuner more elderly.
AGE_SHARE = np.array(
    [0.135, 0.047, 0.024, 0.086, 0.203, 0.066, 0.139, 0.121, 0.101, 0.035, 0.023, 0.021]
)
AGE_URBAN_TILT = np.array(
    [0.02, -0.03, -0.04, 0.12, 0.20, 0.05, -0.03, -0.10, -0.15, -0.17, -0.17, -0.15]
)
FEMALE_SHARE = np.array(
    [0.487, 0.487, 0.486, 0.480, 0.481, 0.486, 0.490, 0.495, 0.505, 0.530, 0.570, 0.650]
)


@dataclass
class Population:
    full: np.ndarray  # K × A × 2 × Y residents at full scale (float)
    scaled: np.ndarray  # K × A × 2 × Y synthetic residents (int)
    sizes: np.ndarray  # K residents 2020 at full scale
    urbanity: np.ndarray  # K
    # registry
    cell_start: np.ndarray  # K*A + 1 offsets into the registry, cell = k * A + a
    person_kommune: np.ndarray  # int16
    person_age: np.ndarray  # int8
    person_sex: np.ndarray  # int8 (0 = F, 1 = M)

    @property
    def n_persons(self) -> int:
        return len(self.person_kommune)

    @property
    def cell_count(self) -> np.ndarray:
        return np.diff(self.cell_start)

    def full_by_cell(self, year_index: int = 0) -> np.ndarray:
        """K × A residents at full scale in one year."""
        return self.full[..., year_index].sum(axis=2)


def build_population(geo: Geography, fraction: float, rng: np.random.Generator) -> Population:
    sizes = kommune_sizes(geo, rng)
    u = urbanity(sizes)
    k = geo.n
    shares = AGE_SHARE[None, :] * np.exp(AGE_URBAN_TILT[None, :] * u[:, None])
    shares *= rng.lognormal(0.0, 0.05, size=shares.shape)
    shares /= shares.sum(axis=1, keepdims=True)
    for _ in range(6):  # keep the national age profile while kommuner differ
        national = (sizes[:, None] * shares).sum(axis=0) / sizes.sum()
        shares *= (AGE_SHARE / AGE_SHARE.sum() / national)[None, :]
        shares /= shares.sum(axis=1, keepdims=True)
    female = np.clip(FEMALE_SHARE[None, :] + rng.normal(0.0, 0.006, size=(k, N_AGE)), 0.4, 0.7)
    growth = np.clip(0.004 + 0.005 * u + rng.normal(0.0, 0.003, size=k), -0.01, 0.02)
    years = np.arange(len(POPULATION_YEARS))
    base = sizes[:, None] * shares  # K × A
    by_sex = np.stack([base * female, base * (1.0 - female)], axis=2)  # K × A × 2
    full = by_sex[..., None] * (1.0 + growth)[:, None, None, None] ** years[None, None, None, :]
    # Stochastic rounding with one uniform per cell for all years keeps the years consistent.
    jitter = rng.uniform(size=by_sex.shape)[..., None]
    scaled = np.floor(full * fraction + jitter).astype(np.int64)
    cells = scaled.min(axis=3)  # K × A × 2 persons in the registry
    return _with_registry(full, scaled, sizes, u, cells, rng)


def _with_registry(full, scaled, sizes, u, cells, rng) -> Population:
    k, a, _ = cells.shape
    counts = cells.reshape(-1)  # order: kommune, age, sex
    n = int(counts.sum())
    cell_ids = np.repeat(np.arange(k * a * 2), counts)
    person_kommune = (cell_ids // (a * 2)).astype(np.int16)
    person_age = ((cell_ids // 2) % a).astype(np.int8)
    person_sex = (cell_ids % 2).astype(np.int8)
    # Random order inside each kommune × age cell (sexes mixed).
    order = np.lexsort((rng.random(n), cell_ids // 2))
    person_kommune, person_age, person_sex = (
        person_kommune[order],
        person_age[order],
        person_sex[order],
    )
    per_cell = cells.sum(axis=2).reshape(-1)
    cell_start = np.concatenate([[0], np.cumsum(per_cell)]).astype(np.int64)
    return Population(
        full=full,
        scaled=scaled,
        sizes=sizes,
        urbanity=u,
        cell_start=cell_start,
        person_kommune=person_kommune,
        person_age=person_age,
        person_sex=person_sex,
    )


def population_table(pop: Population, geo: Geography) -> pd.DataFrame:
    k, a, s, y = pop.scaled.shape
    kk, aa, ss, yy = np.meshgrid(
        np.arange(k), np.arange(a), np.arange(s), np.arange(y), indexing="ij"
    )
    return pd.DataFrame(
        {
            "structure": np.full(kk.size, STRUCTURE, dtype=np.int16),
            "kommunenummer": categorical(kk.reshape(-1), geo.codes),
            "year": np.asarray(POPULATION_YEARS, dtype=np.int16)[yy.reshape(-1)],
            "age_band": categorical(aa.reshape(-1), AGE_BANDS),
            "sex": categorical(ss.reshape(-1), SEXES),
            "population": pop.scaled.reshape(-1).astype(np.int32),
        }
    )
