"""What an importer returns: the valid facts, quality flags and rejections of a file, and the
helpers that shape published series into facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from data.importers.rejections import Rejections

if TYPE_CHECKING:
    from data.importers.reading import Table


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

    @classmethod
    def from_table(cls, table: Table, keep: np.ndarray, **fields: Any) -> Parsed:
        """What an importer made of a table read by :func:`~data.importers.reading.read_table`:
        every row read counted, the rows ``keep`` marks loaded with their physical lines;
        ``fields`` are the rest."""
        return cls(
            rows_read=table.rows_read,
            loaded_lines=table.lines[keep],
            rows_loaded=int(keep.sum()),
            **fields,
        )


def missing_codes(
    missing: list[str], structure: int, level: str | None = None, **more: Any
) -> list[Flag]:
    """The warning that a file lacks codes of its structure (the first 50 named), or none."""
    if not missing:
        return []
    where = {"structure": structure, **({"level": level} if level else {})}
    detail = {**where, "codes": missing[:50], **more}
    return [Flag("missing_codes", severity="warning", rows_affected=len(missing), detail=detail)]


def crosswalk_split(crosswalk: pd.DataFrame) -> list[Flag]:
    """The note that a crosswalk splits codes (rows of weight < 1), or none."""
    split = crosswalk[crosswalk["weight"] < 1]
    if not len(split):
        return []
    detail = {"split": split.astype(str).to_dict("records")}
    return [Flag("crosswalk_split", rows_affected=len(split), detail=detail)]


def date_span(dates: Any) -> dict[str, dt.date | None]:
    """``period_start`` and ``data_date`` of a Parsed: the first and last of the loaded rows'
    dates (None when no row was loaded)."""
    if not len(dates):
        return {"period_start": None, "data_date": None}
    return {"period_start": as_date(dates.min()), "data_date": as_date(dates.max())}


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
