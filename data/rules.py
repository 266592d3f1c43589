"""The rules registry: national, county and local rules as versioned data.

A rule (``rule_key``) has versions; each version has a category, structured parameters, a
Norwegian text, the authority and a link, a scope (national, one county or one kommune) and a
validity period ``valid_from`` … ``valid_to`` (inclusive; open when ``valid_to`` is empty).
Versions are never overwritten, only superseded: recording a new version sets the previous
version's ``valid_to`` to the day before the new one starts (the one update allowed) and points
the new row's ``supersedes_id`` at it.

What applies in a kommune on a day: the national versions, the county's and the kommune's own.
Where one rule has versions at several levels, the most local one applies, for that kommune
only (a local version of ``isolasjon`` for 0301 replaces the national ``isolasjon`` in Oslo).
Among versions of one rule at one level valid on the same day (imports may overlap) the one
that started last, then the one recorded last, applies.

Reads are keyword-only, take the caller's scope, return DataFrames and are cached with the data
version in the key; recording bumps the data version in the same transaction. Rules for one
kommune are read like every other kommune page: the kommune must be in the caller's scope.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import and_, func, insert, select, update

from data import audit, certificate_aggregates, db
from data import cache as data_cache
from data.cache import cached
from data.certificate_rules import LEVEL_RANK, NONE, epoch_day, persons_within, rule_days
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE, RULE_CATEGORIES
from data.load import bump_data_version
from data.protection import protect
from data.schema import AggArrivalsDaily, AggCasesDaily, Fylke, Kommune, RuleVersion
from data.scope import Scope, ScopeError

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

VERSION_COLUMNS = [
    "id",
    "rule_key",
    "category",
    "scope_level",
    "scope_code",
    "parameters",
    "text_nb",
    "authority",
    "source_url",
    "valid_from",
    "valid_to",
    "recorded_at",
    "recorded_by",
    "supersedes_id",
]
IN_FORCE_COLUMNS = [*VERSION_COLUMNS, "overrides_id", "overrides_scope_level"]
SIDE_COLUMNS = [
    "id",
    "scope_level",
    "scope_code",
    "text_nb",
    "parameters",
    "valid_from",
    "valid_to",
]
CHANGE_COLUMNS = [
    "effective_date",
    "rule_key",
    "category",
    "change",  # added | ended | changed
    *[f"{c}_before" for c in SIDE_COLUMNS],
    *[f"{c}_after" for c in SIDE_COLUMNS],
    "changed_parameters",
    "authority",
    "source_url",
]


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
    "certificate": (
        "vaccinated_delay_days",
        "vaccinated_valid_days",
        "booster_valid_days",
        "recovered_delay_days",
        "recovered_valid_days",
        "tested_pcr_valid_hours",
        "tested_antigen_valid_hours",
        "tested_issued",
        "domestic_use",
    ),
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


def parameter_text(name: str, value: Any) -> str:
    """One parameter as a Norwegian phrase: «Isolasjon (dager): 5»."""
    spec = PARAMETERS.get(name)
    if spec is None:
        shown = "–" if value is None else str(value)
        return f"{name}: {shown}"
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
    return f"{spec.label}: {shown}"


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


# --------------------------------------------------------------------------- validation
FIELD_LABELS = {
    "rule_key": "Regelnøkkel",
    "category": "Kategori",
    "scope_level": "Nivå",
    "scope_code": "Fylke/kommune",
    "parameters": "Parametere",
    "text_nb": "Regeltekst",
    "authority": "Myndighet",
    "source_url": "Kildelenke",
    "valid_from": "Gjelder fra",
    "valid_to": "Gjelder til",
}
RULE_KEY_PATTERN = re.compile(r"^[a-z0-9æøå][a-z0-9æøå_.\-]{1,39}$")
PARAMETER_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TYPE_MESSAGES = {
    "missing": "må fylles ut",
    "date_parsing": "må være en gyldig dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "må være en gyldig dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_inexact": "må være en dato uten klokkeslett",
    "date_type": "må være en dato",
    "string_type": "må være tekst",
    "dict_type": "må være en liste av parametere med verdier",
    "extra_forbidden": "er ikke et felt i en regelversjon",
}


class RuleValidationError(ValueError):
    """Input for a rule version that cannot be recorded. ``errors`` holds (field, message)
    pairs; every message names the field in Norwegian. Nothing has been changed."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__(" ".join(message for _field, message in self.errors))


def _fail(field_name: str, message: str) -> PydanticCustomError:
    label = FIELD_LABELS.get(field_name, field_name)
    return PydanticCustomError("regel", "{label}: {message}", {"label": label, "message": message})


def _date_nb(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def _check_parameter(name: str, value: Any) -> str | None:
    """A Norwegian message when ``value`` is not allowed for parameter ``name``."""
    spec = PARAMETERS.get(name)
    if spec is None:
        if not PARAMETER_NAME_PATTERN.match(name):
            return f"navnet «{name}» er ugyldig (små bokstaver, tall og _)."
        ok = (
            value is None
            or isinstance(value, bool | int | float)
            or (isinstance(value, str) and len(value) <= 200)
        )
        return None if ok else f"«{name}» må være et tall, ja/nei eller kort tekst."
    label = f"«{spec.label}»"
    if value is None or value == "":
        return None if spec.nullable else f"{label} må fylles ut."
    if spec.kind == "bool":
        return None if isinstance(value, bool) else f"{label} må være ja eller nei."
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{label} må være et heltall."
        if isinstance(value, float) and not value.is_integer():
            return f"{label} må være et heltall."
        if (spec.lo is not None and value < spec.lo) or (spec.hi is not None and value > spec.hi):
            unit = f" {spec.unit}" if spec.unit else ""
            return f"{label} må være mellom {spec.lo} og {spec.hi}{unit}."
        return None
    if spec.kind == "choice":
        if name == "level" and isinstance(value, int) and not isinstance(value, bool):
            return None  # an OxCGRT indicator level
        if str(value) not in spec.choices:
            allowed = ", ".join(spec.choices.values())
            return f"{label} må være ett av: {allowed}."
        return None
    if not isinstance(value, str | int | float) or len(str(value)) > 200:
        return f"{label} må være kort tekst (høyst 200 tegn)."
    return None


class RuleInput(BaseModel):
    """A new rule version as entered (fields are validated in this order)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    rule_key: str
    category: str
    scope_level: str
    scope_code: str | None = None
    parameters: dict[str, Any]
    text_nb: str
    authority: str
    source_url: str | None = None
    valid_from: dt.date
    valid_to: dt.date | None = None

    @field_validator("rule_key")
    @classmethod
    def _key(cls, value: str) -> str:
        value = value.lower()
        if not RULE_KEY_PATTERN.match(value):
            raise _fail(
                "rule_key",
                "må være 2–40 tegn: små bokstaver, tall, punktum, bindestrek eller _ "
                "(for eksempel «isolasjon»).",
            )
        return value

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in RULE_CATEGORIES:
            allowed = ", ".join(CATEGORY_LABELS[c] for c in RULE_CATEGORIES)
            raise _fail("category", f"må være en av kategoriene {allowed}.")
        return value

    @field_validator("scope_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value not in SCOPE_LEVELS:
            raise _fail("scope_level", "må være nasjonal, fylke eller kommune.")
        return value

    @field_validator("scope_code")
    @classmethod
    def _code(cls, value: str | None, info: ValidationInfo) -> str | None:
        level = info.data.get("scope_level")
        value = value or None
        if level == "national":
            return None
        if level == "county" and not (value and re.fullmatch(r"\d{2}", value)):
            raise _fail("scope_code", "velg fylket regelen gjelder for (fylkesnummer, to sifre).")
        if level == "kommune" and not (value and re.fullmatch(r"\d{4}", value)):
            raise _fail(
                "scope_code", "velg kommunen regelen gjelder for (kommunenummer, fire sifre)."
            )
        return value

    @field_validator("parameters")
    @classmethod
    def _parameters(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        if len(value) > MAX_PARAMETERS:
            raise _fail("parameters", f"høyst {MAX_PARAMETERS} parametere.")
        problems = [p for n, v in value.items() if (p := _check_parameter(str(n), v))]
        category = info.data.get("category")
        for name in REQUIRED_PARAMETERS.get(str(category), ()):
            if name not in value or (value[name] is None and not PARAMETERS[name].nullable):
                label = PARAMETERS[name].label
                problems.append(f"«{label}» må fylles ut for denne kategorien.")
        if problems:
            raise _fail("parameters", " ".join(problems))
        out: dict[str, Any] = {}
        for name, v in value.items():
            spec = PARAMETERS.get(name)
            if v == "":
                v = None
            if spec is not None and spec.kind == "int" and isinstance(v, float):
                v = int(v)
            out[str(name)] = v
        return out

    @field_validator("text_nb")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value:
            raise _fail("text_nb", "må fylles ut: skriv hva regelen sier, på bokmål.")
        if len(value) > 2000:
            raise _fail("text_nb", "høyst 2000 tegn.")
        return value

    @field_validator("authority")
    @classmethod
    def _authority(cls, value: str) -> str:
        if not value:
            raise _fail("authority", "må fylles ut (hvem har fastsatt regelen).")
        if len(value) > 80:
            raise _fail("authority", "høyst 80 tegn.")
        return value

    @field_validator("source_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value) or len(value) > 300:
            raise _fail("source_url", "må være en nettadresse som begynner med https://.")
        return value

    @field_validator("valid_from")
    @classmethod
    def _from(cls, value: dt.date) -> dt.date:
        if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
            raise _fail("valid_from", "må være en dato mellom år 2000 og 2100.")
        return value

    @field_validator("valid_to")
    @classmethod
    def _to(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None and value < start:
            raise _fail(
                "valid_to",
                f"må være samme dag som eller etter «Gjelder fra» ({_date_nb(start)}); "
                f"{_date_nb(value)} er før.",
            )
        return value


def _errors_nb(error: ValidationError) -> list[tuple[str, str]]:
    out = []
    for e in error.errors():
        name = str(e["loc"][0]) if e["loc"] else "regel"
        if e["type"] == "regel":
            out.append((name, e["msg"]))
            continue
        message = _TYPE_MESSAGES.get(e["type"], "har en ugyldig verdi")
        if e.get("input") is None or e.get("input") == "":
            message = "må fylles ut"
        out.append((name, f"{FIELD_LABELS.get(name, name)}: {message}."))
    return out


def validate_rule(**values: Any) -> RuleInput:
    """Validate a rule version's fields; raises :class:`RuleValidationError` (Norwegian)."""
    try:
        return RuleInput(**values)
    except ValidationError as err:
        raise RuleValidationError(_errors_nb(err)) from None


# --------------------------------------------------------------------------- reading
def _frame(query: Any, columns: Sequence[str]) -> pd.DataFrame:
    with db.engine().connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=list(columns))


@cached()
def _all_versions(*, disease: str) -> pd.DataFrame:
    """Every stored version (internal: the public reads below apply the scope)."""
    r = RuleVersion
    q = select(*(getattr(r, c) for c in VERSION_COLUMNS)).where(r.disease == disease)
    out = _frame(q.order_by(r.id), VERSION_COLUMNS)
    for c in ("valid_from", "valid_to", "recorded_at"):
        out[c] = pd.to_datetime(out[c])
    out["supersedes_id"] = out["supersedes_id"].astype("Int64")
    out["parameters"] = [p if isinstance(p, dict) else {} for p in out["parameters"]]
    return out


@cached()
def _kommune_fylke(*, kommunenummer: str) -> str:
    with db.engine().connect() as conn:
        fylke = conn.execute(
            select(Kommune.fylkesnummer).where(
                Kommune.structure == CURRENT_STRUCTURE, Kommune.kommunenummer == kommunenummer
            )
        ).scalar_one_or_none()
    if fylke is None:
        raise LookupError(f"Fant ingen kommune med nummer {kommunenummer}")
    return str(fylke)


def _place(scope: Scope, kommunenummer: str | None) -> tuple[str | None, str | None]:
    """(kommune, fylke) after the scope check; (None, None) for the national rules only."""
    if kommunenummer is None:
        return None, None
    scope.restrict([kommunenummer])
    return kommunenummer, _kommune_fylke(kommunenummer=kommunenummer)


def _visible(scope: Scope, versions: pd.DataFrame) -> pd.DataFrame:
    """National and county versions for everyone; local ones for the kommuner in scope."""
    if scope.kommuner is None:
        return versions
    local = versions["scope_level"] == "kommune"
    return versions[~local | versions["scope_code"].isin(scope.kommuner)]


def _applicable(versions: pd.DataFrame, kommune: str | None, fylke: str | None) -> pd.DataFrame:
    level, code = versions["scope_level"], versions["scope_code"]
    mask = level == "national"
    if kommune is not None:
        mask |= ((level == "county") & (code == fylke)) | ((level == "kommune") & (code == kommune))
    return versions[mask]


def _day(value: Any) -> dt.date:
    if value is None or pd.isna(value):
        return FAR_FUTURE
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


@dataclass
class _Version:
    row: dict[str, Any]
    start: dt.date
    end: dt.date
    rank: int
    recorded: Any

    @property
    def content(self) -> tuple[Any, ...]:
        r = self.row
        params = json.dumps(r["parameters"], sort_keys=True, default=str)
        return (r["scope_level"], r["scope_code"], r["text_nb"], params)


def _by_key(versions: pd.DataFrame) -> dict[str, list[_Version]]:
    out: dict[str, list[_Version]] = {}
    for row in versions.to_dict("records"):
        v = _Version(
            row=row,
            start=_day(row["valid_from"]),
            end=_day(row["valid_to"]),
            rank=LEVEL_RANK.get(row["scope_level"], 0),
            recorded=row["recorded_at"],
        )
        out.setdefault(row["rule_key"], []).append(v)
    return out


def _best(candidates: Iterable[_Version]) -> _Version | None:
    return max(
        candidates,
        key=lambda v: (v.rank, v.start, v.recorded, v.row["id"]),
        default=None,
    )


def _winner(versions: list[_Version], day: dt.date, below: int | None = None) -> _Version | None:
    """The version of one rule that applies on ``day`` (below a level rank, if given)."""
    return _best(
        v for v in versions if v.start <= day <= v.end and (below is None or v.rank < below)
    )


def _in_force_rows(keys: dict[str, list[_Version]], day: dt.date) -> list[dict[str, Any]]:
    rows = []
    for versions in keys.values():
        win = _winner(versions, day)
        if win is None:
            continue
        row = dict(win.row)
        overridden = _winner(versions, day, below=win.rank) if win.rank > 0 else None
        row["overrides_id"] = overridden.row["id"] if overridden else None
        row["overrides_scope_level"] = overridden.row["scope_level"] if overridden else None
        rows.append(row)
    return rows


def _sorted(frame: pd.DataFrame, *extra: str) -> pd.DataFrame:
    order = {c: i for i, c in enumerate(RULE_CATEGORIES)}
    rank = frame["category"].map(order).fillna(len(order))
    out = frame.assign(_order=rank).sort_values(["_order", *extra, "rule_key"], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def _in_force_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=IN_FORCE_COLUMNS)
    out["overrides_id"] = out["overrides_id"].astype("Int64")
    out["supersedes_id"] = out["supersedes_id"].astype("Int64")
    return _sorted(out)


def _side(version: _Version | None, suffix: str) -> dict[str, Any]:
    if version is None:
        return {f"{c}_{suffix}": None for c in SIDE_COLUMNS}
    return {f"{c}_{suffix}": version.row[c] for c in SIDE_COLUMNS}


def _changed_parameters(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    names = sorted(set(before) | set(after))
    return [n for n in names if before.get(n, "∅") != after.get(n, "∅")]


def _change(
    key: str, when: dt.date | None, before: _Version | None, after: _Version | None
) -> dict[str, Any] | None:
    if before is None and after is None:
        return None
    if before is not None and after is not None and before.content == after.content:
        return None
    kind = "added" if before is None else "ended" if after is None else "changed"
    main = after or before
    assert main is not None
    params_before = before.row["parameters"] if before else {}
    params_after = after.row["parameters"] if after else {}
    return {
        "effective_date": pd.Timestamp(when) if when else pd.NaT,
        "rule_key": key,
        "category": main.row["category"],
        "change": kind,
        **_side(before, "before"),
        **_side(after, "after"),
        "changed_parameters": _changed_parameters(params_before, params_after),
        "authority": main.row["authority"],
        "source_url": main.row["source_url"],
    }


def _changes_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    out["effective_date"] = pd.to_datetime(out["effective_date"])
    for c in ("id_before", "id_after"):
        out[c] = out[c].astype("Int64")
    return _sorted(out, "effective_date") if len(out) else out


def _changes_between(
    keys: dict[str, list[_Version]], start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Every change in what applies, effective on a day in [start, end]."""
    rows = []
    for key, versions in keys.items():
        points = {v.start for v in versions} | {
            v.end + dt.timedelta(days=1) for v in versions if v.end < FAR_FUTURE
        }
        for day in sorted(p for p in points if start <= p <= end):
            before = _winner(versions, day - dt.timedelta(days=1))
            after = _winner(versions, day)
            change = _change(key, day, before, after)
            if change is not None:
                rows.append(change)
    return rows


def _keys_for(
    scope: Scope, kommunenummer: str | None, disease: str, category: str | None = None
) -> dict[str, list[_Version]]:
    kommune, fylke = _place(scope, kommunenummer)
    return _versions_by_key(kommune=kommune, fylke=fylke, disease=disease, category=category)


@cached()
def _versions_by_key(
    *, kommune: str | None, fylke: str | None, disease: str, category: str | None
) -> dict[str, list[_Version]]:
    """The versions that apply in a place, by rule (internal, after the scope check: the same
    for every caller, so the brief's changed and upcoming rules share one build)."""
    versions = _applicable(_all_versions(disease=disease), kommune, fylke)
    if category is not None:
        versions = versions[versions["category"] == category]
    return _by_key(versions)


@cached()
def rules_in_force(
    *,
    scope: Scope,
    kommunenummer: str | None,
    date: dt.date,
    category: str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """What was in force on ``date`` in a kommune: national, county and the kommune's own
    versions, one row per rule, the most local version where a rule has several (with
    ``kommunenummer=None``: the national rules only).

    Columns: id, rule_key, category, scope_level, scope_code, parameters (dict), text_nb,
    authority, source_url, valid_from, valid_to (NaT = open), recorded_at, recorded_by,
    supersedes_id, overrides_id / overrides_scope_level (the version a local one replaces
    for this kommune). Sorted by category (in :data:`data.codes.RULE_CATEGORIES` order).
    """
    keys = _keys_for(scope, kommunenummer, disease, category)
    return _in_force_frame(_in_force_rows(keys, date))


@cached()
def rules_diff(
    *,
    scope: Scope,
    kommunenummer: str | None,
    date_from: dt.date,
    date_to: dt.date,
    category: str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """What changed between two dates: the rules in force on ``date_from`` against those in
    force on ``date_to``, per rule. Unchanged rules are left out.

    Columns (:data:`CHANGE_COLUMNS`): effective_date (NaT here), rule_key, category, change
    (added | ended | changed), id / scope_level / scope_code / text_nb / parameters /
    valid_from / valid_to with suffix _before and _after, changed_parameters (names),
    authority, source_url.
    """
    keys = _keys_for(scope, kommunenummer, disease, category)
    rows = []
    for key, versions in keys.items():
        change = _change(key, None, _winner(versions, date_from), _winner(versions, date_to))
        if change is not None:
            rows.append(change)
    return _changes_frame(rows)


@cached()
def rules_changed(
    *,
    scope: Scope,
    kommunenummer: str | None,
    date: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Rules that changed since the previous day: in force on ``date`` against the day
    before (new versions, lifted rules, changed parameters or text). Columns as
    :func:`rules_diff`, with ``effective_date`` = ``date``."""
    keys = _keys_for(scope, kommunenummer, disease)
    return _changes_frame(_changes_between(keys, date, date))


@cached()
def rules_upcoming(
    *,
    scope: Scope,
    kommunenummer: str | None,
    date: dt.date,
    days: int = 7,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Changes that take effect within ``days`` days after ``date`` (``date`` excluded), in
    date order. Columns as :func:`rules_diff`, with the ``effective_date`` of each change."""
    keys = _keys_for(scope, kommunenummer, disease)
    start = date + dt.timedelta(days=1)
    rows = _changes_between(keys, start, date + dt.timedelta(days=max(int(days), 0)))
    out = _changes_frame(rows)
    return out.sort_values(["effective_date"], kind="stable").reset_index(drop=True)


@cached()
def rules_timeline(
    *,
    scope: Scope,
    kommunenummer: str | None,
    start: dt.date,
    end: dt.date,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Every change in what applied in the kommune between ``start`` and ``end``, per category
    (the timeline of the Regler page). Columns as :func:`rules_diff`."""
    keys = _keys_for(scope, kommunenummer, disease)
    return _changes_frame(_changes_between(keys, start, end))


@cached()
def rule_versions(
    *,
    scope: Scope,
    rule_key: str | None = None,
    scope_level: str | None = None,
    scope_code: str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Stored versions (newest first), optionally of one rule and scope. Local versions of
    kommuner outside the caller's scope are left out. Columns: :data:`VERSION_COLUMNS`."""
    versions = _visible(scope, _all_versions(disease=disease))
    if rule_key is not None:
        versions = versions[versions["rule_key"] == rule_key]
    if scope_level is not None:
        versions = versions[versions["scope_level"] == scope_level]
        if scope_level != "national":
            versions = versions[versions["scope_code"] == scope_code]
    return versions.sort_values(["valid_from", "id"], ascending=False).reset_index(drop=True)


@cached()
def rule_keys(*, scope: Scope, disease: str = DEFAULT_DISEASE) -> pd.DataFrame:
    """One row per rule: rule_key, category, latest text_nb, versions, from_oxcgrt (bool)."""
    versions = _visible(scope, _all_versions(disease=disease))
    latest = versions.sort_values(["valid_from", "id"]).groupby("rule_key").tail(1)
    counts = versions.groupby("rule_key").size().rename("versions")
    out = latest[["rule_key", "category", "text_nb", "authority"]].merge(
        counts, left_on="rule_key", right_index=True
    )
    out["from_oxcgrt"] = out["authority"].map(is_oxcgrt)
    return _sorted(out.drop(columns="authority"))


# --------------------------------------------------------------------------- numbers
def _parameter_days(
    *,
    disease: str,
    kommune: str,
    fylke: str,
    category: str,
    name: str,
    first: dt.date,
    last: dt.date,
) -> tuple[np.ndarray, np.ndarray]:
    """(values, version ids) of one parameter for the kommune on every day first … last."""
    versions = _all_versions(disease=disease)
    laid = rule_days(
        versions[versions["category"] == category],
        first=epoch_day(first),
        last=epoch_day(last),
        kommuner=[kommune],
        fylker=[fylke],
        parameters=[name],
        require=name,
    )
    row = int(laid.kommune_group[0])
    return laid.params[name][row], laid.version[row]


def _persons_in(
    *,
    scope: Scope,
    kommunenummer: str,
    date: dt.date,
    start: dt.date | None,
    disease: str,
    category: str,
    name: str,
    daily: Any,
    column: str,
) -> pd.DataFrame:
    kommune, fylke = _place(scope, kommunenummer)
    assert kommune is not None and fylke is not None
    start = start or date
    lookback = start - dt.timedelta(days=LOOKBACK_DAYS)
    values, ids = _parameter_days(
        disease=disease,
        kommune=kommune,
        fylke=fylke,
        category=category,
        name=name,
        first=lookback,
        last=date,
    )
    longest = int(values.max(initial=0))
    first = max(lookback, start - dt.timedelta(days=longest))
    offset = (first - lookback).days
    q = (
        select(daily.date, func.sum(getattr(daily, column)))
        .where(
            daily.disease == disease,
            daily.kommunenummer == kommune,
            daily.date >= first,
            daily.date <= date,
        )
        .group_by(daily.date)
    )
    counts = _frame(q, ["date", "n"])
    days = pd.date_range(first, date, freq="D")
    per_day = (
        pd.Series(counts["n"].to_numpy(), index=pd.to_datetime(counts["date"]))
        .reindex(days, fill_value=0)
        .to_numpy()
    )
    present = persons_within(per_day, values[offset:])
    keep = days >= pd.Timestamp(start)
    out = pd.DataFrame(
        {
            "date": days[keep],
            "persons": np.rint(present[keep]).astype(np.int64),
            name: values[offset:][keep],
            "rule_version_id": ids[offset:][keep],
        }
    )
    out[name] = out[name].astype("Int64").mask(out[name] == NONE)
    out["rule_version_id"] = out["rule_version_id"].astype("Int64").mask(out["rule_version_id"] < 0)
    return protect(out, scope=scope, counts=["persons"], kommune_column=None, area_code=kommune)


def _case_column_name() -> str:
    from data.queries.cases import CASE_COLUMNS, case_date_basis

    return CASE_COLUMNS[case_date_basis()]


@cached()
def persons_in_isolation(
    *,
    scope: Scope,
    kommunenummer: str,
    date: dt.date,
    start: dt.date | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Estimated persons in isolation in a kommune on ``date`` (or every day from ``start``):
    cases whose test date lies within the isolation period of the isolation rule in force on
    that test date (the most local version with ``isolation_days``; none when the duty was
    lifted). The case counts come from the kommune of registration, by the dataset's case
    date basis (test date; registration date where only that was published).

    Columns: date, persons, persons_suppressed (small-number protection), isolation_days (the
    rule on ``date``; <NA> = no duty), rule_version_id.
    """
    return _persons_in(
        scope=scope,
        kommunenummer=kommunenummer,
        date=date,
        start=start,
        disease=disease,
        category="isolation",
        name="isolation_days",
        daily=AggCasesDaily,
        column=_case_column_name(),
    )


@cached()
def persons_in_quarantine(
    *,
    scope: Scope,
    kommunenummer: str,
    date: dt.date,
    start: dt.date | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Estimated persons in entry quarantine (innreisekarantene) in a kommune: arrivals with
    a quarantine requirement whose arrival date lies within ``quarantine_days`` of the entry
    rule in force on the arrival date. (Close-contact quarantine cannot be estimated: the
    data hold no contacts.)

    Columns: date, persons, persons_suppressed, quarantine_days, rule_version_id.
    """
    return _persons_in(
        scope=scope,
        kommunenummer=kommunenummer,
        date=date,
        start=start,
        disease=disease,
        category="entry",
        name="quarantine_days",
        daily=AggArrivalsDaily,
        column="quarantine_required",
    )


# --------------------------------------------------------------------------- recording
@dataclass(frozen=True)
class RecordedRule:
    """The outcome of :func:`record_rule_version`."""

    id: int
    rule_key: str
    valid_from: dt.date
    valid_to: dt.date | None
    supersedes_id: int | None
    superseded_valid_to: dt.date | None  # the new end of the superseded version, if changed
    certificates: Any = None  # data.certificates_derive.Rederivation for certificate rules


def _refuse(scope: Scope, message: str, kommunenummer: str | None = None) -> ScopeError:
    error = ScopeError(message, kommunenummer=kommunenummer)
    audit.refused(scope, "record_rule_version", error)
    return error


def _authorise(scope: Scope, scope_level: Any, scope_code: Any) -> None:
    """Refuse (and audit) before looking at the input when the caller may not record this."""
    level, code = str(scope_level or ""), str(scope_code or "") or None
    if scope.edit_rules:
        return
    if not scope.edit_local_rules_for:
        raise _refuse(scope, f"Rollen {scope.role} kan ikke registrere regler.")
    if level == "kommune" and code in scope.edit_local_rules_for:
        return
    own = ", ".join(sorted(scope.edit_local_rules_for))
    what = {
        "kommune": f"regler for kommune {code}" if code else "regler uten valgt kommune",
        "county": "regler for et fylke",
        "national": "nasjonale regler",
    }.get(level, "andre regler")
    raise _refuse(
        scope,
        f"Rollen {scope.role} kan bare registrere lokale regler for egen kommune ({own}), "
        f"ikke {what}.",
        kommunenummer=code if level == "kommune" else None,
    )


def record_rule_version(
    *,
    scope: Scope,
    rule_key: str,
    category: str,
    scope_level: str,
    scope_code: str | None,
    parameters: Mapping[str, Any],
    text_nb: str,
    authority: str,
    source_url: str | None,
    valid_from: dt.date | str,
    valid_to: dt.date | str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> RecordedRule:
    """Record a new version of a rule, superseding the current version of the same rule and
    scope. Raises :class:`~data.scope.ScopeError` (audited) for callers who may not record
    it, and :class:`RuleValidationError` for bad input; in both cases nothing is changed.

    A certificate rule also re-derives the certificate periods from ``valid_from`` on (see
    :mod:`data.certificates_derive`) in the same transaction.
    """
    _authorise(scope, scope_level, scope_code)
    rule = validate_rule(
        rule_key=rule_key,
        category=category,
        scope_level=scope_level,
        scope_code=scope_code,
        parameters=dict(parameters) if isinstance(parameters, Mapping) else parameters,
        text_nb=text_nb,
        authority=authority,
        source_url=source_url,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    r = RuleVersion
    same_scope = and_(
        r.disease == disease,
        r.rule_key == rule.rule_key,
        r.scope_level == rule.scope_level,
        (r.scope_code.is_(None) if rule.scope_code is None else r.scope_code == rule.scope_code),
    )
    rederived = None
    with db.engine().begin() as conn:
        errors: list[tuple[str, str]] = []
        if rule.scope_level == "county":
            known = conn.execute(
                select(Fylke.name).where(
                    Fylke.structure == CURRENT_STRUCTURE, Fylke.fylkesnummer == rule.scope_code
                )
            ).scalar_one_or_none()
            if known is None:
                errors.append(("scope_code", f"Fylke/kommune: fant ikke fylke {rule.scope_code}."))
        if rule.scope_level == "kommune":
            known = conn.execute(
                select(Kommune.name).where(
                    Kommune.structure == CURRENT_STRUCTURE,
                    Kommune.kommunenummer == rule.scope_code,
                )
            ).scalar_one_or_none()
            if known is None:
                errors.append(
                    ("scope_code", f"Fylke/kommune: fant ikke kommune {rule.scope_code}.")
                )
        other = conn.execute(
            select(r.category)
            .where(r.disease == disease, r.rule_key == rule.rule_key, r.category != rule.category)
            .limit(1)
        ).scalar_one_or_none()
        if other is not None:
            errors.append(
                (
                    "rule_key",
                    f"Regelnøkkel: «{rule.rule_key}» hører til kategorien "
                    f"{CATEGORY_LABELS.get(other, other)}. Velg den kategorien eller en ny nøkkel.",
                )
            )
        current = conn.execute(
            select(r.id, r.valid_from, r.valid_to)
            .where(same_scope)
            .order_by(r.valid_from.desc(), r.id.desc())
            .limit(1)
        ).first()
        if current is not None and rule.valid_from < current.valid_from:
            errors.append(
                (
                    "valid_from",
                    f"Gjelder fra: kan ikke være før gjeldende versjon (id {current.id}) trådte "
                    f"i kraft {_date_nb(current.valid_from)}. Versjoner erstattes bare fremover; "
                    "velg en senere dato.",
                )
            )
        if errors:
            raise RuleValidationError(errors)
        recorded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        result = conn.execute(
            insert(r).values(
                disease=disease,
                rule_key=rule.rule_key,
                category=rule.category,
                scope_level=rule.scope_level,
                scope_code=rule.scope_code,
                parameters=rule.parameters,
                text_nb=rule.text_nb,
                authority=rule.authority,
                source_url=rule.source_url,
                valid_from=rule.valid_from,
                valid_to=rule.valid_to,
                recorded_at=recorded_at,
                recorded_by=scope.user_id,
                supersedes_id=current.id if current is not None else None,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        new_id = int(key[0])
        superseded_to = None
        overlaps = current is not None and (
            current.valid_to is None or current.valid_to >= rule.valid_from
        )
        if current is not None and overlaps:
            superseded_to = rule.valid_from - dt.timedelta(days=1)
            conn.execute(update(r).where(r.id == current.id).values(valid_to=superseded_to))
        bump_data_version(conn)
        if rule.category == "certificate":
            from data.certificates_derive import rederive

            rederived = rederive(conn, since=rule.valid_from, disease=disease)
            certificate_aggregates.refresh(conn, disease=disease)
    data_cache.invalidate_version()
    outcome = RecordedRule(
        id=new_id,
        rule_key=rule.rule_key,
        valid_from=rule.valid_from,
        valid_to=rule.valid_to,
        supersedes_id=current.id if current is not None else None,
        superseded_valid_to=superseded_to,
        certificates=rederived,
    )
    detail: dict[str, Any] = {
        "id": new_id,
        "rule_key": rule.rule_key,
        "category": rule.category,
        "scope_level": rule.scope_level,
        "scope_code": rule.scope_code,
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "supersedes_id": outcome.supersedes_id,
        "parameters": rule.parameters,
    }
    if rederived is not None:
        detail["certificates"] = rederived.summary()
    audit.record(
        scope,
        "rule_recorded",
        kommunenummer=rule.scope_code if rule.scope_level == "kommune" else None,
        detail=detail,
    )
    return outcome


__all__ = [
    "CATEGORY_LABELS",
    "CATEGORY_PARAMETERS",
    "CHANGE_COLUMNS",
    "IN_FORCE_COLUMNS",
    "LEVEL_LABELS",
    "PARAMETERS",
    "SCOPE_LEVELS",
    "VERSION_COLUMNS",
    "ParameterSpec",
    "RecordedRule",
    "RuleInput",
    "RuleValidationError",
    "is_oxcgrt",
    "parameter_text",
    "parameters_text",
    "persons_in_isolation",
    "persons_in_quarantine",
    "record_rule_version",
    "rule_keys",
    "rule_versions",
    "rules_changed",
    "rules_diff",
    "rules_in_force",
    "rules_timeline",
    "rules_upcoming",
    "validate_rule",
]
