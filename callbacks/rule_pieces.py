"""Small pieces of the Regler page: rule texts, dates and periods, where a rule applies, its
parameters and source, and the table every section uses (helpers, not a page)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from callbacks.rule_cards import parameters_text
from dashboard import formatting
from dashboard.definitions.rules import (
    CATEGORY_LABELS,
    LEVEL_LABELS,
)
from dashboard.i18n import N_, _, ngettext
from geo import reference

STRINGENCY_MEASURE = "stringency_index"  # imported from OxCGRT as a national series
# "replaces the national / county rule" under a local or county version
OVERRIDES_NATIONAL = N_("gjelder i stedet for nasjonal regel")
OVERRIDES_TEXTS = {
    "national": OVERRIDES_NATIONAL,
    "county": N_("gjelder i stedet for fylkets regel"),
    "kommune": N_("gjelder i stedet for kommunens regel"),
}


def change_count(change: str, n: int) -> str:
    """A part of the diff summary: "2 nye", "1 endret"."""
    if change == "added":
        return ngettext("{n} ny", "{n} nye", n, n=n)
    if change == "ended":
        return ngettext("{n} opphører", "{n} opphører", n, n=n)
    return ngettext("{n} endret", "{n} endret", n, n=n)


def category_label(code: str) -> str:
    return _(CATEGORY_LABELS[code]) if code in CATEGORY_LABELS else code


# --------------------------------------------------------------------------- small pieces
@cache
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """Kommune and fylke names by number (reference data: built once per process)."""
    kommuner = reference.kommuner(2024).set_index("kommunenummer")["name"]
    fylker = reference.fylker(2024).set_index("fylkesnummer")["name"]
    return dict(kommuner), dict(fylker)


def as_date(value: Any) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def short_date(value: Any) -> str:
    day = as_date(value)
    return formatting.date_short(day) if day else "–"


def period_text(valid_from: Any, valid_to: Any) -> str:
    end = as_date(valid_to)
    return f"{short_date(valid_from)} – {formatting.date_short(end) if end else _('inntil videre')}"


def where_text(level: str | None, code: str | None) -> str:
    kommuner, fylker = _names()
    if level == "kommune":
        return _("Lokal: {name}", name=kommuner.get(str(code), code))
    if level == "county":
        return _("Fylke: {name}", name=fylker.get(str(code), code))
    national = LEVEL_LABELS["national"]
    return _(national)


def level_badge(level: str | None, code: str | None) -> dbc.Badge:
    colour = {"kommune": "warning", "county": "info"}.get(level or "", "secondary")
    return dbc.Badge(
        where_text(level, code),
        color=colour,
        text_color="dark" if colour in ("warning", "info") else None,
        className="me-1",
    )


def parameters_list(params: Any, only: list[str] | None = None) -> html.Ul | str:
    values = params if isinstance(params, dict) else {}
    if only is not None:
        values = {k: v for k, v in values.items() if k in only}
    lines = parameters_text(values)
    if not lines:
        return ""
    return html.Ul([html.Li(line) for line in lines], className="mb-0 ps-3 small")


def source_links(authority: Any, url: Any) -> list:
    parts: list = [html.Span(_(str(authority)) if authority else "")]
    if isinstance(url, str) and url:
        parts += [
            html.Br(),
            html.A(_("Kilde"), href=url, target="_blank", rel="noopener noreferrer"),
        ]
    return parts


def rules_table(header: list[str], rows: list[html.Tr], table_id: str) -> dbc.Table:
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)],
        id=table_id,
        size="sm",
        hover=True,
        responsive=True,
        className="align-top small",
    )
