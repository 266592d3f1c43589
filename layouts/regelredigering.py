"""Rediger regler: record a new version of a national, county or local rule.

Listed in the navigation for roles that edit rules; a kommuneoverlege reaches it from the
Regler page to record a local rule for the own kommune. Whoever may record what is decided by
the data layer (:func:`data.rules.record_rule_version`), not by this page.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.definitions.rules import CATEGORY_LABELS, EDIT_INTRO
from dashboard.i18n import N_, _
from layouts.common import date_picker, dropdown, page_entry, page_header

PAGE = page_entry("/regler-rediger", N_("Rediger regler"), 8, "tiltak", permission="edit_rules")


def _field(label: str, component: object, field_id: str, help_text: str | None = None) -> list:
    parts: list = [dbc.Label(_(label), html_for=field_id, className="fw-semibold small"), component]
    if help_text:
        parts.append(dbc.FormText(_(help_text)))
    return parts


def _date(picker_id: str) -> html.Div:
    return html.Div(date_picker(picker_id, clearable=True))


def layout(kommune: str | None = None, kategori: str | None = None, **_kw: object) -> html.Div:
    category = kategori if kategori in CATEGORY_LABELS else "isolation"
    form = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            N_("Kategori"),
                            dropdown(
                                id="regelred-category",
                                options=[
                                    {"label": _(v), "value": k} for k, v in CATEGORY_LABELS.items()
                                ],
                                value=category,
                                clearable=False,
                            ),
                            "regelred-category",
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        _field(
                            N_("Regel"),
                            dropdown(id="regelred-key", clearable=False),
                            "regelred-key",
                            N_(
                                "Velg en eksisterende regel for å registrere en ny versjon av "
                                "den, eller «Ny regel»."
                            ),
                        ),
                        md=5,
                    ),
                    dbc.Col(
                        html.Div(
                            _field(
                                N_("Ny regelnøkkel"),
                                dbc.Input(
                                    id="regelred-new-key", placeholder=_("f.eks. oslo_skjenking")
                                ),
                                "regelred-new-key",
                                N_("Små bokstaver, tall og _."),
                            ),
                            id="regelred-new-key-group",
                            style={"display": "none"},
                        ),
                        md=3,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            N_("Nivå"),
                            dbc.RadioItems(id="regelred-level", inline=True),
                            "regelred-level",
                        ),
                        md=5,
                    ),
                    dbc.Col(
                        _field(
                            N_("Gjelder for"),
                            dropdown(
                                id="regelred-code",
                                placeholder=_("Velg fylke eller kommune"),
                                clearable=False,
                            ),
                            "regelred-code",
                        ),
                        md=4,
                    ),
                ],
                className="g-3 mb-3",
            ),
            html.Fieldset(
                [
                    html.Legend(_("Parametere"), className="fs-6 fw-semibold"),
                    html.Div(id="regelred-params"),
                ],
                className="border rounded p-3 mb-3",
            ),
            html.Div(
                _field(
                    N_("Regeltekst (bokmål)"),
                    dbc.Textarea(id="regelred-text", rows=3, maxLength=2000),
                    "regelred-text",
                    N_("Slik innbyggerne og kommunen skal forstå regelen."),
                ),
                className="mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            N_("Myndighet"),
                            dbc.Input(id="regelred-authority", maxLength=80),
                            "regelred-authority",
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        _field(
                            N_("Kildelenke"),
                            dbc.Input(id="regelred-url", type="url", maxLength=300),
                            "regelred-url",
                            N_("Lenke til forskrift, vedtak eller kunngjøring (https://…)."),
                        ),
                        md=8,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _field(N_("Gjelder fra"), _date("regelred-from"), "regelred-from"),
                        width="auto",
                    ),
                    dbc.Col(
                        _field(
                            N_("Gjelder til (valgfritt)"),
                            _date("regelred-to"),
                            "regelred-to",
                            N_("Tomt: inntil videre. Siste dag regelen gjelder."),
                        ),
                        width="auto",
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Button(
                _("Registrer ny versjon"), id="regelred-submit", color="primary", n_clicks=0
            ),
        ]
    )
    return html.Div(
        [
            page_header(_("Registrer ny regelversjon"), _(EDIT_INTRO)),
            dcc.Store(id="regelred-kommune", data=kommune),
            dcc.Store(id="regelred-extra", data={}),
            html.Div(id="regelred-access"),
            html.Div(id="regelred-result", className="mb-3", role="status"),
            dbc.Card(dbc.CardBody(form), className="mb-4 shadow-sm"),
            html.H2(_("Versjoner av denne regelen"), className="h5"),
            html.Div(id="regelred-history"),
        ]
    )
