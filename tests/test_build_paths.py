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


def test_the_derivation_in_a_second_process_equals_the_one_in_process() -> None:
    import numpy as np
    import pandas as pd

    from data import derive_frames

    rng = np.random.default_rng(5)
    n = derive_frames.PARALLEL_MIN_ROWS + 1
    frames = {
        "vaccination": pd.DataFrame(
            {
                "disease": pd.Categorical(["covid19"] * n),
                "kommunenummer": pd.Categorical(rng.choice(["0301", "4601", "5001"], n)),
                "vaccination_date": pd.Timestamp("2021-01-01")
                + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
                "age_band": pd.Categorical(rng.choice(["0-5", "18-24", "80+"], n)),
                "dose_number": rng.integers(1, 4, n).astype(np.int16),
            }
        )
    }
    derivation = derive_frames.Derivation(frames, None)
    assert derivation.process is not None  # forked
    forked = derivation.result()
    inline = derive_frames.derive(frames, None)
    assert list(forked.daily) == ["agg_vaccination_daily"] and forked.certificates is None
    pd.testing.assert_frame_equal(
        forked.daily["agg_vaccination_daily"], inline.daily["agg_vaccination_daily"]
    )
    assert forked.daily["agg_vaccination_daily"]["doses"].sum() == n


def _load_into(folder: Any, tables: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    from data.load import load_dataset
    from tests.stores import new_stores

    with db.using(**new_stores(folder)):
        db.upgrade()
        load_dataset(
            main=db.engine("main"),
            tracing=db.engine("tracing"),
            tables=tables,
            tracing_tables={},
            meta={"data_date": "2022-01-20", "is_demo": "false", "disclosure_secret": "s"},
            source="test",
            progress=False,
        )
        with db.engine().connect() as conn:
            names = [n for n in Base.metadata.tables if n != "data_source_status"]
            return {name: _rows(conn, name) for name in names}


def test_tables_written_by_a_second_process_equal_direct_inserts(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from data import scratch_load
    from tests.stores import backend
    from tests.test_queries import _fixture_tables

    if backend() != "sqlite":
        pytest.skip("the second writer is a SQLite path (PostgreSQL loads through COPY)")
    tables = _fixture_tables()
    monkeypatch.setattr(scratch_load, "SCRATCH_MIN_ROWS", 10**9)
    direct = _load_into(tmp_path / "direct", tables)
    monkeypatch.setattr(scratch_load, "SCRATCH_MIN_ROWS", 1)
    monkeypatch.setattr(scratch_load, "SHARE", 0.9)
    copied: list[str] = []
    original = scratch_load.ScratchLoad.copy

    def spy(self: Any, conn: Any, table: Any) -> int | None:
        result = original(self, conn, table)
        if result is not None:
            copied.append(table.name)
        return result

    monkeypatch.setattr(scratch_load.ScratchLoad, "copy", spy)
    second = _load_into(tmp_path / "second", tables)
    assert copied == ["case"]  # the largest table, written by the second process
    assert len(second["case"]) == len(tables["case"]) > 0
    assert second == direct
    assert not list((tmp_path / "second").glob("*.scratch"))  # deleted after the load
