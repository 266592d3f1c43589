"""The daily aggregates of :mod:`data.aggregates` computed from event frames in memory.

A bulk load that still holds its events as DataFrames (the demo build) groups them with pandas
instead of reading millions of stored rows back with ``INSERT … SELECT``. The definitions are
those of :mod:`data.aggregates`, column by column (NULL keys form a group, as in SQL; a NULL
flag counts as false); ``tests/test_build_paths.py`` checks that both paths give the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd


def _group(frame: pd.DataFrame, keys: dict[str, str], sums: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per distinct ``keys`` (aggregate column → frame column) with the row count
    under ``"n"`` and the sum of each array of ``sums``."""
    data = {out: frame[src] for out, src in keys.items()}
    data.update({name: pd.Series(values, index=frame.index) for name, values in sums.items()})
    work = pd.DataFrame(data)
    grouped = work.groupby(list(keys), observed=True, dropna=False, sort=False)
    out = grouped.size().rename("n").to_frame()
    for name in sums:
        out[name] = grouped[name].sum()
    return out.reset_index()


def _daily_keys(date: str, *extra: str) -> dict[str, str]:
    """The grouping of a daily aggregate: disease, kommune, the event's ``date`` column and the
    ``extra`` columns under their own names (as :func:`data.aggregates._daily_keys`)."""
    keys = {"disease": "disease", "kommunenummer": "kommunenummer", "date": date}
    return keys | {column: column for column in extra}


def _flag(series: pd.Series) -> np.ndarray:
    """1 where the flag is true, 0 where false or NULL."""
    return series.fillna(False).astype(bool).to_numpy().astype(np.int64)


def _cases(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    c = frames["case"]
    base = {"disease": "disease", "kommunenummer": "kommunenummer", "age_band": "age_band"}
    tested = c[c["test_date"].notna()]
    by_test = _group(tested, {**base, "date": "test_date"}, {}).rename(
        columns={"n": "cases_by_testdate"}
    )
    by_reg = _group(c, {**base, "date": "registration_date"}, {}).rename(
        columns={"n": "cases_by_regdate"}
    )
    keys = ["disease", "kommunenummer", "date", "age_band"]
    both = pd.concat([by_test, by_reg], ignore_index=True)
    both[["cases_by_testdate", "cases_by_regdate"]] = (
        both[["cases_by_testdate", "cases_by_regdate"]].fillna(0).astype(np.int64)
    )
    for key in keys:  # categories of the two parts may differ: compare values
        if isinstance(both[key].dtype, pd.CategoricalDtype):
            both[key] = both[key].astype(object)
    merged = both.groupby(keys, dropna=False, sort=False)[
        ["cases_by_testdate", "cases_by_regdate"]
    ].sum()
    return merged.reset_index()


def _tests(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    t = frames["test_event"]
    known = t["result_date"].notna().to_numpy()
    days = (t["result_date"] - t["sample_date"]).dt.days.to_numpy()
    days = np.where(known, np.nan_to_num(days), 0).astype(np.int64)
    out = _group(
        t,
        _daily_keys("sample_date", "age_band", "test_type"),
        {
            "positive": _flag(t["positive"]),
            "result_days_sum": days,
            "result_days_n": known.astype(np.int64),
        },
    )
    return out.rename(columns={"n": "tests"})


def _vaccination(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    keys = _daily_keys("vaccination_date", "age_band", "dose_number")
    return _group(frames["vaccination"], keys, {}).rename(columns={"n": "doses"})


def _hospital(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    h = frames["hospital_admission"]
    out = _group(h, _daily_keys("admission_date", "age_band"), {"icu_admissions": _flag(h["icu"])})
    return out.rename(columns={"n": "admissions"})


def _arrivals(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    a = frames["arrival"]
    has_fd = a["has_fd_number"]
    tested = _flag(a["tested_at_border"])
    sums = {
        "without_fd_number": (has_fd.notna() & ~has_fd.fillna(True).astype(bool))
        .to_numpy()
        .astype(np.int64),
        "tested": tested,
        "positive": tested * _flag(a["test_positive"]),
        "quarantine_required": _flag(a["quarantine_required"]),
        "follow_up_completed": (a["follow_up_status"] == "completed")
        .fillna(False)
        .to_numpy()
        .astype(np.int64),
    }
    return _group(a, _daily_keys("arrival_date"), sums).rename(columns={"n": "arrivals"})


# aggregate table → (event table it needs, its computation)
BUILDERS: dict[str, tuple[str, Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame]]] = {
    "agg_cases_daily": ("case", _cases),
    "agg_tests_daily": ("test_event", _tests),
    "agg_vaccination_daily": ("vaccination", _vaccination),
    "agg_hospital_daily": ("hospital_admission", _hospital),
    "agg_arrivals_daily": ("arrival", _arrivals),
}


def daily(table: str, frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
    """The rows of one daily aggregate from the frames, or None when the frames lack its
    event table (the caller then aggregates the stored rows)."""
    source, build = BUILDERS[table]
    if source not in frames:
        return None
    return build(frames)


__all__ = ["BUILDERS", "daily"]
