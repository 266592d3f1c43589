"""Definitions and labels of the Innreise page (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.metrics import ARRIVALS_SOURCE as SOURCE
from dashboard.definitions.metrics import metric
from dashboard.i18n import N_

FUNNEL = metric("arrivals_funnel")
ARRIVALS_DAILY = metric("arrivals_daily")
QUALITY = metric("arrivals_quality")
ENTRY_RULES = metric("entry_rules")

PENDING_DAYS = 7  # follow-up still pending this many days after arrival is a quality flag
WINDOW_OPTIONS = (7, 14, 28)
DEFAULT_WINDOW = 14
DAILY_DAYS = 56  # arrivals per day: the 8 weeks ending on the chosen date
# The texts (definitions.metrics) name PENDING_DAYS (7) and DAILY_DAYS (8 weeks) as literals: a
# msgid is fixed text (a test keeps them in step).


STATUS_NOW_NOTE = N_(
    "Oppfølgingsstatus og prøvesvar er slik de er registrert i datagrunnlaget nå, ikke slik "
    "de sto på valgt dato."
)


STAGE_LABELS = {
    "registered": N_("Registrert"),
    "tested": N_("Testet innen fristen"),
    "positive": N_("Positive"),
    "quarantine_required": N_("Karantenekrav"),
    "follow_up_completed": N_("Oppfølging fullført"),
}
STAGE_BASE_LABELS = {
    "registered": N_("av registrerte"),
    "tested": N_("av testede"),
}

QUALITY_LABELS = {
    "without_fd_number": N_("Uten F/D-nummer"),
    "pending_overdue": N_("Oppfølging venter fortsatt etter 7 dager"),
    "tested_no_result": N_("Testet uten registrert svar"),
    "follow_up_lost": N_("Ikke nådd (oppfølging avsluttet)"),
}

DIMENSION_LABELS = {
    "border_point": N_("innreisested"),
    "country_of_departure": N_("avreiseland"),
}

COUNTRY_NAMES = {
    "SE": N_("Sverige"),
    "DK": N_("Danmark"),
    "FI": N_("Finland"),
    "PL": N_("Polen"),
    "LT": N_("Litauen"),
    "LV": N_("Latvia"),
    "EE": N_("Estland"),
    "DE": N_("Tyskland"),
    "GB": N_("Storbritannia"),
    "ES": N_("Spania"),
    "US": N_("USA"),
    "NL": N_("Nederland"),
    "FR": N_("Frankrike"),
    "IT": N_("Italia"),
    "RO": N_("Romania"),
    "UA": N_("Ukraina"),
    "TR": N_("Tyrkia"),
    "RU": N_("Russland"),
    "TH": N_("Thailand"),
    "IS": N_("Island"),
    "PT": N_("Portugal"),
    "GR": N_("Hellas"),
}

ENTRY_PARAMETER_LABELS = {
    "quarantine_days": N_("Innreisekarantene (dager)"),
    "border_test_required": N_("Test på grensen påbudt"),
    "border_test_offered": N_("Test på grensen tilbys"),
    "test_within_hours": N_("Test innen (timer etter ankomst)"),
    "registration_required": N_("Innreiseregistrering påbudt"),
    "certificate_exempts_quarantine": N_("Koronasertifikat gir unntak fra karantene"),
    "certificate_exempts_test": N_("Koronasertifikat gir unntak fra test"),
    "quarantine_hotel": N_("Karantenehotell"),
}

# Entry points of the demo data: place names with a descriptive part ("lufthavn", "havn")
BORDER_POINT_NAMES = {
    name: name
    for name in (
        N_("Oslo lufthavn Gardermoen"),
        N_("Svinesund"),
        N_("Magnor"),
        N_("Storskog"),
        N_("Bergen lufthavn Flesland"),
        N_("Stavanger lufthavn Sola"),
        N_("Trondheim lufthavn Værnes"),
        N_("Kristiansand lufthavn Kjevik"),
        N_("Sandefjord lufthavn Torp"),
        N_("Tromsø lufthavn"),
        N_("Oslo havn"),
        N_("Larvik havn"),
        N_("Kristiansand havn"),
    )
}

SCOPE_LEVEL_LABELS = {"national": N_("Nasjonal"), "county": N_("Fylke"), "kommune": N_("Kommune")}

__all__ = [
    "ARRIVALS_DAILY",
    "BORDER_POINT_NAMES",
    "COUNTRY_NAMES",
    "DAILY_DAYS",
    "DEFAULT_WINDOW",
    "DIMENSION_LABELS",
    "ENTRY_PARAMETER_LABELS",
    "ENTRY_RULES",
    "FUNNEL",
    "PENDING_DAYS",
    "QUALITY",
    "QUALITY_LABELS",
    "SCOPE_LEVEL_LABELS",
    "SOURCE",
    "STAGE_BASE_LABELS",
    "STAGE_LABELS",
    "STATUS_NOW_NOTE",
    "WINDOW_OPTIONS",
]
