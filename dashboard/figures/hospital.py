"""Hospital figures: admissions per day and the comparisons of rates."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.core import KOMMUNE_COLOUR, _time_layout
from dashboard.figures.testing import (
    NUMBER_TICKS,
    _days,
    _values,
    add_hidden_bars,
    localise,
    suppressed_flags,
)
from dashboard.figures.theme import COLOURS
from dashboard.i18n import _

ADMISSION_COLOUR = COLOURS["kommune_light"]
ICU_COLOUR = COLOURS["fylke"]  # vermillion: apart from the blue bars and line


def admissions_per_day_figure(series: pd.DataFrame, *, title: str) -> go.Figure:
    """Admissions per day (bars) with the ICU admissions among them (dark bars, overlaid)
    and the 7-day mean (line).

    ``series`` columns: date, admissions, icu_admissions, admissions_moving_average (and
    ``_suppressed`` flags: withheld days are drawn as hatched bars).
    """
    days = _days(series)
    fig = go.Figure()
    fig.add_bar(
        **days,
        y=_values(series["admissions"], 1),
        name=_("Innleggelser"),
        marker_color=ADMISSION_COLOUR,
        hovertemplate=_("Innleggelser: %{y}") + "<extra></extra>",
    )
    fig.add_bar(
        **days,
        y=_values(series["icu_admissions"], 1),
        name=_("Herav intensiv"),
        marker_color=ICU_COLOUR,
        hovertemplate=_("Herav intensiv: %{y}") + "<extra></extra>",
    )
    add_hidden_bars(fig, days, suppressed_flags(series, "admissions"))
    fig.add_scatter(
        **days,
        y=_values(series["admissions_moving_average"], 1),
        name=_("Glidende 7-dagers snitt"),
        mode="lines",
        line=dict(color=KOMMUNE_COLOUR, width=2),
        hovertemplate=_("Snitt 7 dager: %{y:.1f}") + "<extra></extra>",
    )
    _time_layout(fig, title=title, yaxis_title=_("Innleggelser"))
    localise(fig)
    fig.update_xaxes(type="date")  # x0/dx carry no type of their own
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_yaxes(rangemode="tozero", **NUMBER_TICKS)
    return fig
