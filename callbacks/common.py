"""Helpers shared by callbacks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import Dash, Input, Output

from dashboard.auth import current_scope
from data import queries


def as_of(requested: str | None) -> tuple[dt.date, dict[str, Any]]:
    """The reference date to show: the requested one clamped to the data, else the data date."""
    info = queries.dataset_info(scope=current_scope())
    date = info["data_date"]
    if requested:
        try:
            date = dt.date.fromisoformat(str(requested)[:10])
        except ValueError:
            date = info["data_date"]
    date = min(max(date, info["period_start"]), info["data_date"])
    return date, info


def kommune_options(_id: str) -> list[dict[str, str]]:
    """The kommuner the user may choose, from the user's scope."""
    kommuner = queries.kommune_list(scope=current_scope())
    return [
        {"label": f"{row.name} ({row.kommunenummer})", "value": row.kommunenummer}
        for row in kommuner.itertuples()
    ]


def date_bounds(_id: str) -> tuple[str, str]:
    _date, info = as_of(None)
    return info["period_start"].isoformat(), info["data_date"].isoformat()


URL_SYNC = """
function(kommune, date) {
    if (!kommune) { return window.dash_clientside.no_update; }
    const params = new URLSearchParams(window.location.search);
    if (date) { params.set('dato', date); }
    const query = params.toString();
    const path = '/%(path)s/' + kommune + (query ? '?' + query : '');
    window.history.replaceState(null, '', path);
    return path;
}
"""


def register_kommune_controls(app: Dash, *, prefix: str, path: str) -> None:
    """Options, date bounds and URL state for :func:`layouts.common.kommune_date_controls`."""
    app.callback(Output(f"{prefix}-select", "options"), Input(f"{prefix}-select", "id"))(
        kommune_options
    )
    app.callback(
        Output(f"{prefix}-date", "min_date_allowed"),
        Output(f"{prefix}-date", "max_date_allowed"),
        Input(f"{prefix}-date", "id"),
    )(date_bounds)
    app.clientside_callback(
        URL_SYNC % {"path": path},
        Output(f"{prefix}-url-sync", "data"),
        Input(f"{prefix}-select", "value"),
        Input(f"{prefix}-date", "date"),
    )
