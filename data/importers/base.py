"""Shared machinery of the importers: tolerant reading, vectorised validation, results.

Every importer reads a file into a table of *strings* (so that no malformed value can stop the
parse), validates whole columns at once with pandas/numpy, and returns the valid facts plus one
rejection record per (line, field) that failed. Line numbers are physical lines of the
decompressed file, 1-based, counting the header and any title lines.

One module per job: :mod:`~data.importers.reading`, :mod:`~data.importers.rejections`,
:mod:`~data.importers.validation` and :mod:`~data.importers.parsed` (results); their names are
re-exported here, where the importers import them from.
"""

from data.importers.parsed import (
    Flag,
    Parsed,
    as_date,
    crosswalk_split,
    date_span,
    long_series,
    missing_codes,
    sparse_series,
)
from data.importers.reading import (
    HEADER_SEARCH_LINES,
    SEPARATORS,
    SHAPE_MIN_LINES,
    SHAPE_SAMPLE_LINES,
    SourceFile,
    Table,
    blank_lines,
    cut_last_line,
    decode,
    find_header,
    read_source,
    read_table,
    split_header,
)
from data.importers.rejections import (
    MAX_VALUE_CHARS,
    ImportFormatError,
    Rejections,
)
from data.importers.validation import (
    DATE_MIN,
    DOSE_FACTOR,
    MAX_COUNT,
    NATION_CODE,
    Validator,
    iso_week_end,
    read_checked,
    to_float,
    valid_codes,
)

__all__ = [
    "DATE_MIN",
    "DOSE_FACTOR",
    "HEADER_SEARCH_LINES",
    "MAX_COUNT",
    "MAX_VALUE_CHARS",
    "NATION_CODE",
    "SEPARATORS",
    "SHAPE_MIN_LINES",
    "SHAPE_SAMPLE_LINES",
    "Flag",
    "ImportFormatError",
    "Parsed",
    "Rejections",
    "SourceFile",
    "Table",
    "Validator",
    "as_date",
    "blank_lines",
    "crosswalk_split",
    "cut_last_line",
    "date_span",
    "decode",
    "find_header",
    "iso_week_end",
    "long_series",
    "missing_codes",
    "read_checked",
    "read_source",
    "read_table",
    "sparse_series",
    "split_header",
    "to_float",
    "valid_codes",
]
