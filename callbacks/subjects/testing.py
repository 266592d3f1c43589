"""Testing: test events by type, positivity and time to result; the kommune against its
county, the whole country and its neighbours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc

from callbacks.common import national_daily
from callbacks.subject import (
    HIDDEN,
    AreaSeries,
    Place,
    TableColumn,
    compare_note,
    count_of,
    declare,
    national_cards,
    national_figure,
    percent_of,
    rate_of,
    read_areas,
)
from callbacks.subjects import View
from dashboard import figures, metrics
from dashboard.definitions.testing import (
    POSITIVITY_7D,
    RESULT_TIME,
    TESTS_BY_AGE,
    TESTS_DAILY,
    TESTS_PER_100K,
)
from dashboard.figures import testing as testing_figures
from dashboard.figures.testing import Measure
from dashboard.i18n import N_, _
from dashboard.metrics import testing as testing_metrics
from data.queries import national as national_queries
from data.queries import testing as testing_queries
from layouts.common import card_col
from layouts.subject_page import Row, Slot

_positivity = percent_of("positivity_7d")
_per100k = rate_of("tests_7d_per_100k", 0)
_result_days = rate_of("mean_result_days_7d")


def _days(values: Mapping[str, Any]) -> str:
    text = _result_days(values)
    return text if text in ("–", _(HIDDEN)) else _("{value} dager", value=text)


def _cards(view: View, windows: list[dict]) -> list[dbc.Col]:
    k, f, n = windows  # the kommune's, the county's, the country's

    def compared(value: Any) -> str:
        return compare_note(view.context, value(f), value(n))

    cards = [
        (
            _("Testhendelser siste 7 dager"),
            count_of("tests_7d")(k),
            _("7 dager før: {value}", value=count_of("tests_prev_7d")(k)),
            "tests",
            2,
        ),
        (_("Testhendelser per 100 000 (7 dager)"), _per100k(k), compared(_per100k), "per100k", 3),
        (
            _("Positive siste 7 dager"),
            count_of("positive_7d")(k),
            _("Positivandel 7 dager før: {value}", value=percent_of("positivity_prev_7d")(k)),
            "positive",
            2,
        ),
        (_("Positivandel (7 dager)"), _positivity(k), compared(_positivity), "positivity", 3),
        (_("Tid fra prøve til svar"), _days(k), compared(_days), "result-time", 2),
    ]
    return [
        card_col(title, value, note=note, card_id=f"testing-card-{key}", md=width)
        for title, value, note, key, width in cards
    ]


COLUMNS = (
    TableColumn(N_("Testhendelser 7 d"), count_of("tests"), count_of("tests_7d")),
    TableColumn(N_("Per 100 000"), rate_of("tests_per_100k", 0), _per100k),
    TableColumn(N_("Positive 7 d"), count_of("positive"), count_of("positive_7d")),
    TableColumn(N_("Positivandel"), percent_of("positivity"), _positivity),
    TableColumn(N_("Dager til svar"), rate_of("mean_result_days"), _result_days),
)


READS = AreaSeries(
    indicator="tests_7d",  # by test date: its figures shade the incomplete days
    daily=testing_queries.tests_daily,
    to_series=testing_metrics.testing_series,
    at=testing_metrics.testing_at,
    by_age=testing_queries.tests_by_age,
    by_kommune=testing_queries.tests_by_kommune,
    to_groups=testing_metrics.testing_by_group,
)


def _with_sentinel(view: View, fig: Any) -> Any:
    """The positivity figure with Norway's ERVISS sentinel positivity for the chosen disease
    beside it (where the store holds it), over the figure's period."""
    weekly = national_queries.sentinel_positivity(
        start=view.context.info["period_start"], end=view.context.date
    )
    return testing_figures.with_sentinel(fig, weekly, source=national_queries.SOURCE_LABEL)


def render(view: View) -> dict[str, Any]:
    areas = read_areas(view, READS)
    return {
        "cards": _cards(view, areas.windows),
        "daily": testing_figures.tests_per_day_figure(
            areas.series[0], title=_("Testhendelser per dag – {kommune}", kommune=view.context.name)
        ),
        "positivity": _with_sentinel(
            view,
            areas.lines(
                Measure("positivity_7d", _("Positivandel"), scale=100, decimals=1, suffix=" %"),
                _("Positivandel, 7 dager"),
            ),
        ),
        "age": areas.by_age(
            [
                Measure("tests_per_100k", _("Testhendelser per 100 000"), decimals=0),
                Measure("positivity", _("Positivandel"), scale=100, decimals=1, suffix=" %"),
            ]
        ),
        "result-time": areas.lines(
            Measure("mean_result_days_7d", _("Dager"), decimals=2, suffix=_(" dager")),
            _("Dager fra prøve til svar"),
        ),
        "neighbours": areas.neighbours(COLUMNS, table_id="testing-neighbour-table"),
    }


def national(view: View) -> dict[str, Any]:
    """Real data without kommune-level tests: the national series instead."""
    start, date = view.context.info["period_start"], view.context.date
    tests = national_daily("tests_all", start, date)
    positive = national_daily("tests_pos", start, date)
    share, share_7d = testing_metrics.national_positivity(tests, positive, date)
    return {
        "cards": national_cards(
            [
                (_("Testhendelser siste 7 dager"), metrics.published_window(tests, date), 0),
                (
                    _("Positive testhendelser siste 7 dager"),
                    metrics.published_window(positive, date),
                    0,
                ),
                (_("Positivandel (7 dager), %"), share_7d, 1),
            ]
        ),
        "daily": national_figure(
            tests, _("Testhendelser per dag – hele landet"), _("Testhendelser"), _("Testhendelser")
        ),
        "positivity": _with_sentinel(
            view,
            national_figure(
                share, _("Positivandel – hele landet"), _("Positivandel per dag (%)"), _("Prosent")
            ),
        ),
        "age": figures.message_figure(
            _("Testhendelser etter alder er ikke publisert per kommune.")
        ),
        "result-time": figures.message_figure(_("Tid fra prøve til svar er ikke publisert.")),
        "source_note": _("Nasjonale tall: FHI (laboratoriedatabasen) via covidnor."),
    }


PAGE = declare(
    Place("testing", N_("Testing"), 2, "smitte"),
    parts=(
        Slot("cards", "cards"),
        Row((Slot("daily", "figure", {"lg": 6}), Slot("positivity", "figure", {"lg": 6}))),
        Row((Slot("age", "figure", {"lg": 8}), Slot("result-time", "figure", {"lg": 4}))),
        Slot("neighbours", heading=N_("Nabokommuner")),
    ),
    definitions=(TESTS_DAILY, POSITIVITY_7D, TESTS_PER_100K, TESTS_BY_AGE, RESULT_TIME),
    render=render,
    subject="tests",
    fallback=national,
)
