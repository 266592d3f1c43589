"""Definitions and labels of the Innreise page (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition

SOURCE = "Innreiseregisteret (registrerte ankomster) med kommunens oppfølging"
PENDING_DAYS = 7  # follow-up still pending this many days after arrival is a quality flag
WINDOW_OPTIONS = (7, 14, 28)
DEFAULT_WINDOW = 14
DAILY_DAYS = 56  # arrivals per day: the 8 weeks ending on the chosen date

FUNNEL = MetricDefinition(
    key="arrivals_funnel",
    label="Oppfølgingstrakt for innreisende",
    unit="personer",
    definition=(
        "Ankomster med oppholdskommunen som kommune og ankomstdato i vinduet som ender på valgt "
        "dato. Registrert: alle registrerte ankomster. Testet innen fristen: testet ved "
        "ankomst (test på grensen); tester tatt senere er ikke koblet til registreringen i "
        "datagrunnlaget. Positive: positiv test, andel av de testede. Karantenekrav: ankomster "
        "med krav om innreisekarantene. Oppfølging fullført: kommunens oppfølging er registrert "
        "som fullført. Andeler er av de registrerte, unntatt positive (av de testede). "
        "Trinnene er ikke nøstet: karantenekrav gjelder også dem som ikke testet positivt."
    ),
    source=SOURCE,
)

ARRIVALS_DAILY = MetricDefinition(
    key="arrivals_daily",
    label="Ankomster per dag",
    unit="ankomster",
    definition=(
        "Registrerte ankomster per ankomstdato med kommunen som oppholdskommune, de siste "
        f"{DAILY_DAYS // 7} "
        "ukene til og med valgt dato, fordelt på innreisested og avreiseland. De seks største "
        "vises hver for seg, resten som «Andre». Det skraverte feltet er vinduet for trakten."
    ),
    source=SOURCE,
)

QUALITY = MetricDefinition(
    key="arrivals_quality",
    label="Datakvalitet",
    unit="andel",
    definition=(
        "Uten F/D-nummer: registrerte uten fødselsnummer eller D-nummer, som gjør oppfølging og "
        "kobling til prøvesvar vanskelig. Oppfølging venter fortsatt: ankomster for minst "
        f"{PENDING_DAYS} dager siden (innen vinduet) der oppfølgingen ennå ikke er fullført "
        "eller avsluttet. Testet uten svar: testet ved ankomst, men uten registrert "
        "prøvesvar. Ikke nådd: oppfølgingen er avsluttet uten at personen ble nådd."
    ),
    source=SOURCE,
)

STATUS_NOW_NOTE = (
    "Oppfølgingsstatus og prøvesvar er slik de er registrert i datagrunnlaget nå, ikke slik "
    "de sto på valgt dato."
)

ENTRY_RULES = MetricDefinition(
    key="entry_rules",
    label="Innreiseregler i kraft",
    unit="",
    definition=(
        "Regelversjoner i kategorien innreise som gjaldt på valgt dato: nasjonale regler og "
        "eventuelle regler for fylket eller kommunen. Har samme regel en lokal versjon, vises "
        "den lokale."
    ),
    source="Regelregisteret i Situasjonsbilde (versjonerte regler)",
)

STAGE_LABELS = {
    "registered": "Registrert",
    "tested": "Testet innen fristen",
    "positive": "Positive",
    "quarantine_required": "Karantenekrav",
    "follow_up_completed": "Oppfølging fullført",
}
STAGE_BASE_LABELS = {
    "registered": "av registrerte",
    "tested": "av testede",
}

QUALITY_LABELS = {
    "without_fd_number": "Uten F/D-nummer",
    "pending_overdue": f"Oppfølging venter fortsatt etter {PENDING_DAYS} dager",
    "tested_no_result": "Testet uten registrert svar",
    "follow_up_lost": "Ikke nådd (oppfølging avsluttet)",
}

DIMENSION_LABELS = {
    "border_point": "innreisested",
    "country_of_departure": "avreiseland",
}

COUNTRY_NAMES = {
    "SE": "Sverige",
    "DK": "Danmark",
    "FI": "Finland",
    "PL": "Polen",
    "LT": "Litauen",
    "LV": "Latvia",
    "EE": "Estland",
    "DE": "Tyskland",
    "GB": "Storbritannia",
    "ES": "Spania",
    "US": "USA",
    "NL": "Nederland",
    "FR": "Frankrike",
    "IT": "Italia",
    "RO": "Romania",
    "UA": "Ukraina",
    "TR": "Tyrkia",
    "RU": "Russland",
    "TH": "Thailand",
    "IS": "Island",
    "PT": "Portugal",
    "GR": "Hellas",
}

ENTRY_PARAMETER_LABELS = {
    "quarantine_days": "Innreisekarantene (dager)",
    "border_test_required": "Test på grensen påbudt",
    "border_test_offered": "Test på grensen tilbys",
    "test_within_hours": "Test innen (timer etter ankomst)",
    "registration_required": "Innreiseregistrering påbudt",
    "certificate_exempts_quarantine": "Koronasertifikat gir unntak fra karantene",
    "certificate_exempts_test": "Koronasertifikat gir unntak fra test",
    "quarantine_hotel": "Karantenehotell",
}

SCOPE_LEVEL_LABELS = {"national": "Nasjonal", "county": "Fylke", "kommune": "Kommune"}

__all__ = [
    "ARRIVALS_DAILY",
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
