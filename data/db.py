"""Engines for the dashboard store and the tracing store, and schema migrations (Alembic)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

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
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=5)
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
