"""Shared machinery of the importers: tolerant reading, vectorised validation, results.

Every importer reads a file into a table of *strings* (so that no malformed value can stop the
parse), validates whole columns at once with pandas/numpy, and returns the valid facts plus one
rejection record per (line, field) that failed. Line numbers are physical lines of the
decompressed file, 1-based, counting the header and any title lines.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import functools
import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import compute as pa_compute
from pyarrow import csv as pa_csv

from geo import reference

DATE_MIN = dt.date(2020, 1, 1)
SEPARATORS = (",", ";", "\t")
HEADER_SEARCH_LINES = 12
MAX_VALUE_CHARS = 200
# Anything larger than the population of the area it describes cannot be a count of persons,
# doses or tests in one period (the 2021-11-18 re-registration in Oslo is 360 178 doses).
MAX_COUNT = {"kommune": 1_000_000, "fylke": 2_000_000, "nation": 50_000_000}
NATION_CODE = "NO"
# Doses of one dose number in an area and period may exceed its population a little (moves,
# unregistered residents); more than this factor means a column holds something else.
DOSE_FACTOR = 1.2


class ImportFormatError(ValueError):
    """The file as a whole cannot be imported; ``reason`` is a code in texts.REJECT_REASONS_NB."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# --------------------------------------------------------------------------- reading
@dataclass
class SourceFile:
    path: Path
    raw: bytes
    checksum: str
    text: str = ""
    encoding: str = "utf-8"
    truncated: bool = False  # the compressed stream ended early

    @property
    def name(self) -> str:
        return self.path.name


def _gunzip_tolerant(raw: bytes) -> tuple[bytes, bool]:
    """Decompress gzip, keeping what could be read when the stream is cut short."""
    try:
        return gzip.decompress(raw), False
    except (EOFError, OSError, zlib.error):
        out = bytearray()
        dec = zlib.decompressobj(wbits=47)  # gzip or zlib header
        with contextlib.suppress(zlib.error):
            out += dec.decompress(raw)
        return bytes(out), True


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_source(path: Path, *, text: bool = True) -> SourceFile:
    path = Path(path)
    raw = path.read_bytes()
    src = SourceFile(path=path, raw=raw, checksum=hashlib.sha256(raw).hexdigest())
    if text:
        data = raw
        if raw[:2] == b"\x1f\x8b":
            data, src.truncated = _gunzip_tolerant(raw)
        src.text, src.encoding = decode(data)
    return src


def _split_header(line: str, sep: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in line.rstrip("\r").split(sep)]


def find_header(
    text: str, required: Sequence[str] | Callable[[list[str]], bool]
) -> tuple[int, str, list[str]]:
    """(0-based line index, separator, columns) of the first line that holds the header."""
    lines = text.split("\n", HEADER_SEARCH_LINES)[:HEADER_SEARCH_LINES]
    for index, line in enumerate(lines):
        for sep in SEPARATORS:
            cols = _split_header(line, sep)
            ok = required(cols) if callable(required) else set(required) <= set(cols)
            if ok:
                return index, sep, cols
    raise ImportFormatError("unknown_format", "fant ikke en overskriftslinje med kjente kolonner")


@dataclass
class Table:
    frame: pd.DataFrame  # every column as str; missing cells are ""
    lines: np.ndarray  # physical line number of each row
    sep: str
    rows_read: int = 0  # non-blank physical lines after the header, counted on the raw text


def blank_lines(body: str) -> np.ndarray:
    """0-based offsets of the blank (empty or whitespace-only) physical lines of ``body``."""
    if not body:
        return np.array([], dtype=np.int64)
    pieces = body.split("\n")
    if body.endswith("\n"):
        pieces.pop()
    return np.fromiter((i for i, piece in enumerate(pieces) if not piece.strip()), dtype=np.int64)


def read_table(
    src: SourceFile,
    rejects: Rejections,
    *,
    required: Sequence[str] | Callable[[list[str]], bool],
) -> Table:
    """Parse ``src`` as delimited text; malformed lines are rejected with their numbers."""
    text = src.text
    header_index, sep, columns = find_header(text, required)
    n_cols = len(columns)
    body_start = 0
    for _ in range(header_index + 1):
        body_start = text.index("\n", body_start) + 1 if "\n" in text[body_start:] else len(text)
    body = text[body_start:]
    first_line = header_index + 2
    if src.truncated:
        rejects.add_line(None, None, None, "truncated_file")
    cut = 0
    # A last line without a newline in a file cut short is not to be trusted.
    if body and not body.endswith("\n") and (src.truncated or body.count("\n") > 0):
        last_break = body.rfind("\n")
        last = body[last_break + 1 :]
        if src.truncated or cut_last_line(last, body[:last_break], sep, n_cols):
            rejects.add_line(
                first_line + body.count("\n"), None, last[:MAX_VALUE_CHARS], "truncated_line"
            )
            body = body[: last_break + 1]
            cut = 1
    n_lines = body.count("\n") + (1 if body and not body.endswith("\n") else 0)
    blank = blank_lines(body)
    rows_read = n_lines - len(blank) + cut
    try:
        frame, bad_rows = _read_with_arrow(body, sep, columns)
        if len(frame) + len(bad_rows) != n_lines or any("\n" in t for _, t in bad_rows):
            # a quote swallowed line breaks (a stray " opens a field that runs on over the
            # following lines): rows and lines no longer match, so judge each line on its own
            raise ValueError("multi-line row")
    except (pa.ArrowInvalid, ValueError):
        frame, lines = _read_with_csv_module(body, sep, columns, first_line, rejects)
        if frame.empty and not len(rejects):
            rejects.add_line(None, None, None, "empty_file")
        return Table(frame=frame, lines=lines, sep=sep, rows_read=rows_read)
    lines = np.arange(first_line, first_line + len(frame), dtype=np.int64)
    for number, text in bad_rows:
        physical = number + first_line - 1
        lines[lines >= physical] += 1
        rejects.add_line(physical, None, text[:MAX_VALUE_CHARS], "wrong_field_count")
    if len(blank):
        # only lines with nothing on them are left out; a line of empty fields is a row
        is_blank = np.isin(lines, blank + first_line)
        frame = frame.loc[~is_blank].reset_index(drop=True)
        lines = lines[~is_blank]
    if frame.empty and not len(rejects):
        rejects.add_line(None, None, None, "empty_file")
    return Table(frame=frame, lines=lines, sep=sep, rows_read=rows_read)


# how many lines before the last one show what a column's values look like
SHAPE_SAMPLE_LINES = 200
SHAPE_MIN_LINES = 20


def _shape(value: str) -> str:
    """The form of a value: runs of digits → 9, runs of letters → a, the rest kept
    (``2021-03-01`` → ``9-9-9``, ``12.3`` → ``9.9``, ``K-0301 Oslo`` → ``a-9 a``)."""
    return re.sub(r"[^\W\d_]+", "a", re.sub(r"\d+", "9", value))


def cut_last_line(last: str, before: str, sep: str, n_cols: int) -> bool:
    """Whether ``last``, the final line of an uncompressed file that has no line break after
    it, was cut short rather than merely written without one. Judged against the lines
    ``before`` it:

    * fewer fields than the header, or a quote left open → cut;
    * its last field empty where the column is never empty → cut;
    * its last field shorter than the column's values where they all have one width (codes,
      dates, populations of one area) → cut;
    * its last field of another form where the column's values all have one form
      (``12.`` or ``12`` in a column of ``9.9``) → cut;
    * its last field of a form the column does not have and ending in a separator of its
      own (``24.`` in a column of ``44`` and ``24.6``, ``2021-03-``) → cut.

    What remains undetectable: a cut that leaves a value of a form and width the column
    already has (an integer losing its last digits in a column of varying widths, a name cut
    at a word boundary). Such a line is read as it stands.
    """
    import csv

    try:
        fields = next(csv.reader([last.rstrip("\r")], delimiter=sep, strict=True))
    except (csv.Error, StopIteration):
        return True
    if len(fields) < n_cols or last.count('"') % 2:
        return True
    if len(fields) > n_cols:
        return False  # a different fault: reported as a wrong field count
    sample = [
        line.rstrip("\r").rsplit(sep, 1)[-1].strip('"')
        for line in before[-200 * SHAPE_SAMPLE_LINES :].split("\n")[-SHAPE_SAMPLE_LINES:]
        if line.strip() and line.count(sep) == n_cols - 1
    ]
    if len(sample) < SHAPE_MIN_LINES:
        return False
    value = fields[-1]
    if value == "":
        return all(sample)
    widths = {len(x) for x in sample}
    if len(widths) == 1 and len(value) < widths.pop():
        return True
    shapes = {_shape(x) for x in sample}
    if _shape(value) in shapes:
        return False
    # a value ending in a separator of its own ("24." "2021-03-" "Nord-") that the column's
    # values never end in is the front of a longer one
    return len(shapes) == 1 or not value[-1].isalnum()


def _read_with_arrow(
    body: str, sep: str, columns: list[str]
) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Every cell as a string; rows with the wrong number of fields are returned separately
    with their line number in ``body`` (1-based). Single-threaded so that pyarrow knows the
    line numbers of bad rows."""
    bad: list[tuple[int, str]] = []

    def on_invalid(row: Any) -> str:
        if row.number is None:
            raise ValueError("row number unknown")
        bad.append((int(row.number), str(row.text)))
        return "skip"

    table = pa_csv.read_csv(
        io.BytesIO(body.encode("utf-8")),
        read_options=pa_csv.ReadOptions(use_threads=False, column_names=columns),
        parse_options=pa_csv.ParseOptions(
            delimiter=sep, invalid_row_handler=on_invalid, ignore_empty_lines=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={c: pa.string() for c in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table.to_pandas(), bad


def _read_with_csv_module(
    body: str, sep: str, columns: list[str], first_line: int, rejects: Rejections
) -> tuple[pd.DataFrame, np.ndarray]:
    """Slow, line-by-line fallback for text the C parser refuses (e.g. an open quote)."""
    import csv

    rows: list[list[str]] = []
    lines: list[int] = []
    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            fields = next(csv.reader([line], delimiter=sep, strict=True))
        except (csv.Error, StopIteration):
            rejects.add_line(number, None, line[:MAX_VALUE_CHARS], "wrong_field_count")
            continue
        if len(fields) != len(columns):
            rejects.add_line(number, None, line[:MAX_VALUE_CHARS], "wrong_field_count")
            continue
        rows.append(fields)
        lines.append(number)
    return pd.DataFrame(rows, columns=columns, dtype=str), np.asarray(lines, dtype=np.int64)


# --------------------------------------------------------------------------- rejections
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


# --------------------------------------------------------------------------- validators
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


# --------------------------------------------------------------------------- results
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
