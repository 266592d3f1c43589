"""Krisemøte callbacks: the panels are built once per "as of" data version and stay frozen;
a poll says when new data have arrived; the room refreshes when it chooses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, dcc, html, no_update

from callbacks import krisemote_wall as wall
from callbacks.common import as_of, compare_line, fylke_label, nation_label
from dashboard import disease, figures, formatting, metrics
from dashboard.auth import current_scope
from dashboard.briefing import Indicator, indicators_on
from dashboard.definitions import DEMO_SOURCE, published_note, trend_label
from dashboard.definitions.clusters import SETTING_LABELS
from dashboard.i18n import _
from data import queries
from geo import reference
from layouts.common import graph_config

TREND_CLASS = {"rising": "krise-trend-rising", "falling": "krise-trend-falling"}
WALL_FONT = dict(size=22, color=figures.theme.WALL["text"])


def _number(indicator: Indicator, fylke: str, *, big: bool = True) -> html.Div:
    compare = None
    if indicator.has_comparison:
        compare = html.Div(
            compare_line(fylke, indicator.compared("county"), indicator.compared("nation")),
            className="krise-compare",
        )
    unit = "" if indicator.unit in ("", "%") else indicator.unit
    return html.Div(
        [
            html.Div(indicator.label, className="krise-label"),
            html.Div(
                indicator.display_percent(),
                className="krise-big" if big else "krise-big fs-1",
                id=f"krise-{indicator.key}",
            ),
            html.Div(unit, className="krise-compare") if unit else None,
            compare,
            html.Div(indicator.definition, className="krise-definition"),
        ],
        className="mb-4",
    )


def _panel(index: int, title: str, body: list) -> html.Div:
    return html.Div(
        [html.H2(title, className="krise-panel-title"), *body],
        id={"type": "krise-panel", "index": index},
        className="krise-panel",
        style={"display": "block" if index == 0 else "none"},
    )


def _figure(frames: dict, name: str, fylke: str) -> Any:
    own = metrics.daily_incidence(frames["own"])
    fig = figures.incidence_comparison_figure(
        [
            (name, own),
            (fylke_label(fylke), metrics.daily_incidence(frames["county"])),
            (nation_label(), metrics.daily_incidence(frames["nation"])),
        ],
        title=_("7-dagers insidens per 100 000, siste 120 dager"),
    )
    fig.update_layout(
        height=520,
        font=WALL_FONT,
        paper_bgcolor=figures.theme.WALL["background"],
        plot_bgcolor=figures.theme.WALL["background"],
        title_font=dict(size=24),
        legend=dict(font=dict(size=20)),
    )
    fig.update_xaxes(gridcolor=figures.theme.WALL["grid"], rangeselector=dict(visible=False))
    fig.update_yaxes(gridcolor=figures.theme.WALL["grid"])
    fig.data[0].line.color = figures.theme.WALL["kommune"]
    fig.data[0].line.width = 5
    fig.data[1].line.color = figures.theme.WALL["fylke"]
    fig.data[2].line.color = figures.theme.WALL["land"]
    return fig


def _tile(indicator: Indicator, fylke: str) -> html.Div:
    return html.Div(_number(indicator, fylke, big=False), className="krise-tile")


def _trend_tile(trend: Indicator) -> html.Div:
    return html.Div(
        [
            html.Div(_("Trend"), className="krise-label"),
            html.Div(
                trend_label(trend.code),
                className="krise-big fs-1 " + TREND_CLASS.get(trend.code or "", "krise-trend-flat"),
                id="krise-trend",
            ),
            html.Div(trend.definition, className="krise-definition"),
        ],
        className="krise-tile",
    )


def _wall(
    indicators: dict[str, Indicator],
    before: dict[str, Indicator],
    frames: dict,
    place: dict[str, Any],
) -> list:
    """The first panel: the whole situation on one screen (see callbacks.krisemote_wall)."""
    fylke, name = place["fylke"], place["name"]
    spans = wall.hidden_spans(frames["own"])
    figure = _figure(frames, name, fylke)
    # one screen; the legend above the plot (below, it covered the year under the dates)
    figure.update_layout(
        height=380,
        margin=dict(t=70, b=40),
        legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"),
    )
    wall.shade_gaps(figure, spans)
    tiles = [
        _tile(indicators["incidence_7d"], fylke),
        _trend_tile(indicators["trend"]),
        _tile(indicators["cases_7d"], fylke),
        _tile(indicators["admissions_7d"], fylke),
        _tile(indicators["positivity_7d"], fylke),
        _tile(indicators["active_clusters"], fylke),
    ]
    chart = html.Div(
        [
            dcc.Graph(
                figure=figure,
                config=graph_config(displayModeBar=False, staticPlot=True),
                className="krise-graph",
            ),
            wall.gap_note(spans, name),
        ],
        className="krise-chart",
    )
    side = html.Div(
        [
            wall.since_box(indicators, before, place["since"]),
            wall.neighbours_box(
                scope=place["scope"], kommunenummer=place["kommunenummer"], date=place["date"]
            ),
            wall.rules_box(
                scope=place["scope"], kommunenummer=place["kommunenummer"], date=place["date"]
            ),
        ],
        className="krise-side",
    )
    return [
        html.Div(
            [
                html.Div(tiles, className="krise-tiles"),
                html.Div([chart, side], className="krise-wall-main"),
            ],
            className="krise-wall",
        )
    ]


def build_panels(
    indicators: dict[str, Indicator],
    frames: dict,
    place: dict[str, Any],
    before: dict[str, Indicator],
) -> list[html.Div]:
    fylke = place["fylke"]
    clusters = frames["clusters"]
    settings = clusters["setting"].value_counts() if len(clusters) else None
    cluster_lines = (
        [
            html.Li(f"{_(SETTING_LABELS.get(setting, setting))}: {count}")
            for setting, count in settings.items()
        ]
        if settings is not None
        else [html.Li(_("Ingen aktive klynger"))]
    )
    return [
        _panel(0, _("Situasjonen nå"), _wall(indicators, before, frames, place)),
        _panel(
            1,
            _("Vaksinasjon"),
            [
                dbc.Row(
                    [
                        dbc.Col(_number(indicators["coverage_all_d2"], fylke), lg=4),
                        dbc.Col(_number(indicators["coverage_all_d3"], fylke), lg=4),
                        dbc.Col(_number(indicators["coverage_65_d3"], fylke), lg=4),
                    ]
                )
            ],
        ),
        _panel(
            2,
            _("Klynger og utbrudd"),
            [
                html.Div(
                    [
                        html.Div(indicators["active_clusters"].label, className="krise-label"),
                        html.Div(indicators["active_clusters"].display(), className="krise-big"),
                    ],
                    className="mb-4",
                ),
                html.Ul(cluster_lines, className="krise-compare"),
            ],
        ),
    ]


def _dates(value: Any) -> tuple[str | None, str | None]:
    """The Store's date and the last meeting's ({"dato", "forrige"}, or the date alone)."""
    if isinstance(value, dict):
        return value.get("dato"), value.get("forrige")
    return value, None


def render(kommunenummer: str | None, _refresh: int | None, requested: Any) -> tuple:
    """Build the panels for the data version of now; the result is frozen in the browser."""
    kommuner = reference.kommuner(2024).set_index("kommunenummer")
    if not kommunenummer or kommunenummer not in kommuner.index:
        alert = dbc.Alert(_("Ukjent kommune. Åpne Krisemøte fra menyen."), color="warning")
        return _("Krisemøte"), "", [alert], None, 0, "", False
    requested_date, requested_since = _dates(requested)
    date, info = as_of(requested_date)
    # the last meeting: the chosen day (before this one), else a week earlier
    try:
        since = dt.date.fromisoformat(str(requested_since))
    except ValueError:
        since = date - dt.timedelta(days=7)
    since = min(max(since, info["period_start"]), date - dt.timedelta(days=1))
    row = kommuner.loc[kommunenummer]
    name, fylke = str(row["name"]), str(row["fylkesnavn"])
    scope = current_scope()
    start = max(info["period_start"], date - dt.timedelta(days=120))
    indicators, frames = indicators_on(
        scope=scope,
        kommunenummer=kommunenummer,
        fylkesnummer=str(row["fylkesnummer"]),
        date=date,
        start=start,
    )
    before, _frames = indicators_on(
        scope=scope,
        kommunenummer=kommunenummer,
        fylkesnummer=str(row["fylkesnummer"]),
        date=since,
        start=max(info["period_start"], since - dt.timedelta(days=30)),
        compare=False,
    )
    place = dict(
        name=name,
        fylke=fylke,
        kommunenummer=kommunenummer,
        scope=scope,
        date=date,
        since=since,
    )
    panels = build_panels(indicators, frames, place, before)
    rendered = dt.datetime.now().strftime("%H:%M")
    frozen = {
        "version": info["data_version"],
        "data_date": info["data_date"].isoformat(),
        "date": date.isoformat(),
        "rendered": rendered,
    }
    asof = _(
        "Situasjonen per {dato} · data per {datadato} (dataversjon {versjon}) · bildet er låst "
        "siden kl. {tid}",
        dato=formatting.date_long(date),
        datadato=formatting.date_short(info["data_date"]),
        versjon=info["data_version"],
        tid=rendered,
    )
    source = _(
        "Kilde: {kilde}. {vern}",
        vern=published_note(),
        kilde=_(DEMO_SOURCE) if info["is_demo"] else info["source"] or _("importerte data"),
    )
    return (
        disease.titled(_("Krisemøte – {kommune}", kommune=name)),
        asof,
        panels,
        frozen,
        len(panels),
        source,
        False,
    )


def check_new_data(_n: int | None, frozen: dict | None) -> tuple:
    """Poll: has the data version moved since the picture was frozen?"""
    if not frozen:
        return False, no_update
    info = queries.dataset_info(scope=current_scope())
    if str(info["data_version"]) == str(frozen.get("version")):
        return False, no_update
    text = _(
        "data per {dato} (dataversjon {ny}). Bildet viser fortsatt dataversjon {gammel}.",
        dato=formatting.date_short(info["data_date"]),
        ny=info["data_version"],
        gammel=frozen.get("version"),
    )
    return True, text


# The panel is computed from the click counts, not by adding one to the last index: clicks
# that arrive while a callback runs are merged by Dash, and must not be lost.
STEP = """
function(next, prev, tick, count, state, text) {
    const ctx = window.dash_clientside.callback_context;
    const total = (next || 0) - (prev || 0) + (tick || 0);
    const trigger = ctx.triggered.length ? ctx.triggered[0].prop_id : "";
    let base = (state && state.base !== undefined) ? state.base : total;
    if (!trigger || trigger.startsWith("krise-count")) {
        base = total;  // a new picture starts at the first panel
    }
    if (!count) { return [{i: 0, base: base}, ""]; }
    const i = (((total - base) % count) + count) % count;
    // the position text comes translated from the server (layouts/krisemote.py)
    const template = (text && text.position) || "{i} / {n}";
    return [{i: i, base: base}, template.replace("{i}", i + 1).replace("{n}", count)];
}
"""

SHOW = """
function(state, ids) {
    const index = (state && state.i) || 0;
    return ids.map(function (id) {
        return {display: id.index === index ? "block" : "none"};
    });
}
"""

# the "compare with the last meeting" link: this wall, the chosen day as ?forrige=
SINCE_LINK = """
function(since, kommune, stored) {
    const date = stored && typeof stored === "object" ? stored.dato : stored;
    const query = new URLSearchParams();
    if (date) { query.set("dato", date); }
    if (since) { query.set("forrige", since); }
    return "/krisemote/" + (kommune || "") + (query.toString() ? "?" + query.toString() : "");
}
"""

ROTATE = """
function(on) { return !on; }
"""


def register(app: Dash) -> None:
    app.callback(
        Output("krise-title", "children"),
        Output("krise-asof", "children"),
        Output("krise-panels", "children"),
        Output("krise-frozen", "data"),
        Output("krise-count", "data"),
        Output("krise-source", "children"),
        Output("krise-new-data", "is_open"),
        Input("krise-kommune", "data"),
        Input("krise-refresh", "n_clicks"),
        State("krise-date", "data"),
    )(render)
    app.callback(
        Output("krise-new-data", "is_open", allow_duplicate=True),
        Output("krise-new-text", "children"),
        Input("krise-poll", "n_intervals"),
        State("krise-frozen", "data"),
        prevent_initial_call=True,
    )(check_new_data)
    app.clientside_callback(
        STEP,
        Output("krise-index", "data"),
        Output("krise-position", "children"),
        Input("krise-next", "n_clicks"),
        Input("krise-prev", "n_clicks"),
        Input("krise-rotate-timer", "n_intervals"),
        Input("krise-count", "data"),
        State("krise-index", "data"),
        State("krise-text", "data"),
    )
    app.clientside_callback(
        SHOW,
        Output({"type": "krise-panel", "index": ALL}, "style"),
        Input("krise-index", "data"),
        State({"type": "krise-panel", "index": ALL}, "id"),
    )
    app.clientside_callback(
        SINCE_LINK,
        Output("krise-since-link", "href"),
        Input("krise-forrige", "date"),
        State("krise-kommune", "data"),
        State("krise-date", "data"),
    )
    app.clientside_callback(
        ROTATE, Output("krise-rotate-timer", "disabled"), Input("krise-rotate", "value")
    )
