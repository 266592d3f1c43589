"""The one callback of every subject page (declared in :mod:`callbacks.subjects`).

Each page gets its layout registered (:mod:`layouts.subject_page`), the kommune and date
controls, and one server callback with named outputs (its title, its slots, alert, date and
source) — a second one for its deferred slots. The callback resolves the kommune and date,
decides the "not published" state from the page's subject, calls the page's render and fills
what the render leaves (empty slots, the notice as the alert, the source line). Every page's
responses are cached (:mod:`dashboard.response_cache`) because it is declared here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
from dash import Dash, Input, Output
from dash.exceptions import PreventUpdate

from callbacks.common import not_published, page_context, register_kommune_controls
from callbacks.subject import source_line
from callbacks.subjects import SubjectPage, View, pages
from dashboard import response_cache
from dashboard.auth import current_scope
from dashboard.i18n import _
from layouts.subject_page import Slot

COMMON = ("alert", "source_note")


def _outputs(page: SubjectPage, slots: list[Slot], *, main: bool) -> dict[str, Output]:
    layout = page.layout
    outputs = {s.name: Output(layout.component_id(s), s.prop) for s in slots}
    if not main:
        return outputs
    return {
        "title": Output(layout.component_id("title"), "children"),
        **outputs,
        "alert": Output(layout.component_id("alert"), "children"),
        "date": Output(layout.component_id("date"), "date"),
        "source": Output(layout.component_id("source"), "children"),
    }


def main_outputs(page: SubjectPage) -> dict[str, Output]:
    """The outputs of ``page``'s main callback, in the order it is registered with."""
    return _outputs(page, page.layout.slots(), main=True)


def _inputs(page: SubjectPage) -> dict[str, Input]:
    layout = page.layout
    return {
        "kommune": Input(layout.component_id("select"), "value"),
        "date": Input(layout.component_id("date"), "date"),
        **{
            key: Input(layout.component_id(suffix), prop)
            for key, (suffix, prop) in page.inputs.items()
        },
    }


def _filled(slots: list[Slot], shown: dict[str, Any], *, extra: tuple[str, ...] = ()) -> dict:
    """The slots' values: the render's, the empty value where it gave none."""
    names = {s.name for s in slots}
    unknown = set(shown) - names - set(extra)
    if unknown:
        raise KeyError(f"render filled no slot named {sorted(unknown)}")
    return {s.name: shown.get(s.name, s.empty) for s in slots}


def update(page: SubjectPage, kommune: str | None, date: str | None, **inputs: Any) -> dict:
    """The main callback of ``page``: its title, slots, alert, date and source."""
    slots = page.layout.slots()
    context, date_out, alert = page_context(kommune, date)
    if context is None:
        empty = {s.name: s.empty for s in slots}
        return {
            **empty,
            "title": _(page.layout.name),
            "alert": alert,
            "date": date_out,
            "source": "",
        }
    view = View(context=context, scope=current_scope(), inputs=inputs)
    render = page.render
    notice = not_published(page.subject, context.kommunenummer) if page.subject else None
    if notice is not None:
        view = replace(view, notice=notice)
        render = page.fallback or page.render
    shown = render(view)
    return {
        "title": context.title(page.layout.name),
        **_filled(slots, shown, extra=COMMON),
        "alert": shown.get("alert", notice),
        "date": date_out,
        "source": source_line(context, shown.get("source_note"), default=page.source),
    }


def update_deferred(
    page: SubjectPage, kommune: str | None, date: str | None, **inputs: Any
) -> dict:
    """The deferred slots of ``page`` (after the main callback has written the date back)."""
    if not date:
        raise PreventUpdate
    slots = page.layout.slots(deferred=True)
    context, _date_out, _alert = page_context(kommune, date)
    if context is None or page.deferred is None:
        return {s.name: s.empty for s in slots}
    notice = not_published(page.subject, context.kommunenummer) if page.subject else None
    view = View(context=context, scope=current_scope(), notice=notice, inputs=inputs)
    return _filled(slots, page.deferred(view))


def register_page(app: Dash, page: SubjectPage) -> None:
    layout = page.layout
    # the subject in the registry: the menu leaves the page out for a disease without it
    dash.register_page(f"subjects.{page.prefix}", **layout.page(), subject=page.subject)
    register_kommune_controls(app, prefix=page.prefix, path=page.prefix)
    main = main_outputs(page)
    app.callback(output=main, inputs=_inputs(page))(lambda **values: update(page, **values))
    response_cache.declare_cacheable(layout.component_id("title"))
    deferred = layout.slots(deferred=True)
    if deferred:
        outputs = _outputs(page, deferred, main=False)
        app.callback(output=outputs, inputs=_inputs(page))(
            lambda **values: update_deferred(page, **values)
        )
        response_cache.declare_cacheable(layout.component_id(deferred[0]))
    if page.extra_callbacks is not None:
        page.extra_callbacks(app)


def register(app: Dash) -> None:
    for page in pages():
        register_page(app, page)
