"""The Morgenbrief's and Krisemøte's titles, the weekly report and the Morgenbrief PDF (file
name and heading) name the chosen disease when it is not covid-19; covid-19's titles and
file names stay as they always were. Over HTTP through Dash, as a tab with ``?sykdom=`` asks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dashboard.reports import last_complete_week
from tests import pdf_text
from tests.conftest import login
from tests.dash_http import KRISE_OUTPUTS, call
from tests.test_morgenbrief import DAY, OUTPUTS

TABS = {"covid19": "", "influensa": " · influensa", "rsv": " · RS-virus"}


def _tab(app: Any, disease: str) -> Any:
    client = login(app.server.test_client(), "lege-oslo")
    client.environ_base["HTTP_X_SYKDOM"] = disease
    return client


@pytest.mark.parametrize("disease", ["covid19", "influensa"])
def test_morgenbrief_and_krisemote_titles_name_the_disease(app: Any, disease: str) -> None:
    client = _tab(app, disease)
    status, body, _size = call(
        client,
        outputs=OUTPUTS,
        inputs=[("brief-select", "value", "0301"), ("brief-date", "date", DAY.isoformat())],
    )
    assert status == 200
    title = body["response"]["brief-title"]["children"]
    assert title.startswith("Morgenbrief Oslo – ")
    assert title.endswith(TABS[disease]) and title.count(" · ") == TABS[disease].count(" · ")
    status, body, _size = call(
        client,
        outputs=KRISE_OUTPUTS,
        inputs=[("krise-kommune", "data", "0301"), ("krise-refresh", "n_clicks", 0)],
        state=[("krise-date", "data", DAY.isoformat())],
    )
    assert status == 200
    assert body["response"]["krise-title"]["children"] == f"Krisemøte – Oslo{TABS[disease]}"


@pytest.mark.parametrize("disease", ["covid19", "influensa"])
def test_pdfs_name_the_disease_in_file_name_and_heading(app: Any, disease: str) -> None:
    client = _tab(app, disease)
    part = "" if disease == "covid19" else f"-{disease}"
    response = client.get(f"/morgenbrief/0301/pdf?dato={DAY}")
    assert response.status_code == 200
    assert f'filename="morgenbrief-0301{part}-{DAY}.pdf"' in response.headers["Content-Disposition"]
    lines = pdf_text.lines(response.data)
    heading = next(line for line in lines if line.startswith("Morgenbrief – Oslo (0301)"))
    assert heading == f"Morgenbrief – Oslo (0301), Oslo{TABS[disease]}"
    week = last_complete_week(DAY - dt.timedelta(days=7))
    response = client.get(f"/rapport/0301/{week}.pdf")
    assert response.status_code == 200
    assert f'filename="ukerapport-0301{part}-{week}.pdf"' in response.headers["Content-Disposition"]
    lines = pdf_text.lines(response.data)
    heading = next(line for line in lines if line.startswith("Ukerapport uke "))
    assert heading.endswith(f"– Oslo (0301), Oslo{TABS[disease]}"), heading
