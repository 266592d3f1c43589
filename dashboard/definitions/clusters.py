"""Definitions of the cluster, transmission-chain and signal numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition

# The method's parameters as shown on screen; tests/test_signals.py checks them against
# data.signals (layouts import these definitions and must not import data/).
METHOD_NAME_NB = "Farrington-metoden (kvasi-Poisson, forbedret versjon)"
METHOD_CITATION = (
    "Farrington CP et al. J R Stat Soc A 1996;159:547–563; "
    "Noufaily A et al. Stat Med 2013;32:1206–1222"
)
YEARS_BACK, HALF_WINDOW, ALPHA, RECENT_MIN, RECENT_WEEKS = 5, 3, 0.01, 5, 4

CLUSTER_SOURCE = "Kommunens smittesporing (klynger og utbrudd), tilfeller fra MSIS"

SETTING_LABELS = {
    "household": "Husstand",
    "school": "Skole",
    "kindergarten": "Barnehage",
    "nursing_home": "Sykehjem",
    "workplace": "Arbeidsplass",
    "event": "Arrangement",
    "travel": "Reise",
    "healthcare": "Helseinstitusjon",
}
STATUS_LABELS = {"active": "Aktiv", "closed": "Avsluttet"}
SERIES_LABELS = {"cases": "Tilfeller", "admissions": "Sykehusinnleggelser"}

CLUSTERS = MetricDefinition(
    key="clusters",
    label="Klynger og utbrudd",
    unit="klynger",
    definition=(
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
    label="Epidemikurve etter klynge",
    unit="tilfeller",
    definition=(
        "Klyngenes tilfeller per uke (mandag–søndag) etter prøvedato, farget etter klynge; de "
        "største klyngene hver for seg, resten samlet. Uker med 1–4 tilfeller vises ikke for "
        "roller uten tilgang til små tall."
    ),
    source=CLUSTER_SOURCE,
)
CHAIN = MetricDefinition(
    key="transmission_chain",
    label="Smittekjeder",
    unit="personer",
    definition=(
        "Tilfeller i klyngen (pseudonyme nøkler, prøvedato, aldersgruppe) og kjente "
        "smitteoverføringer mellom dem, plassert etter prøvedato. Bare for brukere med "
        "smittesporingstilgang; hver visning logges. Over 3 000 tilfeller slås tilfellene "
        "sammen per dag og kommune."
    ),
    source="Smittesporingsregisteret (eget lager, pseudonymt)",
)
SIGNALS = MetricDefinition(
    key="signals",
    label="Signaler",
    unit="kommune-uker",
    definition=(
        f"Automatisk signal når antallet i en hel uke (mandag–søndag) er over terskelen: "
        f"{METHOD_NAME_NB}. Forventet antall er tilpasset med kvasi-Poisson-regresjon på samme "
        f"uker (±{HALF_WINDOW}) i opptil {YEARS_BACK} tidligere "
        f"år, med tidligere utbrudd nedvektet; terskelen er "
        f"{100 * (1 - ALPHA):g} %-kvantilen i en negativ binomisk fordeling "
        f"med forventet antall og estimert overspredning. Signal krever minst "
        f"{RECENT_MIN} tilfeller siste {RECENT_WEEKS} uker. "
        f"«Siden» er første uke i sammenhengende rekke med signal. Uker uten ett års "
        f"historikk vurderes ikke."
    ),
    source=f"MSIS-tilfeller etter prøvedato og sykehusinnleggelser; metode: {METHOD_CITATION}",
)
