"""Vaccination groups: the coverage groups (65+, alle) summed from age-band rows.

Pure frame arithmetic (no reads): the query modules turn doses through a date by age band and
dose (wide: one column per band and dose) and the population by band into long rows of
vaccinated, population and unvaccinated per band or group, the same way on every page.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS, AGE_BANDS_65_PLUS

DOSES: tuple[int, ...] = (1, 2, 3, 4)
GROUP_ALL = "alle"
GROUP_65 = "65+"
GROUPS: dict[str, tuple[str, ...]] = {GROUP_65: AGE_BANDS_65_PLUS, GROUP_ALL: AGE_BANDS}


def _long(totals: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Long frame date × age band × dose: vaccinated, population, unvaccinated (raw)."""
    n_days = len(totals)
    bands = totals.columns.get_level_values("age_band")
    doses = totals.columns.get_level_values("dose_number")
    pop = population.reindex(columns=list(bands)).to_numpy()
    out = pd.DataFrame(
        {
            "date": np.repeat(totals.index.to_numpy(), totals.shape[1]),
            "age_band": np.tile(np.asarray(bands, dtype=object), n_days),
            "dose_number": np.tile(np.asarray(doses, dtype="int64"), n_days),
            "vaccinated": totals.to_numpy().ravel(),
            "population": pop.ravel(),
        }
    )
    out["unvaccinated"] = (out["population"] - out["vaccinated"]).clip(lower=0)
    return out


def _with_groups(bands: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The groups (65+, alle) summed from raw band rows; ``keys`` identify one set of bands."""
    parts = []
    for group, members in GROUPS.items():
        part = bands[bands["age_band"].isin(members)]
        # min_count: a group with no published band stays "not available" (NaN), not 0
        summed = part.groupby(keys, as_index=False, sort=False)[["vaccinated", "population"]].sum(
            min_count=1
        )
        summed["age_band"] = group
        summed["unvaccinated"] = (summed["population"] - summed["vaccinated"]).clip(lower=0)
        parts.append(summed)
    return pd.concat(parts, ignore_index=True)


@functools.cache
def _group_sums(columns: tuple[tuple[str, int], ...]) -> tuple[list[int], np.ndarray]:
    """The dose order and the 0/1 matrix (columns × groups·doses) that sums the (age band,
    dose) columns into each group (``GROUPS`` order) and dose, as :func:`_groups_from_wide`
    sums them."""
    bands = [b for b, _d in columns]
    doses = [int(d) for _b, d in columns]
    dose_order = list(dict.fromkeys(doses))
    matrix = np.zeros((len(columns), len(GROUPS) * len(dose_order)), dtype="int64")
    for g, members in enumerate(GROUPS.values()):
        for j, dose in enumerate(dose_order):
            for i, (band, d) in enumerate(zip(bands, doses, strict=True)):
                if band in members and d == dose:
                    matrix[i, g * len(dose_order) + j] = 1
    return dose_order, matrix


def _groups_from_wide(
    totals: pd.DataFrame, population: pd.DataFrame, key: str, *, by_dose: bool = False
) -> pd.DataFrame:
    """:func:`_with_groups` of :func:`_long` (``totals``, ``population``), with ``key`` the
    name of the rows' key, summed on the matrices: the same frame (rows, order and types)
    without a group-by per group (most of the time of a one-day coverage).

    With ``by_dose`` the rows come sorted by group, dose and key (index 0…n), as a series
    over time is published."""
    values = totals.to_numpy()
    if values.dtype.kind in "iu":
        # whole counts (every store with doses by age): one matrix product per side
        return _int_groups_from_wide(totals, population, key, by_dose=by_dose)
    if by_dose:
        out = _groups_from_wide(totals, population, key)
        return out.sort_values(["age_band", "dose_number", key]).reset_index(drop=True)
    columns = totals.columns
    bands = columns.get_level_values("age_band")
    doses = columns.get_level_values("dose_number")
    dose_order = list(dict.fromkeys(int(d) for d in doses))
    values = totals.to_numpy()
    pop = population.reindex(columns=list(bands)).to_numpy()
    n_rows = len(totals)

    def summed(matrix: np.ndarray, picks: list[np.ndarray]) -> np.ndarray:
        out = []
        for pick in picks:
            part = matrix[:, pick]
            if part.dtype.kind == "f":
                total = np.nansum(part, axis=1)
                # min_count=1: a group with no published band stays NaN, not 0
                total = np.where(np.isnan(part).all(axis=1), np.nan, total)
            else:
                total = part.sum(axis=1)
            out.append(total)
        return np.stack(out, axis=1).ravel()

    keys = np.repeat(totals.index.to_numpy(), len(dose_order))
    parts = []
    for group, members in GROUPS.items():
        in_group = np.isin(np.asarray(bands, dtype=object), list(members))
        picks = [np.flatnonzero(in_group & (np.asarray(doses) == d)) for d in dose_order]
        part = pd.DataFrame(
            {
                key: keys,
                "dose_number": np.tile(np.asarray(dose_order, dtype="int64"), n_rows),
                "vaccinated": summed(values, picks),
                "population": summed(pop, picks),
            }
        )
        part["age_band"] = group
        part["unvaccinated"] = (part["population"] - part["vaccinated"]).clip(lower=0)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _int_groups_from_wide(
    totals: pd.DataFrame, population: pd.DataFrame, key: str, *, by_dose: bool
) -> pd.DataFrame:
    """:func:`_groups_from_wide` of whole counts (no gaps), by matrix products. The groups
    are in ``GROUPS`` order, which is also their sorted order ("65+" < "alle")."""
    columns = totals.columns
    dose_order, matrix = _group_sums(tuple((str(b), int(d)) for b, d in columns))
    bands = list(columns.get_level_values("age_band"))
    pop = population.reindex(columns=bands).to_numpy()
    vaccinated = totals.to_numpy().astype("int64") @ matrix
    residents = pop.astype("int64") @ matrix
    n_rows, n_doses, n_groups = len(totals), len(dose_order), len(GROUPS)
    size = n_rows * n_doses

    def stacked(matrix_out: np.ndarray) -> np.ndarray:
        # per group: rows × doses read row by row (by_dose: doses × rows), group after group
        blocks = [matrix_out[:, g * n_doses : (g + 1) * n_doses] for g in range(n_groups)]
        return np.concatenate([(b.T if by_dose else b).ravel() for b in blocks])

    keys = totals.index.to_numpy()
    dose_numbers = np.asarray(dose_order, dtype="int64")
    if by_dose and (
        not (np.diff(dose_numbers) > 0).all() or not totals.index.is_monotonic_increasing
    ):
        # not already in sorted order: build as usual and sort
        out = _int_groups_from_wide(totals, population, key, by_dose=False)
        return out.sort_values(["age_band", "dose_number", key]).reset_index(drop=True)
    vac, res = stacked(vaccinated), stacked(residents)
    if by_dose:
        key_values = np.tile(keys, n_doses * n_groups)
        dose_values = np.tile(np.repeat(dose_numbers, n_rows), n_groups)
    else:
        key_values = np.tile(np.repeat(keys, n_doses), n_groups)
        dose_values = np.tile(dose_numbers, n_rows * n_groups)
    out = pd.DataFrame(
        {
            key: key_values,
            "dose_number": dose_values,
            "vaccinated": vac,
            "population": res,
            "age_band": np.repeat(np.asarray(list(GROUPS), dtype=object), size),
            "unvaccinated": np.clip(res - vac, 0, None),
        }
    )
    return out
