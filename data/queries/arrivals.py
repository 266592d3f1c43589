"""Arrivals from abroad (innreise): the follow-up funnel, data-quality flags, arrivals per day
by entry point and country of departure, and the rules in force on a date.

Arrivals are counted by the kommune of stay (``arrival.kommunenummer``), by arrival date.
Follow-up status and test result are the values recorded *now* (in the loaded data), not
as they stood on the chosen date; the page says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, select

from data import arrival_splits, db
from data.cache import cached
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.protection import protect
from data.queries.frames import AreaLevel, area_kommuner
from data.schema import AggArrivalsSplit, Arrival, Kommune
from data.scope import Scope

A = Arrival
WINDOW_COUNTS = [
    "registered",
    "tested",
    "positive",
    "quarantine_required",
    "follow_up_completed",
    "follow_up_pending",
    "follow_up_lost",
    "without_fd_number",
    "certificate_shown",
    "tested_no_result",
    "due",
    "pending_overdue",
]
# Counts that add up to a published total (each carries its own perturbation, so a withheld
# part cannot be recovered from the total: see data.protection)
FOLLOW_UP_PARTS = ["follow_up_completed", "follow_up_pending", "follow_up_lost"]
OTHERS = "Andre"
Dimension = Literal["border_point", "country_of_departure"]


def _flag(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _fetch(query: Any, names: list[str]) -> pd.DataFrame:
    """Rows of a query as a DataFrame, from the DBAPI cursor: without SQLAlchemy's row objects,
    several times faster for thousands of rows. Only for columns that need no type processing
    (dates come back as ISO text from SQLite and as dates from PostgreSQL)."""
    with db.engine().connect() as conn:
        result = conn.execute(query)
        raw = result.cursor.fetchall() if result.cursor is not None else []
    if not raw:
        return pd.DataFrame({n: pd.Series(dtype=object) for n in names})
    table = np.array(raw, dtype=object)
    return pd.DataFrame({n: table[:, i] for i, n in enumerate(names)})


@cached()
def _window_by_kommune(
    *, start: dt.date, end: dt.date, pending_days: int, disease: str
) -> pd.DataFrame:
    """Unprotected window counts per kommune of stay, for every kommune at once: the
    kommune, its county and the nation are sums of these rows. Cached without the scope;
    the public :func:`arrival_window` applies scope and protection on every call."""
    with db.engine().connect() as conn:
        codes = conn.execute(
            select(Kommune.kommunenummer).where(Kommune.structure == CURRENT_STRUCTURE)
        )
        members = list(codes.scalars().all())
    due_by = end - dt.timedelta(days=pending_days)
    q = (
        select(
            A.kommunenummer,
            func.count(),
            _flag(A.tested_at_border.is_(True)),
            _flag(and_(A.tested_at_border.is_(True), A.test_positive.is_(True))),
            _flag(A.quarantine_required.is_(True)),
            _flag(A.follow_up_status == "completed"),
            _flag(A.follow_up_status == "pending"),
            _flag(A.follow_up_status == "lost"),
            _flag(A.has_fd_number.is_(False)),
            _flag(A.certificate_shown.is_(True)),
            _flag(and_(A.tested_at_border.is_(True), A.test_positive.is_(None))),
            _flag(A.arrival_date <= due_by),
            _flag(and_(A.arrival_date <= due_by, A.follow_up_status == "pending")),
        )
        .where(
            A.disease == disease,
            # every kommune by name, so that the (disease, kommunenummer, arrival_date)
            # index serves the window instead of a scan of the whole table
            A.kommunenummer.in_(members),
            A.arrival_date >= start,
            A.arrival_date <= end,
        )
        .group_by(A.kommunenummer)
    )
    out = _fetch(q, ["kommunenummer", *WINDOW_COUNTS]).set_index("kommunenummer")
    return out.astype("int64")


def _protected_window(
    scope: Scope, per_kommune: pd.DataFrame, members: list[str] | None, area_code: str | None
) -> pd.DataFrame:
    rows = per_kommune if members is None else per_kommune.reindex(members, fill_value=0)
    out = rows[WINDOW_COUNTS].sum().to_frame().T.astype("int64").reset_index(drop=True)
    return protect(out, scope=scope, counts=WINDOW_COUNTS, kommune_column=None, area_code=area_code)


@cached()
def arrival_window(
    *,
    scope: Scope,
    level: AreaLevel,
    code: str | None,
    start: dt.date,
    end: dt.date,
    pending_days: int = 7,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Arrivals to one area (kommune of stay, fylke or nation) with arrival date in
    [start, end]: one row of counts.

    Columns: registered, tested (tested at the border), positive (tested and positive),
    quarantine_required, follow_up_completed / _pending / _lost, without_fd_number,
    certificate_shown, tested_no_result (tested, no result recorded), due (arrived at least
    ``pending_days`` days before ``end``), pending_overdue (due and follow-up still pending),
    and ``<column>_suppressed`` for each count withheld by small-number protection.
    """
    members = area_kommuner(scope, level, code)  # the scope check for a kommune
    per_kommune = _window_by_kommune(
        start=start, end=end, pending_days=pending_days, disease=disease
    )
    return _protected_window(scope, per_kommune, members, code if level == "kommune" else None)


@cached()
def arrival_windows(
    *,
    scope: Scope,
    kommunenummer: str,
    fylkesnummer: str,
    start: dt.date,
    end: dt.date,
    pending_days: int = 7,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """:func:`arrival_window` for a kommune, its county and the nation from one read: rows
    with ``area`` = "kommune", "fylke", "nation" (in that order), same columns."""
    own = area_kommuner(scope, "kommune", kommunenummer)  # refused here if out of scope
    county = area_kommuner(scope, "fylke", fylkesnummer)
    per_kommune = _window_by_kommune(
        start=start, end=end, pending_days=pending_days, disease=disease
    )
    rows = [
        _protected_window(scope, per_kommune, own, kommunenummer),
        _protected_window(scope, per_kommune, county, None),
        _protected_window(scope, per_kommune, None, None),
    ]
    out = pd.concat(rows, ignore_index=True)
    out.insert(0, "area", ["kommune", "fylke", "nation"])
    return out


@cached()
def _kommune_daily(
    *, kommunenummer: str, start: dt.date, end: dt.date, disease: str
) -> pd.DataFrame:
    """Unprotected arrivals per day × entry point × country of departure for one kommune,
    read once for both splits. Cached without the scope; only called after the scope check.
    Columns: date, border_point, country_of_departure, arrivals. From the stored counts
    (:mod:`data.arrival_splits`) where they are built, else counted from the register."""
    if arrival_splits.built(disease=disease):
        t = AggArrivalsSplit
        stored = (
            select(t.date, t.border_point, t.country_of_departure, t.arrivals)
            .where(
                t.disease == disease,
                t.kommunenummer == kommunenummer,
                t.date >= start,
                t.date <= end,
            )
            .order_by(t.date, t.border_point, t.country_of_departure)
        )
        return _daily_frame(stored)
    return _live_kommune_daily(kommunenummer=kommunenummer, start=start, end=end, disease=disease)


def _daily_frame(query: Any) -> pd.DataFrame:
    out = _fetch(query, ["date", "border_point", "country_of_departure", "arrivals"])
    out["date"] = pd.to_datetime(out["date"])
    out["arrivals"] = out["arrivals"].astype("int64")
    return out


def _live_kommune_daily(
    *, kommunenummer: str, start: dt.date, end: dt.date, disease: str
) -> pd.DataFrame:
    """:func:`_kommune_daily` counted from the ``arrival`` register."""
    q = (
        select(A.arrival_date, A.border_point, A.country_of_departure, func.count())
        .where(
            A.disease == disease,
            A.kommunenummer == kommunenummer,
            A.arrival_date >= start,
            A.arrival_date <= end,
        )
        .group_by(A.arrival_date, A.border_point, A.country_of_departure)
        .order_by(A.arrival_date, A.border_point, A.country_of_departure)
    )
    return _daily_frame(q)


def _split_counts(
    both: pd.DataFrame, start: dt.date, end: dt.date, by: Dimension, top: int
) -> pd.DataFrame:
    """Arrivals per day (every day of [start, end]) × category of ``by``: the ``top``
    categories with most arrivals (ties in name order), the rest summed as ``OTHERS``.
    Columns: date, category, arrivals. Summed on arrays (a group-by per step cost more than
    the read)."""
    codes, names = pd.factorize(both[by], sort=True)  # rows without a category: -1, left out
    arrivals = both["arrivals"].to_numpy(dtype="int64")
    known = codes >= 0
    totals = np.bincount(codes[known], weights=arrivals[known], minlength=len(names))
    order = np.argsort(-totals, kind="stable")  # the most arrivals first, ties in name order
    kept = [names[i] for i in order[:top]]
    slot = np.full(len(names), len(kept), dtype="int64")  # the rest: OTHERS, after the kept
    slot[order[:top]] = np.arange(len(kept))
    if len(names) > top:
        kept.append(OTHERS)
    days = pd.date_range(start, end, freq="D")
    day = ((both["date"].to_numpy() - np.datetime64(start)) // np.timedelta64(1, "D")).astype(
        "int64"
    )
    inside = known & (day >= 0) & (day < len(days))
    cell = day[inside] * len(kept) + slot[codes[inside]]
    values = np.bincount(cell, weights=arrivals[inside], minlength=len(days) * len(kept))
    present = np.bincount(cell, minlength=len(days) * len(kept)) > 0
    if len(cell) and present.all() and kept == sorted(kept):
        # as the group-by this replaces: where its sums already filled the grid in order, its
        # dates (in the read's unit) were kept, and the figure writes them in that unit
        days = days.as_unit(np.datetime_data(both["date"].dtype)[0])
    grid = pd.MultiIndex.from_product([days, kept], names=["date", "category"])
    counts = pd.Series(values.astype("int64"), index=grid, name="arrivals")
    return counts.reset_index()


def _split(
    scope: Scope,
    both: pd.DataFrame,
    kommunenummer: str,
    start: dt.date,
    end: dt.date,
    by: Dimension,
    top: int,
) -> pd.DataFrame:
    out = _split_counts(both, start, end, by, top)
    # The day's total is the height of the stacked bar: each part carries its own
    # perturbation, so a withheld part cannot be recovered from it.
    return protect(
        out, scope=scope, counts=["arrivals"], kommune_column=None, area_code=kommunenummer
    )


@cached()
def arrivals_daily(
    *,
    scope: Scope,
    kommunenummer: str,
    start: dt.date,
    end: dt.date,
    by: Dimension,
    top: int = 6,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Arrivals per day to one kommune of stay, split by entry point or country of departure.

    The ``top`` categories with most arrivals in [start, end] are kept, the rest summed as
    "Andre". Every day of the period and every kept category has a row (zeros included).
    Columns: date, category, arrivals, arrivals_suppressed.
    """
    scope.restrict([kommunenummer])
    both = _kommune_daily(kommunenummer=kommunenummer, start=start, end=end, disease=disease)
    return _split(scope, both, kommunenummer, start, end, by, top)


@cached()
def arrivals_daily_splits(
    *,
    scope: Scope,
    kommunenummer: str,
    start: dt.date,
    end: dt.date,
    top: int = 6,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """:func:`arrivals_daily` by entry point and by country of departure from one read:
    the two frames stacked, with ``dimension`` = "border_point" or "country_of_departure"."""
    scope.restrict([kommunenummer])
    both = _kommune_daily(kommunenummer=kommunenummer, start=start, end=end, disease=disease)
    dimensions: tuple[Dimension, ...] = ("border_point", "country_of_departure")
    parts = [
        _split(scope, both, kommunenummer, start, end, by, top).assign(dimension=by)
        for by in dimensions
    ]
    return pd.concat(parts, ignore_index=True)


__all__ = [
    "OTHERS",
    "WINDOW_COUNTS",
    "arrival_window",
    "arrival_windows",
    "arrivals_daily",
    "arrivals_daily_splits",
]
