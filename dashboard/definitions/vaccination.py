"""Definitions of the vaccination page's numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition
from dashboard.i18n import N_

VACCINATION_SOURCE = N_("SYSVAK (Nasjonalt vaksinasjonsregister)")

COVERAGE = MetricDefinition(
    key="coverage",
    label=N_("Vaksinasjonsdekning"),
    unit="%",
    definition=N_(
        "Personer med minst dose n / befolkningen, etter aldersgruppe, til og med valgt dato. "
        "Befolkning per 1. januar samme år. Dekning over 100 % (flere vaksinerte enn "
        "innbyggere, f.eks. etter flytting) vises som 100 % med merknad; den uavrundede verdien "
        "beholdes og vises ved pekeren."
    ),
    source=N_("SYSVAK (Nasjonalt vaksinasjonsregister); befolkning fra SSB"),
)
COVERAGE_OVER_TIME = MetricDefinition(
    key="coverage_over_time",
    label=N_("Dekning over tid"),
    unit="%",
    definition=N_(
        "Andel av hele befolkningen og av innbyggere 65 år og eldre med minst dose 1, 2 og 3, "
        "dag for dag til og med valgt dato. Hele kurven regnes mot befolkningen per 1. januar "
        "i året for valgt dato, slik at den ender på samme tall som kortene og tabellen."
    ),
    source=N_("SYSVAK (Nasjonalt vaksinasjonsregister); befolkning fra SSB"),
)
UNVACCINATED = MetricDefinition(
    key="unvaccinated_65",
    label=N_("Uvaksinerte i risikogrupper"),
    unit="personer",
    definition=N_(
        "Innbyggere 65 år og eldre uten registrert dose 1 til og med valgt dato: befolkningen "
        "per 1. januar minus personer med minst dose 1 (ikke under 0)."
    ),
    source=N_("SYSVAK (Nasjonalt vaksinasjonsregister); befolkning fra SSB"),
)
OVER_100_NOTE = N_(
    "* Over 100 %: flere vaksinerte enn innbyggere i aldersgruppen per 1. januar (f.eks. etter "
    "flytting). Vist som 100 %; uavrundet verdi ved pekeren."
)
HIDDEN_NOTE = N_(
    "Skjult: tallet bygger på 1–4 personer (eller lar et slikt tall regnes ut) og vises ikke "
    "for din rolle."
)
