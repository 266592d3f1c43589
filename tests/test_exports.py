"""The Kommuneoversikt's files as people and scripts use them.

The CSV is read as Norwegian Excel reads it (``;``, decimal comma, BOM): every number is the
number the page's table shows, withheld counts are empty with the flag column naming them.
The machine CSV and the JSON hold the same numbers with English names and ISO dates; the
Excel file has real numbers and dates, an autofilter and a frozen header.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from dashboard.definitions.overview import OVERVIEW_COLUMNS
from tests import export_read
from tests.conftest import login
from tests.test_overview import DATE, overview_rows

NUMERIC = {c.key: c for c in OVERVIEW_COLUMNS if c.kind in ("count", "rate", "share", "rank")}


def _same(page: Any, shown: Any, decimals: int) -> bool:
    """The file's value equals the page's (the file keeps one more digit than is shown)."""
    if page is None:
        return shown is None
    return (
        shown is not None and abs(float(shown) - float(page)) <= 0.5 * 10 ** -(decimals + 1) + 1e-6
    )


@pytest.fixture(scope="module")
def ks(app: Any) -> Any:
    return login(app.server.test_client(), "ks-analytiker")


@pytest.fixture(scope="module")
def page(ks: Any) -> dict[str, dict[str, Any]]:
    return overview_rows(ks)


def test_csv_read_by_norwegian_excel_has_the_pages_numbers(ks, page) -> None:
    response = ks.get(f"/oversikt/eksport.csv?dato={DATE.isoformat()}")
    assert response.status_code == 200
    rows = export_read.excel_csv_rows(response.data)
    assert set(rows) == set(page)
    compared = withheld = 0
    for kommune, shown in page.items():
        row = rows[kommune]
        assert row["date"] == DATE  # a date cell, not text
        for key, column in NUMERIC.items():
            value = row[key]
            assert value is None or isinstance(value, float), f"{kommune} {key}: {value!r}"
            assert _same(shown[key], value, column.decimals), (
                f"{kommune} {key}: page {shown[key]!r}, Excel reads {value!r}"
            )
            if column.kind == "rank" and value is not None:
                assert value == int(value)
            compared += 1
        if row["cases_7d"] is None and shown["cases_7d"] is None:
            assert "Tilfeller 7 d" in row["withheld"]
            withheld += 1
    assert compared > 5000 and withheld > 0  # the tiny data have withheld small counts


def test_machine_csv_and_json_have_the_same_numbers_in_english(ks, page) -> None:
    data = export_read.data_csv_rows(ks.get(f"/oversikt/data.csv?dato={DATE.isoformat()}").data)
    payload = json.loads(ks.get(f"/oversikt/data.json?dato={DATE.isoformat()}").data)
    records = {r["kommunenummer"]: r for r in payload["kommuner"]}
    assert set(data) == set(records) == set(page)
    assert payload["date"] == DATE.isoformat() and payload["fylker"]
    for kommune, shown in page.items():
        row, record = data[kommune], records[kommune]
        assert row["date"] == record["date"] == DATE.isoformat()
        for key, column in NUMERIC.items():
            text = row[key]
            assert _same(shown[key], float(text) if text else None, column.decimals)
            assert _same(shown[key], record[key], column.decimals)
        hidden = shown["cases_7d"] is None and record["cases_7d"] is None
        assert record["cases_7d_withheld"] is hidden or not hidden
        assert row["cases_7d_withheld"] in ("true", "false")


def test_excel_has_filters_frozen_header_numbers_and_dates(ks, page) -> None:
    response = ks.get(f"/oversikt/eksport.xlsx?dato={DATE.isoformat()}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    for name in ("Kommuner", "Fylker"):
        sheet = book[name]
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet.freeze_panes == "A2"
        header = [c.value for c in sheet[1]]
        assert "Dato" in header and "Innbyggere" in header
        dates = [row[header.index("Dato")] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert dates and all(isinstance(d, dt.datetime) and d.date() == DATE for d in dates)
    sheet = book["Kommuner"]
    header = [c.value for c in sheet[1]]
    by_label = {c.label: c for c in NUMERIC.values()}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        kommune = values[header.index("Nr.")]
        for label, column in by_label.items():
            value = values[header.index(label)]
            assert value is None or isinstance(value, int | float), f"{label}: {value!r}"
            assert _same(page[kommune][column.key], value, column.decimals)
