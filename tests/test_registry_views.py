"""An indicator reaches the map, the Kommuneoversikt, the Morgenbrief's respiratory panel and
the API by its declaration in the registry (``views``, ``area_reader``): the pages list what
the registry declares, and show the values the indicator's published read gives — over HTTP
as a browser or a script gets them, for every indicator with a view (a new one is checked
without a test of its own)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard import briefing
from dashboard.auth import DEMO_USERS, scope_for
from dashboard.definitions.overview import OVERVIEW_COLUMNS
from data import indicators, views
from data.queries import growth
from data.scope import Scope
from geo import reference
from tests import export_read
from tests.conftest import login
from tests.dash_http import OVERVIEW_OUTPUTS, call, call_map, find

DAY = dt.date(2022, 1, 19)  # a Wednesday: the weekly indicators show the week before
NUMBER = re.compile(r"^-?[\d\u00a0 ]+(?:,\d+)?(?: %)?$")
KOMMUNER = ("0301", "4601", "1101", "1103", "5501", "1151")
ROLES = ("ks-analytiker", "lege-oslo")


def machine(text: str) -> float | str:
    """A cell of the machine CSV (decimal point; empty where withheld)."""
    return "withheld" if text in ("", None) else float(text)


def shown_value(text: Any) -> float | str:
    """A shown value: a float, "withheld" or "–"."""
    if text is None or text == "":
        return "withheld"
    if isinstance(text, int | float):
        return float(text)
    text = str(text).strip()
    if NUMBER.match(text):
        return float(text.replace("\u00a0", "").replace(" ", "").replace("%", "").replace(",", "."))
    return "withheld" if text.startswith(("skjult", "1–4", "0–4")) else text


def api_value(client: Any, indicator: str, area: str, day: dt.date) -> float | str:
    response = client.get(f"/api/v1/series?indicator={indicator}&area={area}&from={day}&to={day}")
    assert response.status_code == 200, response.get_json()
    points = [p for p in response.get_json()["values"] if p["date"] == day.isoformat()]
    if not points or points[0]["status"] == "missing":
        return "–"
    return "withheld" if points[0]["status"] == "withheld" else float(points[0]["value"])


def _same(a: float | str, b: float | str, decimals: int) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(a - b) <= 0.5 * 10**-decimals + 1e-6


def map_values(client: Any, metric: str) -> dict[str, float | str]:
    status, body, _ = call_map(client, metric, DAY)
    assert status == 200
    trace = body["response"]["map"]["figure"]["data"][0]
    return {
        str(loc): shown_value(custom[0])
        for loc, custom in zip(trace["locations"], trace["customdata"], strict=True)
    }


def brief_panel(user: str, kommune: str) -> dict[str, dict[str, float | str]]:
    brief = briefing.briefing_view(
        scope=scope_for(DEMO_USERS[user]), kommunenummer=kommune, date=DAY
    )[0]
    return {
        row.key: {
            level: (cell.value if cell.value is not None else "withheld" if cell.hidden else "–")
            for level, cell in row.cells.items()
        }
        for row in brief.respiratory
    }


def test_the_pages_list_the_registry_entries_with_their_view(app: Any) -> None:
    """The map's metric options, the overview's registry columns (table and export) and the
    Morgenbrief's panel rows are the registry entries with that view, in registry order."""
    from layouts import smittekart

    client = login(app.server.test_client(), "ks-analytiker")
    declared = {view: [i.id for i in indicators.with_view(view)] for view in indicators.VIEWS}
    assert "ili_per_100k" in declared["map"] and "p_growth" in declared["map"]
    assert "ili_per_100k" in declared["overview"] and "ili_per_100k" in declared["brief"]
    with app.server.test_request_context("/"):
        layout = json.loads(json.dumps(smittekart.layout(), cls=PlotlyJSONEncoder))
    options = find(layout, "map-metric")["props"]["options"]
    assert [o["value"] for o in options] == declared["map"]
    for metric in declared["map"]:  # each is drawn, with the registry's definition
        status, body, _ = call_map(client, metric, DAY)
        assert status == 200, metric
        assert str(body["response"]["map-definition"]["children"]).count(
            indicators.get(metric).label
        ), metric
    assert [c.key for c in OVERVIEW_COLUMNS if c.registered] == declared["overview"]
    status, body, _ = call(
        client, outputs=OVERVIEW_OUTPUTS, inputs=[("ov-date", "date", DAY.isoformat())]
    )
    assert status == 200
    record = body["response"]["ov-table"]["data"][0]
    assert set(declared["overview"]) <= set(record)
    header = client.get(f"/oversikt/data.csv?dato={DAY}").data.decode().splitlines()[0]
    assert set(declared["overview"]) <= set(header.split(","))
    assert list(brief_panel("ks-analytiker", "0301")) == declared["brief"]


def test_p_growth_on_the_map_is_the_kommune_pages_estimate(app: Any) -> None:
    """P(growth) on the map, in whole per cent, is the Kommune page's (one kommune's fit),
    and below the minimum count it is not shown."""
    user = "ks-analytiker"
    client = login(app.server.test_client(), user)
    scope = scope_for(DEMO_USERS[user])
    values = map_values(client, "p_growth")
    shown = below = 0
    polygons = reference.polygons_on_map(2020)
    members = polygons.groupby("polygon_id")["kommunenummer"].agg(list)
    for polygon, value in values.items():
        if len(members.get(polygon, [])) != 1:  # a polygon of two kommuner shows no P(growth)
            assert value in ("–", "withheld"), (polygon, value)
            continue
        kommune = members[polygon][0]
        g = growth.kommune_growth(scope=scope, kommunenummer=kommune, date=DAY)["growth"]
        if g.shown and g.cases >= indicators.get("p_growth").min_count:
            assert value == pytest.approx(round(100 * g.p_growth), abs=0.51), kommune
            shown += 1
        else:
            assert value in ("–", "withheld"), (kommune, value)
            below += 1
    assert shown >= 3 and below >= 10


@pytest.mark.parametrize("view", ["map", "overview"])
def test_a_view_never_shows_a_small_count(app: Any, view: indicators.View) -> None:
    """For every registry indicator with the view: where the true count a value is built on
    is 1–4, a role without small numbers sees the value withheld, over HTTP."""
    full = Scope.full()
    client = login(app.server.test_client(), "ks-analytiker")
    csv_rows = export_read.data_csv_rows(client.get(f"/oversikt/data.csv?dato={DAY}").data)
    checked = 0
    for indicator in indicators.with_view(view):
        truth = views.area_values(indicator, scope=full, date=DAY).set_index("kommunenummer")
        small = truth.index[truth[indicator.numerator].between(1, 4)]
        if view == "map":
            shown = map_values(client, indicator.id)
        else:
            shown = {k: machine(r[indicator.id]) for k, r in csv_rows.items()}
        for kommune in small:
            if kommune in shown:
                assert shown[kommune] == "withheld", (indicator.id, kommune, shown[kommune])
                checked += 1
    assert checked > (20 if view == "map" else 5)


def test_synthetic_count_tables_are_declared_by_their_modules() -> None:
    """The demo's count tables (ILI consultations) are found by their module's declaration:
    the generator names none of them, and each is a table of the schema."""
    import importlib
    from pathlib import Path

    from data import schema
    from data.synthetic import count_tables, ili

    generate = importlib.import_module("data.synthetic.generate")

    found = count_tables.count_tables()
    assert found["ili_consultation"] is ili.count_table
    assert set(found) <= set(schema.Base.metadata.tables)
    source = Path(str(generate.__file__)).read_text(encoding="utf-8")
    assert not any(name in source for name in found), "the generator lists a count table"


def test_the_api_serves_every_kommune_as_the_map_shows_it(app: Any) -> None:
    """``/api/v1/kommuner``: every registry indicator on the map, for every kommune in the
    scope at once, with the map's value (a polygon of one kommune), withheld where the map
    greys it; a malformed date or an unknown indicator is a 400 with a message."""
    client = login(app.server.test_client(), "ks-analytiker")
    members = reference.polygons_on_map(2020).groupby("polygon_id")["kommunenummer"].agg(list)
    compared = 0
    for indicator in indicators.with_view("map"):
        response = client.get(f"/api/v1/kommuner?indicator={indicator.id}&date={DAY}")
        assert response.status_code == 200, indicator.id
        payload = response.get_json()
        assert payload["date"] == views.period_end(indicator, DAY).isoformat()
        api = {
            p["area"]: "withheld"
            if p["status"] == "withheld"
            else "–"
            if p["status"] == "missing"
            else p["value"]
            for p in payload["values"]
        }
        for polygon, shown in map_values(client, indicator.id).items():
            if len(members.get(polygon, [])) == 1 and members[polygon][0] in api:
                want = api[members[polygon][0]]
                assert shown == want or (
                    isinstance(shown, float)
                    and isinstance(want, float)
                    and abs(shown - want) <= 0.5 * 10**-indicator.decimals + 1e-6
                ), (indicator.id, polygon, shown, want)
                compared += 1
    assert compared > 1000
    for query in (
        "indicator=nope",
        "indicator=p_growth&date=2022-13-01",
        "indicator=p_growth&date=1999-01-01",
    ):
        response = client.get(f"/api/v1/kommuner?{query}")
        assert response.status_code == 400 and response.get_json()["error"], query


def test_the_overviews_column_map_draws_every_registry_column(app: Any) -> None:
    """Each registry column of the Kommuneoversikt is on its column map, with the table's
    (machine CSV's) value for a kommune drawn alone."""
    client = login(app.server.test_client(), "ks-analytiker")
    rows = export_read.data_csv_rows(client.get(f"/oversikt/data.csv?dato={DAY}").data)
    members = reference.polygon_of(2024).groupby("polygon_id")["kommunenummer"].agg(list)
    compared = 0
    for indicator in indicators.with_view("overview"):
        status, body, _ = call(
            client,
            outputs=[
                ("ov-map", "figure"),
                ("ov-map-definition", "children"),
                ("ov-map-rendered", "data"),
            ],
            inputs=[("ov-map-column", "value", indicator.id), ("ov-date", "date", DAY.isoformat())],
            state=[("ov-map-rendered", "data", False)],
        )
        assert status == 200, indicator.id
        trace = body["response"]["ov-map"]["figure"]["data"][0]
        for polygon, custom in zip(trace["locations"], trace["customdata"], strict=True):
            kommuner = members.get(str(polygon), [])
            if len(kommuner) == 1 and kommuner[0] in rows:
                want = machine(rows[kommuner[0]][indicator.id])
                got = shown_value(custom[0])
                assert got == want or (
                    isinstance(got, float) and isinstance(want, float) and abs(got - want) <= 0.051
                ), (indicator.id, polygon, got, want)
                compared += 1
    assert compared > 300


def test_a_view_has_the_reads_it_needs() -> None:
    """A declared view can be served: the map and the overview read all kommuner at once
    (``area_reader``), the brief a series (``reader``, or a key figure); P(growth) states the
    method's own window and minimum count."""
    from data import nowcast
    from data.key_figures import PUBLISHED

    for indicator in indicators.INDICATORS.values():
        assert set(indicator.views) <= set(indicators.VIEWS), indicator.id
        if {"map", "overview"} & set(indicator.views):
            assert indicator.area_reader, indicator.id
        if "brief" in indicator.views:
            assert indicator.reader or indicator.numerator in PUBLISHED, indicator.id
        if indicator.trend_counts:
            assert len(indicator.trend_counts) == 2, indicator.id
    p_growth = indicators.get("p_growth")
    assert (p_growth.min_count, p_growth.window_days) == (nowcast.MIN_CASES, nowcast.WINDOW)
    assert str(nowcast.MIN_CASES) in p_growth.definition
