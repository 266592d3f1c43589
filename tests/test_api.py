"""The read-only JSON API over HTTP, as a script or an attacker calls it."""

from __future__ import annotations

import datetime as dt

import pytest

from data import queries
from data.scope import Scope
from tests.conftest import login


def _get(client, path: str):  # type: ignore[no-untyped-def]
    response = client.get(path)
    return response.status_code, response.get_json(silent=True)


def test_the_api_needs_a_login(anonymous_client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/v1/indicators", "/api/v1/series?indicator=cases_7d&area=0301"):
        status, body = _get(anonymous_client, path)
        assert status == 401, path
        assert body and "error" in body


def test_registry_and_description(app) -> None:  # type: ignore[no-untyped-def]
    client = login(app.server.test_client(), "ks-analytiker")
    status, body = _get(client, "/api/v1/indicators")
    assert status == 200
    ids = {i["id"] for i in body["indicators"]}
    assert {"cases_7d", "incidence_14d", "positivity_7d", "admissions_7d"} <= ids
    rate = next(i for i in body["indicators"] if i["id"] == "incidence_7d")
    assert rate["kind"] == "rate" and rate["numerator"] == "cases_7d" and rate["per"] == 100_000
    assert rate["definition"] and rate["source"]
    status, spec = _get(client, "/api/v1/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    assert "/api/v1/series" in spec["paths"]
    # every indicator listed can be asked for, and the description names them
    parameter = spec["paths"]["/api/v1/series"]["get"]["parameters"][0]
    assert set(parameter["schema"]["enum"]) == ids
    assert {"coverage_all_d2", "coverage_65_d3"} <= ids
    assert all(i["kind"] in ("count", "rate", "share") for i in body["indicators"])
    for indicator in sorted(ids):
        status, series = _get(client, f"/api/v1/series?indicator={indicator}&area=NO")
        assert status == 200 and series["values"], indicator
        assert {v["status"] for v in series["values"]} <= {"shown", "withheld", "missing"}


@pytest.mark.parametrize(
    "query,status",
    [
        ("indicator=nope&area=0301", 400),
        ("indicator=cases_7d&area=abc", 400),
        ("indicator=cases_7d&area=9999", 404),
        ("indicator=cases_7d&area=0301&from=2022-13-01", 400),
        ("indicator=cases_7d&area=0301&from=2022-02-01&to=2022-01-01", 400),
        ("indicator=cases_7d&area=4601", 403),  # outside lege-oslo's scope
        ("indicator=cases_7d", 400),
    ],
)
def test_malformed_or_forbidden_requests_get_4xx(app, query: str, status: int) -> None:  # type: ignore[no-untyped-def]
    client = login(app.server.test_client(), "lege-oslo")
    got, body = _get(client, f"/api/v1/series?{query}")
    assert got == status, (query, body)
    assert body and body.get("error")


def test_series_equal_the_published_cells_the_pages_read(app, settings) -> None:  # type: ignore[no-untyped-def]
    """The API's values are the page's: the map's windows for the KS analyst (protected) and
    for a full-access user (true), rates from the published count."""
    info = queries.dataset_info(scope=Scope.full())
    end = info["data_date"]
    start = end - dt.timedelta(days=20)
    analyst = Scope(user_id="ks", role="ks_analytiker", kommuner=None, small_numbers=False)
    client = login(app.server.test_client(), "ks-analytiker")
    compared = withheld = 0
    for kommune in ("0301", "4601", "1151", "5501"):
        for indicator in ("cases_7d", "incidence_7d", "cases_14d"):
            status, body = _get(
                client,
                f"/api/v1/series?indicator={indicator}&area={kommune}"
                f"&from={start.isoformat()}&to={end.isoformat()}",
            )
            assert status == 200, body
            assert body["level"] == "kommune" and body["data_date"] == end.isoformat()
            assert len(body["values"]) == 21
            for point in body["values"][::5]:
                day = dt.date.fromisoformat(point["date"])
                row = (
                    queries.case_windows(scope=analyst, date=day)
                    .set_index("kommunenummer")
                    .loc[kommune]
                )
                count = indicator.replace("incidence", "cases")
                if row[f"{count}_suppressed"]:
                    assert point["status"] == "withheld" and point["value"] is None
                    assert point["label"] == ("1–4" if count == indicator else "skjult")
                    withheld += 1
                    continue
                expected = (
                    row[count] if count == indicator else row[count] * 1e5 / row["population"]
                )
                assert point["value"] == pytest.approx(
                    round(float(expected), 1 if count != indicator else 0)
                )
                compared += 1
    assert compared > 20
    assert withheld > 0  # Utsira has withheld windows: the comparison covers them
