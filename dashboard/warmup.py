"""The morning's pages computed before anyone asks: the warm-up after each load or import.

At 07:45 every kommuneoverlege opens a different kommune's Morgenbrief; without a warm-up each
of those first requests computes its page (0.3–2 s at full scale). So, whenever the data
version changes (a load, an import, a restart), a background thread asks the app for each
kommune's Morgenbrief and Kommune page (and the Kommuneoversikt) as each warm-up role would
see them, for the latest data date, through the same request path a browser uses: the
response cache (dashboard/response_cache.py) stores each answer under the key a browser's
request will have (the callback's inputs, the scope of the role, the language, the data
version). The first reader of any kommune's brief then gets a stored answer.

- Roles (setting ``WARMUP_ROLES``): the kommuneoverlege of each kommune (their own scope and
  small-number policy) and the KS-analytiker (the protected policy, every kommune). Scopes
  differ by role and kommune, so each gets its own entries; nobody is served another scope's
  page (the key carries the scope).
- It yields to people: before each page it waits while user requests are in flight.
- With Redis (scale mode) the workers share the cache: one worker claims the warm-up of a data
  version, the others skip it. With the in-process cache each worker warms its own.
- Progress is shared through the cache and shown in the header ("Forbereder sidene …") and as
  JSON at ``/status/warmup``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dash import Dash
from flask import Flask, g, jsonify, request

from dashboard import response_cache
from dashboard.auth import User
from data import cache as data_cache
from data import db, queries
from geo import reference

log = logging.getLogger(__name__)

STATE_KEY = "sb:warmup:state"
CLAIM_KEY = "sb:warmup:claim:"
ENVIRON_FLAG = "situasjonsbilde.warmup"
POLL_SECONDS = 30.0

# The main callback of each warmed page (its first output id) and how its inputs are named.
PAGES = {"brief-title": "brief", "kommune-title": "kommune"}
# Pages of all kommuner at once, by role: the Kommuneoversikt (its table, for the date).
OVERVIEW_PAGES = {"ks_analytiker": (("ov-table", "ov-date.date"),)}
# Which pages each role opens in the morning; a role without a kommune reads every kommune's.
ROLE_PAGES = {
    "kommuneoverlege": ("brief-title", "kommune-title"),
    "ks_analytiker": ("brief-title",),
}


@dataclass(frozen=True)
class Item:
    user: User
    body: dict[str, Any]


def _dependency(app: Dash, first_output: str) -> dict[str, Any]:
    for dep in app._callback_list:
        if response_cache.first_output_id(dep) == first_output:
            return dict(dep)
    raise LookupError(f"no callback with output {first_output}")


def callback_body(dep: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The request body the browser sends for one callback on a page's first view: every
    input and state from ``values`` (by ``"id.property"``), nothing marked as changed."""

    def prop(item: dict[str, Any]) -> dict[str, Any]:
        key = f"{item['id']}.{item['property']}"
        return {"id": item["id"], "property": item["property"], "value": values.get(key)}

    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
        for o in dep["output"].strip(".").split("...")
    ]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": [prop(i) for i in dep["inputs"]],
        "changedPropIds": [],
        "state": [prop(s) for s in dep.get("state", [])],
    }


def _users(
    roles: tuple[str, ...], kommuner: list[str] | None
) -> Iterator[tuple[str, User, list[str]]]:
    table = reference.kommuner(2024)
    if kommuner is not None:
        table = table[table["kommunenummer"].isin(kommuner)]
    everyone = list(table["kommunenummer"])
    for role in roles:
        if role == "kommuneoverlege":
            for row in table.itertuples():
                user = User(
                    id=f"warmup-{role}-{row.kommunenummer}",
                    display_name="warm-up",
                    roles=(role,),
                    kommunenummer=row.kommunenummer,
                    fylkesnummer=row.fylkesnummer,
                )
                yield role, user, [row.kommunenummer]
        else:
            yield role, User(id=f"warmup-{role}", display_name="warm-up", roles=(role,)), everyone


def items(
    app: Dash, roles: tuple[str, ...], date: str, *, kommuner: list[str] | None = None
) -> list[Item]:
    """What to warm, most needed first: the kommuneoverleger's briefs, then their Kommune
    pages, then the other roles' pages (the KS-analytiker's Kommuneoversikt first)."""
    deps = {first: _dependency(app, first) for first in PAGES}
    by_page: dict[str, list[Item]] = {first: [] for first in PAGES}
    rest: list[Item] = []
    for role, user, areas in _users(roles, kommuner):
        for first, date_input in OVERVIEW_PAGES.get(role, ()):
            rest.insert(0, Item(user, callback_body(_dependency(app, first), {date_input: date})))
        for first in ROLE_PAGES.get(role, ("brief-title",)):
            prefix = PAGES[first]
            for kommune in areas:
                body = callback_body(
                    deps[first], {f"{prefix}-select.value": kommune, f"{prefix}-date.date": date}
                )
                (by_page[first] if role == "kommuneoverlege" else rest).append(Item(user, body))
    return [*by_page["brief-title"], *by_page["kommune-title"], *rest]


class Warmup:
    """The warm-up of one app: a background thread, or :meth:`run` called directly."""

    def __init__(
        self,
        app: Dash,
        *,
        roles: tuple[str, ...],
        kommuner: list[str] | None = None,
        layer: db.DataLayer | None = None,
    ) -> None:
        self.app = app
        self.layer = layer or db.current()  # the app's (its requests activate it too)
        self.server: Flask = app.server
        self.roles = roles
        self.kommuner = kommuner
        self._thread: threading.Thread | None = None
        self.warmed_version: str | None = None
        self.local_state: dict[str, Any] = {"state": "idle"}

    @staticmethod
    def _wait_for_people() -> None:
        # yield to user requests; never starve: after a second, go on anyway
        deadline = time.monotonic() + 1.0
        while _in_flight[0] > 0 and time.monotonic() < deadline:
            time.sleep(0.02)

    def _publish(self, state: dict[str, Any]) -> None:
        self.local_state = state
        data_cache.store(STATE_KEY, json.dumps(state), timeout=24 * 3600)

    def state(self) -> dict[str, Any]:
        return shared_state() or self.local_state

    def call(self, item: Item) -> int:
        """One page through the app's own request path, as ``item.user``."""
        with self.server.test_request_context(
            response_cache.ROUTE,
            method="POST",
            data=json.dumps(item.body),
            content_type="application/json",
            environ_base={ENVIRON_FLAG: True},
        ):
            g._login_user = item.user  # flask-login's current user for this request
            response = self.server.full_dispatch_request()
            return response.status_code

    def run(self, version: str | None = None) -> dict[str, Any]:
        """Warm every page for the current data version; returns the final state."""
        with self.layer.active():
            return self._run(version)

    def _run(self, version: str | None) -> dict[str, Any]:
        version = version or queries.read_data_version()
        date = queries.dataset_info(scope=_system_scope())["data_date"].isoformat()
        todo = items(self.app, self.roles, date, kommuner=self.kommuner)
        started = time.time()
        state: dict[str, Any] = {
            "state": "running",
            "version": version,
            "date": date,
            "done": 0,
            "total": len(todo),
            "failed": 0,
            "started": started,
            "worker": os.getpid(),
        }
        self._publish(state)
        for n, item in enumerate(todo, start=1):
            if queries.read_data_version() != version:
                state["state"] = "superseded"
                break
            self._wait_for_people()
            try:
                status = self.call(item)
            except Exception:  # a page that fails is the page's bug; the warm-up goes on
                log.exception("warm-up of %s failed", item.body.get("output"))
                status = 500
            state["failed"] += status != 200
            state["done"] = n
            if n % 20 == 0 or n == len(todo):
                state["seconds"] = round(time.time() - started, 1)
                self._publish(dict(state))
        else:
            state["state"] = "done"
        state["seconds"] = round(time.time() - started, 1)
        self._publish(state)
        self.warmed_version = version
        log.info(
            "warm-up %s: %s of %s pages in %.0f s",
            state["state"],
            state["done"],
            state["total"],
            state["seconds"],
        )
        return state

    def _claim(self, version: str) -> bool:
        backend = data_cache.backend()
        primary = getattr(backend, "primary", backend)
        add = getattr(primary, "add", None)
        if add is None or type(primary).__name__ == "SimpleCache":
            return True  # an in-process cache: this worker warms its own
        try:
            return bool(add(CLAIM_KEY + version, "1", timeout=24 * 3600))
        except Exception:
            return True

    def _loop(self) -> None:
        with self.layer.active():  # a thread of its own: the app's data layer
            self._watch()

    def _watch(self) -> None:
        while True:
            try:
                version = queries.read_data_version()
                if version != self.warmed_version:
                    if self._claim(version):
                        self.run(version)
                    else:
                        self.warmed_version = version
            except Exception:  # no data yet, database away: try again later
                log.exception("warm-up could not run")
            time.sleep(POLL_SECONDS)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="warmup", daemon=True)
            self._thread.start()


def _system_scope() -> Any:
    from data.scope import Scope

    return Scope.full("warmup")


def shared_state() -> dict[str, Any] | None:
    """The warm-up's progress as any worker last published it (None: never ran)."""
    backend = data_cache.backend()
    if backend is None:
        return None
    raw = backend.get(STATE_KEY)
    return json.loads(raw) if raw else None


EXTENSION = "situasjonsbilde.warmup"
_instance: Warmup | None = None
_in_flight = [0]  # user requests being served now (the warm-up's own are not counted)
_in_flight_lock = threading.Lock()


def install(app: Dash, layer: db.DataLayer, *, roles: tuple[str, ...]) -> Warmup:
    """Create the app's warm-up, count user requests in flight and serve the status route;
    :meth:`Warmup.start` runs it."""
    global _instance
    _instance = app.server.extensions[EXTENSION] = Warmup(app, roles=roles, layer=layer)

    @app.server.before_request
    def count_in() -> None:
        if not request.environ.get(ENVIRON_FLAG):
            with _in_flight_lock:
                _in_flight[0] += 1
            g.warmup_counted = True

    @app.server.teardown_request
    def count_out(_error: BaseException | None) -> None:
        if g.pop("warmup_counted", False):
            with _in_flight_lock:
                _in_flight[0] -= 1

    @app.server.route("/status/warmup", methods=["GET"])
    def warmup_status() -> Any:
        # "shared": one warm-up serves every worker (Redis); else each worker reports its own
        shared = type(getattr(data_cache.backend(), "primary", None)).__name__ == "RedisCache"
        return jsonify({**(shared_state() or {"state": "idle"}), "shared": shared})

    return _instance


def current(app: Dash | None = None) -> Warmup | None:
    """The warm-up of ``app`` (None: of the app built last)."""
    if app is not None:
        found: Warmup | None = app.server.extensions.get(EXTENSION)
        return found
    return _instance
