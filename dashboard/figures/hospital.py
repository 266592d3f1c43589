"""Hospital figures: admissions per day and the comparisons of rates."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.figures.core import KOMMUNE_COLOUR
from dashboard.figures.testing import daily_bars_figure, suppressed_flags
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
    return daily_bars_figure(
        series,
        bars=[
            ("admissions", _("Innleggelser"), ADMISSION_COLOUR, _("Innleggelser: %{y}")),
            ("icu_admissions", _("Herav intensiv"), ICU_COLOUR, _("Herav intensiv: %{y}")),
        ],
        line=(
            "admissions_moving_average",
            _("Glidende 7-dagers snitt"),
            dict(color=KOMMUNE_COLOUR, width=2),
            _("Snitt 7 dager: %{y:.1f}"),
        ),
        hidden=suppressed_flags(series, "admissions"),
        title=title,
        yaxis_title=_("Innleggelser"),
        barmode="overlay",
    )
