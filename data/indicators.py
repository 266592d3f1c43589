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

from data.indicator_model import (  # noqa: F401  (the registry's public names)
    LEVELS,
    N_,
    VIEWS,
    Indicator,
    Kind,
    Level,
    View,
    _count,
    _per_100k,
    _share,
)

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
ILI_AREA_READER = "data.queries.ili:ili_kommuner"
# every kommune's case windows on a date (the published key figures): the case metrics' reads
CASE_WINDOWS = "data.queries.cases:case_windows"
CASE_TREND = ("cases_7d", "cases_prev_7d")
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
            views=("map", "brief"),
            area_reader=CASE_WINDOWS,
            trend_counts=CASE_TREND,
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
            views=("map",),
            area_reader=CASE_WINDOWS,
            trend_counts=CASE_TREND,
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
            views=("map",),
            area_reader=CASE_WINDOWS,
            trend_counts=CASE_TREND,
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
            views=("map",),
            area_reader=CASE_WINDOWS,
            trend_counts=CASE_TREND,
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
            views=("map", "overview", "brief"),
            area_reader=ILI_AREA_READER,
            period="week",
            trend_counts=("ili_consultations", "ili_consultations_prev"),
            national_measure="ili_consultation_rate",
        ),
        Indicator(
            id="p_growth",
            kind="probability",
            label=N_("Sannsynlighet for vekst"),
            unit="%",
            definition=N_(
                "Sannsynligheten for at tilfellene vokser: veksttakten fra en log-lineær "
                "Poisson-modell av tilfeller per prøvedato de siste 14 dagene (med anslag for "
                "dager som ikke er ferdig registrert), der små kommuner trekkes mot fylket og "
                "nabokommunene (empirisk Bayes). Vises ikke under 10 tilfeller siste 14 dager."
            ),
            source=CASES_SOURCE,
            numerator="cases_14d",
            per=100,
            window_days=14,
            levels=("kommune",),
            views=("map",),
            area_reader="data.queries.growth:growth_by_kommune",
            trend_counts=CASE_TREND,
            min_count=10,
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
# (data.codes.DISEASES), in the Morgenbrief's respiratory panel: the numerator is the
# disease's own ``cases_7d`` cells of the key figures (``disease`` names whose rows are read).
LAB_CASES_POP_SOURCE = N_(
    "MSIS-tilfeller (laboratoriebekreftet) etter prøvedato; befolkning fra SSB"
)


def _lab_cases(code: str, label: str, definition: str, short_label: str) -> Indicator:
    return _per_100k(
        f"{code}_cases_7d_per_100k", label, definition, LAB_CASES_POP_SOURCE, "cases_7d",
        short_label=short_label, window_days=7, disease=code, views=("brief",),
        trend_counts=CASE_TREND,
    )  # fmt: skip


INDICATORS.update(
    (i.id, i)
    for i in (
        _lab_cases(
            "influensa",
            N_("Influensa: laboratoriebekreftede tilfeller per 100 000 (7 dager)"),
            N_(
                "Laboratoriebekreftede tilfeller av influensa (A og B) med prøvedato de "
                "siste 7 dagene til og med valgt dato, per 100 000 innbyggere (befolkning "
                "1. januar)."
            ),
            N_("Influensa per 100 000 (7 dager)"),
        ),
        _lab_cases(
            "rsv",
            N_("RS-virus: laboratoriebekreftede tilfeller per 100 000 (7 dager)"),
            N_(
                "Laboratoriebekreftede tilfeller av RS-virus med prøvedato de siste 7 "
                "dagene til og med valgt dato, per 100 000 innbyggere (befolkning "
                "1. januar)."
            ),
            N_("RS-virus per 100 000 (7 dager)"),
        ),
        _lab_cases(
            "ukjent",
            N_("Ukjent smittestoff: bekreftede tilfeller per 100 000 (7 dager)"),
            N_(
                "Laboratoriebekreftede tilfeller av det nye, ukjente smittestoffet med "
                "prøvedato de siste 7 dagene til og med valgt dato, per 100 000 "
                "innbyggere (befolkning 1. januar)."
            ),
            N_("Ukjent smittestoff per 100 000 (7 dager)"),
        ),
    )
)


def with_view(view: View) -> list[Indicator]:
    """The registry entries shown in ``view``, in registry order: the one list the map's
    metrics, the overview's columns and the Morgenbrief's panel are built from."""
    return [i for i in INDICATORS.values() if view in i.views]


def get(indicator_id: str) -> Indicator:
    """The indicator ``indicator_id``; KeyError names the unknown id."""
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}") from None


__all__ = ["INDICATORS", "LEVELS", "VIEWS", "Indicator", "View", "get", "with_view"]
