"""Vaccination figures: coverage heatmap by age band × dose and coverage over time."""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting
from dashboard.figures.core import FONT, plain_figure
from dashboard.figures.testing import AREA_STYLES, Areas, _days, _values, panels
from dashboard.figures.theme import COLOURS
from dashboard.i18n import _, plotly_separators

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
    layout = dict(
        yaxis=dict(autorange="reversed", type="category", ticksuffix=" "),
        xaxis=dict(side="top", type="category"),
        title=dict(text=title, x=0, font=dict(size=15)),
        font=FONT,
        height=520,
        margin=dict(l=90, r=10, t=80, b=20),
        plot_bgcolor=COLOURS["background"],
        separators=plotly_separators(),
    )
    return plain_figure([heatmap], layout)


def coverage_over_time(
    areas: Areas, *, group_title: str, doses: tuple[int, ...] = (1, 2, 3)
) -> dict[str, Any]:
    """Coverage over time, one panel per dose, the kommune against county and nation.

    Each frame in ``areas`` has date, dose_number and coverage_display (0–1) for one group.
    The time axis starts shortly before the first dose anywhere in the comparison.
    """
    first = []
    for _label, frame in areas:
        covered = frame["coverage_display"].to_numpy() > 0
        if covered.any():
            first.append(frame["date"].to_numpy()[covered].min())
    start = pd.Timestamp(min(first)) - pd.Timedelta(days=14) if first else None
    by_dose: list[dict[int, pd.DataFrame]] = []
    for _label, frame in areas:
        shown = frame if start is None else frame[frame["date"] >= start]
        by_dose.append({int(d): part for d, part in shown.groupby("dose_number", sort=False)})
    layout = panels([_("Minst dose {n}", n=d) for d in doses], gap=0.07)
    traces = []
    for col, dose in enumerate(doses):
        suffix = "" if col == 0 else str(col + 1)
        for i, (label, _frame) in reversed(list(enumerate(areas))):  # kommune drawn on top
            style = AREA_STYLES[i % len(AREA_STYLES)]
            part = by_dose[i].get(dose, _frame.iloc[0:0])
            traces.append(
                dict(
                    type="scatter",
                    **_days(part),
                    y=_values(part["coverage_display"], 100),
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                    name=label,
                    legendrank=i + 1,
                    legendgroup=label,
                    showlegend=col == 0,
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
        title=dict(text=group_title, x=0, font=dict(size=15)),
        font=FONT,
        height=360,
        margin=dict(l=60, r=10, t=70, b=40),
        legend=dict(orientation="h", y=-0.18),
        plot_bgcolor=COLOURS["background"],
        hovermode="x unified",
        separators=plotly_separators(),
    )
    return plain_figure(traces, layout)
