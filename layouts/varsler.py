"""Varsler: subscribe to signals and cluster events for kommuner in the own scope; the
notifications (e-mail texts) land in the outbox, and are mailed when SMTP is configured."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import N_, _
from layouts.common import data_table, dropdown, page_entry, page_header

PAGE = page_entry("/varsler", N_("Varsler"), 9, "admin")


def layout(**_kwargs: object) -> html.Div:
    form = dbc.Card(
        dbc.CardBody(
            [
                dbc.Label(_("E-postadresse"), html_for="varsler-email"),
                dbc.Input(id="varsler-email", type="email", placeholder=_("navn@kommune.no")),
                dbc.Label(_("Kommuner"), html_for="varsler-kommuner", className="mt-2"),
                dropdown(
                    id="varsler-kommuner", multi=True, placeholder=_("Kommuner du har tilgang til")
                ),
                dbc.Label(_("Varsle om"), className="mt-2"),
                dbc.Checklist(
                    id="varsler-kinds",
                    options=[
                        {"label": _("Nye signaler (Farrington-metoden)"), "value": "signals"},
                        {"label": _("Nye klynger og utbrudd"), "value": "clusters"},
                    ],
                    value=["signals", "clusters"],
                ),
                html.Div(
                    [
                        dbc.Button(_("Lagre abonnement"), id="varsler-save", color="primary"),
                        dbc.Button(
                            _("Lag varsler nå"),
                            id="varsler-dispatch",
                            color="secondary",
                            outline=True,
                            className="ms-2",
                        ),
                    ],
                    className="mt-3",
                ),
            ]
        ),
        className="mb-3",
    )
    return html.Div(
        [
            page_header(
                _("Varsler"),
                _(
                    "Få e-post når det kommer nye signaler eller klynger i kommunene dine. "
                    "Varslene skrives til utboksen (og sendes når e-postserver er satt opp); de "
                    "sier aldri mer enn du selv har tilgang til å se."
                ),
            ),
            dbc.Row([dbc.Col(form, lg=6)]),
            html.Div(id="varsler-status"),
            html.H2(_("Dine siste varsler"), className="h5 mt-3"),
            data_table(
                "varsler-outbox",
                [
                    ("created_at", N_("Skrevet (UTC)")),
                    ("kind", N_("Type")),
                    ("kommunenummer", N_("Kommune")),
                    ("subject", N_("Emne")),
                    ("status", N_("Status")),
                ],
                wrap=True,
                page_size=10,
            ),
        ]
    )
