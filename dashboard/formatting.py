"""Number and date formats of the current language (:mod:`dashboard.i18n`).

Bokmål (the default): non-breaking space as thousands separator, comma as decimal mark,
"22.11.2026" and "22. november 2026". English: "12,345.6", "22/11/2026", "22 November 2026".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pandas as pd

from dashboard import i18n

NBSP = "\u00a0"
MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def number(value: float | int | None, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if i18n.get_language() == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def date_short(value: dt.date) -> str:
    if i18n.get_language() == "en":
        return value.strftime("%d/%m/%Y")
    return value.strftime("%d.%m.%Y")


def date_long(value: dt.date) -> str:
    if i18n.get_language() == "en":
        return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


SUPPRESSED = "1–4"
SUPPRESSED_DAY = "0–4"


def withheld(kind: str = "count", *, daily: bool = False) -> str:
    """How a withheld value reads: a count of 1–4 "1–4" (a daily count, hidden with its
    zeros, "0–4"); a rate or a share built on one "skjult", never "1–4"."""
    if kind != "count":
        return i18n._("skjult")
    return SUPPRESSED_DAY if daily else SUPPRESSED


def count(value: float | int | None, *, suppressed: bool = False) -> str:
    """A count as shown to the user; withheld small numbers read "1–4"."""
    if suppressed:
        return SUPPRESSED
    return number(value)


def as_float(value: Any) -> float | None:
    """A number as float, or None for None, NaN and what is not a number."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


# A cell a spreadsheet would read as a formula (CSV/Excel injection): starting with one of
# these (after any leading tabs or line breaks). A plain number such as "-12.5" stays as it is.
_FORMULA_START = re.compile(r"^[\t\r\n]*[=+\-@]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")


def spreadsheet_safe(value: Any) -> Any:
    """A cell value for a CSV or Excel file: text that a spreadsheet would run as a formula
    gets a leading apostrophe (OWASP's advice), so that it is shown as the text it is;
    numbers and other text pass unchanged."""
    if isinstance(value, str) and _FORMULA_START.match(value) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`spreadsheet_safe` on every text cell of a frame (and its column names)."""
    out = frame.rename(columns=spreadsheet_safe)
    for column in out.select_dtypes(include=["object", "string"]).columns:
        out[column] = out[column].map(spreadsheet_safe)
    return out


# kinds of link between neighbouring kommuner (geo.reference.LINK_KINDS) as users read them
_LINK_LABELS = {
    "land": i18n.N_("landegrense"),
    "bru": i18n.N_("bro/tunnel"),
    "tunnel": i18n.N_("bro/tunnel"),
    "ferje": i18n.N_("ferje"),
    "hurtigbåt": i18n.N_("hurtigbåt"),
}
LINK_SOURCES = {
    "kartverket": "Kartverket",
    "nvdb": "Statens vegvesen (NVDB)",
    "svv_ferje": "Statens vegvesen (ferjesamband)",
    "hurtigbat": i18n.N_("fylkeskommunale båtruter"),
    "ruter": "Ruter",
}


def neighbour_link(kinds: str) -> str:
    """How a neighbour is reached, e.g. "landegrense", "bro/tunnel, ferje"."""
    labels = [_LINK_LABELS.get(k.strip(), k.strip()) for k in str(kinds).split(",") if k.strip()]
    return ", ".join(i18n._(label) for label in dict.fromkeys(labels))


def link_sources(sources: str) -> str:
    """Source keys of a neighbour link as names."""
    keys = [k.strip() for k in str(sources).split(",") if k.strip()]
    return ", ".join(i18n._(LINK_SOURCES.get(k, k)) for k in dict.fromkeys(keys))
