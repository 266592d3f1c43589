"""Kommune page callbacks."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, html, no_update

from callbacks import growth
from callbacks.common import (
    as_of,
    compare_line,
    fylke_label,
    incomplete_note,
    nation_label,
    register_kommune_page,
    series_basis_note,
    unknown_kommune_text,
    with_disease,
)
from dashboard import figures, formatting, metrics
from dashboard.auth import current_scope
from dashboard.definitions import (
    DAILY_CASES,
    DEMO_SOURCE,
    MAP_METRICS,
    TREND,
    case_basis_label,
    for_case_basis,
    label_of,
    published_note,
    trend_label,
)
from dashboard.i18n import _
from data import queries
from data.queries import AreaLevel, sources
from geo import reference
from layouts.common import EMPTY_FIGURE, card_col, definition_block


def _series(level: AreaLevel, code: str | None, start: Any, end: Any) -> Any:
    daily = queries.cases_daily(scope=current_scope(), level=level, code=code, start=start, end=end)
    # the 7-day average is the published 7-day window / 7 (never an average around hidden days)
    daily["moving_average"] = metrics.seven_day_average(daily)
    return metrics.daily_incidence(daily, days=7)


def definitions(basis: str) -> html.Div:
    """The page's definitions, worded for the dataset's case date basis."""
    return html.Div(
        [
            definition_block(for_case_basis(m, basis))
            for m in (DAILY_CASES, MAP_METRICS["incidence_7d"], MAP_METRICS["incidence_14d"], TREND)
        ],
        className="mt-3",
    )


def population_note(year: int, used: int | None) -> str:
    """Which 1 January the rates divide by: the date's year, or the nearest year with
    numbers, said as such."""
    if used is None or used == year:
        return _("1. januar")
    if used < year:
        return _("befolkning 1.1.{aar}, nyere tall mangler", aar=used)
    return _("befolkning 1.1.{aar}, eldre tall mangler", aar=used)


def _cards(
    k: dict,
    f: dict,
    n: dict,
    fylke: str,
    basis: str = "test",
    population: str | None = None,
    incomplete: str | None = None,
) -> list[dbc.Col]:
    def inc(values: dict, key: str) -> str:
        # a rate on a withheld count reads "skjult" (the population is known and positive)
        hidden = formatting.as_float(values[key]) is None and bool(values.get("population"))
        return formatting.withheld("rate") if hidden else formatting.number(values[key], 1)

    def cases(key: str) -> str:
        return formatting.count(k[key], suppressed=formatting.as_float(k[key]) is None)

    def compare(key: str) -> str:
        return compare_line(fylke, inc(f, key), inc(n, key))

    return [
        card_col(
            _("Innbyggere"),
            formatting.number(k["population"]),
            note=population or _("1. januar"),
            card_id="kommune-population",
            md=2,
        ),
        card_col(
            label_of("cases_7d"),
            cases("cases_7d"),
            note=_(
                "{grunnlag} · 7 dager før: {antall}",
                grunnlag=case_basis_label(basis),
                antall=cases("cases_prev_7d"),
            ),
            card_id="kommune-cases-7d",
            flag=incomplete,
            md=2,
        ),
        *(
            card_col(
                label_of(key),
                inc(k, key),
                note=compare(key),
                card_id=f"card-{key.replace('_', '-')}",
                md=3,
            )
            for key in ("incidence_7d", "incidence_14d")
        ),
        card_col(
            label_of("trend"), trend_label(k["trend"]), note=_("Siste 7 dager mot de 7 før"), md=2
        ),
    ]


def neighbour_section(kommunenummer: str) -> html.Div:
    """The kommune's neighbours and how each is reached (land border, bridge or tunnel, ferry,
    passenger boat), with the source of each link. Reference data: names only, no numbers."""
    frame = queries.neighbour_list(scope=current_scope(), kommunenummer=kommunenummer)
    heading = html.H2(_("Nabokommuner"), className="h6 mt-3")
    if frame.empty:
        text = _("Kommunen har ingen nabokommuner over land, bro, tunnel eller ferje.")
        return html.Div([heading, html.P(text, className="small")], id="kommune-neighbours")
    items = []
    for r in frame.itertuples():
        via = f" – {r.via}" if r.via else ""
        items.append(
            html.Li(
                f"{r.name} ({r.kommunenummer}): {formatting.neighbour_link(r.kinds)}{via}",
                **{"data-kommune": r.kommunenummer},
            )
        )
    sources = formatting.link_sources(", ".join(frame["sources"]))
    return html.Div(
        [
            heading,
            html.Ul(items, className="small mb-1"),
            html.Div(
                _(
                    "Naboer er kommuner med felles landegrense eller forbindelse med bro, "
                    "tunnel, ferje eller hurtigbåt. Kilde: {kilder}.",
                    kilder=sources,
                ),
                className="small text-muted",
            ),
        ],
        id="kommune-neighbours",
    )


def update_kommune(kommunenummer: str | None, requested_date: str | None) -> tuple:
    date, info = as_of(requested_date)
    date_out = date.isoformat() if date.isoformat() != requested_date else no_update
    # Existence from the reference register; access is decided by the data layer, which
    # refuses (and audits) a kommune outside the user's scope, whatever the dropdown sent.
    kommuner = reference.kommuner(2024).set_index("kommunenummer")
    if not kommunenummer or kommunenummer not in kommuner.index:
        alert = dbc.Alert(unknown_kommune_text(kommunenummer), color="warning")
        return _("Kommune"), [], EMPTY_FIGURE, EMPTY_FIGURE, alert, date_out, ""
    row = kommuner.loc[kommunenummer]
    start = info["period_start"]
    own = _series("kommune", kommunenummer, start, date)
    county = _series("fylke", row["fylkesnummer"], start, date)
    nation = _series("nation", None, start, date)
    own_at, county_at, nation_at = (metrics.window_counts(s, date) for s in (own, county, nation))
    title = with_disease(f"{row['name']} ({kommunenummer}), {row['fylkesnavn']}")
    basis = info["case_date_basis"]
    daily_fig = figures.daily_cases_figure(
        growth.with_nowcast(own, kommunenummer, date),
        title=_(
            "Nye tilfeller per dag {grunnlag} – {kommune}",
            grunnlag=case_basis_label(basis),
            kommune=row["name"],
        ),
    )
    incidence_fig = figures.incidence_comparison_figure(
        [
            (row["name"], own),
            (fylke_label(row["fylkesnavn"]), county),
            (nation_label(), nation),
        ],
        title=_("7-dagers insidens per 100 000"),
    )
    source = _(
        "Data per {dato}. Vist til og med {vist}. Kilde: {kilde}.",
        dato=formatting.date_short(info["data_date"]),
        vist=formatting.date_short(date),
        kilde=_(DEMO_SOURCE) if info["is_demo"] else info["source"] or _("importerte data"),
    )
    source = f"{source} {published_note()}"
    return (
        title,
        [
            *_cards(
                own_at,
                county_at,
                nation_at,
                fylke=row["fylkesnavn"],
                basis=basis,
                population=population_note(
                    date.year, sources.population_fallbacks(year=date.year).get(kommunenummer)
                ),
                incomplete=incomplete_note(own, date),
            ),
            growth.growth_card(kommunenummer, date, card_id="kommune-growth"),
        ],
        daily_fig,
        incidence_fig,
        None,
        date_out,
        [
            neighbour_section(kommunenummer),
            definitions(basis),
            html.Div(source),
            html.Div(
                series_basis_note(str(row["fylkesnummer"]), row["fylkesnavn"]),
                id="kommune-series-basis",
                className="small",
            ),
        ],
    )


def register(app: Dash) -> None:
    register_kommune_page(
        app,
        update_kommune,
        prefix="kommune",
        path="kommune",
        outputs="title cards daily.figure incidence.figure alert date.date source",
    )
