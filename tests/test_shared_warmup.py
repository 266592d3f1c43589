"""One warm-up serves every worker (``dashboard/warmup.py`` on the shared tier of
``dashboard/result_cache.py``): two app instances on one store and one cache folder stand for
two gunicorn workers. What one warms, the other — cold, never asked for those pages — answers
from the shared cache (counted by the shared tier's own counters); only one of them claims a
data version's warm-up; a new data version is never answered from the warmed old picture."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from dashboard import response_cache, warmup
from dashboard.app_factory import create_app, data_layer
from dashboard.definitions import DEFAULT_MAP_METRIC
from dashboard.result_cache import TieredCache, claim
from data import db, queries
from data.load import bump_data_version
from data.scope import Scope
from tests import conftest
from tests.conftest import login
from tests.dash_http import MAP_OUTPUTS, OVERVIEW_OUTPUTS, output_key
from tests.test_warmup import _browser_body


def _body(outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]], state=()) -> dict:
    """A first view's request as the browser sends it (nothing changed yet)."""
    return {
        "output": output_key(outputs),
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
    }


def _post(client: Any, body: dict[str, Any]) -> str | None:
    response = client.post(
        response_cache.ROUTE, data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.headers.get(response_cache.HEADER)


def _shared_tier(app: Any) -> Any:
    backend = data_layer(app).cache.backend
    assert isinstance(backend, TieredCache)  # the embedded default shares a folder
    return backend.shared


@pytest.fixture()
def worker_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    """The session's settings with a shared cache folder of this test's own: what other
    modules' apps left in (or removed from) the session's folder never decides a claim."""
    return settings.model_copy(update={"cache_dir": tmp_path / "cache"})


@pytest.fixture()
def app(worker_settings):  # type: ignore[no-untyped-def]
    """The first worker."""
    return create_app(worker_settings, directory=conftest.test_directory())


@pytest.fixture()
def other_worker(app, worker_settings) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A second app on the same settings: its own process cache, empty; the same store and
    the same shared cache folder (as a second gunicorn worker has)."""
    other = create_app(worker_settings, directory=conftest.test_directory())
    yield other
    db.install(data_layer(app))


def test_what_one_worker_warms_the_other_serves_and_a_new_version_is_not_served(
    app, other_worker
) -> None:  # type: ignore[no-untyped-def]
    with data_layer(app).engine().begin() as conn:  # a version nobody has asked for yet
        bump_data_version(conn)
    data_layer(app).cache.invalidate_version()
    date = queries.dataset_info(scope=Scope.full())["data_date"].isoformat()
    run = warmup.Warmup(
        app, roles=("ks_analytiker",), kommuner=["0301", "4601"], layer=data_layer(app)
    )
    state = run.run()
    assert state["state"] == "done" and state["failed"] == 0
    assert state["total"] == 4  # the map, the Kommuneoversikt, two briefs

    ks = login(other_worker.server.test_client(), "ks-analytiker")
    shared = _shared_tier(other_worker)
    hits = shared.hits
    # the other worker never computed these pages: each is a hit from the shared folder
    assert _post(ks, _browser_body("4601", date)) == "hit"
    map_body = _body(
        MAP_OUTPUTS,
        [
            ("map-metric", "value", DEFAULT_MAP_METRIC),
            ("map-date", "date", None),
            ("map-structure", "value", None),
        ],
        state=[("map-rendered", "data", False)],
    )
    assert _post(ks, map_body) == "hit"
    assert _post(ks, _body(OVERVIEW_OUTPUTS, [("ov-date", "date", date)])) == "hit"
    assert shared.hits - hits >= 3
    # the status the other worker shows is the one warm-up's
    status = ks.get("/status/warmup").get_json()
    assert status["shared"] and status["state"] == "done" and status["done"] == 4

    # a new data version (an import in any process): never the warmed old picture
    with data_layer(app).engine().begin() as conn:
        bump_data_version(conn)
    assert _post(ks, _browser_body("4601", date)) == "stored"


def test_one_worker_claims_the_warmup_of_a_data_version(app, other_worker) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = data_layer(app).cache.backend, data_layer(other_worker).cache.backend
    key = f"{warmup.CLAIM_KEY}test-{id(mine)}"
    assert claim(mine, key, timeout=60) is True
    assert claim(theirs, key, timeout=60) is False
    assert claim(mine, key, timeout=60) is False


def test_two_workers_split_the_warmup_and_warm_each_page_once(app, other_worker) -> None:  # type: ignore[no-untyped-def]
    with data_layer(app).engine().begin() as conn:
        bump_data_version(conn)
    data_layer(app).cache.invalidate_version()
    warmed: list[tuple[int, str, str | None, str]] = []

    class Counting(warmup.Warmup):
        def call(self, item: warmup.Item) -> int:
            warmed.append((id(self), item.page.first_output, item.kommune, item.user.id))
            return super().call(item)

    runs = [
        Counting(
            one,
            roles=("kommuneoverlege",),
            kommuner=["0301", "4601"],
            layer=data_layer(one),
            chunk=1,
        )
        for one in (app, other_worker)
    ]
    states: list[dict[str, Any]] = []
    threads = [threading.Thread(target=lambda r=r: states.append(r.run())) for r in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pages = [w[1:] for w in warmed]
    assert len(pages) == len(set(pages)) == 2 * 3  # each page once: brief, map, Kommune page
    assert sum(r.warmed_pages for r in runs) == 6
    # the shared progress counts both workers' pages
    ks = login(other_worker.server.test_client(), "ks-analytiker")
    status = ks.get("/status/warmup").get_json()
    assert status["state"] == "done" and status["done"] == status["total"] == 6
    assert max(s["done"] for s in states) == 6


def test_a_database_made_anew_at_the_same_address_never_reads_the_old_folder(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from cachelib import SimpleCache

    from dashboard.result_cache import SharedFileCache, forget_other_stores
    from data import store_identity

    with data_layer(app).active():
        identity = store_identity.identity()
        assert identity is not None and identity == store_identity.identity()
    # a folder of its own: the app's background warm-up writes into the app's folder
    backend = TieredCache(SimpleCache(), SharedFileCache(tmp_path / "anew" / "cache"))
    assert forget_other_stores(backend, identity) is False  # a new folder: this database's
    backend.set("page", b"kept under data version 1")
    assert forget_other_stores(backend, identity) is False  # a restart: the pages stay
    assert backend.get("page") == b"kept under data version 1"
    # the database made anew (its versions count from 1 again): nothing of the old is read
    assert forget_other_stores(backend, "2026-12-08 06:00:00") is True
    assert backend.get("page") is None
