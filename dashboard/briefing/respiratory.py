"""The Morgenbrief's panel «Luftveisinfeksjoner denne uken»: every registry indicator declared
for it (view "brief", :mod:`data.indicators`) for the kommune, its county and the country,
this week against the week before.

The values are the indicators' published series (:func:`data.views.series`: the registry's
reader or the key figures; the country from the official national series where imported);
a trend arrow is shown only when both weeks are published and this week's count reaches the
trend rule's minimum (:data:`dashboard.metrics.core.TREND_MIN_CASES`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard.definitions import case_basis_text, with_view
from dashboard.i18n import N_, _
from dashboard.metrics.core import TREND_CHANGE, TREND_MIN_CASES, Trend, trend
from data import indicators, queries, views
from data.codes import DISEASES
from data.scope import Scope

TITLE = N_("Luftveisinfeksjoner denne uken")
LEVELS = ("kommune", "fylke", "nation")
ARROWS = {"rising": "↑", "flat": "→", "falling": "↓"}


@dataclass(frozen=True)
class Cell:
    value: float | None  # None: not published (hidden, withheld or missing)
    hidden: bool = False  # withheld for the reader's role
    official: bool = False  # the nation's value from the official series
    trend: Trend | None = None


@dataclass(frozen=True)
class Row:
    key: str  # the registry id
    label: str
    unit: str
    decimals: int
    definition: str
    source: str
    period_end: dt.date
    weekly: bool  # an ISO week (else the window ending on the date)
    cells: dict[str, Cell] = field(default_factory=dict)  # level → cell


def _count(row: dict[str, Any] | None, indicator: indicators.Indicator) -> float | None:
    """The published count of a row (None where hidden or missing)."""
    if row is None or bool(row.get("hidden")):
        return None
    value = row.get(indicator.numerator)
    return None if value is None or pd.isna(value) else float(value)


def _trend(this: dict[str, Any] | None, last: dict[str, Any] | None,
           indicator: indicators.Indicator) -> Trend | None:  # fmt: skip
    """This week against the last: on the published counts (both published, this week's at
    least the minimum), or on an official series' values (no counts: the same ±15 %)."""
    if this is None or last is None:
        return None
    if bool(this.get("official")) and bool(last.get("official")):
        a, b = float(this["value"]), float(last["value"])
        if not (math.isfinite(a) and math.isfinite(b)) or b <= 0:
            return None
        change = (a - b) / b
        return (
            "rising" if change >= TREND_CHANGE else "falling" if change <= -TREND_CHANGE else "flat"
        )
    now, before = _count(this, indicator), _count(last, indicator)
    if now is None or before is None or now < TREND_MIN_CASES:
        return None
    return trend(now, before)


def _cell(frame: pd.DataFrame, indicator: indicators.Indicator, date: dt.date) -> Cell:
    this = views.row_on(frame, views.period_end(indicator, date))
    last = views.row_on(frame, views.previous_end(indicator, date))
    if this is None:
        return Cell(None)
    value = pd.to_numeric(this.get("value"), errors="coerce")
    shown = not pd.isna(value) and not bool(this.get("hidden"))
    return Cell(
        float(value) if shown else None,
        hidden=bool(this.get("hidden")),
        official=bool(this.get("official")),
        trend=_trend(this, last, indicator),
    )


def _label(indicator: indicators.Indicator) -> str:
    label = _(indicator.card_label, **dict(indicator.params))
    # the disease an indicator counts, named in front of a label that does not name it
    disease = DISEASES.get(indicator.disease)
    name = _(disease.short_name) if disease else ""
    if not name or label.startswith(name):
        return label
    return _("{sykdom}: {indikator}", sykdom=name, indikator=label)


def _text(indicator: indicators.Indicator, text: str, basis: str | None) -> str:
    """A definition or source in the reader's language, reworded for the data's case date
    basis where the indicator counts cases by test date."""
    return case_basis_text(text, basis) if indicator.time_basis == "test" else _(text)


def respiratory_panel(
    *, scope: Scope, kommunenummer: str, fylkesnummer: str, date: dt.date
) -> list[Row]:
    """A row per registry indicator declared for the brief: its value for the kommune, the
    county and the country in the period ending on (or, weekly, the ISO week ending on or
    before) ``date``, with the trend against the period before."""
    rows = []
    basis = queries.dataset_info(scope=scope)["case_date_basis"]
    codes = {"kommune": kommunenummer, "fylke": fylkesnummer, "nation": None}
    for indicator in with_view("brief"):
        end = views.period_end(indicator, date)
        start = views.previous_end(indicator, date)
        cells: dict[str, Cell] = {}
        for level in LEVELS:
            if level not in indicator.levels:
                continue
            frame = views.series(
                indicator,
                scope=scope,
                level=level,
                code=codes[level],
                start=start,
                end=end,
                disease=indicator.disease,
            )
            cells[level] = _cell(frame, indicator, date)
        rows.append(
            Row(
                key=indicator.id,
                label=_label(indicator),
                unit=_(indicator.unit) if indicator.unit else "",
                decimals=indicator.decimals,
                # a count by test date is by registration date where the data are (real data)
                definition=_text(indicator, indicator.definition, basis),
                source=_text(indicator, indicator.source, basis),
                period_end=end,
                weekly=indicator.period == "week",
                cells=cells,
            )
        )
    return rows


__all__ = ["ARROWS", "TITLE", "Cell", "Row", "respiratory_panel"]
