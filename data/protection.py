"""Small-number protection, applied in the data layer before anything leaves it.

For a scope without small-number access, counts of 1–4 are withheld (NaN, with a
``<column>_suppressed`` flag so that the UI can show "1–4"), and rates computed on them are
withheld too. Zero is not a small number. Callers never get the hidden value, so no cache,
export or hover text can leak it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from data.scope import Scope

SMALL_MIN = 1
SMALL_MAX = 4


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
    secondary_groups: Sequence[str | None] | None = None,
) -> pd.DataFrame:
    """Withhold small counts (and rates built on them) that ``scope`` may not see.

    ``rates`` maps a rate column to the count columns it is computed from. Rows are judged by
    ``kommune_column``; for an aggregate series of one area (a fylke, the nation) pass
    ``kommune_column=None`` and the area's code (or None for the nation) as ``area_code``.

    ``secondary_groups`` names the totals that are published beside the rows (``None`` for the
    grand total, or a column such as ``fylkesnummer`` for county totals): where exactly one
    row of such a group is hidden, the total would give it away, so the next smallest visible
    positive row of the group is hidden too (secondary suppression).
    """
    if not (frame.columns.is_unique and frame.index.is_unique):
        return _protect_frame(
            frame,
            scope=scope,
            counts=counts,
            rates=rates,
            kommune_column=kommune_column,
            area_code=area_code,
            secondary_groups=secondary_groups,
        )
    # Every page calls this for every read: work on numpy arrays and build the result in one
    # step (a column insert per flag costs more than the whole judgement).
    allowed = _allowed(frame, scope, kommune_column, area_code)
    replaced: dict[str, pd.Series] = {}
    flags: dict[str, np.ndarray] = {}
    partitions = None
    for column in counts:
        numeric = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
        hidden = (numeric >= SMALL_MIN) & (numeric <= SMALL_MAX) & ~allowed
        if secondary_groups is not None:
            if partitions is None:
                partitions = _partitions(frame, secondary_groups)
            hidden = _secondary_arrays(numeric, hidden, allowed, partitions)
        flags[f"{column}_suppressed"] = hidden
        if hidden.any():
            replaced[column] = frame[column].astype("float64").where(~hidden, np.nan)
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


def _partitions(frame: pd.DataFrame, groups: Sequence[str | None]) -> list[list[np.ndarray]]:
    """Row positions of each total, finest groups first (see :func:`_secondary`)."""
    out = []
    for group in sorted(groups, key=lambda g: g is None):
        if group is None:
            out.append([np.arange(len(frame))] if len(frame) else [])
            continue
        codes, uniques = pd.factorize(frame[group], sort=True)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        out.append([order[bounds[i] : bounds[i + 1]] for i in range(len(uniques))])
    return out


def _secondary_arrays(
    values: np.ndarray,
    hidden: np.ndarray,
    allowed: np.ndarray,
    partitions: list[list[np.ndarray]],
) -> np.ndarray:
    """:func:`_secondary` on arrays: the same rows hidden in the same order."""
    hidden = hidden.copy()
    positive = values > 0
    changed = True
    while changed:
        changed = False
        for parts in partitions:
            for index in parts:
                shown = ~hidden[index]
                if len(index) - int(shown.sum()) != 1:
                    continue
                candidates = index[shown & ~allowed[index] & positive[index]]
                if not len(candidates):
                    candidates = index[shown & positive[index]]
                if not len(candidates):
                    continue
                hidden[candidates[np.argmin(values[candidates])]] = True
                changed = True
    return hidden


def _protect_frame(
    frame: pd.DataFrame,
    *,
    scope: Scope,
    counts: Sequence[str],
    rates: Mapping[str, Sequence[str]] | None = None,
    kommune_column: str | None = "kommunenummer",
    area_code: str | None = None,
    secondary_groups: Sequence[str | None] | None = None,
) -> pd.DataFrame:
    """:func:`protect` column by column on the frame, for frames with repeated labels."""
    out = frame.copy()
    if kommune_column is not None:
        allowed = out[kommune_column].map(scope.may_see_small_numbers).astype(bool)
    else:
        allowed = pd.Series(scope.may_see_small_numbers(area_code), index=out.index, dtype=bool)
    for column in counts:
        hidden = is_small(out[column]) & ~allowed
        if secondary_groups is not None:
            hidden = _secondary(out[column], hidden, allowed, secondary_groups, out)
        out[f"{column}_suppressed"] = hidden
        if hidden.any():
            out[column] = out[column].astype("float64").where(~hidden, np.nan)
    for rate, bases in (rates or {}).items():
        hidden = pd.Series(False, index=out.index)
        for base in bases:
            hidden |= out.get(f"{base}_suppressed", False)
        if hidden.any():
            out[rate] = out[rate].astype("float64").where(~hidden, np.nan)
        out[f"{rate}_suppressed"] = hidden
    return out


def _secondary(
    values: pd.Series,
    hidden: pd.Series,
    allowed: pd.Series,
    groups: Sequence[str | None],
    frame: pd.DataFrame,
) -> pd.Series:
    hidden = hidden.copy()
    changed = True
    while changed:  # hiding a row for one total can expose another total: repeat until stable
        changed = False
        # finest groups first: hiding a second cell inside a county also covers the nation
        for group in sorted(groups, key=lambda g: g is None):
            keys = pd.Series(0, index=frame.index) if group is None else frame[group]
            for _key, index in keys.groupby(keys).groups.items():
                if int(hidden[index].sum()) != 1:
                    continue
                candidates = values[index][~hidden[index] & ~allowed[index] & (values[index] > 0)]
                if candidates.empty:
                    candidates = values[index][~hidden[index] & (values[index] > 0)]
                if candidates.empty:
                    continue
                hidden[candidates.idxmin()] = True
                changed = True
    return hidden
