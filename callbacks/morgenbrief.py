"""Morgenbrief callbacks: one briefing object → cards, sentences, neighbours, figures."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, html, no_update

from callbacks import growth
from callbacks.common import as_of, compare_line, register_kommune_page, series_basis_note
from dashboard import disease, formatting
from dashboard.auth import current_scope
from dashboard.briefing import (
    RULE_UPCOMING_DAYS,
    Briefing,
    Indicator,
    briefing_view,
)
from dashboard.briefing.respiratory import ARROWS
from dashboard.briefing.respiratory import TITLE as RESPIRATORY_TITLE
from dashboard.definitions import DEMO_SOURCE, published_note, trend_label
from dashboard.i18n import N_, _
from dashboard.metrics.core import TREND_MIN_CASES
from geo import reference
from layouts.common import EMPTY_FIGURE

# (heading as a source string, indicator keys); the briefing's own texts come translated
GROUPS = (
    (N_("Smitte"), ("cases_24h", "cases_7d", "incidence_7d", "incidence_14d", "trend")),
    (N_("Testing og sykehus"), ("positivity_7d", "admissions_7d", "active_clusters")),
    (
        N_("Vaksinasjonsdekning"),
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
    value = indicator.display_percent()
    compare = None
    if indicator.has_comparison:
        compare = compare_line(fylke, indicator.compared("county"), indicator.compared("nation"))
    body = [
        html.Div(indicator.label, className="small text-muted"),
        html.Div(value, className="fs-4 fw-semibold", id=f"brief-{indicator.key}"),
        html.Div(unit.strip(), className="small text-muted") if unit else None,
        html.Div(compare, className="small") if compare else None,
        html.Div(indicator.note, className="small", id=f"brief-{indicator.key}-note")
        if indicator.note
        else None,
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
            _("Ingen nabokommuner du har tilgang til (over land, bro, tunnel eller ferje)."),
            className="small text-muted",
        )
    header = html.Thead(
        html.Tr(
            [
                html.Th(_("Kommune")),
                html.Th(_("Tilfeller 7 d")),
                html.Th(_("7-d insidens")),
                html.Th(_("14-d insidens")),
                html.Th(_("Trend")),
                html.Th(_("Dose 2")),
                html.Th(_("Forbindelse")),
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
                    html.Td(trend_label(r.trend)),
                    html.Td(_("{verdi} %", verdi=formatting.number(r.coverage_d2, 1))),
                    html.Td(formatting.neighbour_link(r.kinds), className="text-muted"),
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
            html.H2(_("Regler"), className="h5 mt-4"),
            html.H3(_("Endret siden i går"), className="h6"),
            items(
                brief.rules_changed,
                _("Ingen regler endret seg siden i går."),
                "brief-rules-changed",
            ),
            html.H3(
                _("Starter de neste {n} dagene", n=RULE_UPCOMING_DAYS),
                className="h6",
            ),
            items(
                brief.rules_upcoming,
                _("Ingen registrerte endringer de neste {n} dagene.", n=RULE_UPCOMING_DAYS),
                "brief-rules-upcoming",
            ),
            html.A(_("Alle regler i kraft"), href=link, className="small d-print-none"),
        ],
        lg=7,
        id="brief-rules",
    )


def _signals_block(brief: Briefing) -> dbc.Col:
    week = brief.signal_week
    number = week.isocalendar().week if week else None
    link = f"/signaler?kommune={brief.kommunenummer}&dato={brief.date.isoformat()}"
    body: Any = (
        html.Ul([html.Li(s) for s in brief.signals], id="brief-signals-list", className="small")
        if brief.signals
        else html.P(
            _("Ingen signaler uke {uke} i kommunen eller nabokommunene.", uke=number)
            if number
            else _("Ingen signaler siste hele uke i kommunen eller nabokommunene."),
            id="brief-signals-list",
            className="small text-muted",
        )
    )
    method = (
        _(
            "Automatisk overvåking, uke {uke}: ukens antall over terskelen fra "
            "Farrington-metoden (Noufaily mfl. 2013).",
            uke=number,
        )
        if number
        else _(
            "Automatisk overvåking, siste hele uke: ukens antall over terskelen fra "
            "Farrington-metoden (Noufaily mfl. 2013)."
        )
    )
    return dbc.Col(
        [
            html.H2(_("Signaler"), className="h5 mt-4"),
            html.P(method, className="small text-muted mb-1"),
            body,
            html.A(_("Alle signaler"), href=link, className="small d-print-none"),
        ],
        lg=5,
        id="brief-signals",
    )


def _respiratory_cell(cell: Any, decimals: int, unit: str, cell_id: str) -> html.Td:
    if cell is None:
        return html.Td("–", id=cell_id)
    if cell.value is None:
        text = formatting.withheld("rate") if cell.hidden else "–"
    else:
        text = formatting.number(cell.value, decimals)
        text = _("{verdi} %", verdi=text) if unit == "%" else text
    arrow = ARROWS.get(cell.trend or "", "")
    return html.Td(
        [
            html.Span(text, id=cell_id),
            html.Span(
                f" {arrow}", className="ms-1", title=trend_label(cell.trend), id=f"{cell_id}-trend"
            )
            if arrow
            else None,
            html.Span(" *", className="text-muted", title=_("Offisiell landsserie"))
            if cell.official
            else None,
        ]
    )


def _respiratory_block(brief: Briefing) -> Any:
    """«Luftveisinfeksjoner denne uken»: a row per registry indicator declared for the
    brief, for the kommune, the county and the country, with the trend arrow."""
    if not brief.respiratory:
        return None
    header = html.Thead(
        html.Tr(
            [
                html.Th(_("Indikator")),
                html.Th(brief.name),
                html.Th(brief.fylkesnavn),
                html.Th(_("Landet")),
            ]
        )
    )
    body = []
    for row in brief.respiratory:
        week = row.period_end.isocalendar().week
        body.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Span(row.label),
                            html.Span(f" ({row.unit})" if row.unit else "", className="text-muted"),
                            html.Div(
                                _("Uke {uke}", uke=week)
                                if row.weekly
                                else _(
                                    "7 dager til og med {dato}",
                                    dato=formatting.date_short(row.period_end),
                                ),
                                className="small text-muted",
                            ),
                        ],
                        title=f"{row.definition} {_('Kilde: {kilde}.', kilde=row.source)}",
                    ),
                    *(
                        _respiratory_cell(
                            row.cells.get(level),
                            row.decimals,
                            row.unit,
                            f"brief-resp-{row.key}-{level}",
                        )
                        for level in ("kommune", "fylke", "nation")
                    ),
                ]
            )
        )
    return html.Div(
        [
            html.H2(_(RESPIRATORY_TITLE), className="h5 mt-4"),
            dbc.Table([header, html.Tbody(body)], size="sm", striped=True, className="small"),
            html.P(
                _(
                    "Pil: denne perioden mot forrige, bare når begge er publisert og antallet "
                    "er minst {minst}.",
                    minst=TREND_MIN_CASES,
                )
                + (
                    " " + _("*: landets offisielle serie (kilden står i definisjonen).")
                    if any(c.official for r in brief.respiratory for c in r.cells.values())
                    else ""
                ),
                className="small text-muted",
            ),
        ],
        id="brief-respiratory",
    )


def _body(brief: Briefing) -> list:
    blocks: list = []
    for title, keys in GROUPS:
        blocks.append(html.H2(_(title), className="h6 mt-3 text-uppercase text-muted"))
        blocks.append(
            dbc.Row([_card(brief.indicators[k], brief.fylkesnavn) for k in keys], className="g-2")
        )
    respiratory = _respiratory_block(brief)
    if respiratory is not None:
        blocks.append(respiratory)
    blocks.append(
        dbc.Row(
            [
                dbc.Col(
                    [
                        html.H2(_("Siden i går"), className="h5 mt-4"),
                        html.Ul([html.Li(s) for s in brief.changes], id="brief-changes"),
                    ],
                    lg=5,
                ),
                dbc.Col(
                    [
                        html.H2(_("Nabokommuner"), className="h5 mt-4"),
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
        alert = dbc.Alert(_("Velg en kommune i listen."), color="warning")
        return _("Morgenbrief"), alert, [], EMPTY_FIGURE, EMPTY_FIGURE, "#", date_out, ""
    brief, incidence, daily = briefing_view(
        scope=current_scope(), kommunenummer=kommunenummer, date=date
    )
    title = disease.titled(
        _("Morgenbrief {kommune} – {dato}", kommune=brief.name, dato=formatting.date_long(date))
    )
    source = _(
        "Data per {dato}. Kilde: {kilde}. {vern}",
        vern=published_note(),
        dato=formatting.date_short(info["data_date"]),
        kilde=_(DEMO_SOURCE) if info["is_demo"] else info["source"] or _("importerte data"),
    )
    fylke = reference.kommuner(2024).set_index("kommunenummer").loc[kommunenummer]
    source = f"{source} {series_basis_note(str(fylke['fylkesnummer']), fylke['fylkesnavn'])}"
    pdf = f"/morgenbrief/{kommunenummer}/pdf?dato={date.isoformat()}"
    body = _body(brief)
    body.insert(2, dbc.Row([growth.growth_card(kommunenummer, date, card_id="brief-growth")]))
    return title, None, body, incidence, daily, pdf, date_out, source


PRINT = """
function(n) {
    if (n) { window.print(); }
    return window.dash_clientside.no_update;
}
"""


def register(app: Dash) -> None:
    register_kommune_page(
        app,
        update_briefing,
        prefix="brief",
        path="morgenbrief",
        outputs="title alert body incidence.figure daily.figure pdf.href date.date source",
    )
    app.clientside_callback(
        PRINT, Output("brief-print-done", "data"), Input("brief-print", "n_clicks")
    )
