"""Texts of the Regler pages (Norwegian bokmål): labels, definitions of the estimates that rules
drive, and the explanations shown beside the rules in force, the timeline and the diff.

No data imports (layouts read this module); the category keys are those of
``data.codes.RULE_CATEGORIES`` (a test keeps them equal).
"""

from __future__ import annotations

from dashboard.definitions.metrics import metric
from dashboard.i18n import N_

IN_FORCE = metric("rules_in_force")
IN_ISOLATION = metric("persons_in_isolation")
IN_QUARANTINE = metric("persons_in_quarantine")
TIMELINE = metric("rules_timeline")
DIFF = metric("rules_diff")

CATEGORY_LABELS: dict[str, str] = {
    "isolation": N_("Isolasjon"),
    "quarantine": N_("Smittekarantene"),
    "testing": N_("Testing"),
    "entry": N_("Innreise"),
    "certificate": N_("Koronasertifikat"),
    "gatherings": N_("Arrangementer og sosial kontakt"),
    "schools": N_("Skoler og barnehager"),
    "other": N_("Andre tiltak"),
}
LEVEL_LABELS: dict[str, str] = {
    "national": N_("Nasjonal"),
    "county": N_("Fylke"),
    "kommune": N_("Kommune"),
}
CHANGE_LABELS: dict[str, str] = {
    "added": N_("Ny"),
    "ended": N_("Opphører"),
    "changed": N_("Endret"),
}
# Colour groups of the timeline: where a rule comes from
SOURCE_LABELS: dict[str, str] = {
    "national": N_("Nasjonal regel"),
    "county": N_("Fylkesregel"),
    "kommune": N_("Lokal regel (kommunen)"),
    "oxcgrt": N_("OxCGRT-indikator (importert)"),
}
UPCOMING_OPTIONS = [
    {"label": N_("neste 7 dager"), "value": 7},
    {"label": N_("neste 30 dager"), "value": 30},
    {"label": N_("neste 90 dager"), "value": 90},
]
DEFAULT_UPCOMING_DAYS = 30
DIFF_DEFAULT_DAYS = 28
TIMELINE_AFTER_DAYS = 90  # the timeline also shows changes this long after the data date

NO_DUTY = N_("Ingen plikt")
NOT_IN_FORCE = N_("Ingen regel")

EDIT_INTRO = N_(
    "Registrer en ny versjon av en regel. Den forrige versjonen av samme regel (samme nøkkel og "
    "nivå) avsluttes dagen før den nye gjelder fra; ingenting overskrives. Alle registreringer "
    "føres i revisjonsloggen. Kommuneoverleger kan registrere lokale regler for egen kommune."
)
KEY_NEW = "__ny__"

# The field labels (data.rules.FIELD_LABELS) and the fixed validation messages of
# data.rules.record_rule_version, marked so that the form can show them translated; messages
# with values in them (a parameter's range, a date) are shown as the data layer writes them.
RULE_FORM_TEXTS: tuple[str, ...] = (
    N_("Regelnøkkel"),
    N_("Kategori"),
    N_("Nivå"),
    N_("Fylke/kommune"),
    N_("Parametere"),
    N_("Regeltekst"),
    N_("Myndighet"),
    N_("Kildelenke"),
    N_("Gjelder fra"),
    N_("Gjelder til"),
    N_("må fylles ut"),
    N_("må være en gyldig dato (ÅÅÅÅ-MM-DD)"),
    N_("må være en dato uten klokkeslett"),
    N_("må være en dato"),
    N_("må være tekst"),
    N_("må være en liste av parametere med verdier"),
    N_("er ikke et felt i en regelversjon"),
    N_("har en ugyldig verdi"),
    N_(
        "må være 2–40 tegn: små bokstaver, tall, punktum, bindestrek eller _ "
        "(for eksempel «isolasjon»)."
    ),
    N_("må være nasjonal, fylke eller kommune."),
    N_("velg fylket regelen gjelder for (fylkesnummer, to sifre)."),
    N_("velg kommunen regelen gjelder for (kommunenummer, fire sifre)."),
    N_("må fylles ut: skriv hva regelen sier, på bokmål."),
    N_("høyst 2000 tegn."),
    N_("må fylles ut (hvem har fastsatt regelen)."),
    N_("høyst 80 tegn."),
    N_("må være en nettadresse som begynner med https://."),
    N_("må være en dato mellom år 2000 og 2100."),
)

# The Norwegian texts of the rule parameters in data.rules.PARAMETERS (labels, choices, "not
# set" meanings, units) and of data.rules.parameter_text's values, marked here so that the
# pages can show them through the translation layer (the data layer does not import it; a test
# keeps this list complete).
RULE_PARAMETER_TEXTS: tuple[str, ...] = (
    N_("Isolasjon (dager)"),
    N_("ingen isolasjonsplikt"),
    N_("dager"),
    N_("Anbefalt å holde seg hjemme (dager)"),
    N_("ikke satt"),
    N_("Plikt (ikke bare anbefaling)"),
    N_("Karantene (dager)"),
    N_("ingen karanteneplikt"),
    N_("Kan teste seg ut av karantene"),
    N_("Hvem skal teste seg"),
    N_("Prioriterte grupper"),
    N_("Alle med symptomer"),
    N_("Selvtest, registreres"),
    N_("Bare ved behov"),
    N_("Positiv hurtigtest bekreftes med PCR"),
    N_("Positiv selvtest skal registreres"),
    N_("Test på grensen påbudt"),
    N_("Test på grensen tilbys"),
    N_("Test innen (timer etter ankomst)"),
    N_("ingen frist"),
    N_("timer"),
    N_("Innreiseregistrering påbudt"),
    N_("Koronasertifikat gir unntak fra karantene"),
    N_("Koronasertifikat gir unntak fra test"),
    N_("Karantenehotell"),
    N_("Brukes innenlands"),
    N_("Gyldig fra (dager etter dose)"),
    N_("Gyldighet etter dose 2 (dager)"),
    N_("Gyldighet etter oppfriskningsdose (dager)"),
    N_("Gyldig fra (dager etter positiv test)"),
    N_("Gyldighet etter gjennomgått sykdom (dager)"),
    N_("Gyldighet negativ PCR-test (timer)"),
    N_("Gyldighet negativ hurtigtest (timer)"),
    N_("Testattest utstedes"),
    N_("Gjester i private hjem (høyst)"),
    N_("ingen grense"),
    N_("Deltakere innendørs arrangement (høyst)"),
    N_("Hjemmekontor"),
    N_("ingen anbefaling"),
    N_("Påbudt der det er mulig"),
    N_("Anbefalt"),
    N_("Skjenkestopp"),
    N_("ingen"),
    N_("Besøkende på sykehjem (høyst)"),
    N_("Nivå"),
    N_("Stengt"),
    N_("Rødt nivå"),
    N_("Gult nivå"),
    N_("Grønt nivå"),
    N_("Ingen tiltak"),
    N_("Munnbind"),
    N_("Anbefalt på kollektivtransport i rushtiden"),
    N_("Anbefalt der avstand ikke kan holdes"),
    N_("Påbudt innendørs på offentlige steder"),
    N_("OxCGRT-indikator"),
    N_("Høyeste nivå"),
    N_("Gjelder hele landet"),
    N_("ja"),
    N_("nei"),
    N_("ved ankomst"),
)

__all__ = [
    "CATEGORY_LABELS",
    "CHANGE_LABELS",
    "DEFAULT_UPCOMING_DAYS",
    "DIFF",
    "DIFF_DEFAULT_DAYS",
    "EDIT_INTRO",
    "IN_FORCE",
    "IN_ISOLATION",
    "IN_QUARANTINE",
    "KEY_NEW",
    "LEVEL_LABELS",
    "NOT_IN_FORCE",
    "NO_DUTY",
    "RULE_FORM_TEXTS",
    "RULE_PARAMETER_TEXTS",
    "SOURCE_LABELS",
    "TIMELINE",
    "TIMELINE_AFTER_DAYS",
    "UPCOMING_OPTIONS",
]
