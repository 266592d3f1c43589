"""Audit log page: filters → the audit query (which itself requires the audit permission)."""

from __future__ import annotations

import datetime as dt
import json

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output

from dashboard.auth import current_scope
from data import audit


def update_audit(
    action: str | None, user_id: str | None, kommune: str | None, since: str | None
) -> tuple:
    log = audit.read_log(
        scope=current_scope(),
        action=action or None,
        user_id=(user_id or "").strip() or None,
        kommunenummer=(kommune or "").strip() or None,
        since=dt.date.fromisoformat(since[:10]) if since else None,
    )
    log["at"] = log["at"].astype(str).str[:19]
    log["detail"] = [json.dumps(d, ensure_ascii=False) for d in log["detail"]]
    note = dbc.Alert(f"{len(log)} hendelser (høyst 500 vist).", color="light", className="py-2")
    return log.to_dict("records"), note


def register(app: Dash) -> None:
    app.callback(
        Output("audit-table", "data"),
        Output("audit-alert", "children"),
        Input("audit-action", "value"),
        Input("audit-user", "value"),
        Input("audit-kommune", "value"),
        Input("audit-since", "date"),
    )(update_audit)
