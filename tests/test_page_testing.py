"""Testing page: its numbers against independent computations on the raw test events."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from dashboard import formatting
from dashboard.figures.testing import Measure, age_comparison, comparison_lines
from dashboard.metrics import testing as testing_metrics
from data import db
from data.codes import AGE_BANDS
from data.queries import testing as testing_queries
from data.scope import Scope
from tests.conftest import login
from tests.dash_http import find, page_response, subject_outputs, texts, values

OUTPUTS = subject_outputs("testing")


# --------------------------------------------------------------------------- helpers
def page(client: Any, kommune: str | None, date: str | None) -> dict[str, Any]:
    return page_response(client, "testing", OUTPUTS, kommune, date)


def card(response: dict[str, Any], output: str, card_id: str) -> list[str]:
    """[title, value, note] of a headline card."""
    found = find(response[output]["children"], card_id)
    assert found is not None, card_id
    return texts(found)


def series_value(figure: dict[str, Any], name: str, date: dt.date, axis: str = "x") -> float:
    """The value of a daily trace on ``date`` (traces carry x0 + dx, no date array)."""
    trace = next(t for t in figure["data"] if t["name"] == name and t.get("xaxis", "x") == axis)
    offset = (pd.Timestamp(date) - pd.Timestamp(trace["x0"])).days
    return float(values(trace["y"])[offset])


def dot_value(figure: dict[str, Any], name: str, band: str, axis: str) -> float:
    trace = next(t for t in figure["data"] if t["name"] == name and t["xaxis"] == axis)
    return float(values(trace["x"])[list(trace["y"]).index(band)])


def percent(share: float) -> str:
    return f"{formatting.number(share * 100, 1)} %"


def sql(query: str, **params: Any) -> pd.DataFrame:
    with db.engine().connect() as conn:
        return pd.read_sql(text(query), conn, params=params)


def windows_equal_raw(
    column: str,
    by_age: pd.DataFrame,
    rows: pd.DataFrame,
    by_kommune: pd.DataFrame,
    every: pd.DataFrame,
    kommuner: list[str],
) -> None:
    """A subject's window read by age band and per kommune holds exactly the raw events of
    the window: ``rows`` (the area's, by ``age_band``) and ``every`` (the ``kommuner``'s),
    one event a row."""
    expected = rows.groupby("age_band").size()
    for band, shown in by_age.set_index("age_band")[column].items():
        assert shown == expected.get(band, 0), band
    per_kommune = by_kommune.set_index("kommunenummer")[column]
    for code in kommuner:
        assert per_kommune.loc[code] == (every["kommunenummer"] == code).sum(), code


def data_date() -> dt.date:
    value = sql("select value from dataset_meta where key = 'data_date'")["value"].iloc[0]
    return dt.date.fromisoformat(value)


def busiest_day(kommune: str) -> dt.date:
    """The sample date with most test events in the kommune: deep in a wave, by the raw data."""
    frame = sql(
        "select sample_date, count(*) as n from test_event where kommunenummer = :k "
        "and disease = 'covid19' "
        "group by sample_date order by n desc, sample_date limit 1",
        k=kommune,
    )
    return dt.date.fromisoformat(str(frame["sample_date"].iloc[0])[:10])


def raw_window(date: dt.date, kommuner: list[str] | None = None) -> pd.DataFrame:
    """Raw test events with sample date in the 7 days ending on ``date``."""
    frame = sql(
        "select kommunenummer, sample_date, result_date, age_band, test_type, positive "
        "from test_event where disease = 'covid19' and sample_date between :a and :b",
        a=(date - dt.timedelta(days=6)).isoformat(),
        b=date.isoformat(),
    )
    if kommuner is not None:
        frame = frame[frame["kommunenummer"].isin(kommuner)]
    return frame


def mean_days(frame: pd.DataFrame) -> float:
    known = frame.dropna(subset=["result_date"])
    days = pd.to_datetime(known["result_date"]) - pd.to_datetime(known["sample_date"])
    return float(days.dt.days.mean())


def fylke_members(fylke: str) -> list[str]:
    return sql(
        "select kommunenummer from kommune where structure = 2024 and fylkesnummer = :f", f=fylke
    )["kommunenummer"].tolist()


def population(year: int, kommuner: list[str] | None, bands: tuple[str, ...] = AGE_BANDS) -> int:
    """Residents of ``kommuner`` (None: all) in ``bands`` on 1 January of ``year``, straight
    from the population table."""
    frame = sql(
        "select kommunenummer, age_band, population from population "
        "where structure = 2024 and year = :y",
        y=year,
    )
    if kommuner is not None:
        frame = frame[frame["kommunenummer"].isin(kommuner)]
    return int(frame[frame["age_band"].isin(bands)]["population"].sum())


# --------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("kommune", ["0301", "4601"])
def test_counts_positivity_and_result_time_equal_raw_events(client, kommune) -> None:
    date = busiest_day(kommune)
    response = page(client, kommune, date.isoformat())
    own = raw_window(date, [kommune])
    name = sql("select name from kommune where structure = 2024 and kommunenummer = :k", k=kommune)[
        "name"
    ].iloc[0]
    tests, positive = len(own), int(own["positive"].sum())
    assert tests > 20  # a real window, not an empty one

    assert card(response, "testing-cards", "testing-card-tests")[1] == formatting.number(tests)
    assert card(response, "testing-cards", "testing-card-positive")[1] == formatting.number(
        positive
    )
    assert card(response, "testing-cards", "testing-card-positivity")[1] == percent(
        positive / tests
    )
    days = mean_days(own)
    assert card(response, "testing-cards", "testing-card-result-time")[1] == (
        f"{formatting.number(days, 1)} dager"
    )
    # the same numbers in the figures, on the as-of date
    positivity = response["testing-positivity"]["figure"]
    assert series_value(positivity, name, date) == pytest.approx(100 * positive / tests, abs=1e-3)
    result = response["testing-result-time"]["figure"]
    assert series_value(result, name, date) == pytest.approx(days, abs=1e-4)
    daily = response["testing-daily"]["figure"]
    on_day = own[pd.to_datetime(own["sample_date"]).dt.date == date]
    assert series_value(daily, "PCR", date) == (on_day["test_type"] == "PCR").sum()
    assert series_value(daily, "Antigen", date) == (on_day["test_type"] == "antigen").sum()
    assert series_value(daily, "Positive", date) == on_day["positive"].sum()

    # county and nation on the same chart
    every = raw_window(date)
    nation = every["positive"].sum() / len(every)
    assert series_value(positivity, "Hele landet", date) == pytest.approx(100 * nation, abs=1e-3)
    fylke = kommune[:2]
    county = every[every["kommunenummer"].isin(fylke_members(fylke))]
    county_name = next(t["name"] for t in positivity["data"] if t["name"].endswith("(fylke)"))
    assert series_value(positivity, county_name, date) == pytest.approx(
        100 * county["positive"].sum() / len(county), abs=1e-3
    )
    # the time series ends on the as-of date
    for trace in positivity["data"]:
        last = pd.Timestamp(trace["x0"]) + pd.Timedelta(days=len(values(trace["y"])) - 1)
        assert last.date() == date


def test_age_bands_equal_raw_events(client) -> None:
    kommune = "0301"
    date = busiest_day(kommune)
    own = raw_window(date, [kommune])
    band = own["age_band"].value_counts().idxmax()
    in_band = own[own["age_band"] == band]
    response = page(client, kommune, date.isoformat())
    figure = response["testing-age"]["figure"]
    label = band.replace("-", "–")
    per_100k = len(in_band) * 100_000 / population(date.year, [kommune], (band,))
    assert dot_value(figure, "Oslo", label, "x") == pytest.approx(per_100k, rel=1e-5)
    assert dot_value(figure, "Oslo", label, "x2") == pytest.approx(
        100 * in_band["positive"].sum() / len(in_band), abs=1e-3
    )
    every = raw_window(date)
    nation_band = every[every["age_band"] == band]
    assert dot_value(figure, "Hele landet", label, "x2") == pytest.approx(
        100 * nation_band["positive"].sum() / len(nation_band), abs=1e-3
    )


def test_neighbour_table_lists_the_neighbours_with_raw_counts(client) -> None:
    kommune = "4601"
    date = busiest_day(kommune)
    response = page(client, kommune, date.isoformat())
    neighbours = sql(
        "select n.neighbour as code, k.name from kommune_neighbour n join kommune k "
        "on k.kommunenummer = n.neighbour and k.structure = n.structure "
        "where n.structure = 2024 and n.kommunenummer = :k",
        k=kommune,
    )
    assert len(neighbours) >= 3
    table = find(response["testing-neighbours"]["children"], "testing-neighbour-table")
    rows = [texts(r) for r in find_rows(table)]
    window = raw_window(date, neighbours["code"].tolist())
    for code, name in neighbours.itertuples(index=False):
        row = next(r for r in rows if r[0] == f"{name} ({code})")
        assert row[1] == formatting.number(int((window["kommunenummer"] == code).sum()))
    assert rows[-1][0] == "Hele landet"


def find_rows(table: Any) -> list[Any]:
    body = table["props"]["children"][1]
    return body["props"]["children"]


# --------------------------------------------------------------------------- rendering
@pytest.mark.parametrize(
    ("kommune", "name", "fylke"),
    [("0301", "Oslo", "Oslo"), ("4601", "Bergen", "Vestland"), ("1151", "Utsira", "Rogaland")],
)
def test_page_renders_for_kommuner_of_different_sizes(client, kommune, name, fylke) -> None:
    response = page(client, kommune, None)
    title = f"Testing – {name} ({kommune}), {fylke} · covid-19"  # names the disease
    assert response["testing-title"]["children"] == title
    assert response["testing-date"]["date"] == data_date().isoformat()  # defaults to data date
    assert response["testing-alert"]["children"] is None
    names = sorted(t["name"] for t in response["testing-positivity"]["figure"]["data"])
    assert names == sorted([name, f"{fylke} (fylke)", "Hele landet"])
    source = response["testing-source"]["children"]
    assert f"Data per {formatting.date_short(data_date())}" in source
    assert "demodata" in source.lower()
    cards = json.dumps(response["testing-cards"]["children"])
    assert "Positivandel" in cards and f"{fylke} (fylke):" in cards and "Landet:" in cards


def test_date_outside_the_data_is_clamped(client) -> None:
    response = page(client, "0301", "2031-01-01")
    assert response["testing-date"]["date"] == data_date().isoformat()


# --------------------------------------------------------------------------- protection
def test_small_counts_are_withheld_without_small_number_access(app) -> None:
    """Roles without small-number access see "1–4", never the count, and no rate on it."""
    restricted = Scope(user_id="t", role="ks_analytiker", kommuner=None, small_numbers=False)
    small = sql(
        "select kommunenummer from population where structure = 2024 and year = 2022 "
        "group by kommunenummer order by sum(population) limit 40"
    )["kommunenummer"].tolist()
    date = busiest_day("0301")
    window = raw_window(date, small)
    raw = window.groupby("kommunenummer").size().reindex(small, fill_value=0)
    assert raw.between(1, 4).any(), "the tiny data set should have small windows"
    protected = testing_queries.tests_by_kommune(scope=restricted, kommuner=small, date=date)
    protected = protected.set_index("kommunenummer")
    for code, n in raw.items():
        if 1 <= n <= 4:
            assert math.isnan(protected.loc[code, "tests"])
            assert protected.loc[code, "tests_suppressed"]
        else:
            assert protected.loc[code, "tests"] == n
    rates = testing_metrics.testing_by_group(protected.reset_index())
    hidden = rates[rates["tests_suppressed"]]
    assert hidden["positivity"].isna().all() and hidden["tests_per_100k"].isna().all()
    assert hidden["positivity_hidden"].all()


def test_the_page_shows_1_4_to_a_role_without_small_numbers(app) -> None:
    client = login(app.server.test_client(), "ks-analytiker")
    small = sql(
        "select kommunenummer from population where structure = 2024 and year = 2022 "
        "group by kommunenummer order by sum(population) limit 40"
    )["kommunenummer"].tolist()
    date = busiest_day("0301")
    window = raw_window(date, small).groupby("kommunenummer").size()
    code = window[window.between(1, 4)].index[0]
    response = page(client, code, date.isoformat())
    value = card(response, "testing-cards", "testing-card-tests")[1]
    assert value == "1–4"
    assert card(response, "testing-cards", "testing-card-positivity")[1] == "skjult"


# --------------------------------------------------------------------------- pure parts
def test_positivity_is_undefined_without_tests() -> None:
    assert math.isnan(testing_metrics.positivity(0, 0))
    assert testing_metrics.positivity(3, 12) == 0.25
    series = testing_metrics.positivity(pd.Series([1, 0, np.nan]), pd.Series([4, 0, 10]))
    assert series.iloc[0] == 0.25 and series.iloc[1:].isna().all()


def test_comparison_figures_keep_area_order_in_the_legend() -> None:
    days = pd.date_range("2022-01-01", periods=3)
    frame = pd.DataFrame({"date": days, "v": [0.1, 0.2, np.nan]})
    fig = comparison_lines([("A", frame), ("B", frame), ("C", frame)], Measure("v", "V"), title="t")
    ranks = {t["name"]: t["legendrank"] for t in fig["data"]}
    assert ranks == {"A": 1, "B": 2, "C": 3} and fig["data"][-1]["name"] == "A"  # kommune on top
    assert fig["data"][0]["x0"] == "2022-01-01" and fig["data"][0]["dx"] == 86_400_000
    ages = pd.DataFrame({"age_band": ["a", "b"], "v": [1.0, np.nan]})
    dots = age_comparison([("A", ages)], [Measure("v", "V")], title="t", bands=["a", "b"])
    assert np.isnan(values(dots["data"][0]["x"])[1])  # a withheld value is left out, not drawn as 0


def test_age_band_and_kommune_windows_equal_raw_on_many_days(app) -> None:
    """The by-age and per-kommune windows are exactly the 7 days ending on the date."""
    end = busiest_day("4601")
    kommuner = ["4601", "4602", "1151"]
    for offset in range(0, 40, 4):
        date = end - dt.timedelta(days=offset)
        rows = raw_window(date, ["4601"])
        by_age = testing_queries.tests_by_age(
            scope=Scope.full(), level="kommune", code="4601", date=date
        )
        by_kommune = testing_queries.tests_by_kommune(
            scope=Scope.full(), kommuner=kommuner, date=date
        )
        windows_equal_raw("tests", by_age, rows, by_kommune, raw_window(date, kommuner), kommuner)
        assert by_age["positive"].sum() == rows["positive"].sum()


def test_page_renders_in_english(client) -> None:
    client.set_cookie("sb_lang", "en")
    response = page(client, "0301", None)
    cards = " ".join(texts(response["testing-cards"]["children"]))
    assert "Test events, last 7 days" in cards and "Positivity (7 days)" in cards
    assert "Testhendelser" not in cards and "Positivandel" not in cards
    source = response["testing-source"]["children"]
    day = data_date()
    assert source.startswith("Data as of ")
    assert f"Shown up to and including {day:%d/%m/%Y}" in source
    daily = response["testing-daily"]["figure"]
    assert daily["layout"]["separators"] == ".,"
    assert {t["name"] for t in daily["data"]} >= {"PCR", "Antigen", "Positive"}
    table = " ".join(texts(response["testing-neighbours"]["children"]))
    assert "Municipality" in table and "Test events 7 d" in table and "Norway" in table


@pytest.mark.parametrize(
    ("module", "english"),
    [
        ("testing", "Neighbouring municipalities"),
        ("sykehus", "Neighbouring municipalities"),
        ("vaksinasjon", "Unvaccinated aged 65 and over (no dose)"),
        ("sertifikat", "A person with several valid certificates is counted once."),
        ("innreise", "Window for funnel and data quality"),
        ("regler", "Upcoming changes"),
        ("regelredigering", "Record a new rule version"),
    ],
)
def test_layouts_render_in_english(app, module: str, english: str) -> None:
    import importlib

    from callbacks.subjects import pages
    from dashboard import i18n

    declared = {page.prefix: page.layout.layout for page in pages()}
    layout = declared.get(module) or importlib.import_module(f"layouts.{module}").layout
    with app.server.test_request_context(), i18n.language("en"):
        shown = json.dumps(layout().to_plotly_json(), default=_component_json, ensure_ascii=False)
    assert english in shown


def _component_json(value: Any) -> Any:
    return value.to_plotly_json() if hasattr(value, "to_plotly_json") else str(value)
