"""Varsler callbacks: the caller's own subscription and outbox only."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx
from flask import current_app

from callbacks.common import kommune_options
from dashboard.auth import current_scope
from dashboard.mailer import dispatch_alerts
from data import alerts

STATUS_NB = {"written": "I utboksen", "sent": "Sendt", "failed": "Feilet"}
KIND_NB = {"signal": "Signal", "cluster": "Klynge"}


def outbox_rows() -> list[dict[str, Any]]:
    frame = alerts.outbox_for(scope=current_scope())
    return [
        {
            "created_at": r.created_at.strftime("%d.%m.%Y %H:%M"),
            "kind": KIND_NB.get(r.kind, r.kind),
            "kommunenummer": r.kommunenummer,
            "subject": r.subject,
            "status": STATUS_NB.get(r.status, r.status),
        }
        for r in frame.itertuples()
    ]


def load_form(_id: Any) -> tuple:
    subscription = alerts.subscription_for(scope=current_scope())
    if subscription is None:
        return None, [], ["signals", "clusters"], outbox_rows()
    kinds = [
        k
        for k, on in (("signals", subscription.signals), ("clusters", subscription.clusters))
        if on
    ]
    return subscription.email, list(subscription.kommuner), kinds, outbox_rows()


def act(
    _save: int | None,
    _dispatch: int | None,
    email: str | None,
    kommuner: list[str] | None,
    kinds: list[str] | None,
) -> tuple:
    scope = current_scope()
    if ctx.triggered_id == "varsler-dispatch":
        if alerts.subscription_for(scope=scope) is None:
            return dbc.Alert("Lagre et abonnement først.", color="warning"), outbox_rows()
        settings = current_app.config["SITUASJONSBILDE_SETTINGS"]
        written, sent = dispatch_alerts(settings, user_id=scope.user_id)
        text = f"{written} nye varsler skrevet til utboksen"
        text += (
            f", {sent} sendt på e-post."
            if settings.smtp_host
            else " (ingen e-postserver satt opp)."
        )
        return dbc.Alert(text, color="info"), outbox_rows()
    kinds = kinds or []
    try:
        alerts.save_subscription(
            scope=scope,
            email=email or "",
            kommuner=list(kommuner or []),
            signals="signals" in kinds,
            clusters="clusters" in kinds,
        )
    except ValueError as exc:
        return dbc.Alert(str(exc), color="warning"), outbox_rows()
    return dbc.Alert("Abonnementet er lagret.", color="success"), outbox_rows()


def register(app: Dash) -> None:
    app.callback(Output("varsler-kommuner", "options"), Input("varsler-kommuner", "id"))(
        kommune_options
    )
    app.callback(
        Output("varsler-email", "value"),
        Output("varsler-kommuner", "value"),
        Output("varsler-kinds", "value"),
        Output("varsler-outbox", "data"),
        Input("varsler-email", "id"),
    )(load_form)
    app.callback(
        Output("varsler-status", "children"),
        Output("varsler-outbox", "data", allow_duplicate=True),
        Input("varsler-save", "n_clicks"),
        Input("varsler-dispatch", "n_clicks"),
        State("varsler-email", "value"),
        State("varsler-kommuner", "value"),
        State("varsler-kinds", "value"),
        prevent_initial_call=True,
    )(act)
