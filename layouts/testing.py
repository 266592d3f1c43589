"""Testing: test events by type, positivity and time to result; the kommune against its
county, the whole country and its neighbours."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.definitions.testing import (
    POSITIVITY_7D,
    RESULT_TIME,
    TESTS_BY_AGE,
    TESTS_DAILY,
    TESTS_PER_100K,
)
from dashboard.i18n import N_, _
from layouts.common import EMPTY_FIGURE, definition_block, graph_config, kommune_date_controls

PAGE = dict(
    path_template="/testing/<kommunenummer>",
    path="/testing/0301",
    nav_href="/testing/{kommune}",
    name=N_("Testing"),
    title=N_("Testing – Situasjonsbilde"),
    order=2,
    nav_group="smitte",
)


def _graph(graph_id: str) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=EMPTY_FIGURE, config=graph_config())


def layout(kommunenummer: str | None = None, dato: str | None = None, **_kw: object) -> html.Div:
    return html.Div(
        [
            kommune_date_controls("testing", kommunenummer, dato),
            html.Div(id="testing-alert"),
            dcc.Loading(
                [
                    dbc.Row(id="testing-cards", className="g-3 mb-3"),
                    dbc.Row(
                        [
                            dbc.Col(_graph("testing-daily"), lg=6),
                            dbc.Col(_graph("testing-positivity"), lg=6),
                        ]
                    ),
                    dbc.Row(
                        [
                            dbc.Col(_graph("testing-age"), lg=8),
                            dbc.Col(_graph("testing-result-time"), lg=4),
                        ]
                    ),
                    html.H2(_("Nabokommuner"), className="h5 mt-3"),
                    html.Div(id="testing-neighbours"),
                ],
                parent_className="page-body",
            ),
            html.Div(
                [
                    definition_block(TESTS_DAILY),
                    definition_block(POSITIVITY_7D),
                    definition_block(TESTS_PER_100K),
                    definition_block(TESTS_BY_AGE),
                    definition_block(RESULT_TIME),
                ],
                className="mt-3",
            ),
            html.Div(id="testing-source", className="small text-muted"),
        ]
    )
