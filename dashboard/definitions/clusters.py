"""Definitions of the cluster, transmission-chain and signal numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.metrics import metric
from dashboard.i18n import N_

CLUSTERS = metric("clusters")
EPICURVE = metric("cluster_epicurve")
CHAIN = metric("transmission_chain")
SIGNALS = metric("signals")

# The method's parameters as shown on screen; tests/test_signals.py checks them against
# data.signals (layouts import these definitions and must not import data/).
METHOD_NAME_NB = "Farrington-metoden (kvasi-Poisson, forbedret versjon)"
METHOD_CITATION = (
    "Farrington CP et al. J R Stat Soc A 1996;159:547–563; "
    "Noufaily A et al. Stat Med 2013;32:1206–1222"
)
YEARS_BACK, HALF_WINDOW, ALPHA, RECENT_MIN, RECENT_WEEKS = 5, 3, 0.01, 5, 4


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

# The definition is one literal (so it can be translated); tests/test_page_signaler.py checks
# that it names the parameters above.
