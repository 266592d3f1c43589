"""The subject pages are declarations (callbacks/subjects/): each one is registered, in the
navigation, drawn by the one layout builder and filled by the one callback, and what the
layout shows and what the callback fills come from the same slots, so they cannot drift."""

from __future__ import annotations

import json
from typing import Any

import dash
import pytest

from callbacks.subjects import SubjectPage, pages
from tests.conftest import login
from tests.dash_http import page_response, subject_outputs


def _ids(tree: Any) -> set[str]:
    """Every component id in a layout."""
    if isinstance(tree, (list, tuple)):
        return {i for child in tree for i in _ids(child)}
    found: set[str] = set()
    component_id = getattr(tree, "id", None)
    if isinstance(component_id, str):
        found.add(component_id)
    children = getattr(tree, "children", None)
    if children is not None and not isinstance(children, str):
        found |= _ids(children)
    return found


def test_every_declaration_is_a_page() -> None:
    declared = pages()
    assert {p.prefix for p in declared} >= {
        "testing",
        "vaksinasjon",
        "sykehus",
        "innreise",
        "sertifikat",
    }
    assert all(isinstance(p, SubjectPage) for p in declared)


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.prefix)
def test_layout_shows_exactly_what_the_callbacks_fill(app, page: SubjectPage) -> None:  # type: ignore[no-untyped-def]
    client = login(app.server.test_client(), "ks-analytiker")
    registered = [p for p in dash.page_registry.values() if p["path"] == f"/{page.prefix}/0301"]
    assert len(registered) == 1 and registered[0]["nav_group"]
    assert client.get(f"/{page.prefix}/0301").status_code == 200

    with app.server.test_request_context():
        shown = _ids(page.layout.layout(kommunenummer="0301"))
    filled = set()
    for dep in client.get("/_dash-dependencies").get_json():
        if dep.get("clientside_function"):
            continue
        outputs = [o.split(".")[0] for o in dep["output"].strip(".").split("...")]
        if any(o.startswith(f"{page.prefix}-") for o in outputs):
            filled |= set(outputs)
    slots = {page.layout.component_id(s) for s in page.layout.slots()}
    slots |= {page.layout.component_id(s) for s in page.layout.slots(deferred=True)}
    # every slot is filled by a callback and shown; every filled id is in the layout
    assert slots <= filled
    assert filled <= shown, sorted(filled - shown)
    regions = {i for i in shown if i.startswith(f"{page.prefix}-")}
    controls = {"select", "date", "url-sync", "title", "alert", "source", "window", "window-sync"}
    assert regions - slots == {page.layout.component_id(c) for c in controls} & regions


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.prefix)
def test_an_unknown_kommune_gives_a_norwegian_message(client, page: SubjectPage) -> None:  # type: ignore[no-untyped-def]
    extra = {name: None for name in page.inputs}  # the page's own controls as yet unset
    outputs = subject_outputs(page.prefix)
    response = page_response(client, page.prefix, outputs, "9999", None, **extra)
    message = json.dumps(response[f"{page.prefix}-alert"], ensure_ascii=False)
    assert "Fant ingen kommune med nummer 9999" in message
    assert response[f"{page.prefix}-cards"]["children"] == []
