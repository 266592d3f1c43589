"""Alerts: subscriptions within the scope only, notifications in the outbox table and folder
with the signal list's numbers, once per event, and SMTP only when configured."""

from __future__ import annotations

import datetime as dt
import email
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboard import mailer
from dashboard.auth import DEMO_USERS, scope_for
from data import alerts
from data.queries import signals as signal_queries
from tests.conftest import login
from tests.dash_http import call_named
from tests.test_page_klynger import audit_count
from tests.test_page_testing import sql


def act(client: Any, *, button: str, email_value: str, kommuner: list[str]) -> dict[str, Any]:
    status, body = call_named(
        client,
        "varsler-status.children",
        {
            "varsler-save.n_clicks": 1,
            "varsler-email.value": email_value,
            "varsler-kommuner.value": kommuner,
            "varsler-kinds.value": ["signals", "clusters"],
        },
        changed=[f"{button}.n_clicks"],
    )
    assert status == 200
    return body


@pytest.fixture(scope="module")
def signal_date(app) -> dt.date:
    frame = sql(
        "select week_start, count(*) as n from signal where alarm and series = 'cases' "
        "and kommunenummer = '4601' group by week_start order by week_start desc limit 1"
    )
    return pd.Timestamp(frame["week_start"].iloc[0]).date() + dt.timedelta(days=6)


def test_subscription_outside_scope_is_refused_and_audited(app) -> None:
    client = login(app.server.test_client(), "krise-bergen")
    before = audit_count("refused")
    body = act(client, button="varsler-save", email_value="a@b.no", kommuner=["0301"])
    assert not body.get("response") and "Ingen tilgang" in str(body)
    assert audit_count("refused") == before + 1
    assert alerts.subscription_for(scope=scope_for(DEMO_USERS["krise-bergen"])) is None


def test_notifications_in_outbox_once_with_the_signal_numbers(app, settings, signal_date):
    client = login(app.server.test_client(), "sporer-bergen")
    body = act(client, button="varsler-save", email_value="sporer@bergen.no", kommuner=["4601"])
    assert "lagret" in str(body["response"])
    written, sent = mailer.dispatch_alerts(settings, user_id="sporer-bergen", date=signal_date)
    assert written >= 1 and sent == 0  # no SMTP_HOST: outbox only
    rows = sql("select * from outbox where user_id = 'sporer-bergen' and kind = 'signal'")
    assert len(rows) >= 1
    shown = signal_queries.signals_on(
        scope=scope_for(DEMO_USERS["sporer-bergen"]), date=signal_date, kommuner=["4601"]
    ).iloc[0]
    text = rows["body"].iloc[0]
    assert f"observert {int(shown['observed'])}," in text
    assert f"forventet {shown['expected']:.1f}".replace(".", ",") in text
    assert f"terskel {shown['threshold']:.0f}." in text
    path = Path(rows["file"].iloc[0])
    assert path.parent == Path(settings.data_dir) / "outbox" and path.exists()
    message = email.message_from_bytes(path.read_bytes())
    assert message["To"] == "sporer@bergen.no" and "Signal" in message["Subject"]
    again, _ = mailer.dispatch_alerts(settings, user_id="sporer-bergen", date=signal_date)
    assert again == 0  # each event once


def test_smtp_used_only_when_configured(app, settings, signal_date, monkeypatch) -> None:
    sent: list[Any] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            assert host == "mail.example" and port == 2525

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *args: object) -> None:
            return None

        def starttls(self) -> None:
            pass

        def login(self, user: str, password: str) -> None:
            pass

        def send_message(self, message: Any) -> None:
            sent.append(message)

    monkeypatch.setattr(mailer.smtplib, "SMTP", FakeSMTP)
    client = login(app.server.test_client(), "lege-oslo")
    kommuner = sorted(scope_for(DEMO_USERS["lege-oslo"]).kommuner or [])
    act(client, button="varsler-save", email_value="lege@oslo.no", kommuner=kommuner)
    configured = settings.model_copy(update={"smtp_host": "mail.example", "smtp_port": 2525})
    written, n_sent = mailer.dispatch_alerts(configured, user_id="lege-oslo", date=signal_date)
    assert written >= 1
    assert n_sent == written == len(sent)
    statuses = sql("select status from outbox where user_id = 'lege-oslo'")["status"]
    assert set(statuses) <= {"sent"}
