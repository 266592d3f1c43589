"""The default demo as a newcomer opens it (issue 20): Norway's populations and a default date
with a situation on it.

The module builds the default scale once with the real CLI (every resident of Norway, so it
takes minutes: see the README's "Populations" section for the build time), or reads an already
built default demo named by ``DEFAULT_DEMO_DATABASE_URL`` / ``DEFAULT_DEMO_TRACING_URL``.
Pages are called over HTTP through Dash as the browser does; the data layer reads this store
for the module's tests, then what it read before.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import text

from dashboard import formatting
from dashboard.figures.theme import SEQUENTIAL
from dashboard.settings import Settings
from data.reference import ssb_population
from tests.conftest import login
from tests.dash_http import KOMMUNE_OUTPUTS, call, call_map

DEFAULT_SCALE = Settings.model_fields["demo_scale"].default
SEED = Settings.model_fields["demo_seed"].default


@pytest.fixture(scope="module")
def default_demo(app: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from data import db
    from tests.stores import build_demo, new_stores

    urls = {
        "database_url": os.environ.get("DEFAULT_DEMO_DATABASE_URL", ""),
        "tracing_database_url": os.environ.get("DEFAULT_DEMO_TRACING_URL", ""),
    }
    if not urls["database_url"]:
        urls = new_stores(tmp_path_factory.mktemp("default_demo"))
        env = {
            "DATABASE_URL": urls["database_url"],
            "TRACING_DATABASE_URL": urls["tracing_database_url"],
        }
        build_demo(env, DEFAULT_SCALE, SEED)
    with db.using(**urls):
        with db.engine().connect() as conn:
            data_date = dt.date.fromisoformat(
                conn.execute(
                    text("SELECT value FROM dataset_meta WHERE key = 'data_date'")
                ).scalar_one()
            )
        yield {"data_date": data_date, **urls}


def _scalar(sql: str, **params: Any) -> Any:
    from data import db

    with db.engine().connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


@pytest.fixture(scope="module")
def default_app(app: Any, settings: Any, default_demo: dict[str, Any]) -> Any:
    """An app of its own on the default demo's stores (the session's app reads the tiny demo);
    the process default data layer comes back afterwards."""
    from dashboard.app_factory import create_app
    from data import db
    from tests.conftest import test_directory

    before = db.default()
    urls = {k: default_demo[k] for k in ("database_url", "tracing_database_url")}
    built = create_app(settings.model_copy(update=urls), directory=test_directory())
    db.install(before)
    return built


def test_oslo_page_shows_its_ssb_population(default_app: Any, default_demo: dict[str, Any]) -> None:
    year = default_demo["data_date"].year
    ssb = ssb_population()
    oslo = int(ssb[(ssb["kommunenummer"] == "0301") & (ssb["year"] == year)]["population"].sum())
    client = login(default_app.server.test_client(), "lege-oslo")
    status, body, _ = call(
        client,
        outputs=KOMMUNE_OUTPUTS,
        inputs=[("kommune-select", "value", "0301"), ("kommune-date", "date", None)],
    )
    assert status == 200
    cards = json.dumps(body["response"]["kommune-cards"], ensure_ascii=False)
    assert formatting.number(oslo) in cards, (oslo, cards[:300])


def test_default_date_has_trends_for_ks_analytiker(
    default_app: Any, default_demo: dict[str, Any]
) -> None:
    from dashboard.auth import DEMO_USERS, scope_for
    from dashboard.metrics.core import trend
    from data.queries.overview import kommune_overview

    frame = kommune_overview(
        scope=scope_for(DEMO_USERS["ks-analytiker"]), date=default_demo["data_date"]
    )
    trends = [trend(a, b) for a, b in zip(frame["cases_7d"], frame["cases_prev_7d"], strict=True)]
    computed = sum(t is not None for t in trends)
    assert computed >= 100, computed
    assert trends.count("rising") > trends.count("falling")  # a growing wave


def test_default_map_uses_five_colour_classes(
    default_app: Any, default_demo: dict[str, Any]
) -> None:
    """The national map on the default date: at least 5 of the colour scale's 7 steps hold a
    kommune (the scale runs from 0 to the map's zmax)."""
    client = login(default_app.server.test_client(), "ks-analytiker")
    status, body, _ = call_map(client, "incidence_14d")
    assert status == 200
    trace = body["response"]["map"]["figure"]["data"][0]
    z = pd.Series([v for v in trace["z"] if v is not None], dtype=float)
    steps = len(SEQUENTIAL) - 1
    lo, hi = float(trace["zmin"]), float(trace["zmax"])
    classes = ((z - lo) / (hi - lo) * steps).clip(0, steps - 1e-9).astype(int)
    assert classes.nunique() >= 5, classes.value_counts().sort_index().to_dict()


def test_default_date_shows_a_situation(default_demo: dict[str, Any]) -> None:
    """Signals in the last complete week, active clusters in several settings, admissions and
    arrivals in the last week, and a national rule change within the last 7 days."""
    day = default_demo["data_date"]
    week = day - dt.timedelta(days=day.weekday() + 7)  # Monday of the last complete week
    last_7 = {"a": day - dt.timedelta(days=6), "b": day}
    assert _scalar("SELECT COUNT(*) FROM signal WHERE week_start = :w AND alarm", w=week) > 0
    settings = _scalar(
        "SELECT COUNT(DISTINCT setting) FROM cluster WHERE last_case_date BETWEEN :a AND :b",
        **last_7,
    )
    assert settings >= 4
    assert (
        _scalar(
            "SELECT COUNT(*) FROM hospital_admission WHERE admission_date BETWEEN :a AND :b",
            **last_7,
        )
        > 0
    )
    assert (
        _scalar("SELECT COUNT(*) FROM arrival WHERE arrival_date BETWEEN :a AND :b", **last_7) > 0
    )
    assert (
        _scalar("SELECT COUNT(*) FROM rule_version WHERE valid_from BETWEEN :a AND :b", **last_7)
        > 0
    )


@pytest.mark.browser
def test_default_demo_in_the_browser(
    dash_duo: Any, default_app: Any, default_demo: dict[str, Any]
) -> None:
    """What a newcomer sees in chromium on the default demo: Oslo's SSB population of the
    year on its Kommune page, Utsira's neighbours, and the national map in at least five
    colour classes (read from the figure the browser drew)."""
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser_helpers import start_and_login

    year = default_demo["data_date"].year
    ssb = ssb_population()
    oslo = int(ssb[(ssb["kommunenummer"] == "0301") & (ssb["year"] == year)]["population"].sum())
    start_and_login(dash_duo, default_app, "ks-analytiker", "/kommune/0301")
    dash_duo.wait_for_contains_text("#kommune-title", "(0301)", timeout=40)
    # selenium reads a no-break space as a space
    shown = formatting.number(oslo).replace("\u00a0", " ").replace("\u202f", " ")
    dash_duo.wait_for_contains_text("#kommune-cards", shown, timeout=40)

    dash_duo.driver.get(dash_duo.server_url + "/kommune/1151")
    dash_duo.wait_for_contains_text("#kommune-title", "(1151)", timeout=40)
    dash_duo.wait_for_contains_text("#kommune-neighbours", "Haugesund", timeout=40)
    assert dash_duo.find_elements("#kommune-neighbours li"), "Utsira has no neighbours"

    dash_duo.driver.get(dash_duo.server_url + "/")
    script = (
        "const g = document.querySelector('#map .js-plotly-plot');"
        "if (!g || !g.data || !g.data.length || !g.data[0].z) return null;"
        "return [g.data[0].z, g.data[0].zmin, g.data[0].zmax];"
    )
    z, lo, hi = WebDriverWait(dash_duo.driver, 60).until(lambda d: d.execute_script(script))
    values = pd.Series([v for v in z if v is not None], dtype=float)
    steps = len(SEQUENTIAL) - 1
    classes = ((values - float(lo)) / (float(hi) - float(lo)) * steps).clip(0, steps - 1e-9)
    used = classes.astype(int).nunique()
    assert used >= 5, classes.astype(int).value_counts().sort_index().to_dict()
    assert dash_duo.get_logs() == [], dash_duo.get_logs()
