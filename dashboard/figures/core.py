"""Figure builders: pure functions ``(DataFrame, options) -> go.Figure``; no Dash imports.

Titles, trace names and axis titles passed in come translated; the builders translate their own
texts (trace names, hover templates, range buttons) and use the language's number separators.
"""

from __future__ import annotations

import copy
import functools
import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import convert_to_base64

from dashboard import formatting, i18n
from dashboard.definitions import MetricDefinition, trend_label
from dashboard.figures.theme import COLOURS, FONT_FAMILY, SEQUENTIAL
from dashboard.i18n import _

MAP_COLORSCALE = SEQUENTIAL  # single-hue sequential (theme), colour-blind safe
FONT = dict(family=FONT_FAMILY, size=13)
KOMMUNE_COLOUR = COLOURS["kommune"]
FYLKE_COLOUR = COLOURS["fylke"]
NATION_COLOUR = COLOURS["land"]


def hover_date() -> str:
    """The x value of a time series in a hover template, written as formatting.date_short
    writes dates in the current language."""
    return "%{x|%d/%m/%Y}" if i18n.get_language() == "en" else "%{x|%d.%m.%Y}"


@functools.cache
def _template_json(name: str) -> dict[str, Any]:
    return pio.templates[name].to_plotly_json()


def plain_figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A figure as the plain JSON dict a go.Figure would send (default template included,
    numeric arrays as base64 typed arrays), without go.Figure's validation: building and
    validating a go.Figure costs milliseconds per trace, and the page callbacks send JSON anyway.

    Traces need their ``type``; properties are written out in full (``marker.color``, not
    ``marker_color``).
    """
    layout = dict(layout)
    if "template" not in layout and pio.templates.default:
        layout["template"] = copy.deepcopy(_template_json(pio.templates.default))
    fig = {"data": data, "layout": layout}
    convert_to_base64(fig)
    return fig


def _wrap_html(text: str, width: int = 60) -> str:
    return "<br>".join(textwrap.wrap(text, width))


def map_trace_values(
    values: pd.DataFrame, metric: MetricDefinition, zrange: tuple[float, float]
) -> dict[str, Any]:
    """Trace values for metric and date. ``locations`` and ``text`` (names) are sent with the
    first figure only; a later change patches ``z``, ``customdata`` and the scale, never geometry.

    ``values`` columns: polygon_id, value, name, trend (rising/flat/falling/None).
    """
    decimals = 1 if metric.unit == "per 100 000" else 0
    withheld = values["withheld"] if "withheld" in values else [False] * len(values)
    hidden = _("skjult (1–4 tilfeller)")
    trends = {code: trend_label(code) for code in ("rising", "flat", "falling", None)}
    customdata = [
        [
            hidden if hide else formatting.number(v, decimals),
            trends.get(t, trends[None]),
        ]
        for v, t, hide in zip(values["value"], values["trend"], withheld, strict=True)
    ]
    hover = _(
        "<b>%{{text}}</b><br>{label}: <b>%{{customdata[0]}}</b><br>Trend: %{{customdata[1]}}<br>"
        "<span style='font-size:11px'>{definisjon}</span><extra></extra>",
        label=_(metric.label),
        definisjon=_wrap_html(_(metric.definition)),
    )
    return {
        "locations": values["polygon_id"].tolist(),
        "text": values["name"].tolist(),
        "z": [None if pd.isna(v) else round(float(v), 2) for v in values["value"]],
        "customdata": customdata,
        "hovertemplate": hover,
        "zmin": zrange[0],
        "zmax": zrange[1],
        "colorbar_title": _(metric.unit or metric.label),
    }


def withheld_trace(values: pd.DataFrame, geojson: str | dict[str, Any]) -> dict[str, Any]:
    """The map areas whose value is withheld for the reader's role (its count is 1–4), drawn
    grey with "skjult" in the legend and the hover, so that no area is a white hole. A
    choropleth of one colour; ``values`` as for :func:`map_trace_values`."""
    withheld = values[values["withheld"]] if "withheld" in values else values.iloc[0:0]
    label = _("skjult (1–4 tilfeller)")
    return dict(
        type="choropleth",
        geojson=geojson,
        featureidkey="id",
        locations=withheld["polygon_id"].tolist(),
        text=withheld["name"].tolist(),
        z=[0] * len(withheld),
        zmin=0,
        zmax=1,
        colorscale=[[0, COLOURS["withheld"]], [1, COLOURS["withheld"]]],
        showscale=False,
        showlegend=True,
        name=label,
        marker=dict(line=dict(width=0.3, color=COLOURS["border"])),
        hovertemplate="<b>%{text}</b><br>" + label + "<extra></extra>",
    )


def choropleth_map(
    *, geojson: str | dict[str, Any], trace_values: dict[str, Any], uirevision: str = "map"
) -> go.Figure:
    """Choropleth of all kommuner. ``geojson`` may be a URL, so the browser fetches and caches
    the geometry once instead of receiving it inside every figure."""
    values = dict(trace_values)
    colorbar_title = values.pop("colorbar_title")
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson,
            featureidkey="id",
            colorscale=MAP_COLORSCALE,
            marker_line_width=0.3,
            marker_line_color=COLOURS["border"],
            colorbar=dict(title=dict(text=colorbar_title), thickness=14, len=0.6),
            **values,
        )
    )
    fig.update_geos(
        visible=False,
        fitbounds="locations",
        projection_type="mercator",
        bgcolor=COLOURS["transparent"],
    )
    fig.update_layout(
        margin=dict(l=0, r=0, t=0, b=0),
        height=720,
        font=FONT,
        uirevision=uirevision,
        paper_bgcolor=COLOURS["transparent"],
        dragmode=False,
    )
    return fig


def incomplete_marking(layout: dict[str, Any], *frames: pd.DataFrame) -> dict[str, Any]:
    """Shade the test dates still incomplete on the data date (a frame's ``complete`` column,
    set by the data layer: :mod:`data.queries.completeness`) and say so on the figure. The
    one marking every time figure by test date uses."""
    dates = [
        pd.to_datetime(frame.loc[~frame["complete"].astype(bool), "date"])
        for frame in frames
        if "complete" in frame and "date" in frame and len(frame)
    ]
    dates = [d for d in dates if len(d)]
    if not dates:
        return layout
    band, label = day_span(
        min(d.min() for d in dates),
        max(d.max() for d in dates),
        _("Ufullstendig"),
        colour=COLOURS["withheld"],
        opacity=0.35,
        at="right",
        name="incomplete",
    )
    label.update(
        hovertext=_("Prøver tatt de siste dagene er ikke ferdig registrert; tallene vil øke."),
        yanchor="bottom",
        font=dict(size=11, color=COLOURS["muted_text"]),
    )
    layout.setdefault("shapes", []).append(band)
    layout.setdefault("annotations", []).append(label)
    return layout


def day_span(
    first: Any, last: Any, text: str, *, colour: str, opacity: float, at: str, **extra: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A band shaded over the whole days ``first`` to ``last`` (from half a day before to
    half a day after, below the traces) and its label ``text`` at the top of its ``at``
    ("left" or "right") edge, inside: the shape and the annotation of a figure's layout."""
    x0 = pd.Timestamp(first) - pd.Timedelta(hours=12)
    x1 = pd.Timestamp(last) + pd.Timedelta(hours=12)
    band = dict(
        type="rect",
        xref="x",
        yref="paper",
        x0=x0,
        x1=x1,
        y0=0,
        y1=1,
        fillcolor=colour,
        opacity=opacity,
        line=dict(width=0),
        layer="below",
        **extra,
    )
    label = dict(
        text=text,
        xref="x",
        yref="paper",
        x=x0 if at == "left" else x1,
        y=1,
        xanchor=at,
        yanchor="top",
        showarrow=False,
        font=dict(size=11),
        **extra,
    )
    return band, label


def nowcast_band(daily: pd.DataFrame) -> list[dict[str, Any]]:
    """The nowcast of the incomplete days (a frame's ``nowcast``, ``nowcast_low`` and
    ``nowcast_high`` columns, from :mod:`data.queries.growth`) as a band with its estimate:
    what the shaded days will likely count once registered. None without those columns."""
    if "nowcast" not in daily or not daily["nowcast"].notna().any():
        return []
    rows = daily[daily["nowcast"].notna()]
    hover = hover_date() + ": " + _("anslag %{y:.0f}") + "<extra></extra>"
    return [
        dict(
            type="scatter",
            x=rows["date"],
            y=rows["nowcast_low"],
            mode="lines",
            line=dict(width=0, color=COLOURS["nowcast"]),
            hoverinfo="skip",
            showlegend=False,
            name=_("Anslag, nedre grense"),
        ),
        dict(
            type="scatter",
            x=rows["date"],
            y=rows["nowcast_high"],
            mode="lines",
            fill="tonexty",
            fillcolor=COLOURS["nowcast_band"],
            line=dict(width=0, color=COLOURS["nowcast"]),
            name=_("Anslag, 95 % intervall"),
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=rows["date"],
            y=rows["nowcast"],
            mode="lines+markers",
            line=dict(color=COLOURS["nowcast"], width=2, dash="dash"),
            name=_("Anslag når alle er registrert"),
            hovertemplate=hover,
        ),
    ]


def daily_cases_figure(daily: pd.DataFrame, *, title: str, plain: bool = False) -> Any:
    """Bars of daily cases with a 7-day moving average line.

    ``daily`` columns: date, cases (by the dataset's case date basis), moving_average.
    ``plain``: the figure as plain JSON (see :func:`plain_figure`), else a go.Figure.
    """
    traces = [
        dict(
            type="bar",
            x=daily["date"],
            y=daily["cases"],
            name=_("Tilfeller per dag"),
            marker=dict(color=COLOURS["kommune_light"]),
            hovertemplate=hover_date() + ": " + _("%{y} tilfeller") + "<extra></extra>",
        ),
        dict(
            type="scatter",
            x=daily["date"],
            y=daily["moving_average"],
            name=_("Glidende 7-dagers snitt"),
            mode="lines",
            line=dict(color=KOMMUNE_COLOUR, width=2),
            hovertemplate=hover_date() + ": " + _("%{y:.1f} i snitt") + "<extra></extra>",
        ),
    ]
    layout = incomplete_marking(time_layout(title=title, yaxis_title=_("Tilfeller")), daily)
    traces.extend(nowcast_band(daily))
    hidden = daily.get("cases_suppressed")
    if hidden is not None and hidden.any():
        # a day withheld for the reader's role (0–4) is a hatched grey bar of height 4, the
        # upper bound, so that it does not read as a day without cases
        traces.append(
            dict(
                type="bar",
                x=daily["date"],
                y=[4.0 if h else None for h in hidden],
                name=_("0–4 (skjult)"),
                marker=dict(
                    color=COLOURS["withheld"], pattern=dict(shape="/", fgcolor=COLOURS["border"])
                ),
                hovertemplate=hover_date()
                + ": "
                + _("0–4 (skjult for din rolle)")
                + "<extra></extra>",
            )
        )
        layout["barmode"] = "overlay"
    return _figure(traces, layout, plain)


def _figure(traces: list[dict[str, Any]], layout: dict[str, Any], plain: bool) -> Any:
    if plain:
        return plain_figure(traces, layout)
    return go.Figure(data=traces, layout=layout)


def paper_note(text: str, x: float, y: float, *, size: int = 11, **extra: Any) -> dict[str, Any]:
    """A note on the figure's area (paper coordinates, no arrow) in the muted text colour: a
    message where a figure has nothing to draw (size 14), or a small note in a corner."""
    return dict(
        text=text,
        xref="paper",
        yref="paper",
        x=x,
        y=y,
        showarrow=False,
        font=dict(size=size, color=COLOURS["muted_text"]),
        **extra,
    )


def message_figure(text: str, *, height: int = 200) -> go.Figure:
    """No data to draw: a short plain message (given translated) where the figure would be
    (never empty axes)."""
    fig = go.Figure()
    fig.add_annotation(**paper_note(_wrap_html(text, 70), 0.5, 0.5, size=14))
    fig.update_layout(
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        font=FONT,
        paper_bgcolor=COLOURS["transparent"],
        plot_bgcolor=COLOURS["transparent"],
    )
    return fig


def national_series_figure(
    daily: pd.DataFrame, *, title: str, name: str, yaxis_title: str, line: str | None = None
) -> go.Figure:
    """A published national series: bars per day and, with ``line``, that column as a line
    (for example a 7-day average or share).

    ``daily`` columns: date, value (NaN where not published), and ``line`` if given.
    """
    fig = go.Figure()
    fig.add_bar(
        x=daily["date"],
        y=daily["value"],
        name=name,
        marker_color=COLOURS["kommune_light"],
        hovertemplate=hover_date() + ": %{y}<extra></extra>",
    )
    if line is not None:
        fig.add_scatter(
            x=daily["date"],
            y=daily[line],
            name=_("Glidende 7-dagers snitt"),
            mode="lines",
            line=dict(color=NATION_COLOUR, width=2),
            hovertemplate=hover_date() + ": " + _("%{y:.1f} i snitt") + "<extra></extra>",
        )
    _time_layout(fig, title=title, yaxis_title=yaxis_title)
    return fig


def incidence_comparison_figure(
    series: list[tuple[str, pd.DataFrame]], *, title: str, plain: bool = False
) -> Any:
    """7-day incidence per 100 000 of several areas on one axis.

    ``series``: (label, DataFrame with date and incidence) in drawing order; the first is the
    kommune and is drawn strongest. ``plain``: plain JSON (see :func:`plain_figure`).
    """
    colours = [KOMMUNE_COLOUR, FYLKE_COLOUR, NATION_COLOUR]
    dashes = ["solid", "dash", "dot"]  # not by colour alone
    traces = []
    for i, (label, frame) in enumerate(series):
        traces.append(
            dict(
                type="scatter",
                x=frame["date"],
                y=frame["incidence"],
                name=label,
                mode="lines",
                line=dict(color=colours[i % 3], width=3 if i == 0 else 2, dash=dashes[i % 3]),
                hovertemplate=_(
                    "{omrade}<br>{dato}: %{{y:.1f}} per 100 000<extra></extra>",
                    omrade=label,
                    dato=hover_date(),
                ),
            )
        )
    layout = time_layout(title=title, yaxis_title=_("Per 100 000"))
    # the 7-day windows ending on an incomplete day are incomplete too: the kommune's shading
    incomplete_marking(layout, *(frame for _label, frame in series[:1]))
    return _figure(traces, layout, plain)


def base_layout(title: str, **extra: Any) -> dict[str, Any]:
    """The layout every figure starts from: its title, the font, height 360, the margins, the
    background and the language's number separators; ``extra`` adds or overrides keys."""
    layout: dict[str, Any] = dict(
        title=dict(text=title, x=0, font=dict(size=15)),
        font=FONT,
        height=360,
        margin=dict(l=50, r=10, t=50, b=40),
        plot_bgcolor=COLOURS["background"],
        separators=i18n.plotly_separators(),
    )
    layout.update(extra)
    return layout


def time_layout(*, title: str, yaxis_title: str) -> dict[str, Any]:
    """The layout of a time figure as a dict (what :func:`_time_layout` sets on a go.Figure)."""
    return base_layout(
        title,
        legend=dict(orientation="h", y=-0.18),
        hovermode="x unified",
        yaxis=dict(title=dict(text=yaxis_title), gridcolor=COLOURS["grid"], rangemode="tozero"),
        xaxis=dict(
            gridcolor=COLOURS["grid_light"],
            rangeslider=dict(visible=False),
            rangeselector=dict(
                buttons=[
                    dict(count=3, label=_("3 mnd"), step="month", stepmode="backward"),
                    dict(count=1, label=_("1 år"), step="year", stepmode="backward"),
                    dict(step="all", label=_("Alt")),
                ]
            ),
        ),
    )


def _time_layout(fig: go.Figure, *, title: str, yaxis_title: str) -> None:
    """:func:`time_layout` set on a go.Figure (for the builders that still make one)."""
    fig.update_layout(time_layout(title=title, yaxis_title=yaxis_title))


__all__ = [
    "FONT",
    "FYLKE_COLOUR",
    "KOMMUNE_COLOUR",
    "MAP_COLORSCALE",
    "NATION_COLOUR",
    "base_layout",
    "choropleth_map",
    "daily_cases_figure",
    "hover_date",
    "incidence_comparison_figure",
    "incomplete_marking",
    "map_trace_values",
    "message_figure",
    "national_series_figure",
    "nowcast_band",
    "plain_figure",
    "time_layout",
    "withheld_trace",
]
