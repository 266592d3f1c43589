"""Luftveisinfeksjoner (ILI consultations per 100 000), added through the registry alone: the
page's numbers against sums of the raw ``ili_consultation`` table, the national comparison
against ERVISS's Norway rows, the API listing and serving it, and its disclosure."""

from __future__ import annotations

import datetime as dt
import gzip
from typing import Any

import pandas as pd
import pytest

from dashboard import formatting
from data import db
from data.queries import ili
from data.scope import Scope
from tests.conftest import REALDATA, login
from tests.dash_http import call, subject_outputs, values
from tests.test_page_testing import card, population, sql

ERVISS = REALDATA / "ecdc_erviss" / "ILIARIRates_2026-05-08.csv.gz"
OUTPUTS = subject_outputs("luftveier")


def page(client: Any, kommune: str, date: str) -> dict[str, Any]:
    status, body, _ = call(
        client,
        outputs=OUTPUTS,
        inputs=[("luftveier-select", "value", kommune), ("luftveier-date", "date", date)],
    )
    assert status == 200
    return body["response"]


def raw(kommune: str | None = None) -> pd.DataFrame:
    frame = sql("select kommunenummer, week, age_band, consultations from ili_consultation")
    frame["week"] = pd.to_datetime(frame["week"]).dt.date
    return frame if kommune is None else frame[frame["kommunenummer"] == kommune]


def busiest_week(frame: pd.DataFrame) -> dt.date:
    return frame.groupby("week")["consultations"].sum().idxmax()


def test_the_page_shows_sums_of_the_raw_table(client) -> None:  # type: ignore[no-untyped-def]
    kommune = "0301"
    rows = raw(kommune)
    week = busiest_week(rows)
    in_week = rows[rows["week"] == week]
    expected = int(in_week["consultations"].sum())
    assert expected > 0
    # the page's date is a Wednesday after the week: it shows the last whole week
    response = page(client, kommune, (week + dt.timedelta(days=3)).isoformat())
    cards = response["luftveier-cards"]
    assert card(response, "luftveier-cards", "luftveier-card-0")[1] == formatting.number(expected)
    pop = population(week.year, [kommune])
    rate = expected * 100_000 / pop
    assert card(response, "luftveier-cards", "luftveier-card-1")[1] == formatting.number(rate, 1)
    # the weekly line of the kommune: raw weekly sums / population, every week
    figure = response["luftveier-weekly"]["figure"]
    trace = next(t for t in figure["data"] if t["name"] == "Oslo")
    shown = dict(zip(trace["x"], values(trace["y"]), strict=True))
    weekly = rows.groupby("week")["consultations"].sum()
    for day, value in weekly.items():
        if day <= week:
            expected_rate = value * 100_000 / population(day.year, [kommune])
            assert shown[day.isoformat()] == pytest.approx(expected_rate)
    assert shown[week.isoformat()] == pytest.approx(rate)
    # by age band: each band's raw sum per 100 000 of the band
    age = response["luftveier-age"]["figure"]["data"][0]
    by_band = dict(zip(age["x"], values(age["y"]), strict=True))
    band_pop = sql(
        "select age_band, sum(population) as p from population where structure = 2024 "
        "and year = :y and kommunenummer = :k group by age_band",
        y=week.year,
        k=kommune,
    ).set_index("age_band")["p"]
    for band, n in in_week.groupby("age_band")["consultations"].sum().items():
        assert by_band[band] == pytest.approx(n * 100_000 / band_pop[band])
    assert cards  # rendered
    assert ili.loaded()


def test_consultations_are_published_like_other_counts(demo_env) -> None:  # type: ignore[no-untyped-def]
    """Without small-number access, 1–4 consultations are hidden and so is the rate on them."""
    rows = raw()
    weekly = rows.groupby(["kommunenummer", "week"])["consultations"].sum()
    small = weekly[(weekly >= 1) & (weekly <= 4)]
    kommune, week = small.index[0]
    analyst = Scope(user_id="ks", role="ks_analytiker", kommuner=None, small_numbers=False)
    out = ili.ili_weekly(scope=analyst, level="kommune", code=kommune, start=week, end=week)
    assert bool(out["ili_consultations_suppressed"].iloc[0])
    assert bool(out["ili_per_100k_hidden"].iloc[0]) and pd.isna(out["ili_per_100k"].iloc[0])


def test_the_api_lists_and_serves_the_indicator(app, client) -> None:  # type: ignore[no-untyped-def]
    """Listed from the registry; served for a full-access user as the raw sums, for an analyst
    without small-number access as the published (perturbed) count the page reads."""
    analyst_client = login(app.server.test_client(), "ks-analytiker")
    listed = analyst_client.get("/api/v1/indicators").get_json()
    ids = {i["id"] for i in listed["indicators"]}
    assert {"ili_consultations", "ili_per_100k"} <= ids
    rows = raw()
    week = busiest_week(rows)
    start = week - dt.timedelta(days=6)
    query = f"/api/v1/series?indicator=ili_per_100k&area=NO&from={start}&to={week}"
    total = int(rows[rows["week"] == week]["consultations"].sum())
    assert client.get(query).get_json()["values"] == [
        {
            "date": week.isoformat(),
            "value": round(total * 100_000 / population(week.year, None), 1),
            "status": "shown",
        }
    ]
    analyst = Scope(user_id="ks", role="ks_analytiker", kommuner=None, small_numbers=False)
    published = ili.ili_weekly(scope=analyst, level="nation", code=None, start=week, end=week)
    [point] = analyst_client.get(query).get_json()["values"]
    assert point["value"] == round(float(published["ili_per_100k"].iloc[0]), 1)
    counts = analyst_client.get(query.replace("ili_per_100k", "ili_consultations")).get_json()
    assert counts["values"][0]["value"] == int(published["ili_consultations"].iloc[0])


@pytest.fixture(scope="module")
def erviss_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Fresh stores with the real ERVISS ILI/ARI rate file imported (nothing else)."""
    if not ERVISS.is_file():
        pytest.skip(f"ERVISS file not available at {ERVISS}")
    from data.importers import runner
    from tests.stores import new_stores

    urls = new_stores(tmp_path_factory.mktemp("erviss"))
    with db.using(**urls) as layer:
        db.upgrade()
        runner.run(layer.engine(), [ERVISS])
    return urls


def test_the_national_comparison_is_the_files_norway_rows(erviss_store) -> None:  # type: ignore[no-untyped-def]
    with gzip.open(ERVISS, "rt") as f:
        file = pd.read_csv(f, dtype=str)
    norway = file[
        (file["countryname"] == "Norway")
        & (file["indicator"] == "ILIconsultationrate")
        & (file["age"] == "total")
    ]
    expected = {
        (pd.Timestamp(dt.date.fromisocalendar(int(w[:4]), int(w[6:]), 7))): float(v)
        for w, v in zip(norway["yearweek"], norway["value"], strict=True)
    }
    assert len(expected) > 100
    with db.using(**erviss_store):
        # no consultations per kommune in these data: the page shows Norway's rate only
        assert not ili.loaded()
        got = ili.national_ili(
            scope=Scope.full(), start=dt.date(2021, 1, 1), end=dt.date(2026, 12, 31)
        )
    shown = got.dropna(subset=["ili_per_100k"])
    assert dict(zip(shown["date"], shown["ili_per_100k"], strict=True)) == expected
