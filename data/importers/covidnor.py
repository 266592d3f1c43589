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
    """``kommune`` or ``nation`` for a covidnor header, else None."""
    cols = set(columns)
    if not {"date", "location_code"} <= cols or not any(measure_of(c) for c in cols):
        return None
    if "granularity_geo" in cols:
        return None
    return "kommune" if "kommunenummer" in cols else "nation"


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


def parse(src: SourceFile, *, level: str, period: str) -> Parsed:
    rejects = Rejections()
    required = ["date", "location_code"] + (["kommunenummer"] if level == "kommune" else [])
    table = read_table(src, rejects, required=required)
    frame = table.frame
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
    if level == "kommune":
        code = frame["kommunenummer"].str.strip()
        # a spreadsheet may have eaten the leading zero (301 for 0301)
        code = code.where(~(code.str.fullmatch(r"\d{1,3}")), code.str.zfill(4))
        v.reject((code == "").to_numpy(), "kommunenummer", "missing_value")
        v.codes(code, "kommunenummer", structure=STRUCTURE, level="kommune")
        in_location = location.str.extract(r"^municip_nor(\d{1,4})$", expand=False)
        in_location = in_location.fillna("").str.zfill(4)
        v.reject(
            ((location != "") & (code != "") & (in_location != code)).to_numpy(),
            "location_code",
            "code_mismatch",
        )
    else:
        code = pd.Series(NATION_CODE, index=frame.index)
        v.reject(
            ((location != "") & (location != "nation_nor")).to_numpy(),
            "location_code",
            "unknown_code",
        )
    value_columns = {c: measure_of(c) for c in frame.columns}
    values = {m: v.count(c, level=level) for c, m in value_columns.items() if m is not None}
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
    good_dates = dates[keep]
    return Parsed(
        rejects=rejects,
        dataset=f"covidnor:{level}:{period}",
        structure=STRUCTURE,
        rows_read=len(frame),
        rows_loaded=int(keep.sum()),
        facts={"reported_series": facts},
        flags=flags,
        period_start=as_date(good_dates.min()) if len(good_dates) else None,
        data_date=as_date(good_dates.max()) if len(good_dates) else None,
        detail={"level": level, "period": period, "facts": len(facts), "encoding": src.encoding},
        extra={
            "constants": {
                "source": SOURCE,
                "structure": STRUCTURE,
                "area_level": level,
                "period": period,
                "age_band": "total",
                "sex": "T",
            }
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
