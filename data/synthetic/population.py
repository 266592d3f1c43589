"""Residents by kommune × age band × sex × year (SSB's populations), and the registry of
synthetic persons.

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
from data.reference import ssb_population
from data.synthetic._common import N_AGE, POPULATION_YEARS, STRUCTURE, categorical
from data.synthetic.geography import Geography, urbanity

# The exports of SSB table 07459 have no sex split: each kommune × age band is divided by Norway's
# female share of the band (about 2020; a synthetic split, documented as such in the README).
FEMALE_SHARE = np.array(
    [0.487, 0.487, 0.486, 0.480, 0.481, 0.486, 0.490, 0.495, 0.505, 0.530, 0.570, 0.650]
)


def ssb_residents(geo: Geography) -> np.ndarray:
    """K × A × Y residents on 1 January of each of :data:`POPULATION_YEARS` from the committed
    SSB table (:mod:`data.reference`), in the order of ``geo.codes`` and :data:`AGE_BANDS`."""
    table = ssb_population()
    table = table[table["year"].isin(POPULATION_YEARS)]
    wide = table.pivot_table(
        index="kommunenummer", columns=["age_band", "year"], values="population", aggfunc="sum"
    )
    missing = sorted(set(geo.codes) - set(wide.index))
    if missing:
        raise ValueError(f"No SSB population for kommuner {missing[:5]}")
    columns = pd.MultiIndex.from_product([AGE_BANDS, POPULATION_YEARS])
    values = wide.reindex(index=list(geo.codes), columns=columns).to_numpy(dtype=np.int64)
    return values.reshape(geo.n, N_AGE, len(POPULATION_YEARS))


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
    """Norway's residents (SSB) by kommune × age band × year, split by sex; at ``fraction`` < 1
    (the test scale) a stochastic share of them, one uniform per cell for all years so that the
    years stay consistent."""
    residents = ssb_residents(geo)  # K × A × Y
    sizes = residents[:, :, 0].sum(axis=1).astype(float)
    jitter = rng.uniform(size=(2, *residents.shape[:2], 1))
    kept = residents if fraction >= 1.0 else np.floor(residents * fraction + jitter[0])
    kept = kept.astype(np.int64)
    female = np.floor(kept * FEMALE_SHARE[None, :, None] + jitter[1]).astype(np.int64)
    female = np.minimum(female, kept)
    scaled = np.stack([female, kept - female], axis=2)  # K × A × 2 × Y
    full_female = residents * FEMALE_SHARE[None, :, None]
    full = np.stack([full_female, residents - full_female], axis=2).astype(float)
    cells = scaled.min(axis=3)  # K × A × 2 persons in the registry
    return _with_registry(full, scaled, sizes, urbanity(sizes), cells, rng)


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
