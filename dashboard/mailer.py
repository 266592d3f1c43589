"""Alert notifications: e-mail texts for new signals and clusters, written to the outbox
table and as ``.eml`` files in ``DATA_DIR/outbox/``; sent over SMTP only when ``SMTP_HOST``
is set (there is no mail server in the embedded default)."""

from __future__ import annotations

import datetime as dt
import re
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import formatting, i18n
from dashboard.definitions import DEMO_SOURCE
from dashboard.definitions.clusters import METHOD_CITATION, SERIES_LABELS, SETTING_LABELS
from dashboard.i18n import _
from dashboard.settings import Settings
from data import alerts, queries
from data.queries.clusters import OTHER_KOMMUNE
from data.scope import Scope
from geo import reference


def _week(value: Any) -> str:
    day = pd.Timestamp(value).date()
    year, week, _day = day.isocalendar()
    return _(
        "uke {uke} {aar} ({fra}–{til})",
        uke=week,
        aar=year,
        fra=f"{day:%d.%m.}",
        til=f"{day + dt.timedelta(days=6):%d.%m.%Y}",
    )


def render(
    event: dict[str, Any],
    *,
    base_url: str,
    date: dt.date,
    is_demo: bool,
    language: str = i18n.DEFAULT_LANGUAGE,
) -> tuple[str, str]:
    """(subject, body) of one event from :func:`data.alerts.pending_events`, in ``language``.

    Subscriptions record no language, so e-mails are bokmål (the default) whatever the
    language of the page that triggered the dispatch."""
    with i18n.language(language):
        return _render(event, base_url=base_url, date=date, is_demo=is_demo)


def _render(
    event: dict[str, Any], *, base_url: str, date: dt.date, is_demo: bool
) -> tuple[str, str]:
    names = reference.kommuner(2024).set_index("kommunenummer")["name"]
    demo = f"\n\n{_(DEMO_SOURCE)}." if is_demo else ""
    if event["kind"] == "signal":
        code = event["kommunenummer"]
        place = f"{names.get(code, code)} ({code})"
        series = _(SERIES_LABELS.get(event["series"], event["series"]))
        observed = formatting.count(
            event["observed"], suppressed=bool(event["observed_suppressed"])
        )
        week = _week(event["week_start"])
        subject = _(
            "Signal: {sted} – {serie} over terskelen, {uke}",
            sted=place,
            serie=series.lower(),
            uke=week,
        )
        body = _(
            "Situasjonsbilde har et signal for {sted}.\n\n"
            "{serie} i {uke}: observert {observert}, forventet {forventet}, terskel {terskel}.\n"
            "Signal siden {siden}.\n\n"
            "Metode: Farrington-metoden (kvasi-Poisson, forbedret versjon); {kilde}.\n"
            "Se signalene: {lenke}",
            sted=place,
            serie=series,
            uke=week,
            observert=observed,
            forventet=formatting.number(float(event["expected"]), 1),
            terskel=formatting.number(float(event["threshold"])),
            siden=_week(event["since_week_start"]),
            kilde=METHOD_CITATION,
            lenke=f"{base_url}/signaler?kommune={code}&dato={date.isoformat()}",
        )
        return subject, body + demo
    code = event["kommune"]
    place = f"{names.get(code, code)} ({code})"
    setting = _(SETTING_LABELS.get(event["setting"], event["setting"]))
    size = formatting.count(event["size"], suppressed=bool(event["size_suppressed"]))
    involved = list(event["kommuner_involved"])
    subject = _(
        "Ny klynge: {miljo} i {sted}, {antall} tilfeller",
        miljo=setting.lower(),
        sted=place,
        antall=size,
    )
    body = _(
        "Situasjonsbilde har registrert en ny klynge som omfatter {sted}.\n\n"
        "Klynge {klynge} ({miljo}): første tilfelle {forste}, {antall} tilfeller til og med "
        "{dato}.",
        sted=place,
        klynge=event["id"],
        miljo=setting,
        forste=formatting.date_short(pd.Timestamp(event["first_case_date"]).date()),
        antall=size,
        dato=formatting.date_short(date),
    )
    if len(involved) > 1:
        body += "\n" + _(
            "Klyngen går på tvers av kommuner: {kommuner}.",
            kommuner=", ".join(
                _("annen kommune") if k == OTHER_KOMMUNE else f"{names.get(k, k)} ({k})"
                for k in involved
            ),
        )
    body += "\n\n" + _(
        "Se klyngene: {lenke}", lenke=f"{base_url}/klynger/{code}?dato={date.isoformat()}"
    )
    return subject, body + demo


def _message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(body)
    return message


def _send(settings: Settings, message: EmailMessage) -> None:
    assert settings.smtp_host
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(message)


def dispatch_alerts(
    settings: Settings, *, user_id: str | None = None, date: dt.date | None = None
) -> tuple[int, int]:
    """Write a notification for every new event of every active subscription (or one user's)
    on ``date`` (default: the data date) to the outbox table and ``DATA_DIR/outbox/``; send
    them when SMTP is configured. Returns (written, sent)."""
    info = queries.dataset_info(scope=Scope.full())
    date = date or info["data_date"]
    base_url = settings.public_url.rstrip("/")
    folder = Path(settings.data_dir) / "outbox"
    folder.mkdir(parents=True, exist_ok=True)
    written = sent = 0
    for subscription in alerts.active_subscriptions(user_id):
        for event in alerts.pending_events(subscription, date=date):
            subject, body = render(event, base_url=base_url, date=date, is_demo=info["is_demo"])
            message = _message(settings, subscription.email, subject, body)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
            slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{subscription.user_id}-{event['event_key']}")
            path = folder / f"{stamp}-{slug}.eml"
            path.write_bytes(bytes(message))
            outbox_id = alerts.record_outbox(
                subscription,
                event_key=event["event_key"],
                kind=event["kind"],
                kommunenummer=str(
                    event["kommunenummer"] if event["kind"] == "signal" else event["kommune"]
                ),
                subject=subject,
                body=body,
                file=str(path),
            )
            written += 1
            if settings.smtp_host:
                try:
                    _send(settings, message)
                    alerts.mark_sent(outbox_id)
                    sent += 1
                except (OSError, smtplib.SMTPException) as exc:
                    alerts.mark_sent(outbox_id, error=str(exc))
    return written, sent
