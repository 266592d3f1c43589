"""The subject pages, declared as data: one :class:`SubjectPage` per module here (its
``PAGE``), found by :func:`pages` and served by :mod:`callbacks.subject_page` (the one layout
builder, callback, URL state and response caching of them all).

A declaration names the page's place and layout (:class:`layouts.subject_page.PageLayout`),
the data subject whose absence per kommune is the "not published" state, how the page is
filled (``render``: slot name → value), its fallback when the subject is not published (the
national series, or a plain message) and, where a read is slow, a ``deferred`` render of its
own. Add a subject page by adding a module here; nothing else lists it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dash import Dash

from callbacks.common import Context
from data.scope import Scope
from layouts.subject_page import PageLayout


@dataclass(frozen=True)
class View:
    """What a subject page's render gets: the place and date, the user's scope, the page's
    "not published" notice (None when its subject is published per kommune) and the values of
    its extra inputs."""

    context: Context
    scope: Scope
    notice: Any = None
    inputs: Mapping[str, Any] = field(default_factory=dict)


# slot name → value; may also set "alert" (instead of the notice) and "source_note" (a
# sentence after the source line)
Render = Callable[[View], dict[str, Any]]


@dataclass(frozen=True)
class SubjectPage:
    layout: PageLayout
    render: Render
    # the availability subject (data.queries.sources.subject_availability) the page shows
    subject: str | None = None
    # the page when ``subject`` is not published per kommune (the notice is the alert);
    # None: ``render`` itself, with ``View.notice`` set
    fallback: Render | None = None
    # the deferred slots' render (called with View.notice set when not published)
    deferred: Render | None = None
    # extra inputs: keyword → (id suffix, property), e.g. {"window": ("window", "value")}
    inputs: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # clientside callbacks of the page's own controls
    extra_callbacks: Callable[[Dash], None] | None = None
    # the source named when the data name none (N_-marked)
    source: str | None = None

    @property
    def prefix(self) -> str:
        return self.layout.prefix


def pages() -> list[SubjectPage]:
    """Every declared subject page, in navigation order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        page = getattr(module, "PAGE", None)
        if isinstance(page, SubjectPage):
            found.append(page)
    return sorted(found, key=lambda p: p.layout.order)
