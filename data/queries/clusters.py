"""Cluster and outbreak queries on the aggregate cluster table (no person-level data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from data import db
from data.cache import cached
from data.codes import DEFAULT_DISEASE
from data.protection import protect
from data.queries.frames import read_frame
from data.schema import Case, Cluster, ClusterDay
from data.scope import Scope

ACTIVE_DAYS = 14  # a cluster is active while its last case is at most 14 days old
# A kommune outside the reader's scope, as a cluster crossing the border names it: no name,
# no number (pages show it as "annen kommune").
OTHER_KOMMUNE = "annen"


def _masked(scope: Scope, codes: list[str]) -> list[str]:
    """The kommuner a cluster involves as the reader may see them: those outside the scope
    as one :data:`OTHER_KOMMUNE`."""
    inside = [c for c in codes if scope.allows(c)]
    return [*inside, OTHER_KOMMUNE] if len(inside) < len(codes) else inside


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
    frame = read_frame(
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
EPICURVE_WEEKS = 12


def _rows(query: Any, columns: list[str]) -> pd.DataFrame:
    # Plain tuples: building a DataFrame from SQLAlchemy Row objects costs more than the SQL.
    with db.engine().connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
    return pd.DataFrame(rows, columns=columns)


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
    frame = _rows(
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
def _cluster_days(*, ids: tuple[str, ...], date: dt.date) -> pd.DataFrame:
    """Cases per cluster and day (test date, else registration date) up to ``date``.
    Unscoped helper: callers pass only clusters their scope may see."""
    if not ids:
        return pd.DataFrame(
            {
                "cluster_id": pd.Series(dtype=object),
                "day": pd.Series(dtype="datetime64[ns]"),
                "cases": pd.Series(dtype="int64"),
            }
        )
    # cluster_day is derived after every load (data.signals_build); the case table answers
    # for a database built before it existed
    q = select(ClusterDay.cluster_id, ClusterDay.day, ClusterDay.cases).where(
        ClusterDay.cluster_id.in_(list(ids)), ClusterDay.day <= date
    )
    frame = _rows(q, ["cluster_id", "day", "cases"])
    if frame.empty:
        day = func.coalesce(Case.test_date, Case.registration_date)
        from_cases = (
            select(Case.cluster_id, day, func.count())
            .where(Case.cluster_id.in_(list(ids)), day <= date)
            .group_by(Case.cluster_id, day)
        )
        frame = _rows(from_cases, ["cluster_id", "day", "cases"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def _page(scope: Scope, date: dt.date, kommunenummer: str | None, disease: str) -> dict:
    clusters = _clusters_touching(scope, kommunenummer, date, disease)
    days = _cluster_days(ids=tuple(sorted(clusters["id"])), date=date)
    today = pd.Timestamp(date)
    recent = days["day"] > today - pd.Timedelta(days=7)
    counts = (
        days.assign(recent=days["cases"].where(recent, 0))
        .groupby("cluster_id")
        .agg(size=("cases", "sum"), growth_7d=("recent", "sum"), last_case=("day", "max"))
    )
    out = clusters.join(counts, on="id", how="inner")
    out = out[out["size"] > 0]
    last = pd.to_datetime(out["last_case"])
    out = out.assign(
        first_case_date=pd.to_datetime(out["first_case_date"]),
        last_case_date=last,
        size=out["size"].astype("int64"),
        growth_7d=out["growth_7d"].fillna(0).astype("int64"),
        status=np.where((today - last).dt.days <= ACTIVE_DAYS, "active", "closed"),
        kommuner_involved=out["involved_list"],
        cross_border=out["involved_list"].map(len) > 1,
        new=(today - pd.to_datetime(out["first_case_date"])).dt.days < 7,
    )
    out = out.sort_values(["status", "growth_7d", "size"], ascending=[True, False, False])
    # a cluster crossing into kommuner outside the scope: those are "annen kommune", and its
    # counts (which hold their cases) are protected as for a kommune outside the own
    masked = out["kommuner_involved"].map(lambda ks: _masked(scope, list(ks)))
    crossing = masked.map(lambda ks: OTHER_KOMMUNE in ks)
    out = out.assign(
        kommuner_involved=masked,
        kommunenummer=out["kommunenummer"].where(
            out["kommunenummer"].map(scope.allows).astype(bool), OTHER_KOMMUNE
        ),
        protect_as=out["kommunenummer"].where(~crossing, OTHER_KOMMUNE),
    )
    overview = out[
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
            "protect_as",
        ]
    ].reset_index(drop=True)
    first = today - pd.Timedelta(weeks=EPICURVE_WEEKS, days=date.weekday())
    shown = days[(days["day"] >= first) & days["cluster_id"].isin(overview["id"])]
    shown = shown.assign(
        week_start=shown["day"] - pd.to_timedelta(shown["day"].dt.day_of_week, unit="D")
    )
    weekly = shown.groupby(["cluster_id", "week_start"], as_index=False)["cases"].sum()
    weekly = weekly.join(
        overview.set_index("id")[["setting", "kommunenummer", "protect_as"]], on="cluster_id"
    )
    weekly["cases"] = weekly["cases"].astype("int64")
    protected = protect(
        overview, scope=scope, counts=["size", "growth_7d"], kommune_column="protect_as"
    )
    weekly = protect(
        weekly[["cluster_id", "setting", "kommunenummer", "protect_as", "week_start", "cases"]],
        scope=scope,
        counts=["cases"],
        kommune_column="protect_as",
    )
    return {
        "overview": protected.drop(columns="protect_as"),
        "weekly": weekly.drop(columns="protect_as"),
    }


@cached()
def cluster_page(
    *,
    scope: Scope,
    date: dt.date,
    kommunenummer: str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> dict[str, pd.DataFrame]:
    """Both frames of the cluster page in one read: ``overview`` as
    :func:`cluster_overview`, ``weekly`` as :func:`cluster_weekly_cases`. Treat as read-only."""
    return _page(scope, date, kommunenummer, disease)


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
    return _page(scope, date, kommunenummer, disease)["overview"]


@cached()
def cluster_weekly_cases(
    *,
    scope: Scope,
    date: dt.date,
    kommunenummer: str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Cases per cluster and ISO week (test date, else registration date) in the 12 weeks up
    to ``date``, for the clusters of :func:`cluster_overview`: the epidemic curve.

    Columns: cluster_id, setting, kommunenummer, week_start, cases, cases_suppressed.
    """
    return _page(scope, date, kommunenummer, disease)["weekly"]


@cached()
def clusters_by_kommune(
    *, scope: Scope, date: dt.date, disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """Active clusters per kommune where they began, across the caller's scope (map overlay).

    Columns: kommunenummer, clusters, cases (in those clusters up to ``date``),
    cross_border (how many cross a kommune border), cases_suppressed.
    """
    clusters = _clusters_touching(scope, None, date, disease)
    if scope.kommuner is not None:
        clusters = clusters[clusters["kommunenummer"].isin(scope.kommuner)]
    days = _cluster_days(ids=tuple(sorted(clusters["id"])), date=date)
    per = days.groupby("cluster_id").agg(size=("cases", "sum"), last=("day", "max"))
    clusters = clusters.join(per, on="id", how="inner")
    active = clusters[(pd.Timestamp(date) - clusters["last"]).dt.days <= ACTIVE_DAYS]
    out = (
        active.assign(cross=active["involved_list"].map(len) > 1)
        .groupby("kommunenummer")
        .agg(clusters=("id", "size"), cross_border=("cross", "sum"), cases=("size", "sum"))
        .reset_index()
    )
    out["cases"] = out["cases"].astype("int64")
    return protect(out, scope=scope, counts=["cases"])
