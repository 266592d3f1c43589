"""Innreise: arrivals from abroad to the kommune of stay, the follow-up funnel, data quality
and the entry rules in force."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.definitions.arrivals import (
    ARRIVALS_DAILY,
    DEFAULT_WINDOW,
    ENTRY_RULES,
    FUNNEL,
    QUALITY,
    STATUS_NOW_NOTE,
    WINDOW_OPTIONS,
)
from dashboard.i18n import N_, _
from layouts.common import EMPTY_FIGURE, definition_block, graph_config, kommune_date_controls

PAGE = dict(
    path_template="/innreise/<kommunenummer>",
    path="/innreise/0301",
    nav_href="/innreise/{kommune}",
    name=N_("Innreise"),
    title=N_("Innreise – Situasjonsbilde"),
    order=5,
    nav_group="smitte",
)


def _graph(graph_id: str) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=EMPTY_FIGURE, config=graph_config())


def _window_value(vindu: object) -> int:
    try:
        value = int(str(vindu))
    except ValueError:
        return DEFAULT_WINDOW
    return value if value in WINDOW_OPTIONS else DEFAULT_WINDOW


def layout(
    kommunenummer: str | None = None,
    dato: str | None = None,
    vindu: str | None = None,
    **_kw: object,
) -> html.Div:
    window_picker = html.Div(
        [
            dbc.Label(
                _("Vindu for trakt og datakvalitet"),
                html_for="innreise-window",
                className="small me-2 mb-0",
            ),
            dbc.RadioItems(
                id="innreise-window",
                options=[{"label": _("{n} dager", n=d), "value": d} for d in WINDOW_OPTIONS],
                value=_window_value(vindu),
                inline=True,
                className="small",
            ),
        ],
        className="d-flex flex-wrap align-items-center mb-3",
    )
    return html.Div(
        [
            kommune_date_controls("innreise", kommunenummer, dato),
            window_picker,
            dcc.Store(id="innreise-window-sync"),
            html.Div(id="innreise-alert"),
            dcc.Loading(
                [
                    dbc.Row(id="innreise-cards", className="g-3 mb-3"),
                    dbc.Row(
                        [
                            dbc.Col(_graph("innreise-funnel"), lg=6),
                            dbc.Col(html.Div(id="innreise-compare"), lg=6),
                        ],
                        className="mb-3",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(_graph("innreise-by-border"), lg=6),
                            dbc.Col(_graph("innreise-by-country"), lg=6),
                        ],
                        className="mb-3",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(html.Div(id="innreise-quality"), lg=5),
                            dbc.Col(html.Div(id="innreise-rules"), lg=7),
                        ]
                    ),
                ],
                parent_className="page-body",
            ),
            html.Div(
                [
                    definition_block(FUNNEL, extra=_(STATUS_NOW_NOTE)),
                    definition_block(QUALITY),
                    definition_block(ARRIVALS_DAILY),
                    definition_block(ENTRY_RULES),
                ],
                className="mt-3",
            ),
            html.Div(id="innreise-source", className="small text-muted"),
        ]
    )
