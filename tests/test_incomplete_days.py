"""The incomplete last days (issue 20, item 6): the test dates not yet fully registered on the
data date are derived from the store (delay from test date to registration date), marked on
every figure by test date through one helper, and the brief's first card says what it counts
and whether its day is complete."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from data.queries import completeness
from data.scope import Scope
from tests.dash_http import KOMMUNE_OUTPUTS, call, call_kommune, call_map
from tests.test_morgenbrief import OUTPUTS as BRIEF_OUTPUTS
from tests.test_page_testing import data_date, sql


def _expected_days() -> int:
    """Independently: the smallest d with 95 % of the last year's cases registered within d
    days of their test date, from the raw case rows."""
    end = data_date()
    rows = sql(
        'select test_date, registration_date from "case" where test_date is not null '
        "and test_date >= :since",
        since=(end - dt.timedelta(days=365)).isoformat(),
    )
    delay = (pd.to_datetime(rows["registration_date"]) - pd.to_datetime(rows["test_date"])).dt.days
    return int(min(delay.quantile(0.95, interpolation="higher"), completeness.MAX_DAYS))


def test_window_is_derived_from_registration_delays(app) -> None:
    window = completeness.case_completeness(scope=Scope.full())
    days = _expected_days()
    assert days >= 1, "the demo registers cases after their test date"
    assert window["days"] == days
    assert window["incomplete_from"] == data_date() - dt.timedelta(days=days - 1)


def test_delay_quantile() -> None:
    assert (
        completeness.delay_quantile(pd.Series([0, 1, 2, 5]), pd.Series([50, 30, 15, 5]), 0.95) == 2
    )
    assert completeness.delay_quantile(pd.Series([0, 3]), pd.Series([94, 6]), 0.95) == 3
    assert (
        completeness.delay_quantile(pd.Series([], dtype=int), pd.Series([], dtype=int), 0.95) == 0
    )


def _shapes(figure: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in figure["layout"].get("shapes", []) if s.get("name") == "incomplete"]


def test_kommune_page_marks_the_incomplete_days(client) -> None:
    end = data_date()
    days = completeness.case_completeness(scope=Scope.full())["days"]
    status, body, _ = call_kommune(client, "0301", end)
    assert status == 200
    response = body["response"]
    for figure_id in ("kommune-daily", "kommune-incidence"):
        shapes = _shapes(response[figure_id]["figure"])
        assert len(shapes) == 1, figure_id
        first = pd.Timestamp(shapes[0]["x0"]) + pd.Timedelta(hours=12)
        last = pd.Timestamp(shapes[0]["x1"]) - pd.Timedelta(hours=12)
        assert first.date() == end - dt.timedelta(days=days - 1)
        assert last.date() == end
        notes = [a["text"] for a in response[figure_id]["figure"]["layout"]["annotations"]]
        assert "Ufullstendig" in notes
    # the cases card whose window ends in those days says so
    cards = json.dumps(response["kommune-cards"], ensure_ascii=False)
    assert "ufullstendig" in cards
    # a month back every day is complete: nothing is marked
    status, body, _ = call(
        client,
        outputs=KOMMUNE_OUTPUTS,
        inputs=[
            ("kommune-select", "value", "0301"),
            ("kommune-date", "date", (end - dt.timedelta(days=30)).isoformat()),
        ],
    )
    assert not _shapes(body["response"]["kommune-daily"]["figure"])
    assert "ufullstendig" not in json.dumps(body["response"]["kommune-cards"], ensure_ascii=False)


def _first_card(client: Any, date: dt.date) -> tuple[str, dict[str, Any]]:
    status, body, _ = call(
        client,
        outputs=BRIEF_OUTPUTS,
        inputs=[("brief-select", "value", "0301"), ("brief-date", "date", date.isoformat())],
    )
    assert status == 200
    return json.dumps(body["response"]["brief-body"], ensure_ascii=False), body["response"]


def test_brief_first_card_says_whether_its_day_is_complete(client) -> None:
    end = data_date()
    text, response = _first_card(client, end)
    day = end.strftime("%d.%m.%Y")
    assert f"Tilfeller med prøvedato {day}. Ufullstendig" in text
    assert _shapes(response["brief-daily"]["figure"])
    earlier = end - dt.timedelta(days=30)
    text, response = _first_card(client, earlier)
    assert f"Tilfeller med prøvedato {earlier.strftime('%d.%m.%Y')}. Dagen er komplett." in text
    assert not _shapes(response["brief-daily"]["figure"])


def test_map_summary_says_the_last_days_are_incomplete(client) -> None:
    def summary(date: dt.date) -> str:
        status, body, _ = call_map(client, "incidence_7d", date)
        assert status == 200
        return json.dumps(body["response"]["map-summary"], ensure_ascii=False)

    assert "ufullstendig" in summary(data_date())
    assert "ufullstendig" not in summary(data_date() - dt.timedelta(days=30))
