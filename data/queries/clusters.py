"""Cluster and outbreak queries on the aggregate cluster table (no person-level data)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from data.cache import cached
from data.codes import DEFAULT_DISEASE
from data.queries.cases import _frame
from data.schema import Cluster
from data.scope import Scope

ACTIVE_DAYS = 14  # a cluster is active while its last case is at most 14 days old


@cached()
def clusters_on(
    *, scope: Scope, kommunenummer: str, date: dt.date, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """Clusters involving the kommune as they stood on ``date`` (cases after it are unknown).

    A cluster is active on ``date`` when it had begun and its last case so far is at most
    14 days old. Columns: id, setting, first_case_date, last_case_date, size, kommuner_involved,
    active, new (first case within the last 7 days).
    """
    (code,) = scope.restrict([kommunenummer]) or [kommunenummer]
    q = select(
        Cluster.id,
        Cluster.setting,
        Cluster.first_case_date,
        Cluster.last_case_date,
        Cluster.size,
        Cluster.kommuner_involved,
    ).where(
        Cluster.disease == disease,
        Cluster.first_case_date <= date,
        Cluster.last_case_date >= date - dt.timedelta(days=ACTIVE_DAYS),
        Cluster.kommuner_involved.like(f"%{code}%"),
    )
    frame = _frame(
        q, ["id", "setting", "first_case_date", "last_case_date", "size", "kommuner_involved"]
    )
    involved = [code in str(ks).split() for ks in frame["kommuner_involved"]]
    frame = frame.loc[pd.Series(involved, index=frame.index, dtype=bool)]
    last = pd.to_datetime(frame["last_case_date"]).clip(upper=pd.Timestamp(date))
    frame = frame.assign(
        last_case_date=last,
        active=(pd.Timestamp(date) - last).dt.days <= ACTIVE_DAYS,
        new=(pd.Timestamp(date) - pd.to_datetime(frame["first_case_date"])).dt.days < 7,
    )
    return frame.reset_index(drop=True)
