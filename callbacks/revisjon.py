"""Audit log page: filters → the audit query (which itself requires the audit permission)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, no_update

from dashboard import formatting
from dashboard.auth import current_scope, directory
from dashboard.i18n import _, ngettext
from data import audit, sessions
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
    known = directory().roles
    log["role_text"] = [
        " + ".join(_(known[part].label) if part in known else part for part in str(r).split("+"))
        for r in log["role"]
    ]
    note = dbc.Alert(
        _("{n} hendelser (høyst 500 vist).", n=formatting.number(len(log))),
        color="light",
        className="py-2",
    )
    return log.to_dict("records"), note


def end_sessions(n_clicks: int | None, user_id: str | None) -> Any:
    """An administrator ends every session of one user at once (the data layer refuses
    everyone else, and audits)."""
    user_id = (user_id or "").strip()
    if not n_clicks:
        return no_update
    if not user_id:
        return dbc.Alert(_("Skriv inn bruker-id-en først."), color="warning", className="py-2")
    ended = sessions.end_user_sessions(scope=current_scope(), user_id=user_id)
    return dbc.Alert(
        ngettext(
            "{n} økt avsluttet for {bruker}.",
            "{n} økter avsluttet for {bruker}.",
            ended,
            n=formatting.number(ended),
            bruker=user_id,
        ),
        color="success",
        className="py-2",
    )


def register(app: Dash) -> None:
    app.callback(
        Output("audit-end-result", "children"),
        Input("audit-end-sessions", "n_clicks"),
        State("audit-user", "value"),
        prevent_initial_call=True,
    )(end_sessions)
    app.callback(
        Output("audit-table", "data"),
        Output("audit-alert", "children"),
        Input("audit-action", "value"),
        Input("audit-user", "value"),
        Input("audit-kommune", "value"),
        Input("audit-since", "date"),
    )(update_audit)
