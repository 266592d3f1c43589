"""Smittekart callbacks. A metric or date change sends values only (``Patch``), never geometry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, Patch, State, html, no_update
from flask import current_app

from callbacks.common import as_of, incomplete_note, with_disease
from dashboard import figures, formatting, metrics
from dashboard.auth import current_scope
from dashboard.definitions import (
    DEFAULT_MAP_METRIC,
    MAP_METRICS,
    MAP_STRUCTURE_LABELS,
    case_basis_label,
    for_case_basis,
    map_structure_note,
    period_note,
    trend_label,
)
from dashboard.figures import clusters as cluster_figures
from dashboard.i18n import _, ngettext
from data import indicators, queries, views
from data.queries import clusters as cluster_queries
from data.queries import signals as signal_queries
from data.queries import sources
from geo import boundaries, reference
from layouts.common import definition_block

GEOJSON_URL = "/geo/kommuner-2020.geojson"  # built-in geometry (2020 structure)
WITHHELD_TRACE = 3  # after the values (0) and the signal and cluster overlays (1, 2)
BUILT_IN_STRUCTURE = 2020


def geojson_url(structure: int) -> str:
    """Built-in 2020 geometry, or imported boundaries of another structure (app_factory)."""
    return GEOJSON_URL if structure == BUILT_IN_STRUCTURE else f"/geo/kommuner-{structure}.geojson"


def map_structures() -> list[int]:
    """Structures the map can be drawn in: imported boundaries first (newest), then built-in."""
    available = sources.available_series(scope=current_scope())
    imported = [s for s in available["boundaries"] if s != BUILT_IN_STRUCTURE]
    return [*sorted(imported, reverse=True), BUILT_IN_STRUCTURE]


def chosen_structure(requested: Any) -> int:
    structures = map_structures()
    try:
        wanted = int(requested)
    except (TypeError, ValueError):
        return structures[0]
    return wanted if wanted in structures else structures[0]


def map_values(metric: str, date: dt.date, structure: int = BUILT_IN_STRUCTURE) -> Any:
    """One row per polygon of the registry indicator ``metric`` on ``date`` (its area read:
    every kommune in the scope at once, as published to the user)."""
    scope = current_scope()
    indicator = indicators.get(metric)
    values = views.area_values(indicator, scope=scope, date=date)
    kommuner = queries.kommune_list(scope=scope)
    polygons = reference.polygons_on_map(structure)
    # " og " joins the names of kommuner drawn as one area (Ålesund og Haram)
    frame = metrics.map_frame(values, kommuner, polygons, indicator, and_word=_(" og "))
    frame.attrs["period_end"] = pd.Timestamp(values["date"].iloc[0]).date() if len(values) else date
    drawn = sources.polygons_drawn(structure) if structure != BUILT_IN_STRUCTURE else None
    frame["drawn"] = True if drawn is None else frame["polygon_id"].isin(drawn)
    return frame


def undrawn_note(frame: Any) -> html.Div | None:
    """The kommuner the boundaries in use have no polygon for: listed, never silently left
    out (they are not counted among the map's areas either)."""
    missing = frame.loc[~frame["drawn"], "name"].tolist()
    if not missing:
        return None
    return html.Div(
        ngettext(
            "Ikke tegnet (mangler i kartgrunnlaget): {navn}",
            "Ikke tegnet ({n} mangler i kartgrunnlaget): {navn}",
            len(missing),
            n=len(missing),
            navn=", ".join(missing),
        ),
        className="small text-warning-emphasis mt-1",
        id="map-undrawn-note",
    )


def structure_note(structure: int) -> str:
    available = sources.available_series(scope=current_scope())
    coded = available["structure_data"] or [available["structure_shown"]]
    return map_structure_note(coded, structure, reference.crosswalk_changes())


def _national(indicator: indicators.Indicator, day: dt.date) -> float | None:
    """The nation's value of the indicator for the period ending on ``day`` (its series:
    the official national series where the indicator names one and it is imported)."""
    if "nation" not in indicator.levels:
        return None
    start = day - dt.timedelta(days=max(indicator.window_days, 7))
    frame = views.series(indicator, scope=current_scope(), level="nation", code=None,
                         start=start, end=day)  # fmt: skip
    row = views.row_on(frame, day)
    return None if row is None or pd.isna(row["value"]) else float(row["value"])


def _summary(frame: Any, metric_key: str, date: dt.date) -> html.Div:
    metric = MAP_METRICS[metric_key]
    indicator = indicators.get(metric_key)
    undrawn = undrawn_note(frame)
    day = frame.attrs.get("period_end", date)
    frame = frame[frame["drawn"]]  # the count and trends are of the areas on the map
    # The national figure comes from the national series, not from the (scoped) map rows.
    national = _national(indicator, day)
    incomplete = None
    if indicator.time_basis == "test" and indicator.period == "day":
        nation = queries.cases_daily(
            scope=current_scope(),
            level="nation",
            code=None,
            start=date - dt.timedelta(days=13),
            end=date,
        )
        incomplete = incomplete_note(nation, date)
    counts = frame["trend"].value_counts()
    unit = f" {_(metric.unit)}" if metric.unit else ""
    below = int((frame["value"].isna() & ~frame["withheld"]).sum())
    return html.Div(
        [
            html.Div(incomplete or "", className="small", id="map-incomplete"),
            html.Div(period_note(metric_key, day) or "", className="small", id="map-period"),
            html.Div(
                with_disease(_("Hele landet, {dato}", dato=formatting.date_short(day))),
                className="small text-muted",
            )
            if national is not None
            else None,
            html.Div(
                f"{formatting.number(national, indicator.decimals)}{unit}".strip(),
                className="fs-4 fw-semibold",
                id="map-national-value",
            )
            if national is not None
            else None,
            html.Div(
                ngettext(
                    "Trend i det {n} kartområdet du har tilgang til:",
                    "Trend i de {n} kartområdene du har tilgang til:",
                    len(frame),
                    n=len(frame),
                ),
                className="small",
            )
            if indicator.trend_counts
            else None,
            html.Ul(
                [
                    html.Li(f"{trend_label(t)}: {int(counts.get(t, 0))}")
                    for t in ("rising", "flat", "falling")
                ]
                + [html.Li(f"{trend_label(None)}: {int(frame['trend'].isna().sum())}")],
                className="small mb-0",
            )
            if indicator.trend_counts
            else None,
            html.Div(
                _(
                    "Grå: {n} områder der verdien bygger på 1–4 tilfeller og er skjult for "
                    "din rolle.",
                    n=int(frame["withheld"].sum()),
                ),
                className="small text-muted mt-1",
                id="map-withheld-note",
            )
            if frame["withheld"].any()
            else None,
            html.Div(
                ngettext(
                    "{n} område vises ikke: under {minst} tilfeller.",
                    "{n} områder vises ikke: under {minst} tilfeller.",
                    below,
                    n=below,
                    minst=indicator.min_count,
                ),
                className="small text-muted mt-1",
                id="map-below-note",
            )
            if indicator.min_count and below
            else None,
            population_year_note(frame, date),
            undrawn,
        ]
    )


def population_year_note(frame: Any, date: dt.date) -> html.Div | None:
    """Rates of kommuner whose population of 1 January of the date's year is missing use the
    nearest year with numbers: how many, and which year."""
    used = sources.population_fallbacks(year=date.year)
    years = pd.Series([used.get(c) for c in frame["kommunenummer"]], dtype="Int64").dropna()
    if years.empty:
        return None
    parts = []
    for year, n in sorted(years.value_counts().items()):
        text = (
            _("befolkning 1.1.{aar}, nyere tall mangler", aar=int(year))
            if year < date.year
            else _("befolkning 1.1.{aar}, eldre tall mangler", aar=int(year))
        )
        parts.append(
            ngettext("{n} kommune: {tekst}", "{n} kommuner: {tekst}", int(n), n=int(n), tekst=text)
        )
    return html.Div("; ".join(parts), className="small text-muted mt-1", id="map-population-note")


def update_map(
    metric_key: str | None,
    requested_date: str | None,
    requested_structure: Any,
    rendered: Any,
) -> tuple:
    metric_key = metric_key if metric_key in MAP_METRICS else DEFAULT_MAP_METRIC
    date, info = as_of(requested_date)
    structure = chosen_structure(requested_structure)
    basis = info["case_date_basis"]
    metric = for_case_basis(MAP_METRICS[metric_key], basis)
    frame = map_values(metric_key, date, structure)
    zrange = metrics.colour_range(frame["value"])
    values = figures.map_trace_values(frame, metric, zrange)
    # The first call for a freshly inserted page (or a new structure: other polygons) builds
    # the figure; later calls patch values. (A store, not ctx.triggered_id: Dash reports
    # inserted components as triggered.) The store holds the structure drawn.
    if not rendered or (rendered is not True and str(rendered) != str(structure)):
        figure: Any = figures.choropleth_map(geojson=geojson_url(structure), trace_values=values)
        # places for the signal and cluster overlay, filled by a Patch when switched on
        figure.add_traces(list(cluster_figures.empty_overlay()))
        figure.add_trace(figures.withheld_trace(frame, geojson_url(structure)))
    else:
        figure = Patch()
        for key in ("z", "customdata", "hovertemplate", "zmin", "zmax"):
            figure["data"][0][key] = values[key]
        figure["data"][0]["colorbar"]["title"]["text"] = values["colorbar_title"]
        withheld = figures.withheld_trace(frame, geojson_url(structure))
        for key in ("locations", "text", "z"):  # the grey areas of this date (no geometry)
            figure["data"][WITHHELD_TRACE][key] = withheld[key]
    date_out = date.isoformat() if date.isoformat() != requested_date else no_update
    basis_note = (
        _("Tilfeller {grunnlag}.", grunnlag=case_basis_label(basis)) if basis != "test" else None
    )
    return (
        figure,
        date_out,
        definition_block(metric, extra=basis_note),
        [
            _summary(frame, metric_key, date),
            html.P(
                structure_note(structure),
                className="small text-muted mt-3",
                id="map-structure-note",
            ),
        ],
        str(structure),
    )


def structure_options(requested: Any) -> tuple[list[dict[str, Any]], int]:
    """The structures the map can be drawn in (2024 only when its boundaries were imported)."""
    options = [
        {"label": _(MAP_STRUCTURE_LABELS[s]) if s in MAP_STRUCTURE_LABELS else str(s), "value": s}
        for s in map_structures()
    ]
    return options, chosen_structure(requested)


def _points(frame: pd.DataFrame) -> pd.DataFrame:
    points = boundaries.kommune_points(current_app.config["SITUASJONSBILDE_SETTINGS"].geo_dir)
    polygon = reference.polygon_of(2024).set_index("kommunenummer")["polygon_id"]
    where = frame["kommunenummer"].map(polygon).map(points)
    # float even when empty (an empty string-typed column broke the "+ 0.12" offset below)
    frame = frame.assign(
        lon=where.map(lambda p: p[0] if isinstance(p, tuple) else None).astype("float64")
    )
    frame = frame.assign(
        lat=where.map(lambda p: p[1] if isinstance(p, tuple) else None).astype("float64")
    )
    return frame.dropna(subset=["lon", "lat"])


def update_overlay(overlay: list[str] | None, requested_date: str | None, rendered: Any) -> tuple:
    """Signal and active-cluster markers on the map, as a Patch of the two overlay traces:
    the geometry and the choropleth values are not sent again."""
    if not rendered:
        return no_update, no_update
    figure = Patch()
    if not overlay:
        empty_signals, empty_clusters = cluster_figures.empty_overlay()
        figure["data"][1] = empty_signals
        figure["data"][2] = empty_clusters
        return figure, ""
    scope = current_scope()
    date, _info = as_of(requested_date)
    names = reference.kommuner(2024).set_index("kommunenummer")["name"]
    found = signal_queries.signal_counts_by_kommune(scope=scope, date=date)
    signal_points = _points(found)
    signal_points = signal_points.assign(
        hover=[
            _(
                "{kommune} ({nummer}): signal siden {dato}; observert {observert}, "
                "forventet {forventet}, terskel {terskel}",
                kommune=r.name,
                nummer=r.kommunenummer,
                dato=formatting.date_short(r.since_week_start.date()),
                observert=formatting.count(r.observed, suppressed=bool(r.observed_suppressed)),
                forventet=formatting.number(r.expected, 1),
                terskel=formatting.number(r.threshold),
            )
            for r in signal_points.itertuples()
        ]
    )
    clusters = _points(cluster_queries.clusters_by_kommune(scope=scope, date=date))
    # beside, not on top of, a signal triangle in the same kommune
    clusters = clusters.assign(lon=clusters["lon"] + 0.12)
    clusters = clusters.assign(
        hover=[
            _cluster_hover(
                names.get(r.kommunenummer, r.kommunenummer),
                r.kommunenummer,
                int(r.clusters),
                formatting.count(r.cases, suppressed=bool(r.cases_suppressed)),
                int(r.cross_border) if r.cross_border else 0,
            )
            for r in clusters.itertuples()
        ]
    )
    signal_trace, cluster_trace = cluster_figures.map_overlay_traces(signal_points, clusters)
    figure["data"][1] = signal_trace
    figure["data"][2] = cluster_trace
    note = html.Div(
        [
            html.Strong(_("Signaler og klynger:") + " "),
            _(
                "{signaler} kommuner med signal (tilfeller, uke fra {dato}), "
                "{klynger} aktive klynger.",
                signaler=len(signal_points),
                dato=formatting.date_short(signal_queries.signal_week(date)),
                klynger=int(clusters["clusters"].sum()) if len(clusters) else 0,
            )
            + " ",
            html.Span(
                _(
                    "Røde trekanter: signal etter Farrington-metoden; grå sirkler: aktive "
                    "klynger der de begynte (størrelse etter antall klynger)."
                ),
                className="text-muted",
            ),
        ]
    )
    return figure, note


def _cluster_hover(name: str, code: str, clusters: int, cases: str, cross_border: int) -> str:
    """The hover text of a kommune's cluster marker (a whole sentence per case)."""
    values = dict(kommune=name, nummer=code, klynger=clusters, tilfeller=cases, tvers=cross_border)
    if cross_border:
        return _(
            "{kommune} ({nummer}): {klynger} aktive klynger, {tilfeller} tilfeller, "
            "{tvers} på tvers av kommuner",
            **values,
        )
    return _("{kommune} ({nummer}): {klynger} aktive klynger, {tilfeller} tilfeller", **values)


def date_bounds(_metric: str | None) -> tuple[str, str]:
    _date, info = as_of(None)
    return info["period_start"].isoformat(), info["data_date"].isoformat()


def open_kommune(click: dict | None, date: str | None) -> Any:
    if not click or not click.get("points"):
        return no_update
    polygon = str(click["points"][0].get("location"))
    # A polygon of the 2024 map is a 2024 kommune; one of the built-in 2020 map goes through
    # the crosswalk. No code names different kommuner in the two structures.
    current = reference.polygons_on_map(2024)
    polygons = current if polygon in set(current["polygon_id"]) else reference.polygon_of(2024)
    codes = polygons.loc[polygons["polygon_id"] == polygon, "kommunenummer"]
    if codes.empty:
        return no_update
    code = codes.iloc[0]  # 1507 (Ålesund and Haram drawn together) opens 1508 Ålesund
    suffix = f"?dato={date}" if date else ""
    return f"/kommune/{code}{suffix}"


URL_SYNC = """
function(metric, date, structure) {
    if (!metric) { return window.dash_clientside.no_update; }
    const params = new URLSearchParams(window.location.search);
    params.set('metrikk', metric);
    if (date) { params.set('dato', date); }
    if (structure) { params.set('kart', structure); }
    window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
    return params.toString();
}
"""


def register(app: Dash) -> None:
    app.callback(
        Output("map", "figure"),
        Output("map-date", "date"),
        Output("map-definition", "children"),
        Output("map-summary", "children"),
        Output("map-rendered", "data"),
        Input("map-metric", "value"),
        Input("map-date", "date"),
        Input("map-structure", "value"),
        State("map-rendered", "data"),
    )(update_map)
    app.callback(
        Output("map-structure", "options"),
        Output("map-structure", "value"),
        Input("map-structure", "id"),
        State("map-structure", "value"),
    )(lambda _id, requested: structure_options(requested))
    app.callback(
        Output("map", "figure", allow_duplicate=True),
        Output("map-overlay-note", "children"),
        Input("map-overlay", "value"),
        Input("map-date", "date"),
        # after the map is drawn (again, e.g. on other boundaries): the overlay follows
        Input("map-rendered", "data"),
        prevent_initial_call=True,
    )(update_overlay)
    app.callback(
        Output("map-date", "min_date_allowed"),
        Output("map-date", "max_date_allowed"),
        Input("map-metric", "id"),
    )(date_bounds)
    app.callback(
        Output("nav-location", "href"),
        Input("map", "clickData"),
        State("map-date", "date"),
        prevent_initial_call=True,
    )(open_kommune)
    app.clientside_callback(
        URL_SYNC,
        Output("map-url-sync", "data"),
        Input("map-metric", "value"),
        Input("map-date", "date"),
        Input("map-structure", "value"),
    )
