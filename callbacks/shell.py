"""Header: data date and whether the data are demo data, on every page."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, html

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


def register(app: Dash) -> None:
    app.callback(Output("data-status", "children"), Input("nav-location", "pathname"))(data_status)
