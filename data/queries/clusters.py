"""Cluster and outbreak queries on the aggregate cluster table (no person-level data)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from data.cache import cached
from data.codes import DEFAULT_DISEASE
from data.protection import protect
from data.queries.cases import _frame
from data.schema import Case, Cluster
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


RECENT_DAYS = 42  # the cluster page lists clusters whose last case is at most six weeks old


def _clusters_touching(
    scope: Scope, kommunenummer: str | None, date: dt.date, disease: str
) -> pd.DataFrame:
    """Clusters begun on ``date`` whose last case so far is at most RECENT_DAYS old and that
    involve the kommune (or, with None, any kommune in the scope)."""
    if kommunenummer is not None:
        (code,) = scope.restrict([kommunenummer]) or [kommunenummer]
        wanted: set[str] | None = {code}
    else:
        wanted = None if scope.kommuner is None else set(scope.kommuner)
    q = select(
        Cluster.id,
        Cluster.kommunenummer,
        Cluster.setting,
        Cluster.first_case_date,
        Cluster.last_case_date,
        Cluster.kommuner_involved,
    ).where(
        Cluster.disease == disease,
        Cluster.first_case_date <= date,
        Cluster.last_case_date >= date - dt.timedelta(days=RECENT_DAYS),
    )
    if wanted is not None and len(wanted) == 1:
        q = q.where(Cluster.kommuner_involved.like(f"%{next(iter(wanted))}%"))
    frame = _frame(
        q,
        [
            "id",
            "kommunenummer",
            "setting",
            "first_case_date",
            "last_case_date",
            "kommuner_involved",
        ],
    )
    involved = frame["kommuner_involved"].fillna("").str.split()
    if wanted is not None:
        keep = involved.map(lambda ks: bool(wanted.intersection(ks)))
        frame, involved = frame.loc[keep], involved.loc[keep]
    return frame.assign(involved_list=involved).reset_index(drop=True)


@cached()
def cluster_overview(
    *,
    scope: Scope,
    date: dt.date,
    kommunenummer: str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Active and recent clusters as they stood on ``date``, for one kommune or (None) for
    every kommune in the caller's scope. Aggregate only: no person-level data.

    Sizes count the cluster's cases with test date (else registration date) up to ``date``.
    Columns: id, kommunenummer (where the cluster began), setting, first_case_date,
    last_case_date (latest case up to ``date``), size, growth_7d (cases in the last 7 days),
    status (active: last case at most 14 days old, else closed), kommuner_involved (list),
    cross_border, new (first case in the last 7 days), and ``size_suppressed`` /
    ``growth_7d_suppressed`` for counts withheld by small-number protection.
    """
    clusters = _clusters_touching(scope, kommunenummer, date, disease)
    columns = ["cluster_id", "size", "growth_7d", "last_case"]
    if clusters.empty:
        counts = pd.DataFrame(columns=columns)
    else:
        day = func.coalesce(Case.test_date, Case.registration_date)
        since = date - dt.timedelta(days=6)
        q = (
            select(
                Case.cluster_id,
                func.count(),
                func.sum(case((day >= since, 1), else_=0)),
                func.max(day),
            )
            .where(Case.cluster_id.in_(list(clusters["id"])), day <= date)
            .group_by(Case.cluster_id)
        )
        counts = _frame(q, columns)
    out = clusters.merge(counts, left_on="id", right_on="cluster_id", how="inner")
    out = out[out["size"] > 0]
    last = pd.to_datetime(out["last_case"])
    out = out.assign(
        first_case_date=pd.to_datetime(out["first_case_date"]),
        last_case_date=last,
        size=out["size"].astype("int64"),
        growth_7d=out["growth_7d"].fillna(0).astype("int64"),
        status=np.where((pd.Timestamp(date) - last).dt.days <= ACTIVE_DAYS, "active", "closed"),
        kommuner_involved=out["involved_list"],
        cross_border=out["involved_list"].map(len) > 1,
        new=(pd.Timestamp(date) - pd.to_datetime(out["first_case_date"])).dt.days < 7,
    )
    out = out.sort_values(["status", "growth_7d", "size"], ascending=[True, False, False])
    out = out[
        [
            "id",
            "kommunenummer",
            "setting",
            "first_case_date",
            "last_case_date",
            "size",
            "growth_7d",
            "status",
            "kommuner_involved",
            "cross_border",
            "new",
        ]
    ].reset_index(drop=True)
    return protect(out, scope=scope, counts=["size", "growth_7d"])


@cached()
def cluster_weekly_cases(
    *,
    scope: Scope,
    date: dt.date,
    kommunenummer: str | None = None,
    weeks: int = 12,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Cases per cluster and ISO week (test date, else registration date) in the ``weeks``
    weeks up to ``date``, for the clusters of :func:`cluster_overview`: the epidemic curve.

    Columns: cluster_id, setting, kommunenummer, week_start, cases, cases_suppressed.
    """
    clusters = cluster_overview(
        scope=scope, date=date, kommunenummer=kommunenummer, disease=disease
    )
    columns = ["cluster_id", "day", "cases"]
    first = date - dt.timedelta(weeks=weeks) - dt.timedelta(days=date.weekday())
    if clusters.empty:
        counts = pd.DataFrame(columns=columns)
    else:
        day = func.coalesce(Case.test_date, Case.registration_date)
        q = (
            select(Case.cluster_id, day, func.count())
            .where(Case.cluster_id.in_(list(clusters["id"])), day <= date, day >= first)
            .group_by(Case.cluster_id, day)
        )
        counts = _frame(q, columns)
    days = pd.to_datetime(counts["day"])
    counts["week_start"] = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    weekly = counts.groupby(["cluster_id", "week_start"], as_index=False)["cases"].sum()
    info = clusters.set_index("id")[["setting", "kommunenummer"]]
    weekly = weekly.join(info, on="cluster_id")
    weekly["cases"] = weekly["cases"].astype("int64")
    return protect(
        weekly[["cluster_id", "setting", "kommunenummer", "week_start", "cases"]],
        scope=scope,
        counts=["cases"],
    )


@cached()
def clusters_by_kommune(
    *, scope: Scope, date: dt.date, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """Active clusters per kommune where they began, across the caller's scope (map overlay).

    Columns: kommunenummer, clusters, cases (in those clusters up to ``date``),
    cross_border (how many cross a kommune border), cases_suppressed.
    """
    overview = cluster_overview(scope=scope, date=date, kommunenummer=None, disease=disease)
    active = overview[overview["status"] == "active"]
    if scope.kommuner is not None:
        active = active[active["kommunenummer"].isin(scope.kommuner)]
    # sum the unprotected sizes: re-read them from the table of the kommune's own clusters
    grouped = active.groupby("kommunenummer").agg(
        clusters=("id", "size"), cross_border=("cross_border", "sum")
    )
    sizes = _active_sizes(ids=tuple(sorted(active["id"])), date=date)
    grouped["cases"] = (
        active.assign(size=active["id"].map(sizes)).groupby("kommunenummer")["size"].sum()
    )
    out = grouped.reset_index()
    out["cases"] = out["cases"].fillna(0).astype("int64")
    return protect(out, scope=scope, counts=["cases"])


@cached()
def _active_sizes(*, ids: tuple[str, ...], date: dt.date) -> dict[str, int]:
    """Cases per cluster up to ``date`` (unscoped helper: the caller passes ids it may see)."""
    if not ids:
        return {}
    day = func.coalesce(Case.test_date, Case.registration_date)
    q = (
        select(Case.cluster_id, func.count())
        .where(Case.cluster_id.in_(list(ids)), day <= date)
        .group_by(Case.cluster_id)
    )
    frame = _frame(q, ["cluster_id", "size"])
    return dict(zip(frame["cluster_id"], frame["size"].astype(int), strict=True))
