"""The audit log: who read what, in which role, for which kommune, when.

Written for every person-level read, every export and every refused request. A row holds
bounded values only (:func:`bounded`: whatever a request sent, a row stays small), the data's
kommune and the reader's own kommune; one refusal is one row however many layers it passes.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pandas as pd
from sqlalchemy import insert, select

from data import db
from data.schema import AuditLog
from data.scope import Scope, ScopeError

_thread = threading.local()

MAX_TEXT = 200  # characters of one string value in a row
MAX_ITEMS = 20  # entries of one list or mapping in a row
MAX_DEPTH = 3
_KOMMUNE = re.compile(r"^\d{4}$")


def bounded(value: Any, depth: int = 0) -> Any:
    """A value as an audit row may hold it: strings cut to :data:`MAX_TEXT` characters (the
    cut marked with "…"), lists and mappings to :data:`MAX_ITEMS` entries, nesting to
    :data:`MAX_DEPTH` levels; anything else JSON cannot hold becomes its (cut) text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
    if depth >= MAX_DEPTH:
        return bounded(repr(value))
    if isinstance(value, dict):
        items = list(value.items())
        out = {bounded(str(k)): bounded(v, depth + 1) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            out["…"] = len(items) - MAX_ITEMS
        return out
    if isinstance(value, list | tuple | set | frozenset):
        seq = list(value)
        cut = [bounded(v, depth + 1) for v in seq[:MAX_ITEMS]]
        return [*cut, "…"] if len(seq) > MAX_ITEMS else cut
    return bounded(str(value))


def _kommune(value: Any) -> str | None:
    """A kommunenummer for the row's column, or None (a crafted value stays in the detail)."""
    return value if isinstance(value, str) and _KOMMUNE.match(value) else None


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
    detail = dict(bounded(detail or {}))
    column = _kommune(kommunenummer)
    if kommunenummer is not None and column is None:
        detail["kommune_asked"] = bounded(str(kommunenummer))
    with db.engine().begin() as conn:
        conn.execute(
            insert(AuditLog).values(
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                user_id=bounded(scope.user_id if scope else "unknown")[:80],
                role=bounded(scope.role if scope else "unknown")[:40],
                action=action[:80],
                kommunenummer=column,
                reader_kommunenummer=_kommune(scope.home_kommune if scope else None),
                detail=detail,
            )
        )
    _thread.records = records_in_this_thread() + 1


def refused(scope: Scope | None, what: str, error: ScopeError) -> None:
    """Record a refusal once: the layers a refusal passes on its way out (a cached read
    inside a cached read, the route around them) find it already recorded."""
    if getattr(error, "audited", False):
        return
    record(
        scope,
        "refused",
        kommunenummer=error.kommunenummer,
        detail={"read": what, "reason": str(error)},
    )
    error.audited = True


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
            AuditLog.reader_kommunenummer,
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
        rows,
        columns=[
            "at",
            "user_id",
            "role",
            "action",
            "kommunenummer",
            "reader_kommunenummer",
            "detail",
        ],
    )
