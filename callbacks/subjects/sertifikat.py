"""Koronasertifikat: residents with a valid certificate by basis and age band, over time
against county and country, certificates about to expire, and the rule versions behind them.

The main callback reads one kommune (cards, age bands, rule versions); the deferred slots
draw the share over time against county and country, whose first computation after a data
load reads every certificate and is cached, so that it never holds up the kommune's numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from callbacks.rule_cards import rule_card
from callbacks.subject import HIDDEN, Place, declare, persons, persons_count, simple_table
from callbacks.subjects import View
from dashboard import figures, formatting
from dashboard.definitions import certificates as texts
from dashboard.figures import certificates as certificate_figures
from dashboard.figures.arrivals import percent
from dashboard.i18n import N_, _
from dashboard.metrics import certificates as certificate_metrics
from data.queries import certificates as certificate_queries
from layouts.common import card
from layouts.subject_page import Note, Row, Slot

SERIES_START = dt.date(2020, 1, 1)  # the series starts with the first certificate
BASIS_CARD_TITLES = {
    "vaccinated": N_("Grunnlag: vaksinert"),
    "recovered": N_("Grunnlag: gjennomgått covid-19"),
    "tested": N_("Grunnlag: negativ test"),
}


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
                "{n} av {population} innbyggere",
                n=persons_count(total, "valid"),
                population=population,
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
            persons_count(total, "expiring_30d"),
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
            persons_count(record, "valid"),
            _share(record, "share_valid"),
            _share(record, "share_vaccinated"),
            _share(record, "share_recovered"),
            _share(record, "share_tested"),
            persons_count(record, "expiring_30d"),
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


def _rules(view: View) -> tuple[html.Div, bool]:
    """The rules block, and whether no rule was in force and none was used."""
    place, scope = view.context, view.scope
    in_force = certificate_queries.certificate_rules_in_force(
        scope=scope, kommunenummer=place.kommunenummer, date=place.date
    )
    used = certificate_queries.certificate_rule_versions(
        scope=scope, kommunenummer=place.kommunenummer, date=place.date
    )
    return _rules_block(in_force, used, place.date), in_force.empty and used.empty


NONE_LOADED = N_("Ingen koronasertifikater i datagrunnlaget.")


def no_certificates(view: View) -> dict[str, Any]:
    """No certificate data: say so instead of 0 %; the rules in force are still shown."""
    return {"by-age": figures.message_figure(_(NONE_LOADED)), "rules": _rules(view)[0]}


def render(view: View) -> dict[str, Any]:
    place = view.context
    status = certificate_metrics.with_shares(
        certificate_queries.certificate_status(
            scope=view.scope, kommunenummer=place.kommunenummer, date=place.date
        )
    )
    rules, no_rules = _rules(view)
    shown = {
        "cards": _cards(certificate_metrics.total_row(status)),
        "by-age": certificate_figures.age_share_figure(
            status,
            basis_labels=texts.BASIS_LABELS,
            title=_(
                "Gyldig sertifikat etter alder og grunnlag, {date}",
                date=formatting.date_short(place.date),
            ),
        ),
        "table": _age_table(status),
        "rules": rules,
    }
    if no_rules:
        shown["alert"] = dbc.Alert(
            _(
                "Det var ingen gyldige koronasertifikater og ingen regel for koronasertifikat i "
                "kraft {date}. Velg en senere dato.",
                date=formatting.date_short(place.date),
            ),
            color="info",
        )
    return shown


def over_time(view: View) -> dict[str, Any]:
    """The share over time against county and country (the deferred slots)."""
    if view.notice is not None:
        return {"over-time": figures.message_figure(_(NONE_LOADED))}
    place = view.context
    series = [
        (
            label,
            certificate_metrics.with_shares(
                certificate_queries.certificate_series(
                    scope=view.scope,
                    level=level,
                    code=code,
                    start=SERIES_START,
                    end=place.date,
                    step_days=texts.SERIES_STEP_DAYS,
                )
            ),
        )
        for label, level, code in place.areas  # the kommune first: refused there if out of scope
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
    diff = certificate_metrics.points_against(values[0][1], values[2][1])
    if diff is not None:
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
    return {"over-time": figure, "compare": compare}


PAGE = declare(
    Place("sertifikat", N_("Koronasertifikat"), 4, "tiltak"),
    parts=(
        Row(
            (
                Slot("cards", "cards", {"xl": 9}, class_name="g-3"),
                # its own callback (and spinner): see the module's docstring
                Slot("compare", width={"xl": 3}, deferred=True, class_name="h-100"),
            ),
            "g-3 mb-3",
        ),
        Note(texts.PRECEDENCE_NOTE),
        Row(
            (
                Slot("by-age", "figure", {"lg": 6}),
                Slot("over-time", "figure", {"lg": 6}, deferred=True),
            ),
            "mb-3",
        ),
        Row((Slot("table", width={"lg": 7}), Slot("rules", width={"lg": 5}))),
    ),
    definitions=(
        texts.VALID_SHARE,
        texts.BY_AGE,
        texts.OVER_TIME,
        texts.EXPIRING,
        texts.RULE_VERSION,
    ),
    loading="slot",
    render=render,
    subject="certificates",
    fallback=no_certificates,
    deferred=over_time,
    source=texts.SOURCE,
)
