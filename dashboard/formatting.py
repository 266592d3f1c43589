"""Number and date formats of the current language (:mod:`dashboard.i18n`).

Bokmål (the default): non-breaking space as thousands separator, comma as decimal mark,
"22.11.2026" and "22. november 2026". English: "12,345.6", "22/11/2026", "22 November 2026".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

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
