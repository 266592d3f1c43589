"""Issue 19: malformed bodies and wrong-typed inputs for every callback and every route.

Every server callback listed by ``/_dash-dependencies`` gets its inputs and state replaced,
one at a time, by hostile values of every JSON type, and its body broken in every structural
way; every route gets hostile path arguments, query strings and bodies. Deterministic (fixed
values, a seeded generator). Not one answer may be a 500, and the server must answer normally
afterwards.
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from typing import Any

from tests.conftest import login
from tests.dash_http import call_kommune, dependency_body

USERS = ("lege-tromso", "admin", "regelredaktor")

HOSTILE_VALUES: list[Any] = [
    [],
    ["0301", "4601"],
    {},
    {"id": {"nested": [1, 2, 3]}},
    12345678901234567890,
    -1,
    3.5,
    True,
    "x" * 6000,
    "\x00",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "9999",
    "2022-13-45",
    "0301",
    "K2021-00001",
]


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def _structural(body: dict[str, Any]) -> list[Any]:
    """The body broken in every structural way a crafted request may break it."""
    out: list[Any] = [None, [], "text", 7, {}]
    for key in ("output", "outputs", "inputs", "state", "changedPropIds"):
        broken = dict(body)
        broken.pop(key, None)
        out.append(broken)
        for value in (None, 5, "x", {"a": 1}, [[[]]]):
            out.append({**body, key: value})
    out.append({**body, "inputs": body["inputs"] + body["inputs"]})
    out.append({**body, "inputs": [{**i, "id": "ukjent-id"} for i in body["inputs"]]})
    out.append({**body, "inputs": [{**i, "property": "children"} for i in body["inputs"]]})
    out.append({**body, "state": [{"id": "x", "property": "y", "value": i} for i in range(500)]})
    out.append({**body, "inputs": [{**i, "value": _deep(60)} for i in body["inputs"]]})
    out.append({**body, "output": body["output"] + "x"})
    return out


def _value_variants(body: dict[str, Any]) -> list[dict[str, Any]]:
    """One input or state value at a time replaced by each hostile value."""
    out = []
    for part in ("inputs", "state"):
        for n, entry in enumerate(body[part]):
            if isinstance(entry, list):  # a pattern-matching input: the list itself is hostile
                continue
            for value in HOSTILE_VALUES:
                variant = copy.deepcopy(body)
                variant[part][n]["value"] = value
                out.append(variant)
    return out


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(7 if depth < 4 else 4)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([0, -7, 2**40, 1.5, True, False])
    if kind == 2:
        return "".join(rng.choice("abc0123/.<>&%\\\"' \t\né") for _ in range(rng.randrange(30)))
    if kind == 3:
        return rng.choice(["0301", "", "null", "2022-01-15"])
    if kind in (4, 5):
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {str(rng.randrange(9)): _random_json(rng, depth + 1) for _ in range(rng.randrange(4))}


def _post(client: Any, payload: Any, counts: Counter, failures: list) -> None:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    response = client.post("/_dash-update-component", data=raw, content_type="application/json")
    counts["requests"] += 1
    counts[f"callback {response.status_code}"] += 1
    if response.status_code >= 500:
        failures.append(("callback", raw[:200], response.status_code))


def _route_paths(app: Any) -> list[tuple[str, str]]:
    """(method, path) for every route with hostile arguments and query strings."""
    args = ["0301", "9999", "x" * 300, "-1", "99999999999999999999", "2022-W03", "é", "a b"]
    queries = [
        "",
        "?dato=9999-99-99&neste=//evil.example&next=%0d%0a&sprak=xx",
        "?kommune=%ff%fe&uke=..%2f&feil=<b>x</b>",
        "?" + "a=" + "b" * 3000,
    ]
    out = []
    for rule in app.server.url_map.iter_rules():
        if rule.rule.startswith(("/logout", "/login/demo", "/_dash-update-component")):
            continue
        methods = sorted((rule.methods or set()) & {"GET", "POST"})
        for arg in args:
            values = {name: arg for name in rule.arguments}
            path = rule.rule
            for name, value in values.items():
                path = path.replace(f"<{name}>", value)
                for converter in ("int", "path", "string"):
                    path = path.replace(f"<{converter}:{name}>", value)
            for query in queries:
                for method in methods:
                    out.append((method, path + query))
            if not rule.arguments:
                break
    return out


def test_fuzz_every_callback_and_route_gives_no_500(app) -> None:
    counts: Counter = Counter()
    failures: list = []
    rng = random.Random(19)
    for user_id in USERS:
        client = login(app.server.test_client(), user_id)
        deps = client.get("/_dash-dependencies").get_json()
        server_deps = [d for d in deps if not d.get("clientside_function")]
        assert len(server_deps) > 40
        for dep in server_deps:
            base = dependency_body(dep, kommune="0301", date=None)
            variants: list[Any] = _value_variants(base)
            if user_id == USERS[0]:
                variants += _structural(base)
                for _ in range(3):
                    variants.append({**base, "inputs": _random_json(rng)})
            for payload in variants:
                _post(client, payload, counts, failures)
        counts["callbacks"] += len(server_deps)
    # bodies that are not JSON, too deep, too large
    client = login(app.server.test_client(), "lege-tromso")
    for raw in (
        b"{not json",
        b"\xff\xfe",
        b"[" * 5000 + b"]" * 5000,
        b'{"a":' * 3000 + b"1" + b"}" * 3000,
        b'{"output": "' + b"x" * 2_000_000 + b'"}',
    ):
        _post(client, raw, counts, failures)
    # every route, logged in and not
    for who in ("lege-oslo", None):
        route_client = app.server.test_client()
        if who:
            login(route_client, who)
        for method, path in _route_paths(app):
            if method == "GET":
                response = route_client.get(path)
            else:
                response = route_client.post(path, data={"user_id": [1], "next": "//evil"})
            counts["requests"] += 1
            counts["routes"] += 1
            if response.status_code >= 500:
                failures.append((method, path[:120], response.status_code))
    print(f"\nfuzz: {dict(counts)}; status 500: {len(failures)}")
    assert counts["requests"] >= 2000
    assert not failures, failures[:20]
    # and the server still answers normally
    client = login(app.server.test_client(), "lege-oslo")
    status, body, _ = call_kommune(client, "0301")
    assert status == 200 and body["response"]["kommune-title"]["children"]
