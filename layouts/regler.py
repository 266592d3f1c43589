"""Regler: the rules in force in a kommune on the reference date (national, county and local),
upcoming changes, a timeline of changes per category beside the epidemic curve, and a
comparison between two dates."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.definitions.rules import (
    DEFAULT_UPCOMING_DAYS,
    DIFF,
    IN_FORCE,
    IN_ISOLATION,
    IN_QUARANTINE,
    TIMELINE,
    UPCOMING_OPTIONS,
)
from dashboard.i18n import N_, _
from layouts.common import (
    date_picker,
    definition_block,
    dropdown,
    graph,
    kommune_date_controls,
    kommune_page_entry,
)

PAGE = kommune_page_entry("regler", N_("Regler"), 7, "tiltak")


def _date_picker(picker_id: str, label: str, value: str | None) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(_(label), html_for=picker_id, className="small"),
            html.Div(date_picker(picker_id, value)),
        ],
        width="auto",
    )


def layout(
    kommunenummer: str | None = None,
    dato: str | None = None,
    fra: str | None = None,
    til: str | None = None,
    **_kw: object,
) -> html.Div:
    return html.Div(
        [
            kommune_date_controls("regler", kommunenummer, dato),
            html.Div(id="regler-alert"),
            html.Div(id="regler-edit-link", className="mb-2"),
            dcc.Loading(
                [
                    dbc.Row(id="regler-cards", className="g-3 mb-3"),
                    html.H2(id="regler-in-force-title", className="h5 mt-2"),
                    html.Div(id="regler-in-force"),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(html.H2(_("Kommende endringer"), className="h5 mb-0"), width="auto"),
                    dbc.Col(
                        dropdown(
                            id="regler-upcoming-days",
                            options=[
                                {"label": _(str(label)), "value": value}
                                for label, value in (
                                    (o["label"], o["value"]) for o in UPCOMING_OPTIONS
                                )
                            ],
                            value=DEFAULT_UPCOMING_DAYS,
                            clearable=False,
                            searchable=False,
                            style={"minWidth": "11rem"},
                        ),
                        width="auto",
                    ),
                ],
                className="g-2 mt-4 mb-2 align-items-center",
            ),
            dcc.Loading(html.Div(id="regler-upcoming")),
            html.H2(_("Tidslinje"), className="h5 mt-4"),
            dcc.Loading(graph("regler-timeline")),
            html.H2(_("Sammenlign to datoer"), className="h5 mt-4"),
            dbc.Row(
                [
                    _date_picker("regler-diff-from", N_("Fra dato"), fra),
                    _date_picker("regler-diff-to", N_("Til dato"), til),
                ],
                className="g-3 mb-2 align-items-end",
            ),
            dcc.Loading(html.Div(id="regler-diff")),
            html.Div(
                [
                    definition_block(IN_FORCE),
                    definition_block(IN_ISOLATION),
                    definition_block(IN_QUARANTINE),
                    definition_block(TIMELINE),
                    definition_block(DIFF),
                ],
                className="mt-4",
            ),
            html.Div(id="regler-source", className="small text-muted"),
        ]
    )
