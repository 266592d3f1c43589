"""Choosing influenza turns the map, the Kommune page, Signaler and the Kommuneoversikt (page
and export) to influenza numbers: each equals the sum of the raw ``case`` rows of influenza,
not of covid-19, over HTTP through Dash as a tab with ``?sykdom=influensa`` asks.

The store: the session's tiny demo, with influenza, RSV and the new pathogen beside covid-19
(``data.synthetic``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from data.codes import CURRENT_STRUCTURE
from geo import reference
from tests.conftest import login
from tests.dash_http import OVERVIEW_OUTPUTS, SIGNALER_OUTPUTS, call, call_kommune, call_map, texts
from tests.disease_store import FLU, cases_7d, raw

NAMES = {"covid19": "covid-19", FLU: "influensa"}


@pytest.fixture()
def flu_app(app: Any) -> Any:
    """The session's app on the tiny demo, which has influenza beside covid-19."""
    return app


def _tab(flu_app: Any, disease: str) -> Any:
    from tests.browser_helpers import FULL_ACCESS_USER

    client = login(flu_app.server.test_client(), FULL_ACCESS_USER)
    client.environ_base["HTTP_X_SYKDOM"] = disease
    return client


def _data_date(flu_app: Any) -> dt.date:
    frame = raw(flu_app, "SELECT value FROM dataset_meta WHERE key = 'data_date'")
    return dt.date.fromisoformat(str(frame["value"].iloc[0]))


def _day(flu_app: Any) -> dt.date:
    return _data_date(flu_app) - dt.timedelta(days=10)  # complete test dates


def _tabs_and_counts(flu_app: Any, day: dt.date) -> Iterator[tuple[str, Any, dict[str, int]]]:
    """Per disease: a tab on it and the raw 7-day case count of each kommune up to ``day``."""
    for disease in ("covid19", FLU):
        yield disease, _tab(flu_app, disease), cases_7d(flu_app, disease, day)


def test_map_and_kommune_page_show_the_chosen_disease(flu_app: Any) -> None:
    from tests.test_consistency import _kommune_cards, _map

    day = _day(flu_app)
    shown = {}
    for disease, client, counted in _tabs_and_counts(flu_app, day):
        assert sum(counted.values()) > 10  # both diseases have cases in the window
        on_map = _map(client, "cases_7d", day)
        # every kommune's number on the map is its raw count of this disease (the map draws
        # the 2020 kommuner: those whose number is the same in today's structure)
        today = set(reference.kommuner(CURRENT_STRUCTURE)["kommunenummer"])
        compared = {k: v for k, v in on_map.items() if k in today}
        assert len(compared) > 200
        assert compared == {k: counted.get(k, 0) for k in compared}, disease
        largest = max(counted, key=lambda k: counted[k])
        cards = _kommune_cards(client, largest, day)
        assert cards["cases_7d"] == counted[largest], disease
        # the heading names the disease the numbers are of
        _status, body, _size = call_kommune(client, largest, day)
        assert body["response"]["kommune-title"]["children"].endswith(f" · {NAMES[disease]}")
        shown[disease] = on_map
        _status, body, _size = call_map(client, "cases_7d", day)
        summary = " ".join(texts(body["response"]["map-summary"]["children"]))
        assert f" · {NAMES[disease]}" in summary
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
                ("signaler-every-disease", "value", []),
            ],
        )
        assert status == 200
        rows = body["response"]["signaler-table"]["data"]
        stored = raw(
            flu_app,
            "SELECT kommunenummer FROM signal WHERE disease = :d AND week_start = :w "
            "AND series = 'cases' AND alarm",
            d=disease,
            w=week,
        )
        assert sorted(r["kommunenummer"] for r in rows) == sorted(stored["kommunenummer"])
        tables[disease] = rows
        summary = " ".join(texts(body["response"]["signaler-summary"]["children"]))
        assert f"({NAMES[disease]})" in summary, summary
    assert tables["covid19"] != tables[FLU]


def test_kommuneoversikt_and_its_export_show_the_chosen_disease(flu_app: Any) -> None:
    from tests import export_read

    day = _day(flu_app)
    exports = {}
    for disease, client, counted in _tabs_and_counts(flu_app, day):
        status, body, _size = call(
            client, outputs=OVERVIEW_OUTPUTS, inputs=[("ov-date", "date", day.isoformat())]
        )
        assert status == 200
        rows = {r["id"]: r for r in body["response"]["ov-table"]["data"]}
        assert body["response"]["ov-title"]["children"].endswith(f" · {NAMES[disease]}")
        assert {k: r["cases_7d"] for k, r in rows.items() if r["cases_7d"]} == {
            k: n for k, n in counted.items() if n
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
        named = "-influensa-" in response.headers["Content-Disposition"]
        assert named == (disease == FLU)  # the file says which disease (covid-19: as always)
        exported = export_read.data_csv_rows(response.data)
        assert {k: _int(r["cases_7d"]) for k, r in exported.items()} == {
            k: _int(v) for k, v in table.items()
        }, disease
        exports[disease] = exported
    assert exports["covid19"] != exports[FLU]


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(float(value))
