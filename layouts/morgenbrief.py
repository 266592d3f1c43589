"""Morgenbrief: the kommuneoverlege's 07:45 page — key numbers, what moved, the neighbours."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import N_, _
from layouts.common import (
    graph_row,
    kommune_date_controls,
    kommune_page_entry,
)

PAGE = kommune_page_entry("morgenbrief", N_("Morgenbrief"), -1, "oversikt")


def layout(kommunenummer: str | None = None, dato: str | None = None, **_query: object) -> html.Div:
    actions = html.Div(
        [
            dbc.Button(_("Skriv ut"), id="brief-print", color="secondary", outline=True, size="sm"),
            html.A(
                _("Last ned PDF (A4)"),
                id="brief-pdf",
                href="#",
                className="btn btn-primary btn-sm ms-2",
                target="_blank",
                rel="noopener",
            ),
        ],
        className="d-print-none mb-3",
    )
    return html.Div(
        [
            kommune_date_controls("brief", kommunenummer, dato),
            actions,
            html.Div(id="brief-alert"),
            dcc.Loading(
                [
                    html.Div(id="brief-body"),
                    graph_row("brief-incidence", "brief-daily", class_name="mt-2"),
                ]
            ),
            html.Div(id="brief-source", className="small text-muted mt-2"),
            dcc.Store(id="brief-print-done"),
        ]
    )
