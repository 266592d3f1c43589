"""The outage banner of the shell (``layouts/shell.py``: ``source_banner``): every
``outage.CHECK_SECONDS`` the browser asks whether the data source answers; down, the banner
says since when; back after an outage this page showed, the banner closes and the page
reloads itself so that everything on it is fresh. (The banner is opened at once by the app's
callback error handler when a read fails; see ``dashboard/outage.py``.)"""

from __future__ import annotations

import time

import dash
from dash import Dash, Input, Output, State

from dashboard import outage
from data import db


def source_check(_n: int | None, banner_open: bool | None) -> tuple:
    since = db.probe()
    if since is not None:
        return outage.banner_text(since), True, dash.no_update
    if banner_open:
        return "", False, time.time()
    raise dash.exceptions.PreventUpdate


RELOAD_WHEN_RECOVERED = """
function(stamp) {
    if (stamp) { window.location.reload(); }
    return window.dash_clientside.no_update;
}
"""


def register(app: Dash) -> None:
    app.callback(
        Output(outage.BANNER_ID, "children"),
        Output(outage.BANNER_ID, "is_open"),
        Output("source-recovered", "data"),
        Input("source-check", "n_intervals"),
        State(outage.BANNER_ID, "is_open"),
        prevent_initial_call=True,
    )(source_check)
    app.clientside_callback(
        RELOAD_WHEN_RECOVERED,
        Output("source-reloading", "data"),
        Input("source-recovered", "data"),
        prevent_initial_call=True,
    )
