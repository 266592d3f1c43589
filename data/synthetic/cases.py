"""Registered cases: detected infections of the epidemic sampled at the population fraction,
plus imported cases from the arrivals, each tied to one synthetic person."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS, INFECTION_SETTINGS, SEXES
from data.synthetic._common import (
    N_DAYS,
    base_columns,
    categorical,
    dates_column,
    day_of,
    weekday_of_days,
)
from data.synthetic.arrivals import ImportedCases
from data.synthetic.epidemic import RECORD_FROM, Epidemic
from data.synthetic.geography import Geography
from data.synthetic.population import Population

SETTING = {name: i for i, name in enumerate(INFECTION_SETTINGS)}
# Likely infection setting by age band, columns in INFECTION_SETTINGS order:
# household, school, kindergarten, nursing_home, workplace, event, travel, healthcare, unknown
SETTING_BY_AGE = np.array(
    [
        [0.35, 0.20, 0.22, 0.00, 0.00, 0.03, 0.01, 0.00, 0.19],
        [0.35, 0.35, 0.00, 0.00, 0.00, 0.08, 0.02, 0.00, 0.20],
        [0.30, 0.30, 0.00, 0.00, 0.05, 0.12, 0.03, 0.00, 0.20],
        [0.25, 0.03, 0.00, 0.00, 0.17, 0.20, 0.05, 0.02, 0.28],
        [0.33, 0.00, 0.02, 0.01, 0.22, 0.08, 0.04, 0.05, 0.25],
        [0.35, 0.01, 0.02, 0.01, 0.22, 0.06, 0.04, 0.05, 0.24],
        [0.35, 0.01, 0.01, 0.01, 0.22, 0.05, 0.04, 0.05, 0.26],
        [0.38, 0.00, 0.00, 0.01, 0.18, 0.05, 0.04, 0.05, 0.29],
        [0.50, 0.00, 0.00, 0.02, 0.03, 0.08, 0.05, 0.04, 0.28],
        [0.50, 0.00, 0.00, 0.08, 0.00, 0.05, 0.03, 0.06, 0.28],
        [0.38, 0.00, 0.00, 0.25, 0.00, 0.02, 0.01, 0.08, 0.26],
        [0.25, 0.00, 0.00, 0.45, 0.00, 0.01, 0.00, 0.07, 0.22],
    ]
)
BIG_CITIES = ("0301", "4601", "5001")


@dataclass
class Cases:
    kommune: np.ndarray  # int16
    residence: np.ndarray  # int16, -1 = unknown
    test_day: np.ndarray  # int16
    registration_day: np.ndarray  # int16
    age: np.ndarray  # int8
    sex: np.ndarray  # int8
    setting: np.ndarray  # int8 index into INFECTION_SETTINGS
    imported: np.ndarray  # bool
    cluster: np.ndarray  # int32 cluster number, -1 = none
    person: np.ndarray  # int64 person index

    def __len__(self) -> int:
        return len(self.kommune)

    def take(self, rows: np.ndarray) -> Cases:
        return Cases(**{f: getattr(self, f)[rows] for f in self.__dataclass_fields__})


def detected_counts(
    epi: Epidemic, fraction: float, target: float, rng: np.random.Generator
) -> np.ndarray:
    """K × A × recorded days: infections that become registered cases, at the sample fraction."""
    detect = np.concatenate(
        [np.repeat(epi.detection[:, :1], -RECORD_FROM, axis=1), epi.detection], axis=1
    )
    expected = float((epi.infections * detect[None, :, :]).sum()) * fraction
    scale = target / max(expected, 1.0)
    p = np.clip(detect * scale * fraction, 0.0, 1.0).astype(np.float64)
    return rng.binomial(epi.infections, p[None, :, :]).astype(np.int32)


def _test_and_registration(
    infection_day: np.ndarray, omicron: np.ndarray, rng: np.random.Generator
):
    n = len(infection_day)
    om = omicron[np.clip(infection_day, 0, N_DAYS - 1)]
    median = 5.0 - 1.8 * om
    incubation = np.round(rng.lognormal(np.log(median), 0.4)).astype(np.int64)
    delay = rng.choice(5, size=n, p=[0.4, 0.35, 0.15, 0.07, 0.03])
    test = infection_day + incubation + delay
    wd = weekday_of_days(test)
    u = rng.random(n)
    test = np.where((wd == 5) & (u < 0.2), test + 2, test)
    test = np.where((wd == 6) & (u < 0.25), test + 1, test)
    return test, registration_from_test(test, rng)


def registration_from_test(test: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(test)
    lag = rng.choice(4, size=n, p=[0.45, 0.35, 0.13, 0.07])
    reg = test + lag
    wd = weekday_of_days(reg)
    u = rng.random(n)
    reg = np.where((wd == 5) & (u < 0.5) & (lag <= 1), reg + 2, reg)
    reg = np.where((wd == 6) & (u < 0.55) & (lag <= 2), reg + 1, reg)
    return reg


def build_cases(
    geo: Geography,
    pop: Population,
    epi: Epidemic,
    imported: ImportedCases,
    fraction: float,
    target: float,
    rng: np.random.Generator,
) -> Cases:
    domestic_target = max(target * fraction - len(imported.person), 0.0)
    counts = detected_counts(epi, fraction, domestic_target, rng)
    k, a, t = counts.shape
    flat = counts.reshape(-1)
    cell_day = np.repeat(np.arange(flat.size), flat)
    cell = cell_day // t
    infection_day = (cell_day % t) + RECORD_FROM
    test, reg = _test_and_registration(infection_day, epi.omicron, rng)
    keep = (test >= 0) & (test < N_DAYS) & (reg < N_DAYS)
    cell, test, reg = cell[keep], test[keep], reg[keep]

    # Persons: imported residents take their own persons; every other case takes the next
    # free person of its kommune × age cell (the registry is in random order within a cell).
    taken = np.zeros(pop.n_persons, dtype=bool)
    taken[imported.person[imported.resident]] = True
    free = np.flatnonzero(~taken)
    free_start = np.searchsorted(free, pop.cell_start)
    capacity = np.diff(free_start)
    order = np.lexsort((rng.random(len(cell)), test, cell))
    cell, test, reg = cell[order], test[order], reg[order]
    first_of_cell = np.searchsorted(cell, np.arange(k * a))
    rank = np.arange(len(cell)) - first_of_cell[cell]
    fits = rank < capacity[cell]
    cell, test, reg, rank = cell[fits], test[fits], reg[fits], rank[fits]
    person = free[free_start[cell] + rank]

    kommune = np.concatenate([(cell // a), imported.kommune]).astype(np.int16)
    age = np.concatenate([(cell % a), imported.age]).astype(np.int8)
    test_day = np.concatenate([test, imported.test_day]).astype(np.int16)
    reg_imp = registration_from_test(imported.test_day.astype(np.int64), rng)
    reg_day = np.concatenate([reg, reg_imp])
    person = np.concatenate([person, imported.person])
    is_imported = np.concatenate([np.zeros(len(cell), bool), np.ones(len(imported.person), bool)])
    sex = np.concatenate([pop.person_sex[person[: len(cell)]], imported.sex]).astype(np.int8)
    keep = reg_day < N_DAYS
    # No kommune may have more cases than residents (visitors' cases count there too).
    residents = np.bincount(pop.person_kommune, minlength=geo.n)
    kommune_rank = _rank_within(kommune, test_day)
    keep &= kommune_rank < residents[kommune]
    rows = np.flatnonzero(keep)
    n = len(rows)
    cases = Cases(
        kommune=kommune[rows],
        residence=kommune[rows].copy(),
        test_day=test_day[rows],
        registration_day=reg_day[rows].astype(np.int16),
        age=age[rows],
        sex=sex[rows],
        setting=np.zeros(n, dtype=np.int8),
        imported=is_imported[rows],
        cluster=np.full(n, -1, dtype=np.int32),
        person=person[rows],
    )
    _assign_settings(cases, rng)
    _assign_residence(cases, geo, rng)
    order = np.lexsort((cases.person, cases.kommune, cases.test_day))
    return cases.take(order)


def _rank_within(group: np.ndarray, day: np.ndarray) -> np.ndarray:
    order = np.lexsort((day, group))
    sorted_group = group[order]
    first = np.searchsorted(sorted_group, sorted_group)
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - first
    return rank


def _assign_settings(cases: Cases, rng: np.random.Generator) -> None:
    n = len(cases)
    cumulative = np.cumsum(SETTING_BY_AGE / SETTING_BY_AGE.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(n)
    setting = (u[:, None] > cumulative[cases.age]).sum(axis=1)
    setting = np.minimum(setting, len(INFECTION_SETTINGS) - 1)
    day = cases.test_day.astype(np.int64)
    schools_closed = (day >= day_of("2020-03-12")) & (day < day_of("2020-04-27"))
    school_like = (setting == SETTING["school"]) | (setting == SETTING["kindergarten"])
    setting = np.where(schools_closed & school_like, SETTING["household"], setting)
    # Contact tracing gave way to self-tests in 2022: the setting is mostly unknown after that.
    untraced = (day >= day_of("2022-01-24")) & (rng.random(n) < 0.6)
    setting = np.where(untraced, SETTING["unknown"], setting)
    setting = np.where(cases.imported, SETTING["travel"], setting)
    cases.setting = setting.astype(np.int8)


def _assign_residence(cases: Cases, geo: Geography, rng: np.random.Generator) -> None:
    n = len(cases)
    u = rng.random(n)
    residence = cases.kommune.astype(np.int16).copy()
    residence[u < 0.05] = -1
    other = (u >= 0.05) & (u < 0.08)
    cities = np.array([geo.index_of(c) for c in BIG_CITIES])
    student = other & (cases.age == AGE_BANDS.index("18-24"))
    residence[student] = cities[rng.integers(0, len(cities), size=int(student.sum()))]
    rest = np.flatnonzero(other & ~student)
    degree = np.array([len(nb) for nb in geo.neighbours])
    start = np.concatenate([[0], np.cumsum(degree)])
    flat = np.array([j for nb in geo.neighbours for j in nb], dtype=np.int16)
    home = cases.kommune[rest].astype(np.int64)
    pick = start[home] + np.floor(rng.random(len(rest)) * degree[home]).astype(np.int64)
    residence[rest] = flat[pick]
    cases.residence = residence


def case_table(
    cases: Cases, keys: np.ndarray, codes: tuple[str, ...], cluster_ids: list[str]
) -> pd.DataFrame:
    n = len(cases)
    return pd.DataFrame(
        {
            **base_columns(n),
            "kommunenummer": categorical(cases.kommune, codes),
            "residence_kommunenummer": categorical(cases.residence, codes),
            "test_date": dates_column(cases.test_day),
            "registration_date": dates_column(cases.registration_day),
            "age_band": categorical(cases.age, AGE_BANDS),
            "sex": categorical(cases.sex, SEXES),
            "infection_setting": categorical(cases.setting, INFECTION_SETTINGS),
            "imported": cases.imported,
            "cluster_id": pd.Categorical.from_codes(cases.cluster, categories=cluster_ids)
            if cluster_ids
            else pd.Categorical([None] * n, categories=[]),
            "person_key": keys[cases.person],
            "subtype": pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=[]),
        }
    )
