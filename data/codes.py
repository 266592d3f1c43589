"""Code lists shared by the schema, the generator, importers and metrics."""

from __future__ import annotations

DEFAULT_DISEASE = "covid19"
DISEASE_NAMES_NB = {"covid19": "covid-19", "influensa": "influensa"}

# Age bands follow SYSVAK's published bands (plus 0–11), so that vaccination coverage from real
# sources maps one to one and 65+ / 18+ can be formed by summing whole bands.
AGE_BANDS: tuple[str, ...] = (
    "0-11",
    "12-15",
    "16-17",
    "18-24",
    "25-39",
    "40-44",
    "45-54",
    "55-64",
    "65-74",
    "75-79",
    "80-84",
    "85+",
)
AGE_BAND_LOWER: dict[str, int] = {b: int(b.rstrip("+").split("-")[0]) for b in AGE_BANDS}
AGE_BANDS_65_PLUS: tuple[str, ...] = tuple(b for b in AGE_BANDS if AGE_BAND_LOWER[b] >= 65)

SEXES: tuple[str, ...] = ("F", "M")
TEST_TYPES: tuple[str, ...] = ("PCR", "antigen")
INFECTION_SETTINGS: tuple[str, ...] = (
    "household",
    "school",
    "kindergarten",
    "nursing_home",
    "workplace",
    "event",
    "travel",
    "healthcare",
    "unknown",
)
# a cluster's setting is always known
CLUSTER_SETTINGS: tuple[str, ...] = tuple(s for s in INFECTION_SETTINGS if s != "unknown")
RULE_CATEGORIES: tuple[str, ...] = (
    "isolation",
    "quarantine",
    "testing",
    "entry",
    "certificate",
    "gatherings",
    "schools",
    "other",
)
CERTIFICATE_BASES: tuple[str, ...] = ("vaccinated", "recovered", "tested")
FOLLOW_UP_STATUSES: tuple[str, ...] = ("pending", "completed", "lost")
STRUCTURES: tuple[int, ...] = (2020, 2024)
CURRENT_STRUCTURE = 2024
