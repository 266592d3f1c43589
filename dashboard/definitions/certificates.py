"""Definitions and labels of the Koronasertifikat page (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition, from_registry
from dashboard.i18n import N_

SOURCE = from_registry("certificate_share").source
EXPIRY_DAYS = 30
SERIES_STEP_DAYS = 7
# EXPIRY_DAYS (30) and SERIES_STEP_DAYS (7) are literals in the texts below: a msgid is fixed
# text (a test keeps them in step).

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

BY_AGE = MetricDefinition(
    key="certificate_by_age",
    label=N_("Gyldig sertifikat etter aldersgruppe og grunnlag"),
    unit="prosent",
    definition=N_(
        "Andel av innbyggerne i hver aldersgruppe med gyldig sertifikat på valgt dato, fordelt "
        "på beste grunnlag. Aldersgruppen hentes fra vaksinasjons-, tilfelle- eller "
        "prøveregisteret. Andeler over 100 % vises som 100 %, med merknad."
    ),
    source=SOURCE,
)

OVER_TIME = MetricDefinition(
    key="certificate_over_time",
    label=N_("Andel med gyldig sertifikat over tid"),
    unit="prosent",
    definition=N_(
        "Andelen med gyldig sertifikat på valgt dato og hver 7. dag før, "
        "for kommunen, fylket og hele landet, fra sertifikatet ble innført."
    ),
    source=SOURCE,
)

EXPIRING = MetricDefinition(
    key="certificate_expiring",
    label=N_("Utløper innen 30 dager"),
    unit="personer",
    definition=N_(
        "Personer med gyldig sertifikat på valgt dato som ikke lenger har et gyldig sertifikat "
        "om 30 dager, med de sertifikatene som var utstedt til og med valgt dato "
        "(nye doser eller prøver kan gi nytt sertifikat). Testattester gjelder bare i 1–3 "
        "dager og utløper derfor alltid."
    ),
    source=SOURCE,
)

RULE_VERSION = MetricDefinition(
    key="certificate_rule_version",
    label=N_("Regelversjon"),
    unit="",
    definition=N_(
        "Hvert sertifikat er beregnet etter regelversjonen for koronasertifikat som gjaldt da "
        "det ble gyldig (gyldighetstid og ventetid leses fra den versjonen). Regelversjonen i "
        "kraft på valgt dato gjelder for nye sertifikater fra den dagen."
    ),
    source=N_("Regelregisteret i Situasjonsbilde (versjonerte regler)"),
)

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
