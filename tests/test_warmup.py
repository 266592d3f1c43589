"""The warm-up (``dashboard/warmup.py``): after it has run, the first real request for any
kommune's Morgenbrief — sent as the browser sends it, by a user of a warmed role — is answered
from the response cache with the same answer the page computes itself; another scope is never
served a warmed entry; a new data version is warmed again; the header and ``/status/warmup``
say how far it has come."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dashboard import response_cache, warmup
from dashboard.app_factory import data_layer
from data import queries
from data.load import bump_data_version
from data.scope import Scope
from tests.conftest import login

BRIEF_OUTPUT = (
    "..brief-title.children...brief-alert.children...brief-body.children..."
    "brief-incidence.figure...brief-daily.figure...brief-pdf.href...brief-date.date..."
    "brief-source.children.."
)


def _browser_body(kommune: str, date: str) -> dict[str, Any]:
    """What chromium sent for /morgenbrief/<kommune> (captured from a real page load): key
    order, ``outputs`` and ``parsedChangedPropsIds`` as the renderer writes them."""
    return {
        "output": BRIEF_OUTPUT,
        "outputs": [
            {"id": o.split(".")[0], "property": o.split(".")[1]}
            for o in BRIEF_OUTPUT.strip(".").split("...")
        ],
        "inputs": [
            {"id": "brief-select", "property": "value", "value": kommune},
            {"id": "brief-date", "property": "date", "value": date},
        ],
        "changedPropIds": [],
        "parsedChangedPropsIds": [],
    }


def _new_version(app: Any) -> None:
    with data_layer(app).engine().begin() as conn:
        bump_data_version(conn)
    data_layer(app).cache.invalidate_version()


def _post(client: Any, body: dict[str, Any]) -> tuple[str | None, Any]:
    # the browser's serialisation, not Flask's sorted one
    response = client.post(
        response_cache.ROUTE, data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.headers.get(response_cache.HEADER), response.get_json()


@pytest.fixture()
def warmed(app) -> Any:  # type: ignore[no-untyped-def]
    # a version nobody has asked for yet: the run below is the first to fill it
    _new_version(app)
    return warmup.Warmup(
        app, roles=("kommuneoverlege",), kommuner=["0301", "1151"], layer=data_layer(app)
    )


def test_first_request_after_the_warmup_is_a_hit_with_the_pages_own_answer(
    app, warmed: Any
) -> None:  # type: ignore[no-untyped-def]
    date = queries.dataset_info(scope=Scope.full())["data_date"].isoformat()
    oslo = login(app.server.test_client(), "lege-oslo")
    utsira = login(app.server.test_client(), "lege-utsira")

    # before: the first request computes (and stores) the page
    how, cold = _post(oslo, _browser_body("0301", date))
    assert how == "stored"

    _new_version(app)
    state = warmed.run()
    assert state["state"] == "done" and state["failed"] == 0
    assert state["done"] == state["total"] == 2 * 3  # brief, map and Kommune page each

    how, warm = _post(oslo, _browser_body("0301", date))
    assert how == "hit"
    assert warm == cold  # the same answer the page computes itself
    # Utsira's own brief was warmed too, under Utsira's scope
    how, _ = _post(utsira, _browser_body("1151", date))
    assert how == "hit"
    # another scope is never served the warmed Oslo entry
    how, refused = _post(utsira, _browser_body("0301", date))
    assert how != "hit"
    assert json.dumps(refused) != json.dumps(warm)

    # the status route and the header's status line say it is done
    status = oslo.get("/status/warmup").get_json()
    assert status["state"] == "done" and status["done"] == status["total"]

    # a new data version: the warmed entries are not served, the next run fills them again
    _new_version(app)
    how, _ = _post(oslo, _browser_body("0301", date))
    assert how == "stored"


def test_warmup_status_needs_a_login(anonymous_client) -> None:  # type: ignore[no-untyped-def]
    response = anonymous_client.get("/status/warmup")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
