"""Vaksinasjon page: coverage against independent computations on the raw vaccination and
population tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dashboard import formatting
from dashboard.figures.vaccination import coverage_heatmap
from dashboard.metrics import vaccination as vaccination_metrics
from data.codes import AGE_BANDS, AGE_BANDS_65_PLUS
from data.queries import vaccination as vaccination_queries
from data.scope import Scope
from tests.dash_http import page_response, subject_outputs, values
from tests.test_page_testing import (
    card,
    data_date,
    find,
    population,
    series_value,
    sql,
    texts,
)

OUTPUTS = subject_outputs("vaksinasjon")


def page(client: Any, kommune: str | None, date: str | None) -> dict[str, Any]:
    return page_response(client, "vaksinasjon", OUTPUTS, kommune, date)


def vaccinated(
    date: dt.date, dose: int, kommuner: list[str] | None, bands: tuple[str, ...] = AGE_BANDS
) -> int:
    """Persons with dose ``dose`` on or before ``date``, straight from the vaccination table."""
    frame = sql(
        "select kommunenummer, age_band, count(*) as n from vaccination "
        "where disease = 'covid19' and dose_number = :d and vaccination_date <= :t "
        "group by kommunenummer, age_band",
        d=dose,
        t=date.isoformat(),
    )
    if kommuner is not None:
        frame = frame[frame["kommunenummer"].isin(kommuner)]
    return int(frame[frame["age_band"].isin(bands)]["n"].sum())


def mid_campaign(kommune: str) -> dt.date:
    """The median date of dose 2 in the kommune: coverage well between 0 and 100 %."""
    frame = sql(
        "select vaccination_date from vaccination where kommunenummer = :k and dose_number = 2 "
        "order by vaccination_date",
        k=kommune,
    )
    return dt.date.fromisoformat(str(frame["vaccination_date"].iloc[len(frame) // 2])[:10])


def pct(share: float) -> str:
    return f"{formatting.number(min(share, 1.0) * 100, 1)} %"


# --------------------------------------------------------------------------- numbers
def test_coverage_of_one_age_band_equals_raw_tables(client) -> None:
    kommune, band, dose = "0301", "65-74", 2
    date = mid_campaign(kommune)
    response = page(client, kommune, date.isoformat())
    raw = vaccinated(date, dose, [kommune], (band,)) / population(date.year, [kommune], (band,))
    assert 0.05 < raw < 1.0
    heatmap = response["vaksinasjon-heatmap"]["figure"]["data"][0]
    row = list(heatmap["y"]).index("65–74")
    col = list(heatmap["x"]).index(f"Dose {dose}")
    z = values(heatmap["z"]) if isinstance(heatmap["z"], dict) else heatmap["z"]
    assert z[row][col] == pytest.approx(100 * raw, abs=0.01)
    assert heatmap["customdata"][row][col] == f"{formatting.number(raw * 100, 1)} %"
    # the comparison dots show the same value for the kommune, and the nation's own
    dots = response["vaksinasjon-age"]["figure"]
    trace = next(t for t in dots["data"] if t["name"] == "Oslo" and t["xaxis"] == "x2")
    assert values(trace["x"])[list(trace["y"]).index("65–74")] == pytest.approx(100 * raw, abs=1e-3)
    nation = vaccinated(date, dose, None, (band,)) / population(date.year, None, (band,))
    trace = next(t for t in dots["data"] if t["name"] == "Hele landet" and t["xaxis"] == "x2")
    assert values(trace["x"])[list(trace["y"]).index("65–74")] == pytest.approx(
        100 * min(nation, 1.0), abs=1e-3
    )


@pytest.mark.parametrize("kommune", ["4601", "1151"])
def test_headline_coverage_and_unvaccinated_equal_raw_tables(client, kommune) -> None:
    date = mid_campaign("0301")
    response = page(client, kommune, date.isoformat())
    for dose in (1, 2, 3):
        raw = vaccinated(date, dose, [kommune]) / population(date.year, [kommune])
        value = card(response, "vaksinasjon-cards", f"vaksinasjon-card-alle-{dose}")[1]
        assert value.rstrip("*") == pct(raw)
    raw65 = vaccinated(date, 1, [kommune], AGE_BANDS_65_PLUS)
    pop65 = population(date.year, [kommune], AGE_BANDS_65_PLUS)
    unvaccinated = card(response, "vaksinasjon-cards", "vaksinasjon-card-unvaccinated")
    assert unvaccinated[1] == formatting.number(max(pop65 - raw65, 0))
    assert formatting.number(pop65) in unvaccinated[2]
    # county and nation beside the kommune's dose 3 for 65+
    fylke = kommune[:2]
    members = sql(
        "select kommunenummer from kommune where structure = 2024 and fylkesnummer = :f", f=fylke
    )["kommunenummer"].tolist()
    county = vaccinated(date, 3, members, AGE_BANDS_65_PLUS) / population(
        date.year, members, AGE_BANDS_65_PLUS
    )
    nation = vaccinated(date, 3, None, AGE_BANDS_65_PLUS) / population(
        date.year, None, AGE_BANDS_65_PLUS
    )
    note = card(response, "vaksinasjon-cards", "vaksinasjon-card-65-3")[2]
    assert f": {pct(county)}" in note and f"Landet: {pct(nation)}" in note
    # population year on screen
    text = response["vaksinasjon-population"]["children"]
    assert f"1. januar {date.year}" in text
    assert formatting.number(population(date.year, [kommune])) in text


def test_unvaccinated_table_per_risk_band(client) -> None:
    kommune = "4601"
    date = mid_campaign(kommune)
    response = page(client, kommune, date.isoformat())
    table = find(response["vaksinasjon-unvaccinated"]["children"], "vaksinasjon-unvaccinated-table")
    rows = [texts(r) for r in table["props"]["children"][1]["props"]["children"]]
    assert [r[0] for r in rows] == ["65–74 år", "75–79 år", "80–84 år", "85+ år", "65+ samlet"]
    for band, row in zip(AGE_BANDS_65_PLUS, rows, strict=False):
        pop = population(date.year, [kommune], (band,))
        missing = max(pop - vaccinated(date, 1, [kommune], (band,)), 0)
        assert row[1] == formatting.number(pop)
        assert row[2] == formatting.number(missing)


def test_coverage_over_time_equals_raw_on_the_as_of_date(client) -> None:
    kommune = "0301"
    date = mid_campaign(kommune)
    response = page(client, kommune, date.isoformat())
    figure = response["vaksinasjon-over-time-all"]["figure"]
    # one denominator for the whole curve: the population of the as-of date's year
    earlier = date - dt.timedelta(days=30)
    for day in (date, earlier):
        raw = vaccinated(day, 2, [kommune]) / population(date.year, [kommune])
        assert series_value(figure, "Oslo", day, axis="x2") == pytest.approx(100 * raw, abs=1e-3)
    # so a cumulative coverage never dips (e.g. at a new year)
    for trace in figure["data"]:
        ys = np.asarray(values(trace["y"]))
        assert (np.diff(ys) >= -1e-4).all(), trace["name"]
    raw65 = vaccinated(date, 1, [kommune], AGE_BANDS_65_PLUS) / population(
        date.year, [kommune], AGE_BANDS_65_PLUS
    )
    figure65 = response["vaksinasjon-over-time-65"]["figure"]
    assert series_value(figure65, "Oslo", date, axis="x") == pytest.approx(
        100 * min(raw65, 1.0), abs=1e-3
    )


# --------------------------------------------------------------------------- rendering
@pytest.mark.parametrize(
    ("kommune", "name"), [("0301", "Oslo"), ("4601", "Bergen"), ("1151", "Utsira")]
)
def test_page_renders_for_kommuner_of_different_sizes(client, kommune, name) -> None:
    response = page(client, kommune, None)
    assert response["vaksinasjon-title"]["children"].startswith(f"Vaksinasjon – {name}")
    assert response["vaksinasjon-date"]["date"] == data_date().isoformat()
    assert response["vaksinasjon-alert"]["children"] is None
    heatmap = response["vaksinasjon-heatmap"]["figure"]["data"][0]
    assert list(heatmap["x"]) == ["Dose 1", "Dose 2", "Dose 3", "Dose 4"]
    assert len(heatmap["y"]) == len(AGE_BANDS) + 2
    names = {t["name"] for t in response["vaksinasjon-over-time-all"]["figure"]["data"]}
    assert name in names and "Hele landet" in names and len(names) == 3
    assert "demodata" in response["vaksinasjon-source"]["children"].lower()


# --------------------------------------------------------------------------- protection
def test_small_numbers_are_withheld_on_both_sides_and_totals_stay_safe(app) -> None:
    restricted = Scope(user_id="t", role="ks_analytiker", kommuner=None, small_numbers=False)
    date = mid_campaign("0301")
    small = sql(
        "select kommunenummer from population where structure = 2024 and year = :y "
        "group by kommunenummer order by sum(population) limit 15",
        y=date.year,
    )["kommunenummer"].tolist()
    seen_hidden = False
    for kommune in small:
        frame = vaccination_queries.vaccination_coverage(
            scope=restricted, level="kommune", code=kommune, date=date
        )
        bands = frame[frame["age_band"].isin(AGE_BANDS)]
        for row in bands.itertuples():
            vac = vaccinated(date, row.dose_number, [kommune], (row.age_band,))
            unvac = max(row.population - vac, 0)
            if 1 <= vac <= 4 or 1 <= unvac <= 4:
                assert row.hidden and np.isnan(row.vaccinated) and np.isnan(row.unvaccinated)
                seen_hidden = True
            elif not row.hidden:
                assert row.vaccinated == vac and row.unvaccinated == unvac
        for dose, group in bands.groupby("dose_number"):
            # a visible total never uncovers exactly one hidden band
            assert group["hidden"].sum() != 1, (kommune, dose)
            over65 = group[group["age_band"].isin(AGE_BANDS_65_PLUS)]
            assert (
                over65["hidden"].sum() != 1
                or frame.loc[
                    (frame["age_band"] == "65+") & (frame["dose_number"] == dose), "hidden"
                ].all()
            )
    assert seen_hidden


# --------------------------------------------------------------------------- pure parts
def test_coverage_over_100_percent_is_capped_for_display_and_kept_raw() -> None:
    frame = pd.DataFrame(
        {
            "age_band": ["80-84", "85+"],
            "dose_number": [1, 1],
            "vaccinated": [110.0, 40.0],
            "population": [100, 80],
            "hidden": [False, False],
        }
    )
    table = vaccination_metrics.coverage_table(frame)
    assert table["coverage"].tolist() == [1.1, 0.5]
    assert table["coverage_display"].tolist() == [1.0, 0.5]
    assert table["over_100"].tolist() == [True, False]
    matrix = vaccination_metrics.coverage_matrix(frame, ["80-84", "85+"])
    fig = coverage_heatmap(matrix, title="t", row_labels={})
    assert fig["data"][0]["text"][0][0] == "100 %*"
    assert fig["data"][0]["customdata"][0][0] == "110,0 % (vist som 100 %)"
    assert fig["data"][0]["z"][0][0] == 100.0


def test_page_renders_in_english(client) -> None:
    from dashboard import i18n

    client.set_cookie("sb_lang", "en")
    response = page(client, "0301", None)
    residents = population(data_date().year, ["0301"])
    with i18n.language("en"):
        residents_text = formatting.number(residents)
    assert "," in residents_text  # English thousands separator: "709,037"
    text = response["vaksinasjon-population"]["children"]
    assert text.startswith("Population on 1 January") and f"{residents_text} residents" in text
    cards = " ".join(texts(response["vaksinasjon-cards"]["children"]))
    assert "Whole population: at least 1 dose" in cards and "Aged 65 and over" in cards
    heatmap = response["vaksinasjon-heatmap"]["figure"]
    assert heatmap["layout"]["separators"] == ".,"
    assert heatmap["data"][0]["x"][0] == "Dose 1" and "All" in heatmap["data"][0]["y"]
