"""Hospital figures: admissions per day and the comparisons of rates."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.figures.core import KOMMUNE_COLOUR, plain_figure, time_layout
from dashboard.figures.testing import (
    _days,
    _time_axes,
    _values,
    hidden_bars,
    suppressed_flags,
)
from dashboard.figures.theme import COLOURS
from dashboard.i18n import _

ADMISSION_COLOUR = COLOURS["kommune_light"]
ICU_COLOUR = COLOURS["fylke"]  # vermillion: apart from the blue bars and line


def admissions_per_day_figure(series: pd.DataFrame, *, title: str) -> dict[str, Any]:
    """Admissions per day (bars) with the ICU admissions among them (dark bars, overlaid)
    and the 7-day mean (line), as plain figure JSON.

    ``series`` columns: date, admissions, icu_admissions, admissions_moving_average (and
    ``_suppressed`` flags: withheld days are drawn as hatched bars).
    """
    days = _days(series)
    bars, notes = hidden_bars(days, suppressed_flags(series, "admissions"))
    traces = [
        dict(
            type="bar",
            **days,
            y=_values(series["admissions"], 1),
            name=_("Innleggelser"),
            marker=dict(color=ADMISSION_COLOUR),
            hovertemplate=_("Innleggelser: %{y}") + "<extra></extra>",
        ),
        dict(
            type="bar",
            **days,
            y=_values(series["icu_admissions"], 1),
            name=_("Herav intensiv"),
            marker=dict(color=ICU_COLOUR),
            hovertemplate=_("Herav intensiv: %{y}") + "<extra></extra>",
        ),
        *bars,
        dict(
            type="scatter",
            **days,
            y=_values(series["admissions_moving_average"], 1),
            name=_("Glidende 7-dagers snitt"),
            mode="lines",
            line=dict(color=KOMMUNE_COLOUR, width=2),
            hovertemplate=_("Snitt 7 dager: %{y:.1f}") + "<extra></extra>",
        ),
    ]
    layout = _time_axes(time_layout(title=title, yaxis_title=_("Innleggelser")))
    if notes:
        layout["annotations"] = notes
    layout.update(barmode="overlay", bargap=0)
    return plain_figure(traces, layout)
