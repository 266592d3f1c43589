"""Precompute signals per kommune × complete ISO week into the ``signal`` table.

Run after every load (the demo load calls it; ``situasjonsbilde signals`` recomputes). The
method is :mod:`data.signals`; this module only reads weekly counts and writes the results.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select
from tqdm import tqdm

from data import signals
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.load import bulk_insert, bump_data_version
from data.schema import (
    AggCasesDaily,
    AggHospitalDaily,
    Case,
    ClusterDay,
    DatasetMeta,
    Kommune,
    Signal,
)


@dataclass(frozen=True)
class Series:
    key: str
    table: Any
    column: str
    label_nb: str


SERIES = {
    "cases": Series("cases", AggCasesDaily, "cases_by_testdate", "Tilfeller"),
    "admissions": Series("admissions", AggHospitalDaily, "admissions", "Sykehusinnleggelser"),
}


def _meta(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(DatasetMeta.key, DatasetMeta.value)).all())


def weekly_counts(
    engine: Engine, *, series: Series, disease: str, first: dt.date, last: dt.date
) -> pd.DataFrame:
    """Counts per kommune and ISO week (Monday) of one series. Columns: kommunenummer,
    week_start, count."""
    table = series.table
    column = getattr(table, series.column)
    q = (
        select(table.kommunenummer, table.date, func.sum(column))
        .where(table.disease == disease, table.date >= first, table.date <= last)
        .group_by(table.kommunenummer, table.date)
    )
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    frame = pd.DataFrame(rows, columns=["kommunenummer", "date", "count"])
    if frame.empty:
        return pd.DataFrame(columns=["kommunenummer", "week_start", "count"])
    dates = pd.to_datetime(frame["date"])
    frame["week_start"] = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    return frame.groupby(["kommunenummer", "week_start"], as_index=False)["count"].sum()


def diseases_present(engine: Engine) -> list[str]:
    """The diseases with case or admission counts, the default first."""
    with engine.connect() as conn:
        found = {
            str(d)
            for table in (AggCasesDaily, AggHospitalDaily)
            for d in conn.execute(select(table.disease).distinct()).scalars()
        }
    return sorted(found, key=lambda d: (d != DEFAULT_DISEASE, d))


def compute(
    engine: Engine,
    *,
    disease: str | None = None,
    series_keys: tuple[str, ...] = ("cases", "admissions"),
    params: signals.SignalParams | None = None,
    progress: bool = True,
) -> dict[str, int]:
    """Recompute every signal row of ``disease`` (None: of every disease with counts, each
    with its settings, :data:`data.signals.PARAMS_BY_DISEASE`); returns rows and signals per
    series (summed over the diseases; ``"<disease>.<key>"`` for each one)."""
    if disease is not None:
        return _compute_one(
            engine, disease=disease, series_keys=series_keys, params=params, progress=progress
        )
    total: dict[str, int] = {}
    for code in diseases_present(engine) or [DEFAULT_DISEASE]:
        one = _compute_one(
            engine, disease=code, series_keys=series_keys, params=params, progress=progress
        )
        for key, value in one.items():
            total[key] = total.get(key, 0) + value
            total[f"{code}.{key}"] = value
    return total


def _compute_one(
    engine: Engine,
    *,
    disease: str,
    series_keys: tuple[str, ...],
    params: signals.SignalParams | None,
    progress: bool,
) -> dict[str, int]:
    params = signals.params_for(disease) if params is None else params
    meta = _meta(engine)
    if "data_date" not in meta:
        raise LookupError("The database has no data yet: run `situasjonsbilde demo` or an import")
    first = pd.Timestamp(meta.get("period_start", meta["data_date"]))
    last = pd.Timestamp(meta["data_date"])
    weeks = signals.iso_weeks(first, last)
    with engine.connect() as conn:
        kommuner = list(
            conn.execute(
                select(Kommune.kommunenummer)
                .where(Kommune.structure == CURRENT_STRUCTURE)
                .order_by(Kommune.kommunenummer)
            ).scalars()
        )
    # Published kommune series are by registration date only (DESIGN: say so on screen).
    case_column = (
        "cases_by_regdate" if meta.get("case_date_basis") == "registration" else "cases_by_testdate"
    )
    result: dict[str, int] = {}
    bar = tqdm(series_keys, desc=f"Signaler ({disease})", unit="serie", disable=not progress)
    frames = []
    for key in bar:
        spec = SERIES[key]
        if key == "cases":
            spec = Series(spec.key, spec.table, case_column, spec.label_nb)
        bar.set_postfix_str(key)
        weekly = weekly_counts(
            engine,
            series=spec,
            disease=disease,
            first=weeks[0].date() if len(weeks) else first.date(),
            last=(weeks[-1] + pd.Timedelta(days=6)).date() if len(weeks) else last.date(),
        )
        frame = signals.signal_frame(weekly, kommuner=kommuner, weeks=weeks, params=params)
        frame = frame.assign(series=key, disease=disease)
        iso = frame["week_start"].dt.isocalendar()
        frame["iso_year"] = iso["year"].astype("int64").to_numpy()
        frame["iso_week"] = iso["week"].astype("int64").to_numpy()
        frame["since_week_start"] = (
            frame["since_week_start"].astype(object).where(frame["since_week_start"].notna(), None)
        )
        frames.append(frame)
        result[f"{key}_rows"] = len(frame)
        result[f"{key}_signals"] = int(frame["alarm"].sum())
    bar.close()
    with engine.begin() as conn:
        refresh_cluster_days(conn)
        conn.execute(delete(Signal).where(Signal.disease == disease))
        table: Any = Signal.__table__
        for index in table.indexes:
            index.drop(conn, checkfirst=True)
        for frame in frames:
            bulk_insert(conn, table, frame.replace({np.nan: None}))
        for index in table.indexes:
            index.create(conn)
        # cached signal reads must not outlive the recomputation
        bump_data_version(conn)
    return result


def refresh_cluster_days(conn: Any) -> int:
    """Rebuild ``cluster_day`` (cases per cluster and day) from the case table."""
    day = func.coalesce(Case.test_date, Case.registration_date)
    conn.execute(delete(ClusterDay))
    result = conn.execute(
        insert(ClusterDay).from_select(
            ["cluster_id", "day", "cases"],
            select(Case.cluster_id, day, func.count())
            .where(Case.cluster_id.is_not(None))
            .group_by(Case.cluster_id, day),
        )
    )
    return int(result.rowcount or 0)


def has_signals(conn: Any) -> bool:
    """Whether signals were computed for this store (rows exist)."""
    return conn.execute(select(Signal.kommunenummer).limit(1)).first() is not None
