"""The morning briefing: one kommune's key indicators on a date, what moved since the day
before, and the neighbours — the same object feeds the page, the print view and the PDF.

Its texts (labels, units, definitions, sentences) are built translated, in the language of the
request: :func:`briefing_view` is cached per language (the result cache keys on it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from dashboard import figures, metrics
from dashboard.briefing.indicators import day_note, indicators_on, since_yesterday
from dashboard.briefing.model import TREND_WORDS, Briefing, Indicator
from dashboard.briefing.respiratory import respiratory_panel
from dashboard.briefing.sentences import (
    RULE_UPCOMING_DAYS,
    rule_changes,
    rule_sentences,
    signal_sentences,
    signals_near,
)
from dashboard.i18n import _
from data import queries
from data.cache import cached, read_memo
from data.queries import key_figures as key_queries
from data.queries import vaccination as vaccination_queries
from data.queries.growth import with_nowcast
from data.scope import Scope
from geo import reference

__all__ = [
    "RULE_UPCOMING_DAYS",
    "TREND_WORDS",
    "Briefing",
    "Indicator",
    "briefing_figures",
    "briefing_view",
    "build_briefing",
    "day_note",
    "indicators_on",
    "neighbour_table",
    "rule_changes",
    "rule_sentences",
    "signal_sentences",
    "signals_near",
    "since_yesterday",
]


def neighbour_table(*, scope: Scope, kommunenummer: str, date: dt.date) -> pd.DataFrame:
    """The neighbours the user may compare the kommune with, with the same key indicators and
    trend: read with the comparison scope (protected like any kommune outside the own)."""
    scope = scope.comparison_for(kommunenummer)
    neighbours = queries.neighbour_list(scope=scope, kommunenummer=kommunenummer)
    windows = metrics.window_metrics(queries.case_windows(scope=scope, date=date))
    table = neighbours.merge(windows, on="kommunenummer", how="inner")
    if table.empty:
        return table
    kommuner = list(table["kommunenummer"])
    coverage = key_queries.kommune_coverage(scope=scope, kommuner=kommuner, date=date)
    if coverage.empty:  # no dose counts by age: the published snapshot
        coverage = vaccination_queries.vaccination_by_kommune(
            scope=scope, kommuner=kommuner, date=date
        )
    dose2 = coverage[(coverage["age_band"] == "alle") & (coverage["dose_number"] == 2)]
    dose2 = dose2.assign(
        coverage_d2=(100 * dose2["vaccinated"] / dose2["population"])
        .clip(upper=100)
        .where(~dose2["hidden"].astype(bool))
    )[["kommunenummer", "coverage_d2"]]
    return table.merge(dose2, on="kommunenummer", how="left")


def build_briefing(*, scope: Scope, kommunenummer: str, date: dt.date) -> Briefing:
    """Everything the Morgenbrief shows, read with the caller's scope."""
    info = queries.dataset_info(scope=scope)
    kommuner = reference.kommuner(2024).set_index("kommunenummer")
    row = kommuner.loc[kommunenummer]
    fylke = str(row["fylkesnummer"])
    start = max(info["period_start"], date - dt.timedelta(days=120))
    today, frames = indicators_on(
        scope=scope, kommunenummer=kommunenummer, fylkesnummer=fylke, date=date, start=start
    )
    yesterday_date = date - dt.timedelta(days=1)
    changes: list[str]
    if yesterday_date >= info["period_start"]:
        yesterday, _frames = indicators_on(
            scope=scope,
            kommunenummer=kommunenummer,
            fylkesnummer=fylke,
            date=yesterday_date,
            start=start,
            read_end=date,  # today's reads, cut a day earlier
            compare=False,  # "since yesterday" compares the kommune's own values
        )
        changes = since_yesterday(today, yesterday)
    else:
        changes = [_("Ingen data for dagen før.")]
    rules_changed, rules_upcoming = rule_changes(
        scope=scope, kommunenummer=kommunenummer, date=date
    )
    neighbours = neighbour_table(scope=scope, kommunenummer=kommunenummer, date=date)
    visible = list(neighbours["kommunenummer"]) if len(neighbours) else []
    signals, week = signals_near(
        scope=scope, kommunenummer=kommunenummer, neighbours=visible, date=date
    )
    return Briefing(
        kommunenummer=kommunenummer,
        name=str(row["name"]),
        fylkesnavn=str(row["fylkesnavn"]),
        date=date,
        info=info,
        indicators=today,
        changes=changes,
        neighbours=neighbours,
        own_daily=with_nowcast(frames["own"], scope=scope, kommunenummer=kommunenummer, date=date),
        county_daily=frames["county"],
        nation_daily=frames["nation"],
        clusters=frames["clusters"],
        rules_changed=rules_changed,
        rules_upcoming=rules_upcoming,
        signals=signals,
        signal_week=week,
        respiratory=respiratory_panel(
            scope=scope, kommunenummer=kommunenummer, fylkesnummer=fylke, date=date
        ),
    )


@cached()
def briefing_view(
    *, scope: Scope, kommunenummer: str, date: dt.date
) -> tuple[Briefing, dict[str, Any], dict[str, Any]]:
    """The briefing and its two figures (as plotly JSON), memoized like the data-layer reads:
    keyed on the data version and the caller's scope, so the page, its print view and the PDF
    of the same brief are built once per data version."""
    with read_memo():  # today's and yesterday's indicators share their reads
        brief = build_briefing(scope=scope, kommunenummer=kommunenummer, date=date)
    incidence, daily = briefing_figures(brief, plain=True)
    return brief, incidence, daily


def briefing_figures(brief: Briefing, *, plain: bool = False) -> tuple[Any, Any]:
    """The incidence comparison and the daily cases figures, for the page and the PDF alike
    (``plain``: as plotly JSON dicts, built without go.Figure's validation)."""
    own = metrics.daily_incidence(brief.own_daily, days=7)
    own["moving_average"] = metrics.seven_day_average(own)
    incidence = figures.incidence_comparison_figure(
        [
            (brief.name, own),
            (
                _("{fylke} (fylke)", fylke=brief.fylkesnavn),
                metrics.daily_incidence(brief.county_daily),
            ),
            (_("Hele landet"), metrics.daily_incidence(brief.nation_daily)),
        ],
        title=_("7-dagers insidens per 100 000, siste 120 dager"),
        plain=plain,
    )
    daily = figures.daily_cases_figure(
        own, title=_("Nye tilfeller per dag – {kommune}", kommune=brief.name), plain=plain
    )
    return incidence, daily
