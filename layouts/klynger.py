"""Klynger og utbrudd: active and recent clusters of a kommune (or of every kommune in the
user's scope), their epidemic curve, and, for users with tracing access only, the
transmission chains within a cluster."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html

from dashboard.definitions.clusters import CHAIN, CLUSTERS, EPICURVE
from layouts.common import EMPTY_FIGURE, GRAPH_CONFIG, definition_block, kommune_date_controls

PAGE = dict(
    path_template="/klynger/<kommunenummer>",
    path="/klynger/0301",
    nav_href="/klynger/{kommune}",
    name="Klynger og utbrudd",
    title="Klynger og utbrudd – Situasjonsbilde",
    order=7,
)

VIEW_OPTIONS = [
    {"label": "Valgt kommune", "value": "kommune"},
    {"label": "Alle kommuner jeg har tilgang til", "value": "scope"},
]
TABLE_COLUMNS = [
    {"name": "Klynge", "id": "id"},
    {"name": "Miljø", "id": "setting"},
    {"name": "Status", "id": "status"},
    {"name": "Første tilfelle", "id": "first"},
    {"name": "Siste tilfelle", "id": "last"},
    {"name": "Størrelse", "id": "size"},
    {"name": "Nye siste 7 d", "id": "growth"},
    {"name": "Kommuner", "id": "kommuner"},
]


def layout(
    kommunenummer: str | None = None,
    dato: str | None = None,
    visning: str | None = None,
    **_: object,
) -> html.Div:
    chain = html.Div(
        [
            html.H2("Smittekjeder", className="h5 mt-4"),
            html.P(id="klynger-chain-note", className="small text-muted"),
            dbc.Row(
                dbc.Col(
                    [
                        dbc.Label("Klynge", html_for="klynger-chain-cluster", className="small"),
                        dcc.Dropdown(id="klynger-chain-cluster", placeholder="Velg klynge"),
                    ],
                    md=4,
                ),
                className="mb-2",
            ),
            dcc.Loading(dcc.Graph(id="klynger-chain", figure=EMPTY_FIGURE, config=GRAPH_CONFIG)),
            html.Div(id="klynger-chain-detail", className="small border rounded p-2 mt-2"),
            definition_block(CHAIN),
        ],
        id="klynger-chain-section",
        style={"display": "none"},
    )
    return html.Div(
        [
            kommune_date_controls("klynger", kommunenummer, dato),
            dbc.RadioItems(
                id="klynger-view",
                options=VIEW_OPTIONS,
                value=visning if visning in ("kommune", "scope") else "kommune",
                inline=True,
                className="mb-2",
            ),
            html.Div(id="klynger-alert"),
            dcc.Loading(
                [
                    dbc.Row(id="klynger-cards", className="g-3 mb-3"),
                    dcc.Graph(id="klynger-epicurve", figure=EMPTY_FIGURE, config=GRAPH_CONFIG),
                    html.H2("Aktive og nylige klynger", className="h5 mt-3"),
                    dash_table.DataTable(  # type: ignore[attr-defined]
                        id="klynger-table",
                        columns=TABLE_COLUMNS,
                        data=[],
                        sort_action="native",
                        filter_action="native",
                        page_size=15,
                        row_selectable=False,
                        style_cell={"textAlign": "left", "fontSize": "0.85rem"},
                        style_header={"fontWeight": "bold"},
                        style_data_conditional=[
                            {
                                "if": {"filter_query": '{status} = "Aktiv"'},
                                "fontWeight": "600",
                            }
                        ],
                    ),
                ]
            ),
            html.Div([definition_block(CLUSTERS), definition_block(EPICURVE)], className="mt-3"),
            chain,
            html.Div(id="klynger-source", className="small text-muted"),
            dcc.Store(id="klynger-view-url"),
        ]
    )
