"""Vectorised validation: whole columns checked at once with pandas/numpy; every failing
cell becomes a rejection and marks its row bad."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import compute as pa_compute

from data.importers.reading import SourceFile, Table, read_table
from data.importers.rejections import Rejections
from geo import reference

DATE_MIN = dt.date(2020, 1, 1)
# Anything larger than the population of the area it describes cannot be a count of persons,
# doses or tests in one period (the 2021-11-18 re-registration in Oslo is 360 178 doses).
MAX_COUNT = {"kommune": 1_000_000, "fylke": 2_000_000, "nation": 50_000_000}
NATION_CODE = "NO"
# Doses of one dose number in an area and period may exceed its population a little (moves,
# unregistered residents); more than this factor means a column holds something else.
DOSE_FACTOR = 1.2


def read_checked(
    src: SourceFile, required: Sequence[str] | Callable[[list[str]], bool]
) -> tuple[Table, Validator]:
    """A file read as a table of strings (:func:`~data.importers.reading.read_table`, the
    ``required`` columns) and a validator over it that collects the file's rejections."""
    rejects = Rejections()
    table = read_table(src, rejects, required=required)
    return table, Validator(table, rejects)


class Validator:
    """Column validation for one table: every failing cell becomes a rejection and marks its
    row bad; the parsed columns are kept for the rows that pass."""

    def __init__(self, table: Table, rejects: Rejections) -> None:
        self.frame = table.frame
        self.lines = table.lines
        self.rejects = rejects
        # lines already rejected while reading (e.g. too few fields) are bad from the start
        already = rejects.lines()
        self.bad = (
            np.isin(self.lines, np.fromiter(already, dtype=np.int64))
            if already
            else np.zeros(len(self.frame), dtype=bool)
        )

    def reject(self, mask: np.ndarray | pd.Series, field: str | None, reason: str) -> None:
        m = np.asarray(mask, dtype=bool)
        values = self.frame[field] if field in self.frame.columns else None
        self.rejects.add(m, self.lines, field, values, reason)
        self.bad |= m

    def required(self, column: str) -> pd.Series:
        s = self.frame[column].str.strip()
        self.reject((s == "").to_numpy(), column, "missing_value")
        return s

    def count(
        self,
        column: str,
        *,
        level: str = "kommune",
        required: bool = False,
        max_value: np.ndarray | float | None = None,
    ) -> np.ndarray:
        """Non-negative integer counts as float64; NaN where the cell is empty (not available)."""
        s = self.frame[column].str.strip()
        empty = (s == "").to_numpy()
        if required:
            self.reject(empty, column, "missing_value")
        values = to_float(s)
        not_number = ~empty & ~np.isfinite(values)
        self.reject(not_number, column, "not_a_number")
        finite = np.isfinite(values)
        fractional = np.zeros_like(finite)
        fractional[finite] = values[finite] != np.round(values[finite])
        self.reject(fractional, column, "not_an_integer")
        self.reject(finite & (values < 0), column, "negative_count")
        limit = MAX_COUNT[level] if max_value is None else max_value
        self.reject(finite & (values > limit), column, "implausibly_large")
        return np.where(finite & ~fractional, values, np.nan)

    def against_population(
        self, column: str, values: np.ndarray, population: np.ndarray, *, doses: bool
    ) -> np.ndarray:
        """Counts that the area's population (NaN where unknown) rules out: a day's or week's
        persons (cases, tests, admissions) cannot reach it, doses of one dose number cannot
        exceed it by more than :data:`DOSE_FACTOR` (moves, unregistered residents). A column
        swapped with the population is caught here. Returns the values, NaN where rejected."""
        known = np.isfinite(population) & (population > 0) & np.isfinite(values)
        if doses:
            over = known & (values > population * DOSE_FACTOR)
        else:
            over = known & (values >= population)
        self.reject(over, column, "exceeds_population")
        return np.where(over, np.nan, values)

    def number(
        self, column: str, *, lo: float | None = None, hi: float | None = None
    ) -> np.ndarray:
        """A real number (rate, index); NaN where empty."""
        s = self.frame[column].str.strip()
        empty = (s == "").to_numpy()
        values = to_float(s)
        self.reject(~empty & ~np.isfinite(values), column, "not_a_number")
        out = np.isfinite(values) & (
            (values < (lo if lo is not None else -np.inf))
            | (values > (hi if hi is not None else np.inf))
        )
        self.reject(out, column, "out_of_range")
        return np.where(np.isfinite(values) & ~out, values, np.nan)

    def date(self, column: str, *, lo: dt.date = DATE_MIN, hi: dt.date | None = None) -> pd.Series:
        s = self.required(column)
        parsed = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
        invalid = (s != "").to_numpy() & parsed.isna().to_numpy()
        self.reject(invalid, column, "invalid_date")
        upper = pd.Timestamp(hi or dt.date.today())
        outside = (
            parsed.notna().to_numpy() & ((parsed < pd.Timestamp(lo)) | (parsed > upper)).to_numpy()
        )
        self.reject(outside, column, "date_out_of_range")
        return parsed

    def category(self, column: str, allowed: Iterable[str]) -> pd.Series:
        s = self.required(column)
        self.reject(((s != "") & ~s.isin(list(allowed))).to_numpy(), column, "unknown_category")
        return s

    def codes(self, codes: pd.Series, column: str, *, structure: int, level: str) -> None:
        """Kommune or fylke codes must exist in ``structure``; a code of the other one is a
        code-vintage mismatch, anything else unknown."""
        known = valid_codes(structure, level)
        other = set().union(
            *(valid_codes(s, level) for s in reference.STRUCTURES if s != structure)
        )
        present = (codes != "").to_numpy()
        in_known = codes.isin(known).to_numpy()
        in_other = codes.isin(other).to_numpy()
        self.reject(present & ~in_known & in_other, column, "code_vintage_mismatch")
        self.reject(present & ~in_known & ~in_other, column, "unknown_code")

    def duplicates(self, keys: Sequence[pd.Series | np.ndarray], field: str | None) -> None:
        """Second and later rows with the same key are rejected; only rows that are still good
        count as the first occurrence."""
        frame = pd.DataFrame({f"k{i}": np.asarray(k) for i, k in enumerate(keys)})
        good = frame[~self.bad]
        dup = good.duplicated(keep="first").reindex(frame.index, fill_value=False).to_numpy()
        self.reject(dup, field, "duplicate_row")

    @property
    def good(self) -> np.ndarray:
        return ~self.bad


def to_float(strings: pd.Series) -> np.ndarray:
    """Numbers from (stripped) strings; NaN where empty or not a number.

    Arrow's cast handles the common all-valid column in one pass; a column with any bad cell
    falls back to pandas, which turns the bad cells into NaN.
    """
    try:
        arr = pa.array(strings.array) if hasattr(strings.array, "__arrow_array__") else None
        if arr is not None:
            arr = pa_compute.if_else(pa_compute.equal(arr, ""), None, arr)
            return np.asarray(
                pa_compute.cast(arr, pa.float64()).to_numpy(zero_copy_only=False),
                dtype="float64",
            )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        pass
    return pd.to_numeric(strings.where(strings != ""), errors="coerce").to_numpy(dtype="float64")


@functools.cache
def valid_codes(structure: int, level: str) -> frozenset[str]:
    if level == "kommune":
        return frozenset(reference.kommuner(structure)["kommunenummer"])
    if level == "fylke":
        return frozenset(reference.fylker(structure)["fylkesnummer"])
    if level == "nation":
        return frozenset({NATION_CODE})
    raise ValueError(f"unknown area level {level!r}")


def iso_week_end(dates: pd.Series) -> pd.Series:
    """The Sunday ending each date's ISO week."""
    return dates + pd.to_timedelta(6 - dates.dt.day_of_week, unit="D")
