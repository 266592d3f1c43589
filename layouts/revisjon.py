"""Revisjonslogg (admin): who read what, in which role, for which kommune, when."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import N_, _
from layouts.common import data_table, date_picker, dropdown, page_entry, page_header

PAGE = page_entry("/admin/revisjon", N_("Revisjonslogg"), 30, "admin", permission="audit")

ACTIONS = (
    ("", N_("Alle hendelser")),
    ("refused", N_("Avviste forespørsler")),
    ("tracing_read", N_("Lesing av persondata (smittesporing)")),
    ("export", N_("Eksport")),
    ("rule_recorded", N_("Nye regelversjoner")),
)
# display labels of the recorded action codes (the filter and the log keep the codes)
ACTION_LABELS = {
    "refused": N_("Avvist forespørsel"),
    "tracing_read": N_("Lesing av persondata"),
    "export": N_("Eksport"),
    "rule_recorded": N_("Ny regelversjon"),
    "end_sessions": N_("Økter avsluttet"),
}


def layout(**_kwargs: object) -> html.Div:
    filters = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Hendelse"), html_for="audit-action"),
                    dropdown(
                        id="audit-action",
                        options=[{"label": _(label), "value": value} for value, label in ACTIONS],
                        value="",
                        clearable=False,
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Bruker-id"), html_for="audit-user"),
                    dbc.Input(id="audit-user", placeholder=_("f.eks. lege-oslo"), debounce=True),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Kommunenummer"), html_for="audit-kommune"),
                    dbc.Input(id="audit-kommune", placeholder=_("f.eks. 0301"), debounce=True),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Fra dato"), html_for="audit-since"),
                    html.Div(date_picker("audit-since")),
                ],
                md=3,
            ),
        ],
        className="g-3 mb-3",
    )
    return html.Div(
        [
            page_header(
                _("Revisjonslogg"),
                _("Avviste forespørsler, lesing av persondata og eksporter, nyeste først."),
            ),
            filters,
            html.Div(
                [
                    dbc.Button(
                        _("Avslutt brukerens økter"),
                        id="audit-end-sessions",
                        color="outline-danger",
                        size="sm",
                    ),
                    html.Span(
                        _("Logger ut brukeren i feltet Bruker-id på alle enheter med en gang."),
                        className="small text-muted ms-2",
                    ),
                    html.Div(id="audit-end-result", className="mt-2"),
                ],
                className="mb-3",
            ),
            html.Div(id="audit-alert"),
            data_table(
                "audit-table",
                [
                    ("at", N_("Tidspunkt (UTC)")),
                    ("user_id", N_("Bruker")),
                    ("role_text", N_("Rolle")),
                    ("action_text", N_("Hendelse")),
                    ("kommunenummer", N_("Kommune")),
                    ("reader_kommunenummer", N_("Leserens kommune")),
                    ("detail", N_("Detaljer")),
                ],
                wrap=True,
                page_size=25,
            ),
        ]
    )
