"""Vaccination figures: coverage heatmap by age band × dose and coverage over time."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting
from dashboard.figures.core import base_layout, plain_figure
from dashboard.figures.testing import AREA_STYLES, DAY_MS, Areas, panel_trace, panels
from dashboard.figures.theme import COLOURS
from dashboard.i18n import _

COVERAGE_COLORSCALE = "Blues"  # sequential, light = low coverage


@functools.cache
def _colorscale() -> list[list[Any]]:
    """The named scale written out as plotly.py would send it (plotly.js's own "Blues" differs)."""
    return [list(step) for step in go.Heatmap(colorscale=COVERAGE_COLORSCALE).colorscale]


def _percent(value: float, decimals: int = 0) -> str:
    return f"{formatting.number(value * 100, decimals)} %"


def coverage_heatmap(
    matrix: dict[str, pd.DataFrame], *, title: str, row_labels: dict[str, str]
) -> dict[str, Any]:
    """Coverage by age band (rows) × dose (columns), capped at 100 % for the colour and the
    text; cells over 100 % are marked with * and carry the raw value in the hover.

    ``matrix`` from :func:`dashboard.metrics.vaccination.coverage_matrix`.
    """
    display = matrix["display"]
    # aligned on the display matrix's rows and columns, read as arrays (no lookup per cell)
    shown = display.to_numpy("float64")
    raw = matrix["raw"].reindex_like(display).to_numpy("float64")
    hidden = matrix["hidden"].reindex_like(display).to_numpy(bool)
    over = matrix["over_100"].reindex_like(display).to_numpy(bool)
    text, hover = [], []
    for i in range(shown.shape[0]):
        text_row, hover_row = [], []
        for j in range(shown.shape[1]):
            if hidden[i, j]:
                text_row.append(_("skjult"))
                hover_row.append(_("skjult (små tall)"))
            elif pd.isna(shown[i, j]):
                text_row.append("–")
                hover_row.append(_("ingen befolkning"))
            else:
                star = "*" if over[i, j] else ""
                text_row.append(_percent(shown[i, j]) + star)
                raw_text = _percent(raw[i, j], 1)
                hover_row.append(
                    _("{value} (vist som 100 %)", value=raw_text) if over[i, j] else raw_text
                )
        text.append(text_row)
        hover.append(hover_row)
    y = [row_labels.get(b, b) for b in display.index]
    x = [_("Dose {n}", n=d) for d in display.columns]
    z = [[None if pd.isna(v) else round(float(v) * 100, 2) for v in row] for row in display.values]
    heatmap = dict(
        type="heatmap",
        z=z,
        x=x,
        y=y,
        text=text,
        texttemplate="%{text}",
        customdata=hover,
        hovertemplate="%{y}, %{x}: %{customdata}<extra></extra>",
        colorscale=_colorscale(),
        zmin=0,
        zmax=100,
        xgap=2,
        ygap=2,
        colorbar=dict(title=dict(text=_("Dekning")), ticksuffix=" %", thickness=12),
    )
    layout = base_layout(
        title,
        height=520,
        margin=dict(l=90, r=10, t=80, b=20),
        yaxis=dict(autorange="reversed", type="category", ticksuffix=" "),
        xaxis=dict(side="top", type="category"),
    )
    return plain_figure([heatmap], layout)


def _day_axis(dates: np.ndarray) -> dict[str, Any]:
    """:func:`dashboard.figures.testing._days` of a date array."""
    days = dates.astype("datetime64[D]")
    if len(days) == 0:
        return {"x": []}
    if (np.diff(days) == np.timedelta64(1, "D")).all():
        return {"x0": str(days[0]), "dx": DAY_MS}
    return {"x": np.asarray([str(d) for d in days], dtype=object)}


def coverage_over_time(
    areas: Areas, *, group_title: str, doses: tuple[int, ...] = (1, 2, 3)
) -> dict[str, Any]:
    """Coverage over time, one panel per dose, the kommune against county and nation.

    Each frame in ``areas`` has date, dose_number and coverage_display (0–1) for one group.
    The time axis starts shortly before the first dose anywhere in the comparison.
    """
    # on arrays: the rows of one dose from the start, in their order (as a group-by gave them)
    columns = [
        (
            frame["date"].to_numpy(),
            frame["dose_number"].to_numpy(),
            pd.to_numeric(frame["coverage_display"], errors="coerce").to_numpy("float64"),
        )
        for _label, frame in areas
    ]
    first = []
    for dates, _doses, shown in columns:
        covered = shown > 0
        if covered.any():
            first.append(dates[covered].min())
    start = pd.Timestamp(min(first)) - pd.Timedelta(days=14) if first else None
    layout = panels([_("Minst dose {n}", n=d) for d in doses], gap=0.07)
    traces = []
    for col, dose in enumerate(doses):
        suffix = "" if col == 0 else str(col + 1)
        for i, (label, _frame) in reversed(list(enumerate(areas))):  # kommune drawn on top
            style = AREA_STYLES[i % len(AREA_STYLES)]
            dates, dose_numbers, shown = columns[i]
            rows = dose_numbers == dose
            if start is not None:
                rows &= dates >= start.to_datetime64()
            traces.append(
                panel_trace(
                    label,
                    i,
                    col,
                    suffix,
                    **_day_axis(dates[rows]),
                    y=(shown[rows] * 100).astype("float32"),
                    mode="lines",
                    line=dict(color=style["colour"], width=style["width"], dash=style["dash"]),
                    hovertemplate=f"{label}: %{{y:.1f}} %<extra></extra>",
                )
            )
        layout[f"xaxis{suffix}"].update(
            gridcolor=COLOURS["grid_light"],
            type="date",
            nticks=4,
            ticklabeloverflow="hide past domain",
        )
        layout[f"yaxis{suffix}"].update(range=[0, 102], ticksuffix=" %", gridcolor=COLOURS["grid"])
    layout["yaxis"]["title"] = {"text": _("Andel av befolkningen")}
    layout.update(
        base_layout(
            group_title,
            margin=dict(l=60, r=10, t=70, b=40),
            legend=dict(orientation="h", y=-0.18),
            hovermode="x unified",
        )
    )
    return plain_figure(traces, layout)
