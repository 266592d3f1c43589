"""The app shell: header with data date and demo label, navigation, page container."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask_login import current_user


def _nav_links() -> list[dbc.NavItem]:
    # Pages needing a permission are listed only for users who have it; the data layer
    # refuses the data to everyone else in any case.
    def visible(page: dict) -> bool:
        permission = page.get("permission")
        if permission is None:
            return True
        return bool(current_user.is_authenticated and current_user.may(permission))

    return [
        dbc.NavItem(
            dbc.NavLink(page["name"], href=page.get("nav_href", page["path"]), active="partial")
        )
        for page in dash.page_registry.values()
        if page.get("nav", True) and visible(page)
    ]


def layout() -> html.Div:
    header = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Situasjonsbilde", href="/", className="fw-bold"),
                dbc.Nav(_nav_links(), navbar=True, className="me-auto"),
                html.Div(
                    id="data-status", className="d-flex align-items-center gap-2 text-white small"
                ),
                html.Div(
                    id="user-status",
                    className="d-flex align-items-center gap-2 text-white small ms-3",
                ),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="mb-3",
    )
    return html.Div(
        [
            html.A("Hopp til innhold", href="#innhold", className="visually-hidden-focusable"),
            dcc.Location(id="nav-location", refresh="callback-nav"),
            header,
            dbc.Container(
                [
                    dbc.Alert(
                        id="global-alert",
                        is_open=False,
                        color="danger",
                        dismissable=True,
                    ),
                    html.Main(dash.page_container, id="innhold"),
                ],
                fluid=True,
            ),
            html.Footer(
                dbc.Container(
                    html.Small(
                        "Situasjonsbilde – situasjonsoversikt for smittevern i kommunene.",
                        className="text-muted",
                    ),
                    fluid=True,
                ),
                className="py-3 mt-4 border-top",
            ),
        ]
    )
