"""Engines for the dashboard store and the tracing store, and schema migrations (Alembic)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
STORES = ("main", "tracing")

_engines: dict[str, Engine] = {}
_urls: dict[str, str] = {}


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


def configure(*, database_url: str, tracing_database_url: str) -> None:
    """Point the data layer at its two stores. Called once by the app factory or the CLI."""
    for store, url in (("main", database_url), ("tracing", tracing_database_url)):
        if _urls.get(store) != url:
            old = _engines.pop(store, None)
            if old is not None:
                old.dispose()
            _urls[store] = url
    _ensure_sqlite_dirs()


def _ensure_sqlite_dirs() -> None:
    for url in _urls.values():
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def engine(store: str = "main") -> Engine:
    if store not in STORES:
        raise ValueError(f"unknown store {store!r}")
    if store not in _urls:
        raise RuntimeError("data.db.configure() has not been called")
    if store not in _engines:
        _engines[store] = make_engine(_urls[store])
    return _engines[store]


def url(store: str = "main") -> str:
    return _urls[store]


def _alembic_config(store: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR / store))
    cfg.set_main_option("sqlalchemy.url", _urls[store].replace("%", "%%"))
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
