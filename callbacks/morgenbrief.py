"""Morgenbrief callbacks: one briefing object → cards, sentences, neighbours, figures."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, html, no_update

from callbacks.common import as_of, register_kommune_controls
from dashboard import formatting
from dashboard.auth import current_scope
from dashboard.briefing import (
    RULE_UPCOMING_DAYS,
    Briefing,
    Indicator,
    briefing_view,
)
from dashboard.definitions import DEMO_SOURCE, TREND_LABELS
from geo import reference
from layouts.common import EMPTY_FIGURE

GROUPS = (
    ("Smitte", ("cases_24h", "cases_7d", "incidence_7d", "incidence_14d", "trend")),
    ("Testing og sykehus", ("positivity_7d", "admissions_7d", "active_clusters")),
    (
        "Vaksinasjonsdekning",
        (
            "coverage_all_d1",
            "coverage_all_d2",
            "coverage_all_d3",
            "coverage_65_d1",
            "coverage_65_d2",
            "coverage_65_d3",
        ),
    ),
)


def _card(indicator: Indicator, fylke: str) -> dbc.Col:
    unit = "" if indicator.unit in ("", "%") else f" {indicator.unit}"
    value = indicator.display() + (" %" if indicator.unit == "%" and indicator.text is None else "")
    compare = None
    if indicator.county is not None or indicator.nation is not None:
        compare = (
            f"{fylke}: {indicator.display(indicator.county, own=False)} · "
            f"Landet: {indicator.display(indicator.nation, own=False)}"
        )
    body = [
        html.Div(indicator.label, className="small text-muted"),
        html.Div(value, className="fs-4 fw-semibold", id=f"brief-{indicator.key}"),
        html.Div(unit.strip(), className="small text-muted") if unit else None,
        html.Div(compare, className="small") if compare else None,
        html.Div(indicator.definition, className="small text-muted fst-italic"),
    ]
    return dbc.Col(
        dbc.Card(dbc.CardBody([b for b in body if b is not None]), className="h-100 shadow-sm"),
        md=4,
        lg=2,
    )


def _neighbour_table(frame: pd.DataFrame) -> Any:
    if frame.empty:
        return html.P(
            "Ingen nabokommuner du har tilgang til (eller kommunen har ingen landgrense).",
            className="small text-muted",
        )
    header = html.Thead(
        html.Tr(
            [
                html.Th("Kommune"),
                html.Th("Tilfeller 7 d"),
                html.Th("7-d insidens"),
                html.Th("14-d insidens"),
                html.Th("Trend"),
                html.Th("Dose 2"),
            ]
        )
    )
    rows = []
    for r in frame.itertuples():
        cases = formatting.count(r.cases_7d, suppressed=bool(r.cases_7d_suppressed))
        rows.append(
            html.Tr(
                [
                    html.Td(f"{r.name} ({r.kommunenummer})"),
                    html.Td(cases),
                    html.Td(formatting.number(r.incidence_7d, 1)),
                    html.Td(formatting.number(r.incidence_14d, 1)),
                    html.Td(TREND_LABELS[r.trend]),
                    html.Td(f"{formatting.number(r.coverage_d2, 1)} %"),
                ]
            )
        )
    return dbc.Table([header, html.Tbody(rows)], size="sm", striped=True, className="small")


def _rules_block(brief: Briefing) -> dbc.Col:
    link = f"/regler/{brief.kommunenummer}?dato={brief.date.isoformat()}"

    def items(sentences: list[str], empty: str, list_id: str) -> Any:
        if not sentences:
            return html.P(empty, className="small text-muted", id=list_id)
        return html.Ul([html.Li(s) for s in sentences], id=list_id, className="small")

    return dbc.Col(
        [
            html.H2("Regler", className="h5 mt-4"),
            html.H3("Endret siden i går", className="h6"),
            items(
                brief.rules_changed, "Ingen regler endret seg siden i går.", "brief-rules-changed"
            ),
            html.H3(f"Starter de neste {RULE_UPCOMING_DAYS} dagene", className="h6"),
            items(
                brief.rules_upcoming,
                f"Ingen registrerte endringer de neste {RULE_UPCOMING_DAYS} dagene.",
                "brief-rules-upcoming",
            ),
            html.A("Alle regler i kraft", href=link, className="small d-print-none"),
        ],
        lg=7,
        id="brief-rules",
    )


def _signals_block(brief: Briefing) -> dbc.Col:
    week = brief.signal_week
    label = f"uke {week.isocalendar().week}" if week else "siste hele uke"
    link = f"/signaler?kommune={brief.kommunenummer}&dato={brief.date.isoformat()}"
    body: Any = (
        html.Ul([html.Li(s) for s in brief.signals], id="brief-signals-list", className="small")
        if brief.signals
        else html.P(
            f"Ingen signaler {label} i kommunen eller nabokommunene.",
            id="brief-signals-list",
            className="small text-muted",
        )
    )
    return dbc.Col(
        [
            html.H2("Signaler", className="h5 mt-4"),
            html.P(
                f"Automatisk overvåking, {label}: ukens antall over terskelen fra "
                "Farrington-metoden (Noufaily mfl. 2013).",
                className="small text-muted mb-1",
            ),
            body,
            html.A("Alle signaler", href=link, className="small d-print-none"),
        ],
        lg=5,
        id="brief-signals",
    )


def _body(brief: Briefing) -> list:
    blocks: list = []
    for title, keys in GROUPS:
        blocks.append(html.H2(title, className="h6 mt-3 text-uppercase text-muted"))
        blocks.append(
            dbc.Row([_card(brief.indicators[k], brief.fylkesnavn) for k in keys], className="g-2")
        )
    blocks.append(
        dbc.Row(
            [
                dbc.Col(
                    [
                        html.H2("Siden i går", className="h5 mt-4"),
                        html.Ul([html.Li(s) for s in brief.changes], id="brief-changes"),
                    ],
                    lg=5,
                ),
                dbc.Col(
                    [
                        html.H2("Nabokommuner", className="h5 mt-4"),
                        _neighbour_table(brief.neighbours),
                    ],
                    lg=7,
                    id="brief-neighbours",
                ),
            ]
        )
    )
    blocks.append(dbc.Row([_signals_block(brief), _rules_block(brief)]))
    return blocks


def update_briefing(kommunenummer: str | None, requested_date: str | None) -> tuple:
    date, info = as_of(requested_date)
    date_out = date.isoformat() if date.isoformat() != requested_date else no_update
    known = reference.kommuner(2024)["kommunenummer"]
    if not kommunenummer or kommunenummer not in set(known):
        alert = dbc.Alert("Velg en kommune i listen.", color="warning")
        return "Morgenbrief", alert, [], EMPTY_FIGURE, EMPTY_FIGURE, "#", date_out, ""
    brief, incidence, daily = briefing_view(
        scope=current_scope(), kommunenummer=kommunenummer, date=date
    )
    title = f"Morgenbrief {brief.name} – {formatting.date_long(date)}"
    source = (
        f"Data per {formatting.date_short(info['data_date'])}. Kilde: "
        + (DEMO_SOURCE if info["is_demo"] else info["source"] or "importerte data")
        + ". Små tall (1–4) vises som «1–4» for roller uten tilgang til små tall."
    )
    pdf = f"/morgenbrief/{kommunenummer}/pdf?dato={date.isoformat()}"
    return title, None, _body(brief), incidence, daily, pdf, date_out, source


PRINT = """
function(n) {
    if (n) { window.print(); }
    return window.dash_clientside.no_update;
}
"""


def register(app: Dash) -> None:
    register_kommune_controls(app, prefix="brief", path="morgenbrief")
    app.callback(
        Output("brief-title", "children"),
        Output("brief-alert", "children"),
        Output("brief-body", "children"),
        Output("brief-incidence", "figure"),
        Output("brief-daily", "figure"),
        Output("brief-pdf", "href"),
        Output("brief-date", "date"),
        Output("brief-source", "children"),
        Input("brief-select", "value"),
        Input("brief-date", "date"),
    )(update_briefing)
    app.clientside_callback(
        PRINT, Output("brief-print-done", "data"), Input("brief-print", "n_clicks")
    )
