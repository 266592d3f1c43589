"""Choosing influenza turns the map, the Kommune page, Signaler and the Kommuneoversikt (page
and export) to influenza numbers: each equals the sum of the raw ``case`` rows of influenza,
not of covid-19, over HTTP through Dash as a tab with ``?sykdom=influensa`` asks.

The store: a copy of the session's tiny demo with influenza cases added through the loader
(``data.load.bulk_insert``, then the aggregates, key figures and signals rebuilt as a load
does): every third covid-19 case of the demo, as influenza, so the two diseases' numbers
differ everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select, text

from data.codes import CURRENT_STRUCTURE
from geo import reference
from tests.conftest import login
from tests.dash_http import OVERVIEW_OUTPUTS, SIGNALER_OUTPUTS, call

FLU = "influensa"


@pytest.fixture(scope="module")
def flu_app(app: Any, settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app of its own on the demo with influenza cases; the process default data layer
    comes back afterwards."""
    from dashboard.app_factory import create_app, data_layer
    from data import aggregates, db
    from data.load import bulk_insert, bump_data_version
    from data.schema import Case
    from data.signals_build import compute
    from tests.conftest import test_directory
    from tests.stores import copy_stores

    demo = data_layer(app)
    demo.dispose()  # nothing connected to the originals while they are copied
    urls = copy_stores(
        {"database_url": demo.url("main"), "tracing_database_url": demo.url("tracing")},
        tmp_path_factory.mktemp("influenza"),
    )
    before = db.default()
    with db.using(**urls) as layer:
        engine = layer.engine()
        with engine.begin() as conn:
            covid = pd.read_sql(select(Case).where(Case.disease == "covid19"), conn)
            flu = covid.iloc[::3].drop(columns=["id"]).assign(disease=FLU, cluster_id=None)
            bulk_insert(conn, Case.__table__, flu)
            aggregates.refresh(conn)
            bump_data_version(conn)
        compute(engine, disease=FLU, progress=False)
    built = create_app(settings.model_copy(update=urls), directory=test_directory())
    if before is not None:
        db.install(before)
    yield built
    data_layer(built).dispose()


def _tab(flu_app: Any, disease: str) -> Any:
    from tests.browser_helpers import FULL_ACCESS_USER

    client = login(flu_app.server.test_client(), FULL_ACCESS_USER)
    client.environ_base["HTTP_X_SYKDOM"] = disease
    return client


def _raw(flu_app: Any, sql: str, **params: Any) -> pd.DataFrame:
    from dashboard.app_factory import data_layer

    with data_layer(flu_app).engine().connect() as conn:
        return pd.read_sql(text(sql), conn, params=params)


def _data_date(flu_app: Any) -> dt.date:
    frame = _raw(flu_app, "SELECT value FROM dataset_meta WHERE key = 'data_date'")
    return dt.date.fromisoformat(str(frame["value"].iloc[0]))


def _cases_7d(flu_app: Any, disease: str, day: dt.date) -> dict[str, int]:
    """Cases by test date in the 7 days to ``day`` per kommune, from the raw ``case`` rows."""
    frame = _raw(
        flu_app,
        'SELECT kommunenummer, COUNT(*) AS n FROM "case" WHERE disease = :d '
        "AND test_date BETWEEN :a AND :b GROUP BY kommunenummer",
        d=disease,
        a=day - dt.timedelta(days=6),
        b=day,
    )
    return dict(zip(frame["kommunenummer"].astype(str), frame["n"].astype(int), strict=True))


def _day(flu_app: Any) -> dt.date:
    return _data_date(flu_app) - dt.timedelta(days=10)  # complete test dates


def test_map_and_kommune_page_show_the_chosen_disease(flu_app: Any) -> None:
    from tests.test_consistency import _kommune_cards, _map

    day = _day(flu_app)
    shown = {}
    for disease in ("covid19", FLU):
        client = _tab(flu_app, disease)
        raw = _cases_7d(flu_app, disease, day)
        on_map = _map(client, "cases_7d", day)
        # every kommune's number on the map is its raw count of this disease (the map draws
        # the 2020 kommuner: those whose number is the same in today's structure)
        today = set(reference.kommuner(CURRENT_STRUCTURE)["kommunenummer"])
        compared = {k: v for k, v in on_map.items() if k in today}
        assert len(compared) > 200
        assert compared == {k: raw.get(k, 0) for k in compared}, disease
        largest = max(raw, key=lambda k: raw[k])
        cards = _kommune_cards(client, largest, day)
        assert cards["cases_7d"] == raw[largest], disease
        shown[disease] = on_map
    assert shown["covid19"] != shown[FLU]


def test_signaler_lists_the_chosen_disease(flu_app: Any) -> None:
    day = _data_date(flu_app)
    from data.queries.signals import signal_week

    week = signal_week(day)
    tables = {}
    for disease in ("covid19", FLU):
        status, body, _size = call(
            _tab(flu_app, disease),
            outputs=SIGNALER_OUTPUTS,
            inputs=[
                ("signaler-select", "value", None),
                ("signaler-date", "date", day.isoformat()),
                ("signaler-fylke", "value", None),
                ("signaler-series", "value", "cases"),
            ],
        )
        assert status == 200
        rows = body["response"]["signaler-table"]["data"]
        raw = _raw(
            flu_app,
            "SELECT kommunenummer FROM signal WHERE disease = :d AND week_start = :w "
            "AND series = 'cases' AND alarm",
            d=disease,
            w=week,
        )
        assert sorted(r["kommunenummer"] for r in rows) == sorted(raw["kommunenummer"])
        tables[disease] = rows
    assert tables["covid19"] != tables[FLU]


def test_kommuneoversikt_and_its_export_show_the_chosen_disease(flu_app: Any) -> None:
    from tests import export_read

    day = _day(flu_app)
    exports = {}
    for disease in ("covid19", FLU):
        client = _tab(flu_app, disease)
        raw = _cases_7d(flu_app, disease, day)
        status, body, _size = call(
            client, outputs=OVERVIEW_OUTPUTS, inputs=[("ov-date", "date", day.isoformat())]
        )
        assert status == 200
        rows = {r["id"]: r for r in body["response"]["ov-table"]["data"]}
        assert {k: r["cases_7d"] for k, r in rows.items() if r["cases_7d"]} == {
            k: n for k, n in raw.items() if n
        }, disease
        # the export as the page's link has it (the tab's script adds ?sykdom=), for a role
        # with the export: the same published numbers as that role's table of the disease
        analyst = login(client.application.test_client(), "ks-analytiker")
        analyst.environ_base["HTTP_X_SYKDOM"] = disease
        status, body, _size = call(
            analyst, outputs=OVERVIEW_OUTPUTS, inputs=[("ov-date", "date", day.isoformat())]
        )
        table = {r["id"]: r["cases_7d"] for r in body["response"]["ov-table"]["data"]}
        del analyst.environ_base["HTTP_X_SYKDOM"]
        response = analyst.get(f"/oversikt/data.csv?dato={day.isoformat()}&sykdom={disease}")
        assert response.status_code == 200
        exported = export_read.data_csv_rows(response.data)
        assert {k: _int(r["cases_7d"]) for k, r in exported.items()} == {
            k: _int(v) for k, v in table.items()
        }, disease
        exports[disease] = exported
    assert exports["covid19"] != exports[FLU]


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(float(value))
