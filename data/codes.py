"""Code lists shared by the schema, the generator, importers and metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


def N_(text: str) -> str:  # the translation marker babel extracts (translate where shown)
    return text


Cadence = Literal["daily", "weekly"]

# The page subjects (data.queries.sources.subject_availability's keys) a disease can have.
SUBJECTS: tuple[str, ...] = (
    "cases",
    "tests",
    "hospital",
    "icu",
    "clusters",
    "arrivals",
    "vaccination_doses",
    "vaccination_by_age",
    "coverage_snapshot",
    "certificates",
)


@dataclass(frozen=True)
class Disease:
    """One disease the data can hold: its code (the ``disease`` column of every fact and
    aggregate table), its bokmål display name (N_-marked: show it as ``_(disease.name)``),
    which page subjects exist for it, and the cadence its numbers are read in."""

    code: str
    name: str
    short_name: str
    subjects: frozenset[str]
    cadence: Cadence
    # strata within the disease's cases (influenza A and B), stored in ``case.subtype``
    subtypes: tuple[str, ...] = ()
    # an airway infection (the Morgenbrief's "Luftveisinfeksjoner denne uken")
    respiratory: bool = True
    # signals compare with the same weeks of earlier seasons (else with the recent weeks)
    seasonal: bool = False

    def has(self, subject: str) -> bool:
        return subject in self.subjects


_LAB_SUBJECTS = frozenset({"cases", "tests", "hospital", "clusters"})

DISEASES: dict[str, Disease] = {
    d.code: d
    for d in (
        Disease(
            code="covid19",
            name=N_("covid-19"),
            short_name=N_("Covid-19"),
            subjects=frozenset(SUBJECTS),
            cadence="daily",
        ),
        Disease(
            code="influensa",
            name=N_("influensa"),
            short_name=N_("Influensa"),
            subjects=_LAB_SUBJECTS,
            cadence="weekly",
            subtypes=("A", "B"),
            seasonal=True,
        ),
        Disease(
            code="rsv",
            name=N_("RS-virus"),
            short_name=N_("RSV"),
            subjects=_LAB_SUBJECTS,
            cadence="weekly",
            seasonal=True,
        ),
        Disease(
            code="ukjent",
            name=N_("ukjent smittestoff"),
            short_name=N_("Ukjent smittestoff"),
            subjects=_LAB_SUBJECTS | {"arrivals"},
            cadence="daily",
        ),
    )
}
DISEASE_CODES: tuple[str, ...] = tuple(DISEASES)
DEFAULT_DISEASE = "covid19"
# the national series imported from ERVISS (all respiratory viruses together)
RESPIRATORY = "respiratory"
DISEASE_NAMES_NB = {code: d.name for code, d in DISEASES.items()}


def disease(code: str | None) -> Disease:
    """The disease of a code (the default for None); ValueError for an unknown code."""
    code = DEFAULT_DISEASE if code is None else code
    try:
        return DISEASES[code]
    except KeyError:
        raise ValueError(f"unknown disease {code!r}; expected one of {list(DISEASES)}") from None


def is_disease(code: object) -> bool:
    return isinstance(code, str) and code in DISEASES


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
