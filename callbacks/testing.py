"""Testing page callbacks, and the helpers the situation pages share (testing, vaksinasjon,
sykehus): kommune lookup, comparison notes, neighbour tables, the source line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, html

from callbacks.common import (
    NATION_LABEL,
    Context,
    national_daily,
    not_published,
    page_context,
    register_kommune_controls,
)
from dashboard import figures, formatting, metrics
from dashboard.auth import current_scope
from dashboard.definitions import DEMO_SOURCE
from dashboard.figures import testing as testing_figures
from dashboard.figures.testing import Measure
from dashboard.i18n import N_, _, ngettext
from dashboard.metrics import testing as testing_metrics
from data import queries
from data.codes import AGE_BANDS
from data.queries import testing as testing_queries
from data.scope import Scope
from layouts.common import EMPTY_FIGURE, card

HIDDEN = N_("skjult")


# --------------------------------------------------------------------------- shared helpers
def source_line(context: Context, extra: str | None = None) -> str:
    info = context.info
    text = _(
        "Data per {data_date}. Vist til og med {date}. Kilde: {source}.",
        data_date=formatting.date_short(info["data_date"]),
        date=formatting.date_short(context.date),
        source=_(DEMO_SOURCE) if info["is_demo"] else info["source"] or _("importerte data"),
    )
    return f"{text} {extra}" if extra else text


def percent(value: float | None, decimals: int = 1, *, hidden: bool = False) -> str:
    """A share (0–1) as Norwegian percent text: "12,3 %"; "skjult" when withheld."""
    if hidden:
        return _(HIDDEN)
    text = formatting.number(None if value is None else float(value) * 100, decimals)
    return text if text == "–" else f"{text} %"


def rate(value: float | None, decimals: int = 1, *, hidden: bool = False) -> str:
    if hidden:
        return _(HIDDEN)
    return formatting.number(None if value is None else float(value), decimals)


def count(value: Any, suppressed: bool = False) -> str:
    if suppressed:
        return formatting.SUPPRESSED
    if value is None or pd.isna(value):
        return _(HIDDEN)
    return formatting.number(float(value))


def compare_note(context: Context, fylke_text: str, nation_text: str) -> str:
    return _(
        "{fylke}: {fylke_value} · Landet: {nation_value}",
        fylke=context.fylkesnavn,
        fylke_value=fylke_text,
        nation_value=nation_text,
    )


def neighbours(scope: Scope, kommunenummer: str) -> tuple[pd.DataFrame, int]:
    """The neighbours the user may compare the own kommune with, and how many were left out.
    Their rows are read with ``scope.comparison_for(kommunenummer)``: key numbers beside the
    own kommune's, protected; never their own pages."""
    frame = queries.neighbour_list(scope=scope, kommunenummer=kommunenummer)
    allowed = frame[
        frame["kommunenummer"].map(scope.comparison_for(kommunenummer).allows).astype(bool)
    ]
    return allowed.reset_index(drop=True), len(frame) - len(allowed)


def comparison_table(
    header: Sequence[str],
    rows: Sequence[tuple[str, Sequence[str], str]],
    *,
    table_id: str,
    left_out: int = 0,
    show_neighbour_note: bool = True,
) -> html.Div:
    """A compact table: a name column, then values; row kinds "own", "neighbour", "area"
    (and any other kind for plain rows)."""
    head = html.Thead(
        html.Tr(
            [html.Th(header[0], scope="col")]
            + [html.Th(h, scope="col", className="text-end") for h in header[1:]]
        )
    )
    body = []
    for name, values, kind in rows:
        cls = {"own": "fw-semibold table-primary", "area": "text-muted"}.get(kind, "")
        body.append(
            html.Tr(
                [html.Th(name, scope="row", className="fw-normal" if kind != "own" else "")]
                + [html.Td(v, className="text-end text-nowrap") for v in values],
                className=cls,
            )
        )
    parts: list[Any] = [
        dbc.Table(
            [head, html.Tbody(body)],
            size="sm",
            hover=True,
            responsive=True,
            className="mb-1",
            id=table_id,
        )
    ]
    if show_neighbour_note and not left_out and not any(r[2] == "neighbour" for r in rows):
        parts.append(
            html.Div(
                _("Kommunen har ingen nabokommuner over land, bro, tunnel eller ferje."),
                className="small",
            )
        )
    if left_out:
        parts.append(
            html.Div(
                ngettext(
                    "{n} nabokommune vises ikke fordi din rolle ikke har tilgang til den.",
                    "{n} nabokommuner vises ikke fordi din rolle ikke har tilgang til dem.",
                    left_out,
                    n=left_out,
                ),
                className="small text-muted",
            )
        )
    return html.Div(parts)


def age_label(band: str) -> str:
    return band.replace("-", "–")


AGE_LABELS = [age_label(b) for b in AGE_BANDS]


def with_age_labels(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["age_band"] = out["age_band"].map(age_label)
    return out


def area_reads(
    context: Context,
    *,
    daily: Callable[..., pd.DataFrame],
    to_series: Callable[..., pd.DataFrame],
    by_age: Callable[..., pd.DataFrame],
    to_groups: Callable[[pd.DataFrame], pd.DataFrame],
) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """A subject page's reads for the kommune, its county and the country: the daily series
    over the whole period (as of the page's date) and the age bands of the date's window."""
    scope = current_scope()
    start, end = context.info["period_start"], context.info["data_date"]
    series = [
        to_series(
            daily(scope=scope, level=level, code=code, start=start, end=end), date=context.date
        )
        for _label, level, code in context.areas
    ]
    ages = [
        with_age_labels(to_groups(by_age(scope=scope, level=level, code=code, date=context.date)))
        for _label, level, code in context.areas
    ]
    return series, ages


# --------------------------------------------------------------------------- testing page
def _cards(context: Context, k: dict, f: dict, n: dict) -> list[dbc.Col]:
    def pos(values: dict, key: str = "positivity_7d") -> str:
        return percent(values[key], hidden=values[f"{key}_hidden"])

    def per100k(values: dict) -> str:
        return rate(values["tests_7d_per_100k"], 0, hidden=values["tests_7d_per_100k_hidden"])

    def days(values: dict) -> str:
        text = rate(values["mean_result_days_7d"], 1, hidden=values["mean_result_days_7d_hidden"])
        return text if text in ("–", _(HIDDEN)) else _("{value} dager", value=text)

    return [
        dbc.Col(
            card(
                _("Testhendelser siste 7 dager"),
                count(k["tests_7d"], k["tests_7d_suppressed"]),
                note=_(
                    "7 dager før: {value}",
                    value=count(k["tests_prev_7d"], k["tests_prev_7d_suppressed"]),
                ),
                card_id="testing-card-tests",
            ),
            md=2,
        ),
        dbc.Col(
            card(
                _("Testhendelser per 100 000 (7 dager)"),
                per100k(k),
                note=compare_note(context, per100k(f), per100k(n)),
                card_id="testing-card-per100k",
            ),
            md=3,
        ),
        dbc.Col(
            card(
                _("Positive siste 7 dager"),
                count(k["positive_7d"], k["positive_7d_suppressed"]),
                note=_("Positivandel 7 dager før: {value}", value=pos(k, "positivity_prev_7d")),
                card_id="testing-card-positive",
            ),
            md=2,
        ),
        dbc.Col(
            card(
                _("Positivandel (7 dager)"),
                pos(k),
                note=compare_note(context, pos(f), pos(n)),
                card_id="testing-card-positivity",
            ),
            md=3,
        ),
        dbc.Col(
            card(
                _("Tid fra prøve til svar"),
                days(k),
                note=compare_note(context, days(f), days(n)),
                card_id="testing-card-result-time",
            ),
            md=2,
        ),
    ]


def _neighbour_rows(
    context: Context, frame: pd.DataFrame, names: dict[str, str], f: dict, n: dict
) -> list[tuple[str, list[str], str]]:
    rows = []
    for r in testing_metrics.testing_by_group(frame).itertuples():
        code = str(r.kommunenummer)
        rows.append(
            (
                f"{names.get(code, code)} ({code})",
                [
                    count(r.tests, bool(r.tests_suppressed)),
                    rate(r.tests_per_100k, 0, hidden=bool(r.tests_per_100k_hidden)),
                    count(r.positive, bool(r.positive_suppressed)),
                    percent(r.positivity, hidden=bool(r.positivity_hidden)),
                    rate(r.mean_result_days, 1, hidden=bool(r.mean_result_days_hidden)),
                ],
                "own" if code == context.kommunenummer else "neighbour",
            )
        )
    for label, values in ((context.fylke_label, f), (_(NATION_LABEL), n)):
        rows.append(
            (
                label,
                [
                    count(values["tests_7d"], values["tests_7d_suppressed"]),
                    rate(values["tests_7d_per_100k"], 0, hidden=values["tests_7d_per_100k_hidden"]),
                    count(values["positive_7d"], values["positive_7d_suppressed"]),
                    percent(values["positivity_7d"], hidden=values["positivity_7d_hidden"]),
                    rate(
                        values["mean_result_days_7d"],
                        1,
                        hidden=values["mean_result_days_7d_hidden"],
                    ),
                ],
                "area",
            )
        )
    return rows


def _national_cards(cards: list[tuple[str, dict[str, Any], int]]) -> list[dbc.Col]:
    """Cards of published national 7-day sums: (title, window, decimals)."""
    out = []
    for title, window, decimals in cards:
        value = window["value"]
        note = (
            _("Hele landet, 7 dager til {date}", date=formatting.date_short(window["end"]))
            if window["end"]
            else _("Ikke publisert for perioden")
        )
        text = formatting.number(value, decimals) if value is not None else "–"
        out.append(dbc.Col(card(title, text, note=note), md=4))
    return out


def national_testing(context: Context, notice: Any, date_out: Any) -> tuple:
    """Real data without kommune-level tests: the notice and the national series instead."""
    start, date = context.info["period_start"], context.date
    tests = national_daily("tests_all", start, date)
    positive = national_daily("tests_pos", start, date)
    share = tests[["date"]].copy()
    share["value"] = 100 * positive["value"] / tests["value"].where(tests["value"] > 0)
    share["mean_7d"] = (
        100
        * positive["value"].rolling(7, min_periods=7).sum()
        / tests["value"].rolling(7, min_periods=7).sum()
    )
    w_tests = metrics.published_window(tests, date)
    w_pos = metrics.published_window(positive, date)
    share_7d = {
        **w_pos,
        "value": 100 * w_pos["value"] / w_tests["value"]
        if w_pos["value"] is not None and w_tests["value"]
        else None,
    }
    cards = _national_cards(
        [
            (_("Testhendelser siste 7 dager"), w_tests, 0),
            (_("Positive testhendelser siste 7 dager"), w_pos, 0),
            (_("Positivandel (7 dager), %"), share_7d, 1),
        ]
    )
    return (
        context.title(_("Testing")),
        cards,
        figures.national_series_figure(
            tests,
            title=_("Testhendelser per dag – hele landet"),
            name=_("Testhendelser"),
            yaxis_title=_("Testhendelser"),
            line="mean_7d",
        ),
        figures.national_series_figure(
            share,
            title=_("Positivandel – hele landet"),
            name=_("Positivandel per dag (%)"),
            yaxis_title=_("Prosent"),
            line="mean_7d",
        ),
        figures.message_figure(_("Testhendelser etter alder er ikke publisert per kommune.")),
        figures.message_figure(_("Tid fra prøve til svar er ikke publisert.")),
        None,
        notice,
        date_out,
        source_line(context, _("Nasjonale tall: FHI (laboratoriedatabasen) via covidnor.")),
    )


def update_testing(kommunenummer: str | None, requested_date: str | None) -> tuple:
    context, date_out, alert = page_context(kommunenummer, requested_date)
    empty: tuple[Any, ...] = (
        _("Testing"),
        [],
        EMPTY_FIGURE,
        EMPTY_FIGURE,
        EMPTY_FIGURE,
        EMPTY_FIGURE,
        None,
    )
    if context is None:
        return (*empty, alert, date_out, "")
    notice = not_published("tests", context.kommunenummer)
    if notice is not None:
        return national_testing(context, notice, date_out)
    scope = current_scope()
    date = context.date
    areas = context.areas
    series, by_age = area_reads(
        context,
        daily=testing_queries.tests_daily,
        to_series=testing_metrics.testing_series,
        by_age=testing_queries.tests_by_age,
        to_groups=testing_metrics.testing_by_group,
    )
    near, left_out = neighbours(scope, context.kommunenummer)
    window = testing_queries.tests_by_kommune(
        scope=scope.comparison_for(context.kommunenummer),
        kommuner=[context.kommunenummer, *near["kommunenummer"]],
        date=date,
    )
    k, f, n = (testing_metrics.testing_at(s, date) for s in series)
    labelled = [(label, s) for (label, _l, _c), s in zip(areas, series, strict=True)]
    names = dict(zip(near["kommunenummer"], near["name"], strict=True))
    names[context.kommunenummer] = context.name
    table = comparison_table(
        [
            _("Kommune"),
            _("Testhendelser 7 d"),
            _("Per 100 000"),
            _("Positive 7 d"),
            _("Positivandel"),
            _("Dager til svar"),
        ],
        _neighbour_rows(context, window, names, f, n),
        table_id="testing-neighbour-table",
        left_out=left_out,
    )
    return (
        context.title(_("Testing")),
        _cards(context, k, f, n),
        testing_figures.tests_per_day_figure(
            series[0], title=_("Testhendelser per dag – {kommune}", kommune=context.name)
        ),
        testing_figures.comparison_lines(
            labelled,
            Measure("positivity_7d", _("Positivandel"), scale=100, decimals=1, suffix=" %"),
            title=_("Positivandel, 7 dager"),
        ),
        testing_figures.age_comparison(
            [(label, frame) for (label, _l, _c), frame in zip(areas, by_age, strict=True)],
            [
                Measure("tests_per_100k", _("Testhendelser per 100 000"), decimals=0),
                Measure("positivity", _("Positivandel"), scale=100, decimals=1, suffix=" %"),
            ],
            title=_(
                "Etter aldersgruppe, siste 7 dager til {date}", date=formatting.date_short(date)
            ),
            bands=AGE_LABELS,
        ),
        testing_figures.comparison_lines(
            labelled,
            Measure("mean_result_days_7d", _("Dager"), decimals=2, suffix=_(" dager")),
            title=_("Dager fra prøve til svar"),
        ),
        table,
        None,
        date_out,
        source_line(context),
    )


def register(app: Dash) -> None:
    register_kommune_controls(app, prefix="testing", path="testing")
    app.callback(
        Output("testing-title", "children"),
        Output("testing-cards", "children"),
        Output("testing-daily", "figure"),
        Output("testing-positivity", "figure"),
        Output("testing-age", "figure"),
        Output("testing-result-time", "figure"),
        Output("testing-neighbours", "children"),
        Output("testing-alert", "children"),
        Output("testing-date", "date"),
        Output("testing-source", "children"),
        Input("testing-select", "value"),
        Input("testing-date", "date"),
    )(update_testing)
