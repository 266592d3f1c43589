"""Writing the largest tables of a bulk load on the second core (SQLite).

SQLite has one writer, and most of a bulk load's time is the Python side of ``executemany``.
A forked process writes the largest frames into a scratch SQLite file beside the store (its
own writer, on the other core) while the loader writes the rest; the loader then copies each
scratch table with one ``INSERT … SELECT`` (C only: about a sixth of the CPU time of the
inserts it replaces). Rows keep their order, so the store gets the same ids as from direct
inserts. The frames reach the child by ``fork`` (copy-on-write); nothing is pickled.

The scratch file is attached when the load transaction starts (SQLite cannot attach inside a
transaction) and detached and deleted after the commit. Without ``fork``, on PostgreSQL (COPY
is fast there) or for small loads every table is inserted directly.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.schema import CreateTable

SCRATCH = "scratch_load"  # the schema name of the attached file
SCRATCH_MIN_ROWS = 1_000_000  # a table smaller than this is inserted directly
SHARE = 0.65  # at most this share of the rows goes to the second writer

_job: dict[str, Any] = {}  # what a forked child writes (set just before the fork)


def _store_path(engine: Engine) -> Path | None:
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def choose(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """The largest tables, as long as they hold at most ``SHARE`` of all rows."""
    total = sum(len(f) for f in frames.values())
    chosen: list[str] = []
    rows = 0
    for name in sorted(frames, key=lambda n: -len(frames[n])):
        size = len(frames[name])
        if size < SCRATCH_MIN_ROWS or rows + size > SHARE * total:
            continue
        chosen.append(name)
        rows += size
    return chosen


def _child(path: str, names: list[str], send: Any) -> None:
    from data.load import bulk_insert  # data.load imports this module

    frames, tables = _job["frames"], _job["tables"]
    try:
        engine = create_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=OFF")  # a scratch file: no rollback
            for name in names:
                bulk_insert(conn, tables[name], frames[name])
        engine.dispose()
        send.send("ok")
    except BaseException as err:
        send.send(repr(err))
    finally:
        send.close()


class ScratchLoad:
    """Tables being written by a second process into a scratch file next to the store."""

    def __init__(
        self, engine: Engine, frames: Mapping[str, pd.DataFrame], tables: Mapping[str, Any]
    ) -> None:
        self.names: list[str] = []
        self.process: Any = None
        store = _store_path(engine)
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        if store is None or cpus < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return
        names = choose(frames)
        if not names:
            return
        self.path = store.with_name(f"{store.name}.{os.getpid()}.scratch")
        self.path.unlink(missing_ok=True)
        scratch = create_engine(f"sqlite:///{self.path}")
        with scratch.begin() as conn:  # tables without indexes; created before the fork
            for name in names:
                conn.execute(CreateTable(tables[name]))
        scratch.dispose()
        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        _job.update(frames=frames, tables=tables)
        try:
            self.process = context.Process(
                target=_child, args=(str(self.path), names, send), daemon=True
            )
            self.process.start()
        finally:
            _job.clear()
        send.close()
        self.names = names
        self.frames = frames
        self.failed: str | None = None

    def attach(self, conn: Connection) -> None:
        """Attach the scratch file to ``conn`` (before its load transaction begins)."""
        if self.names:
            conn.exec_driver_sql(f"ATTACH DATABASE ? AS {SCRATCH}", (str(self.path),))
            conn.commit()  # SQLAlchemy's transaction only: SQLite has none open yet

    def _wait(self) -> None:
        if self.process is None:
            return
        try:
            status = self.receive.recv()
        except EOFError:
            status = "the scratch writer ended without a result"
        self.process.join()
        self.receive.close()
        self.process = None
        if status != "ok":
            self.failed = str(status)

    def copy(self, conn: Connection, table: Any) -> int | None:
        """Copy ``table`` from the scratch file (waiting for the writer); None when it is not
        there (the caller inserts it directly)."""
        if table.name not in self.names:
            return None
        self._wait()
        if self.failed is not None:
            return None
        frame = self.frames[table.name]
        columns = ", ".join(f'"{c.name}"' for c in table.columns if c.name in frame.columns)
        conn.exec_driver_sql(
            f'INSERT INTO main."{table.name}" ({columns}) '
            f'SELECT {columns} FROM {SCRATCH}."{table.name}" ORDER BY rowid'
        )
        return len(frame)

    def detach(self, conn: Connection) -> None:
        """After the load transaction (committed or not): stop the writer if it still runs,
        detach the scratch file from ``conn`` and delete it."""
        if not self.names:
            return
        if self.process is not None:
            self.process.terminate()
            self.process.join()
            self.process = None
        with contextlib.suppress(Exception):
            conn.exec_driver_sql(f"DETACH DATABASE {SCRATCH}")
            conn.commit()
        self.path.unlink(missing_ok=True)


__all__ = ["ScratchLoad", "choose"]
