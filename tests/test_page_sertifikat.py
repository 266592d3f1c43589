"""Koronasertifikat: shares by basis and age band, expiring certificates, county and national
series and the rule versions equal independent computations from the raw certificate,
population, registry and rule_version tables; the page over HTTP."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import bindparam, text

from dashboard import formatting
from dashboard.definitions import certificates as texts
from dashboard.figures.arrivals import percent
from dashboard.metrics import certificates as certificate_metrics
from data import db, disclosure
from data.codes import AGE_BANDS
from data.queries import AreaLevel
from data.queries import certificates as certificate_queries
from data.scope import Scope
from tests.dash_http import find, page_response
from tests.test_page_innreise import _text

MAIN = [
    ("sertifikat-title", "children"),
    ("sertifikat-cards", "children"),
    ("sertifikat-by-age", "figure"),
    ("sertifikat-table", "children"),
    ("sertifikat-rules", "children"),
    ("sertifikat-alert", "children"),
    ("sertifikat-date", "date"),
    ("sertifikat-source", "children"),
]
COMPARE = [("sertifikat-compare", "children"), ("sertifikat-over-time", "figure")]
FULL = Scope.full()
NO_SMALL = Scope(user_id="t", role="ks_analytiker", kommuner=None, small_numbers=False)
RANK = {"vaccinated": 0, "recovered": 1, "tested": 2}
# a day with test certificates in use (and three rule versions behind the valid ones)
TEST_PERIOD_DAY = dt.date(2021, 12, 20)


# --------------------------------------------------------------------------- raw helpers
def _sql(query: str, **params: Any) -> pd.DataFrame:
    statement = text(query)
    for name, value in params.items():
        if isinstance(value, list):
            statement = statement.bindparams(bindparam(name, expanding=True))
    with db.engine().connect() as conn:
        return pd.read_sql(statement, conn, params=params)


def _certificates(kommuner: list[str]) -> pd.DataFrame:
    frame = _sql(
        "SELECT kommunenummer, person_key, basis, valid_from, valid_to, rule_version_id "
        "FROM certificate WHERE disease = 'covid19' AND kommunenummer IN :k",
        k=kommuner,
    )
    for column in ("valid_from", "valid_to"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _persons_on(certs: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """Per person valid on ``day``: best basis and the furthest end of a valid certificate."""
    valid = certs[(certs["valid_from"] <= day) & (certs["valid_to"] > day)]
    return (
        valid.assign(rank=valid["basis"].map(RANK))
        .groupby("person_key")
        .agg(rank=("rank", "min"), end=("valid_to", "max"))
    )


def _ages(kommunenummer: str) -> pd.Series:
    """Age band per person: vaccination registry first, then cases, then tests."""
    found = pd.Series(dtype=object)
    for table in ("vaccination", '"case"', "test_event"):
        rows = _sql(
            f"SELECT person_key, age_band FROM {table} "
            "WHERE disease = 'covid19' AND kommunenummer = :k",
            k=kommunenummer,
        ).drop_duplicates("person_key")
        rows = rows.set_index("person_key")["age_band"]
        found = pd.concat([found, rows[~rows.index.isin(found.index)]])
    return found


def _population(kommuner: list[str], day: dt.date) -> pd.Series:
    years = _sql("SELECT MIN(year) AS lo, MAX(year) AS hi FROM population").iloc[0]
    year = min(max(day.year, int(years["lo"])), int(years["hi"]))
    return _sql(
        "SELECT age_band, SUM(population) AS population FROM population "
        "WHERE structure = 2024 AND year = :y AND kommunenummer IN :k GROUP BY age_band",
        y=year,
        k=kommuner,
    ).set_index("age_band")["population"]


def _members(fylke: str) -> list[str]:
    return _sql(
        "SELECT kommunenummer FROM kommune WHERE structure = 2024 AND fylkesnummer = :f",
        f=fylke,
    )["kommunenummer"].tolist()


def _data_date() -> dt.date:
    value = _sql("SELECT value FROM dataset_meta WHERE key = 'data_date'")["value"][0]
    return dt.date.fromisoformat(value)


# --------------------------------------------------------------------------- data layer
@pytest.mark.parametrize("kommunenummer", ["0301", "3209"])
@pytest.mark.parametrize("day", [TEST_PERIOD_DAY, dt.date(2021, 9, 1)])
def test_status_by_basis_and_age_equals_raw(app, kommunenummer: str, day: dt.date) -> None:
    certs = _certificates([kommunenummer])
    persons = _persons_on(certs, day)
    assert len(persons) > 0
    population = _population([kommunenummer], day)
    got = certificate_queries.certificate_status(
        scope=FULL, kommunenummer=kommunenummer, date=day
    ).set_index("age_band")

    total = got.loc["total"]
    assert total["valid"] == len(persons)  # a person with several certificates counts once
    for basis, rank in RANK.items():
        assert total[basis] == int((persons["rank"] == rank).sum()), basis
    assert total["vaccinated"] + total["recovered"] + total["tested"] == total["valid"]
    assert total["population"] == population.sum()
    shares = certificate_metrics.with_shares(got.reset_index()).set_index("age_band")
    assert shares.at["total", "share_valid"] == pytest.approx(len(persons) / population.sum())
    assert shares.at["total", "share_recovered"] == pytest.approx(
        (persons["rank"] == 1).sum() / population.sum()
    )
    expiring = persons["end"] <= day + dt.timedelta(days=texts.EXPIRY_DAYS)
    assert total["expiring_30d"] == int(expiring.sum())

    by_age = persons.join(_ages(kommunenummer).rename("age_band"))
    assert by_age["age_band"].notna().all()
    for band in AGE_BANDS:
        rows = by_age[by_age["age_band"] == band]
        assert got.at[band, "valid"] == len(rows), band
        assert got.at[band, "vaccinated"] == int((rows["rank"] == 0).sum()), band
        assert got.at[band, "tested"] == int((rows["rank"] == 2).sum()), band
        assert got.at[band, "population"] == population.get(band, 0), band


def test_test_period_has_every_basis(app) -> None:
    # guards the comparison above against a day where some bases are trivially zero
    persons = _persons_on(_certificates(["0301"]), TEST_PERIOD_DAY)
    assert set(persons["rank"]) == {0, 1, 2}


def test_county_and_national_series_equal_raw(app) -> None:
    day = TEST_PERIOD_DAY
    everyone = _sql("SELECT kommunenummer FROM kommune WHERE structure = 2024")
    areas: list[tuple[AreaLevel, str | None, list[str]]] = [
        ("kommune", "3209", ["3209"]),
        ("fylke", "32", _members("32")),
        ("nation", None, everyone["kommunenummer"].tolist()),
    ]
    for level, code, kommuner in areas:
        series = certificate_queries.certificate_series(
            scope=FULL, level=level, code=code, start=dt.date(2021, 6, 1), end=day
        )
        certs = _certificates(kommuner)
        dates = list(series["date"].dt.date)
        assert dates[-1] == day
        assert all((b - a).days == 7 for a, b in itertools.pairwise(dates))
        for check in (day, dates[len(dates) // 2]):
            persons = _persons_on(certs, check)
            row = series[series["date"].dt.date == check].iloc[0]
            assert row["valid"] == len(persons), (level, check)
            assert row["tested"] == int((persons["rank"] == 2).sum()), (level, check)
            assert row["population"] == _population(kommuner, check).sum()


def test_rule_versions_behind_the_numbers_and_in_force(app) -> None:
    day = TEST_PERIOD_DAY
    certs = _certificates(["0301"])
    valid = certs[(certs["valid_from"] <= day) & (certs["valid_to"] > day)]
    expected = valid.groupby("rule_version_id").size()
    got = certificate_queries.certificate_rule_versions(
        scope=FULL, kommunenummer="0301", date=day
    ).set_index("id")
    assert len(expected) >= 2
    assert dict(got["certificates"]) == {int(k): int(v) for k, v in expected.items()}

    rules = _sql("SELECT id, valid_from, valid_to FROM rule_version WHERE category = 'certificate'")
    rules["valid_from"] = pd.to_datetime(rules["valid_from"]).dt.date
    rules["valid_to"] = pd.to_datetime(rules["valid_to"]).dt.date
    for version in rules.itertuples():
        for check in (version.valid_from, version.valid_from - dt.timedelta(days=1)):
            ends = rules["valid_to"].where(rules["valid_to"].notna(), dt.date(9999, 1, 1))
            in_force = rules[(rules["valid_from"] <= check) & (ends >= check)]["id"]
            got_in_force = certificate_queries.certificate_rules_in_force(
                scope=FULL, kommunenummer="0301", date=check
            )["id"]
            assert sorted(got_in_force) == sorted(in_force), check


def test_small_numbers_are_withheld(app) -> None:
    status = certificate_queries.certificate_status(
        scope=NO_SMALL, kommunenummer="1151", date=TEST_PERIOD_DAY
    )
    counts = status[certificate_queries.STATUS_COUNTS].apply(pd.to_numeric, errors="coerce")
    assert not counts.isin([1, 2, 3, 4]).any().any()
    assert status[[f"{c}_suppressed" for c in counts]].any().any()
    parts = ["vaccinated", "recovered", "tested"]
    # vaccinated + recovered + tested = valid: each carries its own perturbation, so the total
    # less the visible parts leaves a hidden part more than one value
    for _i, row in status.iterrows():
        flags = [bool(row[f"{p}_suppressed"]) for p in parts]
        if row["valid_suppressed"] or sum(flags) != 1:
            continue
        rest = row["valid"] - sum(row[p] for p, f in zip(parts, flags, strict=True) if not f)
        slack = disclosure.MAX_PERTURBATION * len(parts)
        assert len(set(range(int(rest) - slack, int(rest) + slack + 1)) & {1, 2, 3, 4}) > 1


# --------------------------------------------------------------------------- over HTTP
def _main(client: Any, kommunenummer: str, date: str | None) -> dict:
    return page_response(client, "sertifikat", MAIN, kommunenummer, date)


def _compare(client: Any, kommunenummer: str, date: str) -> dict:
    return page_response(client, "sertifikat", COMPARE, kommunenummer, date)


@pytest.mark.parametrize(
    ("kommunenummer", "name", "fylke"),
    [
        ("3209", "Ullensaker", "Akershus"),
        ("5605", "Sør-Varanger", "Finnmark"),
        ("0301", "Oslo", "Oslo"),
        ("1151", "Utsira", "Rogaland"),
    ],
)
def test_pages_render_with_raw_numbers(client, kommunenummer: str, name: str, fylke: str) -> None:
    day = TEST_PERIOD_DAY
    response = _main(client, kommunenummer, day.isoformat())
    assert response["sertifikat-title"]["children"].startswith(
        f"Koronasertifikat – {name} ({kommunenummer})"
    )
    assert response["sertifikat-alert"]["children"] is None
    persons = _persons_on(_certificates([kommunenummer]), day)
    share = len(persons) / _population([kommunenummer], day).sum()
    card = _text(find(response["sertifikat-cards"], "sertifikat-card-valid"))
    assert percent(share) in card
    assert formatting.number(len(persons)) in card
    rules = _text(response["sertifikat-rules"])
    in_force = _sql(
        "SELECT id, text_nb FROM rule_version WHERE category = 'certificate' "
        "AND valid_from <= :d AND (valid_to IS NULL OR valid_to >= :d)",
        d=day.isoformat(),
    ).iloc[0]
    assert f"Versjon {in_force['id']}" in rules and in_force["text_nb"] in rules
    source = response["sertifikat-source"]["children"]
    assert "demodata" in source.lower() and "Vist til og med 20.12.2021" in source

    compare = _compare(client, kommunenummer, day.isoformat())
    traces = compare["sertifikat-over-time"]["figure"]["data"]
    assert [t["name"] for t in traces] == [name, f"{fylke} (fylke)", "Hele landet"]
    assert traces[0]["y"][-1] == pytest.approx(round(min(share, 1.0) * 100, 2))
    assert "Hele landet" in _text(compare["sertifikat-compare"])


def test_page_defaults_to_data_date(client) -> None:
    response = _main(client, "0301", None)
    assert response["sertifikat-date"]["date"] == _data_date().isoformat()


def test_before_certificates_existed_says_so(client) -> None:
    response = _main(client, "0301", "2021-03-01")
    message = json.dumps(response["sertifikat-alert"], ensure_ascii=False)
    assert "ingen gyldige koronasertifikater" in message
    assert "Ingen regel for koronasertifikat" in _text(response["sertifikat-rules"])


def test_expiry_days_agree_between_definition_and_query() -> None:
    assert texts.EXPIRY_DAYS == certificate_queries.EXPIRY_DAYS


def test_withheld_bases_are_drawn_as_their_sum_only() -> None:
    status = pd.DataFrame(
        {
            "age_band": ["18-24", "total"],
            "population": [100, 100],
            "valid": [50.0, 50.0],
            "vaccinated": [float("nan"), 45.0],
            "recovered": [float("nan"), 3.0],
            "tested": [2.0, 2.0],
            "vaccinated_suppressed": [True, False],
            "recovered_suppressed": [True, False],
            "tested_suppressed": [False, False],
        }
    )
    shares = certificate_metrics.with_shares(status).set_index("age_band")
    assert shares.at["18-24", "basis_withheld"] == 48  # valid minus the shown tested
    assert shares.at["18-24", "share_valid"] == pytest.approx(0.5)
    assert pd.isna(shares.at["total", "basis_withheld"])


def test_page_renders_in_english(client) -> None:
    from dashboard import i18n

    client.set_cookie("sb_lang", "en")
    day = TEST_PERIOD_DAY
    response = _main(client, "0301", day.isoformat())
    cards = _text(response["sertifikat-cards"])
    assert "Valid COVID certificate" in cards and "Basis: vaccinated" in cards
    population = int(_population(["0301"], day).sum())
    with i18n.language("en"):
        residents = formatting.number(population)
    assert "," in residents and f"of {residents} residents" in cards
    assert "By age group" in _text(response["sertifikat-table"])
    assert "Data as of" in response["sertifikat-source"]["children"]
    compare = _compare(client, "0301", day.isoformat())
    assert [t["name"] for t in compare["sertifikat-over-time"]["figure"]["data"]][-1] == ("Norway")


def test_definition_texts_name_the_constants() -> None:
    """The texts carry the numbers as literals (a msgid is fixed text): keep them in step."""
    assert f"innen {texts.EXPIRY_DAYS} dager" in texts.EXPIRING.label
    assert f"om {texts.EXPIRY_DAYS} dager" in texts.EXPIRING.definition
    assert f"hver {texts.SERIES_STEP_DAYS}. dag" in texts.OVER_TIME.definition
