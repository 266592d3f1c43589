"""The other layouts of FHI's surveillance_data: series over time (by location or for the
nation) and totals (by location or overall), to ``reported_series``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.importers.base import (
    MAX_COUNT,
    Parsed,
    Rejections,
    SourceFile,
    Validator,
    as_date,
    long_series,
    read_table,
)
from data.importers.fhi_common import (
    DOSES,
    LEVEL_OF_GEO,
    PERIODS,
    SOURCE_MSIS,
    SOURCE_SYSVAK,
    areas,
    structure_of,
)


# --------------------------------------------------------------------------- time × location
def _time_location_measures(columns: list[str]) -> dict[str, str]:
    """Column → measure: cases by sample (test) date, doses by vaccination date, cumulative."""
    out = {}
    if "n" in columns:
        out["n"] = "cases_by_testdate"
    for dose in DOSES:
        if f"n_dose_{dose}" in columns:
            out[f"n_dose_{dose}"] = f"doses_by_vaxdate_{dose}"
        if f"cum_n_dose_{dose}" in columns:
            out[f"cum_n_dose_{dose}"] = f"doses_cumulative_by_vaxdate_{dose}"
    return out


def detect_time_location(columns: list[str]) -> bool:
    cols = set(columns)
    return {"granularity_time", "granularity_geo", "location_code", "date"} <= cols and bool(
        _time_location_measures(columns)
    )


def parse_time_location(src: SourceFile) -> Parsed:
    """FHI's raw series by time × location (``granularity_time`` day/isoweek,
    ``granularity_geo`` municip/county/nation, age and sex ``total``): cases by sample date
    (``n``, with ``pop``), doses by vaccination date (``n_dose_k``, ``cum_n_dose_k``) →
    ``reported_series`` at the level of each row: FHI's official county and national series
    beside the kommune series."""
    rejects = Rejections()
    table = read_table(src, rejects, required=detect_time_location)
    frame = table.frame
    v = Validator(table, rejects)
    structure = structure_of(frame)
    granularity = v.category("granularity_time", list(PERIODS))
    periods = granularity.map(PERIODS).fillna("")
    present = periods[periods != ""]
    period = present.mode().iloc[0] if len(present) else "day"
    v.reject(((periods != "") & (periods != period)).to_numpy(), "granularity_time", "mixed_layout")
    geo = v.category("granularity_geo", list(LEVEL_OF_GEO))
    location = v.required("location_code")
    level, code = areas(v, location, structure)
    v.reject(
        ((geo != "") & (level != "") & (geo.map(LEVEL_OF_GEO) != level)).to_numpy(),
        "granularity_geo",
        "code_mismatch",
    )
    for column in ("age", "sex"):
        if column in frame.columns:
            v.category(column, ["total"])
    dates = v.date("date")
    if period == "week":
        v.reject((dates.notna() & (dates.dt.day_of_week != 6)).to_numpy(), "date", "week_mismatch")
    limit = level.map(MAX_COUNT).fillna(MAX_COUNT["nation"]).to_numpy(dtype="float64")
    pop = v.count("pop", max_value=limit) if "pop" in frame.columns else np.full(len(frame), np.nan)
    columns = _time_location_measures(list(frame.columns))
    values = {
        measure: v.against_population(
            column, v.count(column, max_value=limit), pop, doses=measure.startswith("doses")
        )
        for column, measure in columns.items()
    }
    v.duplicates([level.to_numpy(), code.to_numpy(), dates.to_numpy()], "location_code")
    keep = v.good
    facts = long_series(
        keys={
            "area_level": level.to_numpy(dtype=object),
            "area_code": code.to_numpy(dtype=object),
            "date": dates.to_numpy(),
        },
        measures=values,
        lines=table.lines,
        keep=keep,
    )
    kind = "vaccinations" if any(m.startswith("doses") for m in values) else "cases"
    good_dates = dates[keep]
    return Parsed(
        rejects=rejects,
        dataset=f"fhi_surveillance:{kind}:time_location:{period}:{structure}",
        structure=structure,
        rows_read=table.rows_read,
        loaded_lines=table.lines[keep],
        rows_loaded=int(keep.sum()),
        facts={"reported_series": facts},
        period_start=as_date(good_dates.min()) if len(good_dates) else None,
        data_date=as_date(good_dates.max()) if len(good_dates) else None,
        detail={"period": period, "facts": len(facts), "levels": sorted(set(level[keep]))},
        extra={
            "population_check": {}
            if "pop" in frame.columns
            else {m: (c, m.startswith("doses")) for c, m in columns.items()},
            "constants": {
                "source": SOURCE_MSIS if kind == "cases" else SOURCE_SYSVAK,
                "structure": structure,
                "period": period,
                "age_band": "total",
                "sex": "T",
            },
        },
    )


# --------------------------------------------------------------------------- totals
def _total_measures(columns: list[str]) -> dict[str, str]:
    """Column → measure of a ``total`` file: cumulative cases, persons with dose n."""
    out = {}
    if "n" in columns:
        out["n"] = "cases_cumulative"
    for dose in DOSES:
        if f"n_dose_{dose}" in columns:
            out[f"n_dose_{dose}"] = f"vaccinated_cumulative_{dose}"
    return out


def detect_total(columns: list[str]) -> bool:
    cols = set(columns)
    return {"granularity_time", "granularity_geo", "location_code"} <= cols and bool(
        _total_measures(columns)
    )


def parse_total(src: SourceFile) -> Parsed:
    """FHI's ``total`` layout (``granularity_time == "total"``, age and sex ``total``):
    cumulative cases (``n``) or persons vaccinated with dose n (``n_dose_k``) per area up to
    the file's ``date_of_publishing`` → ``reported_series`` with period ``total``, dated on
    the date of publishing, at the level of each row. Counts are checked against the row's
    ``pop`` where the file has one."""
    rejects = Rejections()
    table = read_table(src, rejects, required=detect_total)
    frame = table.frame
    v = Validator(table, rejects)
    structure = structure_of(frame)
    v.category("granularity_time", ["total"])
    geo = v.category("granularity_geo", list(LEVEL_OF_GEO))
    location = v.required("location_code")
    level, code = areas(v, location, structure)
    v.reject(
        ((geo != "") & (level != "") & (geo.map(LEVEL_OF_GEO) != level)).to_numpy(),
        "granularity_geo",
        "code_mismatch",
    )
    for column in ("age", "sex"):
        if column in frame.columns:
            v.category(column, ["total"])
    if "date_of_publishing" in frame.columns:
        published = v.date("date_of_publishing")
    else:
        mtime = pd.Timestamp(src.path.stat().st_mtime, unit="s").normalize()
        published = pd.Series(mtime, index=frame.index)
    limit = level.map(MAX_COUNT).fillna(MAX_COUNT["nation"]).to_numpy(dtype="float64")
    pop = v.count("pop", max_value=limit) if "pop" in frame.columns else np.full(len(frame), np.nan)
    values = {
        measure: v.against_population(
            column,
            v.count(column, max_value=limit),
            pop,
            doses=measure.startswith("vaccinated"),
        )
        for column, measure in _total_measures(list(frame.columns)).items()
    }
    v.duplicates([level.to_numpy(), code.to_numpy()], "location_code")
    keep = v.good
    facts = long_series(
        keys={
            "area_level": level.to_numpy(dtype=object),
            "area_code": code.to_numpy(dtype=object),
            "date": published.to_numpy(),
        },
        measures=values,
        lines=table.lines,
        keep=keep,
    )
    kind = "vaccinations" if any(m.startswith("vaccinated") for m in values) else "cases"
    dates = published[keep]
    last = as_date(dates.max()) if len(dates) else None
    return Parsed(
        rejects=rejects,
        dataset=f"fhi_surveillance:{kind}:total:{structure}",
        structure=structure,
        rows_read=table.rows_read,
        loaded_lines=table.lines[keep],
        rows_loaded=int(keep.sum()),
        facts={"reported_series": facts},
        period_start=last,
        data_date=last,
        detail={"published": last, "facts": len(facts), "levels": sorted(set(level[keep]))},
        extra={
            "population_check": {}
            if "pop" in frame.columns
            else {
                m: (c, m.startswith("vaccinated"))
                for c, m in _total_measures(list(frame.columns)).items()
            },
            "constants": {
                "source": SOURCE_MSIS if kind == "cases" else SOURCE_SYSVAK,
                "structure": structure,
                "period": "total",
                "age_band": "total",
                "sex": "T",
            },
        },
    )
