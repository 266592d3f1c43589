"""Definitions of the testing page's numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.metrics import metric

TESTS_DAILY = metric("tests_daily")
POSITIVITY_7D = metric("positivity_7d")
TESTS_PER_100K = metric("tests_7d_per_100k")
RESULT_TIME = metric("mean_result_days_7d")
TESTS_BY_AGE = metric("tests_by_age")
