"""Definitions of the cluster, transmission-chain and signal numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition
from dashboard.i18n import N_

# The method's parameters as shown on screen; tests/test_signals.py checks them against
# data.signals (layouts import these definitions and must not import data/).
METHOD_NAME_NB = "Farrington-metoden (kvasi-Poisson, forbedret versjon)"
METHOD_CITATION = (
    "Farrington CP et al. J R Stat Soc A 1996;159:547–563; "
    "Noufaily A et al. Stat Med 2013;32:1206–1222"
)
YEARS_BACK, HALF_WINDOW, ALPHA, RECENT_MIN, RECENT_WEEKS = 5, 3, 0.01, 5, 4

CLUSTER_SOURCE = N_("Kommunens smittesporing (klynger og utbrudd), tilfeller fra MSIS")

SETTING_LABELS = {
    "household": N_("Husstand"),
    "school": N_("Skole"),
    "kindergarten": N_("Barnehage"),
    "nursing_home": N_("Sykehjem"),
    "workplace": N_("Arbeidsplass"),
    "event": N_("Arrangement"),
    "travel": N_("Reise"),
    "healthcare": N_("Helseinstitusjon"),
}
STATUS_LABELS = {"active": N_("Aktiv"), "closed": N_("Avsluttet")}
SERIES_LABELS = {"cases": N_("Tilfeller"), "admissions": N_("Sykehusinnleggelser")}

CLUSTERS = MetricDefinition(
    key="clusters",
    label=N_("Klynger og utbrudd"),
    unit=N_("klynger"),
    definition=N_(
        "Klynger som har begynt til og med valgt dato og hadde siste tilfelle de siste 6 ukene. "
        "Aktiv: siste tilfelle høyst 14 dager før valgt dato. Størrelse: klyngens tilfeller med "
        "prøvedato (ellers registreringsdato) til og med valgt dato. Vekst: tilfeller de siste 7 "
        "dagene. En klynge som omfatter flere kommuner vises i hver av dem og er merket "
        "«på tvers av kommuner»."
    ),
    source=CLUSTER_SOURCE,
)
EPICURVE = MetricDefinition(
    key="cluster_epicurve",
    label=N_("Epidemikurve etter klynge"),
    unit=N_("tilfeller"),
    definition=N_(
        "Klyngenes tilfeller per uke (mandag–søndag) etter prøvedato, farget etter klynge; de "
        "største klyngene hver for seg, resten samlet. Uker med 1–4 tilfeller vises ikke for "
        "roller uten tilgang til små tall."
    ),
    source=CLUSTER_SOURCE,
)
CHAIN = MetricDefinition(
    key="transmission_chain",
    label=N_("Smittekjeder"),
    unit=N_("personer"),
    definition=N_(
        "Tilfeller i klyngen (pseudonyme nøkler, prøvedato, aldersgruppe) og kjente "
        "smitteoverføringer mellom dem, plassert etter prøvedato. Bare for brukere med "
        "smittesporingstilgang; hver visning logges. Over 3 000 tilfeller slås tilfellene "
        "sammen per dag og kommune."
    ),
    source=N_("Smittesporingsregisteret (eget lager, pseudonymt)"),
)
# The definition is one literal (so it can be translated); tests/test_page_signaler.py checks
# that it names the parameters above.
SIGNALS = MetricDefinition(
    key="signals",
    label=N_("Signaler"),
    unit=N_("kommune-uker"),
    definition=N_(
        "Automatisk signal når antallet i en hel uke (mandag–søndag) er over terskelen: "
        "Farrington-metoden (kvasi-Poisson, forbedret versjon). Forventet antall er tilpasset "
        "med kvasi-Poisson-regresjon på samme uker (±3) i opptil 5 tidligere år, med tidligere "
        "utbrudd nedvektet; terskelen er 99 %-kvantilen i en negativ binomisk fordeling med "
        "forventet antall og estimert overspredning. Signal krever minst 5 tilfeller siste 4 "
        "uker. «Siden» er første uke i sammenhengende rekke med signal. Uker uten ett års "
        "historikk vurderes ikke."
    ),
    source=N_(
        "MSIS-tilfeller etter prøvedato og sykehusinnleggelser; metode: Farrington CP et al. "
        "J R Stat Soc A 1996;159:547–563; Noufaily A et al. Stat Med 2013;32:1206–1222"
    ),
)
