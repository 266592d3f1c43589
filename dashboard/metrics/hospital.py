"""Hospital metrics: admissions and ICU admissions in the 7 days ending on a date, per
100 000 residents (population on 1 January)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.metrics.core import incidence
from dashboard.metrics.testing import through


def hospital_series(daily: pd.DataFrame, *, date: object) -> pd.DataFrame:
    """Daily hospital series up to ``date`` with the 7-day rates of each day.

    Input columns: date, admissions, icu_admissions, admissions_7d, icu_admissions_7d,
    population. Adds admissions_7d_per_100k, icu_admissions_7d_per_100k and
    admissions_moving_average (7-day mean of daily admissions).
    """
    out = through(daily, date)
    out["admissions_7d_per_100k"] = incidence(out["admissions_7d"], out["population"])
    out["icu_admissions_7d_per_100k"] = incidence(out["icu_admissions_7d"], out["population"])
    out["admissions_moving_average"] = out["admissions_7d"].astype("float64") / 7
    return out


def hospital_at(series: pd.DataFrame, date: object) -> dict[str, Any]:
    """Counts and rates of the 7 days ending on ``date`` and the 7 days before.

    Keys: admissions_7d, icu_admissions_7d, admissions_prev_7d, icu_admissions_prev_7d,
    admissions_7d_per_100k, icu_admissions_7d_per_100k, population, with ``_suppressed``
    flags for the counts.
    """
    rows = series.set_index("date")
    end = pd.Timestamp(date)
    nan = float("nan")
    empty = pd.Series(dtype="float64")
    now = rows.loc[end] if end in rows.index else empty
    prev_day = end - pd.Timedelta(days=7)
    before = rows.loc[prev_day] if prev_day in rows.index else empty

    def flag(row: pd.Series, column: str) -> bool:
        return bool(row.get(f"{column}_suppressed", False))

    return {
        "admissions_7d_per_100k_hidden": flag(now, "admissions_7d"),
        "icu_admissions_7d_per_100k_hidden": flag(now, "icu_admissions_7d"),
        "admissions_7d": now.get("admissions_7d", nan),
        "admissions_7d_suppressed": flag(now, "admissions_7d"),
        "icu_admissions_7d": now.get("icu_admissions_7d", nan),
        "icu_admissions_7d_suppressed": flag(now, "icu_admissions_7d"),
        "admissions_prev_7d": before.get("admissions_7d", nan),
        "admissions_prev_7d_suppressed": flag(before, "admissions_7d"),
        "icu_admissions_prev_7d": before.get("icu_admissions_7d", nan),
        "icu_admissions_prev_7d_suppressed": flag(before, "icu_admissions_7d"),
        "admissions_7d_per_100k": now.get("admissions_7d_per_100k", nan),
        "icu_admissions_7d_per_100k": now.get("icu_admissions_7d_per_100k", nan),
        "population": now.get("population", nan),
    }


def hospital_by_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates of window counts by age band or by kommune.

    Input columns: admissions, icu_admissions, population (and ``_suppressed`` flags). Adds
    admissions_per_100k and icu_admissions_per_100k with ``_hidden`` flags.
    """
    out = frame.copy()
    out["admissions_per_100k"] = incidence(out["admissions"], out["population"])
    out["icu_admissions_per_100k"] = incidence(out["icu_admissions"], out["population"])
    for column in ("admissions", "icu_admissions"):
        name = f"{column}_suppressed"
        flag = out[name].astype(bool) if name in out else pd.Series(False, index=out.index)
        out[f"{column}_per_100k_hidden"] = flag
    return out
