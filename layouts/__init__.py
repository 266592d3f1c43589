"""Component trees only: layouts never read data (that is the callbacks' job).

Every module here with a ``PAGE`` dict and a ``layout`` function is a page; pages are
registered in ``PAGE["order"]``. Only pages that work belong here, since each one appears
in the navigation. The subject pages have no module here: each is a declaration
(``callbacks/subjects/``) drawn by :mod:`layouts.subject_page` and registered with its
callback by :mod:`callbacks.subject_page`.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import dash


def page_modules() -> list[ModuleType]:
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    ]
    pages = [m for m in modules if hasattr(m, "PAGE") and hasattr(m, "layout")]
    return sorted(pages, key=lambda m: m.PAGE.get("order", 99))


def register_pages() -> None:
    for page in page_modules():
        dash.register_page(page.__name__, layout=page.layout, **page.PAGE)
