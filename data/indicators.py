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
from typing import Any, Literal

Kind = Literal["count", "rate", "share", "concentration", "index", "category"]
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
    # test | registration | vaccination | admission | arrival | certificate
    time_basis: str = "test"
    per: int = 1
    disease: str = "covid-19"
    strata: tuple[str, ...] = ()
    levels: tuple[Level, ...] = LEVELS
    decimals: int = 0
    # the label of a card or table row, where the unit is printed beside the value
    # ("7-dagers insidens" beside "per 100 000"); the full label where empty
    short_label: str = ""
    # the values of the labels' placeholders ("Dose {dose}, befolkningen", dose=2): one
    # source string for a family of indicators
    params: tuple[tuple[str, int | str], ...] = ()
    # fixed strata of this indicator within its family (age band "65+", dose 3)
    stratum: tuple[tuple[str, int | str], ...] = ()
    # "module:function" of the read that serves an indicator outside the daily key figures:
    # called with scope, level, code, start, end, it returns a row per date with the
    # numerator (and ``<numerator>_suppressed``) as published and "population"
    reader: str | None = None

    @property
    def is_count(self) -> bool:
        return self.kind == "count"

    @property
    def card_label(self) -> str:
        return self.short_label or self.label

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
            "stratum": dict(self.stratum),
        }


CASES_SOURCE = N_("MSIS-tilfeller etter prøvedato")
CASES_POP_SOURCE = N_("MSIS-tilfeller etter prøvedato; befolkning fra SSB")
TESTS_SOURCE = N_("Laboratoriedatabasen (testhendelser)")
HOSPITAL_SOURCE = N_("Norsk pasientregister / beredskapsregisteret (innleggelser)")
HOSPITAL_POP_SOURCE = N_(
    "Norsk pasientregister / Beredskapsregisteret for covid-19 (innleggelser etter "
    "bostedskommune og innleggelsesdato); befolkning fra SSB"
)
VACCINATION_POP_SOURCE = N_("SYSVAK (Nasjonalt vaksinasjonsregister); befolkning fra SSB")
ILI_SOURCE = N_(
    "Konsultasjoner for influensalignende sykdom hos fastlege og legevakt (syntetiske data i "
    "demoen); befolkning fra SSB; landet: ECDC/WHO Europe, ERVISS (erviss.org)"
)
ILI_READER = "data.queries.ili:ili_weekly"
CLUSTER_SOURCE = N_("Kommunens smittesporing (klynger og utbrudd), tilfeller fra MSIS")
CERTIFICATE_SOURCE = N_(
    "Koronasertifikater utledet fra vaksinasjoner, tilfeller og prøver; befolkning fra SSB"
)
COVERAGE_DEFINITION = N_(
    "Personer med minst dose n til og med valgt dato / befolkningen 1. januar samme år, etter "
    "aldersgruppe. Over 100 % (flere vaksinerte enn innbyggere, f.eks. etter flytting) vises "
    "som 100 %."
)
COVERAGE_GROUPS = (
    ("all", "alle", "population_alle", N_("Dose {dose}, befolkningen")),
    ("65", "65+", "population_65", N_("Dose {dose}, 65 år og eldre")),
)


def _coverage() -> tuple[Indicator, ...]:
    """Coverage of dose 1–3 of the whole population and of residents 65+: one family, one
    definition (the Morgenbrief's, Krisemøte's, the weekly report's and the overview's
    coverage figures)."""
    return tuple(
        _share(
            f"coverage_{key}_d{dose}",
            label,
            COVERAGE_DEFINITION,
            VACCINATION_POP_SOURCE,
            f"vaccinated_{dose}",
            population,
            time_basis="vaccination",
            strata=("age_band", "dose"),
            params=(("dose", dose),),
            stratum=(("age_band", group), ("dose", dose)),
        )
        for key, group, population, label in COVERAGE_GROUPS
        for dose in (1, 2, 3)
    )


def _count(id: str, label: str, unit: str, definition: str, source: str, **more: Any) -> Indicator:
    """A count: its own published cells (``numerator`` is its id)."""
    return Indicator(
        id=id, kind="count", label=label, unit=unit, definition=definition, source=source,
        numerator=id, **more,
    )  # fmt: skip


def _per_100k(id: str, label: str, definition: str, source: str, numerator: str,
              **more: Any) -> Indicator:  # fmt: skip
    """A rate per 100 000 residents (population 1 January), to one decimal."""
    return Indicator(
        id=id, kind="rate", label=label, unit=N_("per 100 000"), definition=definition,
        source=source, numerator=numerator, denominator="population", per=100_000, decimals=1,
        **more,
    )  # fmt: skip


def _share(id: str, label: str, definition: str, source: str, numerator: str, denominator: str,
           **more: Any) -> Indicator:  # fmt: skip
    """A share in per cent, to one decimal."""
    return Indicator(
        id=id, kind="share", label=label, unit="%", definition=definition, source=source,
        numerator=numerator, denominator=denominator, per=100, decimals=1, **more,
    )  # fmt: skip


def _incidence() -> tuple[Indicator, ...]:
    """The 7- and 14-day incidence per 100 000: one family, one definition."""
    return (
        _per_100k(
            "incidence_7d",
            N_("7-dagers insidens per 100 000"),
            N_(
                "Tilfeller med prøvedato de siste 7 dagene til og med valgt dato, "
                "per 100 000 innbyggere i kommunen (befolkning 1. januar)."
            ),
            CASES_POP_SOURCE,
            "cases_7d",
            short_label=N_("7-dagers insidens"),
            window_days=7,
        ),
        _per_100k(
            "incidence_14d",
            N_("14-dagers insidens per 100 000"),
            N_(
                "Tilfeller med prøvedato de siste 14 dagene til og med valgt dato, "
                "per 100 000 innbyggere i kommunen (befolkning 1. januar)."
            ),
            CASES_POP_SOURCE,
            "cases_14d",
            short_label=N_("14-dagers insidens"),
            window_days=14,
        ),
    )


# the admissions counts over 7 days: (id, label, definition)
ADMISSIONS = (
    (
        "admissions_7d",
        N_("Nye sykehusinnleggelser (7 dager)"),
        N_("Innleggelser av innbyggere i kommunen de siste 7 dagene."),
    ),
    (
        "icu_admissions_7d",
        N_("Nye intensivinnleggelser (7 dager)"),
        N_("Innleggelser med intensivbehandling de siste 7 dagene."),
    ),
)

INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in (
        _count(
            "cases",
            N_("Nye tilfeller siste døgn"),
            N_("tilfeller"),
            N_("Tilfeller med prøvedato på valgt dato."),
            CASES_SOURCE,
        ),
        _count(
            "cases_7d",
            N_("Tilfeller siste 7 dager"),
            N_("tilfeller"),
            N_("Antall tilfeller med prøvedato de siste 7 dagene til og med valgt dato."),
            CASES_SOURCE,
            short_label=N_("Nye tilfeller siste 7 dager"),
            window_days=7,
        ),
        _count(
            "cases_prev_7d",
            N_("Tilfeller 7 dager før"),
            N_("tilfeller"),
            N_("Tilfeller med prøvedato dag 8–14 før valgt dato (for trenden)."),
            CASES_SOURCE,
            window_days=7,
        ),
        _count(
            "cases_14d",
            N_("Tilfeller siste 14 dager"),
            N_("tilfeller"),
            N_("Antall tilfeller med prøvedato de siste 14 dagene til og med valgt dato."),
            CASES_SOURCE,
            window_days=14,
        ),
        *_incidence(),
        _count(
            "tests_7d",
            N_("Testhendelser siste 7 dager"),
            N_("testhendelser"),
            N_(
                "Testhendelser (en persons tester innen 7 dager = én hendelse) med prøvedato de "
                "siste 7 dagene."
            ),
            TESTS_SOURCE,
            window_days=7,
        ),
        _count(
            "positive_7d",
            N_("Positive testhendelser siste 7 dager"),
            N_("testhendelser"),
            N_("Positive testhendelser med prøvedato de siste 7 dagene."),
            TESTS_SOURCE,
            window_days=7,
        ),
        _share(
            "positivity_7d",
            N_("Andel positive tester (7 dager)"),
            N_("Positive testhendelser / alle testhendelser siste 7 dager."),
            TESTS_SOURCE,
            "positive_7d",
            "tests_7d",
            window_days=7,
        ),
        *(
            _count(
                id,
                label,
                N_("innleggelser"),
                definition,
                HOSPITAL_SOURCE,
                window_days=7,
                time_basis="admission",
            )
            for id, label, definition in ADMISSIONS
        ),
        _per_100k(
            "admissions_7d_per_100k",
            N_("Innleggelser per 100 000 (7 dager)"),
            N_(
                "Nye sykehusinnleggelser de siste 7 dagene til og med valgt dato per 100 000 "
                "innbyggere (befolkning 1. januar). Etter aldersgruppe: per 100 000 innbyggere "
                "i aldersgruppen. Små tall gir store utslag i små kommuner."
            ),
            HOSPITAL_POP_SOURCE,
            "admissions_7d",
            window_days=7,
            time_basis="admission",
            strata=("age_band",),
        ),
        _per_100k(
            "icu_admissions_7d_per_100k",
            N_("Intensivinnleggelser per 100 000 (7 dager)"),
            N_(
                "Innleggelser som omfattet intensivbehandling, etter innleggelsesdato, de siste "
                "7 dagene per 100 000 innbyggere (befolkning 1. januar)."
            ),
            HOSPITAL_POP_SOURCE,
            "icu_admissions_7d",
            window_days=7,
            time_basis="admission",
        ),
        Indicator(
            id="trend",
            kind="category",
            label=N_("Trend"),
            unit="",
            definition=N_(
                "Siste 7 dager mot de 7 dagene før: økende ved minst +15 % og minst 7 tilfeller "
                "siste 7 dager, synkende ved −15 % eller mer med samme volumkrav, ellers stabil. "
                "Beregnes ikke under 7 tilfeller."
            ),
            source=CASES_SOURCE,
            numerator="cases_7d",
            denominator="cases_prev_7d",
            window_days=14,
        ),
        _count(
            "ili_consultations",
            N_("ILI-konsultasjoner (uke)"),
            N_("konsultasjoner"),
            N_(
                "Konsultasjoner for influensalignende sykdom (ILI) hos fastlege og legevakt for "
                "innbyggere i kommunen i ISO-uken som slutter på valgt søndag."
            ),
            ILI_SOURCE,
            window_days=7,
            time_basis="consultation",
            disease="ili",
            strata=("age_band",),
            reader=ILI_READER,
        ),
        _per_100k(
            "ili_per_100k",
            N_("ILI-konsultasjoner per 100 000 (uke)"),
            N_(
                "Konsultasjoner for influensalignende sykdom hos fastlege og legevakt i uken, "
                "per 100 000 innbyggere (befolkning 1. januar); etter aldersgruppe per 100 000 "
                "i gruppen. Landet: ILI-raten Norge rapporterer til ERVISS (alle aldre)."
            ),
            ILI_SOURCE,
            "ili_consultations",
            window_days=7,
            time_basis="consultation",
            disease="ili",
            strata=("age_band",),
            reader=ILI_READER,
        ),
        *_coverage(),
        _count(
            "unvaccinated_65",
            N_("Uvaksinerte i risikogrupper"),
            N_("personer"),
            N_(
                "Innbyggere 65 år og eldre uten registrert dose 1 til og med valgt dato: "
                "befolkningen per 1. januar minus personer med minst dose 1 (ikke under 0)."
            ),
            VACCINATION_POP_SOURCE,
            time_basis="vaccination",
            strata=("age_band",),
            stratum=(("age_band", "65+"), ("dose", 1)),
        ),
        _count(
            "active_clusters",
            N_("Aktive klynger"),
            N_("klynger"),
            N_("Klynger med tilfelle i kommunen og siste tilfelle høyst 14 dager gammelt."),
            CLUSTER_SOURCE,
            window_days=14,
            strata=("setting",),
            levels=("kommune",),
        ),
        _share(
            "certificate_share",
            N_("Andel med gyldig koronasertifikat"),
            N_(
                "Innbyggere i kommunen med minst ett gyldig koronasertifikat på valgt dato, delt "
                "på befolkningen 1. januar samme år. Et sertifikat gjelder fra og med første "
                "gyldighetsdag og til (ikke med) sluttdatoen i registeret. En person med flere "
                "gyldige sertifikater telles én gang. Fordelingen etter grunnlag bruker det "
                "beste grunnlaget personen har på datoen, i rekkefølgen vaksinert, gjennomgått "
                "covid-19, negativ test: en vaksinert person som også har testattest, telles "
                "som vaksinert."
            ),
            CERTIFICATE_SOURCE,
            "valid_certificates",
            "population",
            time_basis="certificate",
            strata=("basis", "age_band"),
        ),
    )
}


# --------------------------------------------------------------------------- other diseases
# Weekly laboratory-confirmed cases per 100 000 of the diseases beside covid-19
# (data.codes.DISEASES): the numerator is the disease's own ``cases_7d`` cells of the key
# figures (``disease`` names the code whose rows are read).
LAB_CASES_POP_SOURCE = N_(
    "MSIS-tilfeller (laboratoriebekreftet) etter prøvedato; befolkning fra SSB"
)
INDICATORS.update(
    {
        i.id: i
        for i in (
            _per_100k(
                "influensa_cases_7d_per_100k",
                N_("Influensa: laboratoriebekreftede tilfeller per 100 000 (7 dager)"),
                N_(
                    "Laboratoriebekreftede tilfeller av influensa (A og B) med prøvedato de "
                    "siste 7 dagene til og med valgt dato, per 100 000 innbyggere (befolkning "
                    "1. januar)."
                ),
                LAB_CASES_POP_SOURCE,
                "cases_7d",
                short_label=N_("Influensa per 100 000 (7 dager)"),
                window_days=7,
                disease="influensa",
            ),
            _per_100k(
                "rsv_cases_7d_per_100k",
                N_("RS-virus: laboratoriebekreftede tilfeller per 100 000 (7 dager)"),
                N_(
                    "Laboratoriebekreftede tilfeller av RS-virus med prøvedato de siste 7 "
                    "dagene til og med valgt dato, per 100 000 innbyggere (befolkning "
                    "1. januar)."
                ),
                LAB_CASES_POP_SOURCE,
                "cases_7d",
                short_label=N_("RS-virus per 100 000 (7 dager)"),
                window_days=7,
                disease="rsv",
            ),
            _per_100k(
                "ukjent_cases_7d_per_100k",
                N_("Ukjent smittestoff: bekreftede tilfeller per 100 000 (7 dager)"),
                N_(
                    "Laboratoriebekreftede tilfeller av det nye, ukjente smittestoffet med "
                    "prøvedato de siste 7 dagene til og med valgt dato, per 100 000 "
                    "innbyggere (befolkning 1. januar)."
                ),
                LAB_CASES_POP_SOURCE,
                "cases_7d",
                short_label=N_("Ukjent smittestoff per 100 000 (7 dager)"),
                window_days=7,
                disease="ukjent",
            ),
        )
    }
)


def get(indicator_id: str) -> Indicator:
    """The indicator ``indicator_id``; KeyError names the unknown id."""
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}") from None


__all__ = ["INDICATORS", "LEVELS", "Indicator", "get"]
