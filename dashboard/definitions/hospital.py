"""Definitions of the hospital page's numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import from_registry
from dashboard.definitions.metrics import metric

ADMISSIONS_DAILY = metric("admissions_daily")


ADMISSIONS_PER_100K = from_registry("admissions_7d_per_100k")
ICU_PER_100K = from_registry("icu_admissions_7d_per_100k")
