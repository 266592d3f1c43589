"""Arrivals from abroad at the real entry points, following the entry rules in force, and the
imported cases among them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.codes import FOLLOW_UP_STATUSES
from data.synthetic._common import (
    N_AGE,
    N_DAYS,
    base_columns,
    categorical,
    dates_column,
    day_of,
)
from data.synthetic.geography import ENTRY_POINTS, Geography
from data.synthetic.population import Population
from data.synthetic.rules import RuleTimeline
from data.synthetic.travel import (
    COUNTRIES,
    COUNTRY_RISK,
    FD_DEFAULT,
    FD_SHARE,
    abroad_prevalence,
    country_probabilities,
    entry_shares,
    stay_weights,
    travel_factor,
)

ADULT_BANDS = (3, 10)  # 18-24 … 75-79: who travels and hosts
CERTIFICATE_FROM = day_of("2021-06-11")


@dataclass
class Arrivals:
    day: np.ndarray
    entry: np.ndarray  # index into ENTRY_POINTS
    country: np.ndarray  # index into COUNTRIES
    kommune: np.ndarray  # kommune of stay
    has_fd: np.ndarray
    certificate: np.ndarray
    tested: np.ndarray
    positive: np.ndarray  # bool, meaningful only where tested
    quarantine: np.ndarray
    follow_up: np.ndarray  # index into FOLLOW_UP_STATUSES
    person: np.ndarray  # person index (registry, or visitors after it)
    n_visitors: int


@dataclass
class ImportedCases:
    person: np.ndarray
    kommune: np.ndarray
    test_day: np.ndarray
    age: np.ndarray
    sex: np.ndarray
    resident: np.ndarray  # bool


def _rule_arrays(rules: RuleTimeline) -> dict[str, np.ndarray]:
    keys = (
        "quarantine_days",
        "border_test_required",
        "border_test_offered",
        "registration_required",
        "certificate_exempts_quarantine",
        "certificate_exempts_test",
    )
    out = {}
    for key in keys:
        values = rules.param_series("innreise", key, None)
        if key == "quarantine_days":
            out[key] = np.array([v is not None for v in values])
        else:
            out[key] = np.array([bool(v) for v in values])
    return out


def generate_arrivals(
    geo: Geography, pop: Population, rules: RuleTimeline, target: float, rng: np.random.Generator
) -> Arrivals:
    days = np.arange(N_DAYS)
    volume = travel_factor(days)
    volume *= target / volume.sum()
    shares = entry_shares(days)
    counts = rng.poisson(volume[:, None] * shares)  # days × entry points
    day = np.repeat(np.repeat(days, counts.shape[1]), counts.reshape(-1)).astype(np.int16)
    entry = np.repeat(np.tile(np.arange(counts.shape[1]), N_DAYS), counts.reshape(-1)).astype(
        np.int8
    )
    n = len(day)

    a = N_AGE
    k_idx = np.arange(geo.n)
    lo = pop.cell_start[k_idx * a + ADULT_BANDS[0]]
    hi = pop.cell_start[k_idx * a + ADULT_BANDS[1]]
    adults = (hi - lo).astype(float)
    stay = stay_weights(geo, adults)

    country = np.zeros(n, dtype=np.int8)
    kommune = np.zeros(n, dtype=np.int16)
    for e, (_, code, kind, _) in enumerate(ENTRY_POINTS):
        rows = np.flatnonzero(entry == e)
        if len(rows) == 0:
            continue
        country[rows] = rng.choice(
            len(COUNTRIES), size=len(rows), p=country_probabilities(kind, code)
        )
        kommune[rows] = rng.choice(geo.n, size=len(rows), p=stay[e])

    fd_share = np.array([FD_SHARE.get(c, FD_DEFAULT) for c in COUNTRIES])
    has_fd = rng.random(n) < fd_share[country]
    ru = np.array(COUNTRIES) == "RU"
    resident = has_fd & (rng.random(n) < np.where(ru[country], 0.1, 0.6))
    # Residents: an adult of the kommune of stay; others get visitor keys after the registry.
    first, last = lo[kommune], hi[kommune]
    person = np.where(
        resident, first + np.floor(rng.random(n) * (last - first)).astype(np.int64), -1
    )
    visitors = ~resident
    n_visitors = int(visitors.sum())
    person[visitors] = pop.n_persons + np.arange(n_visitors)

    r = _rule_arrays(rules)
    certificate_in_use = (day >= CERTIFICATE_FROM) & r["registration_required"][day]
    cert_share = np.clip(0.45 + (day - CERTIFICATE_FROM) / 400.0, 0.45, 0.85)
    certificate = certificate_in_use & (rng.random(n) < cert_share)
    exempt_test = certificate & r["certificate_exempts_test"][day]
    p_test = np.select(
        [
            r["border_test_required"][day] & ~exempt_test,
            r["border_test_required"][day],
            r["border_test_offered"][day],
        ],
        [0.88, 0.12, 0.3],
        default=0.02,
    )
    # Commuters from Sweden crossing by road were largely exempt.
    road = np.array([kind == "road" for _, _, kind, _ in ENTRY_POINTS])[entry]
    commuter = road & (np.array(COUNTRIES) == "SE")[country] & (rng.random(n) < 0.5)
    p_test = np.where(commuter, p_test * 0.2, p_test)
    tested = rng.random(n) < p_test
    risk = np.array([COUNTRY_RISK.get(c, 1.0) for c in COUNTRIES])[country]
    p_pos = 0.6 * abroad_prevalence(day) * risk
    positive = tested & (rng.random(n) < p_pos)
    exempt_q = certificate & r["certificate_exempts_quarantine"][day]
    quarantine = r["quarantine_days"][day] & ~exempt_q & ~commuter & (rng.random(n) < 0.93)
    quarantine |= positive & r["quarantine_days"][day]

    age_days = (N_DAYS - 1) - day.astype(np.int64)
    p_pending = np.select([age_days < 10, age_days < 30], [0.75, 0.15], default=0.01)
    p_lost = np.where(has_fd, 0.03, 0.14)
    u = rng.random(n)
    follow_up = np.where(u < p_pending, 0, np.where(u < p_pending + p_lost * (1 - p_pending), 2, 1))
    return Arrivals(
        day=day,
        entry=entry,
        country=country,
        kommune=kommune,
        has_fd=has_fd,
        certificate=certificate,
        tested=tested,
        positive=positive,
        quarantine=quarantine,
        follow_up=follow_up.astype(np.int8),
        person=person,
        n_visitors=n_visitors,
    )


def imported_cases(arr: Arrivals, pop: Population, rng: np.random.Generator) -> ImportedCases:
    """Positive border tests become cases on the arrival day; some travellers who were not
    caught at the border test positive a few days later."""
    n = len(arr.day)
    risk = np.array([COUNTRY_RISK.get(c, 1.0) for c in COUNTRIES])[arr.country]
    later = ~arr.positive & (rng.random(n) < 0.35 * abroad_prevalence(arr.day) * risk)
    test_day = np.where(arr.positive, arr.day, arr.day + rng.integers(2, 8, size=n))
    keep = (arr.positive | later) & (test_day < N_DAYS)
    rows = np.flatnonzero(keep)
    person = arr.person[rows]
    _, first = np.unique(person, return_index=True)  # one case per person
    rows = rows[np.sort(first)]
    person = arr.person[rows]
    resident = person < pop.n_persons
    age = np.where(
        resident,
        pop.person_age[np.minimum(person, pop.n_persons - 1)],
        rng.choice(np.arange(3, 9), size=len(rows), p=[0.15, 0.35, 0.12, 0.2, 0.12, 0.06]),
    ).astype(np.int8)
    sex = np.where(
        resident, pop.person_sex[np.minimum(person, pop.n_persons - 1)], rng.random(len(rows)) < 0.6
    ).astype(np.int8)
    return ImportedCases(
        person=person,
        kommune=arr.kommune[rows],
        test_day=test_day[rows].astype(np.int16),
        age=age,
        sex=sex,
        resident=resident,
    )


def arrival_table(arr: Arrivals, keys: np.ndarray, codes: tuple[str, ...]) -> pd.DataFrame:
    n = len(arr.day)
    names = [name for name, _, _, _ in ENTRY_POINTS]
    border_codes = np.array([codes.index(code) for _, code, _, _ in ENTRY_POINTS])
    positive = pd.array(arr.positive, dtype="boolean")
    positive[~arr.tested] = pd.NA
    return pd.DataFrame(
        {
            **base_columns(n),
            "arrival_date": dates_column(arr.day),
            "border_point": categorical(arr.entry, names),
            "border_kommunenummer": categorical(border_codes[arr.entry], codes),
            "country_of_departure": categorical(arr.country, COUNTRIES),
            "kommunenummer": categorical(arr.kommune, codes),
            "has_fd_number": arr.has_fd,
            "certificate_shown": arr.certificate,
            "tested_at_border": arr.tested,
            "test_positive": positive,
            "quarantine_required": arr.quarantine,
            "follow_up_status": categorical(arr.follow_up, FOLLOW_UP_STATUSES),
            "person_key": keys[arr.person],
        }
    )
