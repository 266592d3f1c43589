"""Definitions and labels of the Koronasertifikat page (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition

SOURCE = "Koronasertifikater utledet fra vaksinasjoner, tilfeller og prøver; befolkning fra SSB"
EXPIRY_DAYS = 30
SERIES_STEP_DAYS = 7

BASIS_LABELS = {
    "vaccinated": "Vaksinert",
    "recovered": "Gjennomgått covid-19",
    "tested": "Negativ test",
}

PRECEDENCE_NOTE = (
    "En person med flere gyldige sertifikater telles én gang. Fordelingen etter grunnlag "
    "bruker det beste grunnlaget personen har på datoen, i rekkefølgen vaksinert, "
    "gjennomgått covid-19, negativ test: en vaksinert person som også har testattest, "
    "telles som vaksinert."
)

VALID_SHARE = MetricDefinition(
    key="certificate_share",
    label="Andel med gyldig koronasertifikat",
    unit="prosent",
    definition=(
        "Innbyggere i kommunen med minst ett gyldig koronasertifikat på valgt dato, delt på "
        "befolkningen 1. januar samme år. Et sertifikat gjelder fra og med første gyldighetsdag "
        "og til (ikke med) sluttdatoen i registeret. " + PRECEDENCE_NOTE
    ),
    source=SOURCE,
)

BY_AGE = MetricDefinition(
    key="certificate_by_age",
    label="Gyldig sertifikat etter aldersgruppe og grunnlag",
    unit="prosent",
    definition=(
        "Andel av innbyggerne i hver aldersgruppe med gyldig sertifikat på valgt dato, fordelt "
        "på beste grunnlag. Aldersgruppen hentes fra vaksinasjons-, tilfelle- eller "
        "prøveregisteret. Andeler over 100 % vises som 100 %, med merknad."
    ),
    source=SOURCE,
)

OVER_TIME = MetricDefinition(
    key="certificate_over_time",
    label="Andel med gyldig sertifikat over tid",
    unit="prosent",
    definition=(
        f"Andelen med gyldig sertifikat på valgt dato og hver {SERIES_STEP_DAYS}. dag før, "
        "for kommunen, fylket og hele landet, fra sertifikatet ble innført."
    ),
    source=SOURCE,
)

EXPIRING = MetricDefinition(
    key="certificate_expiring",
    label=f"Utløper innen {EXPIRY_DAYS} dager",
    unit="personer",
    definition=(
        f"Personer med gyldig sertifikat på valgt dato som ikke lenger har et gyldig sertifikat "
        f"om {EXPIRY_DAYS} dager, med de sertifikatene som var utstedt til og med valgt dato "
        "(nye doser eller prøver kan gi nytt sertifikat). Testattester gjelder bare i 1–3 "
        "dager og utløper derfor alltid."
    ),
    source=SOURCE,
)

RULE_VERSION = MetricDefinition(
    key="certificate_rule_version",
    label="Regelversjon",
    unit="",
    definition=(
        "Hvert sertifikat er beregnet etter regelversjonen for koronasertifikat som gjaldt da "
        "det ble gyldig (gyldighetstid og ventetid leses fra den versjonen). Regelversjonen i "
        "kraft på valgt dato gjelder for nye sertifikater fra den dagen."
    ),
    source="Regelregisteret i Situasjonsbilde (versjonerte regler)",
)

PARAMETER_LABELS = {
    "domestic_use": "Brukes innenlands",
    "vaccinated_delay_days": "Gyldig fra (dager etter dose)",
    "vaccinated_valid_days": "Gyldighet etter vaksinasjon (dager)",
    "booster_valid_days": "Gyldighet etter oppfriskningsdose (dager)",
    "recovered_delay_days": "Gyldig fra (dager etter positiv prøve)",
    "recovered_valid_days": "Gyldighet etter gjennomgått covid-19 (dager)",
    "tested_pcr_valid_hours": "PCR-test gyldig (timer)",
    "tested_antigen_valid_hours": "Hurtigtest gyldig (timer)",
    "tested_issued": "Testattest utstedes",
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
