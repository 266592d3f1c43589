"""The indicator registry: every published number declared once.

An indicator says what it counts (numerator, and denominator for a rate or share), over which
window and time basis, for which strata and geography levels, from which source, and how it is
protected: only counts are ever small numbers (hidden as "1–4"); a rate or share built on a
hidden count is hidden too ("skjult"), and is always computed from the count as published to
the reader (:mod:`data.published`), never from the true one.

The texts are bokmål source strings (English through the translation layer,
``dashboard/locale``); the screens, exports, the PDF and the API (``/api/v1/indicators``) take
label, unit, definition and source from here.

To declare a new indicator: add an :class:`Indicator` to :data:`INDICATORS` with a stable
machine ``id``; if it is a count the published layer must hold its cells (a column of
:data:`data.key_figures.PUBLISHED`, or a count perturbed on reading with
:func:`data.protection.protect`); a rate or share names the count it is built on in
``numerator``. ``tests/test_indicators.py`` checks that every count has published cells and
every rate a published numerator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "rate", "share", "concentration", "index"]
Level = Literal["kommune", "fylke", "nation"]
LEVELS: tuple[Level, ...] = ("kommune", "fylke", "nation")


def N_(text: str) -> str:  # the translation marker babel extracts
    return text


@dataclass(frozen=True)
class Indicator:
    id: str
    kind: Kind
    label: str
    unit: str
    definition: str
    source: str
    numerator: str  # the count (indicator id or published column) it is built on
    denominator: str | None = None  # "population", "population_65", or a count
    window_days: int = 1
    time_basis: str = "test"  # test | registration | vaccination | admission | arrival
    per: int = 1
    disease: str = "covid-19"
    strata: tuple[str, ...] = ()
    levels: tuple[Level, ...] = LEVELS
    decimals: int = 0

    @property
    def is_count(self) -> bool:
        return self.kind == "count"

    def as_dict(self) -> dict[str, object]:
        """The machine description (API): stable names, untranslated codes."""
        return {
            "id": self.id,
            "kind": self.kind,
            "unit": self.unit,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "per": self.per,
            "window_days": self.window_days,
            "time_basis": self.time_basis,
            "disease": self.disease,
            "strata": list(self.strata),
            "levels": list(self.levels),
            "decimals": self.decimals,
        }


CASES_SOURCE = N_("MSIS-tilfeller etter prøvedato")
CASES_POP_SOURCE = N_("MSIS-tilfeller etter prøvedato; befolkning fra SSB")
TESTS_SOURCE = N_("Laboratoriedatabasen (testhendelser)")
HOSPITAL_SOURCE = N_("Norsk pasientregister / beredskapsregisteret (innleggelser)")

INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in (
        Indicator(
            id="cases",
            kind="count",
            label=N_("Nye tilfeller siste døgn"),
            unit=N_("tilfeller"),
            definition=N_("Tilfeller med prøvedato på valgt dato."),
            source=CASES_SOURCE,
            numerator="cases",
        ),
        Indicator(
            id="cases_7d",
            kind="count",
            label=N_("Tilfeller siste 7 dager"),
            unit=N_("tilfeller"),
            definition=N_(
                "Antall tilfeller med prøvedato de siste 7 dagene til og med valgt dato."
            ),
            source=CASES_SOURCE,
            numerator="cases_7d",
            window_days=7,
        ),
        Indicator(
            id="cases_prev_7d",
            kind="count",
            label=N_("Tilfeller 7 dager før"),
            unit=N_("tilfeller"),
            definition=N_("Tilfeller med prøvedato dag 8–14 før valgt dato (for trenden)."),
            source=CASES_SOURCE,
            numerator="cases_prev_7d",
            window_days=7,
        ),
        Indicator(
            id="cases_14d",
            kind="count",
            label=N_("Tilfeller siste 14 dager"),
            unit=N_("tilfeller"),
            definition=N_(
                "Antall tilfeller med prøvedato de siste 14 dagene til og med valgt dato."
            ),
            source=CASES_SOURCE,
            numerator="cases_14d",
            window_days=14,
        ),
        Indicator(
            id="incidence_7d",
            kind="rate",
            label=N_("7-dagers insidens per 100 000"),
            unit=N_("per 100 000"),
            definition=N_(
                "Tilfeller med prøvedato de siste 7 dagene til og med valgt dato, "
                "per 100 000 innbyggere i kommunen (befolkning 1. januar)."
            ),
            source=CASES_POP_SOURCE,
            numerator="cases_7d",
            denominator="population",
            per=100_000,
            window_days=7,
            decimals=1,
        ),
        Indicator(
            id="incidence_14d",
            kind="rate",
            label=N_("14-dagers insidens per 100 000"),
            unit=N_("per 100 000"),
            definition=N_(
                "Tilfeller med prøvedato de siste 14 dagene til og med valgt dato, "
                "per 100 000 innbyggere i kommunen (befolkning 1. januar)."
            ),
            source=CASES_POP_SOURCE,
            numerator="cases_14d",
            denominator="population",
            per=100_000,
            window_days=14,
            decimals=1,
        ),
        Indicator(
            id="tests_7d",
            kind="count",
            label=N_("Testhendelser siste 7 dager"),
            unit=N_("testhendelser"),
            definition=N_(
                "Testhendelser (en persons tester innen 7 dager = én hendelse) med prøvedato de "
                "siste 7 dagene."
            ),
            source=TESTS_SOURCE,
            numerator="tests_7d",
            window_days=7,
        ),
        Indicator(
            id="positive_7d",
            kind="count",
            label=N_("Positive testhendelser siste 7 dager"),
            unit=N_("testhendelser"),
            definition=N_("Positive testhendelser med prøvedato de siste 7 dagene."),
            source=TESTS_SOURCE,
            numerator="positive_7d",
            window_days=7,
        ),
        Indicator(
            id="positivity_7d",
            kind="share",
            label=N_("Andel positive tester (7 dager)"),
            unit="%",
            definition=N_("Positive testhendelser / alle testhendelser siste 7 dager."),
            source=TESTS_SOURCE,
            numerator="positive_7d",
            denominator="tests_7d",
            per=100,
            window_days=7,
            decimals=1,
        ),
        Indicator(
            id="admissions_7d",
            kind="count",
            label=N_("Nye sykehusinnleggelser (7 dager)"),
            unit=N_("innleggelser"),
            definition=N_("Innleggelser av innbyggere i kommunen de siste 7 dagene."),
            source=HOSPITAL_SOURCE,
            numerator="admissions_7d",
            window_days=7,
            time_basis="admission",
        ),
        Indicator(
            id="icu_admissions_7d",
            kind="count",
            label=N_("Nye intensivinnleggelser (7 dager)"),
            unit=N_("innleggelser"),
            definition=N_("Innleggelser med intensivbehandling de siste 7 dagene."),
            source=HOSPITAL_SOURCE,
            numerator="icu_admissions_7d",
            window_days=7,
            time_basis="admission",
        ),
    )
}


def get(indicator_id: str) -> Indicator:
    """The indicator ``indicator_id``; KeyError names the unknown id."""
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}") from None


__all__ = ["INDICATORS", "LEVELS", "Indicator", "get"]
