"""Definitions of the hospital page's numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition
from dashboard.i18n import N_

HOSPITAL_SOURCE = N_(
    "Norsk pasientregister / Beredskapsregisteret for covid-19 (innleggelser etter "
    "bostedskommune og innleggelsesdato)"
)

ADMISSIONS_DAILY = MetricDefinition(
    key="admissions_daily",
    label=N_("Sykehusinnleggelser per dag"),
    unit="innleggelser",
    definition=N_(
        "Nye sykehusinnleggelser etter innleggelsesdato for innbyggere i "
        "kommunen (søyler), herav innleggelser i intensivavdeling (mørke søyler), og glidende "
        "7-dagers gjennomsnitt (linje)."
    ),
    source=HOSPITAL_SOURCE,
)
ADMISSIONS_PER_100K = MetricDefinition(
    key="admissions_7d_per_100k",
    label=N_("Innleggelser per 100 000 (7 dager)"),
    unit="per 100 000",
    definition=N_(
        "Nye sykehusinnleggelser de siste 7 dagene til og med valgt dato per 100 000 innbyggere "
        "(befolkning 1. januar). Etter aldersgruppe: per 100 000 innbyggere i aldersgruppen. "
        "Små tall gir store utslag i små kommuner."
    ),
    source=N_(
        "Norsk pasientregister / Beredskapsregisteret for covid-19 (innleggelser etter "
        "bostedskommune og innleggelsesdato); befolkning fra SSB"
    ),
)
ICU_PER_100K = MetricDefinition(
    key="icu_admissions_7d_per_100k",
    label=N_("Intensivinnleggelser per 100 000 (7 dager)"),
    unit="per 100 000",
    definition=N_(
        "Innleggelser som omfattet intensivbehandling, etter innleggelsesdato, de siste 7 dagene "
        "per 100 000 innbyggere (befolkning 1. januar)."
    ),
    source=N_(
        "Norsk pasientregister / Beredskapsregisteret for covid-19 (innleggelser etter "
        "bostedskommune og innleggelsesdato); befolkning fra SSB"
    ),
)
