"""Thin callbacks: read inputs, call queries with the user's scope, call metrics and figures.

Every module here with a ``register(app)`` function is registered by the app factory.
"""

from __future__ import annotations

import importlib
import pkgutil

from dash import Dash


def register(app: Dash) -> None:
    from callbacks.common import first_date
    from layouts.common import set_first_date

    set_first_date(first_date)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(app)
