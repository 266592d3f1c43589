"""Smittekart: choropleth of all kommuner with metric and date controls."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.definitions import DEFAULT_MAP_METRIC, MAP_METRICS
from dashboard.i18n import N_, _
from layouts.common import (
    date_picker,
    dropdown,
    lazy_graph,
    map_config,
    page_entry,
    page_header,
)

PAGE = page_entry("/", N_("Smittekart"), 0, "oversikt")
GEOMETRY_ATTRIBUTION = N_("Kartgrunnlag: © Kartverket")


def layout(
    metrikk: str | None = None, dato: str | None = None, kart: str | None = None, **_query: object
) -> html.Div:
    metric = metrikk if metrikk in MAP_METRICS else DEFAULT_MAP_METRIC
    structure = int(kart) if kart in ("2020", "2024") else None
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Mål"), html_for="map-metric"),
                    dropdown(
                        id="map-metric",
                        options=[{"label": _(m.label), "value": k} for k, m in MAP_METRICS.items()],
                        value=metric,
                        clearable=False,
                    ),
                ],
                md=5,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Dato (til og med)"), html_for="map-date"),
                    html.Div(date_picker("map-date", dato)),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Kartgrunnlag"), html_for="map-structure"),
                    # options from a callback: 2024 only when its boundaries were imported
                    dbc.RadioItems(
                        id="map-structure",
                        options=[],
                        value=structure,
                        inline=True,
                        className="small",
                    ),
                    dbc.Checklist(
                        id="map-overlay",
                        options=[{"label": _("Vis signaler og aktive klynger"), "value": "on"}],
                        value=[],
                        switch=True,
                        className="mt-1",
                    ),
                ],
                md=4,
            ),
        ],
        className="g-3 mb-2",
    )
    return html.Div(
        [
            page_header(
                _("Smittekart"),
                _(
                    "Smittesituasjonen i alle kommuner. Hold musepekeren over en kommune for "
                    "tall, klikk for å åpne kommunen."
                ),
            ),
            controls,
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Loading(
                            lazy_graph(
                                "map",
                                config=map_config(),
                                style={"height": "720px"},
                                className="graph-h720",  # reserved while plotly.js loads
                            ),
                            type="default",
                        ),
                        lg=8,
                    ),
                    dbc.Col(
                        [
                            html.Div(id="map-definition"),
                            html.Div(id="map-summary", className="mt-3"),
                            html.Div(id="map-overlay-note", className="small mt-3"),
                            html.P(_(GEOMETRY_ATTRIBUTION), className="small text-muted"),
                        ],
                        lg=4,
                    ),
                ]
            ),
            dcc.Store(id="map-url-sync"),
            dcc.Store(id="map-rendered", data=False),
        ]
    )
