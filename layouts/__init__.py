"""Component trees only: layouts never read data (that is the callbacks' job)."""

from __future__ import annotations

import dash

from layouts import kommune, smittekart

# Only pages that work appear here and in the navigation.
PAGES = (smittekart, kommune)


def register_pages() -> None:
    for page in PAGES:
        dash.register_page(page.__name__, layout=page.layout, **page.PAGE)
