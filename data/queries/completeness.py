"""Which of the last test dates are still incomplete: the one definition every figure and card
that counts cases by test date reads.

A case is counted on its test date but only reaches the store on its registration date, so on
the data date the last few test dates still lack the cases that will be registered later. The
window is derived from the data: the smallest number of days ``d`` within which at least
:data:`COMPLETE_SHARE` of the cases of the last :data:`LOOKBACK_DAYS` days were registered
after their test date. On the data date D the test dates D − d + 1 … D are incomplete (a test
date d days back has had d days to be registered). A series by registration date is complete
as it stands (``days`` 0). The setting ``INCOMPLETE_DAYS`` (the data layer's
``incomplete_days``) sets ``d`` instead (stated as such), for a store without registration
dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from data import db
from data.cache import cached
from data.codes import DEFAULT_DISEASE
from data.queries.cases import dataset_info
from data.schema import Case
from data.scope import Scope

COMPLETE_SHARE = 0.95
LOOKBACK_DAYS = 365
MAX_DAYS = 14  # never shade more than two weeks, whatever a stray late registration says


def _delay_counts(*, since: dt.date, disease: str) -> pd.DataFrame:
    """Cases by days from test date to registration date (unscoped: one national
    distribution of a delay, no area and no person)."""
    with db.engine().connect() as conn:
        days: Any = func.julianday(Case.registration_date) - func.julianday(Case.test_date)
        if conn.dialect.name == "postgresql":
            days = Case.registration_date - Case.test_date
        q = (
            select(days, func.count())
            .where(Case.disease == disease, Case.test_date.is_not(None), Case.test_date >= since)
            .group_by(days)
        )
        rows = [tuple(r) for r in conn.execute(q)]
    return pd.DataFrame(rows, columns=["days", "cases"])


@cached()
def case_completeness(*, scope: Scope, disease: str = DEFAULT_DISEASE) -> dict[str, Any]:
    """The incompleteness window on the data date.

    Returns: days (the number of incomplete test dates, 0 for none), incomplete_from (the
    first incomplete test date, or None), data_date, share (COMPLETE_SHARE), basis ("test" or
    "registration") and source ("data": derived from the store; "setting": INCOMPLETE_DAYS).
    """
    info = dataset_info(scope=scope)
    data_date: dt.date = info["data_date"]
    basis = info["case_date_basis"]
    out: dict[str, Any] = {
        "days": 0,
        "incomplete_from": None,
        "data_date": data_date,
        "share": COMPLETE_SHARE,
        "basis": basis,
        "source": "data",
    }
    if basis != "test":
        return out
    setting = db.current().incomplete_days
    if setting is not None:
        days, out["source"] = setting, "setting"
    else:
        delays = _delay_counts(since=data_date - dt.timedelta(days=LOOKBACK_DAYS), disease=disease)
        days = delay_quantile(delays["days"], delays["cases"], COMPLETE_SHARE)
    days = min(max(days, 0), MAX_DAYS)
    out["days"] = days
    if days:
        out["incomplete_from"] = data_date - dt.timedelta(days=days - 1)
    return out


def delay_quantile(days: pd.Series, cases: pd.Series, share: float) -> int:
    """The smallest whole number of days within which ``share`` of the cases were registered.
    0 when nothing is known (no cases: nothing to wait for)."""
    frame = pd.DataFrame({"days": pd.to_numeric(days), "cases": pd.to_numeric(cases)})
    frame = frame[frame["days"].notna() & (frame["days"] >= 0)].sort_values("days")
    total = float(frame["cases"].sum())
    if total <= 0:
        return 0
    reached = frame["cases"].cumsum().to_numpy() >= share * total
    return int(np.ceil(frame["days"].to_numpy()[int(np.argmax(reached))]))


def mark_complete(frame: pd.DataFrame, completeness: dict[str, Any]) -> pd.DataFrame:
    """``frame`` (a daily series with a ``date`` column) with a boolean ``complete`` column:
    False on the test dates not yet complete on the data date."""
    start = completeness.get("incomplete_from")
    if start is None or "date" not in frame:
        return frame.assign(complete=True)
    return frame.assign(complete=pd.to_datetime(frame["date"]) < pd.Timestamp(start))


__all__ = ["COMPLETE_SHARE", "case_completeness", "delay_quantile", "mark_complete"]
