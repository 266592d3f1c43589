"""Audit log page: filters → the audit query (which itself requires the audit permission)."""

from __future__ import annotations

import datetime as dt
import json

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output

from dashboard import formatting
from dashboard.auth import ROLES, current_scope
from dashboard.i18n import _
from data import audit
from layouts.revisjon import ACTION_LABELS


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
    # codes shown by their labels (the columns *_text); the rows keep the codes too
    log["action_text"] = [_(ACTION_LABELS[a]) if a in ACTION_LABELS else a for a in log["action"]]
    # a user with several roles is logged as "role+role"
    log["role_text"] = [
        " + ".join(_(ROLES[part].label) if part in ROLES else part for part in str(r).split("+"))
        for r in log["role"]
    ]
    note = dbc.Alert(
        _("{n} hendelser (høyst 500 vist).", n=formatting.number(len(log))),
        color="light",
        className="py-2",
    )
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
