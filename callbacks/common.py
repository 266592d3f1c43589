"""Helpers shared by callbacks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dashboard.auth import current_scope
from data import queries


def as_of(requested: str | None) -> tuple[dt.date, dict[str, Any]]:
    """The reference date to show: the requested one clamped to the data, else the data date."""
    info = queries.dataset_info(scope=current_scope())
    date = info["data_date"]
    if requested:
        try:
            date = dt.date.fromisoformat(str(requested)[:10])
        except ValueError:
            date = info["data_date"]
    date = min(max(date, info["period_start"]), info["data_date"])
    return date, info
