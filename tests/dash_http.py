"""Call Dash callbacks the way a browser (or an attacker) does: POST /_dash-update-component."""

from __future__ import annotations

import json
from typing import Any

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
    inputs = []
    for i in dep["inputs"]:
        value: Any = None
        if i["property"] == "value" and str(i["id"]).endswith("-select"):
            value = kommune
        elif i["property"] == "date":
            value = date
        inputs.append({"id": i["id"], "property": i["property"], "value": value})
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
        for o in dep["output"].strip(".").split("...")
    ]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [],
        "state": [{"id": s["id"], "property": s["property"], "value": None} for s in dep["state"]],
    }


def call_dependency(
    client: Any, dep: dict[str, Any], *, kommune: str, date: str | None
) -> tuple[int, dict[str, Any]]:
    """POST one callback from /_dash-dependencies with a kommune and a date as its inputs."""
    body = dependency_body(dep, kommune=kommune, date=date)
    response = client.post("/_dash-update-component", json=body)
    return response.status_code, (response.get_json() or {})
