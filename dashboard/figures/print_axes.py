"""Date axes of figures drawn for print (the PDFs), in the language of the document.

The figure renderer (kaleido) draws with plotly.js's default English locale and drops a
figure's ``config``, so a date axis would read "Nov 6" and "Dec 4" in a bokmål PDF, with the
year on a second line that a legend below the plot can cover. :func:`localise_date_axes`
gives every date x axis its own ticks instead: one line each, month names of the current
language ("6. nov", "1. jan 2023"; "6 Nov", "1 Jan 2023" in English), the year on the first
tick and where it changes. It works on any figure, whatever page made it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting, i18n

MAX_TICKS = 8
DAY_STEPS = (1, 2, 7, 14)  # days (7 and 14 on Mondays)
MONTH_STEPS = (1, 2, 3, 6, 12)


def _month(d: dt.date) -> str:
    names = formatting.MONTHS_EN if i18n.get_language() == "en" else formatting.MONTHS
    return names[d.month - 1][:3]


def tick_label(d: dt.date, *, with_year: bool, monthly: bool) -> str:
    day = f"{d.day} " if i18n.get_language() == "en" else f"{d.day}. "
    text = _month(d) if monthly else day + _month(d)
    return f"{text} {d.year}" if with_year else text


def date_ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """At most ``MAX_TICKS`` ticks between ``start`` and ``end`` with their labels."""
    span = max((end - start).days, 1)
    ticks: list[dt.date] = []
    monthly = False
    for step in DAY_STEPS:
        if span / step <= MAX_TICKS:
            first = start
            if step >= 7:  # on Mondays
                first = start + dt.timedelta(days=(7 - start.weekday()) % 7)
            ticks = [first + dt.timedelta(days=i) for i in range(0, span + 1, step)]
            ticks = [t for t in ticks if t <= end]
            break
    else:
        monthly = True
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        step = next((s for s in MONTH_STEPS if months / s <= MAX_TICKS), 12)
        year, month = start.year, start.month
        while dt.date(year, month, 1) <= end:
            day = dt.date(year, month, 1)
            if day >= start and (month - 1) % step == 0:
                ticks.append(day)
            month += 1
            if month > 12:
                year, month = year + 1, 1
    out = []
    for i, tick in enumerate(ticks):
        with_year = i == 0 or tick.year != ticks[i - 1].year
        out.append((tick, tick_label(tick, with_year=with_year, monthly=monthly)))
    return out


def _dates(values: Any) -> pd.Series | None:
    """The values as dates, or None when they are not dates (numbers, categories)."""
    if values is None:
        return None
    series = pd.Series(list(values))
    if series.empty or pd.api.types.is_numeric_dtype(series):
        return None
    parsed = pd.to_datetime(series, errors="coerce")
    if parsed.isna().all() or parsed.isna().sum() > series.isna().sum():
        return None
    return parsed.dropna()


def localise_date_axes(fig: go.Figure) -> go.Figure:
    """Every x axis whose traces are dated gets its own ticks (in place; returned)."""
    by_axis: dict[str, list[pd.Series]] = {}
    for trace in fig.data:
        dates = _dates(getattr(trace, "x", None))
        if dates is not None:
            anchor = getattr(trace, "xaxis", None) or "x"
            by_axis.setdefault("xaxis" + anchor[1:], []).append(dates)
    for axis, found in by_axis.items():
        values = pd.concat(found)
        start, end = values.min().date(), values.max().date()
        fixed = fig.layout[axis].range if axis in fig.layout else None
        if fixed and len(fixed) == 2 and all(fixed):
            start, end = (pd.Timestamp(v).date() for v in fixed)
        ticks = date_ticks(start, end)
        fig.update_layout(
            {
                axis: dict(
                    tickmode="array",
                    tickvals=[t.isoformat() for t, _label in ticks],
                    ticktext=[label for _t, label in ticks],
                    tickangle=0,
                )
            }
        )
    return fig


__all__ = ["date_ticks", "localise_date_axes", "tick_label"]
