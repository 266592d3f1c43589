"""The app over real HTTP requests (Flask test client): pages, geometry, callbacks."""

from __future__ import annotations

import json
import re

from tests.dash_http import call, call_kommune, call_map


def test_pages_and_dash_endpoints_respond(client) -> None:
    for path in ("/", "/kommune/0301", "/_dash-layout", "/_dash-dependencies"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert b'lang="nb"' in client.get("/").data


def test_index_links_vendor_files_once_and_never_the_test_tools(client) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "axe" not in page  # the accessibility checker is injected by the tests only
    assert page.count("bootstrap.min.css") == 1


def test_geometry_is_small_cached_and_complete(client) -> None:
    response = client.get("/geo/kommuner-2020.geojson")
    assert response.status_code == 200
    geometry = json.loads(response.data)
    assert len(geometry["features"]) == 356
    print(f"geometry bytes (uncompressed): {len(response.data):,}")
    assert len(response.data) < 500_000
    etag = response.headers["ETag"]
    again = client.get("/geo/kommuner-2020.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data


def test_map_first_render_names_geometry_url_and_has_all_kommuner(client) -> None:
    status, body, size = call_map(client, "incidence_14d")
    assert status == 200
    trace = body["response"]["map"]["figure"]["data"][0]
    assert trace["geojson"] == "/geo/kommuner-2020.geojson"  # a URL, not the polygons
    assert len(trace["locations"]) == 356  # 357 kommuner on 356 polygons (1508+1580 share)
    assert any(z is not None and z > 0 for z in trace["z"])
    assert body["response"]["map-date"]["date"]  # defaults to the data date
    print(f"first map response: {size:,} bytes")


def test_metric_change_sends_values_only(client) -> None:
    status, body, size = call_map(client, "cases_7d", "2022-01-20", changed=True)
    assert status == 200
    figure = body["response"]["map"]["figure"]
    assert figure.get("__dash_patch_update") == "__dash_patch_update"
    text = json.dumps(figure)
    assert "geojson" not in text and "coordinates" not in text
    paths = {tuple(op["location"]) for op in figure["operations"]}
    assert ("data", 0, "z") in paths
    print(f"metric change payload: {size:,} bytes")
    assert size < 100_000


def test_clicking_a_polygon_opens_the_kommune(client) -> None:
    click = {"points": [{"location": "1507", "customdata": ["1", "x"]}]}
    status, body, _ = call(
        client,
        outputs=[("nav-location", "href")],
        inputs=[("map", "clickData", click)],
        state=[("map-date", "date", "2022-01-20")],
        changed=["map.clickData"],
    )
    assert status == 200
    assert body["response"]["nav-location"]["href"] == "/kommune/1508?dato=2022-01-20"


def test_kommune_page_callback(client) -> None:
    status, body, _ = call_kommune(client, "4601")
    assert status == 200
    response = body["response"]
    assert response["kommune-title"]["children"].startswith("Bergen (4601)")
    names = [t["name"] for t in response["kommune-incidence"]["figure"]["data"]]
    assert names == ["Bergen", "Vestland (fylke)", "Hele landet"]
    status, body, _ = call_kommune(client, "9999")
    assert status == 200
    assert "9999" in json.dumps(body["response"]["kommune-alert"])


def test_kommune_page_and_map_render_in_english(client) -> None:
    client.set_cookie("sb_lang", "en")
    status, body, _ = call_kommune(client, "4601")
    assert status == 200
    response = body["response"]
    names = [t["name"] for t in response["kommune-incidence"]["figure"]["data"]]
    assert names == ["Bergen", "Vestland (county)", "Norway"]
    cards = json.dumps(response["kommune-cards"], ensure_ascii=False)
    assert "Residents" in cards and "7-day incidence per 100,000" in cards
    assert "Innbyggere" not in cards
    # the population in English format: comma thousands separator, e.g. "285,911"
    assert re.search(r'"\d{1,3}(,\d{3})+"', cards), cards[:300]
    source = json.dumps(response["kommune-source"], ensure_ascii=False)
    assert "Source: Synthetic demo data" in source and "Cases by test date" in source
    status, body, _ = call_map(client, "incidence_14d", "2022-01-20")
    assert status == 200
    summary = json.dumps(body["response"]["map-summary"], ensure_ascii=False)
    assert "Norway, 20/01/2022" in summary and "↑ Rising" in summary
    trace = body["response"]["map"]["figure"]["data"][0]
    assert "14-day incidence per 100,000" in trace["hovertemplate"]
    assert trace["colorbar"]["title"]["text"] == "per 100,000"
