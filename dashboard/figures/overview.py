"""Figures of the Kommuneoversikt: small multiples of weekly incidence. Pure, no Dash."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import i18n
from dashboard.figures.core import FONT, KOMMUNE_COLOUR
from dashboard.figures.theme import COLOURS
from dashboard.i18n import _

PER = 100_000


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
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, shared_xaxes=True, vertical_spacing=0.12
    )
    by_code = weekly.set_index("kommunenummer")
    now = _("nå")
    x = [f"-{w}" if w else now for w in reversed(range(weeks))]
    hover = _("%{y:.1f} per 100 000")
    traces, trace_rows, trace_cols, shapes = [], [], [], []
    for i, r in enumerate(top.itertuples()):
        values = by_code.loc[r.kommunenummer] if r.kommunenummer in by_code.index else None
        y = [
            None
            if values is None or pd.isna(values[f"w{w}"]) or not r.population
            else round(float(values[f"w{w}"]) * PER / float(r.population), 1)
            for w in reversed(range(weeks))
        ]
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers",
                line=dict(color=KOMMUNE_COLOUR, width=2),
                marker=dict(size=4),
                name=r.name,
                showlegend=False,
                hovertemplate=hover + "<extra>" + str(r.name) + "</extra>",
            )
        )
        trace_rows.append(i // cols + 1)
        trace_cols.append(i % cols + 1)
        if reference == reference:  # not NaN; shapes in one update: add_hline is slow
            suffix = "" if i == 0 else str(i + 1)
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
    fig.add_traces(traces, rows=trace_rows, cols=trace_cols)
    fig.update_layout(
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
    fig.update_annotations(font_size=11)
    return fig


__all__ = ["small_multiples"]
