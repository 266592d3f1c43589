"""What an importer returns: the valid facts, quality flags and rejections of a file, and the
helpers that shape published series into facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from data.importers.rejections import Rejections


@dataclass
class Flag:
    kind: str
    severity: str = "info"
    rows_affected: int = 0
    measure: str | None = None
    area_code: str | None = None
    date: dt.date | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parsed:
    """What one importer made of one file."""

    dataset: str
    structure: int | None
    rows_read: int
    rows_loaded: int
    facts: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows_skipped: int = 0
    flags: list[Flag] = field(default_factory=list)
    period_start: dt.date | None = None
    data_date: dt.date | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific payload for store()
    rejects: Rejections = field(default_factory=lambda: Rejections())
    # physical lines of the rows loaded (and skipped): with the rejected lines, every line read
    loaded_lines: np.ndarray | None = None
    skipped_lines: np.ndarray | None = None


def as_date(value: Any) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def long_series(
    *,
    keys: dict[str, np.ndarray | pd.Series],
    measures: dict[str, np.ndarray],
    lines: np.ndarray,
    keep: np.ndarray,
    flags: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Wide value columns → long ``reported_series`` rows; empty cells (NaN) give no row.

    String keys become categoricals (cheap to build, cheap to insert). ``flags`` maps a measure
    to an object array of quality flags (None where clean).
    """
    factorised = {}
    for k, arr in keys.items():
        if np.issubdtype(np.asarray(arr).dtype, np.datetime64):
            factorised[k] = (None, np.asarray(arr))
        else:
            codes, uniques = pd.factorize(pd.Series(arr), sort=False)
            factorised[k] = (uniques, codes)
    index_parts, measure_parts, value_parts, flag_parts = [], [], [], []
    names = list(measures)
    # Series identity within a measure: the row's non-date keys (e.g. the kommune).
    group = np.zeros(len(lines), dtype=np.int64)
    for uniques, arr in factorised.values():
        if uniques is not None:
            group = group * (len(uniques) + 1) + arr
    dates = next((arr for u, arr in factorised.values() if u is None), None)
    for i, (measure, values) in enumerate(measures.items()):
        present = keep & ~np.isnan(values)
        idx = np.flatnonzero(present)
        gaps = keep & np.isnan(values)
        if dates is not None and gaps.any() and present.any():
            # empty cells inside a series' span are stored (NULL): "not available", not zero
            spans = pd.DataFrame({"g": group[present], "d": dates[present]}).groupby("g")["d"]
            lo = spans.min().reindex(group[gaps]).to_numpy()
            hi = spans.max().reindex(group[gaps]).to_numpy()
            inside = (dates[gaps] > lo) & (dates[gaps] < hi)
            idx = np.sort(np.concatenate([idx, np.flatnonzero(gaps)[inside]]))
        index_parts.append(idx)
        measure_parts.append(np.full(len(idx), i, dtype=np.int16))
        value_parts.append(values[idx])
        flag = (flags or {}).get(measure)
        flag_parts.append(
            np.full(len(idx), None, dtype=object) if flag is None else np.asarray(flag)[idx]
        )
    idx = np.concatenate(index_parts) if index_parts else np.array([], dtype=np.int64)
    out = {}
    for k, (uniques, arr) in factorised.items():
        out[k] = arr[idx] if uniques is None else pd.Categorical.from_codes(arr[idx], uniques)
    out["measure"] = pd.Categorical.from_codes(
        np.concatenate(measure_parts) if measure_parts else np.array([], dtype=np.int16), names
    )
    out["value"] = np.concatenate(value_parts) if value_parts else np.array([], dtype="float64")
    out["line"] = np.asarray(lines)[idx]
    out["quality_flag"] = np.concatenate(flag_parts) if flag_parts else np.array([], dtype=object)
    return pd.DataFrame(out)


def sparse_series(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows to store and spans for a long ``reported_series`` frame.

    Zeros are dropped from the rows (a date inside a span without a row is a zero); the span
    of each series (measure × the key columns present) records its first and last date with
    a value, its number of cells and how many were zero.
    """
    if frame.empty:
        return frame, pd.DataFrame()
    keys = [c for c in ("disease", "measure", "area_code", "age_band", "sex") if c in frame.columns]
    present = frame[frame["value"].notna()]
    spans = (
        present.assign(_zero=present["value"].eq(0))
        .groupby(keys, observed=True, sort=False)
        .agg(
            first_date=("date", "min"),
            last_date=("date", "max"),
            cells=("value", "size"),
            zeros=("_zero", "sum"),
        )
        .reset_index()
    )
    stored = frame[~frame["value"].eq(0)].reset_index(drop=True)
    return stored, spans
