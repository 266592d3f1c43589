"""What the user sees while the data source is unreachable: the last picture stays on screen
with a banner saying since when, and the page reloads itself once the source answers again.

The data layer raises ``data.db.DataSourceUnavailable`` for a read it cannot serve from the
result cache; the app's global callback error handler (``app_factory``) shows the banner and
sends no update, so the browser keeps what it shows. ``callbacks/source_status.py`` asks the store
every ``CHECK_SECONDS`` and clears the banner (and reloads the page) when it is back.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, set_props

from dashboard.i18n import _

CHECK_SECONDS = 10
LOCAL_TIME = ZoneInfo("Europe/Oslo")
BANNER_ID = "source-banner"


def banner_text(since: dt.datetime) -> str:
    local = since.astimezone(LOCAL_TIME)
    return _(
        "Datakilden er utilgjengelig siden {tid}. Du ser det siste bildet som var lagret; "
        "siden oppdateres av seg selv når kilden er tilbake.",
        tid=local.strftime("%H:%M"),
    )


def show_banner(since: dt.datetime) -> None:
    """From inside a callback: open the banner (an extra output of the current response)."""
    set_props(BANNER_ID, {"children": banner_text(since), "is_open": True})


def banner_components() -> list:
    """For the shell (``layouts/shell.py``): the banner, hidden until an outage, the timer that
    asks whether the source is back, and where the answer lands."""
    return [
        dbc.Alert(id=BANNER_ID, is_open=False, color="warning", className="mb-2"),
        dcc.Interval(id="source-check", interval=CHECK_SECONDS * 1000),
        dcc.Store(id="source-recovered"),
        dcc.Store(id="source-reloading"),
    ]
