"""One export mechanism for every table a user downloads.

A :class:`Table` holds typed values (numbers as numbers, dates as dates, ``None`` for no
value) and, per withheld count, a flag instead of a "1–4" string in a numeric column. It is
rendered four ways, so that the files cannot disagree:

* :func:`excel_csv` — for people opening the file in Norwegian Excel: ``;`` separated,
  decimal comma, dates as ``dd.mm.yyyy``, UTF-8 with BOM, bokmål headers; a withheld count is
  an empty cell and the column «Skjult (1–4)» names the counts withheld in that row.
* :func:`xlsx_sheet` — the same columns in an Excel sheet: real numbers and date cells, an
  autofilter and a frozen header row.
* :func:`machine_csv` / :func:`machine_records` — for scripts: English column names
  (the field keys), ``,`` separated, decimal point, ISO dates, ``<key>_withheld`` true/false.

Text cells that a spreadsheet would run as a formula are neutralised
(:func:`dashboard.formatting.spreadsheet_safe`) in every rendering.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dashboard.formatting import spreadsheet_safe
from dashboard.i18n import N_, _

# the flag column of the people's formats (header), and its meaning
WITHHELD_HEADER = N_("Skjult (1–4)")
KINDS = ("text", "int", "float", "date")


@dataclass(frozen=True)
class Field:
    key: str  # machine name (English, stable)
    label: str  # bokmål header (N_-marked source string: translated where written)
    kind: str = "text"  # text | int | float | date
    decimals: int = 1  # floats: digits written
    withholdable: bool = False  # a count that may be withheld (1–4 or to protect another)
    # text codes → N_-marked words for the people's formats (machines get the code); an
    # empty mapping translates the value itself
    codes: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")


@dataclass
class Table:
    fields: Sequence[Field]
    rows: list[dict[str, Any]] = field(default_factory=list)
    # per row: the keys of the withheld counts (their value is None)
    withheld: list[set[str]] = field(default_factory=list)
    # per row: those of them withheld to protect other cells, not for being 1–4 ("skjult")
    protected: list[set[str]] = field(default_factory=list)

    def add(
        self,
        values: dict[str, Any],
        withheld: set[str] | None = None,
        protected: set[str] | None = None,
    ) -> None:
        hidden = set(withheld or ()) | set(protected or ())
        row = {}
        for f in self.fields:
            value = None if f.key in hidden else _clean(values.get(f.key), f)
            row[f.key] = value
        self.rows.append(row)
        self.withheld.append(hidden)
        self.protected.append(set(protected or ()))


def _clean(value: Any, f: Field) -> Any:
    """The value as the field's type; None for missing/NaN."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
            return None
    except (TypeError, ValueError):
        pass
    if f.kind == "int":
        return round(float(value))
    if f.kind == "float":
        return round(float(value), f.decimals)
    if f.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value)[:10])
    return str(value)


# --------------------------------------------------------------------------- people
def _nb_number(value: float | int, decimals: int) -> str:
    """A number as Norwegian Excel reads it: decimal comma, no thousands separator."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{decimals}f}".replace(".", ",")


def _people_cell(value: Any, f: Field) -> str:
    if value is None:
        return ""
    if f.kind == "int":
        return str(value)
    if f.kind == "float":
        return _nb_number(value, f.decimals)
    if f.kind == "date":
        return value.strftime("%d.%m.%Y")
    return str(spreadsheet_safe(_word(value, f)))


def _word(value: str, f: Field) -> str:
    """A text value as people read it: a code as its (translated) word."""
    if f.codes is None:
        return value
    return _(f.codes.get(value, value))


def _has_flags(table: Table) -> bool:
    return any(f.withholdable for f in table.fields)


def _flag_text(table: Table, hidden: set[str], protected: set[str] | None = None) -> str:
    """The withheld counts of a row: their labels (1–4); one withheld to protect other
    cells with «(skjult)» after it (it is no count of 1–4)."""
    protected = protected or set()
    return "; ".join(
        _("{navn} (skjult)", navn=_(f.label)) if f.key in protected else _(f.label)
        for f in table.fields
        if f.key in hidden
    )


def people_header(table: Table) -> list[str]:
    header = [str(spreadsheet_safe(_(f.label))) for f in table.fields]
    return header + ([_(WITHHELD_HEADER)] if _has_flags(table) else [])


def excel_csv(table: Table) -> bytes:
    """For Norwegian Excel: ``;``, decimal comma, BOM, bokmål headers, a flag column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(people_header(table))
    flags = _has_flags(table)
    for row, hidden, protected in zip(table.rows, table.withheld, table.protected, strict=True):
        cells = [_people_cell(row[f.key], f) for f in table.fields]
        writer.writerow(cells + ([_flag_text(table, hidden, protected)] if flags else []))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_sheet(writer: Any, table: Table, sheet_name: str) -> None:
    """The table as a sheet of an open ``pd.ExcelWriter`` (openpyxl): numbers as numbers,
    dates as date cells, autofilter over the table and the header row frozen."""
    from openpyxl.utils import get_column_letter

    book = writer.book
    sheet = book.create_sheet(sheet_name)
    header = people_header(table)
    sheet.append(header)
    flags = _has_flags(table)
    for row, hidden, protected in zip(table.rows, table.withheld, table.protected, strict=True):
        values: list[Any] = []
        for f in table.fields:
            value = row[f.key]
            if f.kind == "text" and value is not None:
                value = spreadsheet_safe(_word(value, f))
            values.append(value)
        sheet.append(values + ([_flag_text(table, hidden, protected) or None] if flags else []))
    for index, f in enumerate(table.fields, start=1):
        letter = get_column_letter(index)
        number_format = {
            "date": "DD.MM.YYYY",
            "int": "0",
            "float": "0." + "0" * f.decimals if f.decimals else "0",
        }.get(f.kind)
        if number_format:
            for cell in sheet[letter][1:]:
                cell.number_format = number_format
        width = max(len(header[index - 1]), 10 if f.kind == "date" else 6)
        sheet.column_dimensions[letter].width = min(width + 2, 40)
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 1)}"
    sheet.freeze_panes = "A2"


# --------------------------------------------------------------------------- machines
def machine_header(table: Table) -> list[str]:
    keys = [f.key for f in table.fields]
    return keys + [f"{f.key}_withheld" for f in table.fields if f.withholdable]


def machine_records(table: Table) -> list[dict[str, Any]]:
    """JSON-ready rows: English keys, numbers, ISO dates, null; withheld flags as booleans."""
    out = []
    for row, hidden in zip(table.rows, table.withheld, strict=True):
        record: dict[str, Any] = {}
        for f in table.fields:
            value = row[f.key]
            record[f.key] = value.isoformat() if f.kind == "date" and value else value
        for f in table.fields:
            if f.withholdable:
                record[f"{f.key}_withheld"] = f.key in hidden
        out.append(record)
    return out


def machine_csv(table: Table) -> bytes:
    """``,`` separated, decimal point, ISO dates, UTF-8 without BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = machine_header(table)
    writer.writerow(header)
    for record in machine_records(table):
        cells = []
        for key in header:
            value = record[key]
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append("true" if value else "false")
            else:
                cells.append(str(spreadsheet_safe(value)))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


__all__ = [
    "WITHHELD_HEADER",
    "Field",
    "Table",
    "excel_csv",
    "machine_csv",
    "machine_header",
    "machine_records",
    "people_header",
    "xlsx_sheet",
]
