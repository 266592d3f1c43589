"""One validation layer in front of every Dash callback and every route.

Anyone may send any request. Whatever a request holds, the answer is a 4xx or a handled
message, never a 500:
- A callback request (``POST /_dash-update-component``) is checked before Dash reads it
  (:func:`check_callback_body`): a JSON object of bounded size and depth, naming a registered
  callback, with the inputs and state that callback declares, each value of the type its
  property takes (:data:`PROPERTY_TYPES`: a kommune picker's value is a short string, a click
  count an integer…) and of bounded length. Anything else is answered 400 before any callback
  code runs.
- An error a callback still raises with well-typed input (an unknown id, an impossible date)
  is logged and shown as one handled message (:func:`handled_callback_error`); the browser
  keeps its last picture.
- Routes: bodies above :data:`MAX_BODY_BYTES` get 413; component bundles Dash never
  registered get 404 instead of Dash's exception (:func:`known_component_path`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from dash import Dash, set_props
from dash._utils import split_callback_id
from flask import Response, jsonify, request

from dashboard.i18n import _

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # a callback body is a few kB; a figure as State well under this
MAX_DEPTH = 24  # nesting of any value
MAX_ENTRIES = 200  # inputs or state of one request
MAX_TEXT = 5_000  # characters of one text value (a rule text is at most 2 000)
MAX_LIST = 1_000  # items of one list value
SHORT_TEXT = 64  # a kommune picker's value, a date, an id

Scalar = (str, int, float, bool)


def _depth_ok(value: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return len(value) <= MAX_LIST and all(_depth_ok(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return len(value) <= MAX_LIST and all(_depth_ok(v, depth + 1) for v in value)
    if isinstance(value, str):
        return len(value) <= MAX_TEXT and "\x00" not in value
    return True


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _short_text(value: Any) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= SHORT_TEXT)


def _text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _scalar_or_list(value: Any) -> bool:
    if value is None or isinstance(value, Scalar):
        return True
    return isinstance(value, list) and all(v is None or isinstance(v, Scalar) for v in value)


def _count(value: Any) -> bool:
    return value is None or _is_int(value)


def _flag(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def _mapping(value: Any) -> bool:
    return value is None or isinstance(value, dict)


def _records(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(v, dict) for v in value))


# The type each property takes as a callback input or state. A property not named here may
# hold any JSON value (bounded by size and depth).
PROPERTY_TYPES = {
    "id": lambda v: v is None or isinstance(v, str | dict),
    "value": _scalar_or_list,
    "date": _short_text,
    "start_date": _short_text,
    "end_date": _short_text,
    "n_clicks": _count,
    "n_intervals": _count,
    "n_submit": _count,
    "is_open": _flag,
    "pathname": _text,
    "search": _text,
    "href": _text,
    "hash": _text,
    "clickData": _mapping,
    "hoverData": _mapping,
    "selectedData": _mapping,
    "relayoutData": _mapping,
    "active_cell": _mapping,
    "options": _records,
}


def _value_ok(component_id: Any, prop: str, value: Any) -> bool:
    check = PROPERTY_TYPES.get(prop)
    if check is not None and not check(value):
        return False
    # a kommune (or cluster) picker takes short codes, never a mapping or a long text
    if (
        prop == "value"
        and isinstance(component_id, str)
        and component_id.endswith(("-select", "-cluster"))
    ):
        if isinstance(value, list):
            return len(value) <= 2 * MAX_ENTRIES and all(_short_text(v) for v in value)
        return _short_text(value)
    return True


def _entries_ok(given: list[Any], declared: list[dict[str, Any]]) -> bool:
    """The inputs (or state) of a request against those the callback declares: same number,
    same ids and properties, each value of its property's type. A pattern-matching input
    (ALL) arrives as a list of entries."""
    if len(given) != len(declared) or len(given) > MAX_ENTRIES:
        return False
    for entry, spec in zip(given, declared, strict=True):
        items = entry if isinstance(entry, list) else [entry]
        if len(items) > MAX_ENTRIES:
            return False
        for item in items:
            if not isinstance(item, dict) or item.get("property") != spec.get("property"):
                return False
            component_id = item.get("id")
            declared_id = str(spec.get("id"))
            # a pattern-matching id is declared as its JSON text ({"name":["ALL"],…})
            if not declared_id.startswith("{") and component_id != declared_id:
                return False
            if not isinstance(component_id, str | dict):
                return False
            if not _value_ok(component_id, item["property"], item.get("value")):
                return False
    return True


def _outputs_ok(outputs: Any, key: str) -> bool:
    items = outputs if isinstance(outputs, list) else [outputs]
    if not items or len(items) > MAX_ENTRIES:
        return False
    expected = len(split_callback_id(key)) if key.startswith("..") else 1
    if isinstance(outputs, list) != key.startswith("..") or len(items) != expected:
        return False
    for item in items:
        entries = item if isinstance(item, list) else [item]
        if not all(
            isinstance(o, dict)
            and isinstance(o.get("property"), str)
            and isinstance(o.get("id"), str | dict)
            for o in entries
        ):
            return False
    return True


def check_callback_body(app: Dash, raw: bytes) -> str | None:
    """Why a callback request body is refused, or None when Dash may read it."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return "not JSON"
    if not isinstance(body, dict) or not _depth_ok(body):
        return "not a bounded JSON object"
    key = body.get("output")
    if not isinstance(key, str) or key not in app.callback_map:
        return "unknown callback"
    spec = app.callback_map[key]
    if not _outputs_ok(body.get("outputs"), key):
        return "outputs do not match the callback"
    inputs, state = body.get("inputs"), body.get("state", [])
    if not isinstance(inputs, list) or not isinstance(state, list):
        return "inputs or state not a list"
    # Dash hands the callback its inputs and then its state as one argument list: checked
    # as that list (a client may send a declared input among the state)
    if not _entries_ok(inputs + state, spec.get("inputs", []) + spec.get("state", [])):
        return "inputs and state do not match the callback"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(
        isinstance(c, str) and len(c) <= 1_000 for c in changed
    ):
        return "changedPropIds malformed"
    return None


def known_component_path(app: Dash, path: str) -> bool:
    """Whether ``/_dash-component-suites/<package>/<file>`` names a file Dash registered."""
    from dash.fingerprint import check_fingerprint

    parts = path.split("/", 3)
    if len(parts) < 4 or not parts[3]:
        return False
    package, fingerprinted = parts[2], parts[3]
    file, _fingerprinted = check_fingerprint(fingerprinted)
    return file in app.registered_paths.get(package, ())


def handled_callback_error(error: Exception) -> None:
    """A callback that failed on input it accepted: logged with its traceback, shown as one
    message, no output sent (the browser keeps what it shows)."""
    log.error("callback failed on accepted input", exc_info=error)
    set_props(
        "global-alert",
        {
            "children": _("Forespørselen kunne ikke behandles. Sjekk valgene og prøv igjen."),
            "is_open": True,
        },
    )


def init_validation(app: Dash) -> None:
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @server.before_request
    def validate_request() -> Any:
        path = request.path
        if path == "/_dash-update-component" and request.method == "POST":
            if (request.content_length or 0) > MAX_BODY_BYTES:
                return jsonify(error=_("Forespørselen er for stor.")), 413
            reason = check_callback_body(app, request.get_data(cache=True))
            if reason is not None:
                log.info("callback request refused (400): %s", reason)
                return jsonify(error=_("Ugyldig forespørsel.")), 400
        elif path.startswith("/_dash-component-suites/") and not known_component_path(app, path):
            return Response(_("Fant ikke filen."), 404, mimetype="text/plain")
        return None
