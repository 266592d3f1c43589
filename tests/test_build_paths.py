"""The demo build's derived tables equal what the general refresh path computes from the stored
events (the path every import takes), table by table: the build may compute them another way
(from the generated frames, in parallel), never to another result."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from data import aggregates, certificate_aggregates, db
from data.schema import Base

DERIVED = sorted(
    name
    for name in Base.metadata.tables
    if name.startswith("agg_")  # daily aggregates, rollups, page tables, certificate series
)


def _rows(conn: Any, table: str) -> list[tuple[Any, ...]]:
    columns = [c.name for c in Base.metadata.tables[table].columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    rows = conn.execute(text(f'SELECT {quoted} FROM "{table}"')).all()
    return sorted((tuple(r) for r in rows), key=repr)


def test_derived_tables_equal_the_general_refresh(settings) -> None:  # type: ignore[no-untyped-def]
    assert {"agg_cases_daily", "agg_certificate_series", "agg_key_figures"} <= set(DERIVED)
    with db.engine().connect() as conn:
        built = {table: _rows(conn, table) for table in DERIVED}
        try:
            aggregates.refresh(conn)
            certificate_aggregates.refresh(conn)
            general = {table: _rows(conn, table) for table in DERIVED}
        finally:
            conn.rollback()  # the store keeps what the build wrote
    assert sum(len(rows) for rows in built.values()) > 10_000
    for table in DERIVED:
        assert len(built[table]) == len(general[table]), table
        assert built[table] == general[table], table


@pytest.mark.parametrize("table", ["agg_cases_daily", "agg_certificate_series"])
def test_the_demo_fills_the_derived_tables(settings, table: str) -> None:  # type: ignore[no-untyped-def]
    with db.engine().connect() as conn:
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() > 100
