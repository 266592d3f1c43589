"""Koronasertifikat page callbacks.

The main callback reads one kommune (cards, age bands, rule versions); a second callback
draws the share over time against county and country, whose first computation after a data
load reads every certificate and is cached, so that it never holds up the kommune's numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, html
from dash.exceptions import PreventUpdate

from callbacks.common import NATION_LABEL, not_published, page_context, register_kommune_controls
from callbacks.rule_cards import rule_card
from callbacks.subject import HIDDEN, dated_source_line, persons, simple_table
from dashboard import figures, formatting
from dashboard.auth import current_scope
from dashboard.definitions import certificates as texts
from dashboard.figures import certificates as certificate_figures
from dashboard.figures.arrivals import percent
from dashboard.i18n import N_, _
from dashboard.metrics import certificates as certificate_metrics
from data.queries import AreaLevel
from data.queries import certificates as certificate_queries
from layouts.common import EMPTY_FIGURE, card

SERIES_START = dt.date(2020, 1, 1)  # the series starts with the first certificate
BASIS_CARD_TITLES = {
    "vaccinated": N_("Grunnlag: vaksinert"),
    "recovered": N_("Grunnlag: gjennomgått covid-19"),
    "tested": N_("Grunnlag: negativ test"),
}


def _count(row: Mapping[str, Any], column: str) -> str:
    return formatting.count(row.get(column), suppressed=bool(row.get(f"{column}_suppressed")))


# the counts each displayed share is built on (withheld count → "skjult")
SHARE_BASES = {
    **{share: [count, "population"] for share, count in certificate_metrics.SHARE_COLUMNS.items()},
    "share_expiring": ["expiring_30d", "valid"],
}


def _share(row: Mapping[str, Any], column: str) -> str:
    """A share for display, capped at 100 % (marked *), "skjult" when built on a withheld
    count."""
    if any(bool(row.get(f"{base}_suppressed")) for base in SHARE_BASES.get(column, [])):
        return _(HIDDEN)
    value = row.get(column)
    if value is None or pd.isna(value):
        return "–"
    text = percent(min(float(value), 1.0))
    return text + " *" if float(value) > 1.0 else text


def _cards(total: Mapping[str, Any]) -> list[dbc.Col]:
    population = formatting.number(total["population"])
    cards = [
        card(
            _("Gyldig koronasertifikat"),
            _share(total, "share_valid"),
            note=_(
                "{n} av {population} innbyggere", n=_count(total, "valid"), population=population
            ),
            card_id="sertifikat-card-valid",
        ),
    ]
    for basis in certificate_metrics.BASES:
        cards.append(
            card(
                _(BASIS_CARD_TITLES[basis]),
                _share(total, f"share_{basis}"),
                note=persons(total, basis),
            )
        )
    cards.append(
        card(
            _("Utløper innen {days} dager", days=texts.EXPIRY_DAYS),
            _count(total, "expiring_30d"),
            note=_("{share} av dem med gyldig sertifikat", share=_share(total, "share_expiring")),
            card_id="sertifikat-card-expiring",
        )
    )
    return [dbc.Col(c, md=4, xl=True) for c in cards]


def _age_table(status: pd.DataFrame) -> html.Div:
    rows = []
    for record in status.to_dict("records"):
        band = record["age_band"]
        label = {"total": _("Alle"), "ukjent": _("Ukjent alder")}.get(band, band)
        cells = [
            label,
            formatting.number(record["population"]) if record["population"] else "–",
            _count(record, "valid"),
            _share(record, "share_valid"),
            _share(record, "share_vaccinated"),
            _share(record, "share_recovered"),
            _share(record, "share_tested"),
            _count(record, "expiring_30d"),
        ]
        if band == "total":
            cells = [html.Strong(c) for c in cells]
        rows.append(cells)
    header = [
        _("Alder"),
        _("Innbyggere"),
        _("Gyldig"),
        _("Andel"),
        _("Vaksinert"),
        _("Gjennomgått"),
        _("Negativ test"),
        _("Utløper ≤ {days} d", days=texts.EXPIRY_DAYS),
    ]
    notes = [
        _(
            "Befolkning 1. januar {year}. Andelene er av innbyggerne i aldersgruppen.",
            year=int(status["population_year"].iloc[0]),
        )
    ]
    if certificate_metrics.over_one(status):
        notes.append(_("* Over 100 % i rådata; vist som 100 % i figuren."))
    return html.Div(
        [
            html.H2(_("Etter aldersgruppe"), className="h6"),
            simple_table(header, rows, table_id="sertifikat-age-table"),
            *(html.Div(n, className="small text-muted") for n in notes),
        ]
    )


def _rules_block(in_force: pd.DataFrame, used: pd.DataFrame, date: dt.date) -> html.Div:
    labels = texts.PARAMETER_LABELS
    parts: list[Any] = [
        html.H2(_("Regelversjon i kraft {date}", date=formatting.date_short(date)), className="h6")
    ]
    if in_force.empty:
        parts.append(
            html.P(_("Ingen regel for koronasertifikat var i kraft på datoen."), className="small")
        )
    else:
        parts += [rule_card(r, labels) for r in in_force.to_dict("records")]
    parts.append(html.H2(_("Tallene er beregnet etter"), className="h6 mt-3"))
    if used.empty:
        parts.append(html.P(_("Ingen gyldige sertifikater på datoen."), className="small"))
    else:
        rows = [
            [
                _("Versjon {id}", id=int(r["id"])),
                formatting.date_short(pd.Timestamp(r["valid_from"]).date()),
                formatting.count(r["certificates"], suppressed=bool(r["certificates_suppressed"])),
                _(str(r.get("text_nb"))),
            ]
            for r in used.to_dict("records")
        ]
        parts.append(
            simple_table(
                [_("Versjon"), _("Fra"), _("Gyldige sertifikater"), _("Regel")],
                rows,
                table_id="sertifikat-used-versions",
            )
        )
        parts.append(
            html.Div(
                _("Hvert sertifikat følger versjonen som gjaldt da det ble gyldig."),
                className="small text-muted",
            )
        )
    return html.Div(parts, id="sertifikat-rules-list")


def update_sertifikat(kommunenummer: str | None, requested_date: str | None) -> tuple:
    place, date_out, alert = page_context(kommunenummer, requested_date)
    if place is None:
        return (_("Koronasertifikat"), [], EMPTY_FIGURE, None, None, alert, date_out, "")
    scope = current_scope()
    # a kommune outside the scope is refused by the first query (ScopeError)
    status = certificate_queries.certificate_status(
        scope=scope, kommunenummer=place.kommunenummer, date=place.date
    )
    in_force = certificate_queries.certificate_rules_in_force(
        scope=scope, kommunenummer=place.kommunenummer, date=place.date
    )
    used = certificate_queries.certificate_rule_versions(
        scope=scope, kommunenummer=place.kommunenummer, date=place.date
    )
    notice = not_published("certificates", place.kommunenummer)
    if notice is not None:
        # No certificate data: say so instead of 0 %; the rules in force are still shown.
        return (
            place.title(_("Koronasertifikat")),
            [],
            figures.message_figure(_("Ingen koronasertifikater i datagrunnlaget.")),
            None,
            _rules_block(in_force, used, place.date),
            notice,
            date_out,
            dated_source_line(place.info, place.date, texts.SOURCE),
        )
    status = certificate_metrics.with_shares(status)
    total = certificate_metrics.total_row(status)
    if in_force.empty and used.empty:
        alert = dbc.Alert(
            _(
                "Det var ingen gyldige koronasertifikater og ingen regel for koronasertifikat i "
                "kraft {date}. Velg en senere dato.",
                date=formatting.date_short(place.date),
            ),
            color="info",
        )
    figure = certificate_figures.age_share_figure(
        status,
        basis_labels=texts.BASIS_LABELS,
        title=_(
            "Gyldig sertifikat etter alder og grunnlag, {date}",
            date=formatting.date_short(place.date),
        ),
    )
    return (
        place.title(_("Koronasertifikat")),
        _cards(total),
        figure,
        _age_table(status),
        _rules_block(in_force, used, place.date),
        alert,
        date_out,
        dated_source_line(place.info, place.date, texts.SOURCE),
    )


def update_comparison(kommunenummer: str | None, requested_date: str | None) -> tuple:
    if not requested_date:
        raise PreventUpdate  # the main callback writes the date back first
    place, _date_out, _alert = page_context(kommunenummer, requested_date)
    if place is None:
        return EMPTY_FIGURE, None
    if not_published("certificates", place.kommunenummer) is not None:
        return figures.message_figure(_("Ingen koronasertifikater i datagrunnlaget.")), None
    scope = current_scope()
    areas: list[tuple[str, AreaLevel, str | None]] = [
        (place.name, "kommune", place.kommunenummer),
        (place.fylke_label, "fylke", place.fylkesnummer),
        (_(NATION_LABEL), "nation", None),
    ]
    series = [
        (
            label,
            certificate_metrics.with_shares(
                certificate_queries.certificate_series(
                    scope=scope,
                    level=level,
                    code=code,
                    start=SERIES_START,
                    end=place.date,
                    step_days=texts.SERIES_STEP_DAYS,
                )
            ),
        )
        for label, level, code in areas  # the kommune first: refused there if out of scope
    ]
    figure = certificate_figures.share_over_time_figure(
        series, title=_("Andel med gyldig sertifikat, kommune, fylke og land")
    )
    values = [(label, certificate_metrics.share_on(s, place.date)) for label, s in series]
    body = [html.Div(_("Andel med gyldig sertifikat i"), className="small text-muted")]
    for label, value in values[1:]:
        body.append(
            html.Div([html.Span(f"{label}: "), html.Strong(percent(value))], className="mb-1")
        )
    own = values[0][1]
    if not pd.isna(own) and not pd.isna(values[2][1]):
        diff = (own - values[2][1]) * 100
        sign = "+" if diff >= 0 else "−"
        body.append(
            html.Div(
                _(
                    "{kommune}: {difference} prosentpoeng mot landet",
                    kommune=place.name,
                    difference=sign + formatting.number(abs(diff), 1),
                ),
                className="small text-muted",
            )
        )
    compare = dbc.Card(
        dbc.CardBody(body), className="h-100 shadow-sm", id="sertifikat-compare-card"
    )
    return figure, compare


def register(app: Dash) -> None:
    register_kommune_controls(app, prefix="sertifikat", path="sertifikat")
    app.callback(
        Output("sertifikat-title", "children"),
        Output("sertifikat-cards", "children"),
        Output("sertifikat-by-age", "figure"),
        Output("sertifikat-table", "children"),
        Output("sertifikat-rules", "children"),
        Output("sertifikat-alert", "children"),
        Output("sertifikat-date", "date"),
        Output("sertifikat-source", "children"),
        Input("sertifikat-select", "value"),
        Input("sertifikat-date", "date"),
    )(update_sertifikat)
    app.callback(
        Output("sertifikat-over-time", "figure"),
        Output("sertifikat-compare", "children"),
        Input("sertifikat-select", "value"),
        Input("sertifikat-date", "date"),
    )(update_comparison)
