"""Kommuneoversikt, its export, the weekly report and Krisemøte.

The overview's numbers are compared with what each kommune's own pages show (the same
queries, and the Kommune page's card) and with raw rows; the exports are read back and
searched for small numbers; the report's CSV is compared with the text of its PDF.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from dashboard import formatting
from dashboard import overview as overview_view
from dashboard.definitions.overview import EXPORT_COUNTS
from dashboard.metrics import overview as om
from data.queries import arrivals as arrival_queries
from data.queries import certificates as certificate_queries
from data.queries import clusters as cluster_queries
from data.queries import testing as testing_queries
from data.queries import vaccination as vaccination_queries
from data.scope import Scope
from tests import export_read
from tests.conftest import login
from tests.dash_http import KRISE_OUTPUTS, OVERVIEW_OUTPUTS, call, call_kommune
from tests.test_page_testing import card, sql

DATE = dt.date(2022, 1, 20)
# the demo's last complete ISO week (the reports refuse a week that has not ended)
WEEK = "2022-W02"
# the week as the report names it, in bokmål and in English
WEEK_NB = f"uke {int(WEEK[-2:])} {WEEK[:4]}"
WEEK_EN = f"week {int(WEEK[-2:])} {WEEK[:4]}"
# every count the table and the exports show (each must be protected)
COUNT_COLUMNS = EXPORT_COUNTS


def overview_rows(client: Any, date: dt.date = DATE) -> dict[str, dict[str, Any]]:
    status, body, _ = call(
        client, outputs=OVERVIEW_OUTPUTS, inputs=[("ov-date", "date", date.isoformat())]
    )
    assert status == 200
    return {r["id"]: r for r in body["response"]["ov-table"]["data"]}


def sample_kommuner(app: Any) -> list[str]:
    """Largest, a middle one and the smallest kommune with cases in the window (raw data)."""
    pop = sql(
        "select kommunenummer, sum(population) as p from population where year = 2022 "
        "and structure = 2024 group by kommunenummer order by p desc"
    )
    codes = list(pop["kommunenummer"])
    return [codes[0], codes[len(codes) // 2], codes[-1], "4601"]


# --------------------------------------------------------------------------- pure metrics
def test_garwood_interval_matches_published_table() -> None:
    low, high = om.garwood_interval(pd.Series([0, 1, 5, 10, 300]))
    expected = [(0.0, 3.689), (0.0253, 5.572), (1.6235, 11.668), (4.7954, 18.390)]
    for i, (lo, hi) in enumerate(expected):
        assert low[i] == pytest.approx(lo, abs=1e-3)
        assert high[i] == pytest.approx(hi, abs=1e-3)
    # large counts: Wilson–Hilferty, within 0.01 % of the exact bounds (computed exactly)
    assert low[4] == pytest.approx(267.009, rel=1e-4)
    assert high[4] == pytest.approx(335.941, rel=1e-4)


def test_small_kommune_does_not_top_the_ranking_by_chance() -> None:
    rows = pd.DataFrame(
        {
            "population": [200, 700_000, 50_000, 12_000, 3_000, 30_000],
            "cases_7d": [3, 7_000, 450, 110, 20, 250],
        }
    )
    prior = om.fit_prior(rows["cases_7d"], rows["population"])
    smoothed = om.smoothed_rate(rows["cases_7d"], rows["population"], prior)
    raw = rows["cases_7d"] * 100_000 / rows["population"]
    assert raw.idxmax() == 0  # 1 500 per 100 000 from 3 cases
    assert smoothed.idxmax() != 0
    # the weight of the common rate falls with the population: tiny kommuner move most
    weight = (raw - smoothed) / (raw - prior.mean)
    by_size = weight[rows["population"].sort_values().index]
    assert by_size.is_monotonic_decreasing and weight[0] > 0.9 and weight[1] < 0.2


def test_size_classes() -> None:
    classes = om.size_class(pd.Series([200, 1_999, 2_000, 19_999, 20_000, 50_000]))
    assert list(classes) == [
        "under 2 000",
        "under 2 000",
        "2 000–4 999",
        "5 000–19 999",
        "20 000–49 999",
        "50 000 og over",
    ]


# --------------------------------------------------------------------------- equal to pages
def test_overview_equals_the_kommune_pages(app, client) -> None:
    rows = overview_rows(client)
    assert len(rows) == 357
    scope = Scope.full()
    for code in sample_kommuner(app):
        row = rows[code]
        # cases: raw rows of the case table (test date in the 7 days ending on DATE)
        raw = sql(
            "select count(*) as n from \"case\" where kommunenummer = :k and disease = 'covid19' "
            "and test_date > :a and test_date <= :b",
            k=code,
            a=(DATE - dt.timedelta(days=7)).isoformat(),
            b=DATE.isoformat(),
        )["n"].iloc[0]
        assert row["cases_7d"] == raw, code
        # the Kommune page's card shows the same incidence
        _status, body, _ = call_kommune(client, code, DATE)
        shown = card(body["response"], "kommune-cards", "card-incidence-7d")[1]
        assert shown == formatting.number(row["incidence_7d"], 1), code
        # Testing page: events and positive events in the 7 days
        tests = testing_queries.tests_daily(
            scope=scope, level="kommune", code=code, start=DATE, end=DATE
        ).iloc[-1]
        assert row["tests_7d"] == tests["tests_7d"], code
        if tests["tests_7d"]:
            assert row["positivity_7d"] == pytest.approx(
                100 * tests["positive_7d"] / tests["tests_7d"], abs=1e-3
            )
        # Vaksinasjon page: all ages, dose 2 and 3
        coverage = vaccination_queries.vaccination_coverage(
            scope=scope, level="kommune", code=code, date=DATE
        ).set_index(["age_band", "dose_number"])
        for dose in (2, 3):
            expected = min(
                100.0,
                100
                * coverage.loc[("alle", dose), "vaccinated"]
                / coverage.loc[("alle", dose), "population"],
            )
            assert row[f"coverage_d{dose}"] == pytest.approx(expected, abs=1e-3), (code, dose)
        # Koronasertifikat page: the total row
        status_frame = certificate_queries.certificate_status(
            scope=scope, kommunenummer=code, date=DATE
        )
        total = status_frame[status_frame["age_band"] == "total"].iloc[0]
        assert row["cert_share"] == pytest.approx(
            min(100.0, 100 * total["valid"] / total["population"]), abs=1e-3
        )
        # Innreise page (default 14-day window)
        windows = arrival_queries.arrival_windows(
            scope=scope,
            kommunenummer=code,
            fylkesnummer=code[:2],
            start=DATE - dt.timedelta(days=13),
            end=DATE,
        )
        assert row["arrivals_14d"] == windows.iloc[0]["registered"], code
        # Morgenbrief: active clusters
        clusters = cluster_queries.clusters_on(scope=scope, kommunenummer=code, date=DATE)
        assert row["active_clusters"] == int(clusters["active"].sum()), code
        assert row["name"].startswith("[") and f"/kommune/{code}?dato=" in row["name"]


def test_county_rows_add_up_to_the_kommuner(client) -> None:
    rows = overview_rows(client)
    _status, body, _ = call(
        client, outputs=OVERVIEW_OUTPUTS, inputs=[("ov-date", "date", DATE.isoformat())]
    )
    counties = {r["fylke"]: r for r in body["response"]["ov-counties"]["data"]}
    vestland = [r for r in rows.values() if r["fylkesnavn"] == "Vestland"]
    expected = sum(r["cases_7d"] for r in vestland)
    row = next(v for k, v in counties.items() if k.startswith("Vestland"))
    assert row["cases_7d"] == formatting.number(expected)


# --------------------------------------------------------------------------- access, export
def test_overview_follows_the_scope(app) -> None:
    oslo = overview_rows(login(app.server.test_client(), "lege-oslo"))
    from dashboard.auth import DEMO_USERS, scope_for

    assert set(oslo) == set(scope_for(DEMO_USERS["lege-oslo"]).kommuner or ())
    vestland = overview_rows(login(app.server.test_client(), "fylkeslege-vestland"))
    assert {r["fylkesnavn"] for r in vestland.values()} == {"Vestland"}


def _ks_client(app: Any) -> Any:
    return login(app.server.test_client(), "ks-analytiker")


def _assert_protected(values: list[Any], column: str) -> int:
    """No count 1–4 in a column; returns how many cells read "1–4"."""
    hidden = 0
    for value in values:
        if value in (None, "", "skjult"):  # withheld to protect another count: no claim
            continue
        if value == formatting.SUPPRESSED:
            hidden += 1
            continue
        number = float(value)
        assert not 1 <= number <= 4, f"{column} has an unprotected small number {value}"
    return hidden


def test_ks_analyst_sees_and_exports_no_small_numbers(app) -> None:
    client = _ks_client(app)
    rows = overview_rows(client)
    for column in COUNT_COLUMNS:
        if column in next(iter(rows.values())):
            _assert_protected([r[column] for r in rows.values()], column)

    response = client.get(f"/oversikt/eksport.csv?dato={DATE.isoformat()}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    people = export_read.excel_csv_rows(response.data)
    assert len(people) == 357
    for column in COUNT_COLUMNS:
        _assert_protected([r[column] for r in people.values()], column)
    response = client.get(f"/oversikt/data.csv?dato={DATE.isoformat()}")
    records = list(export_read.data_csv_rows(response.data).values())
    assert len(records) == 357
    hidden = 0
    for c in COUNT_COLUMNS:
        _assert_protected([r[c] for r in records], c)
        hidden += sum(r[f"{c}_withheld"] == "true" for r in records)
    assert hidden > 0, "the tiny data have small counts: some cells must be withheld"
    # a withheld count gives no rate either
    for r in records:
        if r["cases_7d_withheld"] == "true":
            assert r["cases_7d"] == r["incidence_7d"] == r["incidence_7d_smoothed"] == ""
            assert "Tilfeller 7 d" in people[r["kommunenummer"]]["withheld"]

    response = client.get(f"/oversikt/eksport.xlsx?dato={DATE.isoformat()}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    for sheet in ("Kommuner", "Fylker"):
        table = list(book[sheet].iter_rows(values_only=True))
        header, body = table[0], table[1:]
        labels = {f.key: f.label for f in overview_view.export_fields()}
        for column in COUNT_COLUMNS:
            index = header.index(labels[column])
            _assert_protected([row[index] for row in body], f"{sheet}.{column}")


def test_export_refused_without_export_right_and_audited(app) -> None:
    client = login(app.server.test_client(), "sporer-bergen")
    before = sql("select count(*) as n from audit_log where action = 'refused'")["n"].iloc[0]
    assert client.get("/oversikt/eksport.csv").status_code == 403
    assert client.get("/oversikt/data.json").status_code == 403
    assert client.get(f"/rapport/4601/{WEEK}.pdf").status_code == 403
    after = sql("select count(*) as n from audit_log where action = 'refused'")["n"].iloc[0]
    assert after == before + 3
    ks = _ks_client(app)
    exports = sql("select count(*) as n from audit_log where action = 'export'")["n"].iloc[0]
    assert ks.get("/oversikt/eksport.csv").status_code == 200
    assert sql("select count(*) as n from audit_log where action = 'export'")["n"].iloc[0] == (
        exports + 1
    )


def test_fylkeslege_export_has_only_own_county(app) -> None:
    client = login(app.server.test_client(), "fylkeslege-vestland")
    response = client.get("/oversikt/eksport.csv")
    records = export_read.excel_csv_rows(response.data).values()
    assert records and {r["fylkesnavn"] for r in records} == {"Vestland"}
    data = export_read.data_csv_rows(client.get("/oversikt/data.csv").data).values()
    assert {r["fylkesnavn"] for r in data} == {"Vestland"}


# --------------------------------------------------------------------------- weekly report
def _pdf_text(payload: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages)


@pytest.mark.parametrize("user_id", ["fylkeslege-vestland", "ks-analytiker"])
def test_report_csv_equals_the_pdf(app, user_id) -> None:
    client = login(app.server.test_client(), user_id)
    csv_response = client.get(f"/rapport/4601/{WEEK}.csv")
    pdf_response = client.get(f"/rapport/4601/{WEEK}.pdf")
    json_response = client.get(f"/rapport/4601/{WEEK}.json")
    assert csv_response.status_code == pdf_response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_response.data.decode()), delimiter=";"))
    payload = json.loads(json_response.data)
    assert payload["rader"] == rows  # the JSON carries the same rows
    text = _pdf_text(pdf_response.data)
    assert f"Ukerapport {WEEK_NB} – Bergen (4601)" in text
    lines = text.replace("\xa0", " ").splitlines()
    checked = 0
    for row in rows:
        assert row["uke"] == WEEK and row["til_dato"] == "2022-01-16"
        if row["skjermet"] == "ja":
            assert row["verdi"] == "" and formatting.SUPPRESSED in text
            continue
        if row["nokkel"] == "trend":
            continue
        if not row["verdi"]:
            continue
        decimals = len(row["verdi"].split(".")[1]) if "." in row["verdi"] else 0
        printed = formatting.number(float(row["verdi"]), decimals).replace("\xa0", " ")
        assert printed in lines, (row["nokkel"], row["omrade"], row["periode"], printed)
        checked += 1
    assert checked >= 30
    if user_id == "ks-analytiker":
        for row in rows:
            if row["nokkel"] in ("cases_7d", "active_clusters", "admissions_7d") and row["verdi"]:
                assert not 1 <= float(row["verdi"]) <= 4, row


def test_report_cli_single_and_all(tmp_path, settings) -> None:
    from dashboard import report_pdf, reports
    from dashboard.cli import app as cli

    result = CliRunner().invoke(
        cli, ["report", "--kommune", "0301", "--week", WEEK, "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"ukerapport-0301-{WEEK}.{s}" for s in ("csv", "json", "pdf")]
    header = (tmp_path / f"ukerapport-0301-{WEEK}.csv").read_text().splitlines()[0]
    assert header.split(";") == list(reports.REPORT_COLUMNS)
    # the scheduled mode over a few kommuner (the CLI's --all runs this over every kommune)
    written, failed = report_pdf.write_all(
        scope=Scope.full(),
        week=WEEK,
        out_dir=tmp_path / "alle",
        kommuner=["0301", "4601", "1151"],
        progress=False,
    )
    assert written == 3 and not failed
    assert len(list((tmp_path / "alle").iterdir())) == 9
    bad = CliRunner().invoke(cli, ["report", "--kommune", "0301", "--week", "2099-W01"])
    assert bad.exit_code != 0


def test_report_week_parsing() -> None:
    from dashboard import reports

    assert reports.week_bounds("2022-w5") == ("2022-W05", dt.date(2022, 1, 31), dt.date(2022, 2, 6))
    assert reports.last_complete_week(dt.date(2022, 2, 6)) == "2022-W05"
    assert reports.last_complete_week(dt.date(2022, 2, 7)) == "2022-W05"
    with pytest.raises(reports.ReportError):
        reports.week_bounds("2022-W60")


# --------------------------------------------------------------------------- Krisemøte
def _krise(client: Any, kommune: str) -> tuple[int, dict[str, Any]]:
    status, body, _ = call(
        client,
        outputs=KRISE_OUTPUTS,
        inputs=[("krise-kommune", "data", kommune), ("krise-refresh", "n_clicks", 0)],
        state=[("krise-date", "data", DATE.isoformat())],
    )
    return status, body


def test_krisemote_numbers_equal_morgenbrief_and_freeze(app, client) -> None:
    from dashboard.briefing import build_briefing
    from tests.test_page_testing import find, texts

    status, body = _krise(client, "4601")
    assert status == 200
    response = body["response"]
    frozen = response["krise-frozen"]["data"]
    assert frozen["date"] == DATE.isoformat() and frozen["version"]
    assert response["krise-count"]["data"] == 3
    assert "dataversjon" in response["krise-asof"]["children"]
    brief = build_briefing(scope=Scope.full(), kommunenummer="4601", date=DATE)
    panels = response["krise-panels"]["children"]
    for key in ("incidence_7d", "positivity_7d", "coverage_all_d2", "active_clusters", "cases_7d"):
        shown = texts(find(panels, f"krise-{key}"))[0]
        indicator = brief.indicators[key]
        expected = indicator.display() + (" %" if indicator.unit == "%" else "")
        assert shown == expected, key
    # the poll: same version → nothing; another version → "Nye data er kommet"
    deps = client.get("/_dash-dependencies").get_json()
    poll = next(d for d in deps if any(i["id"] == "krise-poll" for i in d["inputs"]))
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
        for o in poll["output"].strip(".").split("...")
    ]

    def ask(version: str) -> dict[str, Any]:
        request = {
            "output": poll["output"],
            "outputs": outputs,
            "inputs": [{"id": "krise-poll", "property": "n_intervals", "value": 3}],
            "changedPropIds": ["krise-poll.n_intervals"],
            "state": [{"id": "krise-frozen", "property": "data", "value": {"version": version}}],
        }
        reply = client.post("/_dash-update-component", json=request)
        assert reply.status_code in (200, 204)
        return reply.get_json() or {} if reply.status_code == 200 else {}

    same = ask(str(frozen["version"]))
    assert same["response"]["krise-new-data"]["is_open"] is False
    moved = ask("0-old")
    assert moved["response"]["krise-new-data"]["is_open"] is True
    assert "dataversjon" in moved["response"]["krise-new-text"]["children"]


def test_krisemote_refuses_other_kommune(app) -> None:
    client = login(app.server.test_client(), "krise-bergen")
    status, body = _krise(client, "4601")
    assert status == 200 and body["response"]["krise-panels"]["children"]
    status, body = _krise(client, "0301")
    assert status == 200
    assert "krise-panels" not in body.get("response", {})
    assert "Ingen tilgang" in json.dumps(body)


def test_krisemote_page_and_keyboard_script_are_served(client) -> None:
    page = client.get("/krisemote/4601")
    assert page.status_code == 200
    script = client.get("/assets/krisemote.js")
    assert script.status_code == 200 and b"ArrowRight" in script.data
    # the CSP allows scripts from 'self' only (plus hashed inline): the asset file is allowed
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_overview_and_weekly_report_in_english(app) -> None:
    """The language cookie turns the overview English (labels, sentences, 12,345.6 formats);
    the weekly report PDF follows ?sprak=en (bokmål by default), its CSV never changes."""
    from dashboard import i18n
    from layouts import oversikt

    client = login(app.server.test_client(), "test-full")
    client.set_cookie("sb_lang", "en")
    status, body, _ = call(
        client, outputs=OVERVIEW_OUTPUTS, inputs=[("ov-date", "date", DATE.isoformat())]
    )
    assert status == 200
    response = body["response"]
    title = "357 municipalities as of 20 January 2022 · COVID-19"  # names the disease
    assert response["ov-title"]["children"] == title
    assert "Ranking method:" in str(response["ov-method"]["children"])
    assert "Data as of" in response["ov-source"]["children"]
    counties = response["ov-counties"]["data"]
    populations = {r["fylke"]: r["population"] for r in counties}
    # English thousands separators: a comma in every population of four digits or more
    assert all(
        "\xa0" not in p and ("," in p) == (len(p.replace(",", "")) > 3)
        for p in populations.values()
    ), populations
    classes = {r["size_class"] for r in response["ov-table"]["data"]}
    english_classes = {"under 2,000", "2,000–4,999", "5,000–19,999", "20,000–49,999"}
    assert classes and classes <= english_classes | {"50,000 and over"}, classes
    with i18n.language("en"):
        rendered = str(oversikt.layout())
    assert "Municipality overview" in rendered and "Highest smoothed incidence" in rendered
    assert "Smoothed incidence 7 d" in rendered  # a column header
    # the report: English PDF on request, bokmål by default, CSV identical either way
    client = login(app.server.test_client(), "fylkeslege-vestland")
    client.set_cookie("sb_lang", "en")
    pdf = client.get(f"/rapport/4601/{WEEK}.pdf?sprak=en")
    assert pdf.status_code == 200, pdf.data[-3000:]
    english_pdf = _pdf_text(pdf.data)
    assert f"Weekly report {WEEK_EN} – Bergen (4601)" in english_pdf
    assert "Key figures" in english_pdf and "Nøkkeltall" not in english_pdf
    default_pdf = _pdf_text(client.get(f"/rapport/4601/{WEEK}.pdf").data)
    assert f"Ukerapport {WEEK_NB} – Bergen (4601)" in default_pdf
    bokmal_client = login(app.server.test_client(), "fylkeslege-vestland")
    assert (
        client.get(f"/rapport/4601/{WEEK}.csv").data
        == bokmal_client.get(f"/rapport/4601/{WEEK}.csv").data
    )


def test_report_cli_language(tmp_path, settings) -> None:
    from dashboard.cli import app as cli

    args = ["report", "--kommune", "4601", "--week", WEEK, "--out", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "--language", "en"])
    assert result.exit_code == 0, result.output
    text = _pdf_text((tmp_path / f"ukerapport-4601-{WEEK}.pdf").read_bytes())
    assert f"Weekly report {WEEK_EN}" in text and "Development over the last eight weeks" in text
    bad = CliRunner().invoke(cli, [*args, "--language", "sv"])
    assert bad.exit_code != 0


def test_withheld_cells_read_1_4_for_counts_and_skjult_for_incidences() -> None:
    from layouts.oversikt import table_columns

    nully = {
        c["id"]: c["format"].to_plotly_json().get("nully") for c in table_columns() if "format" in c
    }
    assert nully["cases_7d"] == "1–4"
    assert nully["incidence_7d"] == nully["incidence_14d"] == "skjult"  # a rate is never "1–4"
    assert nully["positivity_7d"] == "–"  # undefined without tests, not withheld
