"""Shared fixtures: a seeded tiny demo database per test session, built by the real CLI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
GEO_CACHE = Path(os.environ.get("GEO_CACHE_DIR", ROOT / "instance" / "geo"))


def pytest_setup_options():  # dash.testing hook: options for the headless chromium it starts
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.add_argument("--headless=new")
    options.add_argument("--window-size=1400,1000")
    # The machine has no network: these stop chromium from calling home and logging errors.
    for flag in (
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ):
        options.add_argument(flag)
    if Path("/usr/bin/chromium").exists():
        options.binary_location = "/usr/bin/chromium"
    return options


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment for a tiny demo database in a temporary data directory (on the PostgreSQL
    run, in fresh databases on the test server: see ``tests/stores.py``)."""
    from tests.stores import build_demo, environ, new_stores, postgres_url

    data_dir = tmp_path_factory.mktemp("instance")
    env = {
        "DATA_DIR": str(data_dir),
        "GEO_CACHE_DIR": str(GEO_CACHE),
        "DEMO_SCALE": "tiny",
        "CACHE_TYPE": "SimpleCache",
    }
    if postgres_url():
        urls = new_stores(data_dir)
        env["DATABASE_URL"] = urls["database_url"]
        env["TRACING_DATABASE_URL"] = urls["tracing_database_url"]
    build_demo(env)
    with environ(env):
        yield env


@pytest.fixture(scope="session")
def settings(demo_env: dict[str, str]):
    from dashboard.settings import load_settings

    return load_settings()


from tests.browser_helpers import FULL_ACCESS_USER  # noqa: E402


def test_directory():  # type: ignore[no-untyped-def]
    """The demo directory plus a test-only role with every kommune and small numbers, and its
    user: functional page tests read as it, so that page numbers can be compared with raw
    tables; the access tests use the real roles."""
    from dashboard import auth

    return auth.DIRECTORY.with_extra(
        roles=[auth.Role("test_full", "Test (full tilgang)", "all", "all")],
        users=[auth.User(FULL_ACCESS_USER, "Test: full tilgang", ("test_full",), demo=True)],
    )


@pytest.fixture(scope="session")
def app(settings):
    from dashboard.app_factory import create_app

    return create_app(settings, directory=test_directory())


class _ProcessState:
    """What is global by nature in the test process: the default data layer (what a script or
    a command sets, see ``data.db.configure``; ``create_app`` installs its own) and Dash's page
    registry (``dash.page_registry``, filled by every ``create_app`` with the same pages).

    After each test, and after each module (its fixtures included), they are as they were
    before, whether what changed them restores them itself or forgets: a module fixture that
    forgot made later modules read a stopped server or another store. Only a session
    fixture's change stays (the session's demo and app are the default for every later test):
    :class:`_SessionFixtureWatch` counts those, and a reset keeps the layer a session fixture
    installed inside its scope."""

    session_layer: Any = None
    session_changes = 0

    def __init__(self) -> None:
        import dash

        from data import db

        self.layer = db.default()
        self.changes = _ProcessState.session_changes
        self.pages = {k: dict(v) for k, v in dash.page_registry.items()}

    def restore(self) -> None:
        import dash

        import layouts
        from data import db

        layer = self.layer
        if _ProcessState.session_changes != self.changes:
            layer = _ProcessState.session_layer
        if db.default() is not layer:
            db.install(layer)
        own = {page.__name__ for page in layouts.page_modules()}
        for name in [k for k in dash.page_registry if k not in own]:
            del dash.page_registry[name]
        for name, entry in self.pages.items():
            if dash.page_registry.get(name) != entry:
                dash.page_registry[name] = entry


class _SessionFixtureWatch:
    """Counts the session fixtures that change the process default (see
    :class:`_ProcessState`). A plugin of the whole run, not a hook of this conftest: a
    conftest's hooks see only the nodes of its folder, and session fixtures are set up for
    the session node above it."""

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: pytest.FixtureDef[Any]) -> Iterator[Any]:
        from data import db

        before = db.default()
        try:
            return (yield)
        finally:
            if fixturedef.scope == "session" and db.default() is not before:
                _ProcessState.session_layer = db.default()
                _ProcessState.session_changes += 1


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_SessionFixtureWatch(), "situasjonsbilde-session-fixtures")


@pytest.fixture(autouse=True, scope="module")
def _global_by_nature_per_module() -> Iterator[None]:
    """The process state of :class:`_ProcessState` as it was before the module (autouse
    fixtures come first in their scope, so this one is set up before the module's own
    fixtures and torn down after them)."""
    state = _ProcessState()
    yield
    state.restore()


@pytest.fixture(autouse=True)
def _global_by_nature() -> Iterator[None]:
    """The process state of :class:`_ProcessState` as it was before the test."""
    state = _ProcessState()
    yield
    state.restore()


def login(client, user_id: str):  # type: ignore[no-untyped-def]
    response = client.get(f"/login/demo/{user_id}")
    assert response.status_code == 302, response.status_code
    return client


@pytest.fixture()
def client(app):
    return login(app.server.test_client(), FULL_ACCESS_USER)


@pytest.fixture()
def anonymous_client(app):
    return app.server.test_client()


@pytest.fixture(scope="session")
def real_data(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A database built once per session from ../shared/realdata by the importer (skipped with
    the reason when the folder is absent). The data layer is left configured as before:
    tests that read it configure the database themselves (see ``use_real_data``)."""
    if not REALDATA.is_dir():
        pytest.skip(f"real data not available at {REALDATA}")
    from data import db
    from data.importers import runner
    from tests.stores import new_stores

    tmp = tmp_path_factory.mktemp("real")
    urls = new_stores(tmp)
    with db.using(**urls) as layer:
        db.upgrade()
        report = runner.run(layer.engine(), runner.folder_files(REALDATA))
    return {"report": report, "dir": tmp, **urls}


@pytest.fixture(scope="module")
def real_app(real_data: dict[str, Any]) -> Any:
    """The app on the session's real-data database, with the test directory of the demo app
    (:func:`app`); the data layer's previous database and cache come back."""
    from dashboard.app_factory import create_app
    from dashboard.settings import load_settings
    from data import db

    before = db.default()
    settings = load_settings(
        data_dir=real_data["dir"],
        database_url=real_data["database_url"],
        tracing_database_url=real_data["tracing_database_url"],
        geo_cache_dir=GEO_CACHE,
        cache_type="NullCache",
    )
    app = create_app(settings, directory=test_directory())
    db.install(before)  # the session's default data layer again: this app's serves its requests
    return app


@pytest.fixture(scope="session")
def raw_daily():  # type: ignore[no-untyped-def]
    """FHI's daily cases per 2020 kommune as the raw file has them (read once a session)."""
    import pandas as pd

    if not REALDATA.is_dir():
        pytest.skip(f"real data not available at {REALDATA}")
    return pd.read_csv(
        REALDATA / "fhi_covidnor" / "covidnor_municip_daily.csv.gz",
        dtype={"kommunenummer": str},
        parse_dates=["date"],
    )


@pytest.fixture()
def use_real_data(real_data: dict) -> Iterator[dict]:
    """The data layer reads the session's real-data database for one test (a layer of its
    own, without a result cache), then what it read before."""
    from data import db

    with db.using(
        database_url=real_data["database_url"],
        tracing_database_url=real_data["tracing_database_url"],
    ):
        yield real_data
