"""The rules timeline: one row per category with a mark for every change, under the epidemic
curve of the kommune and the country (shared date axis)."""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
from typing import Any

import pandas as pd
from plotly.subplots import make_subplots

from dashboard import formatting
from dashboard.definitions.rules import CATEGORY_LABELS, SOURCE_LABELS
from dashboard.figures.arrivals import d3_date
from dashboard.figures.core import KOMMUNE_COLOUR, NATION_COLOUR, base_layout, plain_figure
from dashboard.figures.theme import COLOURS, OKABE_ITO
from dashboard.i18n import N_, _

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


@functools.cache
def _panels() -> str:
    """The two panels' axes (domains, anchors, the shared date axis, the stringency axis on
    the right of the upper panel) as ``make_subplots`` lays them out, as JSON: built once,
    the figure itself is plain JSON (make_subplots and go.Figure's validation cost more than
    everything else of the Regler page's first view)."""
    layout = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.3, 0.7],
        vertical_spacing=0.04,
        specs=[[{"secondary_y": True}], [{}]],
    ).to_plotly_json()["layout"]
    layout.pop("template", None)
    return json.dumps(layout)


def _iso(values: Any) -> list[str]:
    return [pd.Timestamp(v).isoformat() for v in values]


def rules_timeline_figure(
    changes: pd.DataFrame,
    curves: list[tuple[str, pd.DataFrame]],
    *,
    reference_date: dt.date,
    title: str,
    stringency: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """``changes``: effective_date, category, source (national | county | kommune | oxcgrt)
    and hover (HTML-safe text of one change). ``curves``: (label, DataFrame with date and
    incidence); the first is the kommune. ``stringency`` (date, value), when given: the
    OxCGRT stringency index, drawn on its own 0–100 axis beside the epidemic curve.
    Plain figure JSON: the upper panel is axes x/y (y2 on the right), the lower x2/y3."""
    layout: dict[str, Any] = json.loads(_panels())
    traces: list[dict[str, Any]] = []
    if stringency is not None and len(stringency):
        traces.append(
            dict(
                type="scatter",
                x=_iso(stringency["date"]),
                y=stringency["value"].to_numpy(dtype="float64"),
                name=_(STRINGENCY_LABEL),
                mode="lines",
                line=dict(color=STRINGENCY_COLOUR, width=1.5, shape="hv"),
                hovertemplate=f"{_(STRINGENCY_LABEL)}<br>%{{x|{d3_date()}}}: "
                "%{y:.1f}<extra></extra>",
                xaxis="x",
                yaxis="y2",
            )
        )
        layout["yaxis2"].update(
            title=dict(text=_("Strenghet (0–100)")), range=[0, 100], dtick=25, showgrid=False
        )
    for i, (label, frame) in enumerate(curves):
        traces.append(
            dict(
                type="scatter",
                x=_iso(frame["date"]),
                y=frame["incidence"].to_numpy(dtype="float64"),
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
                xaxis="x",
                yaxis="y",
            )
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
            edge = COLOURS["background"] if source != "oxcgrt" else style["color"]
            traces.append(
                dict(
                    type="scatter",
                    x=_iso(r[0] for r in rows),
                    y=[r[1] for r in rows],
                    mode="markers",
                    name=_(SOURCE_LABELS[source]),
                    marker=dict(
                        color=style["color"],
                        symbol=style["symbol"],
                        size=style["size"],
                        line=dict(width=1, color=edge),
                    ),
                    hovertext=[r[2] for r in rows],
                    hoverinfo="text",
                    xaxis="x2",
                    yaxis="y3",
                )
            )
    labels = [labels_by_category[c] for c in categories]
    # every category has its row, also without changes in the period
    traces.append(
        dict(
            type="scatter",
            x=_iso([reference_date] * len(labels)),
            y=labels,
            mode="markers",
            marker=dict(opacity=0),
            showlegend=False,
            hoverinfo="skip",
            xaxis="x2",
            yaxis="y3",
        )
    )
    # a vertical mark for the reference date on both panels
    mark = pd.Timestamp(reference_date).timestamp() * 1000
    layout["shapes"] = [
        dict(
            type="line",
            x0=mark,
            x1=mark,
            xref=x,
            y0=0,
            y1=1,
            yref=f"{y} domain",
            line=dict(color=COLOURS["muted_text"], width=1, dash="dash"),
        )
        for x, y in (("x", "y"), ("x2", "y3"))
    ]
    layout["yaxis3"].update(
        categoryorder="array",
        categoryarray=list(reversed(labels)),
        range=[-0.6, len(labels) - 0.4],
        type="category",
        gridcolor=COLOURS["grid"],
    )
    layout["yaxis"].update(
        title=dict(text=_("Per 100 000")), gridcolor=COLOURS["grid"], rangemode="tozero"
    )
    for axis in ("xaxis", "xaxis2"):
        layout[axis]["gridcolor"] = COLOURS["grid_light"]
    layout.update(
        base_layout(
            title,
            height=620,
            margin=dict(l=10, r=10, t=50, b=40),
            legend=dict(orientation="h", y=-0.08),
            hovermode="closest",
            hoverlabel=dict(align="left"),
        )
    )
    return plain_figure(traces, layout)


__all__ = ["SOURCE_STYLE", "STRINGENCY_LABEL", "rules_timeline_figure"]
