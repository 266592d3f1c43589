"""LazyGraph: a dcc.Graph that does not hold the page up for plotly.js (issue 22).

A dcc.Graph loads plotly.js (1.5 MB decoded) when it is first drawn, and Dash's renderer holds
back every callback with a Graph among its outputs until plotly.js has loaded: a page's
numbers and cards waited for it, and plotly drew every figure of the page in one long task.
A LazyGraph takes a dcc.Graph's props (a callback writes its ``figure`` and reads its
``clickData`` as before) and is drawn by ``assets/lazygraph.js``: first as a light static SVG
drawn from the figure dict (no plotly.js), with the chart's text alternative; the interactive
dcc.Graph replaces it when the user reaches for it, or in an idle moment 4 s after its figure
arrived (6 s for a chart off the screen). The component is plain JavaScript on the page (no
build step):
``window.sb_components.LazyGraph``.
"""

from __future__ import annotations

from typing import Any

from dash.development.base_component import Component

# the dcc.Graph props a page uses (figure and config in, events out)
PROPS = [
    "id",
    "figure",
    "config",
    "style",
    "className",
    "responsive",
    "clickData",
    "clickAnnotationData",
    "hoverData",
    "clear_on_unhover",
    "selectedData",
    "relayoutData",
    "restyleData",
    "animate",
]


class LazyGraph(Component):
    """A dcc.Graph drawn first as a static picture (see the module's docstring)."""

    _children_props = []  # noqa: RUF012 (Dash's class attributes)
    _base_nodes = ["children"]  # noqa: RUF012
    _namespace = "sb_components"
    _type = "LazyGraph"

    def __init__(self, id: Any = None, **kwargs: Any) -> None:
        unknown = set(kwargs) - set(PROPS)
        if unknown:
            raise TypeError(f"LazyGraph got unknown props: {sorted(unknown)}")
        self._prop_names = list(PROPS)
        self._valid_wildcard_attributes: list[str] = []
        self.available_properties = list(PROPS)
        self.available_wildcard_properties: list[str] = []
        if id is not None:
            kwargs["id"] = id
        super().__init__(**kwargs)
