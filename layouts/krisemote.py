"""Krisemøte: a calm wall-screen view for the crisis team. Large type, high contrast, few
numbers; panels stepped with the keyboard (→/←, PageDown/PageUp, space) or rotated; frozen
on one "as of" data version until the room chooses to refresh."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import N_, _
from layouts.common import date_picker, kommune_page_entry

PAGE = kommune_page_entry("krisemote", N_("Krisemøte"), 3, "oversikt")
ROTATE_SECONDS = 20
POLL_SECONDS = 60


def _since_picker(forrige: str | None) -> html.Div:
    """Choose the day of the last meeting; the link reloads the wall with ?forrige= (its
    address is set in the browser, callbacks.krisemote.SINCE_LINK)."""
    return html.Div(
        [
            dbc.Label(_("Forrige møte"), html_for="krise-forrige", className="me-2 mb-0"),
            date_picker("krise-forrige", forrige),
            html.A(
                _("Sammenlign"),
                id="krise-since-link",
                href="#",
                className="btn btn-outline-light ms-2",
            ),
        ],
        className="krise-since-form d-flex align-items-center ms-4",
    )


def _date_store(dato: str | None, forrige: str | None) -> str | dict | None:
    return {"dato": dato, "forrige": forrige} if forrige else dato


def layout(
    kommunenummer: str | None = None,
    dato: str | None = None,
    forrige: str | None = None,
    **_query: object,
) -> html.Div:
    controls = html.Div(
        [
            dbc.Button(_("← Forrige"), id="krise-prev", n_clicks=0, color="light", outline=True),
            html.Span(id="krise-position", className="krise-position mx-3"),
            dbc.Button(_("Neste →"), id="krise-next", n_clicks=0, color="light", outline=True),
            dbc.Switch(
                id="krise-rotate",
                label=_("Bytt panel automatisk ({sekunder} s)", sekunder=ROTATE_SECONDS),
                value=False,
                className="ms-4 d-inline-block",
            ),
            html.Span(
                _("Tastatur: → / PageDown / mellomrom = neste, ← / PageUp = forrige"),
                className="krise-hint ms-4",
            ),
            _since_picker(forrige),
        ],
        className="krise-controls d-flex align-items-center flex-wrap",
    )
    return html.Div(
        [
            dcc.Store(id="krise-kommune", data=kommunenummer),
            # the date shown, and the last meeting's when one was chosen
            dcc.Store(
                id="krise-date", data={"dato": dato, "forrige": forrige} if forrige else dato
            ),
            dcc.Store(id="krise-frozen"),
            dcc.Store(id="krise-index", data={"i": 0}),
            dcc.Store(id="krise-count", data=0),
            # texts the clientside callbacks show, translated here
            dcc.Store(id="krise-text", data={"position": _("Panel {i} av {n}")}),
            dcc.Interval(id="krise-poll", interval=POLL_SECONDS * 1000),
            dcc.Interval(id="krise-rotate-timer", interval=ROTATE_SECONDS * 1000, disabled=True),
            html.Div(
                [
                    html.H1(id="krise-title", className="krise-title"),
                    html.Div(id="krise-asof", className="krise-asof"),
                ],
                className="krise-header",
            ),
            dbc.Alert(
                [
                    html.Span(_("Nye data er kommet – "), className="fw-bold"),
                    html.Span(id="krise-new-text"),
                    dbc.Button(
                        _("Oppdater"),
                        id="krise-refresh",
                        n_clicks=0,
                        color="dark",
                        className="ms-3",
                    ),
                ],
                id="krise-new-data",
                is_open=False,
                color="warning",
                className="krise-alert",
            ),
            html.Div(id="krise-panels", className="krise-panels"),
            controls,
            html.Div(id="krise-source", className="krise-source"),
            html.A(_("Avslutt krisemøte"), href="/", className="krise-exit"),
        ],
        className="krise-mode",
        id="krise-root",
        tabIndex="0",
    )
