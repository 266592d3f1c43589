"""What the loaded data lack, in plain Norwegian: shown instead of zeros on real data.

Each text names what is missing and why (what was published, and at which level), from the
availability the data layer reports (:func:`data.queries.sources.subject_availability`).
"""

from __future__ import annotations

from typing import Any

from dashboard import formatting

SUBJECT_NAMES = {
    "tests": "testdata",
    "hospital": "sykehusinnleggelser",
    "icu": "intensivinnleggelser",
    "arrivals": "ankomster",
    "certificates": "koronasertifikater",
    "clusters": "smitteklynger",
    "vaccination_by_age": "vaksinasjoner etter alder og dato",
    "cases": "smittetilfeller",
}

NATIONAL_SHOWN = {
    "tests": "nasjonale tall (testhendelser etter prøvedato) vises",
    "hospital": "nasjonale tall (innleggelser med covid-19 som hovedårsak) vises",
    "icu": "nasjonale tall vises",
    "vaccination_by_age": "dekningen vises som FHIs øyeblikksbilde",
}

WHY = {
    "arrivals": (
        "Innreiseregisteret er ikke publisert som åpne data. FHIs liste over fly, tog, busser "
        "og skip med smittede om bord er ikke et antall reisende og brukes ikke her."
    ),
    "certificates": (
        "Koronasertifikater er ikke publisert som åpne data, verken per kommune eller for "
        "landet. Regelhistorikken (OxCGRT) vises på Regler-siden."
    ),
    "clusters": "Smittesporingsdata (klynger) er ikke publisert som åpne data.",
}


def not_published_text(subject: str, availability: dict[str, Any]) -> str | None:
    """The sentence a page shows when the data lack ``subject`` per kommune; None if present."""
    if availability.get("kommune"):
        return None
    name = SUBJECT_NAMES.get(subject, subject)
    if subject == "vaccination_by_age":
        snapshot = availability.get("snapshot_date")
        if snapshot:
            return (
                "FHI publiserte ikke vaksinasjoner etter alder og dato per kommune; dekningen "
                f"vises som FHIs øyeblikksbilde per {formatting.date_short(snapshot)} "
                "(personer 12 år og eldre). Dekning over tid finnes ikke."
            )
        return "FHI publiserte ikke vaksinasjoner etter alder per kommune; ingen dekning vises."
    if availability.get("nation") and subject in NATIONAL_SHOWN:
        return f"FHI publiserte ikke {name} per kommune; {NATIONAL_SHOWN[subject]}."
    why = WHY.get(subject, "")
    return f"Ingen {name} i datagrunnlaget. {why}".strip()


__all__ = ["NATIONAL_SHOWN", "SUBJECT_NAMES", "not_published_text"]
