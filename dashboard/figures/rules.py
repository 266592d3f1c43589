"""The rules timeline: one row per category with a mark for every change, under the epidemic
curve of the kommune and the country (shared date axis)."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import formatting
from dashboard.definitions.rules import CATEGORY_LABELS, SOURCE_LABELS
from dashboard.figures.arrivals import d3_date
from dashboard.figures.core import FONT, KOMMUNE_COLOUR, NATION_COLOUR
from dashboard.figures.theme import COLOURS, OKABE_ITO
from dashboard.i18n import N_, _, plotly_separators

SOURCE_STYLE = {
    "national": dict(color=COLOURS["kommune"], symbol="diamond", size=12),
    "county": dict(color=OKABE_ITO["reddish_purple"], symbol="square", size=11),
    "kommune": dict(color=COLOURS["fylke"], symbol="star", size=14),
    "oxcgrt": dict(color=COLOURS["others"], symbol="circle-open", size=8),
}
MAX_ITEMS_IN_HOVER = 6
STRINGENCY_LABEL = N_("OxCGRT strenghetsindeks (nasjonal)")
STRINGENCY_COLOUR = COLOURS["accent"]  # Okabe–Ito orange: apart from the grey national curve


def _hover(items: pd.Series, date: pd.Timestamp, label: str) -> str:
    lines = list(items)
    shown = lines[:MAX_ITEMS_IN_HOVER]
    more = len(lines) - len(shown)
    body = "<br>".join(shown)
    if more > 0:
        body += "<br>" + _("… og {n} til", n=more)
    return f"<b>{formatting.date_short(date)}</b> · {html.escape(label)}<br>{body}"


def rules_timeline_figure(
    changes: pd.DataFrame,
    curves: list[tuple[str, pd.DataFrame]],
    *,
    reference_date: dt.date,
    title: str,
    stringency: pd.DataFrame | None = None,
) -> go.Figure:
    """``changes``: effective_date, category, source (national | county | kommune | oxcgrt)
    and hover (HTML-safe text of one change). ``curves``: (label, DataFrame with date and
    incidence); the first is the kommune. ``stringency`` (date, value), when given: the
    OxCGRT stringency index, drawn on its own 0–100 axis beside the epidemic curve."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.3, 0.7],
        vertical_spacing=0.04,
        specs=[[{"secondary_y": True}], [{}]],
    )
    if stringency is not None and len(stringency):
        fig.add_scatter(
            x=stringency["date"],
            y=stringency["value"],
            name=_(STRINGENCY_LABEL),
            mode="lines",
            line=dict(color=STRINGENCY_COLOUR, width=1.5, shape="hv"),
            hovertemplate=f"{_(STRINGENCY_LABEL)}<br>%{{x|{d3_date()}}}: %{{y:.1f}}<extra></extra>",
            row=1,
            col=1,
            secondary_y=True,
        )
        fig.update_yaxes(
            title=_("Strenghet (0–100)"),
            range=[0, 100],
            dtick=25,
            showgrid=False,
            row=1,
            col=1,
            secondary_y=True,
        )
    for i, (label, frame) in enumerate(curves):
        fig.add_scatter(
            x=frame["date"],
            y=frame["incidence"],
            name=label,
            mode="lines",
            line=dict(
                color=KOMMUNE_COLOUR if i == 0 else NATION_COLOUR,
                width=2.5 if i == 0 else 1.5,
                dash="solid" if i == 0 else "dot",
            ),
            legendgroup="kurve",
            hovertemplate=f"{html.escape(label)}<br>%{{x|{d3_date()}}}: "
            + _("%{y:.1f} per 100 000")
            + "<extra></extra>",
            row=1,
            col=1,
            secondary_y=False,
        )
    categories = list(CATEGORY_LABELS)
    labels_by_category = {c: _(label) for c, label in CATEGORY_LABELS.items()}
    if len(changes):
        points = changes.assign(
            label=changes["category"].map(labels_by_category).fillna(changes["category"])
        )
        for source, style in SOURCE_STYLE.items():
            part = points[points["source"] == source]
            if part.empty:
                continue
            grouped = part.groupby(["effective_date", "label"], sort=True)["hover"]
            rows = [(date, label, _hover(items, date, label)) for (date, label), items in grouped]
            fig.add_scatter(
                x=[r[0] for r in rows],
                y=[r[1] for r in rows],
                mode="markers",
                name=_(SOURCE_LABELS[source]),
                marker=dict(
                    color=style["color"],
                    symbol=style["symbol"],
                    size=style["size"],
                    line=dict(
                        width=1,
                        color=COLOURS["background"] if source != "oxcgrt" else style["color"],
                    ),
                ),
                hovertext=[r[2] for r in rows],
                hoverinfo="text",
                row=2,
                col=1,
            )
    # a vertical mark for the reference date on both panels
    for row in (1, 2):
        fig.add_vline(
            x=pd.Timestamp(reference_date).timestamp() * 1000,
            line=dict(color=COLOURS["muted_text"], width=1, dash="dash"),
            row=row,
            col=1,
        )
    labels = [labels_by_category[c] for c in categories]
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=list(reversed(labels)),
        range=[-0.6, len(labels) - 0.4],
        type="category",
        gridcolor=COLOURS["grid"],
        row=2,
        col=1,
    )
    fig.update_yaxes(
        title=_("Per 100 000"),
        gridcolor=COLOURS["grid"],
        rangemode="tozero",
        row=1,
        col=1,
        secondary_y=False,
    )
    fig.update_xaxes(gridcolor=COLOURS["grid_light"])
    fig.update_layout(
        title=dict(text=title, x=0, font=dict(size=15)),
        font=FONT,
        height=620,
        margin=dict(l=10, r=10, t=50, b=40),
        legend=dict(orientation="h", y=-0.08),
        plot_bgcolor=COLOURS["background"],
        hovermode="closest",
        hoverlabel=dict(align="left"),
        separators=plotly_separators(),
    )
    # every category has its row, also without changes in the period
    fig.add_scatter(
        x=[pd.Timestamp(reference_date)] * len(labels),
        y=labels,
        mode="markers",
        marker=dict(opacity=0),
        showlegend=False,
        hoverinfo="skip",
        row=2,
        col=1,
    )
    return fig


__all__ = ["SOURCE_STYLE", "STRINGENCY_LABEL", "rules_timeline_figure"]
