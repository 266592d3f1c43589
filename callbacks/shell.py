"""Header: data date and whether the data are demo data, on every page."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html
from flask_login import current_user

from dashboard import formatting
from dashboard.auth import current_scope
from data import queries


def data_status(_pathname: str | None) -> list:
    try:
        info = queries.dataset_info(scope=current_scope())
    except LookupError:
        return [dbc.Badge("Ingen data lastet", color="danger")]
    parts: list = [
        html.Span(f"Data per {formatting.date_short(info['data_date'])}", id="data-date")
    ]
    if info["is_demo"]:
        parts.append(
            dbc.Badge(
                "DEMODATA – syntetiske tall",
                color="warning",
                text_color="dark",
                id="demo-badge",
                title=(
                    "Alle tall er syntetiske demodata laget av Situasjonsbilde "
                    f"(skala {info['scale']}, frø {info['seed']}), ikke ekte personer."
                ),
            )
        )
    return parts


def user_status(_pathname: str | None) -> list:
    if not current_user.is_authenticated:
        return []
    return [
        html.Span(
            [html.Span(current_user.display_name, id="user-name"), " · ", current_user.role_label],
            id="user-role",
        ),
        html.A("Logg ut", href="/logout", id="logout-link"),
    ]


TOGGLE = """
function(n, isOpen) { return n ? !isOpen : isOpen; }
"""


def register(app: Dash) -> None:
    app.clientside_callback(
        TOGGLE,
        Output("nav-collapse", "is_open"),
        Input("nav-toggler", "n_clicks"),
        State("nav-collapse", "is_open"),
    )
    app.callback(Output("data-status", "children"), Input("nav-location", "pathname"))(data_status)
    app.callback(Output("user-status", "children"), Input("nav-location", "pathname"))(user_status)
