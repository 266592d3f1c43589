"""What the loaded data lack, in plain language: shown instead of zeros on real data.

Each text names what is missing and why (what was published, and at which level), from the
availability the data layer reports (:func:`data.queries.sources.subject_availability`).
The texts are source strings (bokmål); :func:`not_published_text` returns them translated.
"""

from __future__ import annotations

from typing import Any

from dashboard import formatting
from dashboard.i18n import N_, _

# One whole sentence per subject and case (no sentence is assembled from translated pieces).
NATIONAL_SHOWN = {
    "tests": N_(
        "FHI publiserte ikke testdata per kommune; nasjonale tall (testhendelser etter "
        "prøvedato) vises."
    ),
    "hospital": N_(
        "FHI publiserte ikke sykehusinnleggelser per kommune; nasjonale tall (innleggelser med "
        "covid-19 som hovedårsak) vises."
    ),
    "icu": N_("FHI publiserte ikke intensivinnleggelser per kommune; nasjonale tall vises."),
}

MISSING = {
    "tests": N_("Ingen testdata i datagrunnlaget."),
    "hospital": N_("Ingen sykehusinnleggelser i datagrunnlaget."),
    "icu": N_("Ingen intensivinnleggelser i datagrunnlaget."),
    "arrivals": N_(
        "Ingen ankomster i datagrunnlaget. Innreiseregisteret er ikke publisert som åpne data. "
        "FHIs liste over fly, tog, busser og skip med smittede om bord er ikke et antall "
        "reisende og brukes ikke her."
    ),
    "certificates": N_(
        "Ingen koronasertifikater i datagrunnlaget. Koronasertifikater er ikke publisert som "
        "åpne data, verken per kommune eller for landet. Regelhistorikken (OxCGRT) vises på "
        "Regler-siden."
    ),
    "clusters": N_(
        "Ingen smitteklynger i datagrunnlaget. Smittesporingsdata (klynger) er ikke publisert "
        "som åpne data."
    ),
    "cases": N_("Ingen smittetilfeller i datagrunnlaget."),
}
# kept for callers that name a subject
SUBJECT_NAMES = {
    "tests": N_("testdata"),
    "hospital": N_("sykehusinnleggelser"),
    "icu": N_("intensivinnleggelser"),
    "arrivals": N_("ankomster"),
    "certificates": N_("koronasertifikater"),
    "clusters": N_("smitteklynger"),
    "vaccination_by_age": N_("vaksinasjoner etter alder og dato"),
    "cases": N_("smittetilfeller"),
}


def not_published_text(subject: str, availability: dict[str, Any]) -> str | None:
    """The sentence a page shows when the data lack ``subject`` per kommune (translated);
    None if present."""
    if availability.get("kommune"):
        return None
    if subject == "vaccination_by_age":
        snapshot = availability.get("snapshot_date")
        if snapshot:
            return _(
                "FHI publiserte ikke vaksinasjoner etter alder og dato per kommune; dekningen "
                "vises som FHIs øyeblikksbilde per {dato} (personer 12 år og eldre). Dekning over "
                "tid finnes ikke.",
                dato=formatting.date_short(snapshot),
            )
        return _("FHI publiserte ikke vaksinasjoner etter alder per kommune; ingen dekning vises.")
    if availability.get("nation") and subject in NATIONAL_SHOWN:
        return _(NATIONAL_SHOWN[subject])
    if subject in MISSING:
        return _(MISSING[subject])
    return _("Ingen {tema} i datagrunnlaget.", tema=_(SUBJECT_NAMES.get(subject, subject)))


__all__ = ["MISSING", "NATIONAL_SHOWN", "SUBJECT_NAMES", "not_published_text"]


def subject_lacking_text(subject: str, code: str) -> str:
    """The sentence a page about ``subject`` shows for a disease that does not have it
    (translated): which diseases it exists for (``data.codes.DISEASES``)."""
    from data.codes import DISEASES

    having = [_(d.name) for d in DISEASES.values() if d.has(subject)]
    return _(
        "Ingen {tema} for {sykdom}: finnes bare for {sykdommer}.",
        tema=_(SUBJECT_NAMES.get(subject, subject)),
        sykdom=_(DISEASES[code].name),
        sykdommer=", ".join(having) if having else "–",
    )
