"""Small-number protection, applied in the data layer before anything leaves it.

For a scope without small-number access to a row's area, every count is published by the
cell-key method of :mod:`data.disclosure`: counts of 1–4 are withheld (NaN, with a
``<column>_suppressed`` flag so that the UI can show "1–4"), 0 stays 0, and larger counts are
perturbed by a little (the same value wherever the same count of the same area is shown), so
that no withheld count can be recovered by subtracting other published counts: no secondary
suppression is needed. Rates computed on a withheld count are withheld too. Callers never get
the hidden value, so no cache, export or hover text can leak it.

The key figures carry their published cells from the load (:mod:`data.published`, record keys
per area, day and family); the other reads are protected here, with one record key per area
and count (every record of the area shares it): the cell key of a count ``v`` is then ``v``
times that key modulo 256, so the same count of the same area is always published alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from data import disclosure
from data.scope import Scope

SMALL_MIN = 1
SMALL_MAX = disclosure.SMALL_MAX


def is_small(values: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(values, errors="coerce")
    return (numeric >= SMALL_MIN) & (numeric <= SMALL_MAX)


def protect(
    frame: pd.DataFrame,
    *,
    scope: Scope,
    counts: Sequence[str],
    rates: Mapping[str, Sequence[str]] | None = None,
    kommune_column: str | None = "kommunenummer",
    area_code: str | None = None,
) -> pd.DataFrame:
    """Publish ``counts`` (and withhold rates built on them) as ``scope`` may see them.

    ``rates`` maps a rate column to the count columns it is computed from (withheld with
    them). Rows are judged by ``kommune_column``; for an aggregate series of one area (a
    fylke, the nation) pass ``kommune_column=None`` and the area's code (or None for the
    nation) as ``area_code``.
    """
    if not frame.columns.is_unique:
        raise ValueError(f"protect(): repeated column labels {list(frame.columns)}")
    if not frame.index.is_unique:
        out = protect(
            frame.reset_index(drop=True),
            scope=scope,
            counts=counts,
            rates=rates,
            kommune_column=kommune_column,
            area_code=area_code,
        )
        out.index = frame.index
        return out
    # Every page calls this for every read: work on numpy arrays and build the result in one
    # step (a column insert per flag costs more than the whole judgement).
    allowed = _allowed(frame, scope, kommune_column, area_code)
    replaced: dict[str, pd.Series] = {}
    flags: dict[str, np.ndarray] = {}
    for column in counts:
        numeric = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
        hidden = (numeric >= SMALL_MIN) & (numeric <= SMALL_MAX) & ~allowed
        flags[f"{column}_suppressed"] = hidden
        moved = ~allowed & (numeric > SMALL_MAX)
        if hidden.any() or moved.any():
            values = numeric.copy()
            values[hidden] = np.nan
            if moved.any():
                true = numeric[moved].astype(np.int64)
                record = _record_keys(frame, kommune_column, area_code, column)[moved]
                values[moved] = disclosure.publish(true, disclosure.cell_keys(true, record))
            replaced[column] = pd.Series(values, index=frame.index)
    for rate, bases in (rates or {}).items():
        hidden = np.zeros(len(frame), dtype=bool)
        for base in bases:
            name = f"{base}_suppressed"
            if name in flags:
                hidden |= flags[name]
            elif name in frame.columns:
                hidden |= frame[name].to_numpy(dtype=bool)
        if hidden.any():
            source = replaced.get(rate, frame[rate])
            replaced[rate] = source.astype("float64").where(~hidden, np.nan)
        flags[f"{rate}_suppressed"] = hidden
    data: dict[str, object] = {c: replaced.get(c, frame[c]) for c in frame.columns}
    for name, values in flags.items():
        data[name] = pd.Series(values, index=frame.index, dtype=bool)
    return pd.DataFrame(data, index=frame.index)


def protect_area(
    frame: pd.DataFrame,
    *,
    scope: Scope,
    level: str,
    code: str | None,
    counts: Sequence[str],
    rates: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """:func:`protect` for the rows of one area (a kommune, a fylke or the nation, as the
    subject reads name it by ``level`` and ``code``): judged as that area, not row by row."""
    return protect(
        frame,
        scope=scope,
        counts=counts,
        rates=rates,
        kommune_column=None,
        area_code=code if level == "kommune" else None,
    )


def _record_keys(
    frame: pd.DataFrame, kommune_column: str | None, area_code: str | None, column: str
) -> np.ndarray:
    """The record key of each row's area for the count ``column``: one key per area (a
    kommunenummer, or the aggregate's code), computed once per distinct area."""
    from data.published import area_keys, secret

    if kommune_column is None:
        key = area_keys(secret(), column, [str(area_code or "aggregate")])[0]
        return np.full(len(frame), key, dtype=np.int64)
    codes, uniques = pd.factorize(frame[kommune_column].astype(str))
    keys = area_keys(secret(), column, [str(u) for u in uniques])
    return keys[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def _allowed(
    frame: pd.DataFrame, scope: Scope, kommune_column: str | None, area_code: str | None
) -> np.ndarray:
    if kommune_column is None:
        return np.full(len(frame), bool(scope.may_see_small_numbers(area_code)), dtype=bool)
    codes, uniques = pd.factorize(frame[kommune_column])
    if (codes < 0).any():
        return frame[kommune_column].map(scope.may_see_small_numbers).astype(bool).to_numpy()
    judged = np.array([bool(scope.may_see_small_numbers(u)) for u in uniques], dtype=bool)
    return judged[codes] if len(codes) else np.zeros(0, dtype=bool)
