"""Alert subscriptions and the notification outbox.

A user subscribes to signals and cluster events for kommuner in the own scope. The
subscription stores the scope it was made under (kommuner, small-number permission), so that
notifications written later without a web request (``situasjonsbilde alerts``) never say more
than the user could see. Each event is notified once per subscription (``event_key``).
The texts are written by ``dashboard.mailer``; this module only reads and writes rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update

from data import audit, db
from data.queries import clusters as cluster_queries
from data.queries import signals as signal_queries
from data.schema import AlertSubscription, Outbox
from data.scope import Scope, ScopeError


@dataclass(frozen=True)
class Subscription:
    id: int
    user_id: str
    role: str
    email: str
    kommuner: tuple[str, ...]
    small_numbers: bool
    small_number_kommuner: frozenset[str] | None
    signals: bool
    clusters: bool

    def scope(self) -> Scope:
        """The reading scope of the notifications: the subscribed kommuner only."""
        return Scope(
            user_id=self.user_id,
            role=self.role,
            kommuner=frozenset(self.kommuner),
            small_numbers=self.small_numbers,
            small_number_kommuner=self.small_number_kommuner,
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _subscription(row: Any) -> Subscription:
    small = row.small_number_kommuner
    return Subscription(
        id=row.id,
        user_id=row.user_id,
        role=row.role,
        email=row.email,
        kommuner=tuple(str(row.kommuner).split()),
        small_numbers=bool(row.small_numbers),
        small_number_kommuner=None if small is None else frozenset(str(small).split()),
        signals=bool(row.signals),
        clusters=bool(row.clusters),
    )


def save_subscription(
    *, scope: Scope, email: str, kommuner: list[str], signals: bool, clusters: bool
) -> int:
    """Create or replace the caller's subscription. Kommuner outside the scope are refused
    (and audited)."""
    if "@" not in email or len(email) > 200:
        raise ValueError("Ugyldig e-postadresse")
    if not kommuner:
        raise ValueError("Velg minst én kommune")
    try:
        allowed = scope.restrict(kommuner) or []
    except ScopeError as error:
        audit.refused(scope, "alerts.save_subscription", error)
        raise
    small = scope.small_number_kommuner
    values = dict(
        user_id=scope.user_id,
        role=scope.role,
        email=email.strip(),
        kommuner=" ".join(sorted(set(allowed))),
        small_numbers=scope.small_numbers,
        small_number_kommuner=None if small is None else " ".join(sorted(small)),
        signals=signals,
        clusters=clusters,
        active=True,
        updated_at=_now(),
    )
    with db.engine().begin() as conn:
        existing = conn.execute(
            select(AlertSubscription.id).where(AlertSubscription.user_id == scope.user_id)
        ).scalar_one_or_none()
        if existing is None:
            result = conn.execute(
                insert(AlertSubscription).values(**values, created_at=values["updated_at"])
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]
        conn.execute(
            update(AlertSubscription).where(AlertSubscription.id == existing).values(**values)
        )
        return int(existing)


def subscription_for(*, scope: Scope) -> Subscription | None:
    with db.engine().connect() as conn:
        row = conn.execute(
            select(AlertSubscription).where(
                AlertSubscription.user_id == scope.user_id, AlertSubscription.active.is_(True)
            )
        ).one_or_none()
    return None if row is None else _subscription(row)


def active_subscriptions(user_id: str | None = None) -> list[Subscription]:
    """For the dispatcher (CLI), not for dashboard reads."""
    q = select(AlertSubscription).where(AlertSubscription.active.is_(True))
    if user_id:
        q = q.where(AlertSubscription.user_id == user_id)
    with db.engine().connect() as conn:
        return [_subscription(r) for r in conn.execute(q.order_by(AlertSubscription.id))]


def _already_sent(subscription_id: int) -> set[str]:
    with db.engine().connect() as conn:
        return set(
            conn.execute(
                select(Outbox.event_key).where(Outbox.subscription_id == subscription_id)
            ).scalars()
        )


def pending_events(subscription: Subscription, *, date: dt.date) -> list[dict[str, Any]]:
    """Events on ``date`` not yet notified to this subscription: signals in the last complete
    week (one per run of signal weeks) and clusters begun in the last 7 days."""
    scope = subscription.scope()
    kommuner = list(subscription.kommuner)
    done = _already_sent(subscription.id)
    events: list[dict[str, Any]] = []
    if subscription.signals:
        found = signal_queries.signals_on(scope=scope, date=date, kommuner=kommuner, series=None)
        for r in found.itertuples():
            key = f"signal:{r.series}:{r.kommunenummer}:{pd.Timestamp(r.since_week_start).date()}"
            if key not in done:
                events.append({"kind": "signal", "event_key": key, **r._asdict()})
    if subscription.clusters:
        for code in kommuner:
            overview = cluster_queries.cluster_overview(scope=scope, date=date, kommunenummer=code)
            for r in overview[overview["new"]].itertuples():
                key = f"cluster:{r.id}:new"
                if key not in done and not any(e["event_key"] == key for e in events):
                    events.append(
                        {"kind": "cluster", "event_key": key, "kommune": code, **r._asdict()}
                    )
    return events


def record_outbox(
    subscription: Subscription,
    *,
    event_key: str,
    kind: str,
    kommunenummer: str,
    subject: str,
    body: str,
    file: str | None,
) -> int:
    with db.engine().begin() as conn:
        result = conn.execute(
            insert(Outbox).values(
                subscription_id=subscription.id,
                user_id=subscription.user_id,
                recipient=subscription.email,
                event_key=event_key,
                kind=kind,
                kommunenummer=kommunenummer,
                subject=subject,
                body=body,
                created_at=_now(),
                file=file,
                status="written",
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def mark_sent(outbox_id: int, *, error: str | None = None) -> None:
    with db.engine().begin() as conn:
        conn.execute(
            update(Outbox)
            .where(Outbox.id == outbox_id)
            .values(
                status="failed" if error else "sent",
                sent_at=None if error else _now(),
                error=(error or None) and error[:300],
            )
        )


def outbox_for(*, scope: Scope, limit: int = 20) -> pd.DataFrame:
    """The caller's own notifications, newest first."""
    q = (
        select(Outbox.created_at, Outbox.kind, Outbox.kommunenummer, Outbox.subject, Outbox.status)
        .where(Outbox.user_id == scope.user_id)
        .order_by(Outbox.id.desc())
        .limit(limit)
    )
    with db.engine().connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=["created_at", "kind", "kommunenummer", "subject", "status"])
