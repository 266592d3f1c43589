"""The demo's diseases beside covid-19 (influenza, RSV and the new pathogen) in the store the
session's demo built: published numbers equal sums of the raw event tables, the seasons peak
where the README says, and the new-pathogen kommune has a signal and a cluster in the last
week."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select, text

from data import db, queries
from data.codes import DISEASE_CODES
from data.queries import key_figures as key_queries
from data.queries.clusters import clusters_on
from data.queries.signals import signal_week, signals_on
from data.schema import DatasetMeta
from data.scope import Scope

FULL = Scope.full()  # small numbers visible: the published value is the true one


def _frame(sql: str, **params: object) -> pd.DataFrame:
    with db.engine().connect() as conn:
        result = conn.execute(text(sql), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _data_date() -> dt.date:
    return queries.dataset_info(scope=FULL)["data_date"]


def _origin() -> str:
    with db.engine().connect() as conn:
        return str(
            conn.execute(
                select(DatasetMeta.value).where(DatasetMeta.key == "new_pathogen_kommune")
            ).scalar_one()
        )


def _busiest_kommune(disease: str, since: dt.date) -> tuple[str, str]:
    rows = _frame(
        """SELECT c.kommunenummer, k.fylkesnummer, count(*) AS n FROM "case" c
           JOIN kommune k ON k.kommunenummer = c.kommunenummer AND k.structure = 2024
           WHERE c.disease = :d AND c.test_date >= :since
           GROUP BY c.kommunenummer, k.fylkesnummer ORDER BY n DESC, c.kommunenummer LIMIT 1""",
        d=disease,
        since=since.isoformat(),
    )
    assert len(rows), f"no {disease} cases since {since}"
    return str(rows.iloc[0, 0]), str(rows.iloc[0, 1])


def _raw_window(
    table: str, date_column: str, disease: str, area: str | None, end: dt.date, where: str = ""
) -> int:
    """Rows of an event table in the 7 days ending on ``end``: one kommune, one county
    ("F" + fylkesnummer) or the nation (None)."""
    area_sql = ""
    params: dict[str, object] = {
        "d": disease,
        "a": (end - dt.timedelta(days=6)).isoformat(),
        "b": end.isoformat(),
    }
    if area is not None and area.startswith("F"):
        area_sql = (
            " AND kommunenummer IN (SELECT kommunenummer FROM kommune"
            " WHERE structure = 2024 AND fylkesnummer = :f)"
        )
        params["f"] = area[1:]
    elif area is not None:
        area_sql = " AND kommunenummer = :k"
        params["k"] = area
    sql = (
        f'SELECT count(*) FROM "{table}" WHERE disease = :d AND {date_column} BETWEEN :a AND :b'
        f"{area_sql}{where}"
    )
    return int(_frame(sql, **params).iloc[0, 0])


@pytest.mark.parametrize("disease", [d for d in DISEASE_CODES if d != "covid19"])
def test_published_key_figures_equal_sums_of_the_event_tables(settings, disease) -> None:  # type: ignore[no-untyped-def]
    end = _data_date()
    start = end - dt.timedelta(days=13)
    kommune, fylke = _busiest_kommune(disease, start - dt.timedelta(days=6))
    got = key_queries.area_key_figures(
        scope=FULL, kommunenummer=kommune, fylkesnummer=fylke, start=start, end=end,
        disease=disease,
    )  # fmt: skip
    checked = 0
    for level, area in (("kommune", kommune), ("fylke", "F" + fylke), ("nation", None)):
        rows = got[got["level"] == level].set_index("date")
        assert len(rows) == 14, (disease, level)
        for day in pd.date_range(start, end):
            row = rows.loc[day]
            d = day.date()
            expected = {
                "cases_7d": _raw_window("case", "test_date", disease, area, d),
                "tests_7d": _raw_window("test_event", "sample_date", disease, area, d),
                "positive_7d": _raw_window(
                    "test_event", "sample_date", disease, area, d, " AND positive"
                ),
                "admissions_7d": _raw_window(
                    "hospital_admission", "admission_date", disease, area, d
                ),
            }
            for column, value in expected.items():
                assert int(row[column]) == value, (disease, level, d, column)
                checked += value
    assert checked > 0, f"nothing to compare for {disease}"


def _national_weekly(disease: str, first: str, last: str) -> pd.Series:
    """Cases by test date per ISO week (Monday), weeks without cases 0."""
    rows = _frame(
        """SELECT test_date, count(*) AS n FROM "case"
           WHERE disease = :d AND test_date BETWEEN :a AND :b GROUP BY test_date""",
        d=disease,
        a=first,
        b=last,
    )
    days = pd.to_datetime(rows["test_date"])
    weeks = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    every = pd.date_range(first, last, freq="W-MON")
    return rows.groupby(weeks)["n"].sum().reindex(every, fill_value=0)


def test_the_seasons_peak_where_stated(settings) -> None:  # type: ignore[no-untyped-def]
    """Influenza peaks between Christmas and February, RSV earlier (November–December): the
    winter of 2021/22 up to the last complete week of the data."""
    flu = _national_weekly("influensa", "2021-08-30", "2022-01-16")
    rsv = _national_weekly("rsv", "2021-08-30", "2022-01-16")
    assert pd.Timestamp("2021-12-06") <= flu.idxmax() <= pd.Timestamp("2022-01-10"), flu
    assert pd.Timestamp("2021-11-01") <= rsv.idxmax() <= pd.Timestamp("2021-12-27"), rsv

    def centre(weekly: pd.Series) -> pd.Timestamp:  # the season's centre of mass
        offset = (weekly.index - weekly.index[0]).days.to_numpy()
        return weekly.index[0] + pd.Timedelta(days=float((offset * weekly).sum() / weekly.sum()))

    assert centre(rsv) + pd.Timedelta(days=14) < centre(flu)
    # a peak, not a plateau: the peak week far above the weeks of September
    for weekly in (flu, rsv):
        assert weekly.max() > 4 * (weekly[weekly.index < pd.Timestamp("2021-10-01")].mean() + 1)


def test_rsv_hits_the_youngest_and_the_oldest_hardest(settings) -> None:  # type: ignore[no-untyped-def]
    cases = _frame(
        """SELECT age_band, count(*) AS n FROM "case" WHERE disease = 'rsv' GROUP BY age_band"""
    ).set_index("age_band")["n"]
    population = _frame(
        "SELECT age_band, sum(population) AS n FROM population WHERE year = 2021 GROUP BY age_band"
    ).set_index("age_band")["n"]
    rate = cases.reindex(population.index, fill_value=0) / population
    adults = rate[["18-24", "25-39", "40-44", "45-54"]].max()
    assert rate["0-11"] > 3 * adults
    assert rate[["75-79", "80-84", "85+"]].min() > 2 * adults


def test_the_new_pathogen_kommune_has_a_signal_and_a_cluster_in_the_last_week(settings) -> None:  # type: ignore[no-untyped-def]
    date = _data_date()
    origin = _origin()
    signals = signals_on(scope=FULL, date=date, kommuner=[origin], disease="ukjent")
    assert list(signals["kommunenummer"]) == [origin]
    assert bool(signals["alarm"].iloc[0]) and signals["observed"].iloc[0] > 0
    # the signal list filters on disease: covid-19's list is another one
    covid = signals_on(scope=FULL, date=date, series="cases", disease="covid19", only_alarms=False)
    assert len(covid) and not covid["observed"].equals(signals["observed"])
    week = signal_week(date)
    clusters = clusters_on(scope=FULL, kommunenummer=origin, date=date, disease="ukjent")
    recent = clusters[pd.to_datetime(clusters["last_case_date"]) >= pd.Timestamp(week)]
    assert len(recent) and recent["active"].all()
    assert {"event", "nursing_home"} <= set(clusters["setting"])
    # the travellers who brought it: arrivals of the disease with a positive test, in the
    # kommune, whose persons are cases in the event cluster
    linked = _frame(
        """SELECT count(*) FROM arrival a JOIN "case" c
           ON c.person_key = a.person_key AND c.disease = a.disease
           WHERE a.disease = 'ukjent' AND a.kommunenummer = :k AND a.test_positive
           AND c.imported AND c.cluster_id IS NOT NULL""",
        k=origin,
    )
    assert int(linked.iloc[0, 0]) >= 1


def test_the_new_pathogen_starts_in_the_last_three_weeks(settings) -> None:  # type: ignore[no-untyped-def]
    date = _data_date()
    first = _frame("""SELECT min(test_date) FROM "case" WHERE disease = 'ukjent'""").iloc[0, 0]
    assert dt.date.fromisoformat(str(first)) >= date - dt.timedelta(days=21)
    kommuner = _frame("""SELECT DISTINCT kommunenummer FROM "case" WHERE disease = 'ukjent'""")[
        "kommunenummer"
    ]
    neighbours = set(
        _frame(
            "SELECT neighbour FROM kommune_neighbour WHERE structure = 2024 AND kommunenummer = :k",
            k=_origin(),
        ).iloc[:, 0]
    )
    assert set(kommuner) - {_origin()} <= neighbours  # spread to travel neighbours only


def test_completeness_is_each_diseases_own_reporting_delay(settings) -> None:  # type: ignore[no-untyped-def]
    """The shaded incomplete days come from the disease's own delays between test and
    registration date (notifications of influenza and RSV lag more than covid-19's)."""
    from data.queries.completeness import COMPLETE_SHARE, case_completeness, delay_quantile

    date = _data_date()
    windows = {}
    for disease in DISEASE_CODES:
        delays = _frame(
            """SELECT julianday(registration_date) - julianday(test_date) AS days,
                      count(*) AS cases
               FROM "case" WHERE disease = :d AND test_date >= :since GROUP BY days""",
            d=disease,
            since=(date - dt.timedelta(days=365)).isoformat(),
        )
        expected = min(delay_quantile(delays["days"], delays["cases"], COMPLETE_SHARE), 14)
        windows[disease] = case_completeness(scope=FULL, disease=disease)["days"]
        assert windows[disease] == expected, disease
    assert windows["influensa"] > windows["covid19"]
