"""Definitions of the vaccination page's numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import from_registry
from dashboard.definitions.metrics import metric
from dashboard.i18n import N_

COVERAGE_OVER_TIME = metric("coverage_over_time")

VACCINATION_SOURCE = N_("SYSVAK (Nasjonalt vaksinasjonsregister)")

COVERAGE = from_registry("coverage_all_d1", key="coverage", label=N_("Vaksinasjonsdekning"))
UNVACCINATED = from_registry("unvaccinated_65")
OVER_100_NOTE = N_(
    "* Over 100 %: flere vaksinerte enn innbyggere i aldersgruppen per 1. januar (f.eks. etter "
    "flytting). Vist som 100 %; uavrundet verdi ved pekeren."
)
HIDDEN_NOTE = N_(
    "Skjult: tallet bygger på 1–4 personer (eller lar et slikt tall regnes ut) og vises ikke "
    "for din rolle."
)
