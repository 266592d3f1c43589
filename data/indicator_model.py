"""The indicator's description (:class:`Indicator`) and the constructors of its common kinds
(a count, a rate per 100 000, a share): the type of the registry in :mod:`data.indicators`,
which declares every published number with them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from data.codes import DEFAULT_DISEASE

Kind = Literal["count", "rate", "share", "concentration", "index", "category", "probability"]
Level = Literal["kommune", "fylke", "nation"]
LEVELS: tuple[Level, ...] = ("kommune", "fylke", "nation")
# Where an indicator is shown beyond its subject page, by declaration: the Smittekart's metric
# list ("map"), a Kommuneoversikt column with its exports ("overview") and the Morgenbrief's
# panel «Luftveisinfeksjoner denne uken» ("brief"). The pages list the registry entries with
# the view (data.views), never an indicator by name.
View = Literal["map", "overview", "brief"]
VIEWS: tuple[View, ...] = ("map", "overview", "brief")


def N_(text: str) -> str:  # the translation marker babel extracts
    return text


@dataclass(frozen=True)
class Indicator:
    id: str
    kind: Kind
    label: str
    unit: str
    definition: str
    source: str
    numerator: str  # the count (indicator id or published column) it is built on
    denominator: str | None = None  # "population", "population_65", or a count
    window_days: int = 1
    # test | registration | vaccination | admission | arrival | certificate
    time_basis: str = "test"
    per: int = 1
    disease: str = DEFAULT_DISEASE  # a code of data.codes.DISEASES, or "ili"
    strata: tuple[str, ...] = ()
    levels: tuple[Level, ...] = LEVELS
    decimals: int = 0
    # the label of a card or table row, where the unit is printed beside the value
    # ("7-dagers insidens" beside "per 100 000"); the full label where empty
    short_label: str = ""
    # the values of the labels' placeholders ("Dose {dose}, befolkningen", dose=2): one
    # source string for a family of indicators
    params: tuple[tuple[str, int | str], ...] = ()
    # fixed strata of this indicator within its family (age band "65+", dose 3)
    stratum: tuple[tuple[str, int | str], ...] = ()
    # "module:function" of the read that serves an indicator outside the daily key figures:
    # called with scope, level, code, start, end, it returns a row per date with the
    # numerator (and ``<numerator>_suppressed``) as published and "population"
    reader: str | None = None
    # where the indicator is shown (see View); a view needs ``area_reader`` ("map",
    # "overview") or a series (``reader``, or the key figures) ("brief")
    views: tuple[View, ...] = ()
    # "module:function" reading every kommune in the scope at once: called with scope and
    # date, one row per kommune with the numerator as published (and its ``_suppressed``,
    # ``_withheld`` flags), "population" and "date" (the end of the period the row is of)
    area_reader: str | None = None
    # "day": the window ends on the chosen date; "week": the ISO week ending on or before it
    period: Literal["day", "week"] = "day"
    # the published count of this period and of the one before, for the trend arrow
    # (``trend_counts``: this, previous; not computed below ``min_count``); empty: no trend
    trend_counts: tuple[str, str] | tuple[()] = ()
    # not shown where the count it is built on is below this (P(growth))
    min_count: int = 0
    # the nation's value as an official source reported it (``reported_series`` measure),
    # where imported; else the sum of the kommuner
    national_measure: str | None = None

    @property
    def is_count(self) -> bool:
        return self.kind == "count"

    @property
    def card_label(self) -> str:
        return self.short_label or self.label

    def as_dict(self) -> dict[str, object]:
        """The machine description (API): stable names, untranslated codes."""
        return {
            "id": self.id,
            "kind": self.kind,
            "unit": self.unit,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "per": self.per,
            "window_days": self.window_days,
            "time_basis": self.time_basis,
            "disease": self.disease,
            "strata": list(self.strata),
            "levels": list(self.levels),
            "decimals": self.decimals,
            "stratum": dict(self.stratum),
            "views": list(self.views),
            "period": self.period,
        }


def _count(id: str, label: str, unit: str, definition: str, source: str, **more: Any) -> Indicator:
    """A count: its own published cells (``numerator`` is its id)."""
    return Indicator(
        id=id, kind="count", label=label, unit=unit, definition=definition, source=source,
        numerator=id, **more,
    )  # fmt: skip


def _per_100k(id: str, label: str, definition: str, source: str, numerator: str,
              **more: Any) -> Indicator:  # fmt: skip
    """A rate per 100 000 residents (population 1 January), to one decimal."""
    return Indicator(
        id=id, kind="rate", label=label, unit=N_("per 100 000"), definition=definition,
        source=source, numerator=numerator, denominator="population", per=100_000, decimals=1,
        **more,
    )  # fmt: skip


def _share(id: str, label: str, definition: str, source: str, numerator: str, denominator: str,
           **more: Any) -> Indicator:  # fmt: skip
    """A share in per cent, to one decimal."""
    return Indicator(
        id=id, kind="share", label=label, unit="%", definition=definition, source=source,
        numerator=numerator, denominator=denominator, per=100, decimals=1, **more,
    )  # fmt: skip
