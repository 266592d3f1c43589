"""Definitions of the Kommuneoversikt, Krisemøte and Ukerapport numbers (Norwegian bokmål).

``OVERVIEW_COLUMNS`` is the one list the table, the map, the CSV/Excel export and the
documentation are built from. A new column (e.g. the signals of issue 6) is one entry here
plus its value in :func:`dashboard.metrics.overview.overview_metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.definitions.core import MetricDefinition


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


CASES = "MSIS-tilfeller etter prøvedato"
POP = "befolkning 1. januar fra SSB"
TESTS = "MSIS laboratoriedatabase (testhendelser)"
SYSVAK = "SYSVAK (personer med minst dose n)"

OVERVIEW_COLUMNS: tuple[Column, ...] = (
    Column("name", "Kommune", "text", "Kommunenavn (kommunestruktur 2024). Klikk for å åpne."),
    Column("kommunenummer", "Nr.", "text", "Kommunenummer."),
    Column("fylkesnavn", "Fylke", "text", "Fylket kommunen hører til."),
    Column("size_class", "Størrelse", "text", "Sammenligningsgruppe etter antall innbyggere."),
    Column("population", "Innbyggere", "count", "Innbyggere 1. januar.", POP, mappable=True),
    Column(
        "trend",
        "Trend",
        "text",
        "Siste 7 dager mot de 7 før: ±15 % og minst 7 tilfeller siste 7 dager.",
        CASES,
    ),
    Column(
        "spark", "Uker", "text", "Tilfeller per uke de siste 8 ukene (eldst til venstre).", CASES
    ),
    Column(
        "cases_7d",
        "Tilfeller 7 d",
        "count",
        "Tilfeller med prøvedato siste 7 dager.",
        CASES,
        mappable=True,
    ),
    Column(
        "incidence_7d",
        "Insidens 7 d",
        "rate",
        "Tilfeller siste 7 dager per 100 000 innbyggere (rå rate).",
        f"{CASES}; {POP}",
        1,
        mappable=True,
        numerator="cases_7d",
        denominator="population",
        scale=100_000,
    ),
    Column(
        "incidence_7d_low",
        "95 % KI fra",
        "rate",
        "Nedre grense for 95 % eksakt Poisson-intervall (Garwood) for 7-dagers insidens.",
        f"{CASES}; {POP}",
        1,
    ),
    Column(
        "incidence_7d_high",
        "95 % KI til",
        "rate",
        "Øvre grense for 95 % eksakt Poisson-intervall (Garwood) for 7-dagers insidens.",
        f"{CASES}; {POP}",
        1,
    ),
    Column(
        "incidence_7d_smoothed",
        "Glattet insidens 7 d",
        "rate",
        "Empirisk Bayes-glattet 7-dagers insidens (Poisson–gamma): små kommuner trekkes mot "
        "fellesnivået etter hvor lite tallene deres sier. Rangeringen bruker denne.",
        f"{CASES}; {POP}",
        1,
        mappable=True,
    ),
    Column(
        "rank",
        "Rang",
        "rank",
        "Rang etter glattet insidens (1 = høyest) blant kommunene i tabellen.",
    ),
    Column(
        "rank_in_class",
        "Rang i gruppe",
        "rank",
        "Rang etter glattet insidens innen størrelsesgruppen.",
    ),
    Column(
        "versus_all",
        "Mot fellesnivå",
        "text",
        "«over»/«under» når hele 95 %-intervallet ligger over/under fellesnivået, "
        "ellers «usikker».",
    ),
    Column(
        "incidence_14d",
        "Insidens 14 d",
        "rate",
        "Tilfeller siste 14 dager per 100 000 innbyggere.",
        f"{CASES}; {POP}",
        1,
        mappable=True,
        numerator="cases_14d",
        denominator="population",
        scale=100_000,
    ),
    Column(
        "positivity_7d",
        "Positivandel %",
        "share",
        "Positive testhendelser / alle testhendelser siste 7 dager.",
        TESTS,
        1,
        mappable=True,
        numerator="positive_7d",
        denominator="tests_7d",
        scale=100,
    ),
    Column("tests_7d", "Testhendelser 7 d", "count", "Testhendelser siste 7 dager.", TESTS),
    Column(
        "coverage_d2",
        "Dose 2 %",
        "share",
        "Personer med minst 2 doser / innbyggere (vist høyst 100 %).",
        f"{SYSVAK}; {POP}",
        1,
        mappable=True,
        numerator="vaccinated_d2",
        denominator="population",
        scale=100,
    ),
    Column(
        "coverage_d3",
        "Dose 3 %",
        "share",
        "Personer med minst 3 doser / innbyggere (vist høyst 100 %).",
        f"{SYSVAK}; {POP}",
        1,
        mappable=True,
        numerator="vaccinated_d3",
        denominator="population",
        scale=100,
    ),
    Column(
        "cert_share",
        "Sertifikat %",
        "share",
        "Innbyggere med gyldig koronasertifikat på datoen / innbyggere.",
        "Koronasertifikater (avledet etter gjeldende regelversjon)",
        1,
        mappable=True,
        numerator="cert_valid",
        denominator="population",
        scale=100,
    ),
    Column(
        "arrivals_14d",
        "Ankomster 14 d",
        "count",
        "Registrerte innreisende med oppholdskommune her, ankomst siste 14 dager.",
        "Innreiseregisteret",
        mappable=True,
    ),
    Column(
        "active_clusters",
        "Aktive klynger",
        "count",
        "Klynger med tilfelle i kommunen og siste tilfelle høyst 14 dager gammelt.",
        "Klyngeregisteret (aggregert)",
        mappable=True,
    ),
    Column(
        "signals",
        "Signaler",
        "count",
        "Signaler (tilfeller, sykehusinnleggelser) i siste hele ISO-uke: ukens antall over "
        "terskelen fra Farrington-metoden (Noufaily mfl. 2013).",
        "Signalberegningen i Situasjonsbilde (MSIS-tilfeller, innleggelser)",
        mappable=True,
    ),
)
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

RANKING_METHOD = (
    "Rangering som er rettferdig mot små kommuner: kommunene rangeres etter empirisk "
    "Bayes-glattet 7-dagers insidens (Poisson–gamma-modell, forhåndsfordeling tilpasset "
    "kommunene i tabellen med Marshalls momentmetode). En kommune med 200 innbyggere og tre "
    "tilfeller trekkes mye mot fellesnivået, en stor kommune nesten ikke. Ved lik glattet "
    "verdi avgjør nedre grense i 95 %-intervallet. Intervallene er eksakte Poisson-intervaller "
    "(Garwood). Skjermede tall (1–4) gir ingen rate og ingen rang."
)

OVERVIEW = MetricDefinition(
    key="overview",
    label="Kommuneoversikt",
    unit="",
    definition=RANKING_METHOD,
    source=f"{CASES}; {TESTS}; {SYSVAK}; {POP}",
)

SIZE_CLASS_NOTE = (
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
    "SIZE_CLASS_NOTE",
    "Column",
]
