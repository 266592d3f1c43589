"""Texts of the Regler pages (Norwegian bokmål): labels, definitions of the estimates that rules
drive, and the explanations shown beside the rules in force, the timeline and the diff.

No data imports (layouts read this module); the category keys are those of
``data.codes.RULE_CATEGORIES`` (a test keeps them equal).
"""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition

CATEGORY_LABELS: dict[str, str] = {
    "isolation": "Isolasjon",
    "quarantine": "Smittekarantene",
    "testing": "Testing",
    "entry": "Innreise",
    "certificate": "Koronasertifikat",
    "gatherings": "Arrangementer og sosial kontakt",
    "schools": "Skoler og barnehager",
    "other": "Andre tiltak",
}
LEVEL_LABELS: dict[str, str] = {"national": "Nasjonal", "county": "Fylke", "kommune": "Kommune"}
CHANGE_LABELS: dict[str, str] = {"added": "Ny", "ended": "Opphører", "changed": "Endret"}
# Colour groups of the timeline: where a rule comes from
SOURCE_LABELS: dict[str, str] = {
    "national": "Nasjonal regel",
    "county": "Fylkesregel",
    "kommune": "Lokal regel (kommunen)",
    "oxcgrt": "OxCGRT-indikator (importert)",
}
UPCOMING_OPTIONS = [
    {"label": "neste 7 dager", "value": 7},
    {"label": "neste 30 dager", "value": 30},
    {"label": "neste 90 dager", "value": 90},
]
DEFAULT_UPCOMING_DAYS = 30
DIFF_DEFAULT_DAYS = 28
TIMELINE_AFTER_DAYS = 90  # the timeline also shows changes this long after the data date

IN_FORCE = MetricDefinition(
    key="rules_in_force",
    label="Regler i kraft",
    unit="",
    definition=(
        "Nasjonale regler, fylkets regler og kommunens egne (lokale) regler som gjelder på valgt "
        "dato. Har en regel en lokal versjon for kommunen, gjelder den lokale versjonen i denne "
        "kommunen i stedet for den nasjonale; andre kommuner har fortsatt den nasjonale. "
        "Regelversjoner overskrives aldri: en ny versjon avløser den forrige fra en dato."
    ),
    source="Regelregisteret i Situasjonsbilde (registrert av regelredaktør, administrator "
    "eller kommuneoverlege for egen kommune)",
)
IN_ISOLATION = MetricDefinition(
    key="persons_in_isolation",
    label="I isolasjon (anslag)",
    unit="personer",
    definition=(
        "Tilfeller registrert i kommunen med prøvedato innenfor isolasjonstiden som gjaldt på "
        "prøvedatoen (isolasjonsregelen i kraft for kommunen den dagen). Når plikten er opphevet, "
        "telles ingen. Et anslag: faktisk isolasjon følger symptomstart og avsluttes individuelt."
    ),
    source="MSIS-tilfeller etter prøvedato og isolasjonsregelen i regelregisteret",
)
IN_QUARANTINE = MetricDefinition(
    key="persons_in_quarantine",
    label="I innreisekarantene (anslag)",
    unit="personer",
    definition=(
        "Ankomster til kommunen med krav om innreisekarantene og ankomstdato innenfor "
        "karantenetiden i innreiseregelen som gjaldt på ankomstdatoen. Smittekarantene for "
        "nærkontakter kan ikke anslås: datagrunnlaget har ingen kontakter."
    ),
    source="Innreiseregistreringen og innreiseregelen i regelregisteret",
)
TIMELINE = MetricDefinition(
    key="rules_timeline",
    label="Tidslinje",
    unit="",
    definition=(
        "Én rad per kategori; hvert merke er en dag da det som gjaldt i kommunen endret seg "
        "(ny regel, endrede parametere eller tekst, eller en regel som opphørte). Fargen viser "
        "om endringen er nasjonal, i fylket eller lokal. Importerte OxCGRT-indikatorer (Oxford-"
        "sporingen av myndighetstiltak) vises som egne merker. Over: 7-dagers insidens per "
        "100 000 for kommunen og hele landet, og – når OxCGRT-data er importert – Oxfords "
        "strenghetsindeks for Norge (0–100, høyre akse): et sammensatt mål på hvor strenge de "
        "nasjonale tiltakene var (skoler, arbeidsplasser, arrangementer, samlinger, reiser m.m.)."
    ),
    source=(
        "Regelregisteret; MSIS-tilfeller; Oxford COVID-19 Government Response Tracker "
        "(Hale mfl. 2021, CC BY 4.0) når importert"
    ),
)
DIFF = MetricDefinition(
    key="rules_diff",
    label="Sammenligning",
    unit="",
    definition=(
        "Reglene som gjaldt i kommunen på den første datoen mot dem som gjaldt på den andre. "
        "Uendrede regler er utelatt; for endrede regler vises parameterne som er endret."
    ),
    source="Regelregisteret",
)
NO_DUTY = "Ingen plikt"
NOT_IN_FORCE = "Ingen regel"

EDIT_INTRO = (
    "Registrer en ny versjon av en regel. Den forrige versjonen av samme regel (samme nøkkel og "
    "nivå) avsluttes dagen før den nye gjelder fra; ingenting overskrives. Alle registreringer "
    "føres i revisjonsloggen. Kommuneoverleger kan registrere lokale regler for egen kommune."
)
KEY_NEW = "__ny__"

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
    "SOURCE_LABELS",
    "TIMELINE",
    "TIMELINE_AFTER_DAYS",
    "UPCOMING_OPTIONS",
]
