"""Kommune: one kommune's daily cases and its incidence against county and country."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import N_
from layouts.common import (
    graph_row,
    kommune_date_controls,
    kommune_page_entry,
)

PAGE = kommune_page_entry("kommune", N_("Kommune"), 1, "oversikt")


def layout(kommunenummer: str | None = None, dato: str | None = None, **_query: object) -> html.Div:
    return html.Div(
        [
            kommune_date_controls("kommune", kommunenummer, dato),
            html.Div(id="kommune-alert"),
            dcc.Loading(
                [
                    dbc.Row(id="kommune-cards", className="g-3 mb-3"),
                    graph_row("kommune-daily", "kommune-incidence"),
                ],
                parent_className="page-body",
            ),
            # definitions (worded for the data's case date basis) and source, from the callback
            html.Div(id="kommune-source", className="small text-muted"),
        ]
    )
