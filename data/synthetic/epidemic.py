"""A stochastic SEIR metapopulation epidemic over all kommuner × age bands, at full population.

Transmission follows the variant in circulation, the season, the rules timeline (national and
local), vaccination coverage and immunity after infection; kommuner are coupled through their
neighbours and a gravity term towards the big cities, and infections are imported through the
border entry points. New infections are Poisson draws, so small kommuner see the virus come
and go while cities carry it. The run is always at full population; lower scales sample the
detected cases from it, so every scale shows the same national curve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from data.synthetic._common import N_AGE, N_DAYS, day_of, logistic
from data.synthetic.geography import Geography, mobility_matrix
from data.synthetic.population import Population
from data.synthetic.rules import (
    ASCERTAINMENT,
    SCHOOL_EXPOSURE,
    RuleTimeline,
    contact_factors,
    local_contact_factors,
    smooth,
)
from data.synthetic.travel import abroad_prevalence, entry_shares, stay_weights, travel_factor

SIM_START = day_of("2020-02-01")
RECORD_FROM = -21  # infections this early can still be tested on 1 March 2020
INFECTIOUS_DAYS = 5.0
REINFECTION = 0.03  # relative susceptibility of people immune after infection
LATENT_DAYS = 3.0


@dataclass(frozen=True)
class EpidemicParams:
    r0_wild: float = 2.5
    season_amplitude: float = 0.22
    # variant: (centre of the logistic take-over, width in days, transmissibility relative to
    # the previous variant, share of people immune after infection it can reinfect)
    variants: tuple[tuple[str, str, float, float, float], ...] = (
        ("alpha", "2021-02-25", 10.0, 1.45, 0.0),
        ("delta", "2021-07-05", 9.0, 1.5, 0.02),
        ("ba1", "2021-12-22", 6.0, 1.2, 0.42),
        ("ba2", "2022-02-15", 10.0, 1.15, 0.08),
        ("ba5", "2022-06-15", 10.0, 1.05, 0.2),
        ("bq", "2022-11-01", 14.0, 1.0, 0.1),
    )
    waning_days: float = 600.0
    # Behavioural response: contacts halve when the 7-day detected incidence per 100 000
    # reaches these levels: 2020, spring 2021, autumn 2021 (after reopening), and after the
    # rules were lifted in February 2022.
    caution: tuple[float, float, float, float] = (200.0, 300.0, 800.0, 5_000.0)
    holiday_contacts: float = 0.85
    ski_seeds_per_day: float = 4.0
    import_share: float = 0.3
    intervention_power: float = 1.0
    # Voluntary behaviour (contacts relative to what the rules imply), one value per calendar
    # month from February 2020. Fitted month by month so that the national curve of registered
    # cases resembles 2020–2023 in Norway; refit if the other parameters change.
    # fmt: off
    behaviour: tuple[float, ...] = (
        1.0, 0.905, 1.492, 0.368, 0.407, 0.497, 2.014, 0.607, 1.105, 1.221, 0.905, 1.221,
        0.67, 1.492, 0.819, 0.741, 0.741, 0.905, 1.35, 0.905, 0.368, 1.221, 1.105, 1.105,
        0.819, 0.368, 0.368, 0.905, 0.607, 1.221, 0.449, 0.497, 0.819, 0.223, 0.549, 0.247,
        0.333,
    )
    # fmt: on
    # detection by testing policy: priority, all_symptomatic, self_test, when_needed
    ascertainment: tuple[float, float, float, float] = (0.14, 0.55, 0.42, 0.07)


CONTACT_INTENSITY = np.array([1.25, 1.55, 1.65, 1.6, 1.3, 1.2, 1.1, 0.9, 0.7, 0.6, 0.6, 0.75])
ASSORTATIVITY = 0.55
NORMAL_TRAVEL_PER_DAY = 60_000  # arrivals per day in normal times, all of Norway


@dataclass
class Epidemic:
    infections: (
        np.ndarray
    )  # K × A × (N_DAYS - RECORD_FROM) new infections (int32), day 0 at -RECORD_FROM
    detection: np.ndarray  # A × N_DAYS relative chance that an infection is detected
    omicron: np.ndarray  # N_DAYS share of omicron (drives incubation and severity)

    def infections_on(self, day: int) -> np.ndarray:
        return self.infections[:, :, day - RECORD_FROM]


def contact_matrix(age_population: np.ndarray) -> np.ndarray:
    """A × A contacts, normalised so that the next-generation matrix has spectral radius 1."""
    share = age_population / age_population.sum()
    c = CONTACT_INTENSITY[:, None] * (
        ASSORTATIVITY * np.eye(N_AGE) + (1 - ASSORTATIVITY) * share[None, :] * N_AGE / 3
    )
    # Children mix with their parents' generation.
    for child in (0, 1, 2):
        for adult in (4, 5, 6):
            c[child, adult] += 0.15
            c[adult, child] += 0.15
    ngm = age_population[:, None] * c / age_population[None, :]
    return c / np.max(np.abs(np.linalg.eigvals(ngm)))


def variant_shares(
    days: np.ndarray, params: EpidemicParams = EpidemicParams()
) -> dict[str, np.ndarray]:
    return {v[0]: logistic(days, v[1], v[2]) for v in params.variants}


def transmissibility(days: np.ndarray, params: EpidemicParams) -> np.ndarray:
    shares = variant_shares(days, params)
    r = np.full(len(days), params.r0_wild)
    for name, _, _, rel, _ in params.variants:
        r *= rel ** shares[name]
    season = 1.0 + params.season_amplitude * np.cos(
        2 * np.pi * (days - day_of("2021-01-25")) / 365.25
    )
    return r * season


def immune_escape(days: np.ndarray, params: EpidemicParams) -> np.ndarray:
    """Daily share of people immune after infection who lose that immunity as a new variant
    takes over (the derivative of its share times its escape)."""
    shares = variant_shares(days, params)
    escape = np.zeros(len(days))
    for name, _, _, _, esc in params.variants:
        escape += esc * np.diff(shares[name], prepend=shares[name][0])
    return np.clip(escape, 0.0, 1.0)


def vaccine_effect(days: np.ndarray) -> np.ndarray:
    """days × 4 protection against infection of ≥ dose 1..4 (incremental levels)."""
    s = variant_shares(days)
    delta, omi = s["delta"], s["ba1"]
    ve2 = 0.85 - 0.15 * delta - 0.4 * omi + 0.0 * s["ba5"]
    ve3 = 0.9 - 0.05 * delta - 0.3 * omi - 0.1 * s["ba5"]
    ve4 = np.maximum(ve3, 0.55 - 0.05 * s["bq"])
    return np.stack([0.5 * ve2, ve2, ve3, ve4], axis=1)


def child_susceptibility(days: np.ndarray) -> np.ndarray:
    """days × A relative susceptibility (children less before omicron)."""
    omi = variant_shares(days)["ba1"]
    base = np.ones((len(days), N_AGE))
    for band, value in ((0, 0.5), (1, 0.7), (2, 0.85)):
        base[:, band] = value + (0.9 - value) * omi
    return base


def school_holidays(days: np.ndarray) -> np.ndarray:
    """0 = school day, 1 = school holiday, 2 = summer holiday weeks when most adults are off too."""
    out = np.zeros(len(days), dtype=np.int8)
    for year in (2020, 2021, 2022, 2023):
        for start, end, kind in (
            (f"{year}-02-17", f"{year}-02-23", 1),
            (f"{year}-04-06", f"{year}-04-12", 1),
            (f"{year}-06-20", f"{year}-07-04", 1),
            (f"{year}-07-05", f"{year}-08-01", 2),
            (f"{year}-08-02", f"{year}-08-16", 1),
            (f"{year}-09-28", f"{year}-10-04", 1),
            (f"{year}-12-21", f"{year + 1}-01-02", 1),
        ):
            out[(days >= day_of(start)) & (days <= day_of(end))] = kind
    return out


def detection_probability(
    rules: RuleTimeline, days: np.ndarray, params: EpidemicParams
) -> np.ndarray:
    """A × days chance that an infection becomes a registered case (before calibration)."""
    target = rules.param_series("testkriterier", "target_group", "priority")
    levels = dict(zip(ASCERTAINMENT, params.ascertainment, strict=True))
    asc = smooth(np.array([levels[t] for t in target]), 10)
    by_age = np.ones((N_AGE, len(days)))
    school_testing = logistic(days, "2021-08-20", 10.0) * (1 - logistic(days, "2022-02-01", 5.0))
    by_age[0] = 0.45 + 0.35 * school_testing
    by_age[1] = 0.7 + 0.25 * school_testing
    by_age[2] = 0.8 + 0.15 * school_testing
    by_age[9:] = 1.15  # care homes test residents with symptoms
    return asc[None, :] * by_age


class Simulation:
    """The epidemic's state and its daily step; ``simulate`` runs it through the whole period.

    Kept as a class so that a calibration run can save and restore the state month by month.
    """

    def __init__(
        self,
        geo: Geography,
        pop: Population,
        rules: RuleTimeline,
        coverage: np.ndarray,
        rng: np.random.Generator,
        params: EpidemicParams,
    ) -> None:
        k, a = geo.n, N_AGE
        self.rng = rng
        self.params = params
        self.n = np.maximum(pop.full_by_cell(0), 1.0)
        self.n_k = self.n.sum(axis=1)
        self.w = mobility_matrix(geo, pop.sizes)
        self.c_t = contact_matrix(self.n.sum(axis=0)).T
        national, self.school = contact_factors(rules)
        self.national = national**params.intervention_power
        self.local = local_contact_factors(rules, geo.codes, geo.fylke)
        self.days = np.arange(SIM_START, N_DAYS)
        days = self.days
        self.beta = transmissibility(days, params) / INFECTIOUS_DAYS
        self.behaviour = behaviour_curve(days, params.behaviour)
        self.escape = immune_escape(days, params)
        self.ve = vaccine_effect(days)
        self.child = child_susceptibility(days)
        adults = pop.full_by_cell(0)[:, 3:8].sum(axis=1)
        stay = stay_weights(geo, adults)  # E × K
        imports = NORMAL_TRAVEL_PER_DAY * travel_factor(days) * abroad_prevalence(days)
        # Entry quarantine and border tests stop most onward spread from infected travellers.
        quarantine_days = rules.param_series("innreise", "quarantine_days", None)
        quarantined = np.array([quarantine_days[max(int(d), 0)] is not None for d in days])
        imports *= np.where(quarantined, 0.3, 1.0) * params.import_share
        self.imports = imports[:, None] * (entry_shares(np.clip(days, 0, None)) @ stay)  # T × K
        # Ski-holiday returnees seeded the first wave in the Oslo area and the other cities.
        ski = np.exp(-0.5 * ((days - day_of("2020-03-01")) / 6.0) ** 2) * params.ski_seeds_per_day
        city = np.zeros(k)
        for code, weight in SKI_SEED_KOMMUNER:
            city[geo.index_of(code)] = weight
        self.imports += ski[:, None] * (city / city.sum())[None, :]
        adult_split = np.zeros(a)
        adult_split[3:8] = pop.full_by_cell(0)[:, 3:8].sum(axis=0)
        self.adult_split = adult_split / adult_split.sum()
        self.coverage = coverage.reshape(k, a, N_DAYS, 4)
        self.detect = detection_probability(rules, np.arange(N_DAYS), params)
        self.caution = np.select(
            [days < day_of("2021-01-01"), days < day_of("2021-09-25"), days < day_of("2022-02-12")],
            list(params.caution[:3]),
            default=params.caution[3],
        )
        self.holiday = school_holidays(days)
        self.compliance = rng.lognormal(0.0, 0.06, size=k)
        # state
        self.s = self.n.copy()
        self.e = np.zeros((k, a))
        self.i = np.zeros((k, a))
        self.r = np.zeros((k, a))
        self.noise = np.zeros(k)
        self.recent = np.zeros((7, k))  # detected-like infections per kommune, last 7 days
        self.record = np.zeros((k, a, N_DAYS - RECORD_FROM), dtype=np.int32)
        self.next_step = 0

    def run(self, until_step: int | None = None, behaviour_scale: float = 1.0) -> None:
        stop = len(self.days) if until_step is None else until_step
        while self.next_step < stop:
            self._step(self.next_step, behaviour_scale)
            self.next_step += 1

    def _step(self, step: int, behaviour_scale: float) -> None:
        day = int(self.days[step])
        d = max(day, 0)
        k, a = self.n.shape
        felt = (
            0.5 * self.recent.sum(axis=0) / self.n_k * 1e5
            + 0.5 * self.recent.sum() / self.n_k.sum() * 1e5
        )
        caution = 1.0 / (1.0 + felt / self.caution[step])
        self.noise = 0.97 * self.noise + self.rng.normal(0.0, 0.035, size=k)
        force = (self.w @ (self.i / self.n)) @ self.c_t
        holiday = self.holiday[step]
        school_age = (self.school[d] * (0.6 if holiday else 1.0)) ** SCHOOL_EXPOSURE
        lam = (
            self.beta[step]
            * self.national[d]
            * self.behaviour[step]
            * behaviour_scale
            * (self.params.holiday_contacts if holiday == 2 else 1.0)
            * (self.local[:, d] * self.compliance * caution * np.exp(self.noise))[:, None]
            * school_age[None, :]
            * force
        )
        ve = self.ve[step]
        if day >= 0:
            cov = self.coverage[:, :, d, :]
            protection = (
                (cov[..., 0] - cov[..., 1]) * ve[0]
                + (cov[..., 1] - cov[..., 2]) * ve[1]
                + (cov[..., 2] - cov[..., 3]) * ve[2]
                + cov[..., 3] * ve[3]
            )
        else:
            protection = np.zeros((k, a))
        susceptibility = self.child[step][None, :] * np.clip(1.0 - protection, 0.0, 1.0)
        p_inf = -np.expm1(-lam)
        new_s = np.minimum(self.rng.poisson(p_inf * self.s * susceptibility), self.s)
        new_r = np.minimum(self.rng.poisson(p_inf * self.r * REINFECTION * susceptibility), self.r)
        imported = self.rng.poisson(self.imports[step][:, None] * self.adult_split[None, :])
        latent_out = self.e / LATENT_DAYS
        infectious_out = self.i / INFECTIOUS_DAYS
        waning = self.r * (1.0 / self.params.waning_days + self.escape[step])
        self.s = np.maximum(self.s + waning - new_s, 0.0)
        self.r = np.maximum(self.r + infectious_out - new_r - waning, 0.0)
        self.e += new_s + new_r + imported - latent_out
        self.i += latent_out - infectious_out
        new = new_s + new_r
        self.recent[step % 7] = new @ self.detect[:, d]
        if day >= RECORD_FROM:
            self.record[:, :, day - RECORD_FROM] = new

    def result(self) -> Epidemic:
        days = np.arange(N_DAYS)
        return Epidemic(self.record, self.detect, variant_shares(days, self.params)["ba1"])


SKI_SEED_KOMMUNER = (
    ("0301", 4),
    ("3201", 2),
    ("3203", 1.5),
    ("4601", 1.5),
    ("5001", 1),
    ("1103", 1),
    ("3205", 1),
)
BEHAVIOUR_FROM = "2020-02-01"  # first month of the monthly behaviour values


def behaviour_curve(days: np.ndarray, monthly: tuple[float, ...]) -> np.ndarray:
    """Daily contact multiplier from one value per calendar month (from February 2020), with a
    one-week ramp into each new month."""
    values = np.asarray(monthly, dtype=float)
    start = dt.date.fromisoformat(BEHAVIOUR_FROM)
    dates = [start + dt.timedelta(days=int(x - day_of(BEHAVIOUR_FROM))) for x in days]
    month = np.array([(x.year - start.year) * 12 + x.month - start.month for x in dates])
    month = np.clip(month, 0, len(values) - 1)
    into = np.array([x.day - 1 for x in dates])
    previous = values[np.maximum(month - 1, 0)]
    ramp = np.clip((into + 1) / 7.0, 0.0, 1.0)
    return np.exp(np.log(previous) * (1 - ramp) + np.log(values[month]) * ramp)


def month_steps(days: np.ndarray) -> list[int]:
    """Index into ``days`` of the first day of each behaviour month."""
    start = dt.date.fromisoformat(BEHAVIOUR_FROM)
    out = []
    for i, x in enumerate(days):
        date = start + dt.timedelta(days=int(x - day_of(BEHAVIOUR_FROM)))
        if date.day == 1:
            out.append(i)
    return out


def simulate(
    geo: Geography,
    pop: Population,
    rules: RuleTimeline,
    coverage: np.ndarray,
    rng: np.random.Generator,
    params: EpidemicParams = EpidemicParams(),
) -> Epidemic:
    sim = Simulation(geo, pop, rules, coverage, rng, params)
    sim.run()
    return sim.result()
