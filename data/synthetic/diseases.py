"""Influenza and RSV seasons, and the shared machinery that turns expected counts of any
disease beside covid-19 into the rows the loader expects.

COVID-19 is simulated person by person (:mod:`data.synthetic.epidemic`). The other diseases
are what a surveillance system receives for them: laboratory-confirmed cases (one row per
MSIS notification, with test date and registration date), test events from the laboratories
(one positive per case, negatives at a rate that follows the season), hospital admissions and
outbreaks by setting. They are drawn from expected counts per kommune × age band × day on the
real populations, without person histories: a case is tied to a resident of its cell drawn at
random (the pseudonymous key a notification carries), nothing else about that person is
simulated.

Seasons (the curves are Gaussian in the day of the season, one curve per component and
winter, peaks shifted per county and kommune):

- influenza A, peak around 28 December, and influenza B, peak around 10 February (two
  components within ``influensa``, each case's in ``case.subtype``);
  the winter of 2020/21 weak (the covid-19 measures);
- RSV, peak around 28 November, hitting the youngest age band (0–11, the store's youngest
  band; the real burden is in 0–4) and 65+ hardest.

Each disease has its own random streams: covid-19's rows do not change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from data.codes import AGE_BANDS, CLUSTER_SETTINGS, INFECTION_SETTINGS
from data.synthetic._common import (
    N_AGE,
    N_DAYS,
    PERIOD_END,
    PERIOD_START,
    POPULATION_YEARS,
    date_of,
    weekday_of_days,
)
from data.synthetic.cases import Cases
from data.synthetic.clusters import Clusters
from data.synthetic.geography import Geography
from data.synthetic.hospital import Admissions, admissions_of
from data.synthetic.population import Population
from data.synthetic.testing import TestEvents, _labs, _result_delay

# random streams of their own (data.synthetic._common.STREAMS has 1-10, ILI 11)
STREAMS = {"influensa": 12, "rsv": 13, "ukjent": 14}
WEEKDAY = np.array([1.25, 1.15, 1.05, 1.0, 0.95, 0.35, 0.25])  # Monday … Sunday, test dates
SETTING = {name: i for i, name in enumerate(INFECTION_SETTINGS)}
CS = {name: i for i, name in enumerate(CLUSTER_SETTINGS)}


def rng_of(seed: int, disease: str, part: int = 0) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([int(seed), STREAMS[disease], part]))


@dataclass(frozen=True)
class Component:
    """One seasonal curve of a disease: peak day of the year, width (standard deviation in
    days), national laboratory-confirmed cases per week at the peak of a season of intensity 1
    (full scale) and each winter's intensity (by the year the winter starts)."""

    name: str
    peak: tuple[int, int]  # month, day
    width: float
    peak_weekly: float
    intensity: dict[int, float]


@dataclass(frozen=True)
class SeasonalDisease:
    code: str
    components: tuple[Component, ...]
    age_profile: np.ndarray  # relative attack rate by age band
    admission_risk: np.ndarray  # per case, by age band
    # negative tests per 100 000 per week outside the season, and per case in it
    negatives_base: float
    negatives_per_case: float
    # outbreaks per 1 000 cases (full scale), and their settings with weights
    outbreaks_per_1000: float
    outbreak_settings: dict[str, float] = field(default_factory=dict)


#               0-11 12-15 16-17 18-24 25-39 40-44 45-54 55-64 65-74 75-79 80-84 85+
INFLUENZA = SeasonalDisease(
    code="influensa",
    components=(
        Component("A", (12, 28), 17.0, 3200.0, {2019: 1.0, 2020: 0.08, 2021: 1.0}),
        Component("B", (2, 10), 15.0, 900.0, {2019: 0.9, 2020: 0.05, 2021: 0.8}),
    ),
    age_profile=np.array([2.2, 1.8, 1.3, 0.9, 0.9, 0.9, 0.8, 0.8, 1.0, 1.3, 1.6, 2.0]),
    admission_risk=np.array(
        [0.02, 0.01, 0.01, 0.01, 0.015, 0.02, 0.03, 0.05, 0.09, 0.14, 0.18, 0.22]
    ),
    negatives_base=35.0,
    negatives_per_case=2.8,
    outbreaks_per_1000=5.0,
    outbreak_settings={"nursing_home": 0.5, "school": 0.3, "kindergarten": 0.2},
)
RSV = SeasonalDisease(
    code="rsv",
    components=(Component("RSV", (11, 28), 16.0, 1500.0, {2019: 0.9, 2020: 0.2, 2021: 1.0}),),
    age_profile=np.array([6.0, 0.5, 0.3, 0.3, 0.5, 0.5, 0.4, 0.5, 1.2, 1.8, 2.4, 3.0]),
    admission_risk=np.array(
        [0.06, 0.005, 0.005, 0.005, 0.01, 0.01, 0.015, 0.03, 0.06, 0.10, 0.14, 0.18]
    ),
    negatives_base=30.0,
    negatives_per_case=3.5,
    outbreaks_per_1000=6.0,
    outbreak_settings={"kindergarten": 0.55, "nursing_home": 0.45},
)
SEASONAL = {d.code: d for d in (INFLUENZA, RSV)}
# the age bands of each outbreak setting's members
SETTING_AGES = {
    "nursing_home": ("75-79", "80-84", "85+", "85+", "85+", "25-39", "45-54"),
    "school": ("0-11", "0-11", "12-15", "12-15", "16-17", "40-44"),
    "kindergarten": ("0-11", "0-11", "0-11", "0-11", "25-39"),
    "event": ("18-24", "25-39", "25-39", "40-44", "45-54", "55-64"),
}


@dataclass
class DiseaseRows:
    """One disease's synthetic rows, before they become table frames."""

    disease: str
    cases: Cases
    tests: TestEvents
    admissions: Admissions
    clusters: Clusters
    arrivals: object | None = None  # data.synthetic.arrivals.Arrivals (the new pathogen)
    # per case row: index into ``subtypes`` (-1: none), for ``case.subtype``
    subtype: np.ndarray | None = None
    subtypes: tuple[str, ...] = ()


def residents_by_day(pop: Population) -> np.ndarray:
    """K × A × days synthetic residents (the year of each day)."""
    residents = pop.scaled.sum(axis=2).astype(np.float64)  # K × A × Y
    years = np.array([date_of(d).year for d in range(N_DAYS)])
    index = np.clip(years, POPULATION_YEARS[0], POPULATION_YEARS[-1]) - POPULATION_YEARS[0]
    return residents[:, :, index]


def _peak_day(year: int, month: int, day: int) -> int:
    """Day index of a season's peak: the winter starting in ``year``."""
    peak_year = year if month >= 7 else year + 1
    return (dt.date(peak_year, month, day) - PERIOD_START).days


def season_curve(
    component: Component, days: np.ndarray, offsets: np.ndarray | None = None
) -> np.ndarray:
    """Cases per week at full scale as a multiple of the national peak (K × days with
    ``offsets`` per kommune, else days): the sum of each winter's Gaussian."""
    days = np.asarray(days, dtype=np.float64)
    shift = np.zeros(1) if offsets is None else np.asarray(offsets, dtype=np.float64)
    out = np.zeros((len(shift), len(days)))
    for year in range(PERIOD_START.year - 1, PERIOD_END.year + 1):
        peak = _peak_day(year, *component.peak)
        level = component.intensity.get(year, 0.0)
        if level <= 0:
            continue
        z = (days[None, :] - peak - shift[:, None]) / component.width
        out += level * np.exp(-0.5 * z * z)
    return out if offsets is not None else out[0]


def kommune_offsets(geo: Geography, rng: np.random.Generator) -> np.ndarray:
    """Days each kommune's season is early (−) or late (+): by county, plus a little noise."""
    fylker = sorted(set(geo.fylke))
    by_fylke = dict(zip(fylker, rng.normal(0.0, 6.0, size=len(fylker)), strict=True))
    return np.array([by_fylke[f] for f in geo.fylke]) + rng.normal(0.0, 2.5, size=geo.n)


def expected_cases(
    disease: SeasonalDisease, geo: Geography, pop: Population, rng: np.random.Generator
) -> list[np.ndarray]:
    """K × A × days expected laboratory-confirmed cases (by test date) at the sample scale,
    one array per component (influenza A and B)."""
    at = residents_by_day(pop)
    full = pop.full.sum(axis=2)[:, :, 0]  # K × A, 2020, full scale
    days = np.arange(N_DAYS)
    offsets = kommune_offsets(geo, rng)
    weekday = WEEKDAY[weekday_of_days(days)] / WEEKDAY.mean()
    out = []
    weight = float((full * disease.age_profile[None, :]).sum())
    for component in disease.components:
        per_person_day = component.peak_weekly / 7.0 / weight
        curve = season_curve(component, days, offsets)  # K × days
        out.append(
            at
            * disease.age_profile[None, :, None]
            * per_person_day
            * curve[:, None, :]
            * weekday[None, None, :]
        )
    return out


def draw_persons(
    pop: Population, kommune: np.ndarray, age: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A random resident of each (kommune, age band) cell; (person, found) where a cell of
    the registry is empty at the sample scale ``found`` is false."""
    cell = kommune.astype(np.int64) * N_AGE + age.astype(np.int64)
    start = pop.cell_start[cell]
    size = pop.cell_start[cell + 1] - start
    person = start + np.floor(rng.random(len(cell)) * size).astype(np.int64)
    return np.minimum(person, max(pop.n_persons - 1, 0)), size > 0


def registration_delay(test: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Registration day from the test day: most within three days, weekends later."""
    lag = rng.choice(7, size=len(test), p=[0.25, 0.33, 0.2, 0.1, 0.06, 0.04, 0.02])
    reg = test.astype(np.int64) + lag
    wd = weekday_of_days(reg)
    reg = np.where(wd == 5, reg + 2, np.where(wd == 6, reg + 1, reg))
    return reg


def cases_from_counts(
    counts: np.ndarray, pop: Population, rng: np.random.Generator, first_day: int = 0
) -> Cases:
    """Case rows from K × A × days counts (day index ``first_day`` for the first column);
    registrations after the period's end are not yet known and left out."""
    _k, a, t = counts.shape
    flat = counts.reshape(-1)
    cell_day = np.repeat(np.arange(flat.size), flat)
    kommune = (cell_day // (a * t)).astype(np.int16)
    age = ((cell_day // t) % a).astype(np.int8)
    test = (cell_day % t + first_day).astype(np.int64)
    return new_cases(kommune, age, test, pop, rng)


def new_cases(
    kommune: np.ndarray,
    age: np.ndarray,
    test: np.ndarray,
    pop: Population,
    rng: np.random.Generator,
    *,
    imported: np.ndarray | None = None,
) -> Cases:
    reg = registration_delay(test, rng)
    person, found = draw_persons(pop, kommune, age, rng)
    keep = found & (reg < N_DAYS) & (test >= 0)
    n = int(keep.sum())
    is_imported = np.zeros(len(keep), bool) if imported is None else imported
    return Cases(
        kommune=kommune[keep].astype(np.int16),
        residence=kommune[keep].astype(np.int16),
        test_day=test[keep].astype(np.int16),
        registration_day=reg[keep].astype(np.int16),
        age=age[keep].astype(np.int8),
        sex=pop.person_sex[person[keep]].astype(np.int8),
        setting=np.where(is_imported[keep], SETTING["travel"], SETTING["unknown"]).astype(np.int8),
        imported=is_imported[keep],
        cluster=np.full(n, -1, dtype=np.int32),
        person=person[keep],
    )


def unique_persons(
    cases: Cases,
    pop: Population,
    rng: np.random.Generator,
    outbreaks: list[tuple[str, int, int]],
) -> tuple[Cases, list[tuple[str, int, int]], np.ndarray]:
    """One case per person and disease: the cases of each kommune × age cell take distinct
    residents of the cell (outbreak members first); cases beyond a cell's residents are left
    out (the sample scale's small cells). Row order is kept; the outbreaks' rows are
    renumbered. Returns the cases, the outbreaks and the kept rows (of the input)."""
    n = len(cases)
    cell = cases.kommune.astype(np.int64) * N_AGE + cases.age.astype(np.int64)
    member = np.zeros(n, dtype=bool)
    for _name, first, size in outbreaks:
        member[first : first + size] = True
    order = np.lexsort((rng.random(n), ~member, cell))
    sorted_cell = cell[order]
    rank = np.arange(n) - np.searchsorted(sorted_cell, sorted_cell)
    start = pop.cell_start[sorted_cell]
    size = pop.cell_start[sorted_cell + 1] - start
    offset = rng.integers(0, 1 << 30, size=len(pop.cell_start))[sorted_cell]
    fits = rank < size
    person = np.zeros(n, dtype=np.int64)
    person[order] = np.where(fits, start + (offset + rank) % np.maximum(size, 1), 0)
    keep = np.zeros(n, dtype=bool)
    keep[order] = fits
    cases.person = person
    cases.sex = pop.person_sex[np.minimum(person, max(pop.n_persons - 1, 0))].astype(np.int8)
    kept_before = np.concatenate([[0], np.cumsum(keep)])
    renumbered = [
        (name, int(kept_before[first]), int(kept_before[first + size] - kept_before[first]))
        for name, first, size in outbreaks
    ]
    kept = np.flatnonzero(keep)
    return cases.take(kept), [o for o in renumbered if o[2] >= 3], kept


def concat_cases(parts: list[Cases]) -> Cases:
    fields = Cases.__dataclass_fields__
    return Cases(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields})


def outbreak_cases(
    disease: SeasonalDisease,
    expected: np.ndarray,
    fraction: float,
    pop: Population,
    rng: np.random.Generator,
) -> tuple[Cases, list[tuple[str, int, int]]]:
    """Outbreaks by setting, as cases of their own: each starts in a kommune and on a day
    drawn in proportion to the expected cases, its members test within ten days. Returns the
    cases and per outbreak (setting, first row, size)."""
    total = float(expected.sum())
    n = int(rng.poisson(total * disease.outbreaks_per_1000 / 1000.0))
    if n == 0 or total <= 0:
        empty = cases_from_counts(np.zeros((1, N_AGE, 1), dtype=np.int64), pop, rng)
        return empty, []
    by_kd = expected.sum(axis=1)  # K × days
    p = by_kd.reshape(-1) / by_kd.sum()
    start = rng.choice(p.size, size=n, p=p)
    kommune_of, day_of_start = start // by_kd.shape[1], start % by_kd.shape[1]
    names = list(disease.outbreak_settings)
    weights = np.array([disease.outbreak_settings[s] for s in names])
    setting_of = rng.choice(len(names), size=n, p=weights / weights.sum())
    parts: list[Cases] = []
    outbreaks: list[tuple[str, int, int]] = []
    row = 0
    for i in range(n):
        name = names[setting_of[i]]
        size = int(4 + rng.geometric(0.12))
        ages = np.array([AGE_BANDS.index(b) for b in SETTING_AGES[name]])
        age = ages[rng.integers(0, len(ages), size=size)]
        test = day_of_start[i] + np.sort(rng.integers(0, 11, size=size))
        test[0] = day_of_start[i]
        kommune = np.full(size, kommune_of[i])
        part = new_cases(kommune, age, test.astype(np.int64), pop, rng)
        if len(part) < 3:
            continue
        part.setting[:] = SETTING[name]
        parts.append(part)
        outbreaks.append((name, row, len(part)))
        row += len(part)
    if not parts:
        return cases_from_counts(np.zeros((1, N_AGE, 1), dtype=np.int64), pop, rng), []
    return concat_cases(parts), outbreaks


def clusters_of(
    cases: Cases, outbreaks: list[tuple[str, int, int]], prefix: str, rng: np.random.Generator
) -> Clusters:
    """Clusters (ids ``<prefix><year>-<n>``) of outbreaks whose member rows are consecutive in
    ``cases``; the index case is every member's source (a point-source outbreak)."""
    order = sorted(
        range(len(outbreaks)),
        key=lambda i: (int(cases.test_day[outbreaks[i][1]]), int(cases.kommune[outbreaks[i][1]])),
    )
    members, settings, sources, ids = [], [], [], []
    counters: dict[int, int] = {}
    for number, i in enumerate(order):
        name, first, size = outbreaks[i]
        rows = np.arange(first, first + size)
        rows = rows[np.argsort(cases.test_day[rows], kind="stable")]
        # one membership per person (a small cell may give a person twice)
        _, first_of = np.unique(cases.person[rows], return_index=True)
        rows = rows[np.sort(first_of)]
        size = len(rows)
        members.append(rows)
        sources.append(np.concatenate([[-1], np.full(size - 1, rows[0])]))
        settings.append(CS[name])
        cases.cluster[rows] = number
        year = date_of(int(cases.test_day[rows[0]])).year
        counters[year] = counters.get(year, 0) + 1
        ids.append(f"{prefix}{year}-{counters[year]:04d}")
    sizes = np.array([len(m) for m in members], dtype=np.int64)
    member_rows = np.concatenate(members) if members else np.zeros(0, np.int64)
    return Clusters(
        members=member_rows,
        offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        setting=np.array(settings, dtype=np.int8),
        sources=np.concatenate(sources).astype(np.int64) if sources else np.zeros(0, np.int64),
        confirmed=rng.random(len(member_rows)) < 0.8,
        household_link=np.zeros(len(member_rows), dtype=bool),
        ids=ids,
    )


def tests_for(
    cases: Cases,
    negatives: np.ndarray,
    geo: Geography,
    pop: Population,
    rng: np.random.Generator,
) -> TestEvents:
    """One positive PCR test per case on its test day, and the negative tests of K × A × days
    expected counts ``negatives``."""
    counts = rng.poisson(negatives)
    _k, a, t = counts.shape
    flat = counts.reshape(-1)
    cell_day = np.repeat(np.arange(flat.size), flat)
    kommune = np.concatenate([cases.kommune, (cell_day // (a * t)).astype(np.int16)])
    age = np.concatenate([cases.age, ((cell_day // t) % a).astype(np.int8)])
    day = np.concatenate([cases.test_day, (cell_day % t).astype(np.int16)])
    positive = np.concatenate([np.ones(len(cases), bool), np.zeros(len(cell_day), bool)])
    person, found = draw_persons(pop, kommune, age, rng)
    person = np.concatenate([cases.person, person[len(cases) :]])
    found[: len(cases)] = True
    antigen = np.zeros(len(day), dtype=bool)
    lab = _labs(geo, kommune.astype(np.int64), day.astype(np.int64), antigen, rng)
    delay = _result_delay(day.astype(np.int64), antigen, rng)
    keep = np.flatnonzero(found)
    order = keep[np.lexsort((kommune[keep], day[keep]))]
    return TestEvents(
        kommune=kommune[order],
        day=day[order],
        result_delay=delay[order],
        age=age[order],
        antigen=antigen[order],
        positive=positive[order],
        lab=lab[order],
        person=person[order],
    )


def admissions_for(
    cases: Cases, risk: np.ndarray, rng: np.random.Generator, icu_share: float = 0.1
) -> Admissions:
    admitted = rng.random(len(cases)) < risk[cases.age]
    rows = np.flatnonzero(admitted)
    admission = cases.test_day[rows].astype(np.int64) + rng.choice(
        4, size=len(rows), p=[0.45, 0.3, 0.15, 0.1]
    )
    return admissions_of(cases, rows, admission, np.full(len(cases), icu_share), (6.0, 2.5), rng)


def build_seasonal(
    disease: SeasonalDisease,
    geo: Geography,
    pop: Population,
    fraction: float,
    seed: int,
) -> DiseaseRows:
    """One seasonal disease's rows over the whole period (trimmed to the scale afterwards)."""
    rng = rng_of(seed, disease.code)
    parts = expected_cases(disease, geo, pop, rng)  # one per component (influenza A, B)
    expected = parts[0] if len(parts) == 1 else np.sum(parts, axis=0)
    sporadic = [cases_from_counts(rng.poisson(part), pop, rng) for part in parts]
    extra, outbreaks = outbreak_cases(disease, expected, fraction, pop, rng)
    # an outbreak's subtype: the component with most expected cases where and when it began
    extra_subtype = np.zeros(len(extra), dtype=np.int8)
    for _name, first, size in outbreaks:
        k, d = int(extra.kommune[first]), int(extra.test_day[first])
        extra_subtype[first : first + size] = int(np.argmax([p[k, :, d].sum() for p in parts]))
    subtype = np.concatenate(
        [extra_subtype, *(np.full(len(c), i, dtype=np.int8) for i, c in enumerate(sporadic))]
    )
    cases = concat_cases([extra, *sporadic])  # outbreak rows first: their rows are 0 … n-1
    cases, outbreaks, kept = unique_persons(cases, pop, rng, outbreaks)
    subtype = subtype[kept]
    clusters = clusters_of(cases, outbreaks, disease.code[0].upper(), rng)
    at = residents_by_day(pop)
    days = np.arange(N_DAYS)
    weekday = WEEKDAY[weekday_of_days(days)] / WEEKDAY.mean()
    negatives = (
        at * disease.negatives_base / 100_000 / 7.0 * weekday[None, None, :]
        + expected * disease.negatives_per_case
    )
    tests = tests_for(cases, negatives, geo, pop, rng)
    admissions = admissions_for(cases, disease.admission_risk, rng)
    subtypes = tuple(c.name for c in disease.components) if len(parts) > 1 else ()
    return DiseaseRows(
        disease.code,
        cases,
        tests,
        admissions,
        clusters,
        subtype=subtype if subtypes else None,
        subtypes=subtypes,
    )
