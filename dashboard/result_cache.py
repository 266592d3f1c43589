"""The result cache's backend: flask-caching's configured cache, with a local fallback.

In scale mode the results live in Redis (``CACHE_TYPE=RedisCache``), shared by every gunicorn
worker. When Redis cannot be reached the app keeps serving: reads and writes go to a
per-process SimpleCache, a warning is logged, and Redis is tried again after
``RETRY_SECONDS``. Keys carry the data version and the scope (see ``data/cache.py``), so the
fallback can never serve another user's result or an older data version either.

In the embedded default (``CACHE_TYPE=SimpleCache``) the workers share a folder beside the
database (``CACHE_DIR``, :class:`TieredCache`): the pages the warm-up computed and every
stored response are read by every worker; the scoped reads stay in each process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import time
from pathlib import Path
from typing import Any

from cachelib import FileSystemCache
from flask_caching.backends import SimpleCache

log = logging.getLogger(__name__)

RETRY_SECONDS = 30.0


class FallbackCache:
    """``get``/``set`` on ``primary``; on any error there, on a local SimpleCache instead."""

    def __init__(
        self, primary: Any, *, default_timeout: int = 600, retry_seconds: float = RETRY_SECONDS
    ) -> None:
        self.primary = primary
        self.retry_seconds = retry_seconds
        self.local = SimpleCache(threshold=2000, default_timeout=default_timeout)
        self._down_until = 0.0

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, err: Exception) -> None:
        if not self.degraded:
            log.warning(
                "result cache unreachable (%s: %s); serving from a local cache, retrying in %.0f s",
                type(err).__name__,
                err,
                self.retry_seconds,
            )
        self._down_until = time.monotonic() + self.retry_seconds

    def get(self, key: str) -> Any:
        if not self.degraded:
            try:
                return self.primary.get(key)
            except Exception as err:  # redis.ConnectionError, TimeoutError, …
                self._failed(err)
        return self.local.get(key)

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        if not self.degraded:
            try:
                return self.primary.set(key, value, timeout=timeout)
            except Exception as err:
                self._failed(err)
        return self.local.set(key, value, timeout=timeout)

    def clear(self) -> Any:
        self.local.clear()
        try:
            return self.primary.clear()
        except Exception as err:
            self._failed(err)
            return False


class SharedFileCache(FileSystemCache):
    """flask-caching's file cache in a folder every worker of one server reads (the embedded
    default's shared tier), with an atomic :meth:`add`: the file is created exclusively, so
    of two workers claiming the same key exactly one succeeds."""

    def __init__(self, cache_dir: str | Path, *, default_timeout: int = 600) -> None:
        # threshold 0: no shared file counter rewritten on every set; expired entries are
        # removed by :meth:`remove_expired` (the warm-up calls it for each new data version)
        super().__init__(str(cache_dir), threshold=0, default_timeout=default_timeout)
        # beside the entries' folder: cachelib treats every file in its own as an entry
        self.claims = Path(cache_dir).with_name(Path(cache_dir).name + "-claims")
        self.claims.mkdir(parents=True, exist_ok=True)
        self.hits = 0  # reads answered from the folder (this process's count)
        self.misses = 0

    def get(self, key: str) -> Any:
        value = super().get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def add(self, key: str, value: Any, timeout: int | dt.timedelta | None = None) -> bool:
        name = hashlib.sha256(key.encode()).hexdigest()
        try:
            fd = os.open(self.claims / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return False
        os.close(fd)
        self.set(key, value, timeout=timeout)
        return True

    def remove_expired(self) -> None:
        self._remove_expired(time.time())

    def clear(self) -> bool:
        for claim in self.claims.iterdir():
            claim.unlink(missing_ok=True)
        return bool(super().clear())


class TieredCache:
    """The embedded default's result cache: the process's SimpleCache for the scoped reads
    (pandas frames, kept as objects: unpickling them from a file on every request would cost
    more than it saves), and a :class:`SharedFileCache` beside the database for what is
    already serialised: whole responses (compressed bytes, ``dashboard/response_cache.py``)
    and the warm-up's state (JSON text). So every gunicorn worker reads the pages one warm-up
    computed, and a second reader of a page finds it whichever worker answers."""

    def __init__(self, local: Any, shared: SharedFileCache) -> None:
        self.local = local
        self.shared = shared

    @staticmethod
    def _shared(value: Any) -> bool:
        return isinstance(value, bytes | str)

    def get(self, key: str) -> Any:
        value = self.local.get(key)
        return self.shared.get(key) if value is None else value

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        tier = self.shared if self._shared(value) else self.local
        return tier.set(key, value, timeout=timeout)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return self.shared.add(key, value, timeout=timeout)

    def clear(self) -> Any:
        self.local.clear()
        return self.shared.clear()


def is_shared(backend: Any) -> bool:
    """Whether every worker of the server reads what ``backend`` keeps (Redis, or the
    embedded default's shared file tier), so that one warm-up serves them all."""
    primary = getattr(backend, "primary", backend)
    return isinstance(backend, TieredCache) or type(primary).__name__ == "RedisCache"


def claim(backend: Any, key: str, *, timeout: int) -> bool:
    """Claim ``key`` for this process among every worker sharing ``backend`` (True: this one
    does the work). A backend of this process only: always True (each worker does its own).
    An unreachable shared backend: True (better twice than never)."""
    if not is_shared(backend):
        return True
    primary = getattr(backend, "primary", backend)
    try:
        return bool(primary.add(key, "1", timeout=timeout))
    except Exception:
        return True


def remove_expired(backend: Any) -> None:
    """Drop the shared tier's expired files (entries of older data versions time out)."""
    shared = getattr(backend, "shared", None)
    if isinstance(shared, SharedFileCache):
        shared.remove_expired()


def forget_other_stores(backend: Any, identity: str | None) -> bool:
    """Empty the shared folder when it was filled from another database at the same address
    (``identity``: :func:`data.store_identity.identity`), so that its pages, kept under data
    versions that database also counted, are never served from this one. True when it was
    emptied."""
    shared = getattr(backend, "shared", None)
    if not isinstance(shared, SharedFileCache) or identity is None:
        return False
    marker = Path(shared._path).with_name(Path(shared._path).name + ".store")
    try:
        known = marker.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = None
    if known == identity:
        return False
    if known is not None:
        log.info("shared result cache: another database at this address; emptied")
        shared.clear()
    marker.write_text(identity, encoding="utf-8")
    return known is not None
