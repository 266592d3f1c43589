"""Signaler: automated aberration signals per kommune and week (Farrington-type method),
filterable by county and kommune, with one kommune's observed, expected and threshold."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.definitions.clusters import METHOD_CITATION, SIGNALS
from dashboard.i18n import N_, _
from layouts.common import (
    data_table,
    date_picker,
    definition_block,
    dropdown,
    first_date,
    graph,
    page_entry,
    page_header,
)

PAGE = page_entry("/signaler", N_("Signaler"), 8, "smitte")

TABLE_COLUMNS = (
    ("kommune", N_("Kommune")),
    ("fylke", N_("Fylke")),
    ("disease", N_("Sykdom")),
    ("series", N_("Serie")),
    ("week", N_("Uke")),
    ("observed", N_("Observert")),
    ("expected", N_("Forventet")),
    ("threshold", N_("Terskel")),
    ("since", N_("Signal siden")),
)
SERIES_OPTIONS = (
    ("cases", N_("Tilfeller")),
    ("admissions", N_("Sykehusinnleggelser")),
)


def layout(
    kommune: str | None = None,
    fylke: str | None = None,
    dato: str | None = None,
    serie: str | None = None,
    **_kwargs: object,
) -> html.Div:
    # plotly.js locale (month names, modebar) follows the language
    kommuner = [k for k in (kommune or "").split(",") if k]
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Fylke"), html_for="signaler-fylke", className="small"),
                    dropdown(id="signaler-fylke", value=fylke, placeholder=_("Alle fylker")),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Kommuner"), html_for="signaler-select", className="small"),
                    dropdown(
                        id="signaler-select",
                        options=[{"label": k, "value": k} for k in kommuner],
                        value=kommuner,
                        multi=True,
                        placeholder=_("Alle kommuner du har tilgang til"),
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Serie"), html_for="signaler-series", className="small"),
                    dropdown(
                        id="signaler-series",
                        options=[
                            {"label": _(label), "value": value} for value, label in SERIES_OPTIONS
                        ],
                        value=serie if serie in ("cases", "admissions") else "cases",
                        clearable=False,
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                dbc.Checklist(
                    id="signaler-every-disease",
                    options=[{"label": _("Alle sykdommer"), "value": "alle"}],
                    value=[],
                    switch=True,
                ),
                md="auto",
            ),
            dbc.Col(
                [
                    dbc.Label(_("Dato (til og med)"), html_for="signaler-date", className="small"),
                    html.Div(date_picker("signaler-date", first_date(dato))),
                ],
                md=2,
            ),
        ],
        className="g-3 mb-3 align-items-end",
    )
    return html.Div(
        [
            page_header(
                _("Signaler"),
                _(
                    "Kommuner der antallet siste hele uke var høyere enn forventet: automatisk "
                    "signal etter Farrington-metoden. Metode: {kilde}.",
                    kilde=METHOD_CITATION,
                ),
            ),
            controls,
            html.Div(id="signaler-alert"),
            dcc.Loading(
                [
                    html.Div(id="signaler-summary", className="mb-2"),
                    data_table(
                        "signaler-table",
                        TABLE_COLUMNS,
                        sort_action="native",
                        page_size=20,
                    ),
                    graph("signaler-history"),
                ]
            ),
            definition_block(SIGNALS),
            html.Div(id="signaler-source", className="small text-muted"),
            dcc.Store(id="signaler-url-sync"),
        ]
    )
