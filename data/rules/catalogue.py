"""The rule catalogue: scope levels, categories and the structured parameters each category
may carry (their specs, texts and bounds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from data.certificate_rules import CERTIFICATE_PARAMETERS

ScopeLevel = Literal["national", "county", "kommune"]

SCOPE_LEVELS: tuple[str, ...] = ("national", "county", "kommune")
LEVEL_LABELS = {"national": "Nasjonal", "county": "Fylke", "kommune": "Kommune"}
CATEGORY_LABELS = {
    "isolation": "Isolasjon",
    "quarantine": "Smittekarantene",
    "testing": "Testing",
    "entry": "Innreise",
    "certificate": "Koronasertifikat",
    "gatherings": "Arrangementer og sosial kontakt",
    "schools": "Skoler og barnehager",
    "other": "Andre tiltak",
}
OXCGRT_AUTHORITY = "OxCGRT"  # authority of imported Oxford tracker indicators starts with this
FAR_FUTURE = dt.date(9999, 12, 31)


# --------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class ParameterSpec:
    """One structured parameter: its Norwegian label, type and allowed values."""

    name: str
    label: str
    kind: Literal["int", "bool", "choice", "text"]
    lo: int | None = None
    hi: int | None = None
    choices: Mapping[str, str] = field(default_factory=dict)
    nullable: bool = True
    null_label: str = "ikke satt"
    unit: str = ""
    hidden: bool = False  # not shown to users (model internals of the demo data)


def _int(name: str, label: str, lo: int, hi: int, **kw: Any) -> ParameterSpec:
    return ParameterSpec(name, label, "int", lo=lo, hi=hi, **kw)


def _bool(name: str, label: str) -> ParameterSpec:
    return ParameterSpec(name, label, "bool")


PARAMETERS: dict[str, ParameterSpec] = {
    p.name: p
    for p in (
        _int(
            "isolation_days",
            "Isolasjon (dager)",
            0,
            21,
            null_label="ingen isolasjonsplikt",
            unit="dager",
        ),
        _int("advice_days", "Anbefalt å holde seg hjemme (dager)", 0, 21, unit="dager"),
        _bool("mandatory", "Plikt (ikke bare anbefaling)"),
        _int(
            "quarantine_days",
            "Karantene (dager)",
            0,
            21,
            null_label="ingen karanteneplikt",
            unit="dager",
        ),
        _bool("test_out", "Kan teste seg ut av karantene"),
        ParameterSpec(
            "target_group",
            "Hvem skal teste seg",
            "choice",
            choices={
                "priority": "Prioriterte grupper",
                "all_symptomatic": "Alle med symptomer",
                "self_test": "Selvtest, registreres",
                "when_needed": "Bare ved behov",
            },
        ),
        _bool("pcr_confirmation", "Positiv hurtigtest bekreftes med PCR"),
        _bool("self_test_registration", "Positiv selvtest skal registreres"),
        _bool("border_test_required", "Test på grensen påbudt"),
        _bool("border_test_offered", "Test på grensen tilbys"),
        _int(
            "test_within_hours",
            "Test innen (timer etter ankomst)",
            1,
            168,
            null_label="ingen frist",
            unit="timer",
        ),
        _bool("registration_required", "Innreiseregistrering påbudt"),
        _bool("certificate_exempts_quarantine", "Koronasertifikat gir unntak fra karantene"),
        _bool("certificate_exempts_test", "Koronasertifikat gir unntak fra test"),
        _bool("quarantine_hotel", "Karantenehotell"),
        _bool("domestic_use", "Brukes innenlands"),
        _int(
            "vaccinated_delay_days",
            "Gyldig fra (dager etter dose)",
            0,
            60,
            nullable=False,
            unit="dager",
        ),
        _int(
            "vaccinated_valid_days",
            "Gyldighet etter dose 2 (dager)",
            1,
            730,
            nullable=False,
            unit="dager",
        ),
        _int(
            "booster_valid_days",
            "Gyldighet etter oppfriskningsdose (dager)",
            1,
            730,
            nullable=False,
            unit="dager",
        ),
        _int(
            "recovered_delay_days",
            "Gyldig fra (dager etter positiv test)",
            0,
            60,
            nullable=False,
            unit="dager",
        ),
        _int(
            "recovered_valid_days",
            "Gyldighet etter gjennomgått sykdom (dager)",
            1,
            730,
            nullable=False,
            unit="dager",
        ),
        _int(
            "tested_pcr_valid_hours",
            "Gyldighet negativ PCR-test (timer)",
            1,
            168,
            nullable=False,
            unit="timer",
        ),
        _int(
            "tested_antigen_valid_hours",
            "Gyldighet negativ hurtigtest (timer)",
            1,
            168,
            nullable=False,
            unit="timer",
        ),
        _bool("tested_issued", "Testattest utstedes"),
        _int(
            "max_private_guests",
            "Gjester i private hjem (høyst)",
            0,
            100_000,
            null_label="ingen grense",
        ),
        _int(
            "max_indoor_public",
            "Deltakere innendørs arrangement (høyst)",
            0,
            100_000,
            null_label="ingen grense",
        ),
        ParameterSpec(
            "home_office",
            "Hjemmekontor",
            "choice",
            choices={"required": "Påbudt der det er mulig", "recommended": "Anbefalt"},
            null_label="ingen anbefaling",
        ),
        ParameterSpec("serving_stop", "Skjenkestopp", "text", null_label="ingen"),
        _int("nursing_home_visitors", "Besøkende på sykehjem (høyst)", 0, 100),
        ParameterSpec(
            "level",
            "Nivå",
            "choice",
            choices={
                "closed": "Stengt",
                "red": "Rødt nivå",
                "yellow": "Gult nivå",
                "green": "Grønt nivå",
                "none": "Ingen tiltak",
            },
        ),
        ParameterSpec(
            "face_masks",
            "Munnbind",
            "choice",
            choices={
                "public_transport_rush": "Anbefalt på kollektivtransport i rushtiden",
                "where_distance_impossible": "Anbefalt der avstand ikke kan holdes",
                "required_indoors_public": "Påbudt innendørs på offentlige steder",
            },
            null_label="ingen anbefaling",
        ),
        ParameterSpec("contact_factor", "Modellert effekt på kontakter", "text", hidden=True),
        ParameterSpec("indicator", "OxCGRT-indikator", "text"),
        _int("max_level", "Høyeste nivå", 0, 10),
        _bool("general", "Gjelder hele landet"),
    )
}
# The schools' traffic light and the OxCGRT indicator level share the name "level": an OxCGRT
# level is a number, shown as such (see :func:`parameter_text`).
CATEGORY_PARAMETERS: dict[str, tuple[str, ...]] = {
    "isolation": ("isolation_days", "mandatory", "advice_days"),
    "quarantine": ("quarantine_days", "test_out", "mandatory"),
    "testing": ("target_group", "pcr_confirmation", "self_test_registration"),
    "entry": (
        "quarantine_days",
        "test_within_hours",
        "registration_required",
        "border_test_required",
        "border_test_offered",
        "certificate_exempts_quarantine",
        "certificate_exempts_test",
        "quarantine_hotel",
    ),
    # the parameters the certificate derivation reads, and whether certificates are in use
    "certificate": (*CERTIFICATE_PARAMETERS, "domestic_use"),
    "gatherings": (
        "max_private_guests",
        "max_indoor_public",
        "home_office",
        "serving_stop",
        "nursing_home_visitors",
    ),
    "schools": ("level",),
    "other": ("face_masks",),
}
REQUIRED_PARAMETERS: dict[str, tuple[str, ...]] = {
    "isolation": ("isolation_days",),
    "quarantine": ("quarantine_days",),
    "entry": ("quarantine_days",),
    "certificate": tuple(
        p for p in CATEGORY_PARAMETERS["certificate"] if not PARAMETERS[p].nullable
    ),
}
MAX_PARAMETERS = 30
LOOKBACK_DAYS = 60  # longest isolation or quarantine period that estimates look back for


def is_oxcgrt(authority: object) -> bool:
    return str(authority or "").startswith(OXCGRT_AUTHORITY)


def parameter_parts(name: str, value: Any) -> tuple[str, str]:
    """One parameter's label and value as Norwegian words: («Isolasjon (dager)», «5»)."""
    spec = PARAMETERS.get(name)
    if spec is None:
        return name, "–" if value is None else str(value)
    if value is None:
        shown = spec.null_label
    elif name == "test_within_hours" and value == 0:
        shown = "ved ankomst"  # older versions: test at the border on arrival
    elif spec.kind == "bool":
        shown = "ja" if value else "nei"
    elif spec.kind == "choice" and str(value) in spec.choices:
        shown = spec.choices[str(value)]
    else:
        shown = str(value)
    return spec.label, shown


def parameter_text(name: str, value: Any) -> str:
    """One parameter as a Norwegian phrase: «Isolasjon (dager): 5»."""
    label, shown = parameter_parts(name, value)
    return f"{label}: {shown}"


def parameters_text(parameters: Mapping[str, Any] | None) -> list[str]:
    """The parameters a user should see, as phrases, in the order of the category forms."""
    params = dict(parameters or {})
    order = [p for names in CATEGORY_PARAMETERS.values() for p in names]
    names = sorted(params, key=lambda n: (order.index(n) if n in order else len(order), n))
    return [
        parameter_text(n, params[n])
        for n in names
        if not (n in PARAMETERS and PARAMETERS[n].hidden)
    ]
