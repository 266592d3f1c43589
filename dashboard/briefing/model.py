"""The briefing's model: an indicator as the brief shows it, and the brief itself."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard import formatting
from dashboard.i18n import N_, _

# Source strings (N_): translate where shown, _(TREND_WORDS[code]).
TREND_WORDS = {
    "rising": N_("økende"),
    "flat": N_("stabil"),
    "falling": N_("synkende"),
    None: N_("ikke beregnet"),
}


@dataclass
class Indicator:
    key: str
    label: str
    value: float | None
    unit: str = ""
    decimals: int = 0
    suppressed: bool = False
    county: float | None = None
    nation: float | None = None
    definition: str = ""
    text: str | None = None  # for non-numeric indicators (trend)
    code: str | None = None  # machine value of a non-numeric indicator ("rising" …)
    # the county's / the nation's value withheld (1–4) for the reader's role
    county_suppressed: bool = False
    nation_suppressed: bool = False
    # … withheld to protect other cells ("skjult", data.disclosure.withhold_totals)
    county_withheld: bool = False
    nation_withheld: bool = False
    daily: bool = False  # a count of one day (withheld as "0–4")
    note: str | None = None  # what the value counts and whether its day is complete

    @property
    def withheld_text(self) -> str:
        """A count reads "1–4" ("0–4" for a day); a rate or share "skjult"."""
        kind = "rate" if self.decimals or self.unit == "%" else "count"
        return formatting.withheld(kind, daily=self.daily)

    def display(self, value: float | None = None, *, own: bool = True) -> str:
        if own and self.text is not None:
            return self.text
        if own and self.suppressed:
            return self.withheld_text
        v = self.value if own else value
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "–"
        return formatting.number(v, self.decimals)

    @property
    def shows_number(self) -> bool:
        """The own value is a number (not withheld, missing or a text such as the trend)."""
        return self.text is None and not self.suppressed and self.display() != "–"

    def display_percent(self) -> str:
        """The own value as the screens print it: a share with "%" when it is a number
        ("12,3 %"), "skjult" or "–" without."""
        if self.unit == "%" and self.shows_number:
            return _("{verdi} %", verdi=self.display())
        return self.display()

    def compared(self, level: str) -> str:
        """The county's (``county``) or the nation's (``nation``) value as shown beside the
        kommune's: "1–4" where it is withheld for the reader's role."""
        value, hidden, withheld = (
            (self.county, self.county_suppressed, self.county_withheld)
            if level == "county"
            else (self.nation, self.nation_suppressed, self.nation_withheld)
        )
        if withheld:
            return formatting.withheld("rate")
        return self.withheld_text if hidden else self.display(value, own=False)

    @property
    def has_comparison(self) -> bool:
        return (
            self.county is not None
            or self.nation is not None
            or self.county_suppressed
            or self.nation_suppressed
            or self.county_withheld
            or self.nation_withheld
        )


@dataclass
class Briefing:
    kommunenummer: str
    name: str
    fylkesnavn: str
    date: dt.date
    info: dict[str, Any]
    indicators: dict[str, Indicator]
    changes: list[str]
    neighbours: pd.DataFrame
    own_daily: pd.DataFrame
    county_daily: pd.DataFrame
    nation_daily: pd.DataFrame
    clusters: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    rules_changed: list[str] = field(default_factory=list)
    rules_upcoming: list[str] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    signal_week: dt.date | None = None
    # «Luftveisinfeksjoner denne uken»: a row per registry indicator declared for the brief
    # (dashboard.briefing.respiratory.Row)
    respiratory: list[Any] = field(default_factory=list)
