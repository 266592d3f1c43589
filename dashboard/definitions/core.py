"""Metric definitions shown next to every number (Norwegian bokmål, from DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricDefinition:
    key: str
    label: str
    unit: str
    definition: str
    source: str


DEMO_SOURCE = "Syntetiske demodata (Situasjonsbilde), ikke ekte personer eller tall"

MAP_METRICS: dict[str, MetricDefinition] = {
    m.key: m
    for m in (
        MetricDefinition(
            key="incidence_14d",
            label="14-dagers insidens per 100 000",
            unit="per 100 000",
            definition=(
                "Tilfeller med prøvedato de siste 14 dagene til og med valgt dato, "
                "per 100 000 innbyggere i kommunen (befolkning 1. januar)."
            ),
            source="MSIS-tilfeller etter prøvedato; befolkning fra SSB",
        ),
        MetricDefinition(
            key="incidence_7d",
            label="7-dagers insidens per 100 000",
            unit="per 100 000",
            definition=(
                "Tilfeller med prøvedato de siste 7 dagene til og med valgt dato, "
                "per 100 000 innbyggere i kommunen (befolkning 1. januar)."
            ),
            source="MSIS-tilfeller etter prøvedato; befolkning fra SSB",
        ),
        MetricDefinition(
            key="cases_7d",
            label="Tilfeller siste 7 dager",
            unit="tilfeller",
            definition="Antall tilfeller med prøvedato de siste 7 dagene til og med valgt dato.",
            source="MSIS-tilfeller etter prøvedato",
        ),
        MetricDefinition(
            key="cases_14d",
            label="Tilfeller siste 14 dager",
            unit="tilfeller",
            definition="Antall tilfeller med prøvedato de siste 14 dagene til og med valgt dato.",
            source="MSIS-tilfeller etter prøvedato",
        ),
    )
}
DEFAULT_MAP_METRIC = "incidence_14d"

TREND = MetricDefinition(
    key="trend",
    label="Trend",
    unit="",
    definition=(
        "Siste 7 dager mot de 7 dagene før: økende ved minst +15 % og minst 7 tilfeller siste "
        "7 dager, synkende ved −15 % eller mer med samme volumkrav, ellers stabil. Beregnes ikke "
        "under 7 tilfeller."
    ),
    source="MSIS-tilfeller etter prøvedato",
)
TREND_LABELS = {
    "rising": "↑ Økende",
    "flat": "→ Stabil",
    "falling": "↓ Synkende",
    None: "– For få tilfeller",
}

DAILY_CASES = MetricDefinition(
    key="daily_cases",
    label="Nye tilfeller per dag",
    unit="tilfeller",
    definition=(
        "Tilfeller per prøvedato (søyler) med glidende 7-dagers gjennomsnitt (linje). "
        "De siste dagene kan øke når sene prøvesvar kommer inn."
    ),
    source="MSIS-tilfeller etter prøvedato",
)

MAP_GEOMETRY_NOTE = (
    "Kartgrunnlaget er kommunegrensene fra 2020. Data er kodet etter kommunestrukturen fra 2024 "
    "og tegnes gjennom kodeoversettelsen; Ålesund (1508) og Haram (1580) vises som ett område."
)

__all__ = [
    "DAILY_CASES",
    "DEFAULT_MAP_METRIC",
    "DEMO_SOURCE",
    "MAP_GEOMETRY_NOTE",
    "MAP_METRICS",
    "TREND",
    "TREND_LABELS",
    "MetricDefinition",
]
