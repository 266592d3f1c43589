"""The one cache of the data layer: results keyed by function, arguments, scope, data version,
disclosure policy and language.

Each app owns one :class:`ResultCache` (in its :class:`data.db.DataLayer`, built by
``create_app``). Its backend is injected by the application (flask-caching's SimpleCache in the
embedded default, RedisCache in scale mode) so that ``data/`` stays free of web frameworks. The
data version is part of every key: a load bumps it, so no worker serves stale numbers; the
scope (reduced to the role's policy and area) is part of every key, so no user's scoped result
is served to another role or area; the disclosure policy is part of every key, so a deploy with
another policy never reads what a shared cache kept from before. Reads declare themselves with
:func:`cached`; the layer above keeps whole responses under the same keys (:func:`lookup`,
:func:`store`; ``dashboard/response_cache.py``).
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import hashlib
import inspect
import pickle
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

import pandas as pd

from data import disclosure
from data.scope import ScopeError


class CacheBackend(Protocol):
    def get(self, key: str) -> Any: ...
    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


VERSION_TTL_SECONDS = 2.0
OUTAGE_PROBE_SECONDS = 2.0
PROCESS_ENTRIES = 512  # the process tier's bound (a few hundred small dataset facts)
F = TypeVar("F", bound=Callable[..., Any])


def policy_key() -> tuple[Any, ...]:
    """The disclosure policy every published cell follows (:mod:`data.disclosure`): part of
    every key, so a deploy that changes the policy never reads an answer a shared cache kept
    from before, even at the same data version."""
    return (
        disclosure.SMALL_MAX,
        disclosure.RATIO,
        disclosure.MAX_PERTURBATION,
        disclosure.KEY_SPACE,
    )


class ResultCache:
    """The one cache of one data layer (:class:`data.db.DataLayer`). Every entry is keyed by
    the function (or the layer above's name), the data version, the disclosure policy, the key
    context (the language) and the arguments, the scope among them (reduced to the role's
    policy and area, :meth:`data.scope.Scope.cache_key`). It keeps entries in two places:

    - ``backend``: the shared result cache (flask-caching's SimpleCache in the embedded
      default, Redis in scale mode; None: off). Scoped reads and whole responses live here.
    - ``process``: this process's memory, for the few unscoped facts about the loaded dataset
      that every request asks for (``@cached(process=True)``), whatever the backend is.

    and, within a :func:`read_memo` block, the build's own memo (the same keys).
    """

    def __init__(
        self,
        backend: CacheBackend | None = None,
        *,
        version_reader: Callable[[], str] | None = None,
        version_ttl: float | None = None,
        key_context: Callable[[], Any] | None = None,
        policy: tuple[Any, ...] | None = None,
    ) -> None:
        self.backend = backend
        self.key_context = key_context
        self.policy = policy_key() if policy is None else policy
        self.process: dict[str, Any] = {}
        self.set_version_reader(version_reader, version_ttl)

    def set_version_reader(self, reader: Callable[[], str] | None, ttl: float | None) -> None:
        self.version_reader = reader
        self.version_ttl = VERSION_TTL_SECONDS if ttl is None else ttl
        self.version_cache: tuple[float, str] = (0.0, "")
        self.last_version: str | None = None
        self.last_attempt = 0.0

    def context(self) -> Any:
        return self.key_context() if self.key_context is not None else None

    def read_version(self) -> str:
        """The reader's answer; while the store is unreachable, the last version read (so
        every cached result stays reachable) with the store asked again at most every
        ``OUTAGE_PROBE_SECONDS``. No version read yet: ``DataSourceUnavailable``."""
        from data import db

        assert self.version_reader is not None
        now = time.monotonic()
        if (
            db.outage_since() is not None
            and self.last_version is not None
            and now - self.last_attempt < OUTAGE_PROBE_SECONDS
        ):
            return self.last_version
        self.last_attempt = now
        try:
            value = self.version_reader()
        except Exception as err:
            if not db.is_unavailable_error(err):
                raise
            outage = db.unavailable(err)
            if self.last_version is None:
                raise outage from err
            return self.last_version
        if db.outage_since() is not None:
            db.mark_available()
        self.last_version = value
        return value

    def data_version(self) -> str:
        if self.version_reader is None:
            return ""
        if self.version_ttl <= 0:
            pinned = _request_version.get()
            if pinned is None:
                return self.read_version()
            if "version" not in pinned:
                pinned["version"] = self.read_version()
            return pinned["version"]
        now = time.monotonic()
        if now - self.version_cache[0] > self.version_ttl:
            self.version_cache = (now, self.read_version())
        return self.version_cache[1]

    def invalidate_version(self) -> None:
        """Read the data version again at the next cached call (this process wrote a new
        one)."""
        self.version_cache = (0.0, "")

    def key(self, name: str, arguments: Any) -> str:
        # the request's chosen disease is in every key (data.db.chosen_disease): a read that
        # follows it without naming it (one that calls another read with its default) can
        # never hand one disease's answer to another
        from data import db

        raw = pickle.dumps(
            (
                name,
                self.data_version(),
                self.policy,
                self.context(),
                db.chosen_disease(),
                arguments,
            )
        )
        return "sb:" + hashlib.sha256(raw).hexdigest()

    def remember(self, key: str, value: Any) -> None:
        """Keep ``value`` in the process tier (bounded: emptied when full)."""
        if len(self.process) >= PROCESS_ENTRIES:
            self.process.clear()
        self.process[key] = value


def _state() -> ResultCache:
    from data import db

    return db.current().cache


def set_backend(backend: CacheBackend | None) -> None:
    """The current layer's shared backend (scripts: the CLI's report run, the benchmarks)."""
    _state().backend = backend


def backend() -> CacheBackend | None:
    """The configured result cache (None: none configured)."""
    return _state().backend


def result_cache_on() -> bool:
    """Whether reads are kept in the result cache (then a read that serves every date, such
    as a whole history, is worth more than a cheaper read of one date)."""
    return _state().backend is not None


def set_key_context(provider: Callable[[], Any] | None) -> None:
    """A part of every result-cache key taken from the request by the layer above (the
    dashboard passes the user's language, so a page cached in bokmål is never served in
    English)."""
    _state().key_context = provider


def set_version_reader(reader: Callable[[], str] | None, ttl: float | None = None) -> None:
    """How the data version is read, and how long a read is reused (default
    ``VERSION_TTL_SECONDS``; 0 reads it for every cached call, as the shared cache needs)."""
    _state().set_version_reader(reader, ttl)


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
    return _state().data_version()


def invalidate_version() -> None:
    _state().invalidate_version()


def forget_process_facts() -> None:
    """Empty the process tier of the current layer (a load in this process: a command has no
    version reader, so its keys do not change with what it loads). Nothing configured: nothing
    to forget."""
    from data import db

    layer = db.current_or_none()
    if layer is not None:
        layer.cache.process.clear()


_deepcopy = copy.deepcopy


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


def cached(timeout: int = 600, *, process: bool = False, copy: bool = True) -> Callable[[F], F]:
    """Memoize a keyword-only read function in the current layer's :class:`ResultCache`.
    Callers always get a copy.

    ``process=True``: kept in this process's memory whatever the backend is (none, a local
    SimpleCache or Redis), never in the shared backend: for the unscoped facts about the
    loaded dataset (which series exist, their spans, the population arrays) that every request
    asks for, a few hundred small values, cheaper to keep than to fetch and unpickle each time.
    ``copy=False`` hands out the kept value itself (arrays nobody writes to)."""

    def decorate(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__qualname__}"
        disease_default = _follows_chosen_disease(fn)

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

        def key_of(state: ResultCache, kwargs: dict[str, Any]) -> str:
            return state.key(name, sorted((k, _normalise(v)) for k, v in kwargs.items()))

        def arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
            # a read whose ``disease`` defaults to DEFAULT_DISEASE reads the chosen one
            if disease_default and "disease" not in kwargs:
                from data import db

                return {**kwargs, "disease": db.chosen_disease()}
            return kwargs

        if process:

            @functools.wraps(fn)
            def kept(*args: Any, **kwargs: Any) -> Any:
                if args:
                    raise TypeError(f"{name} takes keyword arguments only")
                kwargs = arguments(kwargs)
                state = _state()
                key = key_of(state, kwargs)
                if key not in state.process:
                    state.remember(key, call(**kwargs))
                value = state.process[key]
                return _deepcopy(value) if copy else value

            return kept  # type: ignore[return-value]

        def cached_value(**kwargs: Any) -> Any:
            """The value already in the memo or the result cache for these arguments, else
            None; never computes (a read can then choose a cheaper way to its answer)."""
            kwargs = arguments(kwargs)
            state = _state()
            memo = _memo.get()
            if state.backend is None and memo is None:
                return None
            key = key_of(state, kwargs)
            if memo is not None and key in memo:
                return _copy(memo[key])
            hit = state.backend.get(key) if state.backend is not None else None
            return None if hit is None else _copy(hit)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if args:
                raise TypeError(f"{name} takes keyword arguments only")
            kwargs = arguments(kwargs)
            state = _state()
            backend = state.backend
            memo = _memo.get()
            if backend is None and memo is None:
                return call(**kwargs)
            key = key_of(state, kwargs)
            if memo is not None and key in memo:
                return _copy(memo[key])
            hit = backend.get(key) if backend is not None else None
            if hit is not None:
                value = hit
            else:
                value = call(**kwargs)
                if backend is not None:
                    backend.set(key, value, timeout=timeout)
            if memo is not None:
                memo[key] = value
            return _copy(value)

        wrapper.cached_value = cached_value  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _follows_chosen_disease(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` takes ``disease`` with the default disease as its default: such a read
    answers for the disease chosen for the request (:func:`data.db.chosen_disease`) unless the
    caller names one, so no page has to pass the choice on."""
    from data.codes import DEFAULT_DISEASE

    parameter = inspect.signature(fn).parameters.get("disease")
    return parameter is not None and parameter.default == DEFAULT_DISEASE


def lookup(name: str, key: Any) -> tuple[str | None, Any]:
    """For a layer that caches in two steps (look up before, store after): the cache key of
    ``name`` and ``key`` (keyed like every cached read) and the hit (None on a miss). (None,
    None) when no result cache is configured."""
    state = _state()
    if state.backend is None:
        return None, None
    cache_key = state.key(name, _normalise(key))
    return cache_key, state.backend.get(cache_key)


def store(cache_key: str, value: Any, *, timeout: int = 600) -> None:
    state = _state()
    if state.backend is not None:
        state.backend.set(cache_key, value, timeout=timeout)


def per_data_version(fn: F) -> F:
    """Old name of ``cached(process=True)`` (kept for code written against it)."""
    return cached(process=True)(fn)
