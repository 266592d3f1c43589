"""The other layouts of FHI's surveillance_data: series over time (by location or for the
nation) and totals (by location or overall), to ``reported_series``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from data.importers.base import (
    MAX_COUNT,
    Parsed,
    SourceFile,
    Table,
    Validator,
    date_span,
    long_series,
    read_checked,
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
# column → measure: cases by sample (test) date, doses by vaccination date, cumulative
TIME_LOCATION_MEASURES = {
    "n": "cases_by_testdate",
    **{
        column: measure
        for dose in DOSES
        for column, measure in (
            (f"n_dose_{dose}", f"doses_by_vaxdate_{dose}"),
            (f"cum_n_dose_{dose}", f"doses_cumulative_by_vaxdate_{dose}"),
        )
    },
}


def _present(columns: list[str], measures: dict[str, str]) -> dict[str, str]:
    """Column → measure of the measures' columns the file has."""
    return {column: measure for column, measure in measures.items() if column in columns}


def _time_location_measures(columns: list[str]) -> dict[str, str]:
    return _present(columns, TIME_LOCATION_MEASURES)


def _areas(v: Validator, structure: int) -> tuple[pd.Series, pd.Series]:
    """Each row's area level and code (``location_code``), checked against its
    ``granularity_geo``; age and sex, where the file has them, must be ``total``."""
    geo = v.category("granularity_geo", list(LEVEL_OF_GEO))
    level, code = areas(v, v.required("location_code"), structure)
    v.reject(
        ((geo != "") & (level != "") & (geo.map(LEVEL_OF_GEO) != level)).to_numpy(),
        "granularity_geo",
        "code_mismatch",
    )
    for column in ("age", "sex"):
        if column in v.frame.columns:
            v.category(column, ["total"])
    return level, code


def _counts(
    v: Validator, level: pd.Series, columns: dict[str, str], *, doses: str
) -> dict[str, np.ndarray]:
    """The counts of ``columns`` (column → measure) within the area level's bound, checked
    against the row's ``pop`` where the file has one (measures starting with ``doses`` as
    doses)."""
    limit = level.map(MAX_COUNT).fillna(MAX_COUNT["nation"]).to_numpy(dtype="float64")
    frame = v.frame
    pop = v.count("pop", max_value=limit) if "pop" in frame.columns else np.full(len(frame), np.nan)
    return {
        measure: v.against_population(
            column, v.count(column, max_value=limit), pop, doses=measure.startswith(doses)
        )
        for column, measure in columns.items()
    }


def _series(
    table: Table,
    keep: np.ndarray,
    level: pd.Series,
    code: pd.Series,
    dates: pd.Series,
    values: dict[str, np.ndarray],
) -> pd.DataFrame:
    """The kept rows' values as ``reported_series`` facts by area level, code and date."""
    return long_series(
        keys={
            "area_level": level.to_numpy(dtype=object),
            "area_code": code.to_numpy(dtype=object),
            "date": dates.to_numpy(),
        },
        measures=values,
        lines=table.lines,
        keep=keep,
    )


def _parsed(
    table: Table,
    v: Validator,
    facts: pd.DataFrame,
    columns: dict[str, str],
    *,
    doses: str,
    layout: str,
    period: str,
    **fields: Any,
) -> Parsed:
    """Either layout's result: its series (cases, or vaccinations where the measures start
    with ``doses``) with their constants, and the measures to check against the population
    where the file has no ``pop``."""
    kind = "vaccinations" if any(m.startswith(doses) for m in columns.values()) else "cases"
    structure = structure_of(table.frame)
    return Parsed.from_table(
        table,
        v.good,
        rejects=v.rejects,
        dataset=f"fhi_surveillance:{kind}:{layout}:{structure}",
        structure=structure,
        facts={"reported_series": facts},
        extra={
            "population_check": {}
            if "pop" in table.frame.columns
            else {m: (c, m.startswith(doses)) for c, m in columns.items()},
            "constants": {
                "source": SOURCE_MSIS if kind == "cases" else SOURCE_SYSVAK,
                "structure": structure,
                "period": period,
                "age_band": "total",
                "sex": "T",
            },
        },
        **fields,
    )


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
    table, v = read_checked(src, detect_time_location)
    frame = table.frame
    structure = structure_of(frame)
    granularity = v.category("granularity_time", list(PERIODS))
    periods = granularity.map(PERIODS).fillna("")
    present = periods[periods != ""]
    period = present.mode().iloc[0] if len(present) else "day"
    v.reject(((periods != "") & (periods != period)).to_numpy(), "granularity_time", "mixed_layout")
    level, code = _areas(v, structure)
    dates = v.date("date")
    if period == "week":
        v.reject((dates.notna() & (dates.dt.day_of_week != 6)).to_numpy(), "date", "week_mismatch")
    columns = _time_location_measures(list(frame.columns))
    values = _counts(v, level, columns, doses="doses")
    v.duplicates([level.to_numpy(), code.to_numpy(), dates.to_numpy()], "location_code")
    keep = v.good
    facts = _series(table, keep, level, code, dates, values)
    return _parsed(
        table,
        v,
        facts,
        columns,
        **date_span(dates[keep]),
        doses="doses",
        layout=f"time_location:{period}",
        period=period,
        detail={"period": period, "facts": len(facts), "levels": sorted(set(level[keep]))},
    )


# --------------------------------------------------------------------------- totals
# column → measure of a ``total`` file: cumulative cases, persons with dose n
TOTAL_MEASURES = {
    "n": "cases_cumulative",
    **{f"n_dose_{dose}": f"vaccinated_cumulative_{dose}" for dose in DOSES},
}


def _total_measures(columns: list[str]) -> dict[str, str]:
    return _present(columns, TOTAL_MEASURES)


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
    table, v = read_checked(src, detect_total)
    frame = table.frame
    structure = structure_of(frame)
    v.category("granularity_time", ["total"])
    level, code = _areas(v, structure)
    if "date_of_publishing" in frame.columns:
        published = v.date("date_of_publishing")
    else:
        mtime = pd.Timestamp(src.path.stat().st_mtime, unit="s").normalize()
        published = pd.Series(mtime, index=frame.index)
    columns = _total_measures(list(frame.columns))
    values = _counts(v, level, columns, doses="vaccinated")
    v.duplicates([level.to_numpy(), code.to_numpy()], "location_code")
    keep = v.good
    facts = _series(table, keep, level, code, published, values)
    last = date_span(published[keep])["data_date"]
    return _parsed(
        table,
        v,
        facts,
        columns,
        period_start=last,
        data_date=last,
        doses="vaccinated",
        layout="total",
        period="total",
        detail={"published": last, "facts": len(facts), "levels": sorted(set(level[keep]))},
    )
