"""Official county and national case series in the rollups, labelled (issue 18).

FHI published county and national series of their own (covidnor's county and nation files,
the county and nation rows of FHI's raw layouts). They are not the sum of the kommuner: the
national series counts cases without a kommune (unknown residence, abroad), the county series
cases registered on the county only. Where such a series exists for a county of the current
structure (its code and name unchanged between the structures: Oslo, Rogaland, …; Viken,
Vestfold og Telemark, Troms og Finnmark have no official series in the 2024 counties) or for
the nation, the rollup of that area (:mod:`data.rollups`) takes the official value of the
dataset's case date basis on each day inside the series' span; elsewhere it stays the sum of
the kommuner. Every reader of a county or the nation (the live series, the key figures, the
Morgenbrief, the Kommune page, the map's national value) therefore gets the same value, and
:func:`basis` says which it is, from ``dataset_meta`` (``official:<area>``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, delete, insert, select

from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.schema import AggCasesRollup, DatasetMeta, ReportedSeries, ReportedSpan
from geo import reference

KEY = "official:"  # dataset_meta: official:<area> = "<measure> <first date> <last date>"
NATION = "NO"
COUNTY_PREFIX = "F"
TOTAL_AGE = "total"


def _same_county(code: str, structure: int) -> bool:
    """A county code of ``structure`` that names the same county in the current one."""

    def names(s: int) -> dict[str, str]:
        frame = reference.fylker(s)
        return dict(zip(frame["fylkesnummer"].astype(str), frame["name"].astype(str), strict=True))

    then, now = names(int(structure)), names(CURRENT_STRUCTURE)
    return code in then and then.get(code) == now.get(code)


def _area(level: str, code: str, structure: int) -> str | None:
    if level == "nation":
        return NATION
    if level == "fylke" and _same_county(code, structure):
        return COUNTY_PREFIX + code
    return None


def apply(conn: Connection) -> dict[str, tuple[str, dt.date, dt.date]]:
    """Put the official series into the case rollups inside the caller's transaction (after
    the rollups are built) and record which areas have one. Returns area → (measure, first,
    last)."""
    conn.execute(delete(DatasetMeta).where(DatasetMeta.key.like(KEY + "%")))
    basis = conn.execute(
        select(DatasetMeta.value).where(DatasetMeta.key == "case_date_basis")
    ).scalar_one_or_none()
    measure = "cases_by_regdate" if basis == "registration" else "cases_by_testdate"
    other = "cases_by_testdate" if measure == "cases_by_regdate" else "cases_by_regdate"
    sp, rs = ReportedSpan, ReportedSeries
    official = (sp.measure == measure, sp.period == "day", sp.age_band == TOTAL_AGE, sp.sex == "T")
    spans = conn.execute(
        select(sp.import_id, sp.area_level, sp.area_code, sp.structure, sp.first_date, sp.last_date)
        .where(sp.area_level.in_(("fylke", "nation")), *official)
        .order_by(sp.import_id)
    ).all()
    done: dict[str, tuple[str, dt.date, dt.date]] = {}
    for run, level, code, structure, first, last in spans:
        area = _area(str(level), str(code), int(structure))
        if area is None or area in done:
            continue
        stored = conn.execute(
            select(rs.date, rs.value).where(
                rs.import_id == run,
                rs.area_level == level,
                rs.area_code == code,
                rs.measure == measure,
                rs.period == "day",
                rs.age_band == TOTAL_AGE,
            )
        ).all()
        days = pd.date_range(first, last, freq="D")
        series = pd.Series(0.0, index=days)  # a day inside the span without a row is a zero
        if stored:
            found = pd.Series(
                [np.nan if v is None else float(v) for _d, v in stored],
                index=pd.to_datetime([d for d, _v in stored]),
            )
            series.loc[found.index] = found.to_numpy()
        _replace(conn, area, series, measure, other)
        done[area] = (measure, first, last)
    for area, (name, first, last) in done.items():
        conn.execute(
            insert(DatasetMeta).values(key=f"{KEY}{area}"[:40], value=f"{name} {first} {last}")
        )
    return done


def _replace(conn: Connection, area: str, series: pd.Series, measure: str, other: str) -> None:
    """The area's rollup rows inside the span with ``measure`` from ``series`` (NaN: not
    published that day, the kommune sum is kept)."""
    r = AggCasesRollup
    inside = and_(
        r.area == area,
        r.disease == DEFAULT_DISEASE,
        r.age_band == TOTAL_AGE,
        r.date >= series.index.min().date(),
        r.date <= series.index.max().date(),
    )
    rows = conn.execute(select(r.date, r.cases_by_testdate, r.cases_by_regdate).where(inside)).all()
    current = pd.DataFrame(rows, columns=["date", "cases_by_testdate", "cases_by_regdate"])
    current["date"] = pd.to_datetime(current["date"])
    merged = pd.DataFrame({"date": series.index, measure: series.to_numpy()}).merge(
        current, on="date", how="outer", suffixes=("", "_sum")
    )
    summed = merged.pop(f"{measure}_sum").fillna(0)
    merged[measure] = merged[measure].fillna(summed)
    merged[other] = merged[other].fillna(0)
    merged = merged[(merged[measure] > 0) | (merged[other] > 0)]
    conn.execute(delete(r).where(inside))
    if merged.empty:
        return
    conn.execute(
        insert(r),
        [
            {
                "area": area,
                "disease": DEFAULT_DISEASE,
                "age_band": TOTAL_AGE,
                "date": d.date(),
                "cases_by_testdate": int(t),
                "cases_by_regdate": int(g),
            }
            for d, t, g in zip(
                merged["date"],
                merged["cases_by_testdate"],
                merged["cases_by_regdate"],
                strict=True,
            )
        ],
    )
