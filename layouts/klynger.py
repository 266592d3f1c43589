"""Klynger og utbrudd: active and recent clusters of a kommune (or of every kommune in the
user's scope), their epidemic curve, and, for users with tracing access only, the
transmission chains within a cluster."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.definitions.clusters import CHAIN, CLUSTERS, EPICURVE, STATUS_LABELS
from dashboard.i18n import N_, _
from layouts.common import (
    data_table,
    definition_block,
    dropdown,
    graph,
    kommune_date_controls,
    kommune_page_entry,
)

PAGE = kommune_page_entry("klynger", N_("Klynger og utbrudd"), 7, "smitte")

VIEW_OPTIONS = (
    ("kommune", N_("Valgt kommune")),
    ("scope", N_("Alle kommuner jeg har tilgang til")),
)
TABLE_COLUMNS = (
    ("id", N_("Klynge")),
    ("setting", N_("Miljø")),
    ("status", N_("Status")),
    ("first", N_("Første tilfelle")),
    ("last", N_("Siste tilfelle")),
    ("size", N_("Størrelse")),
    ("growth", N_("Nye siste 7 d")),
    ("kommuner", N_("Kommuner")),
)


def chain_texts() -> dict[str, str]:
    """Templates of the case detail shown on click ({0} … {6}: the node's customdata)."""
    return {
        "group": _("Kommune {0}: {1} tilfeller"),
        "outside": _("Tilfelle i annen kommune: {0} (ingen persondetaljer utenfor ditt område)"),
        "case": _(
            "Tilfelle {0} · prøvedato {1} · alder {2} · kommune {6} · smittet i: {3} · "
            "smittet av {4} · har smittet {5}"
        ),
    }


def layout(
    kommunenummer: str | None = None,
    dato: str | None = None,
    visning: str | None = None,
    **_kwargs: object,
) -> html.Div:
    # plotly.js locale (month names, modebar) follows the language
    active_label = STATUS_LABELS["active"]
    active = _(active_label)
    chain = html.Div(
        [
            html.H2(_("Smittekjeder"), className="h5 mt-4"),
            html.P(id="klynger-chain-note", className="small text-muted"),
            dbc.Row(
                dbc.Col(
                    [
                        dbc.Label(_("Klynge"), html_for="klynger-chain-cluster", className="small"),
                        dropdown(id="klynger-chain-cluster", placeholder=_("Velg klynge")),
                    ],
                    md=4,
                ),
                className="mb-2",
            ),
            dcc.Loading(graph("klynger-chain")),
            html.Div(id="klynger-chain-detail", className="small border rounded p-2 mt-2"),
            # the click-detail texts for the clientside callback, in the page's language
            dcc.Store(id="klynger-chain-texts", data=chain_texts()),
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
                options=[{"label": _(label), "value": value} for value, label in VIEW_OPTIONS],
                value=visning if visning in ("kommune", "scope") else "kommune",
                inline=True,
                className="mb-2",
            ),
            html.Div(id="klynger-alert"),
            dcc.Loading(
                [
                    dbc.Row(id="klynger-cards", className="g-3 mb-3"),
                    graph("klynger-epicurve"),
                    html.H2(_("Aktive og nylige klynger"), className="h5 mt-3"),
                    data_table(
                        "klynger-table",
                        TABLE_COLUMNS,
                        sort_action="native",
                        filter_action="native",
                        filter_options={"placeholder_text": _("filter …")},
                        page_size=15,
                        row_selectable=False,
                        style_data_conditional=[
                            {
                                "if": {"filter_query": '{status} = "' + active + '"'},
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
