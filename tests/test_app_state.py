"""App-owned state (issue 17, item 2): ``create_app(settings)`` builds its data layer (the
engines of its stores, its result cache, its version reader) and its directory of roles and demo
users, and each request reads through its own app's. Two apps in one process never read each
other's store, cache or users; tests pass settings, layers or fakes instead of writing into the
modules' globals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dashboard.app_factory import create_app, data_layer, directory
from dashboard.settings import load_settings
from data import cache as data_cache
from data import db
from data.queries import completeness
from data.scope import Scope
from tests.browser_helpers import FULL_ACCESS_USER
from tests.conftest import login
from tests.stores import DictCache, new_stores


@pytest.fixture(scope="module")
def empty_app(app, settings, tmp_path_factory: pytest.TempPathFactory) -> Any:  # type: ignore[no-untyped-def]
    """A second app in the same process, on stores of its own (migrated, no data), with the
    default directory (no test-only user)."""
    folder: Path = tmp_path_factory.mktemp("second")
    urls = new_stores(folder)
    with db.using(**urls):
        db.upgrade()
    before = db.default()
    second = create_app(settings.model_copy(update={"data_dir": folder, **urls}))
    db.install(before)  # the session's default again
    return second


def _kommuner(client: Any) -> list[str]:
    response = client.get("/api/v1/areas")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [k["code"] for k in response.get_json()["kommuner"]]


def test_two_apps_in_one_process_each_read_their_own_store(app, empty_app) -> None:  # type: ignore[no-untyped-def]
    demo = login(app.server.test_client(), "ks-analytiker")
    empty = login(empty_app.server.test_client(), "ks-analytiker")
    assert "0301" in _kommuner(demo)
    assert _kommuner(empty) == []  # its own store: no kommuner loaded
    assert "0301" in _kommuner(demo)  # and the first app still reads the demo
    assert data_layer(app).cache is not data_layer(empty_app).cache
    assert data_layer(app).url() != data_layer(empty_app).url()


def test_a_test_user_exists_only_in_the_app_given_it(app, empty_app) -> None:  # type: ignore[no-untyped-def]
    assert FULL_ACCESS_USER in directory(app).demo_users
    assert app.server.test_client().get(f"/login/demo/{FULL_ACCESS_USER}").status_code == 302
    assert FULL_ACCESS_USER not in directory(empty_app).demo_users
    response = empty_app.server.test_client().get(f"/login/demo/{FULL_ACCESS_USER}")
    assert response.status_code == 404


def test_incomplete_days_is_a_setting_of_the_data_layer(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("INCOMPLETE_DAYS", "3")  # the environment is read by the settings
    assert load_settings().incomplete_days == 3
    monkeypatch.setenv("INCOMPLETE_DAYS", " ")
    assert load_settings().incomplete_days is None
    derived = completeness.case_completeness(scope=Scope.full())
    assert derived["source"] == "data"
    set_days = 1 if derived["days"] != 1 else 2
    layer = data_layer(app).variant(incomplete_days=set_days, cache=data_cache.ResultCache())
    with layer.active():
        window = completeness.case_completeness(scope=Scope.full())
    assert (window["days"], window["source"]) == (set_days, "setting")
    # the app's own layer is untouched
    assert completeness.case_completeness(scope=Scope.full()) == derived


@data_cache.cached()
def _answer(*, scope: Scope) -> list[str]:
    _CALLS.append(scope.role)
    return [scope.role]


_CALLS: list[str] = []


def test_a_changed_disclosure_policy_never_reads_an_older_answer() -> None:
    """Two deploys sharing one cache (Redis) at the same data version, the second with another
    disclosure policy: it computes its own answers."""
    shared = DictCache()
    before = data_cache.ResultCache(shared, version_reader=lambda: "7")
    after = data_cache.ResultCache(shared, version_reader=lambda: "7", policy=("other",))
    scope = Scope(user_id="u", role="ks_analytiker", kommuner=None, small_numbers=False)
    urls = {"database_url": "sqlite://", "tracing_database_url": "sqlite://"}
    _CALLS.clear()
    with db.using(**urls, cache=before):
        _answer(scope=scope)
        _answer(scope=scope)
    assert len(_CALLS) == 1
    with db.using(**urls, cache=after):
        _answer(scope=scope)
    assert len(_CALLS) == 2
    assert before.policy == data_cache.policy_key() != after.policy


def test_each_app_warms_its_own_pages_through_its_own_layer(app, empty_app) -> None:  # type: ignore[no-untyped-def]
    from dashboard import warmup

    for each in (app, empty_app):
        mine = warmup.current(each)
        assert mine is not None and mine.app is each
        assert mine.layer is data_layer(each)
    assert warmup.current(app) is not warmup.current(empty_app)


def test_a_demo_built_by_a_test_leaves_the_process_default_alone(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The CLI points the process default at the stores it builds; a test (or a module
    fixture) that builds a demo through it must leave later tests reading the session's demo.
    A module fixture's change escaped the per-test reset and made later modules read the
    default demo (key figures from its period start, other kommuner's numbers)."""
    from tests.stores import build_demo

    before = db.default()
    assert before is not None
    urls = new_stores(tmp_path)
    build_demo(
        {"DATABASE_URL": urls["database_url"], "TRACING_DATABASE_URL": urls["tracing_database_url"]}
    )
    assert db.default() is before
    with db.using(**urls), db.engine().connect() as conn:  # and the demo was built there
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM kommune").scalar_one() > 0
