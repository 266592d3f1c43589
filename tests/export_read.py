"""Read the Kommuneoversikt's files back as their users do.

``excel_csv_rows``: as Norwegian Excel opens the CSV — UTF-8 with BOM, ``;`` separated, a
decimal comma, ``dd.mm.yyyy`` dates; a cell that is not a number under those rules stays
text (so "2.0" or "31.05" would come back as text or a date, not the number). The headers
are the bokmål labels; they are mapped to the field keys by the export's own field list.
``data_csv_rows``: the machine CSV as ``csv.DictReader`` reads it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from dashboard import overview as overview_view
from dashboard.i18n import _
from dashboard.tabular import WITHHELD_HEADER

NB_NUMBER = re.compile(r"^-?\d+(?:,\d+)?$")
NB_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def excel_cell(text: str) -> Any:
    """A cell as Norwegian Excel reads it: number, date, empty (None) or text."""
    if text == "":
        return None
    if NB_NUMBER.match(text):
        return float(text.replace(",", "."))
    date = NB_DATE.match(text)
    if date:
        day, month, year = (int(g) for g in date.groups())
        return dt.date(year, month, day)
    return text


def excel_csv_rows(payload: bytes, fields: list | None = None) -> dict[str, dict[str, Any]]:
    """{kommunenummer: {field key: value, "withheld": [labels]}}."""
    assert payload.startswith("\ufeff".encode()), "no BOM: Excel would misread æøå"
    text = payload.decode("utf-8")[1:]
    fields = fields if fields is not None else overview_view.export_fields()
    by_label = {_(f.label): f.key for f in fields}
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    out: dict[str, dict[str, Any]] = {}
    for cells in reader:
        row: dict[str, Any] = {}
        for label, cell in zip(header, cells, strict=True):
            if label == _(WITHHELD_HEADER):
                row["withheld"] = [t for t in cell.split("; ") if t]
            else:
                row[by_label[label]] = excel_cell(cell)
        # Excel reads the kommunenummer "0301" as the number 301 (the xlsx keeps it as text)
        out[f"{int(row['kommunenummer']):04d}"] = row
    return out


def data_csv_rows(payload: bytes) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(payload.decode("utf-8")))
    return {row["kommunenummer"]: row for row in rows}


def xlsx_rows(payload: bytes, sheet: str = "Kommuner") -> dict[str, dict[str, Any]]:
    """The Excel file's sheet: {kommunenummer: {field key: cell value}} (headers mapped by
    the export's field list, as for the CSV)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(payload), read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    by_label = {_(f.label): f.key for f in overview_view.export_fields()}
    header = [by_label.get(str(h), str(h)) for h in rows[0]]
    return {
        str(r[header.index("kommunenummer")]): dict(zip(header, r, strict=True)) for r in rows[1:]
    }
