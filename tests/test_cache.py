"""Result-cache correctness on the shared (Redis) cache of scale mode.

The data version is in every key, so an import or a rule change is seen at once by every worker;
the scope is in every key, so no user's scoped result reaches another user; when Redis is
unreachable the app keeps serving from a local cache. The Redis tests run on the PostgreSQL run
of ``make test`` (``TEST_REDIS_URL``, see ``.ci/services.sh``) and are skipped on the SQLite run.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask_caching.backends import RedisCache
from sqlalchemy import select, update

from dashboard.result_cache import FallbackCache, TieredCache
from data import cache, db, queries
from data.load import bump_data_version
from data.schema import DatasetMeta
from data.scope import Scope

REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set (SQLite run)")

CALLS: list[tuple[Any, ...]] = []


@cache.cached()
def _meta(*, scope: Scope, key: str) -> str | None:
    """A cached read that counts how often it really reads the database."""
    CALLS.append((scope.cache_key(), key))
    with db.engine().connect() as conn:
        return conn.execute(
            select(DatasetMeta.value).where(DatasetMeta.key == key)
        ).scalar_one_or_none()


def _redis(prefix: str, url: str | None = REDIS_URL) -> RedisCache:
    """One worker's client of the shared cache (its own connection, like a gunicorn worker)."""
    return RedisCache.factory(
        None,
        {"CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": prefix, "CACHE_DEFAULT_TIMEOUT": 600},
        [],
        {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    )


@pytest.fixture()
def store(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The session's demo store, read through the cache as the app does in scale mode (the data
    version read for every cached call); the previous cache setup comes back afterwards."""
    results = cache.ResultCache(version_reader=queries.read_data_version, version_ttl=0.0)
    with db.using(
        database_url=settings.database_url,
        tracing_database_url=settings.tracing_database_url,
        cache=results,
    ):
        CALLS.clear()
        yield


def _set_meta(key: str, value: str | None) -> None:
    with db.engine().begin() as conn:
        if value is None:
            conn.execute(DatasetMeta.__table__.delete().where(DatasetMeta.key == key))
        elif conn.execute(select(DatasetMeta.key).where(DatasetMeta.key == key)).first():
            conn.execute(update(DatasetMeta).where(DatasetMeta.key == key).values(value=value))
        else:
            conn.execute(DatasetMeta.__table__.insert().values(key=key, value=value))


@needs_redis
def test_import_is_seen_at_once_by_every_worker(store: None) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    worker_a, worker_b = _redis(prefix), _redis(prefix)
    scope = Scope.full("lege")
    _set_meta("cache_probe", "first")
    try:
        cache.set_backend(FallbackCache(worker_a))
        assert _meta(scope=scope, key="cache_probe") == "first"
        # another worker gets the stored result from Redis without reading the database
        cache.set_backend(FallbackCache(worker_b))
        assert _meta(scope=scope, key="cache_probe") == "first"
        assert len(CALLS) == 1
        # a write without a version bump is (by design) not seen: the result is cached ...
        _set_meta("cache_probe", "second")
        assert _meta(scope=scope, key="cache_probe") == "first"
        # ... an import bumps the version, and the next call anywhere reads the new data
        with db.engine().begin() as conn:
            bump_data_version(conn)
        assert _meta(scope=scope, key="cache_probe") == "second"
        cache.set_backend(FallbackCache(worker_a))
        assert _meta(scope=scope, key="cache_probe") == "second"
        assert len(CALLS) == 2
    finally:
        _set_meta("cache_probe", None)
        worker_a.clear()


@needs_redis
def test_scoped_results_are_never_shared(store: None) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    client = _redis(prefix)
    cache.set_backend(FallbackCache(client))
    date = queries.dataset_info(scope=Scope.full())["data_date"]
    oslo = Scope(user_id="a", role="kommuneoverlege", kommuner=frozenset({"0301"}))
    bergen = Scope(user_id="b", role="kommuneoverlege", kommuner=frozenset({"4601"}))
    # the same user id and role with another kommune, and the same kommune with small numbers
    bergen_as_a = Scope(user_id="a", role="kommuneoverlege", kommuner=frozenset({"4601"}))
    oslo_small = Scope(
        user_id="a", role="kommuneoverlege", kommuner=frozenset({"0301"}), small_numbers=True
    )
    try:
        seen = {}
        for name, scope in (
            ("oslo", oslo),
            ("bergen", bergen),
            ("bergen_as_a", bergen_as_a),
            ("oslo_small", oslo_small),
        ):
            for _ in range(2):  # the second call is served from Redis
                frame = queries.case_windows(scope=scope, date=date)
                assert set(frame["kommunenummer"]) == set(scope.kommuner or ())
            seen[name] = frame
        keys = client._write_client.keys(prefix + "sb:*")
        assert len(keys) >= 4, keys  # dataset_info + one key per role and scope
        assert seen["bergen"]["kommunenummer"].tolist() == ["4601"]
        assert seen["bergen_as_a"]["kommunenummer"].tolist() == ["4601"]
        # independently: the role and scope are the key, not the user: Bergen's scope read by
        # two users is one entry (the same published cells), three scopes give three entries
        CALLS.clear()
        for scope in (oslo, bergen, bergen_as_a, oslo_small, oslo):
            _meta(scope=scope, key="data_date")
        assert len(CALLS) == 3
        assert {c[0] for c in CALLS} == {s.cache_key() for s in (oslo, bergen, oslo_small)}
    finally:
        client.clear()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_redis_falls_back_to_a_local_cache(
    store: None, caplog: pytest.LogCaptureFixture
) -> None:
    down = FallbackCache(_redis("down:", f"redis://127.0.0.1:{_closed_port()}/0"))
    cache.set_backend(down)
    scope = Scope.full("lege")
    with caplog.at_level(logging.WARNING, logger="dashboard.result_cache"):
        first = _meta(scope=scope, key="data_date")
        second = _meta(scope=scope, key="data_date")
    assert first == second == str(queries.dataset_info(scope=Scope.full())["data_date"])
    assert down.degraded
    assert len(CALLS) == 1  # the second call was a hit in the local fallback
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1  # logged once per outage, not per request


def test_concurrent_version_bumps_are_never_lost(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two writers bumping at once (two workers, or an import beside a rule change) end on
    distinct versions: a lost bump would leave a worker serving results of the older data."""
    from concurrent.futures import ThreadPoolExecutor

    from data.db import make_engine
    from tests.stores import new_stores

    urls = new_stores(tmp_path)
    engine = make_engine(urls["database_url"])
    DatasetMeta.metadata.create_all(engine, tables=[DatasetMeta.__table__])

    def bump(_: int) -> int:
        with engine.begin() as conn:
            return bump_data_version(conn)

    with engine.begin() as conn:
        bump_data_version(conn)
    with ThreadPoolExecutor(max_workers=4) as pool:
        versions = list(pool.map(bump, range(40)))
    engine.dispose()
    assert sorted(versions) == list(range(2, 42))


def test_app_in_scale_mode_uses_redis_with_fallback_and_reads_the_version_per_call(
    store: None, settings
) -> None:  # type: ignore[no-untyped-def]
    from dashboard.app_factory import create_app, data_layer

    url = REDIS_URL or f"redis://127.0.0.1:{_closed_port()}/0"
    scale = create_app(
        settings.model_copy(update={"cache_type": "RedisCache", "cache_redis_url": url})
    )
    assert isinstance(data_layer(scale).cache.backend, FallbackCache)
    assert data_layer(scale).cache.version_ttl == 0
    # the embedded default: SimpleCache in the process and the shared folder of every worker,
    # whose keys need the version of each request as Redis's do
    embedded = create_app(settings)
    assert isinstance(data_layer(embedded).cache.backend, TieredCache)
    assert data_layer(embedded).cache.version_ttl == 0
    alone = create_app(settings.model_copy(update={"shared_cache": False}))  # one process
    assert not isinstance(data_layer(alone).cache.backend, FallbackCache | TieredCache)
    assert data_layer(alone).cache.version_ttl == cache.VERSION_TTL_SECONDS
    assert data_layer(scale).cache is not data_layer(embedded).cache  # each app owns its own


FACTS: list[str] = []


@cache.cached(process=True)
def _fact(*, key: str) -> dict[str, str | None]:
    """An unscoped fact about the loaded data, kept in the process tier."""
    FACTS.append(key)
    with db.engine().connect() as conn:
        value = conn.execute(
            select(DatasetMeta.value).where(DatasetMeta.key == key)
        ).scalar_one_or_none()
    return {"value": value}


def test_the_process_tier_follows_the_data_version_and_its_own_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A fact kept in this process is read again after a load (a version bump), whatever the
    shared backend is (none here), and a layer on another store never gets it."""
    from tests.stores import new_stores

    def layer(folder: str) -> Any:
        urls = new_stores(tmp_path / folder)
        results = cache.ResultCache(version_reader=queries.read_data_version)
        return db.using(**urls, cache=results)

    FACTS.clear()
    with layer("a"):
        DatasetMeta.metadata.create_all(db.engine(), tables=[DatasetMeta.__table__])
        _set_meta("probe", "first")
        with db.engine().begin() as conn:
            bump_data_version(conn)
        got = _fact(key="probe")
        got["value"] = "changed by a caller"  # callers get copies
        assert _fact(key="probe") == {"value": "first"} and FACTS == ["probe"]
        _set_meta("probe", "second")
        with db.engine().begin() as conn:
            bump_data_version(conn)
        cache.invalidate_version()
        assert _fact(key="probe") == {"value": "second"} and len(FACTS) == 2
        with layer("b"):  # the same version ("2") on another store: its own answer
            DatasetMeta.metadata.create_all(db.engine(), tables=[DatasetMeta.__table__])
            for _ in range(2):
                with db.engine().begin() as conn:
                    bump_data_version(conn)
            assert _fact(key="probe") == {"value": None} and len(FACTS) == 3


def test_county_rollup_areas_follow_an_import_that_changes_the_kommuner(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Which kommuner make a county (a rollup area) is read again after a load: an import
    that adds a kommune to a county is seen by a server that answered before it."""
    import datetime as dt

    from data import rollups
    from data.codes import CURRENT_STRUCTURE
    from data.schema import Kommune
    from tests.stores import new_stores

    def add(conn: Any, code: str) -> None:
        conn.execute(
            Kommune.__table__.insert().values(
                structure=CURRENT_STRUCTURE,
                kommunenummer=code,
                name=code,
                fylkesnummer="46",
                valid_from=dt.date(2024, 1, 1),
            )
        )
        bump_data_version(conn)

    results = cache.ResultCache(version_reader=queries.read_data_version)
    with db.using(**new_stores(tmp_path), cache=results):
        tables = [DatasetMeta.__table__, Kommune.__table__]
        DatasetMeta.metadata.create_all(db.engine(), tables=tables)
        with db.engine().begin() as conn:
            add(conn, "4601")
            add(conn, "4602")
        assert rollups.area_of(("4601", "4602")) == "F46"
        with db.engine().begin() as conn:  # an import, in another process
            add(conn, "4603")
        cache.invalidate_version()
        assert rollups.area_of(("4601", "4602")) is None
        assert rollups.area_of(("4601", "4602", "4603")) == "F46"
