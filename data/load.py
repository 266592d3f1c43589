"""Bulk loading into the two stores: reference data, synthetic demo data, aggregates refresh.

Loading uses the DBAPI's ``executemany`` on pre-converted columns instead of the ORM or
``DataFrame.to_sql``: at full scale (~26 M rows) that is the difference between about a minute
and a quarter of an hour on SQLite. On PostgreSQL the same rows go through ``COPY … FROM STDIN``
(psycopg's ``cursor.copy``), which is several times faster than batched INSERTs there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Connection, Engine, Integer, String, cast, delete, insert, update
from tqdm import tqdm

from data import aggregates, certificate_aggregates
from data.derive_frames import Derivation
from data.schema import (
    Base,
    DatasetMeta,
    DataSourceStatus,
    Fylke,
    Kommune,
    KommuneCrosswalk,
    KommuneNeighbour,
)
from data.scratch_load import ScratchLoad
from data.tracing_schema import TracingBase
from geo import reference

CHUNK_ROWS = 200_000


def _column_values(series: pd.Series, column_type: Any, *, native_bool: bool = False) -> list[Any]:
    """Python values for one column, converted the way SQLAlchemy would store them
    (booleans as 0/1 for SQLite, as ``bool`` where the database has a boolean type)."""
    if isinstance(column_type, JSON):
        return [
            json.dumps(v if v is not None else {}, ensure_ascii=False, default=str) for v in series
        ]
    try:
        python_type = column_type.python_type
    except (NotImplementedError, AttributeError):
        python_type = None
    if python_type is dt.date:
        values = pd.to_datetime(series)
        mask = values.isna().to_numpy()
        days = values.to_numpy(dtype="datetime64[D]")
        if len(days) == 0:
            return []
        valid = days[~mask] if mask.any() else days
        if len(valid) == 0:
            return [None] * len(days)
        first, last = valid.min(), valid.max()
        span = (last - first).astype(int) + 1
        iso = np.array(
            [str(first + np.timedelta64(i, "D")) for i in range(span)] + [None], dtype=object
        )
        idx = np.where(mask, span, (days - first).astype("int64"))
        return list(iso[idx])
    if python_type is dt.datetime:
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in series]
    if python_type is bool:
        if native_bool:
            if series.dtype == bool:
                return series.tolist()
            return [None if pd.isna(v) else bool(v) for v in series]
        if series.dtype == bool:
            return series.astype("int8").tolist()
        return [None if pd.isna(v) else int(bool(v)) for v in series]
    if python_type is int:
        missing = series.isna().to_numpy()
        if missing.all():
            return [None] * len(series)
        if missing.any():
            if not pd.api.types.is_numeric_dtype(series.dtype):
                return [None if pd.isna(v) else int(v) for v in series]
            # numbers with gaps (the published cells: float, NaN where hidden), vectorised
            number = series.to_numpy(dtype="float64", na_value=np.nan)
            out = np.where(missing, 0, number).astype("int64").astype(object)
            out[missing] = None
            return list(out.tolist())
        return series.astype("int64").tolist()
    if isinstance(series.dtype, pd.CategoricalDtype):
        # categories looked up by code (-1 = missing → None): no per-value Python test
        categories = np.asarray(series.cat.categories, dtype=object)
        lookup = np.append(categories, np.array([None], dtype=object))
        return lookup[series.cat.codes.to_numpy()].tolist()
    plain = series.dtype == object or pd.api.types.is_float_dtype(series.dtype)
    if plain and not series.isna().any():
        return series.tolist()
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        # pandas' string columns (Arrow-backed): converted at once, not value by value
        return list(series.to_numpy(dtype=object, na_value=None).tolist())
    return [None if (v is None or (isinstance(v, float) and np.isnan(v))) else v for v in series]


def bulk_insert(
    conn: Connection,
    table: Any,
    frame: pd.DataFrame,
    *,
    progress: tqdm | None = None,
    use_copy: bool | None = None,
) -> int:
    """Insert every row of ``frame`` into ``table``; columns must match the table's names.

    ``use_copy`` (default: on PostgreSQL) loads through COPY; False forces batched INSERTs,
    which the load benchmark compares against."""
    columns = [c for c in table.columns if c.name in frame.columns]
    unknown = set(frame.columns) - {c.name for c in table.columns}
    if unknown:
        raise ValueError(f"{table.name}: columns not in the schema: {sorted(unknown)}")
    if frame.empty:
        return 0
    names = [c.name for c in columns]
    dialect = conn.dialect
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    table_name = dialect.identifier_preparer.format_table(table)
    postgres = dialect.name == "postgresql"
    if postgres if use_copy is None else use_copy:
        copy_sql = f"COPY {table_name} ({quoted}) FROM STDIN"
        return _copy_rows(conn, copy_sql, columns, frame, progress)
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table_name} ({quoted}) VALUES ({', '.join([marker] * len(names))})"
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        for start in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[start : start + CHUNK_ROWS]
            cols = [_column_values(part[c.name], c.type, native_bool=postgres) for c in columns]
            cursor.executemany(sql, list(zip(*cols, strict=True)))
            if progress is not None:
                progress.update(len(part))
    finally:
        cursor.close()
    return len(frame)


def _copy_rows(
    conn: Connection, sql: str, columns: list[Any], frame: pd.DataFrame, progress: tqdm | None
) -> int:
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor: Any = raw.cursor()  # a psycopg cursor: it has copy()
    with cursor:
        for start in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[start : start + CHUNK_ROWS]
            cols = [_column_values(part[c.name], c.type, native_bool=True) for c in columns]
            with cursor.copy(sql) as copy:
                for row in zip(*cols, strict=True):
                    copy.write_row(row)
            if progress is not None:
                progress.update(len(part))
        # Rows that bring their own ids leave the id sequence behind: move it past them, or the
        # next ORM insert (a recorded rule version, an alert) collides with a loaded row.
        table = columns[0].table
        column = table.autoincrement_column
        if column is not None and column in columns:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "
                f"COALESCE(MAX({column.name}), 0) + 1, false) FROM {table.name}",
                (table.name, column.name),
            )
    return len(frame)


def load_reference(conn: Connection) -> None:
    """Kommuner, fylker, crosswalk and neighbours of both structures, from :mod:`geo.reference`."""
    for table in (KommuneNeighbour, KommuneCrosswalk, Kommune, Fylke):
        conn.execute(delete(table))
    for structure in reference.STRUCTURES:
        fylker = reference.fylker(structure).assign(structure=structure)
        bulk_insert(conn, Fylke.__table__, fylker)
        kommuner = reference.kommuner(structure).assign(structure=structure)
        kommuner["valid_to"] = kommuner["valid_to"].replace("", None)
        bulk_insert(conn, Kommune.__table__, kommuner.drop(columns="fylkesnavn"))
        bulk_insert(
            conn,
            KommuneNeighbour.__table__,
            reference.neighbours_by_travel(structure).assign(structure=structure),
        )
    cw = reference.crosswalk_2020_2024().rename(
        columns={
            "kommunenummer_2020": "from_kommunenummer",
            "kommunenummer_2024": "to_kommunenummer",
        }
    )
    bulk_insert(conn, KommuneCrosswalk.__table__, cw.assign(from_structure=2020, to_structure=2024))


def set_meta(conn: Connection, values: Mapping[str, str]) -> None:
    for key, value in values.items():
        conn.execute(delete(DatasetMeta).where(DatasetMeta.key == key))
        conn.execute(insert(DatasetMeta).values(key=key, value=str(value)))


def bump_data_version(conn: Connection) -> int:
    """Increase the data version that cache keys include, so every worker sees new data.

    One UPDATE computes the new value in the database, so two writers committing at the same
    time (two workers, or an import beside a rule change) never end on the same version."""
    bumped = conn.execute(
        update(DatasetMeta)
        .where(DatasetMeta.key == "data_version")
        .values(value=cast(cast(DatasetMeta.value, Integer) + 1, String))
        .returning(DatasetMeta.value)
    ).scalar_one_or_none()
    if bumped is not None:
        return int(bumped)
    conn.execute(insert(DatasetMeta).values(key="data_version", value="1"))
    return 1


# SQLite settings for a bulk load, and what the engine sets otherwise (data.db.make_engine)
BULK_SQLITE = {"temp_store": "MEMORY", "cache_size": "-262144"}
NORMAL_SQLITE = {"temp_store": "DEFAULT", "cache_size": "-65536"}


@contextlib.contextmanager
def _bulk_settings(conn: Connection) -> Iterator[None]:
    """On SQLite: sorts for index builds and GROUP BYs in memory and a 256 MB page cache for
    the duration of one load transaction (both may change inside a transaction); the
    connection's settings are restored before it goes back to the pool. (``synchronous`` is
    left alone: it may not change inside a transaction, and under WAL with NORMAL a commit
    does not wait for the disk anyway.)"""
    if conn.dialect.name != "sqlite":
        yield
        return
    for name, value in BULK_SQLITE.items():
        conn.exec_driver_sql(f"PRAGMA {name}={value}")
    try:
        yield
    finally:
        for name, value in NORMAL_SQLITE.items():
            conn.exec_driver_sql(f"PRAGMA {name}={value}")


def _insert_order(names: Iterable[str], metadata: Any) -> list[str]:
    # Foreign keys (certificate → rule_version) need parents first.
    order = [t.name for t in metadata.sorted_tables]
    return sorted(names, key=order.index)


def _load_main(
    conn: Connection,
    tables: Mapping[str, pd.DataFrame],
    counts: dict[str, int],
    scratch: ScratchLoad,
    bar: tqdm,
) -> None:
    load_reference(conn)
    order = _insert_order(tables, Base.metadata)
    for name in reversed(order):
        conn.execute(delete(Base.metadata.tables[name]))
    # the tables a second process writes come last: they have the most time to get ready
    names = sorted(order, key=lambda n: n in scratch.names and not _has_dependants(n, order))
    for name in order:
        counts[name] = 0  # the report lists the tables in insertion order
    for name in names:
        bar.set_postfix_str(name)
        table = Base.metadata.tables[name]
        # Building an index once after the load is much cheaper than maintaining it per row.
        for index in table.indexes:
            index.drop(conn, checkfirst=True)
        copied = scratch.copy(conn, table)
        if copied is None:
            copied = bulk_insert(conn, table, tables[name], progress=bar)
        elif bar is not None:
            bar.update(copied)
        counts[name] = copied
        for index in table.indexes:
            index.create(conn)


def _has_dependants(name: str, names: list[str]) -> bool:
    """Whether another loaded table has a foreign key to ``name`` (it must come first)."""
    tables = Base.metadata.tables
    return any(fk.column.table.name == name for other in names for fk in tables[other].foreign_keys)


def load_dataset(
    *,
    main: Engine,
    tracing: Engine,
    tables: Mapping[str, pd.DataFrame],
    tracing_tables: Mapping[str, pd.DataFrame],
    meta: Mapping[str, str],
    source: str,
    progress: bool = True,
) -> dict[str, int]:
    """Replace the event data of both stores with ``tables`` and refresh the aggregates.

    The aggregates and certificate series that can be taken from ``tables`` are derived in a
    second process while the events are written (:mod:`data.derive_frames`)."""
    end = dt.date.fromisoformat(meta["data_date"]) if meta.get("data_date") else None
    derivation = Derivation(tables, end)
    counts: dict[str, int] = {}
    total = sum(len(f) for f in tables.values()) + sum(len(f) for f in tracing_tables.values())
    bar = tqdm(total=total, unit="rad", unit_scale=True, desc="Laster inn", disable=not progress)
    scratch = ScratchLoad(main, tables, Base.metadata.tables)
    with main.connect() as conn:
        scratch.attach(conn)
        try:
            with conn.begin(), _bulk_settings(conn):
                _load_main(conn, tables, counts, scratch, bar)
        finally:
            scratch.detach(conn)
    with tracing.begin() as conn, _bulk_settings(conn):
        for name in _insert_order(tracing_tables, TracingBase.metadata):
            table = TracingBase.metadata.tables[name]
            conn.execute(delete(table))
            bar.set_postfix_str(name)
            counts[name] = bulk_insert(conn, table, tracing_tables[name], progress=bar)
    bar.close()
    with main.begin() as conn, _bulk_settings(conn):
        set_meta(conn, meta)  # the certificate series run up to the data date
        derived = derivation.result()
        aggregates.refresh(conn, progress=progress, daily=derived.daily)
        certificate_aggregates.refresh(conn, progress=progress, rows=derived.certificates)
        bump_data_version(conn)
        conn.execute(
            insert(DataSourceStatus).values(
                source=source,
                file=None,
                checksum=None,
                rows_loaded=sum(counts.values()),
                rows_rejected=0,
                loaded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                data_date=dt.date.fromisoformat(meta["data_date"]) if "data_date" in meta else None,
                is_demo=meta.get("is_demo", "true") == "true",
                detail={"rows": counts},
            )
        )
    for engine in (main, tracing):
        _truncate_wal(engine)
    return counts


def _truncate_wal(engine: Engine) -> None:
    """Give back the disk a bulk load's write-ahead log took (as large as the rows loaded):
    its pages are in the store once it is checkpointed. A reader still holding an old
    snapshot makes this a no-op; the log is then reused as usual."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
