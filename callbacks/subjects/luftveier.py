"""Luftveisinfeksjoner: weekly consultations for influenza-like illness (ILI) per 100 000 of
the kommune's residents, against its county and Norway's rate as reported to ERVISS."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd

from callbacks.subject import count, rate
from callbacks.subjects import SubjectPage, View
from dashboard.definitions.core import from_registry
from dashboard.figures.core import message_figure, plain_figure, time_layout
from dashboard.i18n import N_, _
from data.queries import ili
from layouts.common import card
from layouts.subject_page import PageLayout, Row, Slot

ILI_COUNT = from_registry("ili_consultations")
ILI_RATE = from_registry("ili_per_100k")


def _week_of(date: dt.date) -> dt.date:
    """The Sunday ending the last whole ISO week up to ``date``."""
    return date - dt.timedelta(days=(date.weekday() + 1) % 7)


def _line(frame: pd.DataFrame, name: str) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": [d.date().isoformat() for d in frame["date"]],
        "y": frame["ili_per_100k"].astype("float64").tolist(),
    }


def render(view: View) -> dict[str, Any]:
    c = view.context
    # the weeks wholly inside the data: from the first Sunday 6 days or more after the start
    start, week = c.info["period_start"] + dt.timedelta(days=6), _week_of(c.date)
    if week < start:
        empty = message_figure(_("Ingen hel uke før valgt dato."))
        return {"cards": [], "weekly": empty, "age": empty}
    if not ili.loaded():
        return national(view, start, week)
    own = ili.ili_weekly(scope=view.scope, level="kommune", code=c.kommunenummer, start=start,
                         end=week)  # fmt: skip
    county = ili.ili_weekly(scope=view.scope, level="fylke", code=c.fylkesnummer, start=start,
                            end=week)  # fmt: skip
    nation = ili.national_ili(scope=view.scope, start=start, end=week)
    last = own.iloc[-1]
    reported = nation[nation["date"] == pd.Timestamp(week)]["ili_per_100k"].dropna()
    national_rate = reported.iloc[0] if len(reported) else None
    cards = [
        (
            _(ILI_COUNT.label),
            count(last["ili_consultations"], bool(last["ili_consultations_suppressed"])),
        ),
        (
            _(ILI_RATE.label),
            rate(last["ili_per_100k"], 1, hidden=bool(last["ili_per_100k_hidden"])),
        ),
        (
            _("Hele landet (ERVISS) per 100 000"),
            rate(national_rate, 1) if national_rate is not None else _("ikke rapportert"),
        ),
    ]
    traces = [_line(own, c.name), _line(county, c.fylke_label)]
    if len(nation):
        traces.append(_line(nation, _("Hele landet (ERVISS)")))
    by_age = ili.ili_by_age(scope=view.scope, level="kommune", code=c.kommunenummer, week=week)
    age = plain_figure(
        [
            {
                "type": "bar",
                "name": _("Per 100 000"),
                "x": by_age["age_band"].tolist(),
                "y": by_age["ili_per_100k"].astype("float64").tolist(),
            }
        ],
        time_layout(
            title=_("ILI per 100 000 etter alder, uke til {date}", date=week.isoformat()),
            yaxis_title=_("Per 100 000"),
        )
        | {"xaxis": {"type": "category"}},
    )
    return {
        "cards": [
            dbc.Col(card(title, value, card_id=f"luftveier-card-{i}"), md=4)
            for i, (title, value) in enumerate(cards)
        ],
        "weekly": plain_figure(
            traces,
            time_layout(
                title=_("ILI-konsultasjoner per 100 000 per uke – {kommune}", kommune=c.name),
                yaxis_title=_("Per 100 000"),
            ),
        ),
        "age": age,
    }


def national(view: View, start: dt.date, week: dt.date) -> dict[str, Any]:
    """No consultations per kommune in the data: Norway's rate as reported to ERVISS."""
    nation = ili.national_ili(scope=view.scope, start=start, end=week)
    reported = nation[nation["date"] == pd.Timestamp(week)]["ili_per_100k"].dropna()
    value = rate(reported.iloc[0], 1) if len(reported) else _("ikke rapportert")
    missing = _("ILI-konsultasjoner er ikke publisert per kommune.")
    return {
        "cards": [
            dbc.Col(
                card(_("Hele landet (ERVISS) per 100 000"), value, card_id="luftveier-card-nation"),
                md=4,
            )
        ],
        "weekly": plain_figure(
            [_line(nation, _("Hele landet (ERVISS)"))],
            time_layout(title=missing, yaxis_title=_("Per 100 000")),
        )
        if len(nation)
        else message_figure(missing),
        "age": message_figure(missing),
    }


PAGE = SubjectPage(
    layout=PageLayout(
        prefix="luftveier",
        name=N_("Luftveisinfeksjoner"),
        order=7,
        nav_group="smitte",
        parts=(
            Slot("cards", "cards"),
            Row((Slot("weekly", "figure", {"lg": 7}), Slot("age", "figure", {"lg": 5}))),
        ),
        definitions=(ILI_COUNT, ILI_RATE),
    ),
    render=render,
)
