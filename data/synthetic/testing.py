"""Test events: one positive event per case, and negative events whose volume follows the
testing policy in force, the epidemic (more people test when there is more infection), the
season and the weekday."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.codes import AGE_BANDS, TEST_TYPES
from data.synthetic._common import (
    N_AGE,
    N_DAYS,
    base_columns,
    categorical,
    dates_column,
    day_of,
    piecewise,
    weekday_of_days,
)
from data.synthetic.cases import Cases
from data.synthetic.geography import Geography
from data.synthetic.population import Population
from data.synthetic.rules import TEST_PROPENSITY, RuleTimeline, smooth

LABS = (
    "OUS Ullevål",
    "Ahus",
    "Fürst",
    "Unilabs",
    "Sykehuset Østfold",
    "Vestre Viken",
    "Sykehuset Innlandet",
    "Sykehuset i Vestfold",
    "Sykehuset Telemark",
    "Sørlandet sykehus",
    "Stavanger universitetssjukehus",
    "Haukeland universitetssjukehus",
    "Helse Møre og Romsdal",
    "St. Olavs hospital",
    "Nordlandssykehuset",
    "UNN Tromsø",
    "Finnmarkssykehuset",
    "Kommunal teststasjon",
)
# The regional hospital laboratory of each fylke (2024 numbers); private labs take a share.
HOSPITAL_LAB = {
    "03": "OUS Ullevål",
    "32": "Ahus",
    "31": "Sykehuset Østfold",
    "33": "Vestre Viken",
    "34": "Sykehuset Innlandet",
    "39": "Sykehuset i Vestfold",
    "40": "Sykehuset Telemark",
    "42": "Sørlandet sykehus",
    "11": "Stavanger universitetssjukehus",
    "46": "Haukeland universitetssjukehus",
    "15": "Helse Møre og Romsdal",
    "50": "St. Olavs hospital",
    "18": "Nordlandssykehuset",
    "55": "UNN Tromsø",
    "56": "Finnmarkssykehuset",
}
PRIVATE_LABS_IN = {"03", "32", "31", "33", "39", "11", "46"}  # Unilabs besides Fürst
TEST_RATE_BY_AGE = np.array([0.8, 1.1, 1.3, 1.6, 1.4, 1.15, 1.0, 0.8, 0.6, 0.6, 0.7, 0.8])
WEEKDAY_TESTS = np.array([1.25, 1.15, 1.05, 1.0, 0.9, 0.5, 0.45])
PCR = 0
ANTIGEN = 1
NO_LAB = -1


@dataclass
class TestEvents:
    kommune: np.ndarray
    day: np.ndarray
    result_delay: np.ndarray  # int16, -1 = no result date
    age: np.ndarray
    antigen: np.ndarray  # bool
    positive: np.ndarray
    lab: np.ndarray  # index into LABS, -1 = none (self-test)
    person: np.ndarray


def antigen_share(days: np.ndarray, positive: bool) -> np.ndarray:
    points = [
        ("2020-11-01", 0.0),
        ("2020-12-01", 0.05),
        ("2021-09-01", 0.12),
        ("2021-12-15", 0.4),
        ("2022-01-24", 0.55),
        ("2022-02-15", 0.8),
        ("2023-02-28", 0.85),
    ]
    if positive:
        points = [
            ("2021-11-01", 0.03),
            ("2021-12-15", 0.2),
            ("2022-01-24", 0.3),
            ("2022-02-15", 0.7),
            ("2023-02-28", 0.78),
        ]
    return piecewise(days, points)


def _local_incidence(cases: Cases, pop: Population, n_kommuner: int) -> np.ndarray:
    counts = np.bincount(
        cases.kommune.astype(np.int64) * N_DAYS + cases.test_day, minlength=n_kommuner * N_DAYS
    )
    counts = counts.reshape(n_kommuner, N_DAYS).astype(float)
    cumulative = np.cumsum(counts, axis=1)
    week = cumulative - np.concatenate([np.zeros((n_kommuner, 7)), cumulative[:, :-7]], axis=1)
    residents = np.maximum(np.bincount(pop.person_kommune, minlength=n_kommuner), 1)
    return week / residents[:, None] * 1e5


def build_tests(
    geo: Geography,
    pop: Population,
    cases: Cases,
    rules: RuleTimeline,
    fraction: float,
    target: float,
    rng: np.random.Generator,
) -> TestEvents:
    days = np.arange(N_DAYS)
    policy = rules.param_series("testkriterier", "target_group", "priority")
    propensity = smooth(np.array([TEST_PROPENSITY[p] for p in policy]), 10)
    local = _local_incidence(cases, pop, geo.n)
    residents = np.bincount(pop.person_kommune, minlength=geo.n)
    national = (local * residents[:, None]).sum(axis=0) / max(residents.sum(), 1)
    demand = 1.0 + 1.4 * np.tanh(national / 500.0)
    season = 1.0 + 0.2 * np.cos(2 * np.pi * (days - day_of("2021-01-15")) / 365.25)
    school_testing = piecewise(
        days, [("2021-08-15", 1.0), ("2021-09-01", 1.6), ("2022-01-31", 1.6), ("2022-02-12", 1.0)]
    )
    daily = propensity * demand * season * WEEKDAY_TESTS[weekday_of_days(days)]  # days
    by_age = np.tile(TEST_RATE_BY_AGE, (N_DAYS, 1))
    by_age[:, :3] *= school_testing[:, None]
    local_factor = 1.0 + 0.6 * np.tanh(local / 600.0)  # K × days
    cells = pop.cell_count.reshape(geo.n, N_AGE).astype(float)  # K × A persons
    # expected negatives: days × K × A (day-major so rows come out sorted by day)
    expected = (
        daily[:, None, None] * local_factor.T[:, :, None] * by_age[:, None, :] * cells[None, :, :]
    )
    negatives_target = max(target * fraction - len(cases), 0.0)
    expected *= negatives_target / max(expected.sum(), 1.0)
    counts = rng.poisson(expected).reshape(-1)
    del expected
    cell_day = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    del counts
    neg_day = (cell_day // (geo.n * N_AGE)).astype(np.int16)
    neg_cell = cell_day % (geo.n * N_AGE)
    del cell_day
    neg_kommune = (neg_cell // N_AGE).astype(np.int16)
    neg_age = (neg_cell % N_AGE).astype(np.int8)
    start = pop.cell_start[neg_cell]
    size = pop.cell_start[neg_cell + 1] - start
    neg_person = start + np.floor(rng.random(len(neg_cell)) * size).astype(np.int64)
    del neg_cell, start, size
    neg_antigen = rng.random(len(neg_day)) < antigen_share(neg_day, positive=False)

    pos_antigen = rng.random(len(cases)) < antigen_share(cases.test_day, positive=True)
    pos_antigen |= cases.imported & (rng.random(len(cases)) < 0.5)

    day = np.concatenate([neg_day, cases.test_day.astype(np.int16)])
    order = np.argsort(day, kind="stable")
    kommune = np.concatenate([neg_kommune, cases.kommune])[order]
    age = np.concatenate([neg_age, cases.age])[order]
    antigen = np.concatenate([neg_antigen, pos_antigen])[order]
    positive = np.concatenate([np.zeros(len(neg_day), bool), np.ones(len(cases), bool)])[order]
    person = np.concatenate([neg_person, cases.person])[order]
    day = day[order]
    del order
    lab = _labs(geo, kommune, day, antigen, rng)
    delay = _result_delay(day, antigen, rng)
    return TestEvents(kommune, day, delay, age, antigen, positive, lab, person)


def _labs(
    geo: Geography,
    kommune: np.ndarray,
    day: np.ndarray,
    antigen: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    n = len(kommune)
    fylker = sorted(set(geo.fylke))
    fylke_of = np.array([fylker.index(f) for f in geo.fylke])[kommune]
    hospital = np.array([LABS.index(HOSPITAL_LAB.get(f, "Fürst")) for f in fylker])[fylke_of]
    private = np.array([f in PRIVATE_LABS_IN for f in fylker])[fylke_of]
    u = rng.random(n)
    lab = np.where(u < 0.6, hospital, LABS.index("Fürst"))
    lab = np.where(private & (u >= 0.85), LABS.index("Unilabs"), lab)
    self_test = piecewise(day, [("2022-01-10", 0.0), ("2022-01-24", 0.35), ("2022-03-01", 0.7)])
    station = np.where(rng.random(n) < self_test, NO_LAB, LABS.index("Kommunal teststasjon"))
    return np.where(antigen, station, lab).astype(np.int8)


def _result_delay(day: np.ndarray, antigen: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(day)
    delay = rng.choice(6, size=n, p=[0.03, 0.55, 0.28, 0.09, 0.04, 0.01]).astype(np.int16)
    # Laboratories fell behind at the omicron peak.
    busy = (day >= day_of("2022-01-03")) & (day <= day_of("2022-02-10")) & (rng.random(n) < 0.3)
    delay = delay + busy
    delay = np.where(antigen, 0, delay)
    unknown = rng.random(n) < np.where(antigen, 0.02, 0.03)
    late = day.astype(np.int64) + delay > N_DAYS - 1
    return np.where(unknown | late, -1, delay).astype(np.int16)


def test_table(tests: TestEvents, keys: np.ndarray, codes: tuple[str, ...]) -> pd.DataFrame:
    n = len(tests.day)
    missing = tests.result_delay < 0
    return pd.DataFrame(
        {
            **base_columns(n),
            "kommunenummer": categorical(tests.kommune, codes),
            "sample_date": dates_column(tests.day),
            "result_date": dates_column(
                tests.day.astype(np.int64) + np.maximum(tests.result_delay, 0), missing
            ),
            "age_band": categorical(tests.age, AGE_BANDS),
            "test_type": categorical(tests.antigen.astype(np.int8), TEST_TYPES),
            "positive": tests.positive,
            "lab": categorical(tests.lab, LABS),
            "person_key": keys[tests.person],
        }
    )
