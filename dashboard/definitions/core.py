"""Metric definitions shown next to every number (Norwegian bokmål, from DESIGN.md).

Every text here is a source string marked with ``N_`` (module constants are built at import,
before any request has a language): translate it where it is shown, ``_(metric.label)``.
:func:`layouts.common.definition_block` translates label, definition and source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dashboard.i18n import N_, _, ngettext
from data import indicators


@dataclass(frozen=True)
class MetricDefinition:
    key: str
    label: str
    unit: str
    definition: str
    source: str


DEMO_SOURCE = N_("Syntetiske demodata (Situasjonsbilde), ikke ekte personer eller tall")
# What a county's and the nation's value is (the same on every page): beside the source lines
AREA_NOTE = N_(
    "Fylke og «Landet» er FHIs offisielle fylkes- eller landsserie der en slik er importert, "
    "ellers summen av kommunene (de samme tallene på alle sider; siden sier hvilken)."
)
# How small numbers are protected (data/disclosure.py): beside every source line
DISCLOSURE_NOTE = N_(
    "Små tall (1–4) vises som «1–4» for roller uten tilgang til små tall (dagstall 0–4 som "
    "«0–4»). For de samme rollene er de andre antallene justert med noen få (oftest 0 eller ±1, "
    "cellenøkkelmetoden), så et skjult tall ikke kan regnes ut av andre tall; rater og andeler "
    "regnes av de justerte antallene."
)


def published_note() -> str:
    """The source line's note on what the numbers are: counties and the nation as sums of
    the kommuner, and how small numbers are protected (translated)."""
    return f"{_(AREA_NOTE)} {_(DISCLOSURE_NOTE)}"


def from_registry(
    indicator_id: str, *, key: str | None = None, label: str | None = None
) -> MetricDefinition:
    """The screen definition of a registered indicator (:mod:`data.indicators`): label, unit,
    definition and source are the registry's, shown translated (``key`` and ``label`` for a
    section that shows a family of indicators, such as coverage by dose)."""
    indicator = indicators.get(indicator_id)
    return MetricDefinition(
        key=key or indicator.id,
        label=label or indicator.label,
        unit=indicator.unit,
        definition=indicator.definition,
        source=indicator.source,
    )


def label_of(indicator_id: str, *, short: bool = False) -> str:
    """A registered indicator's label, translated: the card's (``short``, its unit printed
    beside the value) or the full one."""
    indicator = indicators.get(indicator_id)
    return _(indicator.card_label if short else indicator.label, **dict(indicator.params))


def unit_of(indicator_id: str) -> str:
    unit = indicators.get(indicator_id).unit
    return _(unit) if unit else ""


def definition_of(indicator_id: str) -> str:
    return _(indicators.get(indicator_id).definition)


def with_view(view: indicators.View) -> list[indicators.Indicator]:
    """The registry entries declared for ``view`` (the map, the overview, the Morgenbrief's
    panel), in registry order: what those pages list, never an indicator by name."""
    return indicators.with_view(view)


# the map's metric list: every registry entry declared for the map (data.indicators.View)
MAP_METRICS: dict[str, MetricDefinition] = {
    i.id: from_registry(i.id) for i in indicators.with_view("map")
}
DEFAULT_MAP_METRIC = "incidence_14d"

WEEK_NOTE = N_("Uke {uke} (mandag–søndag {dato}), siste hele uke til og med valgt dato.")


def period_note(indicator_id: str, date: object) -> str | None:
    """Which week a weekly indicator's values are of on ``date`` (the ISO week ending on or
    before it; translated), None for a daily one."""
    if indicators.get(indicator_id).period != "week" or not isinstance(date, dt.date):
        return None
    period_end = date - dt.timedelta(days=(date.weekday() + 1) % 7)
    monday = period_end - dt.timedelta(days=6)
    return _(
        WEEK_NOTE,
        uke=period_end.isocalendar().week,
        dato=f"{monday.strftime('%d.%m.')}–{period_end.strftime('%d.%m.%Y')}",
    )


TREND = from_registry("trend")
# Source strings: show them with trend_label() (or _(TREND_LABELS[code])).
TREND_LABELS = {
    "rising": N_("↑ Økende"),
    "flat": N_("→ Stabil"),
    "falling": N_("↓ Synkende"),
    None: N_("– For få tilfeller"),
}


def trend_label(code: str | None) -> str:
    """The translated display label of a trend code (unknown codes read as too few cases)."""
    return _(TREND_LABELS.get(code, TREND_LABELS[None]))


DAILY_CASES = MetricDefinition(
    key="daily_cases",
    label=N_("Nye tilfeller per dag"),
    unit=N_("tilfeller"),
    definition=N_(
        "Tilfeller per prøvedato (søyler) med glidende 7-dagers gjennomsnitt (linje). "
        "De siste dagene kan øke når sene prøvesvar kommer inn."
    ),
    source=N_("MSIS-tilfeller etter prøvedato"),
)

CASE_BASIS_LABELS = {
    "test": N_("etter prøvedato"),
    "registration": N_("etter registreringsdato"),
}
CASE_BASIS_NOTES = {
    "test": "",
    "registration": N_(
        "Tilfellene telles etter registreringsdato i MSIS: FHI publiserte ikke tilfeller etter "
        "prøvedato per kommune. Verdier mellom publiseringsdagene er fordelt jevnt over dagene "
        "(fredag–søndag har ofte like tall)."
    ),
}

# The registration-date wording of every case text above (and in dashboard/briefing/) that
# case_basis_text() rewords: listed here so that each reworded sentence is in the catalogue and
# translates as a whole. tests/test_definitions_i18n.py checks the list is complete.
REGISTRATION_WORDINGS = (
    N_(
        "Tilfeller med registreringsdato de siste 14 dagene til og med valgt dato, "
        "per 100 000 innbyggere i kommunen (befolkning 1. januar)."
    ),
    N_(
        "Tilfeller med registreringsdato de siste 7 dagene til og med valgt dato, "
        "per 100 000 innbyggere i kommunen (befolkning 1. januar)."
    ),
    N_("Antall tilfeller med registreringsdato de siste 7 dagene til og med valgt dato."),
    N_("Antall tilfeller med registreringsdato de siste 14 dagene til og med valgt dato."),
    N_("MSIS-tilfeller etter registreringsdato; befolkning fra SSB"),
    N_("MSIS-tilfeller etter registreringsdato"),
    N_("Tilfeller per registreringsdato (søyler) med glidende 7-dagers gjennomsnitt (linje)."),
    N_("Tilfeller med registreringsdato på valgt dato."),
    N_("Tilfeller med registreringsdato de siste 7 dagene til og med valgt dato."),
    N_(
        "Sannsynligheten for at tilfellene vokser: veksttakten fra en log-lineær "
        "Poisson-modell av tilfeller per registreringsdato de siste 14 dagene (med anslag for "
        "dager som ikke er ferdig registrert), der små kommuner trekkes mot fylket og "
        "nabokommunene (empirisk Bayes). Vises ikke under 10 tilfeller siste 14 dager."
    ),
    # the other diseases' weekly cases (data.indicators, the Morgenbrief's respiratory panel)
    N_(
        "Laboratoriebekreftede tilfeller av influensa (A og B) med registreringsdato de "
        "siste 7 dagene til og med valgt dato, per 100 000 innbyggere (befolkning "
        "1. januar)."
    ),
    N_(
        "Laboratoriebekreftede tilfeller av RS-virus med registreringsdato de siste 7 "
        "dagene til og med valgt dato, per 100 000 innbyggere (befolkning "
        "1. januar)."
    ),
    N_(
        "Laboratoriebekreftede tilfeller av det nye, ukjente smittestoffet med "
        "registreringsdato de siste 7 dagene til og med valgt dato, per 100 000 "
        "innbyggere (befolkning 1. januar)."
    ),
    N_("MSIS-tilfeller (laboratoriebekreftet) etter registreringsdato; befolkning fra SSB"),
)


def case_basis_label(basis: str | None) -> str:
    """ "etter prøvedato" or "etter registreringsdato" (translated), for titles and card notes."""
    return _(CASE_BASIS_LABELS.get(basis or "test", CASE_BASIS_LABELS["test"]))


def _reworded(text: str, basis: str | None) -> str:
    if (basis or "test") == "test":
        return text
    return (
        text.replace("med prøvedato", "med registreringsdato")
        .replace("per prøvedato", "per registreringsdato")
        .replace("etter prøvedato", "etter registreringsdato")
        .replace(" De siste dagene kan øke når sene prøvesvar kommer inn.", "")
    )


def case_basis_text(text: str, basis: str | None) -> str:
    """A case definition written for test dates (a bokmål source string), reworded for the
    dataset's date basis and translated into the current language."""
    return _(_reworded(text, basis))


def for_case_basis(metric: MetricDefinition, basis: str | None) -> MetricDefinition:
    """``metric`` with its definition and source for the dataset's case date basis.

    For the test-date basis the metric is returned as it is (source strings, translated where
    shown); for another basis the reworded definition and source come back translated, and
    translating them again where shown leaves them as they are.
    """
    if (basis or "test") == "test":
        return metric
    note = CASE_BASIS_NOTES.get(basis or "", "")
    definition = case_basis_text(metric.definition, basis)
    return MetricDefinition(
        key=metric.key,
        label=metric.label,
        unit=metric.unit,
        definition=f"{definition} {_(note) if note else ''}".strip(),
        source=case_basis_text(metric.source, basis),
    )


MAP_GEOMETRY_NOTE = N_(
    "Kartgrunnlaget er kommunegrensene fra 2020. Data er kodet etter kommunestrukturen fra 2024 "
    "og tegnes gjennom kodeoversettelsen; Ålesund (1508) og Haram (1580) vises som ett område."
)

MAP_STRUCTURE_LABELS = {
    2024: N_("2024-inndeling (357 kommuner)"),
    2020: N_("2020-inndeling (356 kommuner)"),
}


def map_structure_note(
    data_structures: list[int], map_structure: int, changes: dict[str, int]
) -> str:
    """What the map did with the codes: which structure the numbers are coded in, which
    structure the map is drawn in, and how the crosswalk joined them (translated)."""
    other = sorted({s for s in data_structures if s != map_structure})
    if map_structure == 2020:
        return _(MAP_GEOMETRY_NOTE)
    if not other:
        return _("Kartgrunnlaget er kommunegrensene fra 2024, samme inndeling som tallene.")
    changed = changes.get("split", 0) + changes.get("merged", 0)
    return ngettext(
        "Tall kodet etter {fra}-inndelingen er vist på {til}-kart via omkodingstabell "
        "({n} kommune slått sammen/delt; {nytt} fikk nytt nummer). Ålesund 1507 er delt likt "
        "mellom Ålesund 1508 og Haram 1580.",
        "Tall kodet etter {fra}-inndelingen er vist på {til}-kart via omkodingstabell "
        "({n} kommuner slått sammen/delt; {nytt} fikk nytt nummer). Ålesund 1507 er delt likt "
        "mellom Ålesund 1508 og Haram 1580.",
        changed,
        fra=other[0],
        til=map_structure,
        n=changed,
        nytt=changes.get("renumbered", 0),
    )


# Short names of imported sources for the header, by import kind (prefix).
SOURCE_SHORT_NAMES: tuple[tuple[str, str], ...] = (
    ("covidnor", N_("FHI covidnor")),
    ("sysvak", N_("FHI SYSVAK")),
    ("msis", N_("FHI MSIS")),
    ("ssb_population", N_("SSB 07459")),
    ("boundaries", N_("Kartverket")),
    ("oxcgrt", N_("OxCGRT")),
    ("crosswalk", N_("SSB kodeendringer")),
    ("location_names", N_("SSB kodeendringer")),
)


def source_short_name(kind: str, source: str) -> str:
    """The translated short name of an imported source (the recorded name when unknown)."""
    for prefix, name in SOURCE_SHORT_NAMES:
        if str(kind).startswith(prefix):
            return _(name)
    return str(source or kind)


__all__ = [
    "AREA_NOTE",
    "CASE_BASIS_LABELS",
    "DAILY_CASES",
    "DEFAULT_MAP_METRIC",
    "DEMO_SOURCE",
    "DISCLOSURE_NOTE",
    "MAP_GEOMETRY_NOTE",
    "MAP_METRICS",
    "MAP_STRUCTURE_LABELS",
    "REGISTRATION_WORDINGS",
    "SOURCE_SHORT_NAMES",
    "TREND",
    "TREND_LABELS",
    "MetricDefinition",
    "case_basis_label",
    "case_basis_text",
    "definition_of",
    "for_case_basis",
    "from_registry",
    "label_of",
    "map_structure_note",
    "period_note",
    "published_note",
    "source_short_name",
    "trend_label",
    "unit_of",
    "with_view",
]
