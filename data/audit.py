"""The audit log: who read what, in which role, for which kommune, when.

Written for every person-level read, every export and every refused request.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pandas as pd
from sqlalchemy import insert, select

from data import db
from data.schema import AuditLog
from data.scope import Scope, ScopeError

_thread = threading.local()


def records_in_this_thread() -> int:
    """How many audit records this thread has written: a layer that stores whole responses
    compares it before and after, and never stores a response whose making was audited (the
    next identical request must be audited again)."""
    return int(getattr(_thread, "records", 0))


def record(
    scope: Scope | None,
    action: str,
    *,
    kommunenummer: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    with db.engine().begin() as conn:
        conn.execute(
            insert(AuditLog).values(
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                user_id=scope.user_id if scope else "unknown",
                role=scope.role if scope else "unknown",
                action=action,
                kommunenummer=kommunenummer,
                detail=detail or {},
            )
        )
    _thread.records = records_in_this_thread() + 1


def refused(scope: Scope | None, what: str, error: ScopeError) -> None:
    record(
        scope,
        "refused",
        kommunenummer=error.kommunenummer,
        detail={"read": what, "reason": str(error)},
    )


def read_log(
    *,
    scope: Scope,
    user_id: str | None = None,
    action: str | None = None,
    kommunenummer: str | None = None,
    since: dt.date | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The audit log, newest first; only for scopes with the audit permission."""
    if not scope.audit:
        raise ScopeError(f"Rollen {scope.role} har ikke tilgang til revisjonsloggen")
    q = (
        select(
            AuditLog.at,
            AuditLog.user_id,
            AuditLog.role,
            AuditLog.action,
            AuditLog.kommunenummer,
            AuditLog.detail,
        )
        .order_by(AuditLog.id.desc())
        .limit(limit)
    )
    if user_id:
        q = q.where(AuditLog.user_id == user_id)
    if action:
        q = q.where(AuditLog.action == action)
    if kommunenummer:
        q = q.where(AuditLog.kommunenummer == kommunenummer)
    if since:
        q = q.where(AuditLog.at >= dt.datetime.combine(since, dt.time()))
    with db.engine().connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(
        rows, columns=["at", "user_id", "role", "action", "kommunenummer", "detail"]
    )
