"""Whole responses of read-only page callbacks come from the result cache
(``dashboard/response_cache.py``): an identical request of the same user is answered without
running the callback; another scope, another language or a new data version runs it again; a
refused (audited) request is never stored, so every repeat is audited again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import callbacks.smittekart as smittekart
from dashboard.app_factory import data_layer
from data import db, queries
from data.load import bump_data_version
from data.scope import Scope
from tests.conftest import login
from tests.dash_http import KOMMUNE_OUTPUTS, MAP_OUTPUTS, call


def _map(client: Any, day: dt.date, metric: str = "cases_7d") -> tuple[int, bytes]:
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "..map.figure...map-date.date...map-definition.children..."
            "map-summary.children...map-rendered.data..",
            "outputs": [{"id": i, "property": p} for i, p in MAP_OUTPUTS],
            "inputs": [
                {"id": "map-metric", "property": "value", "value": metric},
                {"id": "map-date", "property": "date", "value": day.isoformat()},
                {"id": "map-structure", "property": "value", "value": None},
            ],
            "changedPropIds": ["map-metric.value"],
            "state": [{"id": "map-rendered", "property": "data", "value": True}],
        },
    )
    return response.status_code, response.get_data()


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = smittekart.map_values

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(smittekart, "map_values", counting)
    return calls


def test_identical_request_is_served_from_the_cache_per_scope_language_and_version(
    app, counted: list[int]
) -> None:  # type: ignore[no-untyped-def]
    day = queries.dataset_info(scope=Scope.full())["data_date"] - dt.timedelta(days=3)
    analyst = login(app.server.test_client(), "ks-analytiker")
    status, first = _map(analyst, day)
    assert status == 200 and len(counted) == 1
    status, again = _map(analyst, day)
    assert status == 200 and again == first
    assert len(counted) == 1  # not run again

    # another scope: its own response (Bergen's doctor sees one kommune, not the country)
    county = login(app.server.test_client(), "fylkeslege-vestland")
    status, other = _map(county, day)
    assert status == 200 and len(counted) == 2 and other != first

    # another language: run again
    analyst.set_cookie("sb_lang", "en")
    status, english = _map(analyst, day)
    assert status == 200 and len(counted) == 3
    analyst.delete_cookie("sb_lang")

    # a load bumps the data version: run again
    _map(analyst, day)  # stored under the version as read now
    calls = len(counted)
    with data_layer(app).engine().begin() as conn:
        bump_data_version(conn)
    data_layer(app).cache.invalidate_version()
    status, after = _map(analyst, day)
    assert status == 200 and len(counted) == calls + 1
    del english, after


def test_refused_requests_are_never_stored_and_audited_every_time(app) -> None:  # type: ignore[no-untyped-def]
    client = login(app.server.test_client(), "lege-utsira")
    day = queries.dataset_info(scope=Scope.full())["data_date"]

    def refusals() -> int:  # read from the table itself
        from sqlalchemy import func, select

        from data.schema import AuditLog

        with db.engine().connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(AuditLog)
                    .where(AuditLog.user_id == "lege-utsira", AuditLog.action == "refused")
                ).scalar_one()
            )

    before = refusals()

    def ask_for_oslo() -> int:
        status, _body, _ = call(
            client,
            outputs=KOMMUNE_OUTPUTS,
            inputs=[
                ("kommune-select", "value", "0301"),
                ("kommune-date", "date", day.isoformat()),
            ],
        )
        return status

    ask_for_oslo()
    ask_for_oslo()
    refused = refusals() - before
    assert refused >= 2  # both refusals audited, the second not answered from the cache


def test_every_declared_subject_page_is_cached(app) -> None:  # type: ignore[no-untyped-def]
    """A subject page is cached because it is declared (callbacks/subjects/), not because a
    list names it: each declared page's callbacks, found as a browser finds them, answer a
    repeat from the cache."""
    from callbacks.subjects import pages
    from dashboard import response_cache
    from tests.dash_http import dependency_body, kommune_page_callbacks

    client = login(app.server.test_client(), "ks-analytiker")
    day = queries.dataset_info(scope=Scope.full())["data_date"].isoformat()
    prefixes = {f"{page.prefix}-" for page in pages()}
    deps = [
        dep
        for dep in kommune_page_callbacks(client)
        if any(dep["output"].strip(".").startswith(p) for p in prefixes)
    ]
    assert len(deps) >= len(prefixes) + 1  # a main callback each, and Koronasertifikat's deferred
    for dep in deps:
        body = dependency_body(dep, kommune="0301", date=day)
        first = client.post(response_cache.ROUTE, json=body)
        again = client.post(response_cache.ROUTE, json=body)
        assert first.status_code == again.status_code == 200, dep["output"]
        assert again.headers.get(response_cache.HEADER) == "hit", dep["output"]
        assert again.get_data() == first.get_data()
