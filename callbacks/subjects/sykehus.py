"""Sykehus: hospital and ICU admissions of the kommune's residents per day and per 100 000,
against its county, the whole country and its neighbours."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd

from callbacks.common import national_daily
from callbacks.subject import (
    AreaSeries,
    Place,
    TableColumn,
    compare_note,
    count,
    count_of,
    declare,
    national_cards,
    national_figure,
    rate_of,
    read_areas,
)
from callbacks.subjects import View
from dashboard import figures, metrics
from dashboard.definitions.hospital import ADMISSIONS_DAILY, ADMISSIONS_PER_100K, ICU_PER_100K
from dashboard.figures import hospital as hospital_figures
from dashboard.figures.testing import Measure
from dashboard.i18n import N_, _
from dashboard.metrics import hospital as hospital_metrics
from data.queries import hospital as hospital_queries
from layouts.common import card_col
from layouts.subject_page import Row, Slot


def _cards(view: View, windows: list[dict], day: pd.Series) -> list[dbc.Col]:
    k, f, n = windows  # the kommune's, the county's, the country's

    def on_day(column: str) -> str:
        return count(day.get(column), bool(day.get(f"{column}_suppressed")))

    cards = [
        (
            _("Nye innleggelser på datoen"),
            on_day("admissions"),
            _("Herav intensiv: {value}", value=on_day("icu_admissions")),
            "day",
            2,
        )
    ]
    # admissions and ICU admissions alike: the 7-day count against the 7 days before, and
    # the rate per 100 000 against the county and the country
    for column, (count_title, count_id), (rate_title, rate_id) in (
        (
            "admissions",
            (_("Innleggelser siste 7 dager"), "admissions"),
            (_("Innleggelser per 100 000 (7 dager)"), "rate"),
        ),
        (
            "icu_admissions",
            (_("Intensiv siste 7 dager"), "icu"),
            (_("Intensiv per 100 000 (7 dager)"), "icu-rate"),
        ),
    ):
        rate = rate_of(f"{column}_7d_per_100k")
        before = _("7 dager før: {value}", value=count_of(f"{column}_prev_7d")(k))
        cards += [
            (count_title, count_of(f"{column}_7d")(k), before, count_id, 2),
            (rate_title, rate(k), compare_note(view.context, rate(f), rate(n)), rate_id, 3),
        ]
    return [
        card_col(title, value, note=note, card_id=f"sykehus-card-{key}", md=width)
        for title, value, note, key, width in cards
    ]


COLUMNS = (
    TableColumn(N_("Innleggelser 7 d"), count_of("admissions"), count_of("admissions_7d")),
    TableColumn(
        N_("Per 100 000"), rate_of("admissions_per_100k"), rate_of("admissions_7d_per_100k")
    ),
    TableColumn(N_("Intensiv 7 d"), count_of("icu_admissions"), count_of("icu_admissions_7d")),
    TableColumn(
        N_("Per 100 000"),
        rate_of("icu_admissions_per_100k"),
        rate_of("icu_admissions_7d_per_100k"),
    ),
)


READS = AreaSeries(
    indicator="admissions_7d",  # by admission date: complete as it stands
    daily=hospital_queries.hospital_daily,
    to_series=hospital_metrics.hospital_series,
    at=hospital_metrics.hospital_at,
    by_age=hospital_queries.hospital_by_age,
    by_kommune=hospital_queries.hospital_by_kommune,
    to_groups=hospital_metrics.hospital_by_group,
)


def render(view: View) -> dict[str, Any]:
    areas = read_areas(view, READS)
    own = areas.series[0]
    on_date = own[own["date"] == pd.Timestamp(view.context.date)]
    day = on_date.iloc[0] if len(on_date) else pd.Series(dtype="float64")
    return {
        "cards": _cards(view, areas.windows, day),
        "daily": hospital_figures.admissions_per_day_figure(
            own, title=_("Sykehusinnleggelser per dag – {kommune}", kommune=view.context.name)
        ),
        "rate": areas.lines(
            Measure("admissions_7d_per_100k", _("Per 100 000"), decimals=1),
            _("Innleggelser per 100 000, 7 dager"),
        ),
        "age": areas.by_age(
            [
                Measure("admissions_per_100k", _("Innleggelser per 100 000"), decimals=1),
                Measure("icu_admissions_per_100k", _("Intensiv per 100 000"), decimals=1),
            ]
        ),
        "icu-rate": areas.lines(
            Measure("icu_admissions_7d_per_100k", _("Per 100 000"), decimals=2),
            _("Intensiv per 100 000, 7 dager"),
        ),
        "neighbours": areas.neighbours(COLUMNS, table_id="sykehus-neighbour-table"),
    }


def national(view: View) -> dict[str, Any]:
    """Real data without kommune-level hospital data: the national series."""
    start, date = view.context.info["period_start"], view.context.date
    admissions = national_daily("hospital_admissions", start, date)
    icu = national_daily("icu_admissions", start, date)
    return {
        "cards": national_cards(
            [
                (_("Innleggelser siste 7 dager"), metrics.published_window(admissions, date), 0),
                (_("Intensivinnleggelser siste 7 dager"), metrics.published_window(icu, date), 0),
            ]
        ),
        "daily": national_figure(
            admissions,
            _("Nye sykehusinnleggelser per dag (hovedårsak covid-19) – hele landet"),
            _("Innleggelser"),
            _("Innleggelser"),
        ),
        "rate": national_figure(
            icu,
            _("Nye intensivinnleggelser per dag – hele landet"),
            _("Intensivinnleggelser"),
            _("Innleggelser"),
        ),
        "age": figures.message_figure(_("Innleggelser etter alder er ikke publisert.")),
        "icu-rate": figures.message_figure(
            _("Intensivinnleggelser er ikke publisert per kommune.")
        ),
        "source_note": _("Nasjonale tall: FHI via covidnor."),
    }


PAGE = declare(
    Place("sykehus", N_("Sykehus"), 6, "smitte"),
    parts=(
        Slot("cards", "cards"),
        Row((Slot("daily", "figure", {"lg": 6}), Slot("rate", "figure", {"lg": 6}))),
        Row((Slot("age", "figure", {"lg": 8}), Slot("icu-rate", "figure", {"lg": 4}))),
        Slot("neighbours", heading=N_("Nabokommuner")),
    ),
    definitions=(ADMISSIONS_DAILY, ADMISSIONS_PER_100K, ICU_PER_100K),
    render=render,
    subject="hospital",
    fallback=national,
)
