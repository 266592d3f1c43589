"""Kommuneoversikt callbacks: one overview object → table, county rows, map, small multiples,
export and report links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import Dash, Input, Output, Patch, State, html, no_update

from callbacks.common import as_of, kommune_options, with_disease
from dashboard import formatting, metrics
from dashboard import overview as overview_view
from dashboard.auth import current_scope
from dashboard.definitions import DEMO_SOURCE, period_note, published_note
from dashboard.definitions.overview import (
    COLUMNS_BY_KEY,
    DEFAULT_MAP_COLUMN,
    RANKING_METHOD,
    REGISTRY_COLUMNS,
)
from dashboard.figures import choropleth_map, map_trace_values
from dashboard.figures.overview import small_multiples
from dashboard.i18n import _, ngettext
from dashboard.reports import ReportError, last_complete_week, week_bounds
from data.cache import cached
from data.scope import Scope
from geo import reference
from layouts.common import definition_block

GEOJSON_URL = "/geo/kommuner-2020.geojson"


@cached()
def overview_for(*, scope: Scope, date: dt.date, info: dict[str, Any]) -> overview_view.Overview:
    """The overview of one scope and date, cached with the data version like every read."""
    return overview_view.build_overview(scope=scope, date=date, info=info)


@cached()
def overview_payload(*, scope: Scope, date: dt.date, info: dict[str, Any]) -> dict[str, Any]:
    """What the table callback sends, built once per scope, date and data version: a
    reload or a colleague with the same role gets it without rebuilding rows or figures."""
    overview = overview_for(scope=scope, date=date, info=info)
    multiples = small_multiples(
        overview.kommuner,
        overview.weekly,
        weeks=overview_view.WEEKS,
        reference=overview.prior_mean,
    )
    return {
        "records": overview_view.table_records(overview),
        "counties": overview_view.county_records(overview),
        "multiples": multiples.to_plotly_json(),
        "prior_mean": overview.prior_mean,
        "national_rate": overview.national_rate,
        "n": len(overview.kommuner),
    }


def update_overview(requested_date: str | None) -> tuple:
    date, info = as_of(requested_date)
    date_out = date.isoformat() if date.isoformat() != requested_date else no_update
    payload = overview_payload(scope=current_scope(), date=date, info=info)
    n = payload["n"]
    title = with_disease(
        ngettext(
            "{n} kommune per {dato}",
            "{n} kommuner per {dato}",
            n,
            n=formatting.number(n),
            dato=formatting.date_long(date),
        )
    )
    common = formatting.number(payload["prior_mean"], 1)
    incomplete = overview_view.incomplete_note(
        overview_for(scope=current_scope(), date=date, info=info)
    )
    weekly = [
        f"«{_(c.label)}»: {period_note(c.key, date)}"
        for c in REGISTRY_COLUMNS
        if period_note(c.key, date)
    ]
    method = html.Div(
        [
            *([html.P(incomplete, id="ov-incomplete", className="mb-1")] if incomplete else []),
            *([html.P(" ".join(weekly), id="ov-period", className="mb-1")] if weekly else []),
            html.Strong(_("Metode for rangering:")),
            " ",
            _(RANKING_METHOD),
            " ",
            html.Span(
                _(
                    "Fellesnivå: {verdi} per 100 000 – 7-dagers insidens for alle kommunene i "
                    "tabellen samlet, også tilfellene som vises som 1–4. Landet: {landet} per "
                    "100 000.",
                    verdi=common,
                    landet=formatting.number(payload.get("national_rate"), 1),
                ),
                id="ov-common-level",
            ),
        ]
    )
    source = _(
        "Data per {data_dato}. Vist til og med {dato}. Kilde: {kilde}. {vern}",
        vern=published_note(),
        data_dato=formatting.date_short(info["data_date"]),
        dato=formatting.date_short(date),
        kilde=_(DEMO_SOURCE) if info["is_demo"] else info["source"] or _("importerte data"),
    )
    query = f"?dato={date.isoformat()}"
    return (
        payload["records"],
        payload["counties"],
        payload["multiples"],
        title,
        method,
        source,
        f"/oversikt/eksport.csv{query}",
        f"/oversikt/eksport.xlsx{query}",
        date_out,
    )


def update_map(column_key: str | None, requested_date: str | None, rendered: bool | None) -> tuple:
    column_key = column_key if column_key in COLUMNS_BY_KEY else DEFAULT_MAP_COLUMN
    date, info = as_of(requested_date)
    overview = overview_for(scope=current_scope(), date=date, info=info)
    column = COLUMNS_BY_KEY[column_key]
    metric = overview_view.column_metric(column)
    frame = overview_view.polygon_values(overview, column_key, reference.polygon_of(2024))
    values = map_trace_values(frame, metric, metrics.colour_range(frame["value"]))
    colorbar_title = values["colorbar_title"]
    values["colorbar_title"] = _(colorbar_title)
    if not rendered:
        figure: Any = choropleth_map(geojson=GEOJSON_URL, trace_values=values, uirevision="ov")
        figure.update_layout(height=560)
    else:
        figure = Patch()
        for key in ("z", "customdata", "hovertemplate", "zmin", "zmax"):
            figure["data"][0][key] = values[key]
        figure["data"][0]["colorbar"]["title"]["text"] = values["colorbar_title"]
    return figure, definition_block(metric), True


def open_from_map(click: dict | None, date: str | None) -> Any:
    if not click or not click.get("points"):
        return no_update
    polygon = click["points"][0].get("location")
    polygons = reference.polygon_of(2024)
    codes = polygons.loc[polygons["polygon_id"] == polygon, "kommunenummer"]
    if codes.empty:
        return no_update
    return f"/kommune/{codes.iloc[0]}" + (f"?dato={date}" if date else "")


def report_links(
    kommune: str | None, week: str | None, language: str | None, date: str | None
) -> tuple:
    if not kommune:
        return "#", "#", "#", True, True, True, no_update
    placeholder: Any = no_update
    if not week:
        week = last_complete_week(as_of(date)[0])
        placeholder = week
    try:
        label, _monday, _sunday = week_bounds(week)
    except ReportError:
        return "#", "#", "#", True, True, True, placeholder
    base = f"/rapport/{kommune}/{label}"
    # the PDF in the chosen language (bokmål by default); CSV/JSON keep the documented layout
    query = "?sprak=en" if language == "en" else ""
    return f"{base}.pdf{query}", f"{base}.csv", f"{base}.json", False, False, False, placeholder


def report_kommune_default(options: list[dict] | None) -> Any:
    return options[0]["value"] if options else no_update


URL_SYNC = """
function(date, column) {
    const params = new URLSearchParams(window.location.search);
    if (date) { params.set('dato', date); }
    if (column) { params.set('kart', column); }
    window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
    return params.toString();
}
"""


# the machine-readable files of the same date as the people's CSV (/oversikt/data.*)
DATA_LINKS = """
function(href) {
    if (!href || href === "#") { return ["#", "#"]; }
    const query = href.indexOf("?") >= 0 ? href.slice(href.indexOf("?")) : "";
    return ["/oversikt/data.csv" + query, "/oversikt/data.json" + query];
}
"""


def register(app: Dash) -> None:
    app.clientside_callback(
        DATA_LINKS,
        Output("ov-export-data-csv", "href"),
        Output("ov-export-json", "href"),
        Input("ov-export-csv", "href"),
    )
    app.callback(
        Output("ov-table", "data"),
        Output("ov-counties", "data"),
        Output("ov-multiples", "figure"),
        Output("ov-title", "children"),
        Output("ov-method", "children"),
        Output("ov-source", "children"),
        Output("ov-export-csv", "href"),
        Output("ov-export-xlsx", "href"),
        Output("ov-date", "date"),
        Input("ov-date", "date"),
    )(update_overview)
    app.callback(
        Output("ov-map", "figure"),
        Output("ov-map-definition", "children"),
        Output("ov-map-rendered", "data"),
        Input("ov-map-column", "value"),
        Input("ov-date", "date"),
        State("ov-map-rendered", "data"),
    )(update_map)
    app.callback(
        Output("nav-location", "href", allow_duplicate=True),
        Input("ov-map", "clickData"),
        State("ov-date", "date"),
        prevent_initial_call=True,
    )(open_from_map)
    app.callback(
        Output("ov-date", "min_date_allowed"),
        Output("ov-date", "max_date_allowed"),
        Input("ov-date", "id"),
    )(lambda _id: tuple(d.isoformat() for d in _bounds()))
    app.callback(Output("ov-report-kommune", "options"), Input("ov-report-kommune", "id"))(
        kommune_options
    )
    app.callback(
        Output("ov-report-kommune", "value"),
        Input("ov-report-kommune", "options"),
        prevent_initial_call=True,
    )(report_kommune_default)
    app.callback(
        Output("ov-report-pdf", "href"),
        Output("ov-report-csv", "href"),
        Output("ov-report-json", "href"),
        Output("ov-report-pdf", "disabled"),
        Output("ov-report-csv", "disabled"),
        Output("ov-report-json", "disabled"),
        Output("ov-report-week", "value"),
        Input("ov-report-kommune", "value"),
        Input("ov-report-week", "value"),
        Input("ov-report-language", "value"),
        State("ov-date", "date"),
    )(report_links)
    app.clientside_callback(
        URL_SYNC,
        Output("ov-url-sync", "data"),
        Input("ov-date", "date"),
        Input("ov-map-column", "value"),
    )


def _bounds() -> tuple[dt.date, dt.date]:
    _date, info = as_of(None)
    return info["period_start"], info["data_date"]
