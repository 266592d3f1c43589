"""The Regler page's changes: upcoming changes, the timeline's points and the two-date diff
(helpers, not a page)."""

from __future__ import annotations

import datetime as dt
import html as html_lib
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from flask_login import current_user

from callbacks.rule_cards import parameters_text
from callbacks.rule_pieces import (
    as_date,
    category_label,
    change_count,
    level_badge,
    parameters_list,
    rules_table,
)
from dashboard import formatting
from dashboard.definitions.rules import (
    CHANGE_LABELS,
)
from dashboard.i18n import _
from data import rules


# --------------------------------------------------------------------------- changes
def _change_text(r: Any) -> list:
    if r.change == "ended":
        return [html.Div(_("Opphører: {text}", text=_(r.text_nb_before)))]
    parts: list = [html.Div(_(r.text_nb_after))]
    if r.change == "changed":
        names = list(r.changed_parameters or [])
        before = parameters_list(r.parameters_before, names)
        after = parameters_list(r.parameters_after, names)
        if names and (before or after):
            parts.append(
                dbc.Row(
                    [
                        dbc.Col([html.Div(_("Før"), className="small text-muted"), before], md=6),
                        dbc.Col([html.Div(_("Etter"), className="small text-muted"), after], md=6),
                    ],
                    className="g-2 mt-1",
                )
            )
    elif r.change == "added":
        parts.append(parameters_list(r.parameters_after))
    return parts


def upcoming_section(frame: pd.DataFrame, date: dt.date, days: int) -> Any:
    last = date + dt.timedelta(days=days)
    if frame.empty:
        return dbc.Alert(
            _(
                "Ingen registrerte endringer de neste {days} dagene (til og med {date}).",
                days=days,
                date=formatting.date_short(last),
            ),
            color="light",
            id="regler-upcoming-empty",
        )
    items = []
    for r in frame.itertuples(index=False):
        level = r.scope_level_after if r.change != "ended" else r.scope_level_before
        code = r.scope_code_after if r.change != "ended" else r.scope_code_before
        items.append(
            dbc.ListGroupItem(
                [
                    html.Div(
                        [
                            html.Strong(formatting.date_long(as_date(r.effective_date) or date)),
                            html.Span(
                                f" · {category_label(r.category)} · {_(CHANGE_LABELS[r.change])}",
                                className="text-muted",
                            ),
                            " ",
                            level_badge(level, code),
                        ]
                    ),
                    *_change_text(r),
                ],
                className="small",
            )
        )
    return dbc.ListGroup(items, id="regler-upcoming-list")


def timeline_points(changes: pd.DataFrame) -> pd.DataFrame:
    if changes.empty:
        return changes.assign(source=[], hover=[])
    level = changes["scope_level_after"].where(
        changes["change"] != "ended", changes["scope_level_before"]
    )
    source = level.where(~changes["authority"].map(rules.is_oxcgrt), "oxcgrt")

    def hover(r: Any) -> str:
        ended = r.change == "ended"
        text = _(r.text_nb_before if ended else r.text_nb_after)
        label = _(CHANGE_LABELS[r.change])
        params = (
            parameters_text({k: r.parameters_after.get(k) for k in r.changed_parameters})
            if r.change == "changed" and isinstance(r.parameters_after, dict)
            else []
        )
        body = html_lib.escape(f"{label}: {text}")
        wrapped = "<br>".join(_wrap(body))
        if params:
            wrapped += "<br><i>" + html_lib.escape("; ".join(params[:4])) + "</i>"
        return wrapped

    return changes.assign(source=source, hover=[hover(r) for r in changes.itertuples()])


def _wrap(text: str, width: int = 70) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def diff_section(frame: pd.DataFrame, start: dt.date, end: dt.date) -> list:
    dates = dict(start=formatting.date_short(start), end=formatting.date_short(end))
    if frame.empty:
        return [
            html.P(
                _(
                    "Fra {start} til {end}: ingen endringer i reglene som gjelder i kommunen.",
                    **dates,
                ),
                id="regler-diff-summary",
            )
        ]
    counts = frame["change"].value_counts()
    summary = ", ".join(change_count(c, int(counts[c])) for c in CHANGE_LABELS if c in counts)
    rows = []
    for r in frame.itertuples(index=False):
        names = list(r.changed_parameters or [])
        before = (
            [html.Div(_(r.text_nb_before)), parameters_list(r.parameters_before, names or None)]
            if r.change != "added"
            else "–"
        )
        after = (
            [html.Div(_(r.text_nb_after)), parameters_list(r.parameters_after, names or None)]
            if r.change != "ended"
            else "–"
        )
        level = r.scope_level_after if r.change != "ended" else r.scope_level_before
        code = r.scope_code_after if r.change != "ended" else r.scope_code_before
        rows.append(
            html.Tr(
                [
                    html.Td(category_label(r.category), className="fw-semibold"),
                    html.Td([_(CHANGE_LABELS[r.change]), html.Br(), level_badge(level, code)]),
                    html.Td(before),
                    html.Td(after),
                ]
            )
        )
    return [
        html.P(
            _("Fra {start} til {end}: {summary}.", summary=summary, **dates),
            id="regler-diff-summary",
        ),
        rules_table(
            [
                _("Kategori"),
                _("Endring"),
                _("Før ({date})", date=dates["start"]),
                _("Etter ({date})", date=dates["end"]),
            ],
            rows,
            "regler-diff-table",
        ),
    ]


def edit_link(kommunenummer: str, name: str) -> Any:
    if not current_user.is_authenticated:
        return None
    if current_user.may("edit_rules"):
        label = _("Registrer ny regelversjon")
    elif current_user.may("edit_local_rules") and current_user.kommunenummer == kommunenummer:
        label = _("Registrer lokal regel for {kommune}", kommune=name)
    else:
        return None
    return dbc.Button(
        label,
        href=f"/regler-rediger?kommune={kommunenummer}",
        color="primary",
        outline=True,
        size="sm",
        id="regler-edit-button",
    )
