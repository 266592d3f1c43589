"""Koronasertifikat: residents with a valid certificate by basis and age band, over time
against county and country, certificates about to expire, and the rule versions behind them."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.definitions.certificates import (
    BY_AGE,
    EXPIRING,
    OVER_TIME,
    PRECEDENCE_NOTE,
    RULE_VERSION,
    VALID_SHARE,
)
from dashboard.i18n import N_, _
from layouts.common import EMPTY_FIGURE, definition_block, graph_config, kommune_date_controls

PAGE = dict(
    path_template="/sertifikat/<kommunenummer>",
    path="/sertifikat/0301",
    nav_href="/sertifikat/{kommune}",
    name=N_("Koronasertifikat"),
    title=N_("Koronasertifikat – Situasjonsbilde"),
    order=4,
    nav_group="tiltak",
)


def _graph(graph_id: str) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=EMPTY_FIGURE, config=graph_config())


def _loading(child: Component) -> dcc.Loading:
    return dcc.Loading(child, delay_show=300)


def layout(kommunenummer: str | None = None, dato: str | None = None, **_kw: object) -> html.Div:
    return html.Div(
        [
            kommune_date_controls("sertifikat", kommunenummer, dato),
            html.Div(id="sertifikat-alert"),
            dbc.Row(
                [
                    dbc.Col(_loading(dbc.Row(id="sertifikat-cards", className="g-3")), xl=9),
                    # the comparison has its own callback (and spinner): see callbacks
                    dbc.Col(_loading(html.Div(id="sertifikat-compare", className="h-100")), xl=3),
                ],
                className="g-3 mb-3",
            ),
            html.P(_(PRECEDENCE_NOTE), className="small text-muted mb-3"),
            dbc.Row(
                [
                    dbc.Col(_loading(_graph("sertifikat-by-age")), lg=6),
                    dbc.Col(_loading(_graph("sertifikat-over-time")), lg=6),
                ],
                className="mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(_loading(html.Div(id="sertifikat-table")), lg=7),
                    dbc.Col(_loading(html.Div(id="sertifikat-rules")), lg=5),
                ]
            ),
            html.Div(
                [
                    definition_block(VALID_SHARE),
                    definition_block(BY_AGE),
                    definition_block(OVER_TIME),
                    definition_block(EXPIRING),
                    definition_block(RULE_VERSION),
                ],
                className="mt-3",
            ),
            html.Div(id="sertifikat-source", className="small text-muted"),
        ]
    )
