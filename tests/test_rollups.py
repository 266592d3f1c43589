"""County and national rollups equal the sums of the kommune aggregates they replace."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from data import db, rollups
from data.schema import AggTestsDaily, AggTestsRollup, AggVaccinationDaily

TABLES = [
    ("agg_cases_daily", "agg_cases_rollup", "cases_by_testdate + cases_by_regdate"),
    ("agg_tests_daily", "agg_tests_rollup", "tests + positive + result_days_n"),
    ("agg_vaccination_daily", "agg_vaccination_rollup", "doses"),
    ("agg_hospital_daily", "agg_hospital_rollup", "admissions + icu_admissions"),
]


def _sql(query: str) -> pd.DataFrame:
    with db.engine().connect() as conn:
        return pd.read_sql(text(query), conn)


@pytest.mark.parametrize(("kommune_table", "rollup", "value"), TABLES)
def test_rollups_equal_sums_of_kommune_rows(settings, kommune_table, rollup, value) -> None:  # type: ignore[no-untyped-def]
    nation = _sql(f"SELECT date, SUM({value}) AS v FROM {kommune_table} GROUP BY date ORDER BY 1")
    got = _sql(
        f"SELECT date, SUM({value}) AS v FROM {rollup} WHERE area = 'NO' GROUP BY date ORDER BY 1"
    )
    assert len(nation) > 30
    pd.testing.assert_frame_equal(nation, got)
    county = _sql(
        f"SELECT 'F' || k.fylkesnummer AS area, t.date, SUM({value}) AS v FROM {kommune_table} t "
        "JOIN kommune k ON k.kommunenummer = t.kommunenummer AND k.structure = 2024 "
        "GROUP BY k.fylkesnummer, t.date ORDER BY 1, 2"
    )
    got = _sql(
        f"SELECT area, date, SUM({value}) AS v FROM {rollup} WHERE area <> 'NO' "
        "GROUP BY area, date ORDER BY 1, 2"
    )
    assert county["area"].nunique() > 1  # the rows lie in several counties
    pd.testing.assert_frame_equal(county, got)


def test_source_uses_the_rollup_only_for_a_whole_county_or_the_nation(settings) -> None:  # type: ignore[no-untyped-def]
    vestland = list(
        _sql("SELECT kommunenummer FROM kommune WHERE structure = 2024 AND fylkesnummer = '46'")[
            "kommunenummer"
        ]
    )
    table, where = rollups.source(AggTestsDaily, vestland)
    assert table is AggTestsRollup and len(where) == 1
    assert rollups.area_of(vestland) == "F46"
    assert rollups.source(AggTestsDaily, None)[0] is AggTestsRollup
    table, _ = rollups.source(AggTestsDaily, vestland[:-1])  # a part of the county
    assert table is AggTestsDaily
    table, _ = rollups.source(AggTestsDaily, ["4601"])
    assert table is AggTestsDaily
    assert rollups.source(AggVaccinationDaily, None)[0].__tablename__ == "agg_vaccination_rollup"
