"""Metric definitions as pure functions: DataFrames in, DataFrames / numbers out.

The definitions follow DESIGN.md and are shown on screen through :mod:`dashboard.definitions`.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

PER = 100_000
TREND_CHANGE = 0.15
TREND_MIN_CASES = 7
Trend = Literal["rising", "flat", "falling"]


def incidence(cases: pd.Series | float, population: pd.Series | float) -> pd.Series | float:
    """Cases per 100 000 residents; NaN where the population is 0 or unknown."""
    if isinstance(cases, pd.Series) or isinstance(population, pd.Series):
        pop = pd.Series(population, dtype="float64").where(lambda p: p > 0)
        return pd.Series(cases, dtype="float64") * PER / pop
    if not population or population <= 0:
        return float("nan")
    return float(cases) * PER / float(population)


def trend(last_7: float, previous_7: float) -> Trend | None:
    """Trend by DESIGN.md: ±15 % with at least 7 cases in the last 7 days, else not computed.

    Decided on what the reader may see: a withheld count (NaN) is one of 1–4. A withheld last
    week is below the volume condition (not computed); beside a withheld previous week, 7 or
    more cases are a rise of at least 75 %, so the trend is rising."""
    if pd.isna(last_7) or last_7 < TREND_MIN_CASES:
        return None
    if pd.isna(previous_7) or previous_7 == 0:
        return "rising"
    change = (last_7 - previous_7) / previous_7
    if change >= TREND_CHANGE:
        return "rising"
    if change <= -TREND_CHANGE:
        return "falling"
    return "flat"


def window_metrics(windows: pd.DataFrame) -> pd.DataFrame:
    """Add incidence and trend columns to per-area window counts.

    Input columns: cases_7d, cases_prev_7d, cases_14d, population (plus any keys).
    """
    out = windows.copy()
    out["incidence_7d"] = incidence(out["cases_7d"], out["population"])
    out["incidence_14d"] = incidence(out["cases_14d"], out["population"])
    # object dtype keeps None as "not computed" instead of turning it into NaN
    out["trend"] = pd.Series(
        [trend(a, b) for a, b in zip(out["cases_7d"], out["cases_prev_7d"], strict=True)],
        index=out.index,
        dtype=object,
    )
    return out


def aggregate_to_polygons(windows: pd.DataFrame, polygon_of: pd.DataFrame) -> pd.DataFrame:
    """Sum kommune counts into the map's polygons and recompute the rates there.

    Where several kommuner share one polygon (1508 Ålesund + 1580 Haram on 2020 geometry),
    their counts and populations are added before the rate is taken; rates are never averaged.
    """
    counts = ["cases_7d", "cases_prev_7d", "cases_14d", "population"]
    merged = windows.merge(polygon_of, on="kommunenummer", how="inner", validate="one_to_one")
    merged = merged.sort_values("kommunenummer")
    grouped = merged.groupby("polygon_id", sort=True)
    # a withheld count (NaN) withholds the polygon's sum: never add around a hidden cell
    withheld = merged[counts].isna().groupby(merged["polygon_id"]).any()
    summed = grouped[counts].sum().mask(withheld)
    summed["kommuner"] = grouped["kommunenummer"].agg(" ".join)
    return window_metrics(summed.reset_index())


def daily_incidence(daily: pd.DataFrame, *, days: int = 7) -> pd.DataFrame:
    """``days``-day incidence per 100 000 for every day of a daily series.

    Input columns: date, cases_7d or cases_14d (window sums from the data layer), population.
    Output adds ``incidence``.
    """
    out = daily.sort_values("date").copy()
    out["incidence"] = incidence(out[f"cases_{days}d"].astype("float64"), out["population"])
    return out


def seven_day_average(daily: pd.DataFrame) -> pd.Series:
    """The 7-day average of a daily series as published: its 7-day window (``cases_7d``, as
    the reader receives it) / 7, from the seventh day of the series on."""
    average = daily["cases_7d"].astype("float64") / 7
    average.iloc[:6] = np.nan
    return average


def colour_range(values: pd.Series, quantile: float = 0.98) -> tuple[float, float]:
    """A colour scale range that one extreme small kommune cannot flatten for everyone else."""
    finite = values.replace([np.inf, -np.inf], np.nan).dropna()
    if finite.empty:
        return 0.0, 1.0
    high = float(finite.quantile(quantile))
    return 0.0, high if high > 0 else float(max(finite.max(), 1.0))


class Declared(Protocol):
    """What the map needs of a registry indicator (:class:`data.indicators.Indicator`)."""

    @property
    def kind(self) -> str: ...
    @property
    def numerator(self) -> str: ...
    @property
    def denominator(self) -> str | None: ...
    @property
    def per(self) -> int: ...
    @property
    def min_count(self) -> int: ...
    @property
    def trend_counts(self) -> tuple[str, str] | tuple[()]: ...


def summed_value(indicator: Declared, sums: pd.DataFrame) -> pd.Series:
    """A count, rate or share of summed published counts (NaN where a part was hidden, and
    below the indicator's minimum count): :func:`data.views.value_of` on added rows."""
    numerator = sums[indicator.numerator].astype("float64")
    if indicator.denominator is None:
        value = numerator
    else:
        denominator = sums[indicator.denominator].astype("float64")
        value = numerator * indicator.per / denominator.where(denominator > 0)
    return value.where(~(numerator < indicator.min_count)) if indicator.min_count else value


def map_frame(
    values: pd.DataFrame,
    kommuner: pd.DataFrame,
    polygon_of: pd.DataFrame,
    indicator: Declared,
    *,
    and_word: str = " og ",
) -> pd.DataFrame:
    """Values to draw: one row per map polygon with name, ``value`` of ``indicator``,
    ``trend`` and ``withheld``.

    ``values`` from :func:`data.views.area_values` (one row per kommune, published),
    ``kommuner`` with kommunenummer and name, ``polygon_of`` mapping kommunenummer →
    polygon_id. Where several kommuner share one polygon (1508 Ålesund + 1580 Haram on 2020
    geometry) their counts and populations are added before a count, rate or share is
    taken (never averaged; a hidden count hides the sum); any other value (a probability) is
    shown for a polygon of one kommune only. A polygon shared by kommuner is named after all
    of them, joined by ``and_word`` (in the reader's language).
    """
    merged = values.merge(polygon_of, on="kommunenummer", how="inner", validate="one_to_one")
    merged = merged.sort_values("kommunenummer")
    grouped = merged.groupby("polygon_id", sort=True)
    sums = [indicator.numerator, *indicator.trend_counts]
    if indicator.denominator and indicator.denominator in merged:
        sums.append(indicator.denominator)
    sums = list(dict.fromkeys([*sums, "population"]))
    polygons = grouped[sums].sum().mask(merged[sums].isna().groupby(merged["polygon_id"]).any())
    polygons["kommuner"] = grouped["kommunenummer"].agg(" ".join)
    polygons["members"] = grouped.size()
    hidden = grouped["hidden"].any()
    if indicator.kind in ("count", "rate", "share"):
        value = summed_value(indicator, polygons)
    else:  # a value that does not add up (a probability): of a polygon of one kommune
        value = grouped["value"].first().where(polygons["members"] == 1)
    polygons["value"] = value.where(~hidden)
    # grey "skjult" where the count the value is built on is hidden for the reader (a
    # value below the indicator's minimum count is no secret: not shown, not grey)
    flags = [f"{indicator.numerator}_suppressed", f"{indicator.numerator}_withheld"]
    secret = merged[[f for f in flags if f in merged]].any(axis=1)
    polygons["withheld"] = secret.groupby(merged["polygon_id"]).any()
    if indicator.trend_counts:
        last, previous = indicator.trend_counts
        polygons["trend"] = pd.Series(
            [trend(a, b) for a, b in zip(polygons[last], polygons[previous], strict=True)],
            index=polygons.index,
            dtype=object,
        )
    else:
        polygons["trend"] = pd.Series(None, index=polygons.index, dtype=object)
    polygons = polygons.reset_index()
    names = kommuner.set_index("kommunenummer")["name"]
    polygons["name"] = [
        and_word.join(names.get(k, k) for k in codes.split()) for codes in polygons["kommuner"]
    ]
    polygons["kommunenummer"] = polygons["kommuner"].str.split().str[0]
    return polygons


def window_counts(daily: pd.DataFrame, date: object) -> dict[str, Any]:
    """The 7/14-day windows ending on ``date`` from a daily series of one area.

    ``daily`` columns: date, cases_7d, cases_prev_7d, cases_14d, population (window sums from
    the data layer, computed before small-number protection; NaN where withheld). Returns
    those counts with incidence_7d, incidence_14d and trend.
    """
    row = daily.loc[daily["date"] == pd.Timestamp(date)]
    nan = float("nan")
    if row.empty:
        values = dict.fromkeys(("cases_7d", "cases_prev_7d", "cases_14d", "population"), nan)
    else:
        values = {k: float(row[k].iloc[0]) for k in ("cases_7d", "cases_prev_7d", "cases_14d")}
        values["population"] = float(row["population"].iloc[0])
    return {
        **values,
        "incidence_7d": incidence(values["cases_7d"], values["population"]),
        "incidence_14d": incidence(values["cases_14d"], values["population"]),
        "trend": trend(values["cases_7d"], values["cases_prev_7d"]),
    }


def published_window(daily: pd.DataFrame, date: Any, days: int = 7) -> dict[str, Any]:
    """Sum of a published daily series over the ``days`` days ending on ``date``, or on the
    series' last published day when ``date`` is past it (right-truncated national series).

    ``daily`` columns: date, value (NaN where not published). Returns ``{"value", "end",
    "days"}``: value None when nothing was published in the window.
    """
    published = daily.dropna(subset=["value"])
    published = published[published["date"] <= pd.Timestamp(date)]
    if published.empty:
        return {"value": None, "end": None, "days": 0}
    end = published["date"].max()
    window = published[published["date"] > end - pd.Timedelta(days=days)]
    return {"value": float(window["value"].sum()), "end": end.date(), "days": len(window)}


__all__ = [
    "PER",
    "TREND_CHANGE",
    "TREND_MIN_CASES",
    "Declared",
    "Trend",
    "aggregate_to_polygons",
    "colour_range",
    "daily_incidence",
    "incidence",
    "map_frame",
    "published_window",
    "seven_day_average",
    "summed_value",
    "trend",
    "window_counts",
    "window_metrics",
]
