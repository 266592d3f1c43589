"""The registry's views: every indicator declared for the map, the Kommuneoversikt or the
Morgenbrief (:data:`data.indicators.Indicator.views`) read the one way.

* :func:`area_values` — every kommune in the scope on a date, through the indicator's
  ``area_reader`` (the case metrics: the published key figures; ILI: its weekly table;
  P(growth): the growth fits): one row per kommune with the numerator as published,
  population, the value and whether it is withheld.
* :func:`series` — one area (kommune, county, nation) over a period, through the indicator's
  ``reader`` or the published key figures (the API and the Morgenbrief's panel); the nation
  from the official source the indicator names (``national_measure``) where imported.

Values are computed here from the published counts only (:func:`value_of`): a rate on a
hidden count is hidden, a value below the indicator's ``min_count`` is not shown.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from data.codes import DEFAULT_DISEASE
from data.indicators import Indicator
from data.rollups import COUNTY_PREFIX, NATION
from data.scope import Scope


def _function(path: str) -> Callable[..., pd.DataFrame]:
    module, name = path.split(":")
    function: Callable[..., pd.DataFrame] = getattr(importlib.import_module(module), name)
    return function


def period_end(indicator: Indicator, date: dt.date) -> dt.date:
    """The last day of the indicator's period on ``date``: the date itself, or for a weekly
    indicator the Sunday ending the ISO week on or before it."""
    if indicator.period == "week":
        return date - dt.timedelta(days=(date.weekday() + 1) % 7)
    return date


def previous_end(indicator: Indicator, date: dt.date) -> dt.date:
    """The end of the period before (a week, or the indicator's window)."""
    step = 7 if indicator.period == "week" else max(indicator.window_days, 7)
    return period_end(indicator, date) - dt.timedelta(days=step)


def _flag(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name].fillna(False).astype(bool)
    return pd.Series(False, index=frame.index)


def value_of(indicator: Indicator, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(value, hidden) of ``indicator`` on each row of a published frame: a count as
    published, a rate or share on the published numerator (and denominator), or the
    indicator's own column (a probability); hidden where the numerator is (hidden as small
    or withheld to protect other cells) or below ``min_count``."""
    numerator = pd.to_numeric(frame[indicator.numerator], errors="coerce").astype("float64")
    # hidden: what the published layer flags (a count without a flag is missing, not hidden)
    hidden = _flag(frame, f"{indicator.numerator}_suppressed") | _flag(
        frame, f"{indicator.numerator}_withheld"
    )
    if indicator.id in frame and indicator.id != indicator.numerator:
        value = pd.to_numeric(frame[indicator.id], errors="coerce").astype("float64")
        if indicator.kind == "probability":
            value = value * indicator.per
    elif indicator.kind not in ("count", "rate", "share"):  # a value the read did not give
        value = pd.Series(np.nan, index=frame.index)
    elif indicator.denominator is not None:
        denominator = pd.to_numeric(frame[indicator.denominator], errors="coerce")
        hidden = hidden | _flag(frame, f"{indicator.denominator}_suppressed")
        value = numerator * indicator.per / denominator.astype("float64").where(denominator > 0)
    else:
        value = numerator
    if indicator.min_count:
        hidden = hidden | (numerator < indicator.min_count)
    hidden = hidden.astype(bool)
    return value.where(~hidden), hidden


def area_values(indicator: Indicator, *, scope: Scope, date: dt.date) -> pd.DataFrame:
    """Every kommune in the scope on ``date`` (a weekly indicator: the ISO week ending on or
    before it) as the scope's policy publishes it. Columns: kommunenummer, the reader's
    columns (the numerator and its flags, population, the trend counts), ``value``,
    ``hidden`` and ``date`` (the end of the period the row is of)."""
    if indicator.area_reader is None:
        raise ValueError(f"{indicator.id} has no area reader")
    end = period_end(indicator, date)
    frame = _function(indicator.area_reader)(scope=scope, date=end).copy()
    frame["value"], frame["hidden"] = value_of(indicator, frame)
    if "date" not in frame:
        frame["date"] = pd.Timestamp(end)
    return frame


def _area(level: str, code: str | None) -> str:
    if level == "nation":
        return NATION
    if level == "fylke":
        return COUNTY_PREFIX + str(code)
    return str(code)


def disease_of(indicator: Indicator, disease: str | None = None) -> str:
    """The disease whose rows an indicator reads: ``disease`` when named (the Morgenbrief's
    panel names each row's own); an indicator of another disease than the default (influenza's
    weekly cases) always its own; the default disease's (the case metrics) the disease chosen
    for the request (:func:`data.db.chosen_disease`: the header's choice, the API's
    ``?disease=``)."""
    if disease:
        return disease
    if indicator.disease != DEFAULT_DISEASE:
        return indicator.disease
    from data import db

    return db.chosen_disease()


def _counts_read(indicator: Indicator) -> tuple[str, ...] | None:
    """The published counts a key-figure series of ``indicator`` needs (numerator,
    denominator, trend counts): a narrower read than every count; None (all) when one of
    them is not a stored count."""
    from data.queries.key_figures import SERIES_COUNTS

    wanted = {indicator.numerator, *indicator.trend_counts}
    if indicator.denominator and indicator.denominator not in ("population", "population_65"):
        wanted.add(indicator.denominator)
    return tuple(sorted(wanted)) if wanted <= set(SERIES_COUNTS) else None


def series(
    indicator: Indicator,
    *,
    scope: Scope,
    level: str,
    code: str | None,
    start: dt.date,
    end: dt.date,
    disease: str | None = None,
) -> pd.DataFrame:
    """One area's published rows (a row per date, or per week for a weekly indicator) with
    the numerator as published, population and the indicator's ``value`` and ``hidden``;
    ``official`` is True on the nation's rows taken from ``national_measure``."""
    if indicator.reader is not None:
        frame = _function(indicator.reader)(
            scope=scope, level=level, code=code, start=start, end=end
        )
    else:
        from data.queries.key_figures import published_series

        area = _area(level, code)
        frame = published_series(
            scope=scope,
            area=area,
            start=start,
            end=end,
            disease=disease_of(indicator, disease),
            counts=_counts_read(indicator),
        )
    frame = frame.copy()
    frame["value"], frame["hidden"] = value_of(indicator, frame)
    frame["official"] = False
    if level == "nation" and indicator.national_measure:
        frame = _official(frame, indicator, scope=scope, start=start, end=end)
    return frame


def _official(
    frame: pd.DataFrame, indicator: Indicator, *, scope: Scope, start: dt.date, end: dt.date
) -> pd.DataFrame:
    from data.queries.sources import reported_series

    reported = reported_series(
        scope=scope, measure=str(indicator.national_measure), start=start, end=end,
        period=indicator.period,
    )  # fmt: skip
    if reported.empty:
        return frame
    by_date = dict(
        zip(pd.to_datetime(reported["date"]), reported["value"].astype("float64"), strict=True)
    )
    official = frame["date"].map(lambda d: by_date.get(pd.Timestamp(d), np.nan))
    has = official.notna()
    frame.loc[has, "value"] = official[has]
    frame.loc[has, "hidden"] = False
    frame.loc[has, "official"] = True
    return frame


def row_on(frame: pd.DataFrame, day: dt.date) -> dict[str, Any] | None:
    """The row of ``day`` in a series (None when the series has none)."""
    rows = frame[pd.to_datetime(frame["date"]) == pd.Timestamp(day)]
    return None if rows.empty else rows.iloc[0].to_dict()


__all__ = ["area_values", "period_end", "previous_end", "row_on", "series", "value_of"]
