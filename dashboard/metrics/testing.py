"""Testing metrics (DESIGN.md): positivity = positive test events / all test events, over the
7 days ending on a date; mean days from sample to result where the result date is known."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboard.metrics.core import incidence, published_window


def share(part: pd.Series | float, whole: pd.Series | float) -> pd.Series | float:
    """``part / whole``; NaN where ``whole`` is 0, negative or unknown (never a false 0 %)."""
    if isinstance(part, pd.Series) or isinstance(whole, pd.Series):
        denominator = pd.Series(whole, dtype="float64")
        denominator = denominator.where(denominator > 0)
        return pd.Series(part, dtype="float64") / denominator
    if whole is None or not np.isfinite(whole) or whole <= 0:
        return float("nan")
    if part is None or not np.isfinite(part):
        return float("nan")
    return float(part) / float(whole)


def positivity(positive: pd.Series | float, tests: pd.Series | float) -> pd.Series | float:
    """Share of test events that were positive (0–1)."""
    return share(positive, tests)


def mean_days(days_sum: pd.Series | float, days_n: pd.Series | float) -> pd.Series | float:
    """Mean days from sample to result over the events whose result date is known."""
    return share(days_sum, days_n)


def through(daily: pd.DataFrame, date: object) -> pd.DataFrame:
    """The rows of a daily series up to and including ``date`` (the "as of" view)."""
    return daily[daily["date"] <= pd.Timestamp(date)].reset_index(drop=True)


def testing_series(daily: pd.DataFrame, *, date: object) -> pd.DataFrame:
    """Daily testing series up to ``date`` with the 7-day metrics of each day.

    Input columns: date, tests_7d, positive_7d, result_days_sum_7d, result_days_n_7d,
    population. Adds positivity_7d (0–1), mean_result_days_7d, tests_7d_per_100k.
    """
    out = through(daily, date)
    out["positivity_7d"] = positivity(out["positive_7d"], out["tests_7d"])
    out["mean_result_days_7d"] = mean_days(out["result_days_sum_7d"], out["result_days_n_7d"])
    out["tests_7d_per_100k"] = incidence(out["tests_7d"], out["population"])
    return out


def _flag(row: pd.Series, column: str) -> bool:
    return bool(row.get(f"{column}_suppressed", False))


def testing_at(series: pd.DataFrame, date: object) -> dict[str, Any]:
    """Headline values of the 7 days ending on ``date`` and of the 7 days before.

    ``series`` from :func:`testing_series`. Keys: tests_7d, positive_7d, positivity_7d,
    tests_7d_per_100k, mean_result_days_7d, tests_prev_7d, positivity_prev_7d,
    ``<count>_suppressed`` for the counts (1–4) and ``<rate>_hidden`` for the rates withheld
    because a count they are built on is.
    """
    end = pd.Timestamp(date)
    rows = series.set_index("date")
    empty = pd.Series(dtype="float64")
    now = rows.loc[end] if end in rows.index else empty
    before = (
        rows.loc[end - pd.Timedelta(days=7)] if end - pd.Timedelta(days=7) in rows.index else empty
    )
    nan = float("nan")

    def hidden(row: pd.Series, *counts: str) -> bool:
        return any(_flag(row, c) for c in counts)

    return {
        "positivity_7d_hidden": hidden(now, "tests_7d", "positive_7d"),
        "positivity_prev_7d_hidden": hidden(before, "tests_7d", "positive_7d"),
        "tests_7d_per_100k_hidden": hidden(now, "tests_7d"),
        "mean_result_days_7d_hidden": hidden(now, "result_days_n_7d"),
        "tests_7d": now.get("tests_7d", nan),
        "tests_7d_suppressed": _flag(now, "tests_7d"),
        "positive_7d": now.get("positive_7d", nan),
        "positive_7d_suppressed": _flag(now, "positive_7d"),
        "positivity_7d": now.get("positivity_7d", nan),
        "tests_7d_per_100k": now.get("tests_7d_per_100k", nan),
        "mean_result_days_7d": now.get("mean_result_days_7d", nan),
        "tests_prev_7d": before.get("tests_7d", nan),
        "tests_prev_7d_suppressed": _flag(before, "tests_7d"),
        "positivity_prev_7d": before.get("positivity_7d", nan),
    }


def testing_by_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates of window counts by age band or by kommune.

    Input columns: tests, positive, result_days_sum, result_days_n, population (and the
    ``_suppressed`` flags). Adds positivity (0–1), mean_result_days and tests_per_100k, each
    with a ``_hidden`` flag (withheld because a count it is built on is).
    """
    out = frame.copy()
    out["positivity"] = positivity(out["positive"], out["tests"])
    out["mean_result_days"] = mean_days(out["result_days_sum"], out["result_days_n"])
    out["tests_per_100k"] = incidence(out["tests"], out["population"])

    def flag(column: str) -> pd.Series:
        name = f"{column}_suppressed"
        return out[name].astype(bool) if name in out else pd.Series(False, index=out.index)

    out["positivity_hidden"] = flag("tests") | flag("positive")
    out["tests_per_100k_hidden"] = flag("tests")
    out["mean_result_days_hidden"] = flag("result_days_n")
    return out


def national_positivity(
    tests: pd.DataFrame, positive: pd.DataFrame, date: object
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Positivity (%) of the published national series (date, value; NaN where not
    published): per day with its 7-day mean (``value``, ``mean_7d``), and over the published
    7 days ending on ``date`` (:func:`~dashboard.metrics.core.published_window`)."""
    out = tests[["date"]].copy()
    out["value"] = 100 * positivity(positive["value"], tests["value"])
    out["mean_7d"] = 100 * positivity(
        positive["value"].rolling(7, min_periods=7).sum(),
        tests["value"].rolling(7, min_periods=7).sum(),
    )
    w_tests, w_positive = published_window(tests, date), published_window(positive, date)
    value = (
        100 * w_positive["value"] / w_tests["value"]
        if w_positive["value"] is not None and w_tests["value"]
        else None
    )
    return out, {**w_positive, "value": value}
