"""The data layer's state (:class:`DataLayer`: the engines of the dashboard store and the
tracing store, the result cache, the read settings), which layer a request reads through, and
schema migrations (Alembic).

An app owns its layer (``create_app`` builds it and activates it for each of its requests); a
command or script configures the process default (:func:`configure`); a test or script that
reads another database for a while uses :func:`using`. Nothing else is global but the outage
state of the store (:func:`outage_since`), which every layer of the process shares."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
STORES = ("main", "tracing")


def make_engine(url: str) -> Engine:
    """An engine with the settings this app relies on for each backend."""
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # pre-ping: a connection that died with a server restart is replaced, not handed out;
        # connect_timeout: an unreachable server costs seconds, not a hung worker
        kwargs.update(
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={"connect_timeout": 3},
        )
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL lets the web app read while an import writes; NORMAL sync is safe under WAL.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA cache_size=-65536")
            cur.close()

    return engine


class DataLayer:
    """The data layer of one app (or one CLI run): the engines of its two stores, its result
    cache (:class:`data.cache.ResultCache`) and the settings its reads follow. ``create_app``
    builds one and activates it for each of its requests (:meth:`active`), so two apps in one
    process (or a test with a database of its own) never read each other's store or cache; the
    last one built or configured is the process default, for scripts and threads outside a
    request."""

    def __init__(
        self,
        *,
        database_url: str,
        tracing_database_url: str,
        incomplete_days: int | None = None,
        cache: Any = None,
    ) -> None:
        from data.cache import ResultCache

        self.urls = {"main": database_url, "tracing": tracing_database_url}
        # INCOMPLETE_DAYS: the incomplete test dates set instead of derived (None: derived)
        self.incomplete_days = incomplete_days
        self.cache: ResultCache = cache if cache is not None else ResultCache()
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()
        for url in self.urls.values():
            if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

    def url(self, store: str = "main") -> str:
        return self.urls[store]

    def engine(self, store: str = "main") -> Engine:
        if store not in STORES:
            raise ValueError(f"unknown store {store!r}")
        found = self._engines.get(store)
        if found is None:
            with self._lock:
                found = self._engines.get(store)
                if found is None:
                    found = self._engines[store] = make_engine(self.urls[store])
        return found

    def dispose(self, *, close: bool = True) -> None:
        """Drop the pooled connections (``close=False`` after a fork: the parent's stay open)."""
        for found in self._engines.values():
            found.dispose(close=close)

    def variant(self, **changes: Any) -> DataLayer:
        """This layer's stores (and engines) with other settings or another result cache,
        e.g. ``variant(cache=ResultCache())``: the same data without a cache."""
        options = {"incomplete_days": self.incomplete_days, "cache": self.cache, **changes}
        other = DataLayer(
            database_url=self.urls["main"], tracing_database_url=self.urls["tracing"], **options
        )
        other._engines, other._lock = self._engines, self._lock
        return other

    def activate(self) -> contextvars.Token[DataLayer | None]:
        return _active.set(self)

    @staticmethod
    def deactivate(token: contextvars.Token[DataLayer | None]) -> None:
        _active.reset(token)

    @contextlib.contextmanager
    def active(self) -> Iterator[DataLayer]:
        """Within the block (this thread or task), every read uses this layer."""
        token = self.activate()
        try:
            yield self
        finally:
            self.deactivate(token)


_default: DataLayer | None = None
_L = TypeVar("_L", DataLayer, None)
_active: contextvars.ContextVar[DataLayer | None] = contextvars.ContextVar(
    "sb_data_layer", default=None
)


def current() -> DataLayer:
    """The layer of this request (see :meth:`DataLayer.active`), else the process default."""
    layer = _active.get() or _default
    if layer is None:
        raise RuntimeError("data.db.configure() has not been called")
    return layer


def current_or_none() -> DataLayer | None:
    return _active.get() or _default


# --------------------------------------------------------------------------- chosen disease
# The disease a request asks about (the header's choice, ``?sykdom=`` or the API's
# ``?disease=``): every read's ``disease`` argument defaults to it (data.cache.cached) and every
# result-cache key carries it. Outside a request (scripts, loaders, the warm-up): the default.
_disease: contextvars.ContextVar[str | None] = contextvars.ContextVar("sb_disease", default=None)


def chosen_disease() -> str:
    """The disease of this request (:func:`choose_disease`), else ``DEFAULT_DISEASE``."""
    from data.codes import DEFAULT_DISEASE

    return _disease.get() or DEFAULT_DISEASE


def choose_disease(code: str) -> contextvars.Token[str | None]:
    """From here until :func:`unchoose_disease` (one request), reads default to ``code``.
    ValueError for a code that is no disease of :data:`data.codes.DISEASES`."""
    from data.codes import disease

    return _disease.set(disease(code).code)


def unchoose_disease(token: contextvars.Token[str | None]) -> None:
    _disease.reset(token)


@contextlib.contextmanager
def disease_chosen(code: str) -> Iterator[str]:
    """Within the block, reads default to ``code`` (tests, scripts, one report run)."""
    token = choose_disease(code)
    try:
        yield code
    finally:
        unchoose_disease(token)


def install(layer: _L) -> _L:
    """Make ``layer`` the process default (the app factory does, for the app it builds)."""
    global _default
    _default = layer
    return layer


def default() -> DataLayer | None:
    """The process default (None: nothing configured yet)."""
    return _default


def configure(
    *, database_url: str, tracing_database_url: str, incomplete_days: int | None = None
) -> DataLayer:
    """Point the process default at two stores (the CLI and scripts). The same stores again
    keep the default layer as it is (its engines and cache)."""
    old = _default
    if (
        old is not None
        and old.urls == {"main": database_url, "tracing": tracing_database_url}
        and old.incomplete_days == incomplete_days
    ):
        return old
    layer = DataLayer(
        database_url=database_url,
        tracing_database_url=tracing_database_url,
        incomplete_days=incomplete_days,
    )
    install(layer)
    return layer


@contextlib.contextmanager
def using(*, database_url: str, tracing_database_url: str, **options: Any) -> Iterator[DataLayer]:
    """A layer of its own for the block (no result cache unless ``cache=`` is given); its
    connections are closed at the end. For scripts and tests reading another database."""
    layer = DataLayer(
        database_url=database_url, tracing_database_url=tracing_database_url, **options
    )
    try:
        with layer.active():
            yield layer
    finally:
        layer.dispose()


def engine(store: str = "main") -> Engine:
    return current().engine(store)


def url(store: str = "main") -> str:
    return current().url(store)


def _alembic_config(store: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR / store))
    cfg.set_main_option("sqlalchemy.url", url(store).replace("%", "%%"))
    return cfg


def upgrade(store: str | None = None) -> None:
    """Bring one store (or both) to the newest schema revision."""
    from alembic import command

    for name in (store,) if store else STORES:
        command.upgrade(_alembic_config(name), "head")


def current_revision(store: str = "main") -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine(store).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# --------------------------------------------------------------------------- availability
class DataSourceUnavailable(RuntimeError):
    """The dashboard store cannot be reached (stopped, restarting, network). ``since`` is
    when this process first noticed (UTC); the layers above keep showing what they have."""

    def __init__(self, since: dt.datetime) -> None:
        super().__init__(f"the data source has been unavailable since {since.isoformat()}")
        self.since = since


_outage_lock = threading.Lock()
_outage_since: dt.datetime | None = None


def is_unavailable_error(err: BaseException) -> bool:
    """Whether ``err`` says the server cannot be reached (not a bad query or missing table)."""
    if isinstance(err, DataSourceUnavailable):
        return True
    if isinstance(err, sa_exc.DBAPIError) and err.connection_invalidated:
        return True
    if not isinstance(err, sa_exc.OperationalError | sa_exc.InterfaceError):
        return False
    # SQLite raises OperationalError for ordinary query errors too: only a file it cannot
    # open counts; for a server every OperationalError is about the connection or the server
    message = str(err.orig if hasattr(err, "orig") else err).lower()
    if isinstance(err, sa_exc.OperationalError) and "sqlite" in type(err.orig).__module__:
        return "unable to open" in message or "disk i/o" in message
    return True


def mark_unavailable() -> dt.datetime:
    """Record that the store is unreachable (the first time only) and return since when."""
    global _outage_since
    with _outage_lock:
        if _outage_since is None:
            _outage_since = dt.datetime.now(dt.UTC)
        return _outage_since


def mark_available() -> None:
    global _outage_since
    with _outage_lock:
        _outage_since = None


def outage_since() -> dt.datetime | None:
    """When this process noticed the store was unreachable; None while it answers."""
    return _outage_since


def unavailable(err: BaseException) -> DataSourceUnavailable:
    """The outage to raise for a connection error ``err`` (recorded as begun now, if new)."""
    if isinstance(err, DataSourceUnavailable):
        return err
    return DataSourceUnavailable(mark_unavailable())


def probe(store: str = "main") -> dt.datetime | None:
    """Ask the store (``SELECT 1``): None when it answers, else since when it has not."""
    try:
        with engine(store).connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as err:
        if not is_unavailable_error(err):
            raise
        return mark_unavailable()
    mark_available()
    return None
