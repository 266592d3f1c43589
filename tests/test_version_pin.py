"""A shared cache reads the data version once per request, not once per cached call, and a
new version is in the keys of the next request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from dashboard.app_factory import data_layer
from data import cache as data_cache
from data import queries
from data.scope import Scope
from tests.dash_http import call_dependency, kommune_page_callbacks

reads: list[str] = []
version = ["1"]


def _reader() -> str:
    reads.append(version[0])
    return version[0]


@pytest.fixture()
def counting_reader(app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The app's data layer with a result cache whose version reader counts its reads and is
    asked for every cached call, as with the shared (Redis) cache."""
    layer = data_layer(app)
    saved = layer.cache
    layer.cache = data_cache.ResultCache(
        saved.backend, version_reader=_reader, version_ttl=0.0, key_context=saved.key_context
    )
    reads.clear()
    with layer.active():
        yield
    layer.cache = saved


def test_without_a_request_every_cached_call_reads_the_version(counting_reader) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        data_cache.data_version()
    assert len(reads) == 3


def test_pinned_version_is_read_once_until_unpinned(counting_reader) -> None:  # type: ignore[no-untyped-def]
    token = data_cache.pin_version()
    try:
        assert {data_cache.data_version() for _ in range(5)} == {"1"}
        version[0] = "2"  # a load elsewhere, during the request: the request keeps its version
        assert data_cache.data_version() == "1"
    finally:
        data_cache.unpin_version(token)
        assert len(reads) == 1
        assert data_cache.data_version() == "2"  # the next request sees it
        version[0] = "1"


def test_a_page_request_reads_the_version_once(client, counting_reader) -> None:  # type: ignore[no-untyped-def]
    brief = next(d for d in kommune_page_callbacks(client) if "brief-title" in d["output"])
    data_date = queries.dataset_info(scope=Scope.full())["data_date"]
    reads.clear()
    for days in (0, 1):
        date = (data_date - dt.timedelta(days=days + 11)).isoformat()
        status, _body = call_dependency(client, brief, kommune="4601", date=date)
        assert status == 200
    # two requests, each with dozens of cached reads: one version read each
    assert len(reads) == 2


def test_the_server_entry_point_freezes_what_start_up_built(demo_env) -> None:  # type: ignore[no-untyped-def]
    """``app.py`` (what ``make run`` and gunicorn load) moves the start-up objects out of the
    garbage collector's view; a full collection walking them paused requests for ~100 ms."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = "import gc, app; print(gc.get_freeze_count())"
    env = {**os.environ, **demo_env, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert int(out.stdout.strip().splitlines()[-1]) > 100_000
