"""Validation of a rule version before it is recorded: one pydantic model, messages in
bokmål naming the field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from data.codes import RULE_CATEGORIES
from data.rules.catalogue import (
    CATEGORY_LABELS,
    MAX_PARAMETERS,
    PARAMETERS,
    REQUIRED_PARAMETERS,
    SCOPE_LEVELS,
)

ScopeLevel = Literal["national", "county", "kommune"]

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


def _required_text(field_name: str, value: str, longest: int, missing: str) -> str:
    """``value`` of a required text field: refused with ``missing`` when empty, and when
    longer than ``longest`` characters."""
    if not value:
        raise _fail(field_name, missing)
    if len(value) > longest:
        raise _fail(field_name, f"høyst {longest} tegn.")
    return value


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
        return _required_text(
            "text_nb", value, 2000, "må fylles ut: skriv hva regelen sier, på bokmål."
        )

    @field_validator("authority")
    @classmethod
    def _authority(cls, value: str) -> str:
        return _required_text("authority", value, 80, "må fylles ut (hvem har fastsatt regelen).")

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
