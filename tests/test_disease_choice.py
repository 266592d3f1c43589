"""The disease chosen in the header reaches every read without a callback passing it on
(``dashboard/disease.py``, ``data.db.chosen_disease``, ``data.cache.cached``), is in every
cached answer's key, hides the pages its disease lacks and is refused when it names none.

A test client with ``X-Sykdom`` set is a browser tab whose address says ``?sykdom=``: the
tab's script (``assets/disease.js``) sends that header with each of the renderer's requests
(``tests/test_browser_disease.py`` checks that in a browser)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from data import db, queries
from data.cache import ResultCache, cached
from data.codes import DEFAULT_DISEASE
from data.scope import Scope
from tests.conftest import login
from tests.dash_http import call_kommune, find, subject_outputs, texts
from tests.stores import DictCache

KOMMUNE = "0301"


def tab(app: Any, disease: str | None, user: str = "test-full") -> Any:
    """A logged-in client whose every request names ``disease`` as a tab's script does."""
    from tests.browser_helpers import FULL_ACCESS_USER

    client = login(app.server.test_client(), FULL_ACCESS_USER if user == "test-full" else user)
    if disease is not None:
        client.environ_base["HTTP_X_SYKDOM"] = disease
    return client


# ----------------------------------------------------------------------------- data layer
def test_a_read_defaults_to_the_chosen_disease_and_keys_it(app: Any) -> None:
    seen: list[str] = []

    @cached()
    def probe(*, scope: Scope, disease: str = DEFAULT_DISEASE) -> str:
        seen.append(disease)
        return disease

    backend = DictCache()
    layer = db.current().variant(cache=ResultCache(backend))
    with layer.active():
        assert probe(scope=Scope.full()) == "covid19"
        with db.disease_chosen("influensa"):
            assert probe(scope=Scope.full()) == "influensa"  # not covid19's cached answer
            assert probe(scope=Scope.full(), disease="covid19") == "covid19"  # named: kept
        assert probe(scope=Scope.full()) == "covid19"  # the choice ends with the block
    assert seen == ["covid19", "influensa", "covid19"]
    assert len(backend.store) == 3  # covid19, influenza, covid19 named under influenza


def test_an_unknown_disease_is_never_chosen() -> None:
    with pytest.raises(ValueError):
        db.choose_disease("<script>")
    assert db.chosen_disease() == DEFAULT_DISEASE


def test_every_read_with_a_default_disease_follows_the_choice() -> None:
    """A read whose ``disease`` defaults to the default disease must be a cached read (which
    fills in the chosen one); an uncached one takes None for the chosen one: no read answers
    for covid-19 while the user chose influenza."""
    import importlib
    import inspect
    import pkgutil

    import data

    wrong = []
    for info in pkgutil.walk_packages(data.__path__, "data."):
        if any(part in info.name for part in ("migrations", "synthetic", "importers")):
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if not callable(fn) or getattr(fn, "__module__", None) != module.__name__:
                continue
            if name.startswith("_") or inspect.isclass(fn):
                continue
            try:
                parameter = inspect.signature(fn).parameters.get("disease")
            except (TypeError, ValueError):
                continue
            writes = name.startswith(("record", "compute", "derive", "rederive", "refresh"))
            if parameter is None or writes or parameter.default != DEFAULT_DISEASE:
                continue
            if not hasattr(fn, "cached_value") and not hasattr(fn, "__wrapped__"):
                wrong.append(f"{module.__name__}.{name}")
    assert not wrong, f"reads answering for covid-19 whatever was chosen: {wrong}"


# ----------------------------------------------------------------------------- over HTTP
def _cards(response: dict[str, Any]) -> str:
    return json.dumps(response["kommune-cards"]["children"], ensure_ascii=False)


def test_influenza_and_covid_never_share_a_cached_answer(app: Any) -> None:
    """The same callback request (kommune, date) from two tabs, one per disease: each gets
    its own disease's answer, the second never the first's cached response."""
    day = queries.dataset_info(scope=Scope.full())["data_date"] - dt.timedelta(days=5)
    covid = tab(app, "covid19")
    status, first, _size = call_kommune(covid, KOMMUNE, day)
    assert status == 200
    influenza = tab(app, "influensa")
    response = influenza.post("/_dash-update-component", json=_kommune_body(day))
    assert response.status_code == 200
    assert response.headers.get("X-Response-Cache") != "hit"
    other = response.get_json()["response"]
    with db.disease_chosen("influensa"):
        expected = _published_cases(day)
    with db.disease_chosen("covid19"):
        covid_expected = _published_cases(day)
    assert expected != covid_expected  # the test data differ between the diseases
    assert _cards(first["response"]) != _cards(other)
    # and each again is its own disease's answer, now from the cache
    again = covid.post("/_dash-update-component", json=_kommune_body(day))
    assert again.headers.get("X-Response-Cache") == "hit"
    assert _cards(again.get_json()["response"]) == _cards(first["response"])
    again = influenza.post("/_dash-update-component", json=_kommune_body(day))
    assert again.headers.get("X-Response-Cache") == "hit"
    assert _cards(again.get_json()["response"]) == _cards(other)


def _kommune_body(day: dt.date) -> dict[str, Any]:
    from tests.dash_http import KOMMUNE_OUTPUTS, output_key

    return {
        "output": output_key(KOMMUNE_OUTPUTS),
        "outputs": [{"id": i, "property": p} for i, p in KOMMUNE_OUTPUTS],
        "inputs": [
            {"id": "kommune-select", "property": "value", "value": KOMMUNE},
            {"id": "kommune-date", "property": "date", "value": day.isoformat()},
        ],
        "changedPropIds": [],
        "state": [],
    }


def _published_cases(day: dt.date) -> float:
    from data.queries import key_figures

    frame = key_figures.published_series(
        scope=Scope.full(), area=KOMMUNE, start=day - dt.timedelta(days=6), end=day
    )
    return float(frame["cases"].sum()) if not frame.empty else 0.0


def _layout(client: Any, path: str = "/") -> Any:
    response = client.get("/_dash-layout")
    assert response.status_code == 200
    return response.get_json()


def _nav_links(layout: Any) -> list[str]:
    nav = find(layout, "main-nav")
    hrefs: list[str] = []

    def walk(tree: Any) -> None:
        if isinstance(tree, dict):
            href = tree.get("props", {}).get("href")
            if href:
                hrefs.append(href)
            for value in tree.values():
                walk(value)
        elif isinstance(tree, list):
            for value in tree:
                walk(value)

    walk(nav)
    return hrefs


def test_the_menu_keeps_the_disease_and_leaves_out_what_it_lacks(app: Any) -> None:
    covid = _nav_links(_layout(tab(app, None)))
    assert any(h.startswith("/sertifikat/") for h in covid)
    assert all("sykdom=" not in h for h in covid)
    layout = _layout(tab(app, "influensa"))
    assert find(layout, "disease-select")["props"]["value"] == "influensa"
    influenza = _nav_links(layout)
    assert influenza and all(h.endswith("?sykdom=influensa") for h in influenza)
    # certificates, vaccination by age and arrivals exist for covid-19 only (data.codes)
    for page in ("/sertifikat/", "/vaksinasjon/", "/innreise/"):
        assert not any(h.startswith(page) for h in influenza), page
    assert any(h.startswith("/testing/") for h in influenza)


def test_a_page_the_disease_lacks_says_so(app: Any) -> None:
    influenza = tab(app, "influensa")
    body = {
        "output": "..sertifikat-title.children..",
        "outputs": [{"id": i, "property": p} for i, p in subject_outputs("sertifikat")],
        "inputs": [
            {"id": "sertifikat-select", "property": "value", "value": KOMMUNE},
            {"id": "sertifikat-date", "property": "date", "value": None},
        ],
        "changedPropIds": [],
    }
    from tests.dash_http import output_key

    body["output"] = output_key(subject_outputs("sertifikat"))
    response = influenza.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    alert = " ".join(texts(response.get_json()["response"]["sertifikat-alert"]["children"]))
    assert "finnes bare for covid-19" in alert and "influensa" in alert


# ----------------------------------------------------------------------------- attacks
@pytest.mark.parametrize(
    "value", ["<script>alert(1)</script>", "covid19'; DROP TABLE x;--", "x" * 5000, "COVID19"]
)
def test_garbage_disease_is_handled(app: Any, value: str) -> None:
    client = tab(app, None)
    # a page: the default disease, and a message saying so (never a 500)
    assert client.get("/", query_string={"sykdom": value}).status_code == 200
    client.environ_base["HTTP_X_SYKDOM"] = value
    layout = _layout(client)
    assert find(layout, "disease-select")["props"]["value"] == DEFAULT_DISEASE
    warning = " ".join(texts(find(layout, "unknown-disease")))
    assert "Ukjent sykdom" in warning and value[:40] in warning
    status, body, _size = call_kommune(client, KOMMUNE)
    assert status == 200 and body["response"]["kommune-cards"]["children"]
    # the API: a 400 with a message
    api = tab(app, None)
    response = api.get(
        "/api/v1/series",
        query_string={"indicator": "cases_7d", "area": KOMMUNE, "disease": value},
    )
    assert response.status_code == 400
    assert "Ukjent sykdom" in response.get_json()["error"]


def test_the_api_answers_for_the_disease_it_is_asked(app: Any) -> None:
    api = tab(app, None)
    day = queries.dataset_info(scope=Scope.full())["data_date"]
    answers = {}
    for disease in ("covid19", "influensa"):
        response = api.get(
            "/api/v1/series",
            query_string={
                "indicator": "cases_7d",
                "area": KOMMUNE,
                "disease": disease,
                "from": (day - dt.timedelta(days=13)).isoformat(),
                "to": day.isoformat(),
            },
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        answers[disease] = response.get_json()
        assert answers[disease]["disease"] == disease
    assert answers["covid19"]["values"] != answers["influensa"]["values"]
