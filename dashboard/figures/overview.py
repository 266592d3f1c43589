"""Figures of the Kommuneoversikt: small multiples of weekly incidence. Pure, no Dash."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.core import FONT, KOMMUNE_COLOUR

PER = 100_000


def small_multiples(
    kommuner: pd.DataFrame, weekly: pd.DataFrame, *, weeks: int, reference: float, n: int = 12
) -> go.Figure:
    """Weekly 7-day incidence of the ``n`` highest-ranked kommuner, one panel each, with the
    common rate as a dashed line. Withheld weeks are gaps.

    ``kommuner``: kommunenummer, name, population, rank; ``weekly``: kommunenummer, w0 … (w0
    the latest week)."""
    top = kommuner.dropna(subset=["rank"]).sort_values("rank").head(n)
    if top.empty:
        return go.Figure(layout={"height": 200, "font": FONT})
    cols = 4
    rows = math.ceil(len(top) / cols)
    titles = [f"{int(r.rank)}. {r.name}" for r in top.itertuples()]
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, shared_xaxes=True, vertical_spacing=0.12
    )
    by_code = weekly.set_index("kommunenummer")
    x = [f"-{w}" if w else "nå" for w in reversed(range(weeks))]
    for i, r in enumerate(top.itertuples()):
        row, col = i // cols + 1, i % cols + 1
        values = by_code.loc[r.kommunenummer] if r.kommunenummer in by_code.index else None
        y = [
            None
            if values is None or pd.isna(values[f"w{w}"]) or not r.population
            else round(float(values[f"w{w}"]) * PER / float(r.population), 1)
            for w in reversed(range(weeks))
        ]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers",
                line=dict(color=KOMMUNE_COLOUR, width=2),
                marker=dict(size=4),
                name=r.name,
                showlegend=False,
                hovertemplate="%{y:.1f} per 100 000<extra>" + str(r.name) + "</extra>",
            ),
            row=row,
            col=col,
        )
        if reference == reference:  # not NaN
            fig.add_hline(
                y=reference, line_dash="dash", line_color="#6b6b6b", line_width=1, row=row, col=col
            )
    fig.update_layout(
        height=170 * rows + 60,
        margin=dict(l=40, r=10, t=40, b=30),
        font=FONT,
        separators=", ",
        title=dict(
            text="7-dagers insidens per uke, siste 8 uker (stiplet: fellesnivå)", font=dict(size=13)
        ),
    )
    fig.update_annotations(font_size=11)
    return fig


__all__ = ["small_multiples"]
