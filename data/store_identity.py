"""Which database a store is: what tells one database from another made at the same address.

The data version in every cache key counts loads, from 1 in a database made anew; a cache
that outlives the process (the embedded default's shared folder, ``dashboard/result_cache.py``)
must therefore also know *which* database filled it. That is the time of the database's first
load: a reload keeps it (the load status rows stay), a database made anew has another.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from data import db
from data.schema import DataSourceStatus


def exists(url: str) -> bool:
    """False for a SQLite file not made yet (connecting would make an empty one)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return True
    return bool(parsed.database) and Path(str(parsed.database)).exists()


def identity() -> str | None:
    """The time of the first load of the current layer's database; None: no database, no
    tables or no load yet (then nothing can have been cached from it either)."""
    try:
        with db.engine().connect() as conn:
            first = conn.execute(select(func.min(DataSourceStatus.loaded_at))).scalar()
    except Exception:
        return None
    return None if first is None else str(first)
