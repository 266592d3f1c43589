"""FHI COVID-19 series by kommune and for the nation, as published through covidnor (CSIDS).

Layout: one row per location and day (or ISO week, dated on its Sunday), one column per
series; ``covidnor_municip_*`` has the 2020 kommunenummer as a string column, ``covidnor_nation_*``
has ``location_code = nation_nor``. Every column is present or absent for a whole file, and an
empty cell means "not available", never zero.

Known artefacts handled here (see ``SOURCES.md``):

* registration-date values spread evenly over non-publication days (Fri/Sat/Sun equal):
  flagged ``weekday_spread``; the values are kept as published.
* 2021-11-18 in the kommune vaccination series: the whole cumulative count registered again.
  Detected as a day whose sum over kommuner is larger than a tenth of the population; the
  values are kept with ``quality_flag = reregistration_spike`` and left out of aggregates.
* population, names and rates empty for the 114 kommuner renumbered in 2024: flagged
  ``missing_population_in_source``; population comes from SSB, names from the reference.
* the by-test-date series are right-truncated in their last days: flagged ``right_truncated``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data.importers.base import (
    NATION_CODE,
    Flag,
    Parsed,
    Rejections,
    SourceFile,
    Validator,
    as_date,
    date_span,
    iso_week_end,
    long_series,
    read_table,
)

SOURCE = "fhi_covidnor"
SOURCE_LABEL = "FHI (MSIS, SYSVAK, laboratoriedatabasen) via covidnor (CSIDS)"
STRUCTURE = 2020

# column → measure; dose columns are matched by pattern below
MEASURES = {
    "cases_by_regdate_n": "cases_by_regdate",
    "cases_by_testdate_n": "cases_by_testdate",
    "icu_admissions_n": "icu_admissions",
    "hospital_admissions_main_cause_n": "hospital_admissions",
    "testevents_all_n": "tests_all",
    "testevents_pos_n": "tests_pos",
    "testevents_neg_n": "tests_neg",
}
DOSE_COLUMN = re.compile(r"^vax_dose_(\d)_by_(regdate|vaxdate)(_sum0_999999)?_n$")
DERIVED_COLUMNS = re.compile(r"(_vs_pop_pr100000|_vs_all_pr100)$")
META_COLUMNS = {
    "date",
    "isoyear",
    "isoweek",
    "isoyearweek",
    "location_code",
    "kommunenummer",
    "location_name",
    "pop_jan1_n",
}
# A day whose kommune vaccination sum exceeds this share of Norway's population (5.4 M) is a
# re-registration, not vaccination: the real record day was about 110 000 doses.
SPIKE_THRESHOLD = 540_000
POPULATION_MEASURE = "population_jan1"
TRUNCATED_DAYS = 7
TESTDATE_MEASURES = ("cases_by_testdate", "tests_all", "tests_pos", "tests_neg")


def measure_of(column: str) -> str | None:
    if column in MEASURES:
        return MEASURES[column]
    m = DOSE_COLUMN.match(column)
    if m:
        dose, basis, cumulative = m.groups()
        prefix = "doses_cumulative" if cumulative else "doses"
        return f"{prefix}_by_{basis}_{dose}"
    return None


def detect(columns: list[str]) -> str | None:
    """``kommune``, ``fylke`` or ``nation`` for a covidnor header, else None."""
    cols = set(columns)
    if not {"date", "location_code"} <= cols or not any(measure_of(c) for c in cols):
        return None
    if "granularity_geo" in cols:
        return None
    if "kommunenummer" in cols:
        return "kommune"
    return "fylke" if "fylkesnummer" in cols else "nation"


def detect_level_by_codes(text: str) -> str | None:
    """The level the ``location_code`` values of the first lines name (``municip_nor…``,
    ``county_nor…``, ``nation_nor``): a file is judged by its rows, not only its header."""
    head = text[:4000]
    for prefix, level in (
        ("municip_nor", "kommune"),
        ("county_nor", "fylke"),
        ("nation_nor", "nation"),
    ):
        if prefix in head:
            return level
    return None


def detect_period(text: str) -> str:
    """``week`` when consecutive rows of one location are 7 days apart, else ``day``."""
    head = "\n".join(text.split("\n", 40)[:40])
    try:
        frame = pd.read_csv(
            __import__("io").StringIO(head), dtype=str, keep_default_na=False, on_bad_lines="skip"
        )
        dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
        frame = frame.assign(_d=dates).dropna(subset=["_d"])
        gaps = frame.groupby("location_code")["_d"].diff().dt.days.dropna()
        sundays = frame["_d"].dt.day_of_week.eq(6).all()
        if len(frame) and sundays and (not len(gaps) or gaps.min() >= 7):
            return "week"
    except (KeyError, ValueError, pd.errors.ParserError):
        pass
    return "day"


def _population_limits(
    v: Validator, frame: pd.DataFrame, level: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the population of the area (NaN where the file has none) and its validated
    values, so that counts can be checked against it."""
    if "pop_jan1_n" not in frame.columns:
        nan = np.full(len(frame), np.nan)
        return nan, nan
    pop = v.count("pop_jan1_n", level=level)
    return np.where(pop > 0, pop, np.nan), pop


def _population_facts(
    frame: pd.DataFrame, code: pd.Series, dates: pd.Series, pop: np.ndarray, keep: np.ndarray
) -> pd.DataFrame:
    """The file's own population of 1 January per kommune and year (``pop_jan1_n`` is the
    population of the ISO year: read on the days whose calendar year is that ISO year)."""
    if "isoyear" not in frame.columns:
        return pd.DataFrame()
    isoyear = pd.to_numeric(frame["isoyear"].str.strip(), errors="coerce").to_numpy()
    ok = keep & np.isfinite(pop) & (dates.dt.year.to_numpy() == isoyear)
    if not ok.any():
        return pd.DataFrame()
    part = pd.DataFrame(
        {"area_code": code.to_numpy()[ok], "year": isoyear[ok].astype(int), "value": pop[ok]}
    )
    part["line"] = np.flatnonzero(ok)
    first = part.groupby(["area_code", "year"], as_index=False).agg(
        value=("value", "first"), line=("line", "first")
    )
    return first


# per level: digits of the code, and the location_code prefix
CODE_FORMS = {"kommune": (4, "municip_nor"), "fylke": (2, "county_nor")}


def _area_codes(v: Validator, numbers: pd.Series, location: pd.Series, level: str) -> pd.Series:
    """Kommune- or fylkesnummer, zero-padded (a spreadsheet may have eaten the leading zero:
    301 for 0301), checked against the structure and against ``location_code``."""
    width, prefix = CODE_FORMS[level]
    column = str(numbers.name)
    code = numbers.str.strip()
    code = code.where(~(code.str.fullmatch(rf"\d{{1,{width - 1}}}")), code.str.zfill(width))
    v.reject((code == "").to_numpy(), column, "missing_value")
    v.codes(code, column, structure=STRUCTURE, level=level)
    in_location = location.str.extract(rf"^{prefix}(\d{{1,{width}}})$", expand=False)
    in_location = in_location.fillna("").str.zfill(width)
    v.reject(
        ((location != "") & (code != "") & (in_location != code)).to_numpy(),
        "location_code",
        "code_mismatch",
    )
    return code


def parse(src: SourceFile, *, level: str, period: str) -> Parsed:
    rejects = Rejections()
    number_column = {"kommune": "kommunenummer", "fylke": "fylkesnummer"}.get(level)
    table = read_table(src, rejects, required=["date", "location_code"])
    frame = table.frame
    if number_column is not None and number_column not in frame.columns:
        # the number is in the location code (municip_nor0301, county_nor03)
        prefix = CODE_FORMS[level][1]
        frame[number_column] = (
            frame["location_code"]
            .str.strip()
            .str.extract(rf"^{prefix}(\d+)$", expand=False)
            .fillna("")
        )
    v = Validator(table, rejects)
    dates = v.date("date")
    if period == "week":
        v.reject((dates.notna() & (dates.dt.day_of_week != 6)).to_numpy(), "date", "week_mismatch")
        if "isoyearweek" in frame.columns:
            week_end = pd.to_datetime(
                frame["isoyearweek"].str.strip() + "-7", format="%G-%V-%u", errors="coerce"
            )
            v.reject(
                (dates.notna() & (week_end != dates)).to_numpy(), "isoyearweek", "week_mismatch"
            )
    location = v.required("location_code")
    if number_column is not None:
        code = _area_codes(v, frame[number_column], location, level)
    else:
        code = pd.Series(NATION_CODE, index=frame.index)
        v.reject(
            ((location != "") & (location != "nation_nor")).to_numpy(),
            "location_code",
            "unknown_code",
        )
    value_columns = {c: measure_of(c) for c in frame.columns}
    counted = {c: m for c, m in value_columns.items() if m is not None}
    values = {m: v.count(c, level=level) for c, m in counted.items()}
    pop, pop_values = _population_limits(v, frame, level)
    for column, measure in counted.items():
        values[measure] = v.against_population(
            column, values[measure], pop, doses=measure.startswith("doses")
        )
    v.duplicates([code.to_numpy(), dates.to_numpy()], "date")

    keep = v.good
    flags: list[Flag] = []
    quality: dict[str, np.ndarray] = {}
    if level == "kommune":
        quality.update(_spikes(values, dates, keep, flags))
        if period == "day":
            flags += _weekday_spread(values, code, dates, keep)
        flags += _missing_population(frame, code, keep)
    else:
        quality.update(_right_truncated(values, dates, keep, period, flags))
    ignored = sorted(
        c for c in frame.columns if value_columns.get(c) is None and c not in META_COLUMNS
    )
    if ignored:
        flags.append(Flag("ignored_columns", detail={"columns": ignored}))

    facts = long_series(
        keys={"area_code": code.to_numpy(dtype=object), "date": dates.to_numpy()},
        measures=values,
        lines=table.lines,
        keep=keep,
        flags=quality,
    )
    if level == "kommune":
        population = _population_facts(frame, code, dates, pop_values, keep)
        if not population.empty:
            # one row per kommune and year: the series' own denominators (measure
            # population_jan1, period year), used where SSB has no table for that year
            facts["period"] = period
            extra_rows = pd.DataFrame(
                {
                    "area_code": population["area_code"].to_numpy(dtype=object),
                    "date": pd.to_datetime(population["year"].astype(str) + "-01-01").to_numpy(),
                    "measure": POPULATION_MEASURE,
                    "value": population["value"].to_numpy(dtype="float64"),
                    "line": table.lines[population["line"].to_numpy()],
                    "quality_flag": None,
                    "period": "year",
                }
            )
            facts = pd.concat(
                [
                    facts.astype({"area_code": object, "measure": object, "period": object}),
                    extra_rows,
                ],
                ignore_index=True,
            )
    good_dates = dates[keep]
    return Parsed.from_table(
        table,
        keep,
        rejects=rejects,
        dataset=f"covidnor:{level}:{period}",
        structure=STRUCTURE,
        facts={"reported_series": facts},
        flags=flags,
        **date_span(good_dates),
        detail={"level": level, "period": period, "facts": len(facts), "encoding": src.encoding},
        extra={
            # without its own population the file is checked against the store's
            "population_check": {}
            if "pop_jan1_n" in frame.columns
            else {m: (c, m.startswith("doses")) for c, m in counted.items()},
            "constants": {
                "source": SOURCE,
                "structure": STRUCTURE,
                "area_level": level,
                "period": period,
                "age_band": "total",
                "sex": "T",
            },
        },
    )


def _spikes(
    values: dict[str, np.ndarray], dates: pd.Series, keep: np.ndarray, flags: list[Flag]
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for measure, vals in values.items():
        if not measure.startswith("doses_by_regdate"):
            continue
        ok = keep & ~np.isnan(vals)
        sums = pd.Series(vals[ok]).groupby(dates.to_numpy()[ok]).sum()
        spike_days = sums.index[sums > SPIKE_THRESHOLD]
        if len(spike_days) == 0:
            continue
        hit = ok & dates.isin(spike_days).to_numpy()
        flag = np.full(len(vals), None, dtype=object)
        flag[hit] = "reregistration_spike"
        out[measure] = flag
        for day in spike_days:
            day_hit = hit & (dates == day).to_numpy()
            flags.append(
                Flag(
                    "reregistration_spike",
                    severity="warning",
                    rows_affected=int(day_hit.sum()),
                    measure=measure,
                    date=as_date(day),
                    detail={"sum_over_kommuner": int(sums[day]), "threshold": SPIKE_THRESHOLD},
                )
            )
    return out


def _weekday_spread(
    values: dict[str, np.ndarray], code: pd.Series, dates: pd.Series, keep: np.ndarray
) -> list[Flag]:
    flags = []
    for measure, vals in values.items():
        if "regdate" not in measure or measure.startswith("doses_cumulative"):
            continue
        ok = keep & ~np.isnan(vals)
        frame = pd.DataFrame({"code": code[ok].to_numpy(), "date": dates[ok].to_numpy()})
        frame["v"] = vals[ok]
        frame = frame.sort_values(["code", "date"])
        same_kommune = frame["code"].eq(frame["code"].shift(1)) & frame["code"].eq(
            frame["code"].shift(2)
        )
        consecutive = (frame["date"] - frame["date"].shift(2)).dt.days.eq(2)
        sunday = frame["date"].dt.day_of_week.eq(6) & same_kommune & consecutive
        fri_positive = sunday & frame["v"].shift(2).gt(0)
        equal = (
            fri_positive & frame["v"].eq(frame["v"].shift(1)) & frame["v"].eq(frame["v"].shift(2))
        )
        if int(equal.sum()) == 0:
            continue
        flags.append(
            Flag(
                "weekday_spread",
                measure=measure,
                rows_affected=int(equal.sum()) * 3,
                detail={
                    "weekends_with_equal_fri_sat_sun": int(equal.sum()),
                    "weekends_with_cases": int(fri_positive.sum()),
                    "share": round(float(equal.sum()) / max(int(fri_positive.sum()), 1), 3),
                },
            )
        )
    return flags


def _missing_population(frame: pd.DataFrame, code: pd.Series, keep: np.ndarray) -> list[Flag]:
    if "pop_jan1_n" not in frame.columns:
        return []
    empty = frame["pop_jan1_n"].str.strip().eq("").to_numpy() & keep
    by_code = pd.Series(empty).groupby(code.to_numpy()).all()
    missing = sorted(by_code.index[by_code])
    if not missing:
        return []
    return [
        Flag(
            "missing_population_in_source",
            severity="warning",
            rows_affected=int(empty.sum()),
            detail={"kommuner": len(missing), "codes": missing},
        )
    ]


def _right_truncated(
    values: dict[str, np.ndarray],
    dates: pd.Series,
    keep: np.ndarray,
    period: str,
    flags: list[Flag],
) -> dict[str, np.ndarray]:
    out = {}
    for measure in TESTDATE_MEASURES:
        vals = values.get(measure)
        if vals is None:
            continue
        ok = keep & ~np.isnan(vals)
        if not ok.any():
            continue
        last = dates[ok].max()
        days = TRUNCATED_DAYS if period == "day" else 1
        step = pd.Timedelta(days=days if period == "day" else 7)
        hit = ok & (dates > last - step).to_numpy()
        flag = np.full(len(vals), None, dtype=object)
        kind = "right_truncated" if period == "day" else "partial_week"
        flag[hit] = kind
        out[measure] = flag
        flags.append(
            Flag(
                kind,
                measure=measure,
                rows_affected=int(hit.sum()),
                date=as_date(last),
                detail={"from": as_date(last - step + pd.Timedelta(days=1))},
            )
        )
    return out


__all__ = ["SOURCE", "SOURCE_LABEL", "detect", "detect_period", "iso_week_end", "parse"]
