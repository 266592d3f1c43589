"""Regler page callbacks: rules in force, upcoming changes, timeline and the two-date diff,
all read through :mod:`data.rules` with the user's scope."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, no_update

from callbacks.common import as_of, register_kommune_page
from callbacks.rule_changes import diff_section, edit_link, timeline_points, upcoming_section
from callbacks.rule_in_force import in_force_cards, in_force_section
from callbacks.rule_pieces import (
    STRINGENCY_MEASURE,
)
from dashboard import formatting
from dashboard import metrics as core_metrics
from dashboard.auth import current_scope
from dashboard.definitions import DEMO_SOURCE
from dashboard.definitions.rules import (
    DEFAULT_UPCOMING_DAYS,
    DIFF_DEFAULT_DAYS,
    TIMELINE_AFTER_DAYS,
)
from dashboard.figures.rules import rules_timeline_figure
from dashboard.i18n import _
from data import queries, rules
from data.cache import cached
from data.queries import AreaLevel
from data.queries import sources as source_queries
from data.scope import Scope
from geo import reference
from layouts.common import EMPTY_FIGURE


# --------------------------------------------------------------------------- callbacks
@cached()
def timeline_figure(*, scope: Scope, kommunenummer: str, name: str, date: dt.date) -> dict:
    """The timeline beside the epidemic curves and the OxCGRT stringency index, as plotly
    JSON, memoized like the data reads (data version and scope in the key): building the
    figure costs more than reading what it shows."""
    info = queries.dataset_info(scope=scope)
    start = info["period_start"]
    changes = rules.rules_timeline(
        scope=scope,
        kommunenummer=kommunenummer,
        start=start,
        end=info["data_date"] + dt.timedelta(days=TIMELINE_AFTER_DAYS),
    )
    curves = []
    areas: list[tuple[str, AreaLevel, str | None]] = [
        (name, "kommune", kommunenummer),
        (_("Hele landet"), "nation", None),
    ]
    for label, level, code in areas:
        daily = queries.cases_daily(scope=scope, level=level, code=code, start=start, end=date)
        curves.append((label, core_metrics.daily_incidence(daily, days=7)))
    stringency = source_queries.reported_series(
        scope=scope, measure=STRINGENCY_MEASURE, level="nation", start=start, end=date
    )
    figure = rules_timeline_figure(
        timeline_points(changes),
        curves,
        stringency=stringency if stringency["value"].notna().any() else None,
        reference_date=date,
        title=_("Regelendringer og 7-dagers insidens per 100 000 – {kommune}", kommune=name),
    )
    return figure


def update_regler(
    kommunenummer: str | None, requested_date: str | None, upcoming_days: int | None
) -> tuple:
    date, info = as_of(requested_date)
    date_out = date.isoformat() if date.isoformat() != requested_date else no_update
    kommuner = reference.kommuner(2024).set_index("kommunenummer")
    if not kommunenummer or kommunenummer not in kommuner.index:
        text = _("Velg en kommune i listen.")
        if kommunenummer:
            text = _(
                "Fant ingen kommune med nummer {number}. Velg en kommune i listen.",
                number=kommunenummer,
            )
        alert = dbc.Alert(text, color="warning")
        return (_("Regler"), [], "", [], None, EMPTY_FIGURE, alert, date_out, "", None)
    scope = current_scope()
    row = kommuner.loc[kommunenummer]
    days = int(upcoming_days or DEFAULT_UPCOMING_DAYS)
    in_force = rules.rules_in_force(scope=scope, kommunenummer=kommunenummer, date=date)
    isolation = rules.persons_in_isolation(scope=scope, kommunenummer=kommunenummer, date=date)
    quarantine = rules.persons_in_quarantine(scope=scope, kommunenummer=kommunenummer, date=date)
    upcoming = rules.rules_upcoming(scope=scope, kommunenummer=kommunenummer, date=date, days=days)
    figure = timeline_figure(
        scope=scope, kommunenummer=kommunenummer, name=str(row["name"]), date=date
    )
    title = _(
        "Regler – {kommune} ({number}), {fylke}",
        kommune=row["name"],
        number=kommunenummer,
        fylke=row["fylkesnavn"],
    )
    in_force_title = _("Regler i kraft {date}", date=formatting.date_long(date))
    source = _(
        "Data per {data_date}. Vist til og med {date}. Regler fra regelregisteret "
        "(demo-tidslinjen følger hovedlinjene i norske koronaregler 2020–2023, forenklet). "
        "Tall: {source}.",
        data_date=formatting.date_short(info["data_date"]),
        date=formatting.date_short(date),
        source=_(DEMO_SOURCE) if info["is_demo"] else info["source"] or _("importerte data"),
    )
    return (
        title,
        in_force_cards(in_force, isolation, quarantine),
        in_force_title,
        in_force_section(in_force),
        upcoming_section(upcoming, date, days),
        figure,
        None,
        date_out,
        source,
        edit_link(kommunenummer, str(row["name"])),
    )


def diff_defaults(requested_date: str | None, start: str | None, end: str | None) -> tuple:
    """The comparison starts as the four weeks up to the reference date."""
    if start and end:
        return no_update, no_update
    date, _info = as_of(requested_date)
    return (
        start or (date - dt.timedelta(days=DIFF_DEFAULT_DAYS)).isoformat(),
        end or date.isoformat(),
    )


def update_diff(kommunenummer: str | None, start: str | None, end: str | None) -> list:
    if not kommunenummer or kommunenummer not in set(reference.kommuner(2024)["kommunenummer"]):
        return []
    date, _info = as_of(None)
    try:
        last = dt.date.fromisoformat(str(end)[:10]) if end else date
        first = (
            dt.date.fromisoformat(str(start)[:10])
            if start
            else last - dt.timedelta(days=DIFF_DEFAULT_DAYS)
        )
    except ValueError:
        return [dbc.Alert(_("Ugyldig dato. Bruk datovelgerne."), color="warning")]
    frame = rules.rules_diff(
        scope=current_scope(), kommunenummer=kommunenummer, date_from=first, date_to=last
    )
    return diff_section(frame, first, last)


def register(app: Dash) -> None:
    register_kommune_page(
        app,
        update_regler,
        prefix="regler",
        path="regler",
        outputs="title cards in-force-title in-force upcoming timeline.figure "
        "alert date.date source edit-link",
        inputs="upcoming-days.value",
    )
    app.callback(
        Output("regler-diff-from", "date"),
        Output("regler-diff-to", "date"),
        Input("regler-date", "date"),
        State("regler-diff-from", "date"),
        State("regler-diff-to", "date"),
    )(diff_defaults)
    app.callback(
        Output("regler-diff", "children"),
        Input("regler-select", "value"),
        Input("regler-diff-from", "date"),
        Input("regler-diff-to", "date"),
    )(update_diff)
