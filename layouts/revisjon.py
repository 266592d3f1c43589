"""Revisjonslogg (admin): who read what, in which role, for which kommune, when."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html

from layouts.common import page_header

PAGE = dict(
    path="/admin/revisjon",
    name="Revisjonslogg",
    title="Revisjonslogg – Situasjonsbilde",
    order=30,
    permission="audit",
)

ACTIONS = [
    {"label": "Alle hendelser", "value": ""},
    {"label": "Avviste forespørsler", "value": "refused"},
    {"label": "Lesing av persondata (smittesporing)", "value": "tracing_read"},
    {"label": "Eksport", "value": "export"},
    {"label": "Nye regelversjoner", "value": "rule_recorded"},
]


def layout(**_: object) -> html.Div:
    filters = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Hendelse", html_for="audit-action"),
                    dcc.Dropdown(id="audit-action", options=ACTIONS, value="", clearable=False),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label("Bruker-id", html_for="audit-user"),
                    dbc.Input(id="audit-user", placeholder="f.eks. lege-oslo", debounce=True),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label("Kommunenummer", html_for="audit-kommune"),
                    dbc.Input(id="audit-kommune", placeholder="f.eks. 0301", debounce=True),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Label("Fra dato", html_for="audit-since"),
                    html.Div(
                        dcc.DatePickerSingle(
                            id="audit-since", display_format="DD.MM.YYYY", placeholder="Velg dato"
                        )
                    ),
                ],
                md=3,
            ),
        ],
        className="g-3 mb-3",
    )
    return html.Div(
        [
            page_header(
                "Revisjonslogg",
                "Avviste forespørsler, lesing av persondata og eksporter, nyeste først.",
            ),
            filters,
            html.Div(id="audit-alert"),
            dash_table.DataTable(  # type: ignore[attr-defined]
                id="audit-table",
                columns=[
                    {"name": "Tidspunkt (UTC)", "id": "at"},
                    {"name": "Bruker", "id": "user_id"},
                    {"name": "Rolle", "id": "role"},
                    {"name": "Hendelse", "id": "action"},
                    {"name": "Kommune", "id": "kommunenummer"},
                    {"name": "Detaljer", "id": "detail"},
                ],
                page_size=25,
                style_cell={"textAlign": "left", "fontSize": "0.85rem", "whiteSpace": "normal"},
                style_header={"fontWeight": "bold"},
            ),
        ]
    )
