"""The PDFs as they are printed and read: the Morgenbrief's chart is vector (its axis
labels are text in the PDF) with bokmål month names, columns have distinct headers, and the
weekly report is one full page of distinct rows labelled "uke N"."""

from __future__ import annotations

import re

import pytest

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
