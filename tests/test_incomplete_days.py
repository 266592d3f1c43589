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
        "and disease = 'covid19' "
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


def _subject_page(client: Any, prefix: str, date: dt.date) -> dict[str, Any]:
    """A subject page's main response, its outputs as the page declares them."""
    from callbacks.subjects import pages

    (page,) = [p for p in pages() if p.prefix == prefix]
    outputs = [
        (f"{prefix}-title", "children"),
        *((page.layout.component_id(s), s.prop) for s in page.layout.slots()),
        (f"{prefix}-alert", "children"),
        (f"{prefix}-date", "date"),
        (f"{prefix}-source", "children"),
    ]
    status, body, _ = call(
        client,
        outputs=outputs,
        inputs=[
            (f"{prefix}-select", "value", "0301"),
            (f"{prefix}-date", "date", date.isoformat()),
        ],
    )
    assert status == 200
    return body["response"]


def test_subject_pages_mark_the_incomplete_test_dates(client) -> None:
    """Issue 20: the Testing page's series by test date carry the incomplete-days shading (the
    declaration names them by indicator, whose time basis is the test date); Sykehus counts by
    admission date and is never shaded."""
    end = data_date()
    days = completeness.case_completeness(scope=Scope.full())["days"]
    response = _subject_page(client, "testing", end)
    for figure_id in ("testing-daily", "testing-positivity", "testing-result-time"):
        shapes = _shapes(response[figure_id]["figure"])
        assert len(shapes) == 1, figure_id
        first = pd.Timestamp(shapes[0]["x0"]) + pd.Timedelta(hours=12)
        last = pd.Timestamp(shapes[0]["x1"]) - pd.Timedelta(hours=12)
        assert (first.date(), last.date()) == (end - dt.timedelta(days=days - 1), end)
        notes = [a["text"] for a in response[figure_id]["figure"]["layout"]["annotations"]]
        assert "Ufullstendig" in notes
    earlier = _subject_page(client, "testing", end - dt.timedelta(days=30))
    assert not _shapes(earlier["testing-daily"]["figure"])
    hospital = _subject_page(client, "sykehus", end)
    for figure_id in ("sykehus-daily", "sykehus-rate", "sykehus-icu-rate"):
        assert not _shapes(hospital[figure_id]["figure"]), figure_id


def test_kommuneoversikt_and_its_exports_say_which_columns_are_incomplete(app, client) -> None:
    """The Kommuneoversikt's case columns count by test date: on the data date the page names
    the incomplete test dates and those columns, and every export carries the number of
    incomplete days (and the JSON which columns); a month back nothing is incomplete."""
    from dashboard import overview as overview_view
    from tests import export_read
    from tests.conftest import login
    from tests.dash_http import OVERVIEW_OUTPUTS

    end = data_date()
    days = completeness.case_completeness(scope=Scope.full())["days"]
    assert days >= 1
    first = end - dt.timedelta(days=days - 1)
    case_columns = [c.key for c in overview_view.incomplete_columns()]
    assert {"cases_7d", "incidence_7d", "incidence_14d", "trend", "rank"} <= set(case_columns)
    assert not {"tests_7d", "coverage_d2", "population"} & set(case_columns)

    def page(date: dt.date) -> str:
        status, body, _ = call(
            client, outputs=OVERVIEW_OUTPUTS, inputs=[("ov-date", "date", date.isoformat())]
        )
        assert status == 200
        return json.dumps(body["response"]["ov-method"], ensure_ascii=False)

    method = page(end)
    assert "Ufullstendig" in method and first.strftime("%d.%m") in method
    assert "«Tilfeller 7 d»" in method and "«Insidens 14 d»" in method
    assert "Testhendelser" not in method
    earlier = end - dt.timedelta(days=30)
    assert "Ufullstendig" not in page(earlier)

    analyst = login(app.server.test_client(), "ks-analytiker")  # a role that may export

    def exports(date: dt.date) -> tuple[dict, dict, dict]:
        query = f"?dato={date.isoformat()}"
        payload = analyst.get(f"/oversikt/data.json{query}").get_json()
        people = export_read.excel_csv_rows(analyst.get(f"/oversikt/eksport.csv{query}").get_data())
        machine = export_read.data_csv_rows(analyst.get(f"/oversikt/data.csv{query}").get_data())
        return payload, people, machine

    payload, people, machine = exports(end)
    assert payload["incomplete"] == {
        "days": days,
        "from": first.isoformat(),
        "columns": case_columns,
    }
    assert {r["incomplete_days"] for r in payload["kommuner"]} == {days}
    assert {r["incomplete_days"] for r in payload["fylker"]} == {days}
    assert {r["incomplete_days"] for r in people.values()} == {days}
    assert {r["incomplete_days"] for r in machine.values()} == {str(days)}
    book = export_read.xlsx_rows(analyst.get(f"/oversikt/eksport.xlsx?dato={end}").get_data())
    assert {r["incomplete_days"] for r in book.values()} == {days}
    payload, people, _machine = exports(earlier)
    assert payload["incomplete"]["days"] == 0 and payload["incomplete"]["from"] is None
    assert {r["incomplete_days"] for r in people.values()} == {0}
