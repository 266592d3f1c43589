"""Rules as text and cards, as every page that shows a rule version writes them (Regler,
Regelredigering, Innreise, Koronasertifikat): parameters in the reader's language, validity,
authority and source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import formatting
from dashboard.definitions import arrivals as texts
from dashboard.i18n import _
from data import rules


def parameter_text(name: str, value: Any) -> str:
    """:func:`data.rules.parameter_text` in the reader's language: «Isolation (days): 5»."""
    spec = rules.PARAMETERS.get(name)
    if spec is None:
        return f"{name}: {'–' if value is None else value}"
    if value is None:
        shown = _(spec.null_label)
    elif name == "test_within_hours" and value == 0:
        shown = _("ved ankomst")  # older versions: test at the border on arrival
    elif spec.kind == "bool":
        shown = _("ja") if value else _("nei")
    elif spec.kind == "choice" and str(value) in spec.choices:
        shown = _(spec.choices[str(value)])
    else:
        shown = str(value)
    return _("{label}: {value}", label=_(spec.label), value=shown)


def parameters_text(parameters: Any) -> list[str]:
    """:func:`data.rules.parameters_text` (same order, same hidden parameters), translated."""
    params = dict(parameters or {})
    order = [p for names in rules.CATEGORY_PARAMETERS.values() for p in names]
    names = sorted(params, key=lambda n: (order.index(n) if n in order else len(order), n))
    return [
        parameter_text(n, params[n])
        for n in names
        if not (n in rules.PARAMETERS and rules.PARAMETERS[n].hidden)
    ]


def parameter_value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if isinstance(value, int | float):
        return formatting.number(value, 0 if float(value).is_integer() else 1)
    return str(value)


def _date_text(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    return formatting.date_short(pd.Timestamp(value).date())


def rule_card(
    rule: Mapping[str, Any], labels: Mapping[str, str], *, note: str | None = None
) -> dbc.Card:
    """One rule version: text, validity, authority, parameters and link."""
    if rule.get("valid_to") is not None and not pd.isna(rule.get("valid_to")):
        valid = _(
            "Gjelder fra {start} til og med {end}",
            start=_date_text(rule["valid_from"]),
            end=_date_text(rule["valid_to"]),
        )
    else:
        valid = _("Gjelder fra {start}", start=_date_text(rule["valid_from"]))
    level_label = texts.SCOPE_LEVEL_LABELS.get(str(rule.get("scope_level", "")))
    level = _(level_label) if level_label else ""
    version = _("Versjon {id}", id=rule["id"])
    authority = rule.get("authority")
    authority = _(str(authority)) if authority else ""
    meta = " · ".join(p for p in (version, level, valid, authority) if p)
    params = rule.get("parameters") or {}
    items = [
        html.Li([f"{_(labels[key])}: ", html.Strong(parameter_value(value))])
        for key, value in params.items()
        if key in labels
    ]
    body: list[Any] = [
        html.P(_(str(rule.get("text_nb"))), className="mb-1"),
        html.Div(meta, className="small text-muted mb-1"),
    ]
    if items:
        body.append(html.Ul(items, className="small mb-1"))
    if rule.get("source_url"):
        body.append(
            html.A(
                _("Kilde"),
                href=rule["source_url"],
                target="_blank",
                rel="noopener",
                className="small",
            )
        )
    if note:
        body.append(html.Div(note, className="small text-muted"))
    return dbc.Card(dbc.CardBody(body), className="mb-2 shadow-sm")
