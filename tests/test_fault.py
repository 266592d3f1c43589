"""Fault test of scale mode: the data source or the shared cache stops mid-session.

A private PostgreSQL and Redis (``.ci/services.sh``, own folder and ports, so stopping them
touches no other test) hold a tiny demo; the app runs on them as in scale mode and is called
as a browser calls it (POST /_dash-update-component). PostgreSQL is stopped with ``pg_ctl``:
what was shown stays reachable from the cache, the banner says since when the source has been
away, a read the cache cannot answer leaves the picture as it is (no error page); PostgreSQL is
started again and the app recovers by itself. Redis is stopped: the app keeps serving from a
local cache and returns to Redis when it is back.

Runs on the PostgreSQL run of ``make test`` (``.ci/test-postgres``); skipped on the SQLite run.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import result_cache
from data import db
from tests.dash_http import call, call_map
from tests.stores import build_demo

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / ".ci" / "services.sh"
pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_POSTGRES_URL") or shutil.which("redis-server") is None,
    reason="fault test runs on the PostgreSQL run (.ci/test-postgres)",
)


def _env(folder: Path) -> dict[str, str]:
    out = {}
    for line in (folder / "env").read_text().splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        out[key] = value
    return out


def _pg_ctl(folder: Path, *args: str) -> None:
    bin_dir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    cmd = [str(bin_dir / "pg_ctl"), "-D", str(folder / "pg" / "data"), *args]
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=90)


def _port(url: str) -> str:
    match = re.search(r":(\d+)/", url)
    assert match, url
    return match.group(1)


class Services:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = _env(folder)

    def stop_postgres(self) -> None:
        _pg_ctl(self.folder, "-m", "fast", "-w", "stop")

    def start_postgres(self) -> None:
        port = _port(self.env["DATABASE_URL"])
        _pg_ctl(
            self.folder,
            "-l",
            str(self.folder / "pg" / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
            "-o",
            f"-p {port} -c listen_addresses=127.0.0.1 -k {self.folder / 'pg'} -c fsync=off",
        )

    def stop_redis(self) -> None:
        pid = (self.folder / "redis" / "redis.pid").read_text().strip()
        subprocess.run(["kill", pid], check=True)
        for _ in range(50):
            if not Path(f"/proc/{pid}").exists():
                return
            time.sleep(0.1)

    def start_redis(self) -> None:
        port = _port(self.env["CACHE_REDIS_URL"])
        redis = self.folder / "redis"
        subprocess.run(
            [
                *("redis-server", "--bind", "127.0.0.1", "--port", port, "--daemonize", "yes"),
                *("--save", "", "--appendonly", "no", "--dir", str(redis)),
                *("--pidfile", str(redis / "redis.pid"), "--logfile", str(redis / "redis.log")),
            ],
            check=True,
        )
        for _ in range(50):
            if (
                subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True).returncode
                == 0
            ):
                return
            time.sleep(0.1)


@pytest.fixture(scope="module")
def services() -> Iterator[Services]:
    """A private PostgreSQL and Redis with a tiny demo loaded; the data layer's previous
    configuration comes back afterwards (the session's app keeps working). The folder is not
    under pytest's own temporary root: pytest makes that private (0700) at every session
    start, which would lock the postgres user out of a running cluster."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="situasjonsbilde-fault."))
    env = {**os.environ, "SERVICES_EPHEMERAL": "1"}
    subprocess.run([str(SERVICES), "start", str(folder)], check=True, env=env, timeout=120)
    try:
        services = Services(folder)
        demo_env = {
            "DATABASE_URL": services.env["DATABASE_URL"],
            "TRACING_DATABASE_URL": services.env["TRACING_DATABASE_URL"],
            "DEMO_SCALE": "tiny",
            "CACHE_TYPE": "SimpleCache",
        }
        build_demo(demo_env)
        yield services
    finally:
        db.mark_available()
        subprocess.run([str(SERVICES), "stop", str(folder)], check=False, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def scale_client(services: Services, settings) -> Any:  # type: ignore[no-untyped-def]
    from dashboard.app_factory import create_app

    before = db.default()
    app = create_app(
        settings.model_copy(
            update={
                "database_url": services.env["DATABASE_URL"],
                "tracing_database_url": services.env["TRACING_DATABASE_URL"],
                "cache_type": "RedisCache",
                "cache_redis_url": services.env["CACHE_REDIS_URL"],
            }
        )
    )
    # the app serves its requests through its own layer; the process default (what later
    # modules read) stays the session's, not these services', which stop with this module
    if before is not None:
        db.install(before)
    client = app.server.test_client()
    assert client.get("/login/demo/ks-analytiker").status_code == 302
    return client


def _map(client: Any, date: dt.date, metric: str = "incidence_7d") -> tuple[int, dict[str, Any]]:
    status, body, _ = call_map(client, metric, date, changed=True)
    return status, body


def _source_check(client: Any, banner_open: bool) -> tuple[int, dict[str, Any]]:
    status, body, _ = call(
        client,
        outputs=[
            ("source-banner", "children"),
            ("source-banner", "is_open"),
            ("source-recovered", "data"),
        ],
        inputs=[("source-check", "n_intervals", 1)],
        changed=["source-check.n_intervals"],
        state=[("source-banner", "is_open", banner_open)],
    )
    return status, body


def _figure(body: dict[str, Any]) -> Any:
    return body["response"]["map"]["figure"]


def _layer(client: Any) -> db.DataLayer:
    """The data layer of the app behind ``client``."""
    from dashboard.app_factory import DATA_LAYER

    layer: db.DataLayer = client.application.extensions[DATA_LAYER]
    return layer


def _data_date(client: Any) -> dt.date:
    from data import queries
    from data.scope import Scope

    with _layer(client).active():
        return queries.dataset_info(scope=Scope.full())["data_date"]


def test_postgres_stopped_mid_session_keeps_the_last_picture_and_recovers(
    services: Services, scale_client: Any
) -> None:
    client = scale_client
    day = _data_date(client)
    status, before = _map(client, day)
    assert status == 200
    shown = _figure(before)
    assert shown and "sideUpdate" not in before
    status, _ = _source_check(client, banner_open=False)
    assert status == 204  # source up, banner closed: nothing to change

    services.stop_postgres()
    stopped_at = dt.datetime.now(dt.UTC)

    # what the user had on screen is still served, from the shared cache
    status, again = _map(client, day)
    assert status == 200
    assert _figure(again) == shown
    # the shell's check opens the banner, with the time the outage was noticed (Oslo time)
    status, check = _source_check(client, banner_open=False)
    assert status == 200, check
    banner = check["response"]["source-banner"]
    assert banner["is_open"] is True
    assert banner["children"].startswith("Datakilden er utilgjengelig siden ")
    hhmm = re.search(r"siden (\d\d):(\d\d)", banner["children"])
    assert hhmm, banner["children"]
    from dashboard.outage import LOCAL_TIME

    noticed = db.outage_since()
    assert noticed is not None and abs((noticed - stopped_at).total_seconds()) < 30
    assert hhmm.group(0).endswith(noticed.astimezone(LOCAL_TIME).strftime("%H:%M"))

    # a view never cached (another date): no error page, no change to the picture, the banner
    status, miss = _map(client, day - dt.timedelta(days=30))
    assert status == 200, miss
    assert miss["response"] == {}  # every output no_update: the browser keeps its picture
    side = miss["sideUpdate"]["source-banner"]
    assert side["is_open"] is True and side["children"] == banner["children"]

    # PostgreSQL comes back: without restarting the app the banner closes, the page is told
    # to reload, and the view that failed is served with fresh data
    services.start_postgres()
    _layer(client).cache.last_attempt = 0.0  # do not wait for the next probe slot
    status, back = _source_check(client, banner_open=True)
    assert status == 200, back
    assert back["response"]["source-banner"]["is_open"] is False
    assert back["response"]["source-recovered"]["data"]
    assert db.outage_since() is None
    status, fresh = _map(client, day - dt.timedelta(days=30))
    assert status == 200
    assert _figure(fresh) and "sideUpdate" not in fresh
    status, same = _map(client, day)
    assert status == 200 and _figure(same) == shown


def test_redis_stopped_mid_session_falls_back_to_a_local_cache_and_returns(
    services: Services, scale_client: Any
) -> None:
    client = scale_client
    backend = _layer(client).cache.backend
    assert isinstance(backend, result_cache.FallbackCache)
    backend.retry_seconds = 0.5  # this app's fallback tries Redis again sooner
    day = _data_date(client)
    status, _ = _map(client, day)
    assert status == 200 and not backend.degraded

    services.stop_redis()
    for offset in (0, 3, 9):  # a hit that was in Redis, and views never cached
        status, body = _map(client, day - dt.timedelta(days=offset))
        assert status == 200 and _figure(body), offset
        assert "sideUpdate" not in body  # the data source is fine: no banner
    assert backend.degraded
    status, local_hit = _map(client, day - dt.timedelta(days=9))
    assert status == 200 and _figure(local_hit)

    services.start_redis()
    time.sleep(0.6)
    status, body = _map(client, day - dt.timedelta(days=12))
    assert status == 200 and _figure(body)
    assert not backend.degraded  # back on the shared cache
    # what was computed after the return is in Redis, for every worker
    keys = backend.primary._write_client.keys("*sb:*")
    assert keys
