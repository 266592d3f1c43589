"""Acceptance on ../shared/realdata through the pages, as a browser (or an attacker) calls them.

The dashboard is served on a database built once per session from the real folder
(``tests/conftest.py::real_data``). Expected values are computed here with pandas from the raw
files (never through our importer or queries): national totals, the 14-day incidence of
kommuner of different sizes, vaccination coverage of one age band, and 2020-coded case counts
drawn on the 2024 boundaries. Pages whose series were not published per kommune must say so
and never show zeros. Skipped with the reason when the folder is absent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pandas as pd
import pytest

from dashboard import formatting
from tests.browser_helpers import FULL_ACCESS_USER
from tests.conftest import REALDATA, login
from tests.dash_http import (
    call,
    call_dependency,
    call_kommune,
    call_map,
    kommune_page_callbacks,
    values,
)
from tests.test_page_testing import card, find, texts

COVIDNOR = REALDATA / "fhi_covidnor"
SYSVAK = (
    REALDATA / "fhi_surveillance_data" / "data_covid19_sysvak_by_location_sex_age_latest.csv.gz"
)

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real data not available at {REALDATA}"),
]

WAVE = dt.date(2022, 1, 20)  # Omicron: cases in nearly every kommune
DATA_DATE = dt.date(2022, 11, 13)
# Pages whose kommune-level series FHI did not publish: the notice each must show.
NOTICES = {
    "testing": "FHI publiserte ikke testdata per kommune; nasjonale tall",
    "sykehus": "FHI publiserte ikke sykehusinnleggelser per kommune; nasjonale tall",
    "innreise": "Ingen ankomster i datagrunnlaget",
    "sertifikat": "Ingen koronasertifikater i datagrunnlaget",
    "klynger": "Smittesporingsdata (klynger) er ikke publisert",
    "vaksinasjon": "FHI publiserte ikke vaksinasjoner etter alder og dato per kommune",
    "brief": "Ingen smitteklynger i datagrunnlaget",
}
ZERO = re.compile(r"^0(,0+)?( %)?$")


# --------------------------------------------------------------------------- fixtures
@pytest.fixture()
def as_user(real_app: Any, use_real_data: dict[str, Any]) -> Any:
    def client(user_id: str) -> Any:
        return login(real_app.server.test_client(), user_id)

    return client


@pytest.fixture(scope="module")
def raw_population_2020() -> pd.Series:
    """SSB 07459 for 1 January 2020 per 2020 kommune code (pseudo-regions dropped)."""
    raw = pd.read_csv(
        REALDATA / "ssb_population" / "Personer2020.csv", sep="\t", encoding="latin-1"
    )
    raw = raw[raw["region"].str.match(r"K-\d{4} ")]
    return raw.groupby(raw["region"].str.slice(2, 6))["Persons 2020"].sum()


def population_of_year(
    raw_daily: pd.DataFrame, raw_population_2020: pd.Series, year: int
) -> pd.Series:
    """Per 2020 code, the population of 1 January ``year`` as the app should use it: SSB's
    for 2020, else the kommune file's own ``pop_jan1_n``, else the nearest SSB year (2020)."""
    if year == 2020:
        return raw_population_2020
    rows = raw_daily[raw_daily["date"].dt.year.eq(year) & raw_daily["isoyear"].eq(year)]
    own = rows.dropna(subset=["pop_jan1_n"]).groupby("kommunenummer")["pop_jan1_n"].first()
    return own.combine_first(raw_population_2020).astype("int64")


def _window(raw: pd.DataFrame, date: dt.date, days: int) -> pd.DataFrame:
    start = pd.Timestamp(date - dt.timedelta(days=days - 1))
    return raw[(raw["date"] >= start) & (raw["date"] <= pd.Timestamp(date))]


def _semibold(tree: Any) -> list[str]:
    """The big numbers of cards (their value Div is ``fw-semibold``)."""
    found: list[str] = []
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if "fw-semibold" in str(props.get("className", "")):
            found.append(" ".join(texts(props.get("children"))))
        for value in props.values() if "props" in tree else tree.values():
            found.extend(_semibold(value))
    elif isinstance(tree, list):
        for value in tree:
            found.extend(_semibold(value))
    return found


def _main_callbacks(client: Any) -> dict[str, dict[str, Any]]:
    """Each kommune page's main callback (many outputs, the title first), by page prefix."""
    return {
        d["output"].strip(".").split("-")[0]: d
        for d in kommune_page_callbacks(client)
        if d["output"].startswith("..") and "-title." in d["output"].split("...")[0]
    }


def _map(client: Any, metric: str, date: dt.date, structure: int | None) -> dict[str, Any]:
    status, body, _ = call_map(client, metric, date, structure=structure)
    assert status == 200
    return dict(body["response"])


# --------------------------------------------------------------------------- every page
@pytest.mark.parametrize("user_id", ["ks-analytiker", "lege-oslo"])
def test_every_kommune_page_renders_and_says_what_is_missing(as_user: Any, user_id: str) -> None:
    client = as_user(user_id)
    deps = kommune_page_callbacks(client)
    assert len(deps) >= 8
    seen: set[str] = set()
    for dep in deps:
        status, body = call_dependency(client, dep, kommune="0301", date=None)
        assert status in (200, 204), dep["output"]  # 204: nothing to update, no error
        page = dep["output"].strip(".").split(".")[0].split("-")[0]
        seen.add(page)
        if status == 204:
            continue
        rendered = json.dumps(body, ensure_ascii=False)
        if page in NOTICES and dep["output"].startswith(f"..{page}-title"):
            assert NOTICES[page] in rendered, page
        # no card shows a zero: missing series say "Ikke publisert" or show national numbers
        zeros = [t for t in _semibold(body.get("response")) if ZERO.match(t.strip())]
        assert not zeros, (dep["output"][:60], zeros)
    assert {"testing", "sykehus", "innreise", "sertifikat", "vaksinasjon", "brief"} <= seen
    for path in ("/", "/kommune/0301", "/datakvalitet", "/testing/0301", "/vaksinasjon/0301"):
        assert client.get(path).status_code == 200, path


def oslo_brief(client: Any, not_published: str) -> tuple[dict[str, Any], str]:
    """Oslo's Morgenbrief on the data date (the callback's response and its body as JSON
    text), whose cards of what FHI did not publish per kommune say ``not_published``."""
    dep = next(d for d in kommune_page_callbacks(client) if d["output"].startswith("..brief-"))
    _status, body = call_dependency(client, dep, kommune="0301", date=DATA_DATE.isoformat())
    response = body["response"]["brief-body"]["children"]
    for key in ("positivity_7d", "admissions_7d", "active_clusters"):
        assert texts(find(response, f"brief-{key}")) == [not_published], key
    return body, json.dumps(response, ensure_ascii=False)


def test_morgenbrief_cards_say_not_published(as_user: Any) -> None:
    body, rendered = oslo_brief(as_user("lege-oslo"), "Ikke publisert")
    assert "Tilfeller med registreringsdato" in rendered
    assert "prøvedato" not in rendered.replace("testhendelser etter prøvedato", "")
    # the county's and the nation's figures say they are FHI's official series
    source = body["response"]["brief-source"]["children"]
    assert source.endswith(
        "Fylket (Oslo): offisiell fylkesserie (FHI). Hele landet: offisiell landsserie (FHI)."
    )


def test_header_lists_sources_and_data_dates(as_user: Any) -> None:
    client = as_user("ks-analytiker")
    status, body, _ = call(
        client, outputs=[("data-status", "children")], inputs=[("nav-location", "pathname", "/")]
    )
    assert status == 200
    shown = " | ".join(texts(body["response"]["data-status"]["children"]))
    for expected in (
        "Data per 13.11.2022",
        "EKTE DATA",
        "FHI covidnor til 13.11.2022",
        "FHI SYSVAK til 10.11.2022",
        "FHI MSIS til 13.11.2022",
        "SSB 07459 befolkning 2020, 2024",
        "OxCGRT til 31.12.2022",
        "Kartverket",
    ):
        assert expected in shown, (expected, shown)
    assert "DEMODATA" not in shown


def test_demo_header_keeps_the_demo_label(client: Any) -> None:
    status, body, _ = call(
        client, outputs=[("data-status", "children")], inputs=[("nav-location", "pathname", "/")]
    )
    assert status == 200
    shown = json.dumps(body, ensure_ascii=False)
    assert "DEMODATA" in shown and "EKTE DATA" not in shown


# --------------------------------------------------------------------------- 2024 boundaries
def test_2020_coded_cases_render_on_2024_boundaries(as_user: Any, raw_daily: pd.DataFrame) -> None:
    from geo import reference

    client = as_user(FULL_ACCESS_USER)
    on_2024 = _map(client, "cases_14d", WAVE, 2024)
    trace = on_2024["map"]["figure"]["data"][0]
    assert trace["geojson"] == "/geo/kommuner-2024.geojson"
    codes_2024 = set(reference.kommuner(2024)["kommunenummer"])
    assert set(trace["locations"]) == codes_2024 and len(trace["locations"]) == 357
    z = values(trace["z"])
    assert all(v is not None for v in z)  # every 2024 polygon gets a value
    # sum preserved: the raw 2020-coded file's window over all kommuner
    raw = int(_window(raw_daily, WAVE, 14)["cases_by_regdate_n"].fillna(0).sum())
    assert sum(z) == raw
    by_code = dict(zip(trace["locations"], z, strict=True))
    days_1507 = _window(raw_daily[raw_daily["kommunenummer"] == "1507"], WAVE, 14)
    days_1507 = days_1507["cases_by_regdate_n"].fillna(0)
    # the split: each day's count halved, 1508 taking the odd one, so the parts add up
    assert by_code["1508"] == int((days_1507 // 2 + days_1507 % 2).sum())
    assert by_code["1508"] + by_code["1580"] == int(days_1507.sum())
    raw_halden = _window(raw_daily[raw_daily["kommunenummer"] == "3001"], WAVE, 14)
    assert by_code["3101"] == int(raw_halden["cases_by_regdate_n"].fillna(0).sum())
    summary = json.dumps(on_2024["map-summary"], ensure_ascii=False)
    assert (
        "Tall kodet etter 2020-inndelingen er vist på 2024-kart via omkodingstabell "
        "(1 kommune slått sammen/delt; 113 fikk nytt nummer)" in summary
    )
    # the same numbers on the built-in 2020 map: 356 polygons, same sum
    on_2020 = _map(client, "cases_14d", WAVE, 2020)["map"]["figure"]["data"][0]
    assert on_2020["geojson"] == "/geo/kommuner-2020.geojson"
    assert len(on_2020["locations"]) == 356 and sum(values(on_2020["z"])) == raw
    # the geometry route serves the imported 2024 polygons, simplified, one per kommune
    response = client.get("/geo/kommuner-2024.geojson")
    assert response.status_code == 200
    geometry = response.get_json()
    assert {f["id"] for f in geometry["features"]} == codes_2024
    assert geometry["situasjonsbilde"]["structure"] == 2024
    assert len(response.get_data()) < 400_000
    # the default on real data is the 2024 map; clicking Haram opens Haram
    assert _map(client, "cases_14d", WAVE, None)["map-rendered"]["data"] == "2024"
    _status, body, _ = call(
        client,
        outputs=[("nav-location", "href")],
        inputs=[("map", "clickData", {"points": [{"location": "1580"}]})],
        state=[("map-date", "date", WAVE.isoformat())],
    )
    assert body["response"]["nav-location"]["href"] == f"/kommune/1580?dato={WAVE.isoformat()}"


# --------------------------------------------------------------------------- acceptance numbers
def test_national_totals_equal_raw_files(
    as_user: Any, raw_daily: pd.DataFrame, raw_population_2020: pd.Series
) -> None:
    client = as_user(FULL_ACCESS_USER)
    assert int(raw_population_2020.sum()) == 5_367_580
    # the nation's cases are FHI's national series (cases without a kommune included)
    nation = pd.read_csv(COVIDNOR / "covidnor_nation_daily.csv", parse_dates=["date"])
    for date in (WAVE, DATA_DATE):
        population = int(population_of_year(raw_daily, raw_population_2020, date.year).sum())
        cases = float(_window(nation, date, 14)["cases_by_regdate_n"].fillna(0).sum())
        summary = _map(client, "incidence_14d", date, 2024)["map-summary"]
        shown = texts(find(summary, "map-national-value"))[0]
        assert shown == f"{formatting.number(cases * 100_000 / population, 1)} per 100 000"
    # national hospital and test numbers (Sykehus and Testing show them instead of kommune data)
    week = _window(nation, WAVE, 7)
    deps = _main_callbacks(client)
    _s, sykehus = call_dependency(client, deps["sykehus"], kommune="4601", date=WAVE.isoformat())
    cards = _semibold(sykehus["response"]["sykehus-cards"])
    assert cards[0] == formatting.number(week["hospital_admissions_main_cause_n"].sum())
    assert cards[1] == formatting.number(week["icu_admissions_n"].sum())
    _s, testing = call_dependency(client, deps["testing"], kommune="4601", date=WAVE.isoformat())
    cards = _semibold(testing["response"]["testing-cards"])
    assert cards[0] == formatting.number(week["testevents_all_n"].sum())
    share = 100 * week["testevents_pos_n"].sum() / week["testevents_all_n"].sum()
    assert cards[2] == formatting.number(share, 1)


# 2024 code → 2020 code, of different sizes: Oslo, Halden (renumbered), Utsira (smallest)
INCIDENCE_KOMMUNER = {"0301": "0301", "3101": "3001", "1151": "1151"}
FYLKE_2024 = {"0301": "Oslo", "3101": "Østfold"}


@pytest.mark.parametrize("code_2024", list(INCIDENCE_KOMMUNER))
def test_kommune_14_day_incidence_equals_raw_files(
    as_user: Any, raw_daily: pd.DataFrame, raw_population_2020: pd.Series, code_2024: str
) -> None:
    client = as_user(FULL_ACCESS_USER)
    code_2020 = INCIDENCE_KOMMUNER[code_2024]
    own = raw_daily[raw_daily["kommunenummer"] == code_2020]
    cases = float(_window(own, WAVE, 14)["cases_by_regdate_n"].fillna(0).sum())
    population = population_of_year(raw_daily, raw_population_2020, WAVE.year)
    expected = cases * 100_000 / float(population[code_2020])
    status, body, _ = call_kommune(client, code_2024, WAVE)
    assert status == 200
    values_shown = card(body["response"], "kommune-cards", "card-incidence-14d")
    assert values_shown[1] == formatting.number(expected, 1), (code_2024, values_shown)
    seven = float(_window(own, WAVE, 7)["cases_by_regdate_n"].fillna(0).sum())
    cards = _semibold(body["response"]["kommune-cards"])
    assert cards[1] == formatting.number(seven)
    assert "etter registreringsdato" in json.dumps(body["response"], ensure_ascii=False)
    # the county's and the nation's numbers say what they are
    basis = texts(find(body["response"]["kommune-source"], "kommune-series-basis"))[0]
    official = {"0301": "offisiell fylkesserie (FHI)", "3101": "summen av kommunene"}
    if code_2024 in official:
        assert basis.startswith(f"Fylket ({FYLKE_2024[code_2024]}): {official[code_2024]}.")
    assert basis.endswith("Hele landet: offisiell landsserie (FHI).")
    # Halden's population of 1.1.2022 is in no source (renumbered in 2024: covidnor has no
    # pop_jan1_n, SSB has 2020 and 2024): the nearest year is used and the card says which
    note = texts(find(body["response"]["kommune-cards"], "kommune-population"))[-1]
    if code_2024 == "3101":
        assert note == "befolkning 1.1.2020, nyere tall mangler"
    else:
        assert note == "1. januar"


def test_vaccination_coverage_of_one_age_band_equals_raw_file(as_user: Any) -> None:
    raw = pd.read_csv(SYSVAK)
    client = as_user(FULL_ACCESS_USER)
    deps = _main_callbacks(client)
    for code, label, band in (("0301", "Oslo", "065_074"), ("4601", "Bergen", "065_074")):
        rows = raw[(raw["location_code"] == f"municip{code}") & (raw["age"] == band)]
        expected = {d: 100 * rows[f"n_dose_{d}"].sum() / rows["pop"].sum() for d in (1, 2, 3)}
        _s, body = call_dependency(client, deps["vaksinasjon"], kommune=code, date=None)
        heatmap = body["response"]["vaksinasjon-heatmap"]["figure"]["data"][0]
        z = values(heatmap["z"]) if isinstance(heatmap["z"], dict) else heatmap["z"]
        row = list(heatmap["y"]).index("65–74")
        for dose, share in expected.items():
            col = list(heatmap["x"]).index(f"Dose {dose}")
            assert z[row][col] == pytest.approx(min(share, 100), abs=0.005), (code, dose)  # 2 dp
            assert heatmap["customdata"][row][col] == f"{formatting.number(share, 1)} %"
        # before FHI's snapshot there is no coverage: "–", never 0 %
        _s, before = call_dependency(client, deps["vaksinasjon"], kommune=code, date="2021-06-01")
        cards = _semibold(before["response"]["vaksinasjon-cards"])
        assert not [c for c in cards if ZERO.match(c)], cards
        assert label in json.dumps(body["response"]["vaksinasjon-title"], ensure_ascii=False)


def test_boundaries_route_without_imported_geometry_is_404(client: Any) -> None:
    # the demo database has no imported boundaries: only the built-in 2020 map exists
    assert client.get("/geo/kommuner-2024.geojson").status_code == 404
    assert client.get("/geo/kommuner-2020.geojson").status_code == 200


def test_oxcgrt_history_renders_beside_the_national_epidemic_curve(as_user: Any) -> None:
    """Issue 7: the imported OxCGRT history is on the Regler timeline, its stringency index
    beside the epidemic curve; values equal the raw file, the curves are not zeros."""
    raw = pd.read_csv(REALDATA / "rules" / "oxcgrt_norway_daily_legacy202207.csv")
    raw["date"] = pd.to_datetime(raw["date"])
    client = as_user("lege-oslo")
    dep = next(d for d in kommune_page_callbacks(client) if d["output"].startswith("..regler-"))
    status, body = call_dependency(client, dep, kommune="0301", date=WAVE.isoformat())
    assert status == 200
    figure = body["response"]["regler-timeline"]["figure"]
    traces = {t.get("name"): t for t in figure["data"]}
    stringency = traces["OxCGRT strenghetsindeks (nasjonal)"]
    assert stringency["yaxis"] == "y2"  # its own 0–100 axis beside the curve
    shown = pd.Series(values(stringency["y"]), index=pd.to_datetime(stringency["x"]))
    assert shown.index.max() == pd.Timestamp(WAVE)  # as of the reference date, no later
    expected = raw.set_index("date")["stringency_index"]
    for day in ("2020-03-20", "2021-01-10", "2021-12-20", WAVE.isoformat()):
        assert shown[pd.Timestamp(day)] == pytest.approx(expected[pd.Timestamp(day)]), day
    national = pd.Series(values(traces["Hele landet"]["y"]))
    assert national.max() > 100  # the Omicron wave, per 100 000 (not zeros)
    markers = traces["OxCGRT-indikator (importert)"]
    assert len(markers["x"]) >= 20
    assert any("C1" in str(h) or "Skole" in str(h) for h in markers["hovertext"])


def test_a_weekly_indicator_without_kommune_data_is_missing_not_zero(as_user: Any) -> None:
    """Real data hold Norway's ILI rate (ERVISS) but no consultations per kommune: the map
    and the API's every-kommune read say «–» (missing) for every kommune, never 0,0 nor
    "skjult"; the nation's value is ERVISS's, the one the API serves for NO."""
    client = as_user("ks-analytiker")
    response = _map(client, "ili_per_100k", None, None)  # the data date
    shown = {custom[0] for custom in response["map"]["figure"]["data"][0]["customdata"]}
    assert shown == {"–"}
    payload = client.get("/api/v1/kommuner?indicator=ili_per_100k").get_json()
    assert {p["status"] for p in payload["values"]} == {"missing"}
    week = dt.date.fromisoformat(payload["date"])
    series = client.get(
        f"/api/v1/series?indicator=ili_per_100k&area=NO&from={week}&to={week}"
    ).get_json()["values"]
    national = [t for t in texts(response["map-summary"]["children"]) if "," in t]
    if series and series[-1]["status"] == "shown":  # ERVISS has the week
        value = formatting.number(series[-1]["value"], 1)
        assert any(t.startswith(value) for t in national), (value, national)
