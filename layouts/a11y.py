"""Texts for the browser-side universal-design scripts (``assets/a11y.js``, ``assets/charts.js``).

The scripts fill gaps in Dash's components (icon-only paging buttons, an English tooltip) and
give every plotly chart a text alternative: a summary for screen readers and the chart's numbers
as a table. Their texts come through the translation layer like every other text: the shell
renders them, translated for the request's language, into one hidden element the scripts read.
Placeholders in braces (``{tittel}``) are filled in the browser.
"""

from __future__ import annotations

import json
from typing import Any

from dash import html

from dashboard.i18n import _

STRINGS_ID = "sb-i18n"


def strings() -> dict[str, str]:
    """Key -> translated text, for the request's language."""
    return {
        # chart summaries (role="img" + aria-label on each graph)
        "chart_summary": _("Figur: {tittel}. {serier} Tallene står i tabellen under."),
        "chart_series_one": _("1 dataserie: {navn}."),
        "chart_series_many": _("{n} dataserier: {navn}."),
        "chart_empty": _("Figur: {tittel}. Ingen data å vise."),
        "chart_empty_reason": _("Figur: {tittel}. {grunn}"),
        "map_summary": _("Kart: {tittel}. {n} områder. Tallene står i tabellen under."),
        "chart_untitled": _("uten tittel"),
        # the table beside each chart
        "table_toggle": _("Vis tallene i figuren som tabell"),
        "table_capped": _("Tabellen viser de siste {n} av {total} verdiene."),
        "table_area": _("Område"),
        "table_value": _("Verdi"),
        "table_category": _("Kategori"),
        "table_series": _("Serie {n}"),
        "table_missing": _("ingen verdi"),
        # loading state of a graph being computed
        "loading": _("Laster …"),
        # DataTable controls that show only an icon or an English tooltip
        "page_first": _("Første side"),
        "page_previous": _("Forrige side"),
        "page_next": _("Neste side"),
        "page_last": _("Siste side"),
        "filter_case": _("Skill mellom store og små bokstaver"),
        # the dropdown's search field (Dash shows "Search")
        "dropdown_search": _("Søk"),
    }


def strings_element() -> html.Div:
    """The hidden element the scripts read their texts from (once per page load)."""
    data: dict[str, Any] = {"data-strings": json.dumps(strings(), ensure_ascii=False)}
    return html.Div(id=STRINGS_ID, hidden=True, **data)
