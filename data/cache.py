"""Result cache for the read API, keyed by function, arguments, scope and data version.

The backend is injected by the application (flask-caching's SimpleCache in the embedded
default, RedisCache in scale mode) so that ``data/`` stays free of web frameworks. The data
version is part of every key: a load bumps it, so no worker serves stale numbers, and the scope
is part of every key, so no user's scoped result is served to another.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import hashlib
import pickle
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

import pandas as pd

from data.scope import ScopeError


class CacheBackend(Protocol):
    def get(self, key: str) -> Any: ...
    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


_backend: CacheBackend | None = None
_key_context: Callable[[], Any] | None = None
_version_reader: Callable[[], str] | None = None
_version_cache: tuple[float, str] = (0.0, "")
VERSION_TTL_SECONDS = 2.0
_version_ttl = VERSION_TTL_SECONDS
F = TypeVar("F", bound=Callable[..., Any])


def set_backend(backend: CacheBackend | None) -> None:
    global _backend
    _backend = backend


def backend() -> CacheBackend | None:
    """The configured result cache (None: none configured)."""
    return _backend


def result_cache_on() -> bool:
    """Whether reads are kept in the result cache (then a read that serves every date, such
    as a whole history, is worth more than a cheaper read of one date)."""
    return _backend is not None


def set_key_context(provider: Callable[[], Any] | None) -> None:
    """A part of every result-cache key taken from the request by the layer above (the
    dashboard passes the user's language, so a page cached in bokmål is never served in
    English)."""
    global _key_context
    _key_context = provider


def _context() -> Any:
    return _key_context() if _key_context is not None else None


def set_version_reader(reader: Callable[[], str] | None, ttl: float | None = None) -> None:
    """How the data version is read, and how long a read is reused (default
    ``VERSION_TTL_SECONDS``; 0 reads it for every cached call, as the shared cache needs)."""
    global _version_reader, _version_cache, _version_ttl, _last_version
    _version_reader = reader
    _version_cache = (0.0, "")
    _last_version = None
    _version_ttl = VERSION_TTL_SECONDS if ttl is None else ttl


_last_version: str | None = None
_last_attempt = 0.0
OUTAGE_PROBE_SECONDS = 2.0


def _read_version() -> str:
    """The reader's answer; while the store is unreachable, the last version read (so every
    cached result stays reachable) with the store asked again at most every
    ``OUTAGE_PROBE_SECONDS``. No version read yet: ``DataSourceUnavailable``."""
    global _last_version, _last_attempt
    from data import db

    assert _version_reader is not None
    now = time.monotonic()
    if (
        db.outage_since() is not None
        and _last_version is not None
        and now - _last_attempt < OUTAGE_PROBE_SECONDS
    ):
        return _last_version
    _last_attempt = now
    try:
        value = _version_reader()
    except Exception as err:
        if not db.is_unavailable_error(err):
            raise
        outage = db.unavailable(err)
        if _last_version is None:
            raise outage from err
        return _last_version
    if db.outage_since() is not None:
        db.mark_available()
    _last_version = value
    return value


# One request's data version (see :func:`pin_version`): None outside a request.
_request_version: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "sb_request_version", default=None
)


def pin_version() -> contextvars.Token[dict[str, str] | None]:
    """From here until :func:`unpin_version` (one web request), a reader with TTL 0 is asked
    once, at the first cached call, and every later call uses that version: one consistent
    version per request, and an import or rule change made by another worker is in the keys
    of the next request. Without it, a shared cache read the version for every cached call
    (some forty reads for one Morgenbrief)."""
    return _request_version.set({})


def unpin_version(token: contextvars.Token[dict[str, str] | None]) -> None:
    _request_version.reset(token)


def data_version() -> str:
    """The current data version, re-read when the last read is older than the reader's TTL
    (TTL 0: for every cached call, or once per request after :func:`pin_version`)."""
    global _version_cache
    if _version_reader is None:
        return ""
    if _version_ttl <= 0:
        pinned = _request_version.get()
        if pinned is None:
            return _read_version()
        if "version" not in pinned:
            pinned["version"] = _read_version()
        return pinned["version"]
    now = time.monotonic()
    if now - _version_cache[0] > _version_ttl:
        _version_cache = (now, _read_version())
    return _version_cache[1]


def invalidate_version() -> None:
    global _version_cache
    _version_cache = (0.0, "")


def _copy(value: Any) -> Any:
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, dict):
        return dict(value)
    return value


def _normalise(value: Any) -> Any:
    # Stable across processes: sets are sorted, scopes reduced to their fields.
    if hasattr(value, "cache_key"):
        return value.cache_key()
    if isinstance(value, set | frozenset):
        return tuple(sorted(map(str, value)))
    if isinstance(value, list | tuple):
        return tuple(_normalise(v) for v in value)
    return value


def _raise_if_unavailable(err: Exception) -> None:
    from data import db

    if db.is_unavailable_error(err):
        raise db.unavailable(err) from err


def _compute(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except Exception as err:
        _raise_if_unavailable(err)
        raise


# One build's own memo of its reads (see :func:`read_memo`): None outside such a block.
_memo: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "sb_read_memo", default=None
)


@contextlib.contextmanager
def read_memo() -> Iterator[None]:
    """Within the block, a cached read asked again with the same arguments (and scope, data
    version and key context) is answered from the first answer, with or without the result
    cache: one page build that asks for the same series in several places reads it once.
    Callers get copies as from the result cache. Nested blocks share the outer memo."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def cached(timeout: int = 600) -> Callable[[F], F]:
    """Memoize a keyword-only read function. Callers always get a copy."""

    def decorate(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__qualname__}"

        def call(**kwargs: Any) -> Any:
            try:
                return fn(**kwargs)
            except ScopeError as err:
                # Every refusal is audited, whatever the browser sent.
                from data import audit

                audit.refused(kwargs.get("scope"), name, err)
                raise
            except Exception as err:
                # a miss while the store is unreachable: one clear error for the layers above
                _raise_if_unavailable(err)
                raise

        def key_of(kwargs: dict[str, Any]) -> str:
            raw = pickle.dumps(
                (
                    name,
                    data_version(),
                    _context(),
                    sorted((k, _normalise(v)) for k, v in kwargs.items()),
                )
            )
            return "sb:" + hashlib.sha256(raw).hexdigest()

        def cached_value(**kwargs: Any) -> Any:
            """The value already in the memo or the result cache for these arguments, else
            None; never computes (a read can then choose a cheaper way to its answer)."""
            memo = _memo.get()
            if _backend is None and memo is None:
                return None
            key = key_of(kwargs)
            if memo is not None and key in memo:
                return _copy(memo[key])
            hit = _backend.get(key) if _backend is not None else None
            return None if hit is None else _copy(hit)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if args:
                raise TypeError(f"{name} takes keyword arguments only")
            memo = _memo.get()
            if _backend is None and memo is None:
                return call(**kwargs)
            key = key_of(kwargs)
            if memo is not None and key in memo:
                return _copy(memo[key])
            hit = _backend.get(key) if _backend is not None else None
            if hit is not None:
                value = hit
            else:
                value = call(**kwargs)
                if _backend is not None:
                    _backend.set(key, value, timeout=timeout)
            if memo is not None:
                memo[key] = value
            return _copy(value)

        wrapper.cached_value = cached_value  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def lookup(name: str, key: Any) -> tuple[str | None, Any]:
    """For a layer that caches in two steps (look up before, store after): the cache key of
    ``name`` and ``key`` for the current data version and key context, and the hit (None on a
    miss). (None, None) when no result cache is configured."""
    if _backend is None:
        return None, None
    raw = pickle.dumps((name, data_version(), _context(), _normalise(key)))
    cache_key = "sb:" + hashlib.sha256(raw).hexdigest()
    return cache_key, _backend.get(cache_key)


def store(cache_key: str, value: Any, *, timeout: int = 600) -> None:
    if _backend is not None:
        _backend.set(cache_key, value, timeout=timeout)


_per_version: dict[tuple[Any, ...], Any] = {}


def per_data_version(fn: F) -> F:
    """Memoize facts about the loaded dataset (which series exist, their spans) in this
    process for each database and data version, whatever the result cache is: they change
    only with a load, and every page asks for them. For scope-independent reads only."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> Any:
        from data import db

        key = (name, db.url("main"), data_version(), tuple(sorted(kwargs.items())))
        if key not in _per_version:
            if len(_per_version) > 256:
                _per_version.clear()
            _per_version[key] = fn(**kwargs)
        return copy.deepcopy(_per_version[key])

    return wrapper  # type: ignore[return-value]
