"""Definitions of the hospital page's numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition, from_registry
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
ADMISSIONS_PER_100K = from_registry("admissions_7d_per_100k")
ICU_PER_100K = from_registry("icu_admissions_7d_per_100k")
