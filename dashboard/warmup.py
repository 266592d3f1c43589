"""The morning's pages computed before anyone asks: the warm-up after each load or import.

At 07:45 every kommuneoverlege opens a different kommune's Morgenbrief; without a warm-up each
of those first requests computes its page (0.3–2 s at full scale). So, whenever the data
version changes (a load, an import, a restart), a background thread asks the app for each
kommune's Morgenbrief and Kommune page, the map and the Kommuneoversikt, as each warm-up role
would see them, for the latest data date, through the same request path a browser uses and
with the request the browser sends (its values come from the page's own layout,
:func:`first_view_values`): the response cache (dashboard/response_cache.py) stores each
answer under the key the browser's request will have (the callback's inputs, the scope of the
role, the language, the data version and the disclosure policy). The first reader of any
kommune's brief then gets a stored answer; a new data version has other keys, so an old
picture is never served.

- Roles (setting ``WARMUP_ROLES``): the kommuneoverlege of each kommune (their own scope and
  small-number policy) and the KS-analytiker (the protected policy, every kommune). Scopes
  differ by role and kommune, so each gets its own entries; nobody is served another scope's
  page (the key carries the scope). What comes first: :data:`ORDER`.
- It yields to people: before each page it waits while user requests are in flight.
- One warm-up serves every worker: the responses live in the shared cache (Redis in scale
  mode, the shared folder of the embedded default: dashboard/result_cache.py), and the
  workers split the pages: each claims :data:`CHUNK` pages at a time (an atomic add), so each
  page is warmed once, by whichever worker is free, and the warm-up takes as many cores.
- Progress is shared through the cache and shown in the header ("Forbereder sidene …") and as
  JSON at ``/status/warmup``.
"""

from __future__ import annotations

import importlib
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

from dashboard import response_cache, result_cache
from dashboard.auth import User
from data import cache as data_cache
from data import db, queries
from geo import reference

log = logging.getLogger(__name__)

STATE_KEY = "sb:warmup:state"
CLAIM_KEY = "sb:warmup:claim:"
DONE_KEY = "sb:warmup:done:"
CHUNK = 10  # pages a worker claims at a time
ENVIRON_FLAG = "situasjonsbilde.warmup"
POLL_SECONDS = 30.0


@dataclass(frozen=True)
class Page:
    """A warmed page: its main callback (the first output id) and the layout module that
    draws the page (the values that callback's first request carries come from it)."""

    first_output: str
    layout: str
    per_kommune: bool


PAGES = {
    "brief": Page("brief-title", "layouts.morgenbrief", per_kommune=True),
    "kommune": Page("kommune-title", "layouts.kommune", per_kommune=True),
    "map": Page("map", "layouts.smittekart", per_kommune=False),
    "overview": Page("ov-table", "layouts.oversikt", per_kommune=False),
}
# What is warmed, in the order people open it in the morning: each kommuneoverlege's own
# brief, the KS-analytiker's map and Kommuneoversikt, the KS-analytiker's briefs of every
# kommune, then each kommuneoverlege's Kommune page and map. A per-kommune page is warmed for
# each kommune of the role's area (a kommuneoverlege: the own).
ORDER = (
    ("kommuneoverlege", "brief"),
    ("ks_analytiker", "map"),
    ("ks_analytiker", "overview"),
    ("ks_analytiker", "brief"),
    ("kommuneoverlege", "kommune"),
    ("kommuneoverlege", "map"),
)
OTHER_ROLES_PAGES = ("brief",)  # a role configured in WARMUP_ROLES but not named above


@dataclass(frozen=True)
class Item:
    user: User
    page: Page
    kommune: str | None = None


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


def first_view_values(page: Page, kommune: str | None) -> dict[str, Any]:
    """Every ``"id.property"`` of the page's layout as it is sent to the browser (what the
    page's callbacks receive on its first view): the warmed request is the browser's own, so
    its key is the one the browser's request will have. Call in a request of the user."""
    module = importlib.import_module(page.layout)
    tree = module.layout(kommunenummer=kommune) if page.per_kommune else module.layout()
    values: dict[str, Any] = {}
    for component in [tree, *(c for c in tree._traverse())]:
        ident = getattr(component, "id", None)
        if not isinstance(ident, str):
            continue
        for name in component._prop_names:
            value: Any = getattr(component, name, None)
            values[f"{ident}.{name}"] = (
                value.to_plotly_json() if hasattr(value, "to_plotly_json") else value
            )
    return values


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


def items(roles: tuple[str, ...], *, kommuner: list[str] | None = None) -> list[Item]:
    """What to warm, in :data:`ORDER` (then the other configured roles' briefs)."""
    users = list(_users(roles, kommuner))
    order = [step for step in ORDER if step[0] in roles]
    order += [(r, p) for r in roles if r not in {s[0] for s in ORDER} for p in OTHER_ROLES_PAGES]
    out: list[Item] = []
    for role, name in order:
        page = PAGES[name]
        for user_role, user, areas in users:
            if user_role != role:
                continue
            if page.per_kommune:
                out.extend(Item(user, page, kommune) for kommune in areas)
            else:
                out.append(Item(user, page))
    return out


class Warmup:
    """The warm-up of one app: a background thread, or :meth:`run` called directly."""

    def __init__(
        self,
        app: Dash,
        *,
        roles: tuple[str, ...],
        kommuner: list[str] | None = None,
        layer: db.DataLayer | None = None,
        chunk: int = CHUNK,
    ) -> None:
        self.app = app
        self.layer = layer or db.current()  # the app's (its requests activate it too)
        self.server: Flask = app.server
        self.roles = roles
        self.kommuner = kommuner
        self.chunk = chunk
        self.warmed_pages = 0  # by this worker (the others warm the rest)
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

    def body(self, item: Item) -> dict[str, Any]:
        """The request the browser sends for ``item``'s page on its first view."""
        with self.server.test_request_context("/", environ_base={ENVIRON_FLAG: True}):
            g._login_user = item.user
            values = first_view_values(item.page, item.kommune)
        return callback_body(_dependency(self.app, item.page.first_output), values)

    def call(self, item: Item) -> int:
        """One page through the app's own request path, as ``item.user``."""
        with self.server.test_request_context(
            response_cache.ROUTE,
            method="POST",
            data=json.dumps(self.body(item)),
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
        todo = items(self.roles, kommuner=self.kommuner)
        chunks = [todo[i : i + self.chunk] for i in range(0, len(todo), self.chunk)]
        result_cache.remove_expired(data_cache.backend())
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
        # what the other workers have warmed of this version already counts
        self._publish(self._progress(state, version, len(chunks), started))
        superseded = False
        for index, chunk in enumerate(chunks):
            if queries.read_data_version() != version:
                superseded = True
                break
            # the workers sharing the cache split the pages: each chunk is warmed once
            if not self._claim(f"{version}:{index}"):
                continue
            failed = 0
            for item in chunk:
                self._wait_for_people()
                try:
                    status = self.call(item)
                except Exception:  # a page that fails is the page's bug; the warm-up goes on
                    log.exception("warm-up of %s %s failed", item.page.first_output, item.kommune)
                    status = 500
                failed += status != 200
            self.warmed_pages += len(chunk)
            data_cache.store(
                f"{DONE_KEY}{version}:{index}", f"{len(chunk)},{failed}", timeout=24 * 3600
            )
            self._publish(self._progress(state, version, len(chunks), started))
        state = self._progress(state, version, len(chunks), started)
        if superseded:
            state["state"] = "superseded"
        self._publish(state)
        self.warmed_version = version
        log.info(
            "warm-up %s: %s of %s pages (%s by this worker) in %.0f s",
            state["state"],
            state["done"],
            state["total"],
            self.warmed_pages,
            state["seconds"],
        )
        return state

    def _progress(
        self, state: dict[str, Any], version: str, chunks: int, started: float
    ) -> dict[str, Any]:
        """``state`` with the pages every worker has warmed of ``version`` so far."""
        backend = data_cache.backend()
        done = failed = 0
        for index in range(chunks):
            mark = backend.get(f"{DONE_KEY}{version}:{index}") if backend is not None else None
            if mark:
                pages, bad = map(int, str(mark).split(","))
                done, failed = done + pages, failed + bad
        if backend is None:  # nothing shared, nothing kept: this worker's own count
            done = self.warmed_pages
        finished = done >= state["total"]
        return {
            **state,
            "done": done,
            "failed": failed,
            "state": "done" if finished else "running",
            "seconds": round(time.time() - started, 1),
        }

    def _claim(self, part: str) -> bool:
        # a part of the warm-up of a data version, for one worker among those sharing the cache
        return result_cache.claim(data_cache.backend(), CLAIM_KEY + part, timeout=24 * 3600)

    def _loop(self) -> None:
        with self.layer.active():  # a thread of its own: the app's data layer
            self._watch()

    def _watch(self) -> None:
        while True:
            try:
                version = queries.read_data_version()
                if version != self.warmed_version:
                    self.run(version)  # the workers split it (Warmup._claim)
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
        shared = result_cache.is_shared(data_cache.backend())
        return jsonify({**(shared_state() or {"state": "idle"}), "shared": shared})

    return _instance


def current(app: Dash | None = None) -> Warmup | None:
    """The warm-up of ``app`` (None: of the app built last)."""
    if app is not None:
        found: Warmup | None = app.server.extensions.get(EXTENSION)
        return found
    return _instance
