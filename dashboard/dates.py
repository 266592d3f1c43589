"""The reference date a page shows: the requested one clamped to the loaded data, else the
data date. One rule for the pages' date pickers (their first value is set in the layout, so
that the main callback runs once, with the date, instead of twice) and their callbacks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from data import queries
from data.scope import Scope


def as_of(requested: str | None, *, scope: Scope) -> tuple[dt.date, dict[str, Any]]:
    """The date to show and the dataset facts (data date, period) it was clamped to."""
    info = queries.dataset_info(scope=scope)
    date = info["data_date"]
    if requested:
        try:
            date = dt.date.fromisoformat(str(requested)[:10])
        except ValueError:
            date = info["data_date"]
    date = min(max(date, info["period_start"]), info["data_date"])
    return date, info
