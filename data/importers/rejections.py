"""Rejections: a file refused as a whole (:class:`ImportFormatError`) and the rejected
(line, field, value, reason) records of the rows that failed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

MAX_VALUE_CHARS = 200


class ImportFormatError(ValueError):
    """The file as a whole cannot be imported; ``reason`` is a code in texts.REJECT_REASONS_NB."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Rejections:
    """Rejected (line, field, value, reason) records, collected column by column."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(
        self,
        mask: np.ndarray | pd.Series,
        lines: np.ndarray,
        field: str | None,
        values: pd.Series | np.ndarray | None,
        reason: str,
    ) -> None:
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return
        vals: Any
        if values is None:
            vals = None
        else:
            vals = (
                pd.Series(np.asarray(values, dtype=object)[m])
                .astype(str)
                .str.slice(0, MAX_VALUE_CHARS)
                .to_numpy()
            )
        self._parts.append(
            pd.DataFrame(
                {
                    "line": np.asarray(lines)[m].astype("int64"),
                    "field": field,
                    "value": vals,
                    "reason": reason,
                }
            )
        )

    def add_line(self, line: int | None, field: str | None, value: str | None, reason: str) -> None:
        self._parts.append(
            pd.DataFrame(
                {
                    "line": pd.array([line], dtype="Int64"),
                    "field": [field],
                    "value": [value],
                    "reason": [reason],
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame(
                {
                    "line": pd.array([], dtype="Int64"),
                    "field": pd.Series([], dtype=object),
                    "value": pd.Series([], dtype=object),
                    "reason": pd.Series([], dtype=object),
                }
            )
        out = pd.concat(self._parts, ignore_index=True)
        out["line"] = out["line"].astype("Int64")
        return out.sort_values("line", kind="stable", na_position="first").reset_index(drop=True)

    def lines(self) -> set[int]:
        return {int(x) for p in self._parts for x in p["line"].dropna()}

    def __len__(self) -> int:
        return sum(len(p) for p in self._parts)
