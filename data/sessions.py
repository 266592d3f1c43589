"""Login sessions held on the server (table ``user_session``).

The browser's cookie carries only a random id; the row, found by the id's SHA-256, holds the
session's data (who is logged in, the CSRF token). Ending a session deletes its row, so a
copied cookie opens nothing after logout, after an administrator ended the user's sessions or
after the user's roles changed.

While the database cannot be reached, each process answers from its own copy of the sessions
it saw last (bounded, until they expire), so that logged-in users keep the last picture during
an outage (the pages show the outage banner); a session ended in this process is dropped from
that copy at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import threading
from typing import Any

from sqlalchemy import delete, insert, select, update

from data import audit, db
from data.schema import UserSession
from data.scope import Scope, ScopeError

ID_BYTES = 32
RECENT_MAX = 10_000  # sessions one process keeps a copy of, for outages

log = logging.getLogger(__name__)
# id hash -> (user id, data, expires at): this process's copy, read only while the store is down
_recent: dict[str, tuple[str | None, dict[str, Any], dt.datetime]] = {}
_lock = threading.Lock()


def _remember(key: str, user_id: str | None, data: dict[str, Any], expires: dt.datetime) -> None:
    with _lock:
        _recent.pop(key, None)
        _recent[key] = (user_id, dict(data), expires)
        while len(_recent) > RECENT_MAX:
            _recent.pop(next(iter(_recent)))


def _forget(key: str | None = None, *, user_id: str | None = None) -> None:
    with _lock:
        for k in [k for k, v in _recent.items() if k == key or (user_id and v[0] == user_id)]:
            del _recent[k]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def new_id() -> str:
    """A fresh session id (43 URL-safe characters, 256 random bits)."""
    return secrets.token_urlsafe(ID_BYTES)


def load(session_id: str) -> dict[str, Any] | None:
    """The data of a live session, or None (unknown, ended or expired)."""
    if not session_id or len(session_id) > 100:
        return None
    key = _hash(session_id)
    try:
        with db.engine().connect() as conn:
            row = conn.execute(
                select(UserSession.user_id, UserSession.data, UserSession.expires_at).where(
                    UserSession.id_hash == key
                )
            ).one_or_none()
    except Exception as err:
        if not db.is_unavailable_error(err):
            raise
        kept = _recent.get(key)
        return dict(kept[1]) if kept is not None and kept[2] > _now() else None
    if row is None or row.expires_at <= _now():
        _forget(key)
        return None
    _remember(key, row.user_id, row.data or {}, row.expires_at)
    return dict(row.data or {})


def save(
    session_id: str, data: dict[str, Any], *, user_id: str | None, lifetime: dt.timedelta
) -> None:
    """Create or replace a session's data; expired sessions are swept on creation."""
    now = _now()
    key = _hash(session_id)
    _remember(key, user_id, data, now + lifetime)
    try:
        with db.engine().begin() as conn:
            changed = conn.execute(
                update(UserSession)
                .where(UserSession.id_hash == key)
                .values(data=data, user_id=user_id, expires_at=now + lifetime)
            ).rowcount
            if not changed:
                conn.execute(delete(UserSession).where(UserSession.expires_at <= now))
                conn.execute(
                    insert(UserSession).values(
                        id_hash=key,
                        user_id=user_id,
                        data=data,
                        created_at=now,
                        expires_at=now + lifetime,
                    )
                )
    except Exception as err:
        if not db.is_unavailable_error(err):
            raise
        log.warning("session store unreachable: session kept in this process only")


def end(session_id: str) -> None:
    """End one session (logout)."""
    key = _hash(session_id)
    _forget(key)
    try:
        with db.engine().begin() as conn:
            conn.execute(delete(UserSession).where(UserSession.id_hash == key))
    except Exception as err:
        if not db.is_unavailable_error(err):
            raise
        log.warning("session store unreachable: session ended in this process only")


def end_user_sessions(*, scope: Scope, user_id: str) -> int:
    """End every session of one user at once (an administrator's "end session", a role
    change); audited. Returns how many were ended."""
    if not scope.audit:
        error = ScopeError(f"Rollen {scope.role} kan ikke avslutte andres økter")
        audit.refused(scope, "sessions.end_user_sessions", error)
        raise error
    ended = end_sessions_of(user_id)
    audit.record(scope, "end_sessions", detail={"user_id": user_id, "sessions": ended})
    return ended


def end_sessions_of(user_id: str) -> int:
    """End every session of one user, for the system itself (a user's roles changed at the
    identity provider: the next request must log in again). Returns how many were ended."""
    _forget(user_id=user_id)
    with db.engine().begin() as conn:
        return int(conn.execute(delete(UserSession).where(UserSession.user_id == user_id)).rowcount)


def end_stale_sessions(user_id: str, *, key: str, current: Any) -> int:
    """End the sessions of a user whose ``data[key]`` differs from ``current`` (the roles or
    kommune the identity provider gave at this login changed: older sessions must not keep
    the old access). Returns how many were ended."""
    with db.engine().begin() as conn:
        rows = conn.execute(
            select(UserSession.id_hash, UserSession.data).where(UserSession.user_id == user_id)
        ).all()
        stale = [r.id_hash for r in rows if (r.data or {}).get(key) != current]
        for id_hash in stale:
            _forget(id_hash)
        if stale:
            conn.execute(delete(UserSession).where(UserSession.id_hash.in_(stale)))
    return len(stale)
