"""The PDFs as they are printed and read: the Morgenbrief's chart is vector (its axis
labels are text in the PDF) with bokmål month names, columns have distinct headers, and the
weekly report is one full page of distinct rows labelled "uke N"."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from dashboard.reports import last_complete_week, week_bounds
from data.synthetic._common import PERIOD_END
from tests import pdf_text
from tests.conftest import login
from tests.test_morgenbrief import DAY

NB_MONTH = r"(?:jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|nov|des)"
EN_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
# a tick: "okt", "des 2021", "6. nov" (bokmål); "Oct", "Dec 2021", "6 Nov" (English)
NB_TICK = re.compile(rf"(?:\b\d{{1,2}}\. )?\b{NB_MONTH}\b(?: \d{{4}})?")
EN_TICK = re.compile(rf"\b(?:\d{{1,2}} )?{EN_MONTH}\b(?: \d{{1,2}}\b| \d{{4}})?")


@pytest.fixture(scope="module")
def oslo(app):  # type: ignore[no-untyped-def]
    return login(app.server.test_client(), "lege-oslo")


def test_morgenbrief_pdf_axis_has_bokmal_months_and_distinct_headers(oslo) -> None:
    response = oslo.get(f"/morgenbrief/0301/pdf?dato={DAY}")
    assert response.status_code == 200
    rows = pdf_text.lines(response.data)
    text = "\n".join(rows)
    ticks = NB_TICK.findall(text)
    assert len(ticks) >= 3, text[-600:]
    assert not EN_TICK.search(text), EN_TICK.search(text)
    # the year on the tick's own line (a second line was clipped by the legend)
    assert re.search(rf"\b{NB_MONTH} {DAY.year}\b", text), text[-400:]
    # the key-figure header names the kommune and the county apart (both are "Oslo")
    header = rows.index("Nøkkeltall")
    assert rows[header + 1 : header + 4] == ["Oslo", "Oslo (fylke)", "Hele landet"]


def test_morgenbrief_pdf_in_english_has_english_months(oslo) -> None:
    oslo.set_cookie("sb_lang", "en")
    try:
        text = "\n".join(pdf_text.lines(oslo.get(f"/morgenbrief/0301/pdf?dato={DAY}").data))
    finally:
        oslo.set_cookie("sb_lang", "nb")
    assert len(EN_TICK.findall(text)) >= 3
    assert not re.search(rf"\b{NB_MONTH}\b", text)


def _lowest_text(pdf: bytes) -> float:
    """The y (pt from the bottom) of the lowest text on the first page."""
    ys: list[float] = []

    def visit(text, cm, tm, _font, _size) -> None:  # type: ignore[no-untyped-def]
        if text.strip():
            ys.append(tm[5] * cm[3] + cm[5])

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return min(ys)


@pytest.mark.parametrize("kommune", ["0301", "4601"])
def test_weekly_report_is_one_full_page_of_distinct_rows_in_weeks(oslo, app, kommune) -> None:  # type: ignore[no-untyped-def]
    client = oslo if kommune == "0301" else login(app.server.test_client(), "krise-bergen")
    week = last_complete_week(PERIOD_END)  # the demo's last complete week
    response = client.get(f"/rapport/{kommune}/{week}.pdf")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 1
    # the chart grows into the rest of the page: text reaches the bottom margin (10 mm)
    assert _lowest_text(response.data) < 80
    rows = pdf_text.lines(response.data)
    start = len(rows) - 1 - rows[::-1].index("Uke")
    weeks = rows[start + 1 : start + 9]
    sunday = week_bounds(week)[2]
    eight = [sunday - dt.timedelta(weeks=k) for k in range(7, -1, -1)]
    assert weeks == [f"uke {d.isocalendar().week}" for d in eight]
    assert not any(re.fullmatch(r"W\d\d", r) for r in rows)
    labels, values = [], []
    i = start + 9
    while rows[i].startswith(("Tilfeller ", "Insidens ")):
        labels.append(rows[i])
        values.append(tuple(rows[i + 1 : i + 9]))
        i += 9
    assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
    assert len(set(values)) == len(values), "a row repeats another"
    header = rows.index("Nøkkeltall", rows.index("Nøkkeltall") + 1)
    assert len(set(rows[header + 1 : header + 5])) == 4, rows[header : header + 5]
