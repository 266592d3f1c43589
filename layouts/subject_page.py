"""One layout builder for every subject page (Testing, Vaksinasjon, Sykehus, Innreise,
Koronasertifikat and what comes next).

A subject page's layout is data, a :class:`PageLayout`: its slots (each one output of the
page's callback, id ``{prefix}-{name}``) in rows, the static notes between them, the definitions
shown under it and any extra controls. It is declared with the page (``callbacks/subjects/``,
which also says how each slot is filled) and turned into the component tree here; the same
declaration gives the callback its named outputs (:meth:`PageLayout.slots`), so a slot in the
layout and an output of the callback cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.definitions import MetricDefinition
from dashboard.i18n import _
from layouts.common import (
    EMPTY_FIGURE,
    definition_block,
    graph,
    kommune_date_controls,
    kommune_page_entry,
)

Kind = Literal["figure", "cards", "block", "text"]


@dataclass(frozen=True)
class Slot:
    """One region the page's callback fills: a figure, a row of cards, a block of components
    or a line of text. ``width``: the Bootstrap column widths when in a :class:`Row`
    (``{"lg": 6}``); ``heading``: an ``N_``-marked heading above it; ``deferred``: filled by
    the page's second callback (a slow read that must not hold up the rest)."""

    name: str
    kind: Kind = "block"
    width: Mapping[str, Any] = field(default_factory=dict)
    heading: str | None = None
    deferred: bool = False
    class_name: str | None = None

    @property
    def prop(self) -> str:
        return "figure" if self.kind == "figure" else "children"

    @property
    def empty(self) -> Any:
        """The slot's value before anything is known (no kommune chosen)."""
        return {"figure": EMPTY_FIGURE, "cards": [], "text": ""}.get(self.kind)


@dataclass(frozen=True)
class Note:
    """A fixed paragraph between rows (an ``N_``-marked source string)."""

    text: str
    class_name: str = "small text-muted mb-3"


@dataclass(frozen=True)
class Column:
    """Several slots stacked in one column of a :class:`Row`."""

    slots: tuple[Slot, ...]
    width: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    items: tuple[Slot | Column, ...]
    class_name: str = ""


Part = Slot | Row | Note


@dataclass(frozen=True)
class PageLayout:
    """A subject page's place in the app (``/{prefix}/<kommunenummer>``) and its layout."""

    prefix: str
    name: str  # N_-marked page name
    order: int
    nav_group: str
    parts: tuple[Part, ...]
    # the definitions shown under the page: a definition, or (definition, N_-marked extra)
    definitions: tuple[MetricDefinition | tuple[MetricDefinition, str], ...] = ()
    # controls of the page's own under the kommune and date pickers, from the URL's query
    controls: Callable[[Mapping[str, Any]], list[Component]] | None = None
    # one spinner over the whole page, or one per slot (a page with a deferred slot)
    loading: Literal["page", "slot"] = "page"

    def slots(self, *, deferred: bool = False) -> list[Slot]:
        """The page's slots in document order (the main or the deferred callback's)."""
        found: list[Slot] = []
        for part in self.parts:
            items = part.items if isinstance(part, Row) else (part,)
            for item in items:
                stacked = item.slots if isinstance(item, Column) else (item,)
                found += [s for s in stacked if isinstance(s, Slot)]
        return [s for s in found if s.deferred == deferred]

    def component_id(self, slot: Slot | str) -> str:
        return f"{self.prefix}-{slot.name if isinstance(slot, Slot) else slot}"

    def page(self) -> dict[str, Any]:
        """The keyword arguments of ``dash.register_page``."""
        page = kommune_page_entry(self.prefix, self.name, self.order, self.nav_group)
        return {**page, "layout": self.layout}

    # ------------------------------------------------------------------ building
    def _slot(self, slot: Slot) -> Component:
        slot_id = self.component_id(slot)
        body: Component
        if slot.kind == "figure":
            body = graph(slot_id)
        elif slot.kind == "cards":
            body = dbc.Row(id=slot_id, className=slot.class_name or "g-3 mb-3")
        else:
            body = html.Div(id=slot_id, className=slot.class_name)
        if self.loading == "slot":
            body = dcc.Loading(body, delay_show=300)
        if slot.heading is None:
            return body
        return html.Div([html.H2(_(slot.heading), className="h5 mt-3"), body])

    def _part(self, part: Part) -> Component:
        if isinstance(part, Note):
            return html.P(_(part.text), className=part.class_name)
        if isinstance(part, Slot):
            return self._slot(part)
        columns = []
        for item in part.items:
            if isinstance(item, Column):
                columns.append(dbc.Col([self._slot(s) for s in item.slots], **item.width))
            else:
                columns.append(dbc.Col(self._slot(item), **item.width))
        return dbc.Row(columns, className=part.class_name or None)

    def _definitions(self) -> html.Div:
        blocks = []
        for entry in self.definitions:
            metric, extra = entry if isinstance(entry, tuple) else (entry, None)
            blocks.append(definition_block(metric, extra=_(extra) if extra else None))
        return html.Div(blocks, className="mt-3")

    def layout(
        self, kommunenummer: str | None = None, dato: str | None = None, **query: Any
    ) -> html.Div:
        """The page (Dash calls it with the path's kommune and the URL's query)."""
        parts = [self._part(p) for p in self.parts]
        body: Any = (
            dcc.Loading(parts, parent_className="page-body") if self.loading == "page" else parts
        )
        return html.Div(
            [
                kommune_date_controls(self.prefix, kommunenummer, dato),
                *(self.controls(query) if self.controls else []),
                html.Div(id=self.component_id("alert")),
                *(body if isinstance(body, list) else [body]),
                self._definitions(),
                html.Div(id=self.component_id("source"), className="small text-muted"),
            ]
        )
