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

CASE_BASIS_LABELS = {"test": "etter prøvedato", "registration": "etter registreringsdato"}
CASE_BASIS_NOTES = {
    "test": "",
    "registration": (
        "Tilfellene telles etter registreringsdato i MSIS: FHI publiserte ikke tilfeller etter "
        "prøvedato per kommune. Verdier mellom publiseringsdagene er fordelt jevnt over dagene "
        "(fredag–søndag har ofte like tall)."
    ),
}


def case_basis_label(basis: str | None) -> str:
    """ "etter prøvedato" or "etter registreringsdato", for titles and card notes."""
    return CASE_BASIS_LABELS.get(basis or "test", CASE_BASIS_LABELS["test"])


def case_basis_text(text: str, basis: str | None) -> str:
    """A case definition written for test dates, reworded for the dataset's date basis."""
    if (basis or "test") == "test":
        return text
    return (
        text.replace("med prøvedato", "med registreringsdato")
        .replace("per prøvedato", "per registreringsdato")
        .replace("etter prøvedato", "etter registreringsdato")
        .replace(" De siste dagene kan øke når sene prøvesvar kommer inn.", "")
    )


def for_case_basis(metric: MetricDefinition, basis: str | None) -> MetricDefinition:
    """``metric`` with its definition and source for the dataset's case date basis."""
    if (basis or "test") == "test":
        return metric
    note = CASE_BASIS_NOTES.get(basis or "", "")
    definition = case_basis_text(metric.definition, basis)
    return MetricDefinition(
        key=metric.key,
        label=metric.label,
        unit=metric.unit,
        definition=f"{definition} {note}".strip(),
        source=case_basis_text(metric.source, basis),
    )


MAP_GEOMETRY_NOTE = (
    "Kartgrunnlaget er kommunegrensene fra 2020. Data er kodet etter kommunestrukturen fra 2024 "
    "og tegnes gjennom kodeoversettelsen; Ålesund (1508) og Haram (1580) vises som ett område."
)

MAP_STRUCTURE_LABELS = {
    2024: "2024-inndeling (357 kommuner)",
    2020: "2020-inndeling (356 kommuner)",
}


def map_structure_note(
    data_structures: list[int], map_structure: int, changes: dict[str, int]
) -> str:
    """What the map did with the codes: which structure the numbers are coded in, which
    structure the map is drawn in, and how the crosswalk joined them."""
    other = sorted({s for s in data_structures if s != map_structure})
    if map_structure == 2020:
        return MAP_GEOMETRY_NOTE
    if not other:
        return "Kartgrunnlaget er kommunegrensene fra 2024, samme inndeling som tallene."
    changed = changes.get("split", 0) + changes.get("merged", 0)
    kommuner = "kommune" if changed == 1 else "kommuner"
    return (
        f"Tall kodet etter {other[0]}-inndelingen er vist på {map_structure}-kart via "
        f"omkodingstabell ({changed} {kommuner} slått sammen/delt; "
        f"{changes.get('renumbered', 0)} fikk nytt nummer). Ålesund 1507 er delt likt mellom "
        "Ålesund 1508 og Haram 1580."
    )


# Short names of imported sources for the header, by import kind (prefix).
SOURCE_SHORT_NAMES: tuple[tuple[str, str], ...] = (
    ("covidnor", "FHI covidnor"),
    ("sysvak", "FHI SYSVAK"),
    ("msis", "FHI MSIS"),
    ("ssb_population", "SSB 07459"),
    ("boundaries", "Kartverket"),
    ("oxcgrt", "OxCGRT"),
    ("crosswalk", "SSB kodeendringer"),
    ("location_names", "SSB kodeendringer"),
)


def source_short_name(kind: str, source: str) -> str:
    for prefix, name in SOURCE_SHORT_NAMES:
        if str(kind).startswith(prefix):
            return name
    return str(source or kind)


__all__ = [
    "CASE_BASIS_LABELS",
    "DAILY_CASES",
    "DEFAULT_MAP_METRIC",
    "DEMO_SOURCE",
    "MAP_GEOMETRY_NOTE",
    "MAP_METRICS",
    "MAP_STRUCTURE_LABELS",
    "SOURCE_SHORT_NAMES",
    "TREND",
    "TREND_LABELS",
    "MetricDefinition",
    "case_basis_label",
    "case_basis_text",
    "for_case_basis",
    "map_structure_note",
    "source_short_name",
]
