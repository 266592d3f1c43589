"""FHI's own published files (``surveillance_data/covid19/*_latest.csv``).

* ``data_covid19_sysvak_by_location_sex_age_latest``: persons vaccinated with at least dose n
  up to the day before publication, by kommune / fylke / nation × age band × sex, with the SSB
  population of each group → ``reported_coverage``.
* ``data_covid19_msis_by_time_sex_age_latest``: weekly cases for Norway by 10-year age group and
  sex, by test date → ``reported_series``.

Codes are ``municip0301`` / ``county03`` / ``norge``; the ``border`` column names the structure.
The ``date``/``year``/``week`` columns of the coverage file are placeholders (1900-01-01).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.importers.base import (
    MAX_COUNT,
    NATION_CODE,
    Flag,
    Parsed,
    Rejections,
    SourceFile,
    Validator,
    as_date,
    long_series,
    read_table,
    to_float,
)
from data.importers.base import (
    valid_codes as _valid_codes,
)

SOURCE_SYSVAK = "fhi_sysvak"
SOURCE_MSIS = "fhi_msis"
SOURCE_LABEL = "FHI (SYSVAK, MSIS), surveillance_data"
SYSVAK_AGES = {
    "012_015": "12-15",
    "016_017": "16-17",
    "018_024": "18-24",
    "025_039": "25-39",
    "040_044": "40-44",
    "045_054": "45-54",
    "055_064": "55-64",
    "065_074": "65-74",
    "075_079": "75-79",
    "080_084": "80-84",
    "085p": "85+",
}
MSIS_AGES = ("0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90+")
SEXES = {"female": "F", "male": "M", "total": "T"}
DOSES = (1, 2, 3, 4)
# More vaccinated than residents happens (moves, unregistered residents: up to 3× in groups of
# 2–7 people); beyond this it is a data error.
IMPLAUSIBLE_FACTOR = 5
IMPLAUSIBLE_MARGIN = 50


def detect_sysvak(columns: list[str]) -> bool:
    return {"location_code", "age", "sex", "n_dose_1", "pop"} <= set(columns)


def detect_msis(columns: list[str]) -> bool:
    cols = set(columns)
    return {"age", "sex", "n", "date", "granularity_time"} <= cols and "n_dose_1" not in cols


# --------------------------------------------------------------------------- layouts
# FHI published every series of surveillance_data in several layouts with the same columns
# (granularity_time day/isoweek/total, granularity_geo municip/county/nation, age and sex
# "total" where not split). Which layout a file has shows in its rows, not its header.
SUPPORTED_LAYOUTS = {
    ("vaccinations", "location × sex × age"): "sysvak_coverage",
    ("cases", "time × sex × age"): "msis_age_sex",
    ("cases", "time × location"): "fhi_time_location",
    ("cases", "time"): "fhi_time_location",
    ("vaccinations", "time × location"): "fhi_time_location",
    ("vaccinations", "time"): "fhi_time_location",
    ("cases", "location"): "fhi_total",
    ("cases", "total"): "fhi_total",
    ("vaccinations", "location"): "fhi_total",
    ("vaccinations", "total"): "fhi_total",
}
PERIODS = {"day": "day", "isoweek": "week", "week": "week"}
LEVEL_OF_GEO = {"municip": "kommune", "county": "fylke", "nation": "nation"}

MEASURE_NB = {"vaccinations": "vaksinasjoner", "cases": "tilfeller", "other": "ukjent mål"}
DIMENSION_NB = {"time": "tid", "location": "sted", "sex": "kjønn", "age": "alder"}


def layout(columns: list[str], rows: list[dict[str, str]]) -> tuple[str, str] | None:
    """(measure, dimensions) of an FHI surveillance_data file, from its first rows, e.g.
    ("cases", "time × location"); None when the file is not of that family."""
    cols = set(columns)
    if not {"granularity_time", "granularity_geo", "location_code"} <= cols or not rows:
        return None
    if "n_dose_1" in cols or "cum_n_dose_1" in cols:
        measure = "vaccinations"
    elif "n" in cols:
        measure = "cases"
    else:
        measure = "other"

    def values(column: str) -> set[str]:
        return {r.get(column, "").strip() for r in rows if r.get(column)}

    dims = []
    if values("granularity_time") - {"total", ""}:
        dims.append("time")
    if values("granularity_geo") - {"nation", ""}:
        dims.append("location")
    if values("sex") - {"total", ""}:
        dims.append("sex")
    if values("age") - {"total", ""}:
        dims.append("age")
    return measure, " × ".join(dims) or "total"


def layout_name(measure: str, dimensions: str) -> str:
    dims = " × ".join(DIMENSION_NB.get(d, d) for d in dimensions.split(" × "))
    return f"FHI surveillance_data, {MEASURE_NB[measure]} etter {dims}"


def unsupported_message(measure: str, dimensions: str) -> str:
    """What the file is, and which layouts of its family can be imported."""
    supported = "; ".join(layout_name(m, d) for m, d in SUPPORTED_LAYOUTS)
    return (
        f"{layout_name(measure, dimensions)} ({measure} by {dimensions}): dette oppsettet "
        f"importeres ikke ennå. Støttet fra samme kilde: {supported}."
    )


def _areas(v: Validator, location: pd.Series, structure: int) -> tuple[pd.Series, pd.Series]:
    level = pd.Series("", index=location.index, dtype=object)
    code = pd.Series("", index=location.index, dtype=object)
    kommune = location.str.fullmatch(r"municip\d{4}")
    fylke = location.str.fullmatch(r"county\d{2}")
    nation = location.eq("norge")
    level[kommune] = "kommune"
    code[kommune] = location[kommune].str.slice(7)
    level[fylke] = "fylke"
    code[fylke] = location[fylke].str.slice(6)
    level[nation] = "nation"
    code[nation] = NATION_CODE
    v.reject(((location != "") & (level == "")).to_numpy(), "location_code", "unknown_code")
    for lvl in ("kommune", "fylke"):
        sel = (level == lvl).to_numpy()
        if sel.any():
            sub = code.where(sel, "")
            other = set().union(*(_valid_codes(s, lvl) for s in (2020, 2024) if s != structure))
            known = _valid_codes(structure, lvl)
            v.reject(
                sel & ~sub.isin(known).to_numpy() & sub.isin(other).to_numpy(),
                "location_code",
                "code_vintage_mismatch",
            )
            v.reject(
                sel & ~sub.isin(known).to_numpy() & ~sub.isin(other).to_numpy(),
                "location_code",
                "unknown_code",
            )
    return level, code


def _structure(frame: pd.DataFrame) -> int:
    if "border" in frame.columns:
        counts = frame["border"].str.strip().value_counts()
        for value in counts.index:
            if value in ("2020", "2024"):
                return int(value)
    return 2020


def parse_sysvak(src: SourceFile) -> Parsed:
    rejects = Rejections()
    table = read_table(src, rejects, required=detect_sysvak)
    frame = table.frame
    v = Validator(table, rejects)
    structure = _structure(frame)
    if "border" in frame.columns:
        border = frame["border"].str.strip()
        v.reject(
            ((border != "") & (border != str(structure))).to_numpy(),
            "border",
            "code_vintage_mismatch",
        )
    location = v.required("location_code")
    level, code = _areas(v, location, structure)
    age = v.category("age", SYSVAK_AGES)
    sex = v.category("sex", SEXES)
    published = v.date("date_of_publishing") if "date_of_publishing" in frame.columns else None
    # the bound for a count depends on the row's level (a kommune, a fylke, the nation)
    limit = level.map(MAX_COUNT).fillna(MAX_COUNT["nation"]).to_numpy(dtype="float64")
    pop = v.count("pop", required=True, max_value=limit)
    persons: dict[int, np.ndarray] = {}
    for dose in DOSES:
        column = f"n_dose_{dose}"
        if column in frame.columns:
            persons[dose] = v.count(column, required=dose == 1, max_value=limit)
    v.bad |= np.isnan(pop)
    flags: list[Flag] = []
    over = np.zeros(len(frame), dtype=bool)
    over_by_dose: dict[str, int] = {}
    for dose, n in persons.items():
        implausible = n > pop * IMPLAUSIBLE_FACTOR + IMPLAUSIBLE_MARGIN
        v.reject(implausible, f"n_dose_{dose}", "numerator_exceeds_population")
        over |= n > pop
        over_by_dose[f"dose_{dose}"] = int((n > pop).sum())
    v.duplicates(
        [level.to_numpy(), code.to_numpy(), age.to_numpy(), sex.to_numpy()], "location_code"
    )
    keep = v.good
    if (over & keep).any():
        flags.append(
            Flag(
                "coverage_over_100",
                rows_affected=int((over & keep).sum()),
                detail={k: n for k, n in over_by_dose.items() if n},
            )
        )
    order_issue = np.zeros(len(frame), dtype=bool)
    for dose in DOSES[1:]:
        if dose in persons and dose - 1 in persons:
            order_issue |= persons[dose] > persons[dose - 1]
    if (order_issue & keep).any():
        flags.append(Flag("dose_order", rows_affected=int((order_issue & keep).sum())))

    # FHI published the percentages capped at 95 (every group at 95 % or more shows 95.0);
    # coverage is therefore computed from the counts, and the cap is reported.
    capped: dict[str, int] = {}
    for dose, n in persons.items():
        column = f"pr100_dose_{dose}"
        if column in frame.columns:
            published_pct = to_float(frame[column].str.strip())
            exact = 100 * n / np.where(pop > 0, pop, np.nan)
            hit = keep & (published_pct == 95) & (exact > 95 + 1e-9)
            if hit.any():
                capped[f"dose_{dose}"] = int(hit.sum())
    if capped:
        flags.append(
            Flag("percent_capped", rows_affected=sum(capped.values()), detail={"cap": 95, **capped})
        )
    snapshot = None
    if published is not None and published[keep].notna().any():
        snapshot = published[keep].max() - pd.Timedelta(days=1)
    if snapshot is None:
        snapshot = pd.Timestamp(src.path.stat().st_mtime, unit="s").normalize()
    parts = []
    for dose, n in persons.items():
        idx = np.flatnonzero(keep & ~np.isnan(n))
        parts.append(
            pd.DataFrame(
                {
                    "area_level": level.to_numpy()[idx],
                    "area_code": code.to_numpy()[idx],
                    "age_band": age.map(SYSVAK_AGES).to_numpy()[idx],
                    "sex": sex.map(SEXES).to_numpy()[idx],
                    "dose_number": dose,
                    "persons": n[idx].astype("int64"),
                    "population": pop[idx].astype("int64"),
                    "line": table.lines[idx],
                }
            )
        )
    facts = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if not facts.empty:
        facts["snapshot_date"] = snapshot
    return Parsed(
        rejects=rejects,
        dataset=f"fhi_sysvak:coverage:{structure}",
        structure=structure,
        rows_read=table.rows_read,
        loaded_lines=table.lines[keep],
        rows_loaded=int(keep.sum()),
        facts={"reported_coverage": facts},
        flags=flags,
        period_start=None,
        data_date=as_date(snapshot),
        detail={"snapshot_date": as_date(snapshot), "facts": len(facts)},
        extra={"constants": {"source": SOURCE_SYSVAK, "structure": structure}},
    )


def parse_msis(src: SourceFile) -> Parsed:
    rejects = Rejections()
    table = read_table(src, rejects, required=detect_msis)
    frame = table.frame
    v = Validator(table, rejects)
    dates = v.date("date")
    v.reject((dates.notna() & (dates.dt.day_of_week != 6)).to_numpy(), "date", "week_mismatch")
    if "yrwk" in frame.columns:
        week_end = pd.to_datetime(
            frame["yrwk"].str.strip() + "-7", format="%G-%V-%u", errors="coerce"
        )
        v.reject((dates.notna() & (week_end != dates)).to_numpy(), "yrwk", "week_mismatch")
    if "location_code" in frame.columns:
        loc = frame["location_code"].str.strip()
        v.reject(((loc != "") & (loc != "norge")).to_numpy(), "location_code", "unknown_code")
    age = v.category("age", MSIS_AGES)
    sex = v.category("sex", SEXES)
    n = v.count("n", level="nation", required=True)
    v.duplicates([dates.to_numpy(), age.to_numpy(), sex.to_numpy()], "date")
    keep = v.good
    idx = np.flatnonzero(keep)
    last = dates[keep].max() if keep.any() else None
    flag = np.full(len(idx), None, dtype=object)
    if last is not None:
        flag[dates.to_numpy()[idx] == last] = "partial_week"
    facts = pd.DataFrame(
        {
            "date": dates.to_numpy()[idx],
            "age_band": age.to_numpy()[idx],
            "sex": sex.map(SEXES).to_numpy()[idx],
            "value": n[idx],
            "line": table.lines[idx],
            "quality_flag": flag,
        }
    )
    flags = []
    if last is not None:
        flags.append(
            Flag(
                "partial_week",
                measure="cases_by_testdate",
                date=as_date(last),
                rows_affected=int((facts["quality_flag"] == "partial_week").sum()),
            )
        )
    return Parsed(
        rejects=rejects,
        dataset="fhi_msis:age_sex:week",
        structure=2020,
        rows_read=table.rows_read,
        loaded_lines=table.lines[keep],
        rows_loaded=int(keep.sum()),
        facts={"reported_series": facts},
        flags=flags,
        period_start=as_date(dates[keep].min()) if keep.any() else None,
        data_date=as_date(last),
        detail={"facts": len(facts)},
        extra={
            "constants": {
                "source": SOURCE_MSIS,
                "structure": 2020,
                "area_level": "nation",
                "area_code": NATION_CODE,
                "period": "week",
                "measure": "cases_by_testdate",
            }
        },
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
    structure = _structure(frame)
    granularity = v.category("granularity_time", list(PERIODS))
    periods = granularity.map(PERIODS).fillna("")
    present = periods[periods != ""]
    period = present.mode().iloc[0] if len(present) else "day"
    v.reject(((periods != "") & (periods != period)).to_numpy(), "granularity_time", "mixed_layout")
    geo = v.category("granularity_geo", list(LEVEL_OF_GEO))
    location = v.required("location_code")
    level, code = _areas(v, location, structure)
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
    structure = _structure(frame)
    v.category("granularity_time", ["total"])
    geo = v.category("granularity_geo", list(LEVEL_OF_GEO))
    location = v.required("location_code")
    level, code = _areas(v, location, structure)
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
