"""Whole callback responses of the read-only page callbacks, from the result cache.

A warm page callback still rebuilds its figures and tables from cached reads on every request
(pandas and Plotly work, 20–150 ms of CPU), which caps a 2-core server far below the load
budget. The serialised response of the callbacks listed in ``CACHEABLE`` is therefore kept in
the result cache (Redis in scale mode), keyed like every cached read: the request body
(inputs, state, which input changed), the user's scope, the language, the chosen disease
(:mod:`dashboard.disease`, in every key of the result cache) and the data version. So no user is
ever served another scope's or another disease's response, and a load (version bump) is seen
at once.

Only pure read callbacks are listed: nothing that writes (subscriptions, rule edits), nothing
that reads the tracing store (every tracing read is audited, so it must run); a response
whose making wrote an audit record (a refusal), that carries side updates (an outage banner,
a scope refusal) or that came while the data source was unreachable is never stored.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Collection
from typing import Any

from flask import Flask, Response, g, request

from dashboard.auth import current_scope
from data import audit, db
from data import cache as data_cache

# The first output id of the callbacks whose responses may be stored: the map, and the main
# callbacks of the kommune and other pages (reads only, no tracing store). The subject pages
# are not listed: each declared one adds its own when it registers (callbacks/subject_page.py),
# so a subject page is cached because it is declared.
CACHEABLE: set[str] = {
    "map",
    "ov-table",
    "kommune-title",
    "brief-title",
    "signaler-table",
    "regler-title",
    "regler-diff",
}


def declare_cacheable(output_id: str) -> None:
    """Store the responses of the callback whose first output is ``output_id`` (a pure read)."""
    CACHEABLE.add(output_id)


ROUTE = "/_dash-update-component"
# Keys carry the data version, so an entry can never outlive its data; it may outlive the
# morning, so that the warm-up (dashboard/warmup.py) done after a night's import still serves.
TIMEOUT_SECONDS = 24 * 3600
HEADER = "X-Response-Cache"


def request_key(body: dict[str, Any]) -> str:
    """What a callback's answer depends on in its request: the callback, its inputs and state
    and which input changed, in one canonical form (the order of the JSON keys, an unset value
    and the derived fields a browser adds do not matter)."""

    def values(items: Any) -> Any:
        if not isinstance(items, list):
            return items
        return [
            {"id": i.get("id"), "property": i.get("property"), "value": i.get("value")}
            if isinstance(i, dict)
            else values(i)
            for i in items
        ]

    canonical = {
        "output": body.get("output"),
        "inputs": values(body.get("inputs") or []),
        "state": values(body.get("state") or []),
        "changed": sorted(map(str, body.get("changedPropIds") or [])),
    }
    return json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def first_output_id(body: dict[str, Any]) -> str:
    return str(body.get("output", "")).strip(".").split(".")[0]


def init_response_cache(server: Flask, *, cacheable: Collection[str] = CACHEABLE) -> None:
    @server.before_request
    def serve_cached_response() -> Response | None:
        if request.method != "POST" or request.path != ROUTE:
            return None
        raw = request.get_data(cache=True)
        try:
            body = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(body, dict) or first_output_id(body) not in cacheable:
            return None
        try:
            key, hit = data_cache.lookup("dashboard.response", (request_key(body), current_scope()))
        except db.DataSourceUnavailable:
            return None  # the callback itself shows the outage banner
        if key is None:
            return None
        if hit is not None:
            return Response(
                zlib.decompress(hit),
                status=200,
                mimetype="application/json",
                headers={HEADER: "hit"},
            )
        g.response_cache_key = key
        g.response_cache_audits = audit.records_in_this_thread()
        return None

    @server.after_request
    def store_response(response: Response) -> Response:
        key = g.pop("response_cache_key", None)
        if (
            key is not None
            and response.status_code == 200
            and not response.direct_passthrough
            and db.outage_since() is None
            and audit.records_in_this_thread() == g.pop("response_cache_audits", -1)
        ):
            data = response.get_data()
            if b'"sideUpdate"' not in data:
                # compressed: a tenth of the memory in the cache (and of the Redis traffic)
                data_cache.store(key, zlib.compress(data, 1), timeout=TIMEOUT_SECONDS)
                response.headers[HEADER] = "stored"
        return response
