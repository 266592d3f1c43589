"""Files recognised by content (issue 18): FHI's raw surveillance layouts by time × location
are read into the same series at the level of each row; other layouts of the family are
named with what is supported; covidnor county files are county series."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.importers import registry, runner
from data.importers.base import read_source

COLUMNS = (
    "granularity_time,granularity_geo,location_code,border,age,sex,year,week,yrwk,season,x,"
    "date,n,pop,pr100000"
)


def _cases_file(path: Path, granularity: str = "day") -> Path:
    lines = [COLUMNS]
    days = pd.date_range("2021-03-01", periods=10, freq="D" if granularity == "day" else "W-SUN")
    for location, geo, pop in (
        ("municip0301", "municip", 697010),
        ("county03", "county", 697010),
        ("norge", "nation", 5391369),
    ):
        for i, d in enumerate(days):
            y, w, _ = d.isocalendar()
            n = 10 * i + len(location)
            lines.append(
                f"{granularity},{geo},{location},2020,total,total,{y},{w},{y}-{w:02d},"
                f"2020/2021,1,{d:%Y-%m-%d},{n},{pop},{n * 100000 / pop:.2f}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cases_by_time_and_location_become_series_at_each_level(tmp_path: Path) -> None:
    src = read_source(_cases_file(tmp_path / "data_covid19_msis_by_time_location.csv"))
    kind, description = registry.identify(src)
    assert kind is not None and kind.name == "fhi_time_location"
    assert description == "FHI surveillance_data, tilfeller etter tid × sted"
    staged = runner.stage(src)
    assert staged.parsed is not None, staged.message
    facts = staged.parsed.facts["reported_series"]
    assert staged.parsed.rows_loaded == staged.parsed.rows_read == 30
    assert set(facts["area_level"].astype(str)) == {"kommune", "fylke", "nation"}
    assert set(facts["measure"].astype(str)) == {"cases_by_testdate"}
    oslo = facts[facts["area_code"].astype(str) == "0301"]
    assert oslo["value"].sum() == sum(10 * i + len("municip0301") for i in range(10))


def test_weekly_vaccinations_and_a_population_in_a_count_column(tmp_path: Path) -> None:
    path = tmp_path / "sysvak_by_time_location.csv"
    days = pd.date_range("2021-03-07", periods=4, freq="W-SUN")
    lines = ["granularity_time,granularity_geo,location_code,age,sex,date,n_dose_1,"
             "cum_n_dose_1,pop"]  # fmt: skip
    for i, d in enumerate(days):
        lines.append(f"isoweek,municip,municip0301,total,total,{d:%Y-%m-%d},{100 * i},{i},697010")
    lines.append(f"isoweek,municip,municip4601,total,total,{days[0]:%Y-%m-%d},900000,1,285911")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    staged = runner.stage(read_source(path))
    assert staged.parsed is not None, staged.message
    assert staged.parsed.dataset.startswith("fhi_surveillance:vaccinations:time_location:week")
    rejects = staged.parsed.rejects.frame()
    assert list(rejects["reason"]) == ["exceeds_population"]
    assert staged.parsed.rows_loaded == 4


def test_other_layouts_are_named_not_misread(tmp_path: Path) -> None:
    """Cumulative cases per area and age band is a layout no importer reads: the file is
    named, with the layouts of its family that are supported."""
    path = tmp_path / "msis_by_location_age.csv"
    lines = [COLUMNS]
    for location, geo in (("municip0301", "municip"), ("county03", "county")):
        lines.append(f"total,{geo},{location},2020,0-9,total,1900,1,1900-01,x,1,1900-01-01,5,10,1")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    src = read_source(path)
    kind, description = registry.identify(src)
    assert kind is None
    assert description.startswith("FHI surveillance_data, tilfeller etter sted × alder")
    assert "Støttet fra samme kilde" in description
    staged = runner.stage(src)
    assert staged.parsed is None and staged.reason == "unknown_format"
    assert "tilfeller etter sted × alder" in staged.message
    forced = runner.stage(src, group="msis")
    assert forced.parsed is None and forced.reason == "unsupported_layout"


def test_county_codes_make_a_county_file(tmp_path: Path) -> None:
    """A covidnor file with county codes is a county series even without ``fylkesnummer``."""
    path = tmp_path / "c.csv"
    path.write_text(
        "date,location_code,cases_by_regdate_n,pop_jan1_n\n"
        "2021-03-01,county_nor03,5,693494\n2021-03-02,county_nor03,6,693494\n",
        encoding="utf-8",
    )
    kind, description = registry.identify(read_source(path))
    assert kind is not None and kind.name == "covidnor_fylke_day"
    assert "fylker" in description
    staged = runner.stage(read_source(path))
    assert staged.parsed is not None, staged.message
    facts = staged.parsed.facts["reported_series"]
    assert set(facts["area_code"]) == {"03"} and facts["value"].sum() == 11


REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
KOMMUNE_DAILY = REALDATA / "fhi_covidnor" / "covidnor_municip_daily.csv.gz"


@pytest.mark.skipif(not KOMMUNE_DAILY.is_file(), reason=f"real data not at {KOMMUNE_DAILY}")
def test_total_layout_imports_cumulative_cases_per_area(tmp_path: Path) -> None:
    """FHI's ``total`` layout (cumulative cases per area up to the date of publishing), here
    built from the real kommune daily file in FHI's column conventions: every area's total is
    stored as published, dated on the date of publishing, at its own level; a total above
    the area's population is rejected with its line and field."""
    raw = pd.read_csv(KOMMUNE_DAILY, dtype={"kommunenummer": str})
    sums = raw.groupby("kommunenummer").agg(
        n=("cases_by_regdate_n", "sum"), pop=("pop_jan1_n", "max")
    )
    lines = ["granularity_time,granularity_geo,location_code,border,age,sex,n,pop,"
             "date_of_publishing"]  # fmt: skip
    for code, row in sums.iterrows():
        pop = "" if pd.isna(row["pop"]) else int(row["pop"])  # not every kommune has one
        lines.append(f"total,municip,municip{code},2020,total,total,{int(row.n)},{pop},2022-11-11")
    lines.append(f"total,nation,norge,2020,total,total,{int(sums.n.sum())},,2022-11-11")
    lines.append("total,municip,municip0301,2020,total,total,999999,697010,2022-11-11")
    path = tmp_path / "data_covid19_msis_by_location_latest.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    src = read_source(path)
    kind, description = registry.identify(src)
    assert kind is not None and kind.name == "fhi_total", description
    assert description == "FHI surveillance_data, tilfeller etter sted"
    staged = runner.stage(src)
    assert staged.parsed is not None, staged.message
    parsed = staged.parsed
    assert parsed.rows_read == len(sums) + 2
    rejects = parsed.rejects.frame()
    assert list(rejects["reason"]) == ["exceeds_population"]
    assert list(rejects["line"]) == [len(sums) + 3] and list(rejects["field"]) == ["n"]
    assert parsed.rows_loaded == len(sums) + 1
    facts = parsed.facts["reported_series"]
    assert set(facts["measure"].astype(str)) == {"cases_cumulative"}
    assert parsed.extra["constants"]["period"] == "total"
    assert set(pd.to_datetime(facts["date"]).dt.date.astype(str)) == {"2022-11-11"}
    kommuner = facts[facts["area_level"].astype(str) == "kommune"]
    got = kommuner.set_index(kommuner["area_code"].astype(str))["value"].sort_index()
    assert got.to_dict() == {k: float(v) for k, v in sums["n"].sort_index().items()}
    nation = facts[facts["area_level"].astype(str) == "nation"]
    assert nation["value"].tolist() == [float(sums["n"].sum())]


def test_total_layout_of_vaccinations_checks_doses_against_population(tmp_path: Path) -> None:
    """Persons vaccinated per area in the ``total`` layout: stored as cumulative persons with
    dose k; more than 1.2 × the population (a swapped column) is rejected with its field."""
    path = tmp_path / "sysvak_by_location.csv"
    path.write_text(
        "granularity_time,granularity_geo,location_code,age,sex,n_dose_1,n_dose_2,pop,"
        "date_of_publishing\n"
        "total,municip,municip0301,total,total,550000,530000,697010,2022-11-11\n"
        "total,municip,municip4601,total,total,285911,230000,230000,2022-11-11\n"
        "total,nation,norge,total,total,4300000,4100000,5425270,2022-11-11\n",
        encoding="utf-8",
    )
    src = read_source(path)
    kind, description = registry.identify(src)
    assert kind is not None and kind.name == "fhi_total"
    assert description == "FHI surveillance_data, vaksinasjoner etter sted"
    staged = runner.stage(src)
    assert staged.parsed is not None, staged.message
    rejects = staged.parsed.rejects.frame()
    assert rejects[["line", "field", "reason"]].values.tolist() == [
        [3, "n_dose_1", "exceeds_population"]
    ]
    facts = staged.parsed.facts["reported_series"]
    assert sorted(set(facts["measure"].astype(str))) == [
        "vaccinated_cumulative_1",
        "vaccinated_cumulative_2",
    ]
    assert facts["value"].sum() == 550000 + 530000 + 4300000 + 4100000
