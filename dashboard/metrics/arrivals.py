"""Arrivals (innreise): the follow-up funnel, data-quality shares and area comparisons.

Pure functions on the one-row count frames of the arrivals queries: counts that small-number
protection withheld are NaN with a ``<column>_suppressed`` flag, and every share built on a
withheld count is NaN too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

FUNNEL_STAGES: tuple[str, ...] = (
    "registered",
    "tested",
    "positive",
    "quarantine_required",
    "follow_up_completed",
)
# The denominator of each stage's share.
FUNNEL_BASE: dict[str, str] = {
    "registered": "registered",
    "tested": "registered",
    "positive": "tested",
    "quarantine_required": "registered",
    "follow_up_completed": "registered",
}
QUALITY_FLAGS: dict[str, str] = {
    "without_fd_number": "registered",
    "pending_overdue": "due",
    "tested_no_result": "tested",
    "follow_up_lost": "registered",
}


def window(date: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """First and last day of the ``days``-day window ending on ``date``."""
    return date - dt.timedelta(days=days - 1), date


def _row(counts: pd.DataFrame | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(counts, pd.DataFrame):
        return counts.iloc[0].to_dict() if len(counts) else {}
    return dict(counts)


def _hidden(row: Mapping[str, Any], column: str) -> bool:
    return bool(row.get(f"{column}_suppressed", False))


def _value(row: Mapping[str, Any], column: str) -> float:
    value = row.get(column)
    if value is None or bool(row.get(f"{column}_suppressed", False)):
        return math.nan
    return float(value)


def share(numerator: float, denominator: float) -> float:
    """numerator / denominator; NaN when either is unknown or the denominator is 0."""
    if math.isnan(numerator) or math.isnan(denominator) or denominator <= 0:
        return math.nan
    return numerator / denominator


def _share_of(row: Mapping[str, Any], name: str, base: str, **extra: Any) -> dict[str, Any]:
    """The count ``name`` of ``row`` and its share of the count ``base``: count, suppressed,
    base, ``extra``, share and share_suppressed (withheld because either count is)."""
    value = _value(row, name)
    return {
        "count": value,
        "suppressed": _hidden(row, name),
        "base": base,
        **extra,
        "share": share(value, _value(row, base)),
        "share_suppressed": _hidden(row, name) or _hidden(row, base),
    }


def funnel(counts: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame:
    """One row per funnel stage: stage, count, suppressed, base (the share's denominator
    stage), share and share_suppressed (withheld because a count under it is)."""
    row = _row(counts)
    return pd.DataFrame(
        [{"stage": stage, **_share_of(row, stage, FUNNEL_BASE[stage])} for stage in FUNNEL_STAGES]
    )


def quality(counts: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame:
    """One row per data-quality flag: flag, count, suppressed, base, base_count, share and
    share_suppressed."""
    row = _row(counts)
    return pd.DataFrame(
        [
            {"flag": flag, **_share_of(row, flag, base, base_count=_value(row, base))}
            for flag, base in QUALITY_FLAGS.items()
        ]
    )


def comparison(areas: Sequence[tuple[str, pd.DataFrame | Mapping[str, Any]]]) -> pd.DataFrame:
    """Shares side by side for several areas (kommune, fylke, nation).

    Rows: the funnel stages after "registered" and the quality flags; columns: measure, then
    one column per area label with the share, and ``<label>_suppressed`` for each.
    """
    measures = [s for s in FUNNEL_STAGES if s != "registered"] + list(QUALITY_FLAGS)
    out = pd.DataFrame({"measure": measures})
    for label, counts in areas:
        f, q = funnel(counts), quality(counts)
        shares = dict(zip(f["stage"], f["share"], strict=True))
        shares.update(zip(q["flag"], q["share"], strict=True))
        hidden = dict(zip(f["stage"], f["share_suppressed"], strict=True))
        hidden.update(zip(q["flag"], q["share_suppressed"], strict=True))
        out[label] = [float(shares[m]) for m in measures]
        out[f"{label}_suppressed"] = [bool(hidden[m]) for m in measures]
    return out


__all__ = [
    "FUNNEL_BASE",
    "FUNNEL_STAGES",
    "QUALITY_FLAGS",
    "comparison",
    "funnel",
    "quality",
    "share",
    "window",
]


def per_day(count: Any, days: int) -> float | None:
    """A window's count as a mean per day; None when the count is unknown or withheld."""
    if count is None or pd.isna(count) or days <= 0:
        return None
    return float(count) / days
