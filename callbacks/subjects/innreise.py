"""Innreise: arrivals from abroad to the kommune of stay, the follow-up funnel, data quality
and the entry rules in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, dcc, html
from dash.development.base_component import Component

from callbacks.common import NATION_LABEL, Context, compare_line
from callbacks.rule_cards import rule_card
from callbacks.subject import HIDDEN, Place, declare, persons, persons_count, simple_table
from callbacks.subjects import View
from dashboard import figures, formatting
from dashboard.definitions import arrivals as texts
from dashboard.figures import arrivals as arrival_figures
from dashboard.figures.arrivals import percent
from dashboard.i18n import N_, _
from dashboard.metrics import arrivals as arrival_metrics
from data.queries import arrivals as arrival_queries
from data.queries import rules as rule_queries
from layouts.common import card_col
from layouts.subject_page import Row, Slot

# --------------------------------------------------------------------------- innreise
MEASURE_LABELS = {
    "tested": N_("Testet innen fristen (av registrerte)"),
    "positive": N_("Positive (av testede)"),
    "quarantine_required": N_("Karantenekrav (av registrerte)"),
    "follow_up_completed": N_("Oppfølging fullført (av registrerte)"),
    "without_fd_number": N_("Uten F/D-nummer (av registrerte)"),
    # texts.PENDING_DAYS (7) as a literal: a msgid is fixed text
    "pending_overdue": N_("Venter etter 7 dager (av ankomne før det)"),
    "tested_no_result": N_("Testet uten svar (av testede)"),
    "follow_up_lost": N_("Ikke nådd (av registrerte)"),
}


def share_text(value: float, hidden: bool = False) -> str:
    """A share as percent text; "skjult" when it rests on a withheld small count."""
    return _(HIDDEN) if hidden else percent(value)


def _cards(
    own: Mapping[str, Any],
    fylke: Mapping[str, Any],
    nation: Mapping[str, Any],
    place: Context,
    days: int,
) -> list[dbc.Col]:
    funnel = arrival_metrics.funnel(own).set_index("stage")
    quality = arrival_metrics.quality(own).set_index("flag")

    f = arrival_metrics.comparison([("f", fylke), ("n", nation)]).set_index("measure")

    def compare(metric: str) -> str:
        fylke_value = share_text(f.at[metric, "f"], f.at[metric, "f_suppressed"])
        nation_value = share_text(f.at[metric, "n"], f.at[metric, "n_suppressed"])
        return compare_line(place.fylkesnavn, fylke_value, nation_value)

    daily = arrival_metrics.per_day(own.get("registered"), days)
    window_note = _("Siste {days} dager", days=days)
    if daily is not None:
        window_note = _(
            "Siste {days} dager · {per_day} per dag",
            days=days,
            per_day=formatting.number(daily, 1),
        )

    def share(frame: pd.DataFrame, key: str) -> str:
        return share_text(frame.at[key, "share"], frame.at[key, "share_suppressed"])

    def followed(key: str) -> str:
        return f"{persons(own, key)} · {compare(key)}"

    def col(title: str, value: str, note: str, card_id: str | None = None) -> dbc.Col:
        return card_col(title, value, note=note, card_id=card_id, md=4, xl=2)

    return [
        col(
            _("Registrerte ankomster"),
            persons_count(own, "registered"),
            note=window_note,
            card_id="innreise-card-registered",
        ),
        col(_("Testet innen fristen"), share(funnel, "tested"), followed("tested")),
        col(
            _("Positive blant testede"),
            share(funnel, "positive"),
            note=_(
                "{n} positive · {compare}",
                n=persons_count(own, "positive"),
                compare=compare("positive"),
            ),
        ),
        col(
            _("Karantenekrav"),
            persons_count(own, "quarantine_required"),
            note=_(
                "{share} av registrerte",
                share=share_text(funnel.at["quarantine_required", "share"]),
            ),
        ),
        col(
            _("Oppfølging fullført"),
            share(funnel, "follow_up_completed"),
            followed("follow_up_completed"),
        ),
        col(
            _("Uten F/D-nummer"),
            share(quality, "without_fd_number"),
            note=followed("without_fd_number"),
            card_id="innreise-card-fd",
        ),
    ]


def _compare_block(areas: Sequence[tuple[str, Mapping[str, Any]]], days: int) -> html.Div:
    table = arrival_metrics.comparison(areas)
    header = ["", *(label for label, _a in areas)]
    rows: list[list[Any]] = [
        [_("Registrerte ankomster"), *(persons_count(counts, "registered") for _a, counts in areas)]
    ]
    for record in table.to_dict("records"):
        values = [share_text(record[label], record[f"{label}_suppressed"]) for label, _a in areas]
        measure = MEASURE_LABELS[record["measure"]]
        rows.append([_(measure), *values])
    return html.Div(
        [
            html.H2(
                _("Kommunen mot fylket og landet, siste {days} dager", days=days), className="h6"
            ),
            simple_table(header, rows, table_id="innreise-compare-table"),
        ]
    )


def _quality_block(own: Mapping[str, Any], days: int) -> html.Div:
    quality = arrival_metrics.quality(own)
    base_names = {
        "registered": N_("{n} registrerte"),
        "due": N_("{n} ankomne før fristen"),
        "tested": N_("{n} testede"),
    }
    rows = [
        [
            _(texts.QUALITY_LABELS[r.flag]),
            formatting.count(r.count, suppressed=bool(r.suppressed)),
            share_text(r.share, r.share_suppressed),
            _(base_names[r.base], n=persons_count(own, r.base)),
        ]
        for r in quality.itertuples(index=False)
    ]
    return html.Div(
        [
            html.H2(_("Datakvalitet, siste {days} dager", days=days), className="h6"),
            simple_table(
                [_("Flagg"), _("Antall"), _("Andel"), _("Av")],
                rows,
                table_id="innreise-quality-table",
            ),
            html.Div(_(texts.STATUS_NOW_NOTE), className="small text-muted"),
        ]
    )


def _rules_block(rules: pd.DataFrame, date: dt.date) -> html.Div:
    heading = html.H2(
        _("Innreiseregler i kraft {date}", date=formatting.date_short(date)), className="h6"
    )
    if rules.empty:
        return html.Div(
            [heading, html.P(_("Ingen innreiseregler var i kraft på datoen."), className="small")]
        )
    cards = [rule_card(r, texts.ENTRY_PARAMETER_LABELS) for r in rules.to_dict("records")]
    return html.Div([heading, *cards], id="innreise-rules-list")


DAILY_TITLES = {
    "border_point": N_("Ankomster per dag etter innreisested"),
    "country_of_departure": N_("Ankomster per dag etter avreiseland"),
}


def _rules(view: View) -> html.Div:
    place = view.context
    rules = rule_queries.rules_in_force(
        scope=view.scope, kommunenummer=place.kommunenummer, date=place.date, category="entry"
    )
    return _rules_block(rules, place.date)


def no_arrivals(view: View) -> dict[str, Any]:
    """No arrival register in the data: say so; the entry rules in force are still shown."""
    nothing = figures.message_figure(_("Ingen ankomster i datagrunnlaget."))
    return {
        "funnel": nothing,
        "by-border": nothing,
        "by-country": nothing,
        "rules": _rules(view),
    }


def _days(view: View) -> int:
    days = view.inputs.get("window")
    return days if days in texts.WINDOW_OPTIONS else texts.DEFAULT_WINDOW


def render(view: View) -> dict[str, Any]:
    place, scope, days = view.context, view.scope, _days(view)
    start, end = arrival_metrics.window(place.date, days)
    daily_start = place.date - dt.timedelta(days=texts.DAILY_DAYS - 1)
    # one read each for the three areas and the two daily splits; the kommune first: a
    # kommune outside the scope is refused there (ScopeError)
    windows = arrival_queries.arrival_windows(
        scope=scope,
        kommunenummer=place.kommunenummer,
        fylkesnummer=place.fylkesnummer,
        start=start,
        end=end,
        pending_days=texts.PENDING_DAYS,
    ).set_index("area")
    own, fylke, nation = (windows.loc[a].to_dict() for a in ("kommune", "fylke", "nation"))
    splits = arrival_queries.arrivals_daily_splits(
        scope=scope, kommunenummer=place.kommunenummer, start=daily_start, end=place.date
    )
    figs = {
        dim: arrival_figures.daily_by_figure(
            splits[splits["dimension"] == dim],
            title=_(DAILY_TITLES[dim]),
            category_labels=(
                texts.COUNTRY_NAMES if dim == "country_of_departure" else texts.BORDER_POINT_NAMES
            ),
            window=(start, end),
            others=arrival_queries.OTHERS,
        )
        for dim in DAILY_TITLES
    }
    areas = [(place.name, own), (place.fylke_label, fylke), (_(NATION_LABEL), nation)]
    return {
        "cards": _cards(own, fylke, nation, place, days),
        "funnel": arrival_figures.funnel_figure(
            arrival_metrics.funnel(own),
            stage_labels=texts.STAGE_LABELS,
            base_labels=texts.STAGE_BASE_LABELS,
            title=_(
                "Oppfølgingstrakt, ankomster {start}–{end}",
                start=formatting.date_short(start),
                end=formatting.date_short(end),
            ),
        ),
        "compare": _compare_block(areas, days),
        "by-border": figs["border_point"],
        "by-country": figs["country_of_departure"],
        "quality": _quality_block(own, days),
        "rules": _rules(view),
    }


def _window_value(vindu: object) -> int:
    try:
        value = int(str(vindu))
    except ValueError:
        return texts.DEFAULT_WINDOW
    return value if value in texts.WINDOW_OPTIONS else texts.DEFAULT_WINDOW


def window_picker(query: Mapping[str, Any]) -> list[Component]:
    """The window of the funnel and the quality table (``?vindu=``), kept in the URL."""
    picker = html.Div(
        [
            dbc.Label(
                _("Vindu for trakt og datakvalitet"),
                html_for="innreise-window",
                className="small me-2 mb-0",
            ),
            dbc.RadioItems(
                id="innreise-window",
                options=[{"label": _("{n} dager", n=d), "value": d} for d in texts.WINDOW_OPTIONS],
                value=_window_value(query.get("vindu")),
                inline=True,
                className="small",
            ),
        ],
        className="d-flex flex-wrap align-items-center mb-3",
    )
    return [picker, dcc.Store(id="innreise-window-sync")]


WINDOW_URL_SYNC = """
function(days) {
    if (!days) { return window.dash_clientside.no_update; }
    const params = new URLSearchParams(window.location.search);
    params.set('vindu', days);
    window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
    return days;
}
"""


def window_url_sync(app: Dash) -> None:
    app.clientside_callback(
        WINDOW_URL_SYNC,
        Output("innreise-window-sync", "data"),
        Input("innreise-window", "value"),
    )


PAGE = declare(
    Place("innreise", N_("Innreise"), 5, "smitte"),
    parts=(
        Slot("cards", "cards"),
        Row((Slot("funnel", "figure", {"lg": 6}), Slot("compare", width={"lg": 6})), "mb-3"),
        Row(
            (Slot("by-border", "figure", {"lg": 6}), Slot("by-country", "figure", {"lg": 6})),
            "mb-3",
        ),
        Row((Slot("quality", width={"lg": 5}), Slot("rules", width={"lg": 7}))),
    ),
    definitions=(
        (texts.FUNNEL, texts.STATUS_NOW_NOTE),
        texts.QUALITY,
        texts.ARRIVALS_DAILY,
        texts.ENTRY_RULES,
    ),
    controls=window_picker,
    render=render,
    subject="arrivals",
    fallback=no_arrivals,
    inputs={"window": ("window", "value")},
    extra_callbacks=window_url_sync,
    source=texts.SOURCE,
)
