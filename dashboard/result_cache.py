"""The result cache's backend: flask-caching's configured cache, with a local fallback.

In scale mode the results live in Redis (``CACHE_TYPE=RedisCache``), shared by every gunicorn
worker. When Redis cannot be reached the app keeps serving: reads and writes go to a
per-process SimpleCache, a warning is logged, and Redis is tried again after
``RETRY_SECONDS``. Keys carry the data version and the scope (see ``data/cache.py``), so the
fallback can never serve another user's result or an older data version either.
"""

from __future__ import annotations

import logging
import time
from typing import Any

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
