"""Sykehus: hospital and ICU admissions of the kommune's residents per day and per 100 000,
against its county, the whole country and its neighbours."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.definitions.hospital import ADMISSIONS_DAILY, ADMISSIONS_PER_100K, ICU_PER_100K
from dashboard.i18n import N_, _
from layouts.common import EMPTY_FIGURE, definition_block, graph_config, kommune_date_controls

PAGE = dict(
    path_template="/sykehus/<kommunenummer>",
    path="/sykehus/0301",
    nav_href="/sykehus/{kommune}",
    name=N_("Sykehus"),
    title=N_("Sykehus – Situasjonsbilde"),
    order=6,
    nav_group="smitte",
)


def _graph(graph_id: str) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=EMPTY_FIGURE, config=graph_config())


def layout(kommunenummer: str | None = None, dato: str | None = None, **_kw: object) -> html.Div:
    return html.Div(
        [
            kommune_date_controls("sykehus", kommunenummer, dato),
            html.Div(id="sykehus-alert"),
            dcc.Loading(
                [
                    dbc.Row(id="sykehus-cards", className="g-3 mb-3"),
                    dbc.Row(
                        [
                            dbc.Col(_graph("sykehus-daily"), lg=6),
                            dbc.Col(_graph("sykehus-rate"), lg=6),
                        ]
                    ),
                    dbc.Row(
                        [
                            dbc.Col(_graph("sykehus-age"), lg=8),
                            dbc.Col(_graph("sykehus-icu-rate"), lg=4),
                        ]
                    ),
                    html.H2(_("Nabokommuner"), className="h5 mt-3"),
                    html.Div(id="sykehus-neighbours"),
                ],
                parent_className="page-body",
            ),
            html.Div(
                [
                    definition_block(ADMISSIONS_DAILY),
                    definition_block(ADMISSIONS_PER_100K),
                    definition_block(ICU_PER_100K),
                ],
                className="mt-3",
            ),
            html.Div(id="sykehus-source", className="small text-muted"),
        ]
    )
