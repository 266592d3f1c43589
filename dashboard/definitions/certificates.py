"""Definitions and labels of the Koronasertifikat page (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import from_registry
from dashboard.definitions.metrics import CERTIFICATE_SOURCE as SOURCE
from dashboard.definitions.metrics import metric
from dashboard.i18n import N_

BY_AGE = metric("certificate_by_age")
OVER_TIME = metric("certificate_over_time")
EXPIRING = metric("certificate_expiring")
RULE_VERSION = metric("certificate_rule_version")

EXPIRY_DAYS = 30
SERIES_STEP_DAYS = 7
# EXPIRY_DAYS (30) and SERIES_STEP_DAYS (7) are literals in the texts (definitions.metrics): a
# msgid is fixed text (a test keeps them in step).

BASIS_LABELS = {
    "vaccinated": N_("Vaksinert"),
    "recovered": N_("Gjennomgått covid-19"),
    "tested": N_("Negativ test"),
}

PRECEDENCE_NOTE = N_(
    "En person med flere gyldige sertifikater telles én gang. Fordelingen etter grunnlag "
    "bruker det beste grunnlaget personen har på datoen, i rekkefølgen vaksinert, "
    "gjennomgått covid-19, negativ test: en vaksinert person som også har testattest, "
    "telles som vaksinert."
)

VALID_SHARE = from_registry("certificate_share")


PARAMETER_LABELS = {
    "domestic_use": N_("Brukes innenlands"),
    "vaccinated_delay_days": N_("Gyldig fra (dager etter dose)"),
    "vaccinated_valid_days": N_("Gyldighet etter vaksinasjon (dager)"),
    "booster_valid_days": N_("Gyldighet etter oppfriskningsdose (dager)"),
    "recovered_delay_days": N_("Gyldig fra (dager etter positiv prøve)"),
    "recovered_valid_days": N_("Gyldighet etter gjennomgått covid-19 (dager)"),
    "tested_pcr_valid_hours": N_("PCR-test gyldig (timer)"),
    "tested_antigen_valid_hours": N_("Hurtigtest gyldig (timer)"),
    "tested_issued": N_("Testattest utstedes"),
}

__all__ = [
    "BASIS_LABELS",
    "BY_AGE",
    "EXPIRING",
    "EXPIRY_DAYS",
    "OVER_TIME",
    "PARAMETER_LABELS",
    "PRECEDENCE_NOTE",
    "RULE_VERSION",
    "SERIES_STEP_DAYS",
    "SOURCE",
    "VALID_SHARE",
]
