"""Sykehus page: admissions against independent computations on the raw admissions."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest

from dashboard import formatting
from dashboard.metrics import hospital as hospital_metrics
from data.queries import hospital as hospital_queries
from data.scope import Scope
from tests.dash_http import page_response, subject_outputs, values
from tests.test_page_testing import (
    card,
    data_date,
    dot_value,
    population,
    series_value,
    sql,
    windows_equal_raw,
)

OUTPUTS = subject_outputs("sykehus")


def page(client: Any, kommune: str | None, date: str | None) -> dict[str, Any]:
    return page_response(client, "sykehus", OUTPUTS, kommune, date)


def admissions() -> pd.DataFrame:
    frame = sql(
        "select kommunenummer, admission_date, age_band, icu from hospital_admission "
        "where disease = 'covid19'"
    )
    frame["admission_date"] = pd.to_datetime(frame["admission_date"]).dt.date
    return frame


def window(frame: pd.DataFrame, date: dt.date) -> pd.DataFrame:
    start = date - dt.timedelta(days=6)
    return frame[(frame["admission_date"] >= start) & (frame["admission_date"] <= date)]


def busiest_week(frame: pd.DataFrame) -> dt.date:
    """The day ending the 7 days with most admissions in ``frame`` (raw data decides)."""
    daily = frame.groupby("admission_date").size()
    daily.index = pd.to_datetime(daily.index)
    rolling = daily.asfreq("D", fill_value=0).rolling(7, min_periods=1).sum()
    return rolling.idxmax().date()


def per_100k(count: int, pop: int) -> float:
    return count * 100_000 / pop


def raw_rate_series(frame: pd.DataFrame, kommuner: list[str] | None, end: dt.date) -> pd.Series:
    """7-day admissions per 100 000 for every day up to ``end``, from the raw rows."""
    daily = frame.groupby("admission_date").size()
    daily.index = pd.to_datetime(daily.index)
    start = pd.Timestamp(data_start())
    days = pd.date_range(start, pd.Timestamp(end), freq="D")
    counts = daily.reindex(days, fill_value=0).rolling(7, min_periods=1).sum()
    pops = {y: population(y, kommuner) for y in sorted(set(days.year))}
    return counts * 100_000 / pd.Series([pops[y] for y in days.year], index=days)


def data_start() -> dt.date:
    value = sql("select value from dataset_meta where key = 'period_start'")["value"].iloc[0]
    return dt.date.fromisoformat(value)


def trace_series(figure: dict[str, Any], name: str) -> pd.Series:
    trace = next(t for t in figure["data"] if t["name"] == name)
    ys = values(trace["y"])
    return pd.Series(ys, index=pd.date_range(trace["x0"], periods=len(ys), freq="D"))


def test_admissions_per_100k_equal_raw_admissions(client) -> None:
    kommune, name = "0301", "Oslo"
    raw = admissions()
    own_all = raw[raw["kommunenummer"] == kommune]
    date = busiest_week(own_all)
    own = window(own_all, date)
    assert len(own) >= 1  # the tiny data set has few admissions; never an empty window
    response = page(client, kommune, date.isoformat())
    pop = population(date.year, [kommune])
    rate = per_100k(len(own), pop)

    assert card(response, "sykehus-cards", "sykehus-card-admissions")[1] == formatting.number(
        len(own)
    )
    assert card(response, "sykehus-cards", "sykehus-card-rate")[1] == formatting.number(rate, 1)
    assert card(response, "sykehus-cards", "sykehus-card-icu")[1] == formatting.number(
        int(own["icu"].sum())
    )
    on_day = int((own["admission_date"] == date).sum())
    assert card(response, "sykehus-cards", "sykehus-card-day")[1] == formatting.number(on_day)
    before = window(own_all, date - dt.timedelta(days=7))
    assert card(response, "sykehus-cards", "sykehus-card-admissions")[2] == (
        f"7 dager før: {formatting.number(len(before))}"
    )
    figure = response["sykehus-rate"]["figure"]
    assert series_value(figure, name, date) == pytest.approx(rate, rel=1e-5)
    nation = per_100k(len(window(raw, date)), population(date.year, None))
    assert series_value(figure, "Hele landet", date) == pytest.approx(nation, rel=1e-5)
    icu = response["sykehus-icu-rate"]["figure"]
    assert series_value(icu, name, date) == pytest.approx(
        per_100k(int(own["icu"].sum()), pop), rel=1e-5
    )
    daily = response["sykehus-daily"]["figure"]
    assert series_value(daily, "Innleggelser", date) == on_day
    # every day of the series, not only the as-of date
    for label, rows, kommuner in ((name, own_all, [kommune]), ("Hele landet", raw, None)):
        expected = raw_rate_series(rows, kommuner, date)
        shown = trace_series(figure, label)
        assert shown.index.equals(expected.index)
        assert shown.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-5, abs=1e-6)


def test_county_and_age_bands_equal_raw_admissions(client) -> None:
    kommune, fylke = "4601", "46"
    raw = admissions()
    members = sql(
        "select kommunenummer from kommune where structure = 2024 and fylkesnummer = :f", f=fylke
    )["kommunenummer"].tolist()
    county_all = raw[raw["kommunenummer"].isin(members)]
    date = busiest_week(county_all)
    county = window(county_all, date)
    response = page(client, kommune, date.isoformat())
    figure = response["sykehus-rate"]["figure"]
    expected = per_100k(len(county), population(date.year, members))
    assert series_value(figure, "Vestland (fylke)", date) == pytest.approx(expected, rel=1e-5)
    band = county["age_band"].value_counts().idxmax()
    in_band = county[county["age_band"] == band]
    ages = response["sykehus-age"]["figure"]
    label = band.replace("-", "–")
    assert dot_value(ages, "Vestland (fylke)", label, "x") == pytest.approx(
        per_100k(len(in_band), population(date.year, members, (band,))), rel=1e-5
    )
    nation = window(raw, date)
    for each in sorted(raw["age_band"].unique()):
        expected = per_100k(
            int((nation["age_band"] == each).sum()), population(date.year, None, (each,))
        )
        assert dot_value(ages, "Hele landet", each.replace("-", "–"), "x") == pytest.approx(
            expected, rel=1e-5
        )
    own = window(raw[raw["kommunenummer"] == kommune], date)
    own_band = own[own["age_band"] == band]
    assert dot_value(ages, "Bergen", label, "x") == pytest.approx(
        per_100k(len(own_band), population(date.year, [kommune], (band,))), rel=1e-5
    )


# --------------------------------------------------------------------------- rendering
@pytest.mark.parametrize(
    ("kommune", "name"), [("0301", "Oslo"), ("4601", "Bergen"), ("1151", "Utsira")]
)
def test_page_renders_for_kommuner_of_different_sizes(client, kommune, name) -> None:
    response = page(client, kommune, None)
    assert response["sykehus-title"]["children"].startswith(f"Sykehus – {name} ({kommune})")
    assert response["sykehus-date"]["date"] == data_date().isoformat()
    assert response["sykehus-alert"]["children"] is None
    names = {t["name"] for t in response["sykehus-rate"]["figure"]["data"]}
    assert name in names and "Hele landet" in names and len(names) == 3
    assert "Innleggelser per 100 000" in json.dumps(
        response["sykehus-cards"]["children"], ensure_ascii=False
    )


def test_small_admission_counts_are_withheld(app) -> None:
    restricted = Scope(user_id="t", role="kriseledelse", kommuner=None, small_numbers=False)
    raw = admissions()
    date = busiest_week(raw)
    counts = window(raw, date).groupby("kommunenummer").size()
    kommuner = counts.index[:30].tolist()
    frame = hospital_queries.hospital_by_kommune(scope=restricted, kommuner=kommuner, date=date)
    frame = hospital_metrics.hospital_by_group(frame).set_index("kommunenummer")
    small = counts[counts.between(1, 4)].index.intersection(kommuner)
    assert len(small) > 0
    for code in small:
        assert frame.loc[code, "admissions_suppressed"]
        assert pd.isna(frame.loc[code, "admissions"])
        assert pd.isna(frame.loc[code, "admissions_per_100k"])
    big = counts[counts > 4].index.intersection(kommuner)
    for code in big:
        assert frame.loc[code, "admissions"] == counts[code]


def test_age_band_windows_equal_raw_on_many_days(app) -> None:
    """The by-age and per-kommune windows are exactly the 7 days ending on the date."""
    raw = admissions()
    end = busiest_week(raw)
    kommuner = ["0301", "4601", "5001"]
    for offset in range(0, 60, 3):
        date = end - dt.timedelta(days=offset)
        rows = window(raw, date)
        by_age = hospital_queries.hospital_by_age(
            scope=Scope.full(), level="nation", code=None, date=date
        )
        by_kommune = hospital_queries.hospital_by_kommune(
            scope=Scope.full(), kommuner=kommuner, date=date
        )
        windows_equal_raw("admissions", by_age, rows, by_kommune, rows, kommuner)
        assert by_age["icu_admissions"].sum() == rows["icu"].sum()


def test_page_renders_in_english(client) -> None:
    client.set_cookie("sb_lang", "en")
    response = page(client, "0301", None)
    cards = json.dumps(response["sykehus-cards"]["children"], ensure_ascii=False)
    assert "Admissions per 100,000 (7 days)" in cards and "Innleggelser" not in cards
    rate = response["sykehus-rate"]["figure"]
    assert rate["layout"]["separators"] == ".,"
    assert rate["layout"]["title"]["text"] == "Admissions per 100,000, 7 days"
    daily = response["sykehus-daily"]["figure"]
    assert daily["layout"]["title"]["text"] == "Hospital admissions per day – Oslo"
    assert response["sykehus-source"]["children"].startswith("Data as of ")
