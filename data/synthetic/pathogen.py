"""The new-pathogen scenario (disease ``ukjent``): an unknown pathogen arrives from abroad in
the last three weeks of the period.

A traveller and companions return from abroad to one mid-size kommune (20 000–60 000
residents, chosen by the seed: :func:`origin_kommune`), test positive, and an event there
becomes a cluster; cases then grow (doubling about every 3.5 days) and spread to the kommune's
travel neighbours a week later, with a nursing-home outbreak in the last week. So that the
signals and cluster pages have something to show at every scale, the outbreak's size shrinks
with the sample fraction no further than to a quarter of its full-scale size.
"""

from __future__ import annotations

import numpy as np

from data.codes import AGE_BANDS
from data.synthetic._common import N_AGE, N_DAYS
from data.synthetic.arrivals import Arrivals
from data.synthetic.diseases import (
    SETTING,
    DiseaseRows,
    admissions_for,
    clusters_of,
    concat_cases,
    new_cases,
    residents_by_day,
    rng_of,
    tests_for,
    unique_persons,
)
from data.synthetic.geography import ENTRY_POINTS, Geography
from data.synthetic.population import Population
from data.synthetic.travel import COUNTRIES

CODE = "ukjent"
DAYS = 21  # the scenario's length: it starts on day N_DAYS - DAYS
DOUBLING_DAYS = 3.5
MID_SIZE = (20_000, 60_000)
COUNTRY = "TH"  # the country the index case returns from (falls back to the first listed)
ADMISSION_RISK = np.array([0.01, 0.01, 0.01, 0.02, 0.03, 0.04, 0.05, 0.08, 0.12, 0.18, 0.24, 0.3])


def origin_kommune(geo: Geography, pop: Population, seed: int) -> int:
    """The index of the kommune the scenario starts in: a mid-size kommune drawn by seed."""
    sizes = pop.sizes
    candidates = np.flatnonzero((sizes >= MID_SIZE[0]) & (sizes <= MID_SIZE[1]))
    return int(rng_of(seed, CODE, 1).choice(candidates))


def build_pathogen(geo: Geography, pop: Population, fraction: float, seed: int) -> DiseaseRows:
    rng = rng_of(seed, CODE)
    origin = origin_kommune(geo, pop, seed)
    size = max(fraction, 0.25)
    start = N_DAYS - DAYS
    days = np.arange(start, N_DAYS)
    growth = np.log(2.0) / DOUBLING_DAYS
    at = residents_by_day(pop)[:, :, start:]  # K × A × DAYS
    adults = np.array([0.3, 0.5, 0.7, 1.2, 1.3, 1.1, 1.0, 0.9, 0.8, 0.7, 0.7, 0.8])

    # the travellers: five arrive two days before the index case tests; three are cases
    arrival_day = start - 2
    n_travellers = 5
    t_age = np.array([AGE_BANDS.index(b) for b in ("25-39", "25-39", "40-44", "18-24", "45-54")])
    traveller_cases = new_cases(
        np.full(3, origin, dtype=np.int16),
        t_age[:3],
        np.array([start, start, start + 1]),
        pop,
        rng,
        imported=np.ones(3, bool),
    )

    # the event cluster in the origin (first week) and local spread by day
    n_event = max(round(40 * size), 8)
    event_age = np.array([AGE_BANDS.index(b) for b in ("18-24", "25-39", "40-44", "45-54")])
    event_cases = new_cases(
        np.full(n_event, origin, dtype=np.int16),
        event_age[rng.integers(0, len(event_age), n_event)],
        start + 2 + np.sort(rng.integers(0, 10, n_event)),
        pop,
        rng,
    )
    event_cases.setting[:] = SETTING["event"]
    curve = 0.5 * size * np.exp(growth * (days - start))  # origin cases per day (besides it)
    neighbours = list(geo.neighbours[origin])
    expected = np.zeros(at.shape)
    share = adults / adults.sum()
    expected[origin] = curve[None, :] * share[:, None]
    for j in neighbours:
        lag = 7 + int(rng.integers(0, 5))
        local = 0.25 * size * np.exp(growth * np.maximum(days - start - lag, 0))
        local[days - start < lag] = 0.0
        expected[j] = local[None, :] * share[:, None]
    expected = np.minimum(expected, at * 0.05)
    counts = rng.poisson(expected)
    _k, a, t = counts.shape
    flat = counts.reshape(-1)
    cell_day = np.repeat(np.arange(flat.size), flat)
    spread = new_cases(
        (cell_day // (a * t)).astype(np.int16),
        ((cell_day // t) % a).astype(np.int8),
        (cell_day % t + start).astype(np.int64),
        pop,
        rng,
    )

    # a nursing-home outbreak in the origin in the last week
    n_home = max(round(16 * size), 6)
    home_age = np.array([AGE_BANDS.index(b) for b in ("80-84", "85+", "85+", "75-79", "25-39")])
    home_cases = new_cases(
        np.full(n_home, origin, dtype=np.int16),
        home_age[rng.integers(0, len(home_age), n_home)],
        N_DAYS - 8 + np.sort(rng.integers(0, 7, n_home)),
        pop,
        rng,
    )
    home_cases.setting[:] = SETTING["nursing_home"]

    cases = concat_cases([traveller_cases, event_cases, home_cases, spread])
    n_event_cluster = len(traveller_cases) + len(event_cases)
    outbreaks = [("event", 0, n_event_cluster)]
    if len(home_cases) >= 3:
        outbreaks.append(("nursing_home", n_event_cluster, len(home_cases)))
    cases, outbreaks = unique_persons(cases, pop, rng, outbreaks)
    clusters = clusters_of(cases, outbreaks, "U", rng)
    # the travellers' cases are imported; their setting is the trip
    travellers = cases.imported
    cases.setting[travellers] = SETTING["travel"]

    per_day = np.zeros((geo.n, N_AGE, N_DAYS))
    per_day[:, :, start:] = expected * 6.0
    per_day[origin, :, start:] += 2.0 * size * share[:, None]
    tests = tests_for(cases, per_day, geo, pop, rng)
    admissions = admissions_for(cases, ADMISSION_RISK, rng, icu_share=0.2)

    # arrivals: the five travellers, the three cases among them positive at the border
    persons = np.concatenate(
        [
            cases.person[travellers],
            new_cases(
                np.full(n_travellers - 3, origin, dtype=np.int16),
                t_age[3:],
                np.full(n_travellers - 3, start, dtype=np.int64),
                pop,
                rng,
            ).person,
        ]
    )
    persons = np.unique(persons)  # one arrival per person
    m = len(persons)
    entry = next(i for i, p in enumerate(ENTRY_POINTS) if p[2] == "airport")
    country = COUNTRIES.index(COUNTRY) if COUNTRY in COUNTRIES else 0
    arrivals = Arrivals(
        day=np.full(m, arrival_day, dtype=np.int16),
        entry=np.full(m, entry, dtype=np.int8),
        country=np.full(m, country, dtype=np.int16),
        kommune=np.full(m, origin, dtype=np.int16),
        has_fd=np.ones(m, bool),
        certificate=np.zeros(m, bool),
        tested=np.ones(m, bool),
        positive=np.isin(persons, cases.person[travellers]),
        quarantine=np.ones(m, bool),
        follow_up=np.zeros(m, dtype=np.int8),  # pending
        person=persons,
        n_visitors=0,
    )
    return DiseaseRows(CODE, cases, tests, admissions, clusters, arrivals)
