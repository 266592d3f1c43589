"""Definitions of the vaccination page's numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition, from_registry
from dashboard.i18n import N_

VACCINATION_SOURCE = N_("SYSVAK (Nasjonalt vaksinasjonsregister)")

COVERAGE = from_registry("coverage_all_d1", key="coverage", label=N_("Vaksinasjonsdekning"))
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
UNVACCINATED = from_registry("unvaccinated_65")
OVER_100_NOTE = N_(
    "* Over 100 %: flere vaksinerte enn innbyggere i aldersgruppen per 1. januar (f.eks. etter "
    "flytting). Vist som 100 %; uavrundet verdi ved pekeren."
)
HIDDEN_NOTE = N_(
    "Skjult: tallet bygger på 1–4 personer (eller lar et slikt tall regnes ut) og vises ikke "
    "for din rolle."
)
