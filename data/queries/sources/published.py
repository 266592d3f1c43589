"""Published series and coverage as imported: facts that the daily kommune aggregates cannot
hold, scoped and small-number protected like every other read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select

from data.cache import cached
from data.codes import CURRENT_STRUCTURE
from data.importers.derive import crosswalk, to_structure
from data.protection import protect
from data.queries.frames import read_frame
from data.queries.sources._shared import as_date
from data.schema import (
    ReportedCoverage,
    ReportedSeries,
    ReportedSpan,
)
from data.scope import Scope


@cached()
def reported_series(
    *,
    scope: Scope,
    measure: str,
    level: str = "nation",
    code: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    period: str = "day",
    age_band: str | None = "total",
    sex: str | None = "T",
) -> pd.DataFrame:
    """A published series as imported (e.g. ``hospital_admissions`` for the nation).

    ``code`` is needed for kommune and fylke level (in the structure the facts came with);
    ``age_band``/``sex`` None returns every band/sex. Columns: date, age_band, sex, value,
    quality_flag (plus ``value_suppressed`` for kommune level without small-number access).
    """
    if level == "kommune":
        if code is None:
            raise ValueError("kommune level needs a code")
        scope.restrict([code])
    q = select(
        ReportedSeries.date,
        ReportedSeries.age_band,
        ReportedSeries.sex,
        ReportedSeries.value,
        ReportedSeries.quality_flag,
    )
    q = _of_series(q, ReportedSeries, level=level, measure=measure, period=period, code=code)
    if start is not None:
        q = q.where(ReportedSeries.date >= start)
    if end is not None:
        q = q.where(ReportedSeries.date <= end)
    if age_band is not None:
        q = q.where(ReportedSeries.age_band == age_band)
    if sex is not None:
        q = q.where(ReportedSeries.sex == sex)
    out = read_frame(
        q.order_by(ReportedSeries.date), ["date", "age_band", "sex", "value", "quality_flag"]
    )
    out["date"] = pd.to_datetime(out["date"])
    out = _with_zeros(
        out, measure=measure, level=level, code=code, period=period, start=start, end=end
    )
    if age_band is not None:
        out = out[out["age_band"] == age_band]
    if sex is not None:
        out = out[out["sex"] == sex]
    out = out.reset_index(drop=True)
    if level == "kommune":
        out = protect(out, scope=scope, counts=["value"], kommune_column=None, area_code=code)
    return out


def _of_series(
    q: Any, table: Any, *, level: str, measure: str, period: str, code: str | None
) -> Any:
    """``q`` limited to one published series (its rows or its spans): level, measure,
    period and, where given, area code."""
    q = q.where(table.area_level == level, table.measure == measure, table.period == period)
    return q if code is None else q.where(table.area_code == code)


def _with_zeros(
    rows: pd.DataFrame,
    *,
    measure: str,
    level: str,
    code: str | None,
    period: str,
    start: dt.date | None,
    end: dt.date | None,
) -> pd.DataFrame:
    """Fill the published zeros back in: every date inside a series' span without a row."""
    q = select(
        ReportedSpan.age_band, ReportedSpan.sex, ReportedSpan.first_date, ReportedSpan.last_date
    )
    q = _of_series(q, ReportedSpan, level=level, measure=measure, period=period, code=code)
    spans = read_frame(q, ["age_band", "sex", "first", "last"])
    frames = []
    step = "7D" if period == "week" else ("YS" if period == "year" else "D")
    for span in spans.itertuples(index=False):
        first, last = as_date(span.first), as_date(span.last)
        if first is None or last is None:
            continue
        lo = pd.Timestamp(max(first, start) if start else first)
        hi = pd.Timestamp(min(last, end) if end else last)
        if lo > hi:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "date": pd.date_range(lo, hi, freq=step),
                    "age_band": span.age_band,
                    "sex": span.sex,
                }
            )
        )
    if not frames:
        return rows
    grid = pd.concat(frames, ignore_index=True)
    out = grid.merge(rows, on=["date", "age_band", "sex"], how="outer", indicator=True)
    zero = out["_merge"] == "left_only"
    out.loc[zero, "value"] = 0.0
    return out.drop(columns="_merge").sort_values(["date", "age_band", "sex"])


@cached()
def coverage_rows(*, level: str, structure: int = CURRENT_STRUCTURE) -> pd.DataFrame:
    """Published coverage rows of one level, kommune rows translated to ``structure`` through
    the crosswalk; unprotected and unscoped (internal: the callers apply both).
    Columns: area_code, age_band, sex, dose_number, persons, population, snapshot_date."""
    q = select(
        ReportedCoverage.structure,
        ReportedCoverage.area_code,
        ReportedCoverage.age_band,
        ReportedCoverage.sex,
        ReportedCoverage.dose_number,
        ReportedCoverage.persons,
        ReportedCoverage.population,
        ReportedCoverage.snapshot_date,
    ).where(ReportedCoverage.area_level == level)
    columns = ["structure", "area_code", "age_band", "sex", "dose_number"]
    frame = read_frame(q, [*columns, "persons", "population", "snapshot_date"])
    if level == "kommune" and not frame.empty:
        cw = crosswalk()
        parts = [
            to_structure(
                part.drop(columns="structure"),
                source=int(s),
                target=structure,
                values=["persons", "population"],
                cw=cw,
                code="area_code",
            )
            for s, part in frame.groupby("structure")
        ]
        frame = pd.concat(parts, ignore_index=True)
    else:
        frame = frame.drop(columns="structure")
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"])
    return frame.reset_index(drop=True)


@cached()
def reported_coverage(
    *,
    scope: Scope,
    level: str = "kommune",
    structure: int = CURRENT_STRUCTURE,
    kommuner: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Vaccination coverage as published: persons with at least dose n and the population of
    the group, by area × age band × sex × dose, on the snapshot date.

    Kommune-level rows are translated to ``structure`` through the crosswalk (1507's groups are
    split between 1508 and 1580 with weight 0.5 for persons and population alike).
    Columns: area_code, age_band, sex, dose_number, persons, population, snapshot_date.
    """
    frame = coverage_rows(level=level, structure=structure)
    if level == "kommune" and not frame.empty:
        allowed = scope.restrict(kommuner)
        if allowed is not None:
            frame = frame[frame["area_code"].isin(allowed)]
        frame = protect(frame, scope=scope, counts=["persons"], kommune_column="area_code")
    for c in ("persons", "population"):
        if c in frame and frame[c].dtype != "float64":
            frame[c] = frame[c].astype("int64")
    return frame.reset_index(drop=True)
