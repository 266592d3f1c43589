"""Signal queries: the precomputed output of the aberration method (``signal`` table).

The method and its citation are in :mod:`data.signals`; the table is filled by
:mod:`data.signals_build`. Reads are scoped (kommuner outside the scope are refused) and the
observed count is small-number protected like every other count.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import and_, select

from data import db, disclosure, published
from data.cache import cached
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE, DISEASES
from data.protection import protect
from data.queries.frames import read_frame
from data.schema import AggKeyFigures, Fylke, Kommune, Signal
from data.scope import Scope

S = Signal
COLUMNS = [
    "kommunenummer",
    "name",
    "fylkesnummer",
    "fylkesnavn",
    "series",
    "week_start",
    "iso_year",
    "iso_week",
    "observed",
    "expected",
    "threshold",
    "dispersion",
    "trend",
    "alarm",
    "since_week_start",
]


def signal_week(date: dt.date) -> dt.date:
    """Monday of the last complete ISO week on ``date`` (its Sunday is on or before it)."""
    sunday = date - dt.timedelta(days=(date.weekday() + 1) % 7)
    return sunday - dt.timedelta(days=6)


def _select() -> object:
    return (
        select(
            S.kommunenummer,
            Kommune.name,
            Kommune.fylkesnummer,
            Fylke.name,
            S.series,
            S.week_start,
            S.iso_year,
            S.iso_week,
            S.observed,
            S.expected,
            S.threshold,
            S.dispersion,
            S.trend,
            S.alarm,
            S.since_week_start,
        )
        .join(
            Kommune,
            and_(
                Kommune.kommunenummer == S.kommunenummer,
                Kommune.structure == CURRENT_STRUCTURE,
            ),
        )
        .join(
            Fylke,
            and_(Fylke.fylkesnummer == Kommune.fylkesnummer, Fylke.structure == CURRENT_STRUCTURE),
        )
    )


# a week's observed count is the key figures' 7-day window ending on its Sunday
WEEK_WINDOWS = {"cases": "cases_7d", "admissions": "admissions_7d"}


def _finish(frame: pd.DataFrame, scope: Scope, disease: str) -> pd.DataFrame:
    for column in ("week_start", "since_week_start"):
        frame[column] = pd.to_datetime(frame[column])
    frame["trend"] = frame["trend"].astype(bool)
    frame["alarm"] = frame["alarm"].astype(bool)
    out = protect(frame, scope=scope, counts=["observed"])
    return _as_published_windows(frame, out, scope, disease)


def _as_published_windows(
    frame: pd.DataFrame, out: pd.DataFrame, scope: Scope, disease: str
) -> pd.DataFrame:
    """A week's observed count, for a role that may not see the kommune's small numbers, is
    the published cell of the same 7-day window (Monday–Sunday) that the map, the Kommune page
    and the Morgenbrief show: one number, one value (where the key figures hold that window and
    it counts the same cases)."""
    protected = [not scope.may_see_small_numbers(str(k)) for k in frame["kommunenummer"]]
    if frame.empty or not any(protected):
        return out
    sundays = (frame["week_start"] + pd.Timedelta(days=6)).dt.date
    k = AggKeyFigures
    names = [n for w in WEEK_WINDOWS.values() for n in (w, published.pub(w))]
    q = select(k.area, k.date, *(getattr(k, n) for n in names)).where(
        k.disease == disease,
        k.area.in_(sorted({str(a) for a in frame["kommunenummer"]})),
        k.date.in_(sorted(set(sundays))),
    )
    with db.engine().connect() as conn:
        rows = conn.execute(q).all()
    cells = {(str(r[0]), r[1]): dict(zip(names, r[2:], strict=True)) for r in rows}
    values = out["observed"].to_numpy(dtype="float64").copy()
    flags = out["observed_suppressed"].to_numpy(dtype=bool).copy()
    for i, (kommune, sunday, series, observed) in enumerate(
        zip(frame["kommunenummer"], sundays, frame["series"], frame["observed"], strict=True)
    ):
        window = WEEK_WINDOWS.get(str(series))
        cell = cells.get((str(kommune), sunday))
        if not protected[i] or window is None or cell is None or cell[window] != observed:
            continue
        published_value = cell[published.pub(window)]
        withheld = published_value is None or published_value == disclosure.WITHHELD
        values[i] = float("nan") if withheld else float(published_value)
        flags[i] = published_value is None  # "1–4"; a withheld cell reads "skjult"
    out["observed"] = values
    out["observed_suppressed"] = flags
    return out


@cached()
def signals_on(
    *,
    scope: Scope,
    date: dt.date,
    kommuner: list[str] | None = None,
    fylke: str | None = None,
    series: str | None = "cases",
    only_alarms: bool = True,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """Signals in the last complete ISO week on ``date``, in the caller's scope.

    ``kommuner`` narrows to some kommuner (refused when outside the scope), ``fylke`` to one
    county, ``series`` to one series (None: all). Columns: kommunenummer, name, fylkesnummer,
    fylkesnavn, series, week_start, iso_year, iso_week, observed, expected, threshold,
    dispersion, trend, alarm, since_week_start, observed_suppressed. Sorted by how far the
    observed count is above the threshold, relative to the expected.
    """
    allowed = scope.restrict(kommuner)
    week = signal_week(date)
    q = _select().where(S.disease == disease, S.week_start == week)  # type: ignore[attr-defined]
    if only_alarms:
        q = q.where(S.alarm.is_(True))
    if series:
        q = q.where(S.series == series)
    if allowed is not None:
        q = q.where(S.kommunenummer.in_(allowed))
    if fylke:
        q = q.where(Kommune.fylkesnummer == fylke)
    frame = read_frame(q, COLUMNS)
    frame = _finish(frame, scope, disease)
    excess = (frame["observed"].fillna(frame["threshold"]) - frame["expected"]) / frame[
        "expected"
    ].clip(lower=1)
    order = excess.sort_values(ascending=False).index
    return frame.loc[order].reset_index(drop=True)


def signals_every_disease(
    *,
    scope: Scope,
    date: dt.date,
    kommuner: list[str] | None = None,
    fylke: str | None = None,
    series: str | None = "cases",
) -> pd.DataFrame:
    """:func:`signals_on` of every disease (each read and published as its own disease),
    with a ``disease`` column, sorted the same way: by how far the observed count is above
    the threshold, relative to the expected."""
    frames = []
    for code in DISEASES:
        frame = signals_on(
            scope=scope, date=date, kommuner=kommuner, fylke=fylke, series=series, disease=code
        )
        frames.append(frame.assign(disease=code))
    out = pd.concat(frames, ignore_index=True)
    excess = (out["observed"].fillna(out["threshold"]) - out["expected"]) / out["expected"].clip(
        lower=1
    )
    order = excess.sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


@cached()
def signals_for_kommune(
    *,
    scope: Scope,
    kommunenummer: str,
    date: dt.date,
    series: str = "cases",
    weeks: int = 104,
    disease: str = DEFAULT_DISEASE,
) -> pd.DataFrame:
    """One kommune's weekly observed, expected and threshold for the ``weeks`` complete weeks
    up to ``date`` (signal or not). Same columns as :func:`signals_on`."""
    (code,) = scope.restrict([kommunenummer]) or [kommunenummer]
    last = signal_week(date)
    first = last - dt.timedelta(weeks=weeks - 1)
    q = _select().where(  # type: ignore[attr-defined]
        S.disease == disease,
        S.series == series,
        S.kommunenummer == code,
        S.week_start >= first,
        S.week_start <= last,
    )
    frame = read_frame(q.order_by(S.week_start), COLUMNS)
    return _finish(frame, scope, disease)


@cached()
def signal_counts_by_kommune(
    *, scope: Scope, date: dt.date, series: str = "cases", disease: str = DEFAULT_DISEASE
) -> pd.DataFrame:
    """Kommuner with a signal in the last complete week on ``date`` (for the map overlay).

    Columns: kommunenummer, name, since_week_start, observed, expected, threshold,
    observed_suppressed."""
    frame = signals_on(scope=scope, date=date, series=series, disease=disease)
    return frame[
        [
            "kommunenummer",
            "name",
            "since_week_start",
            "observed",
            "observed_suppressed",
            "expected",
            "threshold",
        ]
    ]
