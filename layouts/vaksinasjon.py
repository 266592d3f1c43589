"""Vaksinasjon: coverage by age band × dose and over time, residents 65+ without a dose; the
kommune against its county, the whole country and its neighbours."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.definitions.vaccination import COVERAGE, COVERAGE_OVER_TIME, UNVACCINATED
from dashboard.i18n import N_, _
from layouts.common import EMPTY_FIGURE, definition_block, graph_config, kommune_date_controls

PAGE = dict(
    path_template="/vaksinasjon/<kommunenummer>",
    path="/vaksinasjon/0301",
    nav_href="/vaksinasjon/{kommune}",
    name=N_("Vaksinasjon"),
    title=N_("Vaksinasjon – Situasjonsbilde"),
    order=3,
    nav_group="tiltak",
)


def _graph(graph_id: str) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=EMPTY_FIGURE, config=graph_config())


def layout(kommunenummer: str | None = None, dato: str | None = None, **_kw: object) -> html.Div:
    return html.Div(
        [
            kommune_date_controls("vaksinasjon", kommunenummer, dato),
            html.Div(id="vaksinasjon-alert"),
            dcc.Loading(
                [
                    html.Div(id="vaksinasjon-population", className="small text-muted mb-2"),
                    dbc.Row(id="vaksinasjon-cards", className="g-3 mb-3"),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    _graph("vaksinasjon-heatmap"),
                                    html.Div(
                                        id="vaksinasjon-heatmap-note",
                                        className="small text-muted",
                                    ),
                                ],
                                lg=5,
                            ),
                            dbc.Col(_graph("vaksinasjon-age"), lg=7),
                        ]
                    ),
                    dbc.Row(
                        [
                            dbc.Col(_graph("vaksinasjon-over-time-all"), lg=6),
                            dbc.Col(_graph("vaksinasjon-over-time-65"), lg=6),
                        ]
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    html.H2(
                                        _("Uvaksinerte 65 år og eldre (ingen dose)"),
                                        className="h5 mt-3",
                                    ),
                                    html.Div(id="vaksinasjon-unvaccinated"),
                                ],
                                lg=5,
                            ),
                            dbc.Col(
                                [
                                    html.H2(_("Nabokommuner"), className="h5 mt-3"),
                                    html.Div(id="vaksinasjon-neighbours"),
                                ],
                                lg=7,
                            ),
                        ]
                    ),
                ],
                parent_className="page-body",
            ),
            html.Div(
                [
                    definition_block(COVERAGE),
                    definition_block(COVERAGE_OVER_TIME),
                    definition_block(UNVACCINATED),
                ],
                className="mt-3",
            ),
            html.Div(id="vaksinasjon-source", className="small text-muted"),
        ]
    )
