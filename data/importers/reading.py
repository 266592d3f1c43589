"""Tolerant reading: bytes to text (gzip, encodings), the header found among title lines, and
the body read into a table of strings; malformed lines are rejected with their numbers.
Line numbers are physical lines of the decompressed file, 1-based, counting the header and
any title lines."""

from __future__ import annotations

import codecs
import contextlib
import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv

from data.importers.rejections import MAX_VALUE_CHARS, ImportFormatError, Rejections

SEPARATORS = (",", ";", "\t")
HEADER_SEARCH_LINES = 12


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


def split_header(line: str, sep: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in line.rstrip("\r").split(sep)]


def find_header(
    text: str, required: Sequence[str] | Callable[[list[str]], bool]
) -> tuple[int, str, list[str]]:
    """(0-based line index, separator, columns) of the first line that holds the header."""
    lines = text.split("\n", HEADER_SEARCH_LINES)[:HEADER_SEARCH_LINES]
    for index, line in enumerate(lines):
        for sep in SEPARATORS:
            cols = split_header(line, sep)
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
