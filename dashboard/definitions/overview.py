"""Definitions of the Kommuneoversikt, Krisemøte and Ukerapport numbers (Norwegian bokmål).

``OVERVIEW_COLUMNS`` is the one list the table, the map, the CSV/Excel export and the
documentation are built from. A new column (e.g. the signals of issue 6) is one entry here
plus its value in :func:`dashboard.metrics.overview.overview_metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.definitions.core import MetricDefinition, with_view
from dashboard.i18n import N_


@dataclass(frozen=True)
class Column:
    """One column of the overview. ``kind``: text | count | rate | share | rank.

    ``count_of`` names the counts a rate or share is built on (withheld → withheld);
    ``mappable`` columns can be drawn on the map; ``numerator``/``denominator``/``scale``
    let the map add kommuner that share a polygon before taking the rate.
    """

    key: str
    label: str
    kind: str
    definition: str
    source: str = "Situasjonsbilde"
    decimals: int = 0
    mappable: bool = False
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0
    # a registry indicator declared for the overview (its values: data.views.area_values)
    registered: bool = False

    @property
    def by_test_date(self) -> bool:
        """Whether the column counts cases by test date (or ranks on such a count), so that
        its last days may not be complete on the data date (:mod:`data.queries.completeness`)."""
        return self.source in (CASES, CASES_POP) or self.kind == "rank" or self.key == "versus_all"


# Sources (N_-marked: translated where shown, e.g. definition_block and the export sheet)
CASES = N_("MSIS-tilfeller etter prøvedato")
POP = N_("befolkning 1. januar fra SSB")
TESTS = N_("MSIS laboratoriedatabase (testhendelser)")
CASES_POP = N_("MSIS-tilfeller etter prøvedato; befolkning 1. januar fra SSB")
SYSVAK_POP = N_("SYSVAK (personer med minst dose n); befolkning 1. januar fra SSB")
ALL_SOURCES = N_(
    "MSIS-tilfeller etter prøvedato; MSIS laboratoriedatabase (testhendelser); SYSVAK "
    "(personer med minst dose n); befolkning 1. januar fra SSB"
)

OVERVIEW_COLUMNS: tuple[Column, ...] = (
    Column(
        "name", N_("Kommune"), "text", N_("Kommunenavn (kommunestruktur 2024). Klikk for å åpne.")
    ),
    Column("kommunenummer", N_("Nr."), "text", N_("Kommunenummer.")),
    Column("fylkesnavn", N_("Fylke"), "text", N_("Fylket kommunen hører til.")),
    Column(
        "size_class", N_("Størrelse"), "text", N_("Sammenligningsgruppe etter antall innbyggere.")
    ),
    Column(
        "population", N_("Innbyggere"), "count", N_("Innbyggere 1. januar."), POP, mappable=True
    ),
    Column(
        "trend",
        N_("Trend"),
        "text",
        N_("Siste 7 dager mot de 7 før: ±15 % og minst 7 tilfeller siste 7 dager."),
        CASES,
    ),
    Column(
        "spark",
        N_("Uker"),
        "text",
        N_("Tilfeller per uke de siste 8 ukene (eldst til venstre)."),
        CASES,
    ),
    Column(
        "cases_7d",
        N_("Tilfeller 7 d"),
        "count",
        N_("Tilfeller med prøvedato siste 7 dager."),
        CASES,
        mappable=True,
    ),
    Column(
        "incidence_7d",
        N_("Insidens 7 d"),
        "rate",
        N_("Tilfeller siste 7 dager per 100 000 innbyggere (rå rate)."),
        CASES_POP,
        1,
        mappable=True,
        numerator="cases_7d",
        denominator="population",
        scale=100_000,
    ),
    Column(
        "incidence_7d_low",
        N_("95 % KI fra"),
        "rate",
        N_("Nedre grense for 95 % eksakt Poisson-intervall (Garwood) for 7-dagers insidens."),
        CASES_POP,
        1,
    ),
    Column(
        "incidence_7d_high",
        N_("95 % KI til"),
        "rate",
        N_("Øvre grense for 95 % eksakt Poisson-intervall (Garwood) for 7-dagers insidens."),
        CASES_POP,
        1,
    ),
    Column(
        "incidence_7d_smoothed",
        N_("Glattet insidens 7 d"),
        "rate",
        N_(
            "Empirisk Bayes-glattet 7-dagers insidens (Poisson–gamma): små kommuner trekkes mot "
            "fellesnivået etter hvor lite tallene deres sier. Rangeringen bruker denne."
        ),
        CASES_POP,
        1,
        mappable=True,
    ),
    Column(
        "rank",
        N_("Rang"),
        "rank",
        N_(
            "Rang etter glattet insidens (1 = høyest) blant kommunene i tabellen; lik verdi gir "
            "delt plass, kommuner uten tilfeller kommer sist."
        ),
    ),
    Column(
        "rank_in_class",
        N_("Rang i gruppe"),
        "rank",
        N_("Rang etter glattet insidens innen størrelsesgruppen."),
    ),
    Column(
        "versus_all",
        N_("Mot fellesnivå"),
        "text",
        N_(
            "«over»/«under» når hele 95 %-intervallet ligger over/under fellesnivået, "
            "ellers «usikker»."
        ),
    ),
    Column(
        "incidence_14d",
        N_("Insidens 14 d"),
        "rate",
        N_("Tilfeller siste 14 dager per 100 000 innbyggere."),
        CASES_POP,
        1,
        mappable=True,
        numerator="cases_14d",
        denominator="population",
        scale=100_000,
    ),
    Column(
        "positivity_7d",
        N_("Positivandel %"),
        "share",
        N_("Positive testhendelser / alle testhendelser siste 7 dager."),
        TESTS,
        1,
        mappable=True,
        numerator="positive_7d",
        denominator="tests_7d",
        scale=100,
    ),
    Column("tests_7d", N_("Testhendelser 7 d"), "count", N_("Testhendelser siste 7 dager."), TESTS),
    Column(
        "coverage_d2",
        N_("Dose 2 %"),
        "share",
        N_("Personer med minst 2 doser / innbyggere (vist høyst 100 %)."),
        SYSVAK_POP,
        1,
        mappable=True,
        numerator="vaccinated_d2",
        denominator="population",
        scale=100,
    ),
    Column(
        "coverage_d3",
        N_("Dose 3 %"),
        "share",
        N_("Personer med minst 3 doser / innbyggere (vist høyst 100 %)."),
        SYSVAK_POP,
        1,
        mappable=True,
        numerator="vaccinated_d3",
        denominator="population",
        scale=100,
    ),
    Column(
        "cert_share",
        N_("Sertifikat %"),
        "share",
        N_("Innbyggere med gyldig koronasertifikat på datoen / innbyggere."),
        N_("Koronasertifikater (avledet etter gjeldende regelversjon)"),
        1,
        mappable=True,
        numerator="cert_valid",
        denominator="population",
        scale=100,
    ),
    Column(
        "arrivals_14d",
        N_("Ankomster 14 d"),
        "count",
        N_("Registrerte innreisende med oppholdskommune her, ankomst siste 14 dager."),
        N_("Innreiseregisteret"),
        mappable=True,
    ),
    Column(
        "active_clusters",
        N_("Aktive klynger"),
        "count",
        N_("Klynger med tilfelle i kommunen og siste tilfelle høyst 14 dager gammelt."),
        N_("Klyngeregisteret (aggregert)"),
        mappable=True,
    ),
    Column(
        "signals",
        N_("Signaler"),
        "count",
        N_(
            "Signaler (tilfeller, sykehusinnleggelser) i siste hele ISO-uke: ukens antall over "
            "terskelen fra Farrington-metoden (Noufaily mfl. 2013)."
        ),
        N_("Signalberegningen i Situasjonsbilde (MSIS-tilfeller, innleggelser)"),
        mappable=True,
    ),
)
# the overview's own columns above; then every registry indicator declared for the overview
# (data.indicators.View "overview"): label, definition and source from the registry
REGISTRY_COLUMNS: tuple[Column, ...] = tuple(
    Column(
        i.id,
        i.card_label,
        i.kind if i.kind in ("count", "rate", "share") else "rate",
        i.definition,
        i.source,
        i.decimals,
        mappable=True,
        numerator=i.numerator,
        denominator=i.denominator,
        scale=float(i.per),
        registered=True,
    )
    for i in with_view("overview")
)
OVERVIEW_COLUMNS = (*OVERVIEW_COLUMNS, *REGISTRY_COLUMNS)
COLUMNS_BY_KEY = {c.key: c for c in OVERVIEW_COLUMNS}
# counts that the export writes beside the rates (withheld small numbers as "1–4")
EXPORT_COUNTS: tuple[str, ...] = (
    "cases_7d",
    "cases_prev_7d",
    "cases_14d",
    "tests_7d",
    "positive_7d",
    "vaccinated_d2",
    "vaccinated_d3",
    "cert_valid",
    "arrivals_14d",
    "active_clusters",
)
DEFAULT_MAP_COLUMN = "incidence_7d_smoothed"
# display labels of the ``versus_all`` codes (the export keeps the codes)
VERSUS_LABELS = {"over": N_("over"), "under": N_("under"), "usikker": N_("usikker")}
# units of the map colour bar by column kind
UNITS = {"rate": N_("per 100 000"), "share": "%"}

RANKING_METHOD = N_(
    "Rangering som er rettferdig mot små kommuner: kommunene rangeres etter empirisk "
    "Bayes-glattet 7-dagers insidens (Poisson–gamma-modell, forhåndsfordeling tilpasset "
    "kommunene i tabellen med Marshalls momentmetode). En kommune med 200 innbyggere og tre "
    "tilfeller trekkes mye mot fellesnivået, en stor kommune nesten ikke. Fellesnivået er "
    "insidensen for hele området tabellen dekker (landet, eller fylkene), regnet av totalene "
    "som også tar med tilfellene som vises som 1–4. Forhåndsfordelingen teller aldri mer enn "
    "100 tilfeller, så tallene rangerer også når de fleste kommunene har null. Lik glattet "
    "verdi (med én desimal) gir delt plass; kommuner uten tilfeller rangeres samlet etter alle "
    "med tilfeller. Intervallene er eksakte Poisson-intervaller (Garwood), og «over»/«under» "
    "brukes bare når hele intervallet ligger over/under fellesnivået. Skjermede tall (1–4) gir "
    "ingen rate og ingen rang."
)

OVERVIEW = MetricDefinition(
    key="overview",
    label=N_("Kommuneoversikt"),
    unit="",
    definition=RANKING_METHOD,
    source=ALL_SOURCES,
)

SIZE_CLASS_NOTE = N_(
    "Størrelsesgrupper (sammenligningsgrupper): under 2 000, 2 000–4 999, 5 000–19 999, "
    "20 000–49 999 og 50 000 innbyggere og over."
)

__all__ = [
    "COLUMNS_BY_KEY",
    "DEFAULT_MAP_COLUMN",
    "EXPORT_COUNTS",
    "OVERVIEW",
    "OVERVIEW_COLUMNS",
    "RANKING_METHOD",
    "REGISTRY_COLUMNS",
    "SIZE_CLASS_NOTE",
    "UNITS",
    "VERSUS_LABELS",
    "Column",
]
