"""Figures of the Koronasertifikat page: shares by age band and basis, and over time.

Built from one dict each (see :mod:`dashboard.figures.arrivals`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting
from dashboard.figures.arrivals import d3_date, note
from dashboard.figures.core import FYLKE_COLOUR, KOMMUNE_COLOUR, NATION_COLOUR, base_layout
from dashboard.figures.theme import COLOURS
from dashboard.i18n import N_, _

BASIS_COLOURS = {
    "vaccinated": COLOURS["kommune"],
    "recovered": COLOURS["secondary"],
    "tested": COLOURS["accent"],
}
WITHHELD_COLOUR = COLOURS["withheld"]
SHARE_AXIS_TITLE = N_("Andel av innbyggerne (%)")
UNKNOWN_AGE = N_("Ukjent alder")  # the "ukjent" age band


def _share_axis() -> dict[str, Any]:
    return dict(
        title=dict(text=_(SHARE_AXIS_TITLE)),
        range=[0, 100],
        gridcolor=COLOURS["grid"],
        ticksuffix=" %",
    )


def _percent_values(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else round(min(float(v), 1.0) * 100, 2) for v in values]


def age_share_figure(
    status: pd.DataFrame, *, basis_labels: Mapping[str, str], title: str
) -> go.Figure:
    """Stacked bars: share of residents with a valid certificate per age band, by best basis.

    ``status`` rows per age band (the "total" row is left out) with columns age_band,
    population, vaccinated, recovered, tested, share_vaccinated, share_recovered, share_tested
    and ``<basis>_suppressed``, and optionally share_basis_withheld (drawn grey). Shares
    above 100 % are drawn at 100 %.
    """
    rows = status[(status["age_band"] != "total") & (status["population"] > 0)]
    bands = [_(UNKNOWN_AGE) if b == "ukjent" else b for b in rows["age_band"]]
    traces: list[dict[str, Any]] = []
    for basis, colour in BASIS_COLOURS.items():
        hidden = rows[f"{basis}_suppressed"].astype(bool)
        counts = [
            formatting.count(v, suppressed=h) for v, h in zip(rows[basis], hidden, strict=True)
        ]
        label = _(basis_labels[basis]) if basis in basis_labels else basis
        traces.append(
            dict(
                type="bar",
                x=bands,
                y=_percent_values(rows[f"share_{basis}"]),
                name=label,
                marker=dict(color=colour),
                customdata=counts,
                hovertemplate=_("{label}: %{{y:.1f}} % (%{{customdata}} personer)", label=label)
                + "<extra></extra>",
            )
        )
    annotations = []
    if "share_basis_withheld" in rows and rows["share_basis_withheld"].notna().any():
        # persons whose basis is withheld: the bar still reaches the (shown) total
        traces.append(
            dict(
                type="bar",
                x=bands,
                y=_percent_values(rows["share_basis_withheld"]),
                name=_("Grunnlag skjult (1–4)"),
                marker=dict(color=WITHHELD_COLOUR),
                hovertemplate=_("Grunnlag skjult: %{y:.1f} %") + "<extra></extra>",
            )
        )
    if bool(rows[[f"{b}_suppressed" for b in BASIS_COLOURS]].to_numpy().any()):
        annotations.append(note(_("Tall 1–4 vises ikke"), corner=True))
    layout = base_layout(
        title,
        barmode="stack",
        legend=dict(orientation="h", y=-0.18, traceorder="normal"),
        hovermode="x unified",
        annotations=annotations,
        yaxis=_share_axis(),
        xaxis=dict(title=dict(text=_("Aldersgruppe")), type="category"),
    )
    return go.Figure(dict(data=traces, layout=layout))


def share_over_time_figure(series: list[tuple[str, pd.DataFrame]], *, title: str) -> go.Figure:
    """Share with a valid certificate over time for several areas (kommune first, drawn
    strongest; then county and nation). Frames with date and share_valid."""
    colours = [KOMMUNE_COLOUR, FYLKE_COLOUR, NATION_COLOUR]
    dashes = ["solid", "dash", "dot"]  # not by colour alone
    traces = [
        dict(
            type="scatter",
            x=frame["date"],
            y=_percent_values(frame["share_valid"]),
            name=label,
            mode="lines",
            line=dict(color=colours[i % 3], width=3 if i == 0 else 2, dash=dashes[i % 3]),
            hovertemplate=f"{label}: %{{y:.1f}} %<extra></extra>",
        )
        for i, (label, frame) in enumerate(series)
    ]
    layout = base_layout(
        title,
        legend=dict(orientation="h", y=-0.15),
        hovermode="x unified",
        yaxis=_share_axis(),
        # numeric dates: month names would follow the browser's plotly locale, not Norwegian
        xaxis=dict(
            gridcolor=COLOURS["grid_light"], hoverformat=d3_date(), tickformat=d3_date("month")
        ),
    )
    return go.Figure(dict(data=traces, layout=layout))


__all__ = ["BASIS_COLOURS", "age_share_figure", "share_over_time_figure"]
