"""The screen definitions of the subject pages' own numbers (Norwegian bokmål), as one table.

A registered indicator's definition comes from the registry (:func:`core.from_registry`); the
figures, tables and estimates a page shows beside them are defined here, one row each: key,
label, unit, definition and source (:class:`core.MetricDefinition`'s fields, in order). The page
modules (``definitions.testing`` …) name the rows they show: ``metric("tests_daily")``.
Every text is a source string marked with ``N_``, translated where it is shown.
"""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition, from_registry
from dashboard.i18n import N_

# Sources shared by several rows (and named by the page modules)
TEST_SOURCE = N_("MSIS laboratoriedatabase (testhendelser etter prøvedato)")
TEST_POP_SOURCE = N_("MSIS laboratoriedatabase (testhendelser etter prøvedato); befolkning fra SSB")
HOSPITAL_SOURCE = N_(
    "Norsk pasientregister / Beredskapsregisteret for covid-19 (innleggelser etter "
    "bostedskommune og innleggelsesdato)"
)
CERTIFICATE_SOURCE = from_registry("certificate_share").source
ARRIVALS_SOURCE = N_("Innreiseregisteret (registrerte ankomster) med kommunens oppfølging")
CLUSTER_SOURCE = N_("Kommunens smittesporing (klynger og utbrudd), tilfeller fra MSIS")
RULES_SOURCE = N_("Regelregisteret i Situasjonsbilde (versjonerte regler)")

_TABLE: tuple[MetricDefinition, ...] = (
    # testing
    MetricDefinition(
        "tests_daily",
        N_("Testhendelser per dag"),
        "testhendelser",
        N_(
            "Testhendelser etter prøvedato, delt på PCR og antigen (søyler), og positive "
            "testhendelser (linje). Alle tester av én person innen 7 dager teller som én "
            "testhendelse. De siste dagene kan øke når sene prøvesvar kommer inn."
        ),
        TEST_SOURCE,
    ),
    MetricDefinition(
        "positivity_7d",
        N_("Positivandel (7 dager)"),
        "%",
        N_(
            "Positive testhendelser / alle testhendelser med prøvedato de siste 7 dagene til og "
            "med valgt dato. Vises ikke når antallet den bygger på er skjermet (1–4)."
        ),
        TEST_SOURCE,
    ),
    MetricDefinition(
        "tests_7d_per_100k",
        N_("Testhendelser per 100 000 (7 dager)"),
        "per 100 000",
        N_(
            "Testhendelser med prøvedato de siste 7 dagene per 100 000 innbyggere (befolkning 1. "
            "januar). Viser hvor mye det testes, og gjør kommuner av ulik størrelse sammenlignbare."
        ),
        TEST_POP_SOURCE,
    ),
    MetricDefinition(
        "mean_result_days_7d",
        N_("Tid fra prøve til svar"),
        "dager",
        N_(
            "Gjennomsnittlig antall dager fra prøvedato til svardato for testhendelser med "
            "prøvedato de siste 7 dagene, der svardatoen er kjent. Prøver uten svardato er ikke "
            "med."
        ),
        TEST_SOURCE,
    ),
    MetricDefinition(
        "tests_by_age",
        N_("Etter aldersgruppe"),
        "",
        N_(
            "Testhendelser per 100 000 innbyggere i aldersgruppen og positivandel, siste 7 dager "
            "til og med valgt dato, for kommunen, fylket og hele landet."
        ),
        TEST_POP_SOURCE,
    ),
    # hospital
    MetricDefinition(
        "admissions_daily",
        N_("Sykehusinnleggelser per dag"),
        "innleggelser",
        N_(
            "Nye sykehusinnleggelser etter innleggelsesdato for innbyggere i kommunen (søyler), "
            "herav innleggelser i intensivavdeling (mørke søyler), og glidende 7-dagers "
            "gjennomsnitt (linje)."
        ),
        HOSPITAL_SOURCE,
    ),
    # vaccination
    MetricDefinition(
        "coverage_over_time",
        N_("Dekning over tid"),
        "%",
        N_(
            "Andel av hele befolkningen og av innbyggere 65 år og eldre med minst dose 1, 2 og 3, "
            "dag for dag til og med valgt dato. Hele kurven regnes mot befolkningen per 1. januar "
            "i året for valgt dato, slik at den ender på samme tall som kortene og tabellen."
        ),
        N_("SYSVAK (Nasjonalt vaksinasjonsregister); befolkning fra SSB"),
    ),
    # certificates
    MetricDefinition(
        "certificate_by_age",
        N_("Gyldig sertifikat etter aldersgruppe og grunnlag"),
        "prosent",
        N_(
            "Andel av innbyggerne i hver aldersgruppe med gyldig sertifikat på valgt dato, fordelt "
            "på beste grunnlag. Aldersgruppen hentes fra vaksinasjons-, tilfelle- eller "
            "prøveregisteret. Andeler over 100 % vises som 100 %, med merknad."
        ),
        CERTIFICATE_SOURCE,
    ),
    MetricDefinition(
        "certificate_over_time",
        N_("Andel med gyldig sertifikat over tid"),
        "prosent",
        N_(
            "Andelen med gyldig sertifikat på valgt dato og hver 7. dag før, for kommunen, fylket "
            "og hele landet, fra sertifikatet ble innført."
        ),
        CERTIFICATE_SOURCE,
    ),
    MetricDefinition(
        "certificate_expiring",
        N_("Utløper innen 30 dager"),
        "personer",
        N_(
            "Personer med gyldig sertifikat på valgt dato som ikke lenger har et gyldig sertifikat "
            "om 30 dager, med de sertifikatene som var utstedt til og med valgt dato (nye doser "
            "eller prøver kan gi nytt sertifikat). Testattester gjelder bare i 1–3 dager og "
            "utløper derfor alltid."
        ),
        CERTIFICATE_SOURCE,
    ),
    MetricDefinition(
        "certificate_rule_version",
        N_("Regelversjon"),
        "",
        N_(
            "Hvert sertifikat er beregnet etter regelversjonen for koronasertifikat som gjaldt da "
            "det ble gyldig (gyldighetstid og ventetid leses fra den versjonen). Regelversjonen i "
            "kraft på valgt dato gjelder for nye sertifikater fra den dagen."
        ),
        RULES_SOURCE,
    ),
    # arrivals
    MetricDefinition(
        "arrivals_funnel",
        N_("Oppfølgingstrakt for innreisende"),
        "personer",
        N_(
            "Ankomster med oppholdskommunen som kommune og ankomstdato i vinduet som ender på "
            "valgt dato. Registrert: alle registrerte ankomster. Testet innen fristen: testet ved "
            "ankomst (test på grensen); tester tatt senere er ikke koblet til registreringen i "
            "datagrunnlaget. Positive: positiv test, andel av de testede. Karantenekrav: ankomster "
            "med krav om innreisekarantene. Oppfølging fullført: kommunens oppfølging er "
            "registrert som fullført. Andeler er av de registrerte, unntatt positive (av de "
            "testede). Trinnene er ikke nøstet: karantenekrav gjelder også dem som ikke testet "
            "positivt."
        ),
        ARRIVALS_SOURCE,
    ),
    MetricDefinition(
        "arrivals_daily",
        N_("Ankomster per dag"),
        "ankomster",
        N_(
            "Registrerte ankomster per ankomstdato med kommunen som oppholdskommune, de siste 8 "
            "ukene til og med valgt dato, fordelt på innreisested og avreiseland. De seks største "
            "vises hver for seg, resten som «Andre». Det skraverte feltet er vinduet for trakten."
        ),
        ARRIVALS_SOURCE,
    ),
    MetricDefinition(
        "arrivals_quality",
        N_("Datakvalitet"),
        "andel",
        N_(
            "Uten F/D-nummer: registrerte uten fødselsnummer eller D-nummer, som gjør oppfølging "
            "og kobling til prøvesvar vanskelig. Oppfølging venter fortsatt: ankomster for minst 7 "
            "dager siden (innen vinduet) der oppfølgingen ennå ikke er fullført eller avsluttet. "
            "Testet uten svar: testet ved ankomst, men uten registrert prøvesvar. Ikke nådd: "
            "oppfølgingen er avsluttet uten at personen ble nådd."
        ),
        ARRIVALS_SOURCE,
    ),
    MetricDefinition(
        "entry_rules",
        N_("Innreiseregler i kraft"),
        "",
        N_(
            "Regelversjoner i kategorien innreise som gjaldt på valgt dato: nasjonale regler og "
            "eventuelle regler for fylket eller kommunen. Har samme regel en lokal versjon, vises "
            "den lokale."
        ),
        RULES_SOURCE,
    ),
    # clusters
    MetricDefinition(
        "clusters",
        N_("Klynger og utbrudd"),
        N_("klynger"),
        N_(
            "Klynger som har begynt til og med valgt dato og hadde siste tilfelle de siste 6 "
            "ukene. Aktiv: siste tilfelle høyst 14 dager før valgt dato. Størrelse: klyngens "
            "tilfeller med prøvedato (ellers registreringsdato) til og med valgt dato. Vekst: "
            "tilfeller de siste 7 dagene. En klynge som omfatter flere kommuner vises i hver av "
            "dem og er merket «på tvers av kommuner»."
        ),
        CLUSTER_SOURCE,
    ),
    MetricDefinition(
        "cluster_epicurve",
        N_("Epidemikurve etter klynge"),
        N_("tilfeller"),
        N_(
            "Klyngenes tilfeller per uke (mandag–søndag) etter prøvedato, farget etter klynge; de "
            "største klyngene hver for seg, resten samlet. Uker med 1–4 tilfeller vises ikke for "
            "roller uten tilgang til små tall."
        ),
        CLUSTER_SOURCE,
    ),
    MetricDefinition(
        "transmission_chain",
        N_("Smittekjeder"),
        N_("personer"),
        N_(
            "Tilfeller i klyngen (pseudonyme nøkler, prøvedato, aldersgruppe) og kjente "
            "smitteoverføringer mellom dem, plassert etter prøvedato. Bare for brukere med "
            "smittesporingstilgang; hver visning logges. Over 3 000 tilfeller slås tilfellene "
            "sammen per dag og kommune."
        ),
        N_("Smittesporingsregisteret (eget lager, pseudonymt)"),
    ),
    MetricDefinition(
        "signals",
        N_("Signaler"),
        N_("kommune-uker"),
        N_(
            "Automatisk signal når antallet i en hel uke (mandag–søndag) er over terskelen: "
            "Farrington-metoden (kvasi-Poisson, forbedret versjon). Forventet antall er tilpasset "
            "med kvasi-Poisson-regresjon på samme uker (±3) i opptil 5 tidligere år, med tidligere "
            "utbrudd nedvektet; terskelen er 99 %-kvantilen i en negativ binomisk fordeling med "
            "forventet antall og estimert overspredning. Signal krever minst 5 tilfeller siste 4 "
            "uker. «Siden» er første uke i sammenhengende rekke med signal. Uker uten ett års "
            "historikk vurderes ikke."
        ),
        N_(
            "MSIS-tilfeller etter prøvedato og sykehusinnleggelser; metode: Farrington CP et al. J "
            "R Stat Soc A 1996;159:547–563; Noufaily A et al. Stat Med 2013;32:1206–1222"
        ),
    ),
    # rules
    MetricDefinition(
        "rules_in_force",
        N_("Regler i kraft"),
        "",
        N_(
            "Nasjonale regler, fylkets regler og kommunens egne (lokale) regler som gjelder på "
            "valgt dato. Har en regel en lokal versjon for kommunen, gjelder den lokale versjonen "
            "i denne kommunen i stedet for den nasjonale; andre kommuner har fortsatt den "
            "nasjonale. Regelversjoner overskrives aldri: en ny versjon avløser den forrige fra en "
            "dato."
        ),
        N_(
            "Regelregisteret i Situasjonsbilde (registrert av regelredaktør, administrator eller "
            "kommuneoverlege for egen kommune)"
        ),
    ),
    MetricDefinition(
        "persons_in_isolation",
        N_("I isolasjon (anslag)"),
        "personer",
        N_(
            "Tilfeller registrert i kommunen med prøvedato innenfor isolasjonstiden som gjaldt på "
            "prøvedatoen (isolasjonsregelen i kraft for kommunen den dagen). Når plikten er "
            "opphevet, telles ingen. Et anslag: faktisk isolasjon følger symptomstart og avsluttes "
            "individuelt."
        ),
        N_("MSIS-tilfeller etter prøvedato og isolasjonsregelen i regelregisteret"),
    ),
    MetricDefinition(
        "persons_in_quarantine",
        N_("I innreisekarantene (anslag)"),
        "personer",
        N_(
            "Ankomster til kommunen med krav om innreisekarantene og ankomstdato innenfor "
            "karantenetiden i innreiseregelen som gjaldt på ankomstdatoen. Smittekarantene for "
            "nærkontakter kan ikke anslås: datagrunnlaget har ingen kontakter."
        ),
        N_("Innreiseregistreringen og innreiseregelen i regelregisteret"),
    ),
    MetricDefinition(
        "rules_timeline",
        N_("Tidslinje"),
        "",
        N_(
            "Én rad per kategori; hvert merke er en dag da det som gjaldt i kommunen endret seg "
            "(ny regel, endrede parametere eller tekst, eller en regel som opphørte). Fargen viser "
            "om endringen er nasjonal, i fylket eller lokal. Importerte OxCGRT-indikatorer "
            "(Oxford-sporingen av myndighetstiltak) vises som egne merker. Over: 7-dagers insidens "
            "per 100 000 for kommunen og hele landet, og – når OxCGRT-data er importert – Oxfords "
            "strenghetsindeks for Norge (0–100, høyre akse): et sammensatt mål på hvor strenge de "
            "nasjonale tiltakene var (skoler, arbeidsplasser, arrangementer, samlinger, reiser "
            "m.m.)."
        ),
        N_(
            "Regelregisteret; MSIS-tilfeller; Oxford COVID-19 Government Response Tracker (Hale "
            "mfl. 2021, CC BY 4.0) når importert"
        ),
    ),
    MetricDefinition(
        "rules_diff",
        N_("Sammenligning"),
        "",
        N_(
            "Reglene som gjaldt i kommunen på den første datoen mot dem som gjaldt på den andre. "
            "Uendrede regler er utelatt; for endrede regler vises parameterne som er endret."
        ),
        N_("Regelregisteret"),
    ),
)
METRICS: dict[str, MetricDefinition] = {row.key: row for row in _TABLE}


def metric(key: str) -> MetricDefinition:
    """The screen definition of one of the table's rows, by key."""
    return METRICS[key]


__all__ = [
    "ARRIVALS_SOURCE",
    "CERTIFICATE_SOURCE",
    "CLUSTER_SOURCE",
    "HOSPITAL_SOURCE",
    "METRICS",
    "RULES_SOURCE",
    "TEST_POP_SOURCE",
    "TEST_SOURCE",
    "metric",
]
