"""Travel into Norway: daily volume, where travellers enter and stay, where they come from and
how likely they are to be infected. Used by the epidemic (imported infections) and by the
arrivals table."""

from __future__ import annotations

import numpy as np

from data.synthetic._common import N_DAYS, logistic, piecewise, weekday_of_days
from data.synthetic.geography import ENTRY_POINTS, OSLO_AKERSHUS_FYLKER, Geography

# Relative volume of registered arrivals (1.0 = normal travel), following the entry rules.
TRAVEL_FACTOR = [
    ("2020-03-01", 1.0),
    ("2020-03-14", 0.55),
    ("2020-03-20", 0.06),
    ("2020-06-14", 0.10),
    ("2020-07-15", 0.38),
    ("2020-08-20", 0.30),
    ("2020-10-15", 0.20),
    ("2020-11-09", 0.14),
    ("2021-01-02", 0.10),
    ("2021-01-29", 0.045),
    ("2021-05-27", 0.08),
    ("2021-07-05", 0.35),
    ("2021-08-10", 0.45),
    ("2021-11-26", 0.36),
    ("2022-01-26", 0.45),
    ("2022-02-12", 0.62),
    ("2022-06-15", 1.0),
    ("2022-08-20", 0.85),
    ("2023-02-28", 0.78),
]
WEEKDAY_TRAVEL = np.array([1.0, 0.85, 0.85, 0.95, 1.2, 0.95, 1.2])  # Mon … Sun

# Share of arrivals per entry point in normal times (same order as ENTRY_POINTS).
ENTRY_SHARE = np.array(
    [0.44, 0.14, 0.045, 0.012, 0.07, 0.05, 0.04, 0.02, 0.04, 0.02, 0.05, 0.03, 0.025]
)

COUNTRIES = (
    "SE",
    "DK",
    "PL",
    "LT",
    "LV",
    "DE",
    "GB",
    "ES",
    "US",
    "NL",
    "FR",
    "IT",
    "RO",
    "UA",
    "TR",
    "RU",
    "FI",
    "TH",
)
# Country-of-departure mix per kind of entry point.
COUNTRY_MIX = {
    "airport": (4, 5, 14, 8, 2, 9, 10, 11, 5, 5, 4, 4, 3, 2, 4, 0.3, 3, 3),
    "road": (70, 2, 12, 7, 2, 2, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 2, 0),
    "port": (2, 68, 4, 1, 0, 22, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0),
    "storskog": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0),
}
# Share with a Norwegian national identity or D-number: lower for labour migration countries.
FD_SHARE = {
    "PL": 0.78,
    "LT": 0.76,
    "LV": 0.78,
    "RO": 0.70,
    "UA": 0.66,
    "RU": 0.60,
    "TH": 0.85,
    "TR": 0.88,
}
FD_DEFAULT = 0.96

# Relative infection risk of a traveller by country (scales the abroad prevalence).
COUNTRY_RISK = {
    "SE": 1.1,
    "PL": 1.2,
    "LT": 1.2,
    "ES": 1.1,
    "GB": 1.3,
    "US": 1.3,
    "RU": 1.2,
    "UA": 1.1,
}


def travel_factor(days: np.ndarray) -> np.ndarray:
    days = np.asarray(days)
    summer = 1.0 + 0.25 * np.exp(-0.5 * ((days % 365 - day_of_year_offset(195)) / 18.0) ** 2)
    return piecewise(days, TRAVEL_FACTOR) * summer * WEEKDAY_TRAVEL[weekday_of_days(days)]


def day_of_year_offset(day_of_year: int) -> int:
    """Position within a 365-day cycle that starts on 1 March, for a day of the calendar year."""
    return (day_of_year - 61) % 365


def abroad_prevalence(days: np.ndarray) -> np.ndarray:
    """Chance that a traveller arriving on a day is infected (before any country weighting)."""
    base = piecewise(
        days,
        [
            ("2020-02-01", 0.0002),
            ("2020-02-25", 0.002),
            ("2020-03-10", 0.008),
            ("2020-04-15", 0.006),
            ("2020-06-15", 0.0025),
            ("2020-08-15", 0.004),
            ("2020-10-20", 0.009),
            ("2021-01-10", 0.011),
            ("2021-04-15", 0.008),
            ("2021-06-20", 0.004),
            ("2021-08-01", 0.007),
            ("2021-11-15", 0.010),
        ],
    )
    omicron = logistic(days, "2021-12-20", 7.0)
    late = piecewise(
        days,
        [
            ("2022-01-01", 0.04),
            ("2022-03-15", 0.03),
            ("2022-05-15", 0.008),
            ("2022-07-10", 0.014),
            ("2022-09-15", 0.006),
            ("2023-02-28", 0.005),
        ],
    )
    return base * (1.0 - omicron) + late * omicron


def stay_weights(geo: Geography, adults: np.ndarray) -> np.ndarray:
    """Entry point × kommune probabilities of where arrivals stay: by population (residents who
    can host), decaying with hops from the entry point, with a pull towards Oslo and Akershus."""
    oslo_akershus = np.isin(geo.fylke, OSLO_AKERSHUS_FYLKER)
    out = np.zeros((len(ENTRY_POINTS), geo.n))
    for e, (_, code, kind, reach) in enumerate(ENTRY_POINTS):
        i = geo.index_of(code)
        w = adults * np.exp(-geo.hops[i].astype(float) / reach)
        if kind != "road" or code == "3101":
            w = w + adults * oslo_akershus * (0.25 if kind == "airport" else 0.1) * np.exp(
                -geo.hops[i] / 6.0
            )
        if code == "5605":
            w = adults * np.exp(-geo.hops[i].astype(float) / reach)
            w[i] *= 8.0
        w = np.where(adults > 0, w, 0.0)
        out[e] = w / w.sum()
    return out


def entry_shares(days: np.ndarray) -> np.ndarray:
    """days × entry point shares: Storskog nearly closed from March 2020, the airports hit
    hardest while travel is low (freight drivers and commuters kept the roads busy)."""
    days = np.asarray(days)
    f = piecewise(days, TRAVEL_FACTOR)
    shares = np.tile(ENTRY_SHARE, (len(days), 1))
    kinds = np.array([kind for _, _, kind, _ in ENTRY_POINTS])
    shares[:, kinds == "road"] *= (1.0 + 1.5 * (1.0 - f))[:, None]
    storskog = next(i for i, (_, code, _, _) in enumerate(ENTRY_POINTS) if code == "5605")
    closed = piecewise(
        days, [("2020-03-15", 1.0), ("2020-03-20", 0.08), ("2022-02-24", 0.08), ("2022-03-15", 0.2)]
    )
    shares[:, storskog] *= closed
    return shares / shares.sum(axis=1, keepdims=True)


def country_probabilities(kind: str, code: str) -> np.ndarray:
    mix = COUNTRY_MIX["storskog" if code == "5605" else kind]
    arr = np.asarray(mix, dtype=float)
    return arr / arr.sum()


ALL_DAYS = np.arange(N_DAYS)
