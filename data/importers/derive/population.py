"""Population: SSB single-year counts to the app's age bands, for both structures, years
between published ones carried forward."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, select

from data.codes import AGE_BAND_LOWER, AGE_BANDS
from data.importers.derive.common import (
    SERIES_POPULATION,
    frame_of,
)
from data.importers.derive.crosswalk import to_structure
from data.importers.store import insert_rows
from data.schema import (
    Population,
    ReportedSeries,
)


def band_of(ages: pd.Series) -> pd.Series:
    """Single years ("0" … "105+") → the app's age bands."""
    years = pd.to_numeric(ages.str.rstrip("+"), errors="coerce").fillna(0).astype(int)
    lowers = np.array([AGE_BAND_LOWER[b] for b in AGE_BANDS])
    index = np.searchsorted(lowers, years.to_numpy(), side="right") - 1
    return pd.Series(np.asarray(AGE_BANDS, dtype=object)[index], index=ages.index)


def _series_totals(conn: Connection) -> pd.DataFrame:
    """Population of 1 January per kommune and year from the case series' own column
    (covidnor ``pop_jan1_n``): columns structure, code, year, value."""
    totals = frame_of(
        conn,
        select(
            ReportedSeries.structure,
            ReportedSeries.area_code,
            ReportedSeries.date,
            ReportedSeries.value,
        ).where(
            ReportedSeries.area_level == "kommune",
            ReportedSeries.measure == SERIES_POPULATION,
        ),
        ["structure", "code", "date", "value"],
    )
    if totals.empty:
        return pd.DataFrame(columns=["structure", "code", "year", "value"])
    totals["year"] = pd.to_datetime(totals["date"]).dt.year
    # the daily and the weekly file carry the same column: one value per kommune and year
    totals = totals.drop(columns="date").dropna(subset=["value"])
    return totals.drop_duplicates(["structure", "code", "year"]).reset_index(drop=True)


def _scaled(template: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """The age bands of ``template`` (code, age_band, value) scaled per code to ``totals``
    (code, value), rounded so that the bands add up to the total exactly."""
    frame = template.merge(totals.rename(columns={"value": "total"}), on="code", how="inner")
    frame = frame.sort_values(["code", "age_band"]).reset_index(drop=True)
    share = frame["value"] / frame.groupby("code")["value"].transform("sum").where(lambda x: x > 0)
    cum = (share.fillna(0).groupby(frame["code"]).cumsum() * frame["total"]).round()
    previous = cum.groupby(frame["code"]).shift(1).fillna(0)
    frame["value"] = cum - previous
    return frame[["code", "age_band", "value"]]


def _nearest(year: int, have: list[int]) -> int:
    """The nearest year with numbers (the earlier one on a tie)."""
    return min(have, key=lambda y: (abs(y - year), y))


def derive_population(conn: Connection, cw: pd.DataFrame) -> dict[str, Any]:
    """Population by structure × kommune × year × age band, for every year from the first to
    the last one any source has:

    1. SSB's table for that year (in the structure it was published in, else translated);
    2. else the case series' own population of 1 January (covidnor ``pop_jan1_n``), spread
       over age bands like the nearest SSB year;
    3. else the nearest SSB year as it is: said per kommune and year in a quality flag
       (``population_nearest_year``) and in dataset_meta, so that pages can name the year.
    """
    facts = frame_of(
        conn,
        select(
            ReportedSeries.structure,
            ReportedSeries.area_code,
            ReportedSeries.date,
            ReportedSeries.age_band,
            ReportedSeries.value,
        ).where(ReportedSeries.area_level == "kommune", ReportedSeries.measure == "population"),
        ["structure", "code", "date", "age", "value"],
    )
    conn.execute(delete(Population))
    if facts.empty:
        return {}
    facts["year"] = pd.to_datetime(facts["date"]).dt.year
    facts["age_band"] = band_of(facts["age"])
    banded = facts.groupby(["structure", "code", "year", "age_band"], as_index=False)["value"].sum()
    published = {
        int(s): sorted(map(int, g["year"].unique())) for s, g in banded.groupby("structure")
    }
    series = _series_totals(conn)
    per_structure: dict[int, pd.DataFrame] = {}
    translated: list[str] = []
    for target in (2020, 2024):
        parts = []
        years_here = set(published.get(target, []))
        for source, years in published.items():
            for year in years:
                if source != target and year in years_here:
                    continue  # a year published in this structure wins
                part = banded[(banded["structure"] == source) & (banded["year"] == year)]
                part = to_structure(
                    part.drop(columns="structure"),
                    source=source,
                    target=target,
                    values=["value"],
                    cw=cw,
                )
                if source != target:
                    translated.append(f"{year}:{source}→{target}")
                parts.append(part)
        if parts:
            per_structure[target] = pd.concat(parts, ignore_index=True)
    ssb_years = sorted({y for ys in published.values() for y in ys})
    series_years = sorted(map(int, series["year"].unique())) if len(series) else []
    all_years = sorted(set(ssb_years) | set(series_years))
    carried: list[str] = []
    nearest: list[dict[str, Any]] = []
    from_series: list[str] = []
    frames = []
    for structure, frame in per_structure.items():
        frame = frame.groupby(["code", "year", "age_band"], as_index=False)["value"].sum()
        have = sorted(map(int, frame["year"].unique()))
        added = []
        for year in range(all_years[0], all_years[-1] + 1):
            if year in have:
                continue
            used = _nearest(year, have)
            template = frame[frame["year"] == used][["code", "age_band", "value"]]
            totals = series[series["year"] == year]
            own = pd.DataFrame(columns=["code", "age_band", "value"])
            if len(totals):
                parts = [
                    to_structure(
                        g[["code", "value"]],
                        source=int(s),
                        target=structure,
                        values=["value"],
                        cw=cw,
                    )
                    for s, g in totals.groupby("structure")
                ]
                own = _scaled(template, pd.concat(parts).groupby("code", as_index=False).sum())
                from_series.append(f"{year}:{structure}:{own['code'].nunique()}")
            rest = template[~template["code"].isin(set(own["code"]))]
            if len(rest):
                codes = sorted(rest["code"].unique())
                carried.append(f"{year}←{used}")
                nearest.append({"structure": structure, "year": year, "used": used, "codes": codes})
            added.append(pd.concat([own, rest], ignore_index=True).assign(year=year))
        if added:
            frame = pd.concat([frame, *added], ignore_index=True)
        frames.append(frame.assign(structure=structure))
    out = pd.concat(frames, ignore_index=True).rename(
        columns={"code": "kommunenummer", "value": "population"}
    )
    out["population"] = out["population"].round().astype("int64")
    insert_rows(conn, Population.__table__, out, constants={"sex": "T"})
    return {
        "published": {s: y for s, y in published.items()},
        "years": all_years,
        "carried": sorted(set(carried)),
        "nearest": nearest,
        "from_series": from_series,
        "translated": sorted(set(translated)),
    }
