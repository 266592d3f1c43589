"""Call Dash callbacks the way a browser (or an attacker) does: POST /_dash-update-component."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from dashboard.warmup import callback_body

# The outputs of the map's and the Kommune page's main callbacks, as the browser asks.
MAP_OUTPUTS = [
    ("map", "figure"),
    ("map-date", "date"),
    ("map-definition", "children"),
    ("map-summary", "children"),
    ("map-rendered", "data"),
]
KOMMUNE_OUTPUTS = [
    ("kommune-title", "children"),
    ("kommune-cards", "children"),
    ("kommune-daily", "figure"),
    ("kommune-incidence", "figure"),
    ("kommune-alert", "children"),
    ("kommune-date", "date"),
    ("kommune-source", "children"),
]
KRISE_OUTPUTS = [
    ("krise-title", "children"),
    ("krise-asof", "children"),
    ("krise-panels", "children"),
    ("krise-frozen", "data"),
    ("krise-count", "data"),
    ("krise-source", "children"),
    ("krise-new-data", "is_open"),
]
DQ_OUTPUTS = [
    ("dq-cards", "children"),
    ("dq-sources", "children"),
    ("dq-imports", "children"),
    ("dq-reasons", "children"),
    ("dq-sample", "children"),
    ("dq-population", "children"),
    ("dq-vintage", "children"),
    ("dq-arrivals", "children"),
    ("dq-flags", "children"),
]
KLYNGER_OUTPUTS = [
    ("klynger-title", "children"),
    ("klynger-cards", "children"),
    ("klynger-epicurve", "figure"),
    ("klynger-table", "data"),
    ("klynger-chain-cluster", "options"),
    ("klynger-alert", "children"),
    ("klynger-date", "date"),
    ("klynger-source", "children"),
]
SIGNALER_OUTPUTS = [
    ("signaler-table", "data"),
    ("signaler-history", "figure"),
    ("signaler-summary", "children"),
    ("signaler-alert", "children"),
    ("signaler-date", "date"),
    ("signaler-source", "children"),
]
OVERVIEW_OUTPUTS = [
    ("ov-table", "data"),
    ("ov-counties", "data"),
    ("ov-multiples", "figure"),
    ("ov-title", "children"),
    ("ov-method", "children"),
    ("ov-source", "children"),
    ("ov-export-csv", "href"),
    ("ov-export-xlsx", "href"),
    ("ov-date", "date"),
]
REGLER_OUTPUTS = [
    ("regler-title", "children"),
    ("regler-cards", "children"),
    ("regler-in-force-title", "children"),
    ("regler-in-force", "children"),
    ("regler-upcoming", "children"),
    ("regler-timeline", "figure"),
    ("regler-alert", "children"),
    ("regler-date", "date"),
    ("regler-source", "children"),
    ("regler-edit-link", "children"),
]
CHAIN_OUTPUTS = [("klynger-chain", "figure"), ("klynger-chain-detail", "children")]


def output_key(outputs: list[tuple[str, str]]) -> str:
    if len(outputs) == 1:
        return f"{outputs[0][0]}.{outputs[0][1]}"
    return ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."


def call(
    client: Any,
    *,
    outputs: list[tuple[str, str]],
    inputs: list[tuple[str, str, Any]],
    changed: list[str] | None = None,
    state: list[tuple[str, str, Any]] | None = None,
) -> tuple[int, dict[str, Any], int]:
    """Returns (status, parsed body, body bytes)."""
    body = {
        "output": output_key(outputs),
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": changed or [],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in (state or [])],
    }
    response = client.post("/_dash-update-component", json=body)
    raw = response.get_data()
    parsed = json.loads(raw) if raw and response.status_code == 200 else {}
    return response.status_code, parsed, len(raw)


def subject_outputs(prefix: str) -> list[tuple[str, str]]:
    """The (component id, property) outputs of a declared subject page's main callback, as
    the app registers them (the browser's request names them in this order)."""
    from callbacks.subject_page import main_outputs
    from callbacks.subjects import pages

    page = next(p for p in pages() if p.prefix == prefix)
    return [(str(o.component_id), o.component_property) for o in main_outputs(page).values()]


def page_response(
    client: Any,
    page: str,
    outputs: list[tuple[str, str]],
    kommune: str | list[str] | None,
    date: str | None,
    **more: Any,
) -> dict[str, Any]:
    """The response of a kommune page's main callback as the browser calls it: its
    ``<page>-select`` and ``<page>-date`` inputs, then ``<page>-<name>`` value inputs from
    ``more`` (the window of Innreise, the view of Klynger). Asserts HTTP 200."""
    status, body, _ = call(
        client,
        outputs=outputs,
        inputs=[
            (f"{page}-select", "value", kommune),
            (f"{page}-date", "date", date),
            *((f"{page}-{name}", "value", value) for name, value in more.items()),
        ],
    )
    assert status == 200
    return body["response"]


AUDIT_OUTPUTS = [("audit-table", "data"), ("audit-alert", "children")]


def call_audit(client: Any, action: str | None = "") -> tuple[int, dict[str, Any], int]:
    """The Revisjonslogg's callback as the browser calls it, filtered by ``action`` alone
    (no user, kommune or date). Returns what ``call`` does."""
    return call(
        client,
        outputs=AUDIT_OUTPUTS,
        inputs=[
            ("audit-action", "value", action),
            ("audit-user", "value", None),
            ("audit-kommune", "value", None),
            ("audit-since", "date", None),
        ],
    )


def call_map(
    client: Any,
    metric: str,
    date: dt.date | str | None = None,
    *,
    structure: int | None = None,
    changed: bool = False,
) -> tuple[int, dict[str, Any], int]:
    """The map's callback as the browser calls it: its first render (``changed=False``) or a
    change of metric on a map already drawn (``changed=True``). Returns what ``call`` does."""
    day = date.isoformat() if isinstance(date, dt.date) else date
    return call(
        client,
        outputs=MAP_OUTPUTS,
        inputs=[
            ("map-metric", "value", metric),
            ("map-date", "date", day),
            ("map-structure", "value", structure),
        ],
        changed=["map-metric.value"] if changed else None,
        state=[("map-rendered", "data", changed)],
    )


def call_kommune(
    client: Any, kommune: str, date: dt.date | str | None = None
) -> tuple[int, dict[str, Any], int]:
    """The Kommune page's callback as the browser calls it, for one kommune and date (None:
    the data date). Returns what ``call`` does."""
    day = date.isoformat() if isinstance(date, dt.date) else date
    return call(
        client,
        outputs=KOMMUNE_OUTPUTS,
        inputs=[("kommune-select", "value", kommune), ("kommune-date", "date", day)],
    )


# --------------------------------------------------------------------------- reading responses
def find(tree: Any, component_id: str) -> Any:
    """The component with ``component_id`` in a serialised Dash component tree."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == component_id:
            return tree
        return next((f for v in tree.values() if (f := find(v, component_id)) is not None), None)
    if isinstance(tree, list):
        return next((f for v in tree if (f := find(v, component_id)) is not None), None)
    return None


def texts(tree: Any) -> list[str]:
    """The visible strings of a component tree, in order (children only, not class names)."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, dict):
        return texts(tree.get("props", {}).get("children")) if "props" in tree else []
    if isinstance(tree, list):
        return [t for v in tree for t in texts(v)]
    return []


def parent_of(tree: Any, component_id: str) -> Any:
    """The component whose direct child has ``component_id``."""
    if isinstance(tree, list):
        return next((f for v in tree if (f := parent_of(v, component_id)) is not None), None)
    if isinstance(tree, dict):
        children = tree.get("props", {}).get("children")
        kids = children if isinstance(children, list) else [children]
        if any(isinstance(k, dict) and k.get("props", {}).get("id") == component_id for k in kids):
            return tree
        return parent_of(children, component_id)
    return None


def values(array: Any) -> list[Any]:
    """Plotly ≥ 6 sends numeric arrays as base64 typed arrays; give plain values back."""
    if isinstance(array, dict) and "bdata" in array:
        import base64

        import numpy as np

        data = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        if "shape" in array:
            data = data.reshape([int(n) for n in str(array["shape"]).split(",")])
        return data.tolist()
    return list(array)


def kommune_page_callbacks(client: Any) -> list[dict[str, Any]]:
    """Every server callback whose inputs are a page's kommune picker and date picker: the
    main callback of each kommune page, found in /_dash-dependencies as a browser finds it."""
    found = []
    for dep in client.get("/_dash-dependencies").get_json():
        ids = [(i["id"], i["property"]) for i in dep["inputs"]]
        selects = [i for i, p in ids if str(i).endswith("-select") and p == "value"]
        if selects and any(p == "date" for _i, p in ids) and not dep.get("clientside_function"):
            found.append(dep)
    return found


def dependency_body(dep: dict[str, Any], *, kommune: str, date: str | None) -> dict[str, Any]:
    """The request body a browser sends for one callback of /_dash-dependencies, with a
    kommune and a date as its inputs."""
    chosen: dict[str, Any] = {}
    for i in dep["inputs"]:
        key = f"{i['id']}.{i['property']}"
        if i["property"] == "value" and str(i["id"]).endswith("-select"):
            chosen[key] = kommune
        elif i["property"] == "date":
            chosen[key] = date
    return callback_body(dep, chosen)


def call_named(
    client: Any, output: str, values: dict[str, Any], *, changed: list[str] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST the callback of /_dash-dependencies whose outputs name ``output`` ("id.property"),
    as the browser does: its inputs and state from ``values`` ("id.property" → value), the
    ids in ``changed`` marked as changed. Outputs are sent as the dependency names them
    (an allow_duplicate output keeps its suffix)."""
    dep = next(d for d in client.get("/_dash-dependencies").get_json() if output in d["output"])

    def prop(item: dict[str, Any]) -> dict[str, Any]:
        key = f"{item['id']}.{item['property']}"
        return {"id": item["id"], "property": item["property"], "value": values.get(key)}

    response = client.post(
        "/_dash-update-component",
        json={
            "output": dep["output"],
            "outputs": [
                {"id": o.split(".")[0], "property": o.split(".")[1]}
                for o in dep["output"].strip(".").split("...")
            ],
            "inputs": [prop(i) for i in dep["inputs"]],
            "state": [prop(s) for s in dep.get("state", [])],
            "changedPropIds": changed or [],
        },
    )
    return response.status_code, (response.get_json() or {})


def call_dependency(
    client: Any, dep: dict[str, Any], *, kommune: str, date: str | None
) -> tuple[int, dict[str, Any]]:
    """POST one callback from /_dash-dependencies with a kommune and a date as its inputs."""
    body = dependency_body(dep, kommune=kommune, date=date)
    response = client.post("/_dash-update-component", json=body)
    return response.status_code, (response.get_json() or {})
