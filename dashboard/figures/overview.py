"""Figures of the Kommuneoversikt: small multiples of weekly incidence. Pure, no Dash."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.figures.core import FONT, KOMMUNE_COLOUR
from dashboard.figures.theme import COLOURS
from dashboard.i18n import _

PER = 100_000


def _grid(rows: int, cols: int, titles: list[str], vertical_spacing: float) -> dict:
    """The layout ``make_subplots(rows, cols, subplot_titles=titles, shared_xaxes=True,
    vertical_spacing=…)`` makes, written out: make_subplots and adding traces by row and column
    validate every axis again for each step (0.9 s of a new date's 1.5 s on the Kommuneoversikt)."""
    h_space = 0.2 / cols
    width = (1 - h_space * (cols - 1)) / cols
    height = (1 - vertical_spacing * (rows - 1)) / rows
    layout: dict = {"annotations": []}
    for k in range(rows * cols):
        row, col = divmod(k, cols)
        suffix = "" if k == 0 else str(k + 1)
        x0 = col * (width + h_space)
        top = 1 - row * (height + vertical_spacing)
        y0 = max(0.0, top - height)
        xaxis: dict = {"anchor": f"y{suffix}", "domain": [round(x0, 12), round(x0 + width, 12)]}
        if row < rows - 1:  # shared x: the bottom panel of the column has the tick labels
            xaxis.update(matches=f"x{(rows - 1) * cols + col + 1}", showticklabels=False)
        layout[f"xaxis{suffix}"] = xaxis
        layout[f"yaxis{suffix}"] = {
            "anchor": f"x{suffix}",
            "domain": [round(y0, 12), round(top, 12)],
        }
        if k < len(titles):
            layout["annotations"].append(
                {
                    "font": {"size": 11},
                    "showarrow": False,
                    "text": titles[k],
                    "x": x0 + width / 2,
                    "xanchor": "center",
                    "xref": "paper",
                    "y": top,
                    "yanchor": "bottom",
                    "yref": "paper",
                }
            )
    return layout


def small_multiples(
    kommuner: pd.DataFrame, weekly: pd.DataFrame, *, weeks: int, reference: float, n: int = 12
) -> go.Figure:
    """Weekly 7-day incidence of the ``n`` highest-ranked kommuner, one panel each, with the
    common rate as a dashed line. Withheld weeks are gaps.

    ``kommuner``: kommunenummer, name, population, rank; ``weekly``: kommunenummer, w0 … (w0
    the latest week)."""
    ranked = kommuner.dropna(subset=["rank"])
    if "cases_7d" in ranked:  # a kommune without cases is never among the highest
        ranked = ranked[ranked["cases_7d"] > 0]
    top = ranked.sort_values(["rank", "name"]).head(n)
    if top.empty:
        return go.Figure(layout={"height": 200, "font": FONT})
    cols = 4
    rows = math.ceil(len(top) / cols)
    shared = set(ranked.loc[ranked["rank"].duplicated(keep=False), "rank"])
    titles = [
        _("delt {rang}. {navn}", rang=int(r.rank), navn=r.name)
        if r.rank in shared
        else f"{int(r.rank)}. {r.name}"
        for r in top.itertuples()
    ]
    by_code = weekly.set_index("kommunenummer")
    now = _("nå")
    x = [f"-{w}" if w else now for w in reversed(range(weeks))]
    hover = _("%{y:.1f} per 100 000")
    traces, shapes = [], []
    for i, r in enumerate(top.itertuples()):
        values = by_code.loc[r.kommunenummer] if r.kommunenummer in by_code.index else None
        y = [
            None
            if values is None or pd.isna(values[f"w{w}"]) or not r.population
            else round(float(values[f"w{w}"]) * PER / float(r.population), 1)
            for w in reversed(range(weeks))
        ]
        suffix = "" if i == 0 else str(i + 1)
        traces.append(
            {
                "type": "scatter",
                "x": x,
                "y": y,
                "mode": "lines+markers",
                "line": {"color": KOMMUNE_COLOUR, "width": 2},
                "marker": {"size": 4},
                "name": r.name,
                "showlegend": False,
                "hovertemplate": hover + "<extra>" + str(r.name) + "</extra>",
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
            }
        )
        if reference == reference:  # not NaN
            shapes.append(
                dict(
                    type="line",
                    xref=f"x{suffix} domain",
                    yref=f"y{suffix}",
                    x0=0,
                    x1=1,
                    y0=reference,
                    y1=reference,
                    line=dict(dash="dash", color=COLOURS["land"], width=1),
                )
            )
    layout = _grid(rows, cols, titles, vertical_spacing=0.12)
    layout.update(
        shapes=shapes,
        height=170 * rows + 60,
        margin=dict(l=40, r=10, t=40, b=30),
        font=FONT,
        separators=i18n.plotly_separators(),
        title=dict(
            text=_("7-dagers insidens per uke, siste {n} uker (stiplet: fellesnivå)", n=weeks),
            font=dict(size=13),
        ),
    )
    return go.Figure(data=traces, layout=layout)


__all__ = ["small_multiples"]
