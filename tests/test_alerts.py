"""Alerts: subscriptions within the scope only, notifications in the outbox table and folder
with the signal list's numbers, once per event, and SMTP only when configured."""

from __future__ import annotations

import datetime as dt
import email
import socketserver
import threading
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
        "select week_start, count(*) as n from signal where alarm and series = 'cases' and "
        "disease = 'covid19' "
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


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough of an SMTP server (RFC 5321: greeting, EHLO, MAIL, RCPT, DATA, QUIT) to
    receive what ``smtplib`` sends."""

    def handle(self) -> None:
        def reply(line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        reply("220 localhost test server")
        while raw := self.rfile.readline():
            command = raw.decode("ascii", "replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                reply("250 localhost")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                reply("250 OK")
            elif command == "DATA":
                reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.received.append(email.message_from_bytes(b"".join(lines)))  # type: ignore[attr-defined]
                reply("250 OK queued")
            elif command == "QUIT":
                reply("221 bye")
                return
            else:
                reply("502 not implemented")


@pytest.fixture()
def smtp_server() -> Any:
    """A mail server on a free loopback port; ``.received`` holds the messages it got."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_smtp_used_only_when_configured(app, settings, signal_date, smtp_server) -> None:  # type: ignore[no-untyped-def]
    client = login(app.server.test_client(), "lege-oslo")
    kommuner = sorted(scope_for(DEMO_USERS["lege-oslo"]).kommuner or [])
    act(client, button="varsler-save", email_value="lege@oslo.no", kommuner=kommuner)
    host, port = smtp_server.server_address
    configured = settings.model_copy(
        update={"smtp_host": host, "smtp_port": port, "smtp_starttls": False}
    )
    written, n_sent = mailer.dispatch_alerts(configured, user_id="lege-oslo", date=signal_date)
    assert written >= 1
    assert n_sent == written == len(smtp_server.received)
    assert {m["To"] for m in smtp_server.received} == {"lege@oslo.no"}
    statuses = sql("select status from outbox where user_id = 'lege-oslo'")["status"]
    assert set(statuses) <= {"sent"}
