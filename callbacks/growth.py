"""Growth, Rt and P(growth) of a kommune as one card, and its nowcast beside the daily series
(the Kommune page and the Morgenbrief). The numbers come from
:func:`data.queries.growth.kommune_growth` for the current user's scope; this module words
them."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import formatting
from dashboard.auth import current_scope
from dashboard.i18n import _
from data import nowcast as nc
from data.queries import growth as growth_queries


def _percent(value: float, decimals: int = 0) -> str:
    return _("{verdi} %", verdi=formatting.number(100 * value, decimals))


def _signed(value: float) -> str:
    text = _percent(value)
    return f"+{text}" if value > 0 else text.replace("-", "−")


def probability(p: float) -> str:
    """A probability in whole percent, never read as certainty: "> 99 %", "< 1 %"."""
    if p > 0.99:
        return _("{verdi} %", verdi="> 99")
    if p < 0.01:
        return _("{verdi} %", verdi="< 1")
    return _percent(p)


def growth_lines(kommunenummer: str, date: dt.date) -> tuple[str, str, str]:
    """(value, interval line, method note) of the kommune's growth, worded."""
    result = growth_queries.kommune_growth(
        scope=current_scope(), kommunenummer=kommunenummer, date=date
    )
    g: nc.Growth = result["growth"]
    window = result["window"]
    method = (
        _(
            "Vekst fra tilfeller per prøvedato siste {dager} dager, med anslag for dager som "
            "ikke er ferdig registrert; små kommuner trekkes mot fylket og nabokommunene "
            "(empirisk Bayes). Ikke vist under {minst} tilfeller.",
            dager=window,
            minst=nc.MIN_CASES,
        )
        if result["basis"] == "test"
        else _(
            "Vekst fra tilfeller per registreringsdato siste {dager} dager; små kommuner "
            "trekkes mot fylket og nabokommunene (empirisk Bayes). Ikke vist under {minst} "
            "tilfeller.",
            dager=window,
            minst=nc.MIN_CASES,
        )
    )
    if not g.shown:
        reason = (
            _(
                "Ikke vist: færre enn {minst} tilfeller siste {dager} dager.",
                minst=nc.MIN_CASES,
                dager=window,
            )
            if g.reason == "few_cases"
            else _("Ikke vist: færre enn {dager} dager med data.", dager=window)
            if g.reason == "short"
            else _("Ikke vist: for få tilfeller til å anslå veksten.")
        )
        return "–", reason, method
    weekly, low, high = g.weekly
    value = _("{endring} per uke", endring=_signed(weekly))
    parts = [
        _("95 % KI {lav} til {hoy}", lav=_signed(low), hoy=_signed(high)),
    ]
    if g.rt is not None:
        rt, rt_low, rt_high = g.rt
        parts.append(
            _(
                "Rt {rt} ({lav}–{hoy})",
                rt=formatting.number(rt, 2),
                lav=formatting.number(rt_low, 2),
                hoy=formatting.number(rt_high, 2),
            )
        )
    parts.append(_("P(vekst) {p}", p=probability(g.p_growth)))
    return value, " · ".join(parts), method


def growth_card(kommunenummer: str, date: dt.date, *, card_id: str) -> dbc.Col:
    """One card: change per week with interval, Rt with interval and P(growth)."""
    value, line, method = growth_lines(kommunenummer, date)
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(
                        _("Vekst, Rt og sannsynlighet for vekst"), className="small text-muted"
                    ),
                    html.Div(value, className="fs-4 fw-semibold", id=f"{card_id}-value"),
                    html.Div(line, className="small", id=f"{card_id}-line"),
                    html.Div(method, className="small text-muted fst-italic"),
                ]
            ),
            className="h-100 shadow-sm",
            id=card_id,
        ),
        md=12,
    )


def with_nowcast(daily: pd.DataFrame, kommunenummer: str, date: dt.date) -> pd.DataFrame:
    """``daily`` with the nowcast of its incomplete days for the current user."""
    return growth_queries.with_nowcast(
        daily, scope=current_scope(), kommunenummer=kommunenummer, date=date
    )


__all__ = ["growth_card", "growth_lines", "probability", "with_nowcast"]
