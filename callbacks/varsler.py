"""Varsler callbacks: the caller's own subscription and outbox only."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx
from flask import current_app

from callbacks.common import kommune_options
from dashboard import formatting
from dashboard.auth import current_scope
from dashboard.i18n import N_, _, ngettext
from dashboard.mailer import dispatch_alerts
from data import alerts

STATUS_NB = {"written": N_("I utboksen"), "sent": N_("Sendt"), "failed": N_("Feilet")}
KIND_NB = {"signal": N_("Signal"), "cluster": N_("Klynge")}
# messages of data.alerts.save_subscription (bokmål source strings), shown translated
SUBSCRIPTION_ERRORS = {
    "Ugyldig e-postadresse": N_("Ugyldig e-postadresse"),
    "Velg minst én kommune": N_("Velg minst én kommune"),
}


def outbox_rows() -> list[dict[str, Any]]:
    frame = alerts.outbox_for(scope=current_scope())
    return [
        {
            "created_at": r.created_at.strftime("%d.%m.%Y %H:%M"),
            "kind": _(KIND_NB.get(r.kind, r.kind)),
            "kommunenummer": r.kommunenummer,
            "subject": r.subject,
            "status": _(STATUS_NB.get(r.status, r.status)),
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
            return dbc.Alert(_("Lagre et abonnement først."), color="warning"), outbox_rows()
        settings = current_app.config["SITUASJONSBILDE_SETTINGS"]
        written, sent = dispatch_alerts(settings, user_id=scope.user_id)
        if settings.smtp_host:
            text = ngettext(
                "{n} nytt varsel skrevet til utboksen, {sendt} sendt på e-post.",
                "{n} nye varsler skrevet til utboksen, {sendt} sendt på e-post.",
                written,
                n=formatting.number(written),
                sendt=formatting.number(sent),
            )
        else:
            text = ngettext(
                "{n} nytt varsel skrevet til utboksen (ingen e-postserver satt opp).",
                "{n} nye varsler skrevet til utboksen (ingen e-postserver satt opp).",
                written,
                n=formatting.number(written),
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
        message = SUBSCRIPTION_ERRORS.get(str(exc))
        return dbc.Alert(_(message) if message else str(exc), color="warning"), outbox_rows()
    return dbc.Alert(_("Abonnementet er lagret."), color="success"), outbox_rows()


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
