"""Throwaway store pairs for data-layer tests, on SQLite or on a real PostgreSQL.

The data-layer tests build their own small stores. By default they are SQLite files in the
test's temporary folder; with ``TEST_POSTGRES_URL`` set (``make test`` sets it for its second,
PostgreSQL run; see ``.ci/services.sh``) each store is a fresh database on that server, so the
same tests run unchanged on both backends.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_counter = itertools.count()


class DictCache:
    """A result-cache backend in a dict (``store``), for tests that look at what is kept."""

    def __init__(self) -> None:
        self.store: dict[str, object] = {}

    def get(self, key: str) -> object:
        return self.store.get(key)

    def set(self, key: str, value: object, timeout: int | None = None) -> None:
        self.store[key] = value


@contextmanager
def environ(values: dict[str, str]) -> Iterator[None]:
    """The process environment with ``values`` set, as it was again afterwards."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build_demo(env: dict[str, str], scale: str = "tiny", seed: int = 7) -> None:
    """Build a demo database through the real CLI (``situasjonsbilde demo``) with ``env``.
    The command points the process default data layer at the stores it builds, as a command
    does; the tests' default comes back afterwards, so that later tests read the session's
    demo, not this one."""
    from typer.testing import CliRunner

    from dashboard.cli import app
    from data import db

    before = db.default()
    try:
        with environ(env):
            result = CliRunner().invoke(
                app, ["demo", "--scale", scale, "--seed", str(seed), "--no-progress"]
            )
    finally:
        if before is not None:
            db.install(before)
    assert result.exit_code == 0, result.output + repr(result.exception)


def postgres_url() -> str | None:
    """The maintenance URL of the test PostgreSQL server, or None on the SQLite run."""
    return os.environ.get("TEST_POSTGRES_URL") or None


def backend() -> str:
    return "postgresql" if postgres_url() else "sqlite"


def _create_database(template: str | None = None) -> str:
    server = postgres_url()
    assert server is not None
    name = f"t_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            clause = f" TEMPLATE {template}" if template else ""
            conn.execute(text(f"CREATE DATABASE {name}{clause}"))
    finally:
        admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def new_stores(folder: Path) -> dict[str, str]:
    """URLs of an empty main and tracing store (``database_url``, ``tracing_database_url``)."""
    if postgres_url() is None:
        return {
            "database_url": f"sqlite:///{folder / 'main.sqlite'}",
            "tracing_database_url": f"sqlite:///{folder / 'tracing.sqlite'}",
        }
    return {"database_url": _create_database(), "tracing_database_url": _create_database()}


def copy_stores(urls: dict[str, str], folder: Path) -> dict[str, str]:
    """A copy of a store pair (file copies on SQLite, ``CREATE DATABASE … TEMPLATE`` on
    PostgreSQL). Nothing may be connected to the originals meanwhile: dispose their engines."""
    if postgres_url() is None:
        copies = new_stores(folder)
        for key, url in urls.items():
            shutil.copy(url.removeprefix("sqlite:///"), copies[key].removeprefix("sqlite:///"))
        return copies
    return {key: _create_database(template=make_url(url).database) for key, url in urls.items()}
