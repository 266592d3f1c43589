"""Load benchmark: the demo data set into PostgreSQL through COPY and through batched INSERTs
(``executemany``, the path used before scale mode), and into SQLite for reference.

Needs a PostgreSQL server: ``TEST_POSTGRES_URL`` (as written by ``.ci/services.sh start DIR``
to ``DIR/env``; ``make scale`` leaves one in ``instance/scale/env``). Two fresh databases are
created and dropped again. Prints rows per second; never fails on a time.

    source instance/scale/env && python -m bench.pg_load --scale small
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _databases(server: str, names: list[str], *, drop: bool = False) -> list[str]:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(
                text(f"DROP DATABASE IF EXISTS {name}" if drop else f"CREATE DATABASE {name}")
            )
    admin.dispose()
    return [make_url(server).set(database=n).render_as_string(hide_password=False) for n in names]


def _load(tables: dict, *, use_copy: bool | None) -> tuple[int, float]:
    from data import db, load
    from data.schema import Base

    names = load._insert_order(tables, Base.metadata)
    with db.engine().begin() as conn:
        for name in reversed(names):
            conn.execute(Base.metadata.tables[name].delete())
        for name in names:
            for index in Base.metadata.tables[name].indexes:
                index.drop(conn, checkfirst=True)
    started = time.perf_counter()
    rows = 0
    with db.engine().begin() as conn:
        for name in names:
            rows += load.bulk_insert(
                conn, Base.metadata.tables[name], tables[name], use_copy=use_copy
            )
    return rows, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="small", choices=["tiny", "small"])
    args = parser.parse_args()
    server = os.environ.get("TEST_POSTGRES_URL")
    if not server:
        raise SystemExit("TEST_POSTGRES_URL is not set: source the env file of .ci/services.sh")
    from data import db
    from data.synthetic import generate

    tables = generate(scale=args.scale, seed=42, progress=False).tables
    tag = uuid.uuid4().hex[:6]
    names = [f"bench_{tag}_main", f"bench_{tag}_tracing"]
    main_url, tracing_url = _databases(server, names)
    try:
        db.configure(database_url=main_url, tracing_database_url=tracing_url)
        db.upgrade()
        results = {}
        for label, use_copy in (("PostgreSQL COPY", True), ("PostgreSQL executemany", False)):
            results[label] = _load(tables, use_copy=use_copy)
        db.engine().dispose()
        db.engine("tracing").dispose()
    finally:
        _databases(server, names, drop=True)
    with tempfile.TemporaryDirectory() as tmp:
        db.configure(
            database_url=f"sqlite:///{Path(tmp) / 'm.sqlite'}",
            tracing_database_url=f"sqlite:///{Path(tmp) / 't.sqlite'}",
        )
        db.upgrade()
        results["SQLite executemany"] = _load(tables, use_copy=None)
        db.engine().dispose()
    print(f"Demo data ({args.scale}), event tables, {os.cpu_count()} cores:")
    for label, (rows, seconds) in results.items():
        print(f"  {label:<24} {rows:>11,} rows  {seconds:6.1f} s  {rows / seconds:>9,.0f} rows/s")
    copy_s, many_s = results["PostgreSQL COPY"][1], results["PostgreSQL executemany"][1]
    print(f"  COPY vs executemany on PostgreSQL: {many_s / copy_s:.1f}× faster")


if __name__ == "__main__":
    main()
