"""Morgenbrief: numbers against raw tables, sentences, the page callback and the PDF."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import Row, text

from dashboard import formatting
from dashboard.briefing import Indicator, build_briefing, rule_changes, since_yesterday
from data import db
from data.scope import Scope
from data.synthetic._common import PERIOD_END
from tests.conftest import login
from tests.dash_http import call

DAY = dt.date(2022, 1, 15)
DATA_DATE = PERIOD_END  # the demo's data date, as the PDF states it
OUTPUTS = [
    ("brief-title", "children"),
    ("brief-alert", "children"),
    ("brief-body", "children"),
    ("brief-incidence", "figure"),
    ("brief-daily", "figure"),
    ("brief-pdf", "href"),
    ("brief-date", "date"),
    ("brief-source", "children"),
]


def _rows(query: str, **params: object) -> list[Row]:
    """The rows of a raw SQL query on the demo store (the independent side of a check)."""
    with db.engine().connect() as conn:
        return list(conn.execute(text(query), params))


def _raw_incidence_14d(kommunenummer: str, date: dt.date) -> float:
    """Independent computation: count raw case rows and divide by the raw population."""
    [(cases,)] = _rows(
        "SELECT COUNT(*) FROM \"case\" WHERE disease = 'covid19' AND kommunenummer = :k "
        "AND test_date BETWEEN :a AND :b",
        k=kommunenummer,
        a=(date - dt.timedelta(days=13)).isoformat(),
        b=date.isoformat(),
    )
    [(population,)] = _rows(
        "SELECT SUM(population) FROM population WHERE kommunenummer = :k AND year = :y "
        "AND structure = 2024",
        k=kommunenummer,
        y=date.year,
    )
    return cases * 100_000 / population


@pytest.mark.parametrize("kommunenummer", ["0301", "4601", "1151"])
def test_incidence_equals_raw_computation(settings, kommunenummer) -> None:
    brief = build_briefing(scope=Scope.full(), kommunenummer=kommunenummer, date=DAY)
    indicator = brief.indicators["incidence_14d"]
    assert indicator.value == pytest.approx(_raw_incidence_14d(kommunenummer, DAY))


@pytest.mark.parametrize("kommunenummer", ["0301", "4601"])
def test_positivity_and_admissions_equal_raw_events(settings, kommunenummer) -> None:
    """Independent computation from the event tables: test events and positive ones with a
    sample date in the 7 days, admissions with an admission date in them."""
    window = {"k": kommunenummer, "a": (DAY - dt.timedelta(days=6)).isoformat(), "b": str(DAY)}
    [(tests, positive)] = _rows(
        "SELECT COUNT(*), SUM(CASE WHEN positive THEN 1 ELSE 0 END) FROM test_event "
        "WHERE disease = 'covid19' AND kommunenummer = :k AND sample_date BETWEEN :a AND :b",
        **window,
    )
    [(admissions,)] = _rows(
        "SELECT COUNT(*) FROM hospital_admission WHERE disease = 'covid19' AND kommunenummer = :k "
        "AND admission_date BETWEEN :a AND :b",
        **window,
    )
    brief = build_briefing(scope=Scope.full(), kommunenummer=kommunenummer, date=DAY)
    assert tests > 0
    assert brief.indicators["positivity_7d"].value == pytest.approx(100 * positive / tests)
    assert brief.indicators["admissions_7d"].value == admissions


def test_small_numbers_withheld_for_crisis_team(settings) -> None:
    withheld = 0
    small = [  # kommuner with 1–4 cases in the week before DAY
        k
        for (k,) in _rows(
            'SELECT kommunenummer FROM "case" '
            "WHERE disease = 'covid19' AND test_date BETWEEN :a AND :b "
            "GROUP BY kommunenummer HAVING COUNT(*) BETWEEN 1 AND 4 "
            "ORDER BY kommunenummer LIMIT 4",
            a=DAY - dt.timedelta(days=6),
            b=DAY,
        )
    ]
    assert small
    for kommune in small:
        scope = Scope(user_id="k", role="kriseledelse", kommuner=frozenset({kommune}))
        for day in (DAY, DAY - dt.timedelta(days=30), DAY - dt.timedelta(days=90)):
            brief = build_briefing(scope=scope, kommunenummer=kommune, date=day)
            withheld += _check_withheld(brief)
    assert withheld  # small kommuner have withheld values: the test can fail


def _check_withheld(brief) -> int:  # type: ignore[no-untyped-def]
    withheld = 0
    for indicator in brief.indicators.values():
        if indicator.unit == "tilfeller" and indicator.suppressed:
            # a window of 1–4 reads "1–4"; the day's count, withheld with its zeros, "0–4"
            assert indicator.display() == ("0–4" if indicator.daily else "1–4")
            withheld += 1
        if indicator.unit in ("per 100 000", "%") and indicator.suppressed:
            assert indicator.display() == "skjult"  # a rate is never labelled "1–4"
        if indicator.unit == "tilfeller" and indicator.value is not None:
            assert not 1 <= indicator.value <= 4
    return withheld


def test_since_yesterday_sentences() -> None:
    def ind(key: str, value: float, **kw) -> Indicator:
        return Indicator(key, kw.pop("label", key), value, kw.pop("unit", "per 100 000"), 1, **kw)

    today = {
        "trend": Indicator("trend", "Trend", None, code="rising", text="↑"),
        "incidence_14d": ind("incidence_14d", 240.04, label="14-dagers insidens"),
        "incidence_7d": ind("incidence_7d", 100.0, label="7-dagers insidens"),
    }
    yesterday = {
        "trend": Indicator("trend", "Trend", None, code="flat", text="→"),
        "incidence_14d": ind("incidence_14d", 212.0, label="14-dagers insidens"),
        "incidence_7d": ind("incidence_7d", 100.0, label="7-dagers insidens"),
    }
    sentences = since_yesterday(today, yesterday)
    assert sentences[0] == "Trenden endret seg fra stabil til økende."
    assert "14-dagers insidens økte fra 212,0 til 240,0 per 100 000." in sentences
    assert not any("7-dagers" in s for s in sentences)  # unchanged: not mentioned
    yesterday["incidence_14d"].suppressed = True
    assert not any("14-dagers" in s for s in since_yesterday(today, yesterday))


@pytest.mark.parametrize("kommunenummer", ["0301", "4601", "1151"])
def test_page_callback_renders(client, kommunenummer) -> None:
    status, body, _ = call(
        client,
        outputs=OUTPUTS,
        inputs=[("brief-select", "value", kommunenummer), ("brief-date", "date", DAY.isoformat())],
    )
    assert status == 200
    response = body["response"]
    assert response["brief-title"]["children"].startswith("Morgenbrief ")
    assert response["brief-pdf"]["href"] == f"/morgenbrief/{kommunenummer}/pdf?dato={DAY}"


def test_pdf_export_is_a_valid_one_page_pdf_and_audited(app) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    exports = "SELECT COUNT(*) FROM audit_log WHERE action='export'"
    [(before,)] = _rows(exports)
    response = client.get(f"/morgenbrief/0301/pdf?dato={DAY}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))  # parses: a valid PDF
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(595.3, abs=1)  # A4
    text_on_page = page.extract_text()
    assert "Oslo (0301)" in text_on_page and f"{DATA_DATE:%d.%m.%Y}" in text_on_page
    assert "DEMODATA" in text_on_page
    # the rules section: what changed since yesterday and what starts within 7 days
    changed, upcoming = rule_changes(scope=Scope.full(), kommunenummer="0301", date=DAY)
    flat = " ".join(text_on_page.split())
    assert "Regler" in flat
    if changed or upcoming:
        for sentence in (changed + upcoming)[:4]:
            assert " ".join(sentence.split())[:40] in flat, sentence
    else:
        assert "Ingen regelendringer siden i går" in flat
    assert _rows(exports) == [(before + 1,)]


def test_pdf_export_refused_without_export_right_or_scope(app) -> None:
    sporer = login(app.server.test_client(), "sporer-bergen")
    assert sporer.get("/morgenbrief/4601/pdf").status_code == 403  # no export right
    oslo = login(app.server.test_client(), "lege-oslo")
    assert oslo.get("/morgenbrief/4601/pdf").status_code == 403  # outside the scope


def test_signals_in_the_brief_equal_the_signal_table(settings) -> None:
    """Issue 6: the brief lists the kommune's signal of the last complete week with the
    method's observed, expected and threshold as stored."""
    [row] = _rows(
        "SELECT s.kommunenummer, k.name, s.week_start, s.iso_week, s.observed, "
        "s.expected, s.threshold FROM signal s JOIN kommune k ON "
        "k.kommunenummer = s.kommunenummer AND k.structure = 2024 "
        "WHERE s.alarm AND s.series = 'cases' AND s.disease = 'covid19' "
        "ORDER BY s.observed DESC LIMIT 1"
    )
    [quiet] = _rows(
        "SELECT kommunenummer, week_start FROM signal "
        "WHERE NOT alarm AND "
        "series = 'cases' AND disease = 'covid19' AND kommunenummer = :k "
        "ORDER BY week_start LIMIT 1",
        k=row.kommunenummer,
    )
    monday_after = dt.date.fromisoformat(str(row.week_start)[:10]) + dt.timedelta(days=7)
    brief = build_briefing(scope=Scope.full(), kommunenummer=row.kommunenummer, date=monday_after)
    own = [s for s in brief.signals if f"tilfeller i {row.name} uke" in s]
    assert len(own) == 1, brief.signals
    assert f"uke {row.iso_week}: observert {row.observed}," in own[0]
    assert f"forventet {formatting.number(row.expected, 1)}," in own[0]
    assert f"terskel {formatting.number(row.threshold, 0)}" in own[0]
    day = dt.date.fromisoformat(str(quiet.week_start)[:10]) + dt.timedelta(days=7)
    brief = build_briefing(scope=Scope.full(), kommunenummer=row.kommunenummer, date=day)
    assert not any(f"tilfeller i {row.name} uke" in s for s in brief.signals)


def test_page_and_pdf_render_in_english(app) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    client.set_cookie("sb_lang", "en")
    status, body, _ = call(
        client,
        outputs=OUTPUTS,
        inputs=[("brief-select", "value", "0301"), ("brief-date", "date", DAY.isoformat())],
    )
    assert status == 200
    response = body["response"]
    assert response["brief-title"]["children"] == "Morning brief Oslo – 15 January 2022"
    rendered = json.dumps(response, ensure_ascii=False)
    for english in ("Since yesterday", "Neighbouring municipalities", "Vaccination coverage"):
        assert english in rendered, english
    assert "Nabokommuner" not in rendered and "Siden i går" not in rendered
    # English number format: a decimal point in the comparison line, e.g. "Norway: 1,234.5"
    assert re.search(r"Norway: [\d,]+\.\d\b", rendered), rendered[:400]
    assert "Small numbers (1–4)" in response["brief-source"]["children"]
    incidence = response["brief-incidence"]["figure"]
    assert [t["name"] for t in incidence["data"]][1:] == ["Oslo (county)", "Norway"]
    assert incidence["layout"]["separators"] == ".,"
    pdf = client.get(f"/morgenbrief/0301/pdf?dato={DAY}")
    assert pdf.status_code == 200
    flat = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "Morning brief – Oslo (0301)" in flat and "Key figures" in flat
    assert "15 January 2022" in flat and f"{DATA_DATE:%d/%m/%Y}" in flat


def test_since_yesterday_sentences_in_english() -> None:
    from dashboard import i18n

    def share(value: float) -> dict[str, Indicator]:
        return {
            "trend": Indicator("trend", "Trend", None, code=None, text="–"),
            "positivity_7d": Indicator(
                "positivity_7d", "Andel positive tester (7 dager)", value, "%", 1
            ),
            "cases_7d": Indicator(
                "cases_7d", "Nye tilfeller siste 7 dager", value * 1000, "tilfeller"
            ),
        }

    with i18n.language("en"):
        sentences = since_yesterday(share(12.3), share(9.6))
    assert "Test positivity (7 days) rose from 9.6 to 12.3%." in sentences
    # units come as the briefing built them (translated there); labels are translated here
    assert "New cases in the last 7 days rose from 9,600 to 12,300 tilfeller." in sentences
    assert "Andel positive tester (7 dager) økte fra 9,6 til 12,3 %." in since_yesterday(
        share(12.3), share(9.6)
    )


def test_plain_figures_send_what_a_go_figure_sends() -> None:
    """The page figures are built as plain dicts (no go.Figure validation): the JSON the
    browser gets must be the one go.Figure would send, and every property must be valid."""
    import numpy as np
    import pandas as pd
    import plotly.graph_objects as go
    from plotly.io.json import to_json_plotly

    from dashboard import i18n
    from dashboard.figures import core
    from dashboard.figures.hospital import admissions_per_day_figure
    from dashboard.figures.testing import (
        Measure,
        age_comparison,
        comparison_lines,
        tests_per_day_figure,
    )

    days = pd.date_range("2022-01-01", periods=40)
    rng = np.random.default_rng(3)
    daily = pd.DataFrame({"date": days, "cases": rng.integers(0, 40, 40)})
    daily["moving_average"] = daily["cases"].rolling(7).mean()
    daily["incidence"] = daily["moving_average"] * 2.5
    series = [("A", daily), ("B", daily.iloc[5:]), ("C", daily)]
    for language in ("nb", "en"):
        with i18n.language(language):
            for build in (
                lambda plain: core.daily_cases_figure(daily, title="t", plain=plain),
                lambda plain: core.incidence_comparison_figure(series, title="t", plain=plain),
            ):
                plain, validated = build(True), build(False)
                assert isinstance(plain, dict) and isinstance(validated, go.Figure)
                assert json.loads(to_json_plotly(plain)) == json.loads(to_json_plotly(validated))
    tests = daily.assign(
        tests_pcr=rng.random(40) * 50,
        tests_antigen=rng.random(40) * 50,
        positive=rng.random(40) * 5,
        tests_pcr_suppressed=[i % 6 == 0 for i in range(40)],
    )
    ages = pd.DataFrame({"age_band": ["a", "b"], "v": [1.0, np.nan]})
    admissions = daily.assign(
        admissions=rng.integers(0, 9, 40),
        icu_admissions=rng.integers(0, 3, 40),
        admissions_moving_average=rng.random(40) * 5,
        admissions_suppressed=[i % 5 == 0 for i in range(40)],
    )
    hospital = admissions_per_day_figure(admissions, title="t")
    assert [t["type"] for t in hospital["data"]] == ["bar", "bar", "bar", "scatter"]
    assert hospital["layout"]["barmode"] == "overlay"  # the ICU bars over the admissions
    for fig in (
        hospital,
        tests_per_day_figure(tests, title="t"),
        comparison_lines(series, Measure("incidence", "I", suffix=" %"), title="t"),
        age_comparison([("A", ages), ("B", ages)], [Measure("v", "V")], title="t", bands=["a"]),
    ):
        go.Figure(fig)  # raises on any property plotly does not know


def test_withheld_county_and_nation_values_read_1_to_4_not_missing(settings) -> None:
    """For a role without small numbers, a county's or the nation's value built on a count of
    1–4 is shown as "1–4" beside the kommune's (it is withheld, not missing)."""
    from data import key_figures, queries

    info = queries.dataset_info(scope=Scope.full())
    rows = key_figures.area_rows(
        areas=("F46",), start=info["period_start"], end=info["data_date"], disease="covid19"
    )
    small = rows[rows["admissions_7d"].between(1, 4)]
    assert len(small), "the test needs a day with 1–4 admissions in Vestland"
    day = small["date"].iloc[len(small) // 2].date()
    ks = Scope(user_id="k", role="ks-analytiker", kommuner=None)
    indicator = build_briefing(scope=ks, kommunenummer="4601", date=day).indicators["admissions_7d"]
    assert indicator.county is None and indicator.county_suppressed
    assert indicator.compared("county") == formatting.SUPPRESSED
    full = build_briefing(scope=Scope.full(), kommunenummer="4601", date=day)
    shown = full.indicators["admissions_7d"]
    assert not shown.county_suppressed and 1 <= (shown.county or 0) <= 4
    assert shown.compared("county") == formatting.number(shown.county, 0)


def test_a_share_reads_percent_only_as_a_number() -> None:
    """ "skjult %" and "– %" were printed for a withheld and a missing share (PDF, Krisemøte)."""
    share = Indicator(key="positivity_7d", label="Andel", value=12.34, unit="%", decimals=1)
    assert share.display_percent() == "12,3 %"
    assert Indicator(**{**share.__dict__, "suppressed": True, "value": None}).display_percent() == (
        "skjult"
    )
    assert Indicator(**{**share.__dict__, "value": None}).display_percent() == "–"


def test_a_failed_renderer_is_replaced_after_a_pause() -> None:
    """One timeout on a busy machine used to leave every later PDF to the slow one-browser-
    per-figure path (and to 503s): the renderer is retired and a new one tried later."""
    from dashboard import pdf

    made: list[object] = []
    now = [100.0]

    class Renderer:
        def __init__(self) -> None:
            made.append(self)
            self.retired = False

        def render(self, fig_dict, opts) -> bytes:  # type: ignore[no-untyped-def]
            if len(made) == 1:
                raise TimeoutError("busy")
            return b"png"

        def retire(self) -> None:
            self.retired = True

    slot = pdf.RendererSlot(Renderer, retry_after=30.0, clock=lambda: now[0])
    assert slot.render({}, {}) is None  # the first renderer fails: retired
    assert made[0].retired  # type: ignore[attr-defined]
    now[0] += 29.0
    assert slot.render({}, {}) is None  # within the pause: no new renderer yet
    assert len(made) == 1
    now[0] += 2.0  # the pause is over
    assert slot.render({}, {}) == b"png"
    assert len(made) == 2
