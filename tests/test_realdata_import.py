"""Acceptance: the whole ../shared/realdata folder imports, re-import changes nothing, and the
dashboard's numbers equal values computed here, independently, from the raw files.

Skipped when ../shared/realdata is absent (a user's fresh clone has no ../shared).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select, text

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
COVIDNOR = REALDATA / "fhi_covidnor"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real data not available at {REALDATA}"),
]

# 2024 code → 2020 code(s) it comes from, for kommuner checked against the raw files:
# unchanged (Oslo, Bergen), renumbered (Halden, Tromsø, Kongsberg) and split (Ålesund, Haram).
KOMMUNER = {"0301": "0301", "4601": "4601", "3101": "3001", "5501": "5401", "3303": "3006",
            "1508": "1507", "1580": "1507"}  # fmt: skip
SPLIT_FIRST = {"1508"}  # gets the odd one when 1507's counts are halved


@pytest.fixture(scope="module")
def real_db(real_data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The session's real-data database (built once by ``tests/conftest.py``), read by this
    module's tests; the data layer's previous database and cache come back afterwards."""
    from data import db

    with db.using(
        database_url=real_data["database_url"],
        tracing_database_url=real_data["tracing_database_url"],
    ):
        yield real_data


def db_engine() -> Any:
    from data import db

    return db.engine()


def _scope():
    from data.scope import Scope

    return Scope.full()


def _snapshot() -> dict[str, Any]:
    from data import db
    from data.schema import Base

    out: dict[str, Any] = {}
    with db.engine().connect() as conn:
        for table in Base.metadata.sorted_tables:
            out[table.name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        out["meta"] = sorted(conn.execute(text("select key, value from dataset_meta")).all())
        out["runs"] = conn.execute(text("select max(id) from import_run")).scalar_one()
    return out


def test_whole_folder_imports(real_db: dict[str, Any]) -> None:
    report = real_db["report"]
    by_status: dict[str, list[str]] = {}
    for r in report.results:
        by_status.setdefault(r.status, []).append(Path(r.file).name)
    print("\n" + "\n".join(f"{k}: {sorted(v)}" for k, v in by_status.items()))
    for r in report.results:
        print(
            f"{Path(r.file).name}: read {r.rows_read}, loaded {r.rows_loaded}, "
            f"rejected {r.rows_rejected} {r.reasons}, skipped {r.rows_skipped}, "
            f"{r.seconds:.2f} s"
        )
    # files no importer reads: the departures list and the ERVISS licence text; ECDC's
    # ERVISS files are national influenza, RSV and SARS-CoV-2 series, the county-level
    # covidnor series are read as county series
    skipped = set(by_status["skipped"])
    assert skipped == {"fhi_transport_departures_with_infected.csv", "LICENSE-EUPL-1.2.txt"}
    erviss = [r for r in report.results if "ecdc_erviss" in r.file and r.kind == "erviss"]
    assert len(erviss) == 3 and all(r.status == "loaded" for r in erviss)
    assert not [r for r in report.results if r.status in ("failed", "refused")]
    county = [r for r in report.results if "covidnor_county" in r.file]
    assert sorted(r.kind for r in county) == ["covidnor_fylke_day", "covidnor_fylke_week"]
    assert all(r.rows_loaded == r.rows_read and r.rows_rejected == 0 for r in county)
    assert len(by_status["loaded"]) == 22
    assert report.anything_loaded and report.exit_code == 0
    for r in report.results:  # every row accounted for
        assert r.rows_read == r.rows_loaded + r.rows_rejected + r.rows_skipped, r.file
    daily = next(r for r in report.results if r.file.endswith("covidnor_municip_daily.csv.gz"))
    assert daily.rows_read == 354_932 and daily.rows_loaded + daily.rows_rejected == 354_932
    ssb = [r for r in report.results if "Personer" in r.file]
    assert all(r.rows_skipped == 318 for r in ssb)  # pseudo-regions dropped, not rejected


def test_reimport_is_a_no_op(real_db: dict[str, Any]) -> None:
    from data import db
    from data.importers import runner

    before = _snapshot()
    again = runner.run(db.engine(), runner.folder_files(REALDATA))
    assert not again.changed
    assert {r.status for r in again.results} == {"unchanged", "skipped"}
    after = _snapshot()
    assert after.pop("runs") == before.pop("runs")  # no file failed, so none is retried
    assert after == before


def test_meta_says_what_the_data_are(real_db: dict[str, Any]) -> None:
    from data import queries
    from data.queries import sources

    info = queries.dataset_info(scope=_scope())
    assert info["is_demo"] is False
    assert info["data_date"] == dt.date(2022, 11, 13)
    available = sources.available_series(scope=_scope())
    assert available["case_date_basis"] == "registration"
    assert "cases_by_regdate" in available["kommune"]
    assert "cases_by_testdate" not in available["kommune"]  # no kommune-level test-date data
    assert not any(m.startswith("tests_") for m in available["kommune"])
    assert {"cases_by_testdate", "hospital_admissions", "icu_admissions", "tests_all"} <= set(
        available["nation"]
    )
    assert available["coverage"]["snapshot_date"] == dt.date(2022, 11, 10)
    assert available["boundaries"] == [2020, 2024]
    assert available["rules"] is True
    assert available["structure_data"] == [2020]


def test_national_totals_equal_raw_files(real_db: dict[str, Any], raw_daily: pd.DataFrame) -> None:
    from data import queries
    from data.queries import sources

    start, end = dt.date(2020, 2, 21), dt.date(2022, 11, 13)
    raw_nation = pd.read_csv(COVIDNOR / "covidnor_nation_daily.csv", parse_dates=["date"])
    # the nation's series is FHI's official one (it counts cases without a kommune too)
    nation = queries.cases_daily(scope=_scope(), level="nation", code=None, start=start, end=end)
    assert int(nation["cases_by_regdate"].sum()) == int(raw_nation["cases_by_regdate_n"].sum())
    assert int(raw_nation["cases_by_regdate_n"].sum()) == 1_466_592
    # the kommuner's series sum to the kommune file
    with db_engine().connect() as conn:
        kommuner = conn.execute(text("select sum(cases_by_regdate) from agg_cases_daily")).scalar()
    assert int(kommuner) == int(raw_daily["cases_by_regdate_n"].sum()) == 1_441_282
    for measure, column in (
        ("cases_by_regdate", "cases_by_regdate_n"),
        ("cases_by_testdate", "cases_by_testdate_n"),
        ("hospital_admissions", "hospital_admissions_main_cause_n"),
        ("tests_all", "testevents_all_n"),
    ):
        ours = sources.reported_series(scope=_scope(), measure=measure)
        assert ours["value"].sum() == raw_nation[column].sum(), measure
        # the published zeros are back, the empty cells are not
        assert len(ours) == raw_nation[column].notna().sum(), measure
    # weekly series by age and sex (FHI's own file)
    msis = pd.read_csv(
        REALDATA / "fhi_surveillance_data" / "data_covid19_msis_by_time_sex_age_latest.csv"
    )
    by_age = sources.reported_series(
        scope=_scope(), measure="cases_by_testdate", period="week", age_band=None, sex=None
    )
    assert by_age.loc[by_age["age_band"] != "total", "value"].sum() == msis["n"].sum() == 1_466_298


def _raw_population_2020() -> pd.DataFrame:
    raw = pd.read_csv(
        REALDATA / "ssb_population" / "Personer2020.csv", sep="\t", encoding="latin-1"
    )
    raw = raw[raw["region"].str.match(r"K-\d{4} ")]
    raw["code"] = raw["region"].str.slice(2, 6)
    raw["age"] = raw["age"].str.extract(r"^(\d+)")[0].astype(int)
    from data.codes import AGE_BAND_LOWER, AGE_BANDS

    lowers = np.array([AGE_BAND_LOWER[b] for b in AGE_BANDS])
    raw["band"] = np.asarray(AGE_BANDS)[np.searchsorted(lowers, raw["age"], side="right") - 1]
    return raw.groupby(["code", "band"])["Persons 2020"].sum().reset_index()


def _halve(values: pd.Series, first: bool) -> pd.Series:
    up = np.floor(values * 0.5 + 0.5)
    return up if first else values - up


@pytest.mark.parametrize(
    "date", [dt.date(2020, 11, 15), dt.date(2022, 1, 20), dt.date(2022, 11, 13)]
)
def test_14_day_incidence_equals_raw_files(
    real_db: dict[str, Any], raw_daily: pd.DataFrame, date: dt.date
) -> None:
    from dashboard import metrics
    from data import queries

    population = _raw_population_2020()
    kommuner = queries.kommune_list(scope=_scope(), year=date.year).set_index("kommunenummer")
    start = date - dt.timedelta(days=13)
    for code_2024, code_2020 in KOMMUNER.items():
        raw = raw_daily[
            (raw_daily["kommunenummer"] == code_2020)
            & (raw_daily["date"] >= pd.Timestamp(start))
            & (raw_daily["date"] <= pd.Timestamp(date))
        ]["cases_by_regdate_n"].fillna(0)
        bands = population[population["code"] == code_2020]["Persons 2020"]
        # the population of the date's year: SSB (2020), else the file's own pop_jan1_n, else
        # the nearest SSB year (2020 for 2021 and 2022)
        own = raw_daily[
            (raw_daily["kommunenummer"] == code_2020)
            & raw_daily["date"].dt.year.eq(date.year)
            & raw_daily["isoyear"].eq(date.year)
        ]["pop_jan1_n"].dropna()
        if date.year != 2020 and len(own):
            bands = pd.Series([float(own.iloc[0])])
        if code_2020 != code_2024 and code_2020 == "1507":
            raw = _halve(raw, code_2024 in SPLIT_FIRST)
            bands = _halve(bands, code_2024 in SPLIT_FIRST)
        expected = float(raw.sum()) * 100_000 / float(bands.sum())

        daily = queries.cases_daily(
            scope=_scope(), level="kommune", code=code_2024, start=start, end=date
        )
        cases_14d = int(daily["cases_by_regdate"].sum())
        ours = metrics.incidence(cases_14d, int(kommuner.loc[code_2024, "population"]))
        assert ours == pytest.approx(expected, rel=1e-12), (code_2024, date)


def test_vaccination_coverage_equals_raw_file(real_db: dict[str, Any]) -> None:
    from data.queries import sources

    raw = pd.read_csv(
        REALDATA
        / "fhi_surveillance_data"
        / "data_covid19_sysvak_by_location_sex_age_latest.csv.gz",
        dtype=str,
    )
    ours = sources.reported_coverage(scope=_scope())
    assert ours["snapshot_date"].dt.date.unique().tolist() == [dt.date(2022, 11, 10)]
    for code_2024, code_2020 in KOMMUNER.items():
        for age_raw, age in (("018_024", "18-24"), ("065_074", "65-74"), ("085p", "85+")):
            for sex_raw, sex in (("female", "F"), ("male", "M")):
                row = raw[
                    (raw["location_code"] == f"municip{code_2020}")
                    & (raw["age"] == age_raw)
                    & (raw["sex"] == sex_raw)
                ].iloc[0]
                persons, pop = float(row["n_dose_1"]), float(row["pop"])
                if code_2020 == "1507":
                    first = code_2024 in SPLIT_FIRST
                    persons = float(_halve(pd.Series([persons]), first).iloc[0])
                    pop = float(_halve(pd.Series([pop]), first).iloc[0])
                got = ours[
                    (ours["area_code"] == code_2024)
                    & (ours["age_band"] == age)
                    & (ours["sex"] == sex)
                    & (ours["dose_number"] == 1)
                ]
                assert len(got) == 1, (code_2024, age, sex)
                assert got["persons"].iloc[0] == persons
                assert got["population"].iloc[0] == pop
                if code_2020 != "1507":
                    # FHI published percentages capped at 95 (flagged as percent_capped)
                    published = float(row["pr100_dose_1"])
                    assert min(persons / pop * 100, 95) == pytest.approx(published)


def test_2020_coded_data_end_up_on_2024_codes_and_boundaries(real_db: dict[str, Any]) -> None:
    from data import db
    from data.queries import sources
    from geo import reference

    with db.engine().connect() as conn:
        codes = set(
            conn.execute(text("select distinct kommunenummer from agg_cases_daily")).scalars()
        )
        spike = conn.execute(
            text("select count(*) from agg_vaccination_daily where date = '2021-11-18'")
        ).scalar_one()
        kept = conn.execute(
            text("select count(*) from reported_series where quality_flag='reregistration_spike'")
        ).scalar_one()
    kommuner_2024 = set(reference.kommuner(2024)["kommunenummer"])
    assert codes <= kommuner_2024
    assert {"3101", "5501", "1508", "1580"} <= codes
    assert not codes & {"3001", "5401", "1507"}
    geometry = sources.boundary_geojson(structure=2024)
    assert geometry is not None
    assert {f["id"] for f in geometry["features"]} == kommuner_2024
    assert geometry["situasjonsbilde"]["structure"] == 2024
    assert spike == 0 and kept > 0  # the re-registration spike is kept, flagged, not summed


def test_data_quality_views_on_real_data(real_db: dict[str, Any]) -> None:
    from data.queries import sources

    flags = sources.quality_flags(scope=_scope())
    kinds = set(flags["kind"])
    assert {
        "reregistration_spike",
        "weekday_spread",
        "missing_population_in_source",
        "pseudo_regions_dropped",
        "cases_outside_kommuner",
        "right_truncated",
        "coverage_over_100",
        "percent_capped",
    } <= kinds
    gaps = sources.population_gaps(scope=_scope())
    assert set(gaps["issue"]) == {"missing_in_source"}  # the population table is complete
    assert "3101" in set(gaps["kommunenummer"])
    vintages = sources.code_vintages(scope=_scope())
    assert vintages["translated"].any()
    runs = sources.data_sources(scope=_scope())
    assert (runs["status"] == "active").sum() == 22  # with the three ERVISS files
    assert sources.arrivals_without_fd(scope=_scope()) == {"available": False}
    print(
        "\nrejected on the real folder:",
        sources.rejection_summary(scope=_scope()).to_dict("records"),
    )


def test_datakvalitet_page_on_real_data(real_app: Any) -> None:
    import json

    from tests.dash_http import DQ_OUTPUTS, call

    client = real_app.server.test_client()
    assert client.get("/login/demo/admin").status_code in (302, 303)
    assert client.get("/datakvalitet").status_code == 200
    status, body, _ = call(client, outputs=DQ_OUTPUTS, inputs=[("dq-cards", "id", "dq-cards")])
    assert status == 200
    rendered = json.dumps(body, ensure_ascii=False)
    assert "Hele det kumulative" in rendered  # the re-registration spike, flagged
    assert "covidnor_municip_daily.csv.gz" in rendered
    assert "Befolkningstabellen har tall for alle kommuner" in rendered
    assert "Ingen ankomstregistreringer" in rendered


def test_trondheim_incidence_uses_population_of_its_year(
    real_db: dict[str, Any], raw_daily: pd.DataFrame
) -> None:
    """Issue 18: the 14-day incidence on 2022-01-20 is divided by the population of
    1 January 2022 (from the kommune file's own ``pop_jan1_n``; SSB has only 2020 and 2024)."""
    from data import queries

    date = dt.date(2022, 1, 20)
    raw = raw_daily[raw_daily["kommunenummer"] == "5001"]
    window = raw[(raw["date"] > pd.Timestamp(date - dt.timedelta(days=14)))
                 & (raw["date"] <= pd.Timestamp(date))]  # fmt: skip
    cases = float(window["cases_by_regdate_n"].fillna(0).sum())
    population = raw.loc[raw["date"].dt.year.eq(2022) & raw["isoyear"].eq(2022), "pop_jan1_n"]
    assert population.nunique() == 1
    expected = cases * 100_000 / float(population.iloc[0])
    windows = queries.case_windows(scope=_scope(), date=date).set_index("kommunenummer")
    row = windows.loc["5001"]
    ours = float(row["cases_14d"]) * 100_000 / float(row["population"])
    assert ours == pytest.approx(expected, abs=0.1)
    assert int(row["population"]) == int(population.iloc[0])


# --------------------------------------------------------------------------- official series
def test_official_county_and_national_series_are_what_every_page_reads(
    real_db: dict[str, Any], raw_daily: pd.DataFrame
) -> None:
    """Where FHI published a county or national series of its own, the county's and the
    nation's numbers are that series (labelled official); a 2024 county without one (Østfold,
    split from Viken) is the sum of its kommuner (labelled so)."""
    from data import published, queries

    assert published.series_basis("NO") == "official"
    assert published.series_basis("F03") == "official"  # Oslo: the same county in 2024
    assert published.series_basis("F31") == "sum"  # Østfold: Viken (30) has no 2024 twin
    start, end = dt.date(2020, 2, 21), dt.date(2022, 11, 13)
    raw_nation = pd.read_csv(COVIDNOR / "covidnor_nation_daily.csv", parse_dates=["date"])
    raw_county = pd.read_csv(
        COVIDNOR / "covidnor_county_daily.csv.gz", parse_dates=["date"], dtype={"fylkesnummer": str}
    )
    oslo = raw_county[raw_county["fylkesnummer"] == "03"]
    for level, code, raw in (("nation", None, raw_nation), ("fylke", "03", oslo)):
        ours = queries.cases_daily(scope=_scope(), level=level, code=code, start=start, end=end)
        got = ours.set_index("date")["cases_by_regdate"]
        want = raw.set_index("date")["cases_by_regdate_n"].fillna(0)
        assert got.reindex(want.index, fill_value=0).astype(int).equals(want.astype(int)), level
    with db_engine().connect() as conn:
        county = conn.execute(
            text("select sum(cases_by_regdate) from agg_cases_rollup where area = 'F31'")
        ).scalar()
        kommuner = conn.execute(
            text(
                "select sum(c.cases_by_regdate) from agg_cases_daily c join kommune k on "
                "k.kommunenummer = c.kommunenummer and k.structure = 2024 "
                "where k.fylkesnummer = '31'"
            )
        ).scalar()
    assert int(county) == int(kommuner) > 0
