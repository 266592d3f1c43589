"""Definitions of the vaccination page's numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition

VACCINATION_SOURCE = "SYSVAK (Nasjonalt vaksinasjonsregister)"

COVERAGE = MetricDefinition(
    key="coverage",
    label="Vaksinasjonsdekning",
    unit="%",
    definition=(
        "Personer med minst dose n / befolkningen, etter aldersgruppe, til og med valgt dato. "
        "Befolkning per 1. januar samme år. Dekning over 100 % (flere vaksinerte enn "
        "innbyggere, f.eks. etter flytting) vises som 100 % med merknad; den uavrundede verdien "
        "beholdes og vises ved pekeren."
    ),
    source=f"{VACCINATION_SOURCE}; befolkning fra SSB",
)
COVERAGE_OVER_TIME = MetricDefinition(
    key="coverage_over_time",
    label="Dekning over tid",
    unit="%",
    definition=(
        "Andel av hele befolkningen og av innbyggere 65 år og eldre med minst dose 1, 2 og 3, "
        "dag for dag til og med valgt dato. Hele kurven regnes mot befolkningen per 1. januar "
        "i året for valgt dato, slik at den ender på samme tall som kortene og tabellen."
    ),
    source=f"{VACCINATION_SOURCE}; befolkning fra SSB",
)
UNVACCINATED = MetricDefinition(
    key="unvaccinated_65",
    label="Uvaksinerte i risikogrupper",
    unit="personer",
    definition=(
        "Innbyggere 65 år og eldre uten registrert dose 1 til og med valgt dato: befolkningen "
        "per 1. januar minus personer med minst dose 1 (ikke under 0)."
    ),
    source=f"{VACCINATION_SOURCE}; befolkning fra SSB",
)
OVER_100_NOTE = (
    "* Over 100 %: flere vaksinerte enn innbyggere i aldersgruppen per 1. januar (f.eks. etter "
    "flytting). Vist som 100 %; uavrundet verdi ved pekeren."
)
HIDDEN_NOTE = (
    "Skjult: tallet bygger på 1–4 personer (eller lar et slikt tall regnes ut) og vises ikke "
    "for din rolle."
)
