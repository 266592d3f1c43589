"""Sykehus page callbacks: admissions and ICU admissions, kommune against county and nation."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output

from callbacks.common import (
    NATION_LABEL,
    Context,
    national_daily,
    not_published,
    page_context,
    register_kommune_controls,
)
from callbacks.subject import (
    AGE_LABELS,
    area_reads,
    compare_note,
    comparison_table,
    count,
    national_cards,
    neighbours,
    rate,
    source_line,
)
from dashboard import figures, formatting, metrics
from dashboard.auth import current_scope
from dashboard.figures import hospital as hospital_figures
from dashboard.figures import testing as testing_figures
from dashboard.figures.testing import Measure
from dashboard.i18n import _
from dashboard.metrics import hospital as hospital_metrics
from data.queries import hospital as hospital_queries
from layouts.common import EMPTY_FIGURE, card


def _cards(context: Context, k: dict, f: dict, n: dict, on_date: pd.Series) -> list[dbc.Col]:
    def per100k(values: dict, key: str) -> str:
        return rate(values[key], 1, hidden=values[f"{key}_hidden"])

    return [
        dbc.Col(
            card(
                _("Nye innleggelser på datoen"),
                count(on_date.get("admissions"), bool(on_date.get("admissions_suppressed"))),
                note=_(
                    "Herav intensiv: {value}",
                    value=count(
                        on_date.get("icu_admissions"),
                        bool(on_date.get("icu_admissions_suppressed")),
                    ),
                ),
                card_id="sykehus-card-day",
            ),
            md=2,
        ),
        dbc.Col(
            card(
                _("Innleggelser siste 7 dager"),
                count(k["admissions_7d"], k["admissions_7d_suppressed"]),
                note=_(
                    "7 dager før: {value}",
                    value=count(k["admissions_prev_7d"], k["admissions_prev_7d_suppressed"]),
                ),
                card_id="sykehus-card-admissions",
            ),
            md=2,
        ),
        dbc.Col(
            card(
                _("Innleggelser per 100 000 (7 dager)"),
                per100k(k, "admissions_7d_per_100k"),
                note=compare_note(
                    context,
                    per100k(f, "admissions_7d_per_100k"),
                    per100k(n, "admissions_7d_per_100k"),
                ),
                card_id="sykehus-card-rate",
            ),
            md=3,
        ),
        dbc.Col(
            card(
                _("Intensiv siste 7 dager"),
                count(k["icu_admissions_7d"], k["icu_admissions_7d_suppressed"]),
                note=_(
                    "7 dager før: {value}",
                    value=count(
                        k["icu_admissions_prev_7d"], k["icu_admissions_prev_7d_suppressed"]
                    ),
                ),
                card_id="sykehus-card-icu",
            ),
            md=2,
        ),
        dbc.Col(
            card(
                _("Intensiv per 100 000 (7 dager)"),
                per100k(k, "icu_admissions_7d_per_100k"),
                note=compare_note(
                    context,
                    per100k(f, "icu_admissions_7d_per_100k"),
                    per100k(n, "icu_admissions_7d_per_100k"),
                ),
                card_id="sykehus-card-icu-rate",
            ),
            md=3,
        ),
    ]


def _neighbour_rows(
    context: Context, frame: pd.DataFrame, names: dict[str, str], f: dict, n: dict
) -> list[tuple[str, list[str], str]]:
    rows = []
    for r in hospital_metrics.hospital_by_group(frame).itertuples():
        code = str(r.kommunenummer)
        rows.append(
            (
                f"{names.get(code, code)} ({code})",
                [
                    count(r.admissions, bool(r.admissions_suppressed)),
                    rate(r.admissions_per_100k, 1, hidden=bool(r.admissions_per_100k_hidden)),
                    count(r.icu_admissions, bool(r.icu_admissions_suppressed)),
                    rate(
                        r.icu_admissions_per_100k, 1, hidden=bool(r.icu_admissions_per_100k_hidden)
                    ),
                ],
                "own" if code == context.kommunenummer else "neighbour",
            )
        )
    for label, values in ((context.fylke_label, f), (_(NATION_LABEL), n)):
        rows.append(
            (
                label,
                [
                    count(values["admissions_7d"], values["admissions_7d_suppressed"]),
                    rate(
                        values["admissions_7d_per_100k"],
                        1,
                        hidden=values["admissions_7d_per_100k_hidden"],
                    ),
                    count(values["icu_admissions_7d"], values["icu_admissions_7d_suppressed"]),
                    rate(
                        values["icu_admissions_7d_per_100k"],
                        1,
                        hidden=values["icu_admissions_7d_per_100k_hidden"],
                    ),
                ],
                "area",
            )
        )
    return rows


def national_hospital(context: Any, notice: Any, date_out: Any) -> tuple:
    """Real data without kommune-level hospital data: the notice and the national series."""
    start, date = context.info["period_start"], context.date
    admissions = national_daily("hospital_admissions", start, date)
    icu = national_daily("icu_admissions", start, date)
    cards = national_cards(
        [
            (_("Innleggelser siste 7 dager"), metrics.published_window(admissions, date), 0),
            (_("Intensivinnleggelser siste 7 dager"), metrics.published_window(icu, date), 0),
        ]
    )
    return (
        context.title(_("Sykehus")),
        cards,
        figures.national_series_figure(
            admissions,
            title=_("Nye sykehusinnleggelser per dag (hovedårsak covid-19) – hele landet"),
            name=_("Innleggelser"),
            yaxis_title=_("Innleggelser"),
            line="mean_7d",
        ),
        figures.national_series_figure(
            icu,
            title=_("Nye intensivinnleggelser per dag – hele landet"),
            name=_("Intensivinnleggelser"),
            yaxis_title=_("Innleggelser"),
            line="mean_7d",
        ),
        figures.message_figure(_("Innleggelser etter alder er ikke publisert.")),
        figures.message_figure(_("Intensivinnleggelser er ikke publisert per kommune.")),
        None,
        notice,
        date_out,
        source_line(context, _("Nasjonale tall: FHI via covidnor.")),
    )


def update_sykehus(kommunenummer: str | None, requested_date: str | None) -> tuple:
    context, date_out, alert = page_context(kommunenummer, requested_date)
    empty: tuple[Any, ...] = (
        _("Sykehus"),
        [],
        EMPTY_FIGURE,
        EMPTY_FIGURE,
        EMPTY_FIGURE,
        EMPTY_FIGURE,
        None,
    )
    if context is None:
        return (*empty, alert, date_out, "")
    notice = not_published("hospital", context.kommunenummer)
    if notice is not None:
        return national_hospital(context, notice, date_out)
    scope = current_scope()
    date = context.date
    areas = context.areas
    series, by_age = area_reads(
        context,
        daily=hospital_queries.hospital_daily,
        to_series=hospital_metrics.hospital_series,
        by_age=hospital_queries.hospital_by_age,
        to_groups=hospital_metrics.hospital_by_group,
    )
    near, left_out = neighbours(scope, context.kommunenummer)
    window = hospital_queries.hospital_by_kommune(
        scope=scope.comparison_for(context.kommunenummer),
        kommuner=[context.kommunenummer, *near["kommunenummer"]],
        date=date,
    )
    k, f, n = (hospital_metrics.hospital_at(s, date) for s in series)
    own = series[0]
    on_date = own[own["date"] == pd.Timestamp(date)]
    day = on_date.iloc[0] if len(on_date) else pd.Series(dtype="float64")
    labelled = [(label, s) for (label, _l, _c), s in zip(areas, series, strict=True)]
    names = dict(zip(near["kommunenummer"], near["name"], strict=True))
    names[context.kommunenummer] = context.name
    table = comparison_table(
        [
            _("Kommune"),
            _("Innleggelser 7 d"),
            _("Per 100 000"),
            _("Intensiv 7 d"),
            _("Per 100 000"),
        ],
        _neighbour_rows(context, window, names, f, n),
        table_id="sykehus-neighbour-table",
        left_out=left_out,
    )
    return (
        context.title(_("Sykehus")),
        _cards(context, k, f, n, day),
        hospital_figures.admissions_per_day_figure(
            own, title=_("Sykehusinnleggelser per dag – {kommune}", kommune=context.name)
        ),
        testing_figures.comparison_lines(
            labelled,
            Measure("admissions_7d_per_100k", _("Per 100 000"), decimals=1),
            title=_("Innleggelser per 100 000, 7 dager"),
        ),
        testing_figures.age_comparison(
            [(label, frame) for (label, _l, _c), frame in zip(areas, by_age, strict=True)],
            [
                Measure("admissions_per_100k", _("Innleggelser per 100 000"), decimals=1),
                Measure("icu_admissions_per_100k", _("Intensiv per 100 000"), decimals=1),
            ],
            title=_(
                "Etter aldersgruppe, siste 7 dager til {date}", date=formatting.date_short(date)
            ),
            bands=AGE_LABELS,
        ),
        testing_figures.comparison_lines(
            labelled,
            Measure("icu_admissions_7d_per_100k", _("Per 100 000"), decimals=2),
            title=_("Intensiv per 100 000, 7 dager"),
        ),
        table,
        None,
        date_out,
        source_line(context),
    )


def register(app: Dash) -> None:
    register_kommune_controls(app, prefix="sykehus", path="sykehus")
    app.callback(
        Output("sykehus-title", "children"),
        Output("sykehus-cards", "children"),
        Output("sykehus-daily", "figure"),
        Output("sykehus-rate", "figure"),
        Output("sykehus-age", "figure"),
        Output("sykehus-icu-rate", "figure"),
        Output("sykehus-neighbours", "children"),
        Output("sykehus-alert", "children"),
        Output("sykehus-date", "date"),
        Output("sykehus-source", "children"),
        Input("sykehus-select", "value"),
        Input("sykehus-date", "date"),
    )(update_sykehus)
