"""Signaler callbacks: the precomputed signal list (a cheap scoped read) and one kommune's
weekly observed, expected and threshold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, html, no_update

from callbacks.common import as_of, date_bounds, kommune_options
from dashboard import disease, formatting
from dashboard.auth import current_scope
from dashboard.definitions import DEMO_SOURCE
from dashboard.definitions.clusters import SERIES_LABELS
from dashboard.figures import clusters as cluster_figures
from dashboard.i18n import _, ngettext
from data import queries
from data.queries import signals as signal_queries

EVERY_DISEASE = "alle"  # the Signaler page's «Alle sykdommer» switch


def week_label(monday: pd.Timestamp | dt.date) -> str:
    day = pd.Timestamp(monday).date()
    year, week, _day = day.isocalendar()
    sunday = day + dt.timedelta(days=6)
    return _(
        "Uke {uke} {aar} ({fra}–{til})",
        uke=week,
        aar=year,
        fra=f"{day:%d.%m.}",
        til=f"{sunday:%d.%m.}",
    )


def signal_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "kommunenummer": r.kommunenummer,
            "kommune": f"{r.name} ({r.kommunenummer})",
            "fylke": r.fylkesnavn,
            "series": _(SERIES_LABELS.get(r.series, r.series)),
            "week": week_label(r.week_start),
            "observed": formatting.count(r.observed, suppressed=bool(r.observed_suppressed)),
            "expected": formatting.number(float(r.expected), 1),
            "threshold": formatting.number(float(r.threshold), 0),
            "since": week_label(r.since_week_start) if pd.notna(r.since_week_start) else "–",
            "disease": disease.name(getattr(r, "disease", None) or disease.chosen().code),
        }
        for r in frame.itertuples()
    ]


def _kommuner(value: str | list[str] | None) -> list[str] | None:
    if not value:
        return None
    return [value] if isinstance(value, str) else [str(v) for v in value]


def update_signaler(
    kommuner: str | list[str] | None,
    requested_date: str | None,
    fylke: str | None,
    series: str | None,
    every: list[str] | None = None,
) -> tuple:
    scope = current_scope()
    date, info = as_of(requested_date)
    date_out = date.isoformat() if date.isoformat() != requested_date else no_update
    series = series if series in SERIES_LABELS else "cases"
    chosen = _kommuner(kommuner)
    every_disease = EVERY_DISEASE in (every or [])
    read = signal_queries.signals_every_disease if every_disease else signal_queries.signals_on
    frame = read(scope=scope, date=date, kommuner=chosen, fylke=fylke or None, series=series)
    # whose disease the list is of (the header's choice, unless every disease is asked for)
    sykdom = _("alle sykdommer") if every_disease else disease.name()
    week = signal_queries.signal_week(date)
    history_kommune = chosen[0] if chosen else None
    if history_kommune is None and len(frame):
        history_kommune = str(frame["kommunenummer"].iloc[0])
    if history_kommune:
        of = frame[frame["kommunenummer"] == history_kommune] if every_disease else frame[:0]
        history = signal_queries.signals_for_kommune(
            scope=scope,
            kommunenummer=history_kommune,
            date=date,
            series=series,
            disease=str(of["disease"].iloc[0]) if len(of) else disease.chosen().code,
        )
        name = history["name"].iloc[0] if len(history) else history_kommune
        figure = cluster_figures.signal_history(
            history,
            title=_(
                "{serie} per uke – {kommune}: observert, forventet og terskel",
                serie=_(SERIES_LABELS[series]),
                kommune=name,
            ),
        )
    else:
        figure = cluster_figures.signal_history(
            pd.DataFrame(columns=["week_start", "observed", "expected", "threshold", "alarm"]),
            title=_("Ingen signaler"),
        )
    summary = html.Div(
        [
            html.Span(
                ngettext("{n} signal", "{n} signaler", len(frame), n=formatting.number(len(frame))),
                className="fs-4 fw-semibold me-2",
                id="signaler-count",
            ),
            html.Span(
                (
                    _(
                        "{serie} ({sykdom}), {uke}, i kommunene du har tilgang til (filtrert)",
                        serie=_(SERIES_LABELS[series]).lower(),
                        sykdom=sykdom,
                        uke=week_label(pd.Timestamp(week)),
                    )
                    if chosen or fylke
                    else _(
                        "{serie} ({sykdom}), {uke}, i kommunene du har tilgang til",
                        serie=_(SERIES_LABELS[series]).lower(),
                        sykdom=sykdom,
                        uke=week_label(pd.Timestamp(week)),
                    )
                ),
                className="text-muted",
            ),
        ]
    )
    source = _(
        "Data per {data_dato}. Siste hele uke til og med {dato}. Kilde: {kilde}.",
        data_dato=formatting.date_short(info["data_date"]),
        dato=formatting.date_short(date),
        kilde=_(DEMO_SOURCE) if info["is_demo"] else info["source"] or _("importerte data"),
    )
    return signal_rows(frame), figure, summary, None, date_out, source


def fylke_options(_id: Any) -> list[dict[str, str]]:
    kommuner = queries.kommune_list(scope=current_scope())
    fylker = kommuner.drop_duplicates("fylkesnummer").sort_values("fylkesnummer")
    return [
        {"label": f"{r.fylkesnavn} ({r.fylkesnummer})", "value": r.fylkesnummer}
        for r in fylker.itertuples()
    ]


URL_SYNC = """
function(kommuner, fylke, series, date) {
    const params = new URLSearchParams(window.location.search);
    const set = (k, v) => { if (v && v.length) { params.set(k, v); } else { params.delete(k); } };
    set('kommune', Array.isArray(kommuner) ? kommuner.join(',') : kommuner);
    set('fylke', fylke); set('serie', series); set('dato', date);
    const q = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (q ? '?' + q : ''));
    return q;
}
"""


def register(app: Dash) -> None:
    app.callback(Output("signaler-select", "options"), Input("signaler-select", "id"))(
        kommune_options
    )
    app.callback(Output("signaler-fylke", "options"), Input("signaler-fylke", "id"))(fylke_options)
    app.callback(
        Output("signaler-date", "min_date_allowed"),
        Output("signaler-date", "max_date_allowed"),
        Input("signaler-date", "id"),
    )(date_bounds)
    app.callback(
        Output("signaler-table", "data"),
        Output("signaler-history", "figure"),
        Output("signaler-summary", "children"),
        Output("signaler-alert", "children"),
        Output("signaler-date", "date"),
        Output("signaler-source", "children"),
        Input("signaler-select", "value"),
        Input("signaler-date", "date"),
        Input("signaler-fylke", "value"),
        Input("signaler-series", "value"),
        Input("signaler-every-disease", "value"),
    )(update_signaler)
    app.clientside_callback(
        URL_SYNC,
        Output("signaler-url-sync", "data"),
        Input("signaler-select", "value"),
        Input("signaler-fylke", "value"),
        Input("signaler-series", "value"),
        Input("signaler-date", "date"),
    )
