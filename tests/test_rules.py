"""The rules registry against a real SQLite store: as-of queries across version boundaries,
local overrides, diffs, recording (validation, supersession, authorisation, audit), rules that
drive numbers (certificates re-derived, persons in isolation), and crafted callback requests.

The mutating data-layer tests work on a copy of a small hand-made store (the demo rule
timeline from the generator, a fixed cohort of persons) so that the session's demo database,
which other tests read, is only touched by the few callback tests below, with rules that
start after the data period.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from dashboard.app_factory import data_layer
from dashboard.auth import DEMO_USERS, scope_for
from dashboard.definitions.rules import CATEGORY_LABELS
from data import audit, cache, certificates_derive, db, rules
from data.codes import RULE_CATEGORIES
from data.load import load_dataset
from data.schema import AuditLog, Certificate, DatasetMeta, RuleVersion
from data.scope import Scope, ScopeError
from data.synthetic.rules import rule_table
from tests.conftest import login
from tests.stores import DictCache, copy_stores, new_stores

D = dt.date
ADMIN = Scope(user_id="admin", role="admin", edit_rules=True)
FULL = Scope.full()
COHORT_A = [7_000 + i for i in range(10)]  # dose 2 on 2022-04-01
COHORT_B = [7_100 + i for i in range(10)]  # dose 2 on 2022-06-01
COHORT_C = [7_200 + i for i in range(20)]  # no dose
COHORT = COHORT_A + COHORT_B + COHORT_C


# --------------------------------------------------------------------------- fixture store
def _population() -> pd.DataFrame:
    rows = []
    for code, n in (("0301", 700_000), ("3201", 130_000), ("4601", 290_000)):
        for year in (2020, 2021, 2022, 2023):
            rows.append(
                dict(
                    structure=2024,
                    kommunenummer=code,
                    year=year,
                    age_band="25-39",
                    sex="F",
                    population=n,
                )
            )
    return pd.DataFrame(rows)


def _base(code: str, key: int) -> dict[str, Any]:
    return dict(disease="covid19", structure=2024, kommunenummer=code, person_key=key)


def _vaccinations() -> pd.DataFrame:
    rows = []
    for keys, day in ((COHORT_A, D(2022, 4, 1)), (COHORT_B, D(2022, 6, 1))):
        for key in keys:
            for dose, when in ((1, day - dt.timedelta(days=28)), (2, day)):
                rows.append(
                    dict(
                        **_base("0301", key),
                        vaccination_date=when,
                        age_band="25-39",
                        dose_number=dose,
                        product="Comirnaty",
                    )
                )
    return pd.DataFrame(rows)


# Cases in Bærum (3201) by test date, for the isolation estimate.
ISOLATION_CASES = {D(2022, 1, 10): 2, D(2022, 1, 14): 3, D(2022, 1, 18): 4}


def _cases() -> pd.DataFrame:
    rows = []
    key = 9_000
    for day, n in ISOLATION_CASES.items():
        for _ in range(n):
            key += 1
            rows.append(
                dict(
                    **_base("3201", key),
                    residence_kommunenummer="3201",
                    test_date=day,
                    registration_date=day,
                    age_band="25-39",
                    sex="F",
                    infection_setting="household",
                    imported=False,
                    cluster_id=None,
                )
            )
    return pd.DataFrame(rows)


def _arrivals() -> pd.DataFrame:
    rows = []
    for i in range(3):
        rows.append(
            dict(
                **_base("0301", 8_000 + i),
                arrival_date=D(2021, 2, 1),
                border_point="Oslo lufthavn",
                border_kommunenummer="3209",
                country_of_departure="PL",
                has_fd_number=True,
                certificate_shown=False,
                tested_at_border=True,
                test_positive=False,
                quarantine_required=True,
                follow_up_status="completed",
            )
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The fixture store, built once; tests work on copies (see :func:`store`)."""
    folder = tmp_path_factory.mktemp("rules")
    urls = new_stores(folder)
    with db.using(**urls):
        db.upgrade()
        load_dataset(
            main=db.engine("main"),
            tracing=db.engine("tracing"),
            tables={
                "population": _population(),
                "rule_version": rule_table(),
                "vaccination": _vaccinations(),
                "case": _cases(),
                "arrival": _arrivals(),
            },
            tracing_tables={},
            meta={"data_date": "2023-02-28", "period_start": "2020-03-01", "is_demo": "true"},
            source="test fixture",
            progress=False,
        )
        with db.engine().begin() as conn:
            certificates_derive.rederive(conn)
    return urls


@pytest.fixture()
def store(template: dict[str, str], tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the fixture store for one test, read without a result cache."""
    with db.using(**copy_stores(template, tmp_path)):
        yield tmp_path


def _national_id(rule_key: str, valid_from: str) -> int:
    table = rule_table()
    row = table[(table["rule_key"] == rule_key) & (table["valid_from"] == valid_from)]
    return int(row["id"].iloc[0])


def _record(scope: Scope = ADMIN, **changes: Any) -> rules.RecordedRule:
    values: dict[str, Any] = dict(
        rule_key="isolasjon",
        category="isolation",
        scope_level="national",
        scope_code=None,
        parameters={"isolation_days": 6, "mandatory": True},
        text_nb="Personer med påvist covid-19 skal være i isolasjon i 6 dager.",
        authority="Helse- og omsorgsdepartementet",
        source_url="https://lovdata.no/dokument/SF/forskrift/2020-03-27-470",
        valid_from=D(2023, 2, 20),
    )
    values.update(changes)
    return rules.record_rule_version(scope=scope, **values)


def _local_isolation(
    code: str, name: str, days: int, valid_from: dt.date, scope: Scope = ADMIN
) -> rules.RecordedRule:
    """A kommune's own isolation rule of ``days`` days, its text and authority named after
    the kommune (``name``)."""
    return _record(
        scope,
        scope_level="kommune",
        scope_code=code,
        parameters={"isolation_days": days, "mandatory": True},
        text_nb=f"{name}: isolasjon i {days} dager.",
        authority=f"{name} kommune",
        valid_from=valid_from,
    )


def _count(table: Any, *where: Any) -> int:
    with db.engine().connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar())


def _data_version() -> str:
    with db.engine().connect() as conn:
        return str(
            conn.execute(
                select(DatasetMeta.value).where(DatasetMeta.key == "data_version")
            ).scalar_one()
        )


def _in_force(kommune: str | None, day: dt.date, category: str) -> pd.DataFrame:
    return rules.rules_in_force(scope=FULL, kommunenummer=kommune, date=day, category=category)


# --------------------------------------------------------------------------- as-of queries
def test_as_of_queries_across_version_boundaries(store: Path) -> None:
    def isolation_days(day: dt.date) -> Any:
        rows = _in_force("0301", day, "isolation")
        assert len(rows) == 1
        return rows.iloc[0]["parameters"]["isolation_days"]

    assert isolation_days(D(2021, 12, 14)) == 10
    assert isolation_days(D(2021, 12, 15)) == 7
    assert isolation_days(D(2022, 1, 13)) == 7
    assert isolation_days(D(2022, 1, 14)) == 5  # first day of the new version
    assert isolation_days(D(2022, 1, 25)) == 5  # last day of it
    assert isolation_days(D(2022, 1, 26)) == 4
    assert isolation_days(D(2022, 2, 12)) is None  # the duty was lifted
    # the certificate rule did not exist before 2021-06-11
    assert _in_force("0301", D(2021, 6, 10), "certificate").empty
    assert len(_in_force("0301", D(2021, 6, 11), "certificate")) == 1
    # a local rule lifted without successor: in force on its last day, gone the day after
    assert len(_in_force("3207", D(2021, 2, 7), "gatherings")) == 2
    assert list(_in_force("3207", D(2021, 2, 8), "gatherings")["rule_key"]) == ["arrangementer"]
    # the columns the Morgenbrief and the pages rely on
    frame = rules.rules_in_force(scope=FULL, kommunenummer="0301", date=D(2022, 1, 20))
    assert list(frame.columns) == rules.IN_FORCE_COLUMNS
    assert list(frame["category"].drop_duplicates()) == [
        c for c in RULE_CATEGORIES if c in set(frame["category"])
    ]


def test_local_rule_overrides_national_for_one_kommune_only(store: Path) -> None:
    national = _national_id("isolasjon", "2022-01-14")
    lege = scope_for(DEMO_USERS["lege-oslo"])
    local = _local_isolation("0301", "Oslo", 3, D(2022, 1, 20), lege)
    assert local.supersedes_id is None  # the first local version of the rule for Oslo
    oslo = _in_force("0301", D(2022, 1, 20), "isolation").iloc[0]
    assert oslo["id"] == local.id and oslo["scope_level"] == "kommune"
    assert oslo["overrides_id"] == national and oslo["overrides_scope_level"] == "national"
    assert oslo["parameters"]["isolation_days"] == 3
    # Bergen and Bærum keep the national rule; Oslo the day before too
    for kommune in ("4601", "3201"):
        other = _in_force(kommune, D(2022, 1, 20), "isolation").iloc[0]
        assert other["id"] == national and pd.isna(other["overrides_id"])
    assert _in_force("0301", D(2022, 1, 19), "isolation").iloc[0]["id"] == national
    # a later national version does not displace the local one in Oslo
    assert _in_force("0301", D(2022, 1, 30), "isolation").iloc[0]["id"] == local.id
    assert _in_force("4601", D(2022, 1, 30), "isolation").iloc[0]["parameters"] == {
        "isolation_days": 4,
        "mandatory": True,
    }
    # national-only reads never show local versions
    assert _in_force(None, D(2022, 1, 20), "isolation").iloc[0]["id"] == national
    # a county rule applies in the county's kommuner only
    vestland = rules.rules_in_force(scope=FULL, kommunenummer="4601", date=D(2022, 1, 3))
    oslo_all = rules.rules_in_force(scope=FULL, kommunenummer="0301", date=D(2022, 1, 3))
    assert "vestland_sykehjem" in set(vestland["rule_key"])
    assert "vestland_sykehjem" not in set(oslo_all["rule_key"])


def test_diff_between_two_dates(store: Path) -> None:
    diff = rules.rules_diff(
        scope=FULL, kommunenummer="0301", date_from=D(2022, 1, 1), date_to=D(2022, 2, 1)
    ).set_index("rule_key")
    assert diff.loc["isolasjon", "change"] == "changed"
    assert diff.loc["isolasjon", "changed_parameters"] == ["isolation_days"]
    assert diff.loc["isolasjon", "parameters_before"]["isolation_days"] == 7
    assert diff.loc["isolasjon", "parameters_after"]["isolation_days"] == 4
    assert diff.loc["koronasertifikat", "changed_parameters"] == ["vaccinated_valid_days"]
    assert "munnbind" not in diff.index  # unchanged rules are left out
    around_introduction = rules.rules_diff(
        scope=FULL, kommunenummer="0301", date_from=D(2021, 6, 1), date_to=D(2021, 6, 20)
    ).set_index("rule_key")
    assert around_introduction.loc["koronasertifikat", "change"] == "added"
    assert around_introduction.loc["oslo_tiltak", "change"] == "ended"  # ended 2021-06-17
    assert pd.isna(around_introduction.loc["koronasertifikat", "id_before"])
    # changed since the previous day, and what starts within the next 7 days
    changed = rules.rules_changed(scope=FULL, kommunenummer="0301", date=D(2022, 1, 14))
    assert set(changed["rule_key"]) == {"isolasjon", "smittekarantene", "arrangementer"}
    assert (changed["effective_date"] == pd.Timestamp("2022-01-14")).all()
    assert rules.rules_changed(scope=FULL, kommunenummer="0301", date=D(2022, 1, 15)).empty
    upcoming = rules.rules_upcoming(scope=FULL, kommunenummer="0301", date=D(2022, 1, 19), days=7)
    assert list(zip(upcoming["effective_date"].dt.date, upcoming["rule_key"], strict=True)) == [
        (D(2022, 1, 24), "testkriterier"),
        (D(2022, 1, 26), "isolasjon"),  # same day: in the order of the categories
        (D(2022, 1, 26), "innreise"),
    ]
    # the window ends on day 7: nothing on 2022-01-26 is "upcoming" from 2022-01-18 + 7
    within = rules.rules_upcoming(scope=FULL, kommunenummer="0301", date=D(2022, 1, 18), days=7)
    assert set(within["rule_key"]) == {"testkriterier"}
    # the timeline lists every change, including the Oslo ones, per category
    timeline = rules.rules_timeline(
        scope=FULL, kommunenummer="0301", start=D(2020, 3, 1), end=D(2023, 2, 28)
    )
    assert set(timeline["category"]) == set(RULE_CATEGORIES)
    oslo = timeline[timeline["rule_key"] == "oslo_tiltak"]
    assert list(oslo["change"]) == ["added", "changed", "changed", "changed", "ended"]


def test_timeline_shows_imported_oxcgrt_rules(store: Path) -> None:
    # OxCGRT indicators are stored by the importer as national versions with overlapping
    # runs; the one recorded last applies and they appear on the timeline as changes.
    with db.engine().begin() as conn:
        for i, (start, end, level) in enumerate(
            [("2020-03-12", "2020-05-31", 3), ("2020-06-01", "2020-12-31", 1)]
        ):
            conn.execute(
                RuleVersion.__table__.insert().values(
                    disease="covid19",
                    rule_key="oxcgrt.c1_school_closing",
                    category="schools",
                    scope_level="national",
                    scope_code=None,
                    parameters={"indicator": "C1", "level": level, "max_level": 3},
                    text_nb=f"Stenging av skoler: nivå {level} av 3.",
                    authority="OxCGRT (Blavatnik School of Government, University of Oxford)",
                    source_url="https://doi.org/10.1038/s41562-021-01079-8",
                    valid_from=D.fromisoformat(start),
                    valid_to=D.fromisoformat(end),
                    recorded_at=dt.datetime(2024, 1, 1, 12, i),
                    recorded_by="import:oxcgrt",
                )
            )
    timeline = rules.rules_timeline(
        scope=FULL, kommunenummer="4601", start=D(2020, 3, 1), end=D(2021, 3, 1)
    )
    ox = timeline[timeline["rule_key"] == "oxcgrt.c1_school_closing"]
    assert list(ox["change"]) == ["added", "changed", "ended"]
    assert ox["authority"].map(rules.is_oxcgrt).all()
    assert rules.parameters_text({"level": 3, "indicator": "C1"}) == [
        "Nivå: 3",
        "OxCGRT-indikator: C1",
    ]


# --------------------------------------------------------------------------- recording
def test_recording_supersedes_bumps_the_version_and_refreshes_cached_reads(store: Path) -> None:
    results = cache.ResultCache(DictCache(), version_reader=lambda: _data_version())
    with db.current().variant(cache=results).active():
        before = _in_force("0301", D(2023, 2, 25), "isolation").iloc[0]
        assert before["parameters"]["isolation_days"] is None
        version = _data_version()
        recorded = _record()
        assert _data_version() == str(int(version) + 1)
        after = _in_force("0301", D(2023, 2, 25), "isolation").iloc[0]  # not the cached one
        assert after["id"] == recorded.id and after["parameters"]["isolation_days"] == 6
    previous = _national_id("isolasjon", "2022-02-12")
    assert recorded.supersedes_id == previous
    assert recorded.superseded_valid_to == D(2023, 2, 19)
    versions = rules.rule_versions(scope=FULL, rule_key="isolasjon", scope_level="national")
    by_id = versions.set_index("id")
    assert by_id.loc[previous, "valid_to"] == pd.Timestamp("2023-02-19")
    assert by_id.loc[previous, "text_nb"].startswith("Plikten til isolasjon er opphevet")
    assert by_id.loc[recorded.id, "supersedes_id"] == previous
    assert by_id.loc[recorded.id, "recorded_by"] == "admin"
    assert pd.isna(by_id.loc[recorded.id, "valid_to"])
    assert len(versions) == 6  # five demo versions kept, one added
    log = audit.read_log(scope=Scope(user_id="a", role="admin", audit=True), action="rule_recorded")
    assert len(log) == 1 and log.iloc[0]["detail"]["id"] == recorded.id
    # a same-day correction replaces the version before it ever applied
    corrected = _record(parameters={"isolation_days": 7, "mandatory": True})
    by_id = rules.rule_versions(scope=FULL, rule_key="isolasjon").set_index("id")
    assert by_id.loc[recorded.id, "valid_to"] < by_id.loc[recorded.id, "valid_from"]
    assert _in_force("0301", D(2023, 2, 25), "isolation").iloc[0]["id"] == corrected.id


BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    ({"valid_to": D(2023, 2, 1)}, "valid_to", "Gjelder til"),
    ({"parameters": {"isolation_days": 22, "mandatory": True}}, "parameters", "mellom 0 og 21"),
    ({"parameters": {"isolation_days": -1}}, "parameters", "Isolasjon (dager)"),
    ({"parameters": {"isolation_days": 2.5}}, "parameters", "heltall"),
    ({"parameters": {"mandatory": True}}, "parameters", "må fylles ut"),
    ({"text_nb": "   "}, "text_nb", "Regeltekst"),
    ({"text_nb": None}, "text_nb", "Regeltekst: må fylles ut"),
    ({"authority": ""}, "authority", "Myndighet"),
    ({"category": "curfew"}, "category", "Kategori"),
    ({"valid_from": None}, "valid_from", "Gjelder fra: må fylles ut"),
    ({"valid_from": "31.02.2023"}, "valid_from", "gyldig dato"),
    ({"valid_from": D(2022, 1, 1)}, "valid_from", "kan ikke være før gjeldende versjon"),
    ({"source_url": "javascript:alert(1)"}, "source_url", "https://"),
    ({"rule_key": "Isolasjon i Oslo"}, "rule_key", "Regelnøkkel"),
    ({"rule_key": "munnbind"}, "rule_key", "hører til kategorien Andre tiltak"),
    ({"scope_level": "kommune", "scope_code": "9999"}, "scope_code", "fant ikke kommune"),
    ({"scope_level": "county", "scope_code": None}, "scope_code", "velg fylket"),
    (
        {
            "rule_key": "koronasertifikat",
            "category": "certificate",
            "parameters": {"vaccinated_valid_days": 731},
        },
        "parameters",
        "mellom 1 og 730",
    ),
    (
        {
            "rule_key": "innreise",
            "category": "entry",
            "parameters": {"quarantine_days": 10, "test_within_hours": 200},
        },
        "parameters",
        "mellom 1 og 168",
    ),
]


@pytest.mark.parametrize(("changes", "field", "text"), BAD_INPUT)
def test_validation_errors_are_clear_and_change_nothing(
    store: Path, changes: dict[str, Any], field: str, text: str
) -> None:
    rows, audit_rows, version = _count(RuleVersion), _count(AuditLog), _data_version()
    with pytest.raises(rules.RuleValidationError) as caught:
        _record(**changes)
    fields = [f for f, _message in caught.value.errors]
    assert field in fields, caught.value.errors
    assert text in str(caught.value), str(caught.value)
    assert (_count(RuleVersion), _count(AuditLog), _data_version()) == (rows, audit_rows, version)
    # the version that would have been superseded is untouched
    current = rules.rule_versions(scope=FULL, rule_key="isolasjon", scope_level="national")
    assert pd.isna(current.iloc[0]["valid_to"])


def test_all_errors_are_reported_at_once(store: Path) -> None:
    with pytest.raises(rules.RuleValidationError) as caught:
        _record(text_nb="", valid_to=D(2023, 1, 1), parameters={"isolation_days": 40})
    assert {f for f, _m in caught.value.errors} == {"text_nb", "valid_to", "parameters"}


@pytest.mark.parametrize(
    ("user_id", "level", "code", "allowed"),
    [
        ("krise-bergen", "kommune", "4601", False),
        ("krise-bergen", "national", None, False),
        ("ks-analytiker", "national", None, False),
        ("fylkeslege-vestland", "county", "46", False),
        ("sporer-bergen", "kommune", "4601", False),
        ("lege-oslo", "national", None, False),
        ("lege-oslo", "kommune", "3201", False),  # a neighbour: readable, not editable
        ("lege-oslo", "kommune", "0301", True),
        ("lege-tromso", "kommune", "5501", True),
        ("admin", "national", None, True),
        ("regelredaktor", "county", "46", True),
        ("regelredaktor", "kommune", "4601", True),
    ],
)
def test_who_may_record_rules(
    store: Path, user_id: str, level: str, code: str | None, allowed: bool
) -> None:
    scope = scope_for(DEMO_USERS[user_id])
    refused = _count(AuditLog, AuditLog.action == "refused")
    rows = _count(RuleVersion)
    kwargs: dict[str, Any] = dict(
        rule_key="besokstest", category="other", scope_level=level, scope_code=code
    )
    kwargs.update(parameters={"face_masks": None}, text_nb="Testregel for tilgang.")
    kwargs.update(authority="Test", valid_from=D(2023, 2, 27))
    if allowed:
        recorded = _record(scope, **kwargs)
        assert _count(RuleVersion) == rows + 1
        log = _count(AuditLog, AuditLog.action == "rule_recorded", AuditLog.user_id == user_id)
        assert log == 1
        assert recorded.id > 0
    else:
        with pytest.raises(ScopeError) as caught:
            _record(scope, **kwargs)
        assert "kan" in str(caught.value) and "regler" in str(caught.value)
        assert _count(RuleVersion) == rows
        assert _count(AuditLog, AuditLog.action == "refused") == refused + 1


def test_refusal_comes_before_validation(store: Path) -> None:
    """An unauthorised caller learns nothing about what would have been valid."""
    krise = scope_for(DEMO_USERS["krise-bergen"])
    with pytest.raises(ScopeError, match="kriseledelse kan ikke registrere regler"):
        _record(krise, text_nb="", valid_from="nonsense")


# --------------------------------------------------------------------------- rules drive numbers
def _valid_share(day: dt.date) -> float:
    with db.engine().connect() as conn:
        valid = conn.execute(
            select(func.count(func.distinct(Certificate.person_key))).where(
                Certificate.person_key.in_(COHORT),
                Certificate.valid_from <= day,
                Certificate.valid_to > day,
            )
        ).scalar_one()
    return valid / len(COHORT)


def test_certificate_status_of_a_cohort_follows_a_new_validity_rule(store: Path) -> None:
    # By hand, under the demo rule of 2022-02-12 (valid 270 days after dose 2, from day 7):
    # A (dose 2 on 2022-04-01): 2022-04-08 … 2022-12-26; B (2022-06-01): 2022-06-08 …
    # 2023-02-25; C: none. On 2022-12-20: 20 of 40 valid.
    assert _valid_share(D(2022, 12, 20)) == pytest.approx(0.5)
    assert _valid_share(D(2022, 4, 7)) == 0.0
    assert _valid_share(D(2022, 4, 8)) == pytest.approx(0.25)
    current = _national_id("koronasertifikat", "2022-02-12")
    cert_params = dict(rule_table().set_index("id").loc[current, "parameters"])
    recorded = _record(
        rule_key="koronasertifikat",
        category="certificate",
        parameters={**cert_params, "vaccinated_valid_days": 180},
        text_nb="Sertifikat etter to doser gjelder i 180 dager.",
        valid_from=D(2022, 5, 1),
    )
    assert recorded.certificates is not None
    assert recorded.certificates.rows_inserted >= 10
    # A started before 2022-05-01 and keeps 270 days; B starts under the new version:
    # 2022-06-01 + 180 days = 2022-11-28, the first day no longer valid.
    assert _valid_share(D(2022, 12, 20)) == pytest.approx(10 / 40)
    assert _valid_share(D(2022, 11, 27)) == pytest.approx(20 / 40)
    assert _valid_share(D(2022, 11, 28)) == pytest.approx(10 / 40)
    with db.engine().connect() as conn:
        b_rows = conn.execute(
            select(Certificate.rule_version_id, Certificate.valid_to).where(
                Certificate.person_key.in_(COHORT_B)
            )
        ).all()
    assert {r.rule_version_id for r in b_rows} == {recorded.id}
    assert {str(r.valid_to) for r in b_rows} == {"2022-11-28"}
    # re-deriving everything from scratch gives the same rows as the incremental step
    with db.engine().connect() as conn:
        full, _read = certificates_derive.derive_from_store(conn)
        stored = conn.execute(select(func.count()).select_from(Certificate)).scalar_one()
    assert len(full) == stored


def test_one_derivation_generator_and_store_agree(app, settings) -> None:  # type: ignore[no-untyped-def]
    """The session's demo certificates (made by the generator) are exactly what the store
    re-derivation computes from the stored doses, cases, tests and rule versions."""
    cols = ["person_key", "kommunenummer", "basis", "valid_from", "valid_to", "rule_version_id"]
    with data_layer(app).engine().connect() as conn:
        derived, _read = certificates_derive.derive_from_store(conn)
        stored = pd.DataFrame(
            conn.execute(select(*(getattr(Certificate, c) for c in cols))).all(), columns=cols
        )
    for frame in (derived, stored):
        for c in ("valid_from", "valid_to"):
            frame[c] = pd.to_datetime(frame[c])
    a = derived[cols].astype(str).sort_values(cols).reset_index(drop=True)
    b = stored[cols].astype(str).sort_values(cols).reset_index(drop=True)
    assert len(a) > 1000
    pd.testing.assert_frame_equal(a, b)


def test_persons_in_isolation_follow_the_rule_in_force(store: Path) -> None:
    def persons(day: dt.date, scope: Scope = FULL) -> pd.Series:
        return rules.persons_in_isolation(scope=scope, kommunenummer="3201", date=day).iloc[0]

    # 2 cases tested 2022-01-10 (7 days: to 01-16), 3 on 01-14 (5 days: to 01-18),
    # 4 on 01-18 (5 days: to 01-22)
    expected = {
        D(2022, 1, 9): 0,
        D(2022, 1, 10): 2,
        D(2022, 1, 16): 5,
        D(2022, 1, 17): 3,
        D(2022, 1, 18): 7,
        D(2022, 1, 19): 4,
        D(2022, 1, 22): 4,
        D(2022, 1, 23): 0,
    }
    assert {day: int(persons(day)["persons"]) for day in expected} == expected
    series = rules.persons_in_isolation(
        scope=FULL, kommunenummer="3201", date=D(2022, 1, 23), start=D(2022, 1, 9)
    )
    assert list(series["persons"]) == [0, 2, 2, 2, 2, 5, 5, 5, 3, 7, 4, 4, 4, 4, 0]
    assert list(series.loc[series["date"] == "2022-01-14", "isolation_days"]) == [5]
    # a local rule of 10 days for Bærum from 2022-01-14 changes the numbers from then on
    _local_isolation("3201", "Bærum", 10, D(2022, 1, 14))
    assert int(persons(D(2022, 1, 19))["persons"]) == 3 + 4
    assert int(persons(D(2022, 1, 23))["persons"]) == 3 + 4
    assert int(persons(D(2022, 1, 24))["persons"]) == 4
    # small numbers are withheld for roles without small-number access
    krise = Scope(user_id="k", role="kriseledelse", kommuner=frozenset({"3201"}))
    hidden = persons(D(2022, 1, 24), krise)
    assert bool(hidden["persons_suppressed"]) and pd.isna(hidden["persons"])
    with pytest.raises(ScopeError):
        persons(
            D(2022, 1, 24), Scope(user_id="o", role="kriseledelse", kommuner=frozenset({"0301"}))
        )


def test_persons_in_entry_quarantine(store: Path) -> None:
    def persons(day: dt.date) -> int:
        row = rules.persons_in_quarantine(scope=FULL, kommunenummer="0301", date=day).iloc[0]
        assert row["quarantine_days"] == 10
        return int(row["persons"])

    # 3 arrivals on 2021-02-01 with quarantine required; the entry rule then: 10 days
    assert [persons(D(2021, 2, d)) for d in (1, 10, 11)] == [3, 3, 0]


def test_category_labels_match_the_code_list() -> None:
    assert list(CATEGORY_LABELS) == list(RULE_CATEGORIES)
    assert rules.CATEGORY_LABELS == CATEGORY_LABELS
    assert set(rules.CATEGORY_PARAMETERS) == set(RULE_CATEGORIES)
    for names in rules.CATEGORY_PARAMETERS.values():
        assert all(n in rules.PARAMETERS for n in names)


# --------------------------------------------------------------------------- crafted requests
def _submit_dependency(client: Any) -> dict[str, Any]:
    for dep in client.get("/_dash-dependencies").get_json():
        if "regelred-result.children" in dep["output"]:
            return dep
    raise AssertionError("no submit callback")


def _submit(client: Any, fields: dict[str, Any], params: dict[str, Any]) -> tuple[int, str]:
    dep = _submit_dependency(client)
    state: list[Any] = []
    for s in dep["state"]:
        if str(s["id"]).startswith("{"):  # the parameter fields (pattern-matching ids)
            state.append(
                [
                    {
                        "id": {"type": "regelred-param", "name": n},
                        "property": s["property"],
                        "value": {"type": "regelred-param", "name": n}
                        if s["property"] == "id"
                        else v,
                    }
                    for n, v in params.items()
                ]
            )
        else:
            state.append({"id": s["id"], "property": s["property"], "value": fields.get(s["id"])})
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
        for o in dep["output"].strip(".").split("...")
    ]
    body = {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": [{"id": "regelred-submit", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["regelred-submit.n_clicks"],
        "state": state,
    }
    response = client.post("/_dash-update-component", json=body)
    return response.status_code, response.get_data(as_text=True)


def _fields(**changes: Any) -> dict[str, Any]:
    fields = {
        "regelred-category": "other",
        "regelred-key": "__ny__",
        "regelred-new-key": "test_callback",
        "regelred-level": "national",
        "regelred-code": None,
        "regelred-extra": {},
        "regelred-text": "Testregel registrert gjennom skjemaet.",
        "regelred-authority": "Test",
        "regelred-url": "",
        "regelred-from": "2023-06-01",  # after the data period: no number changes
        "regelred-to": None,
        "regelred-kommune": None,
    }
    fields.update(changes)
    return fields


@pytest.mark.parametrize(
    ("user_id", "changes", "expected"),
    [
        ("krise-bergen", {}, "Rollen kriseledelse kan ikke registrere regler"),
        ("ks-analytiker", {}, "Rollen ks_analytiker kan ikke registrere regler"),
        (
            "lege-oslo",
            {"regelred-level": "kommune", "regelred-code": "4601"},
            "bare registrere lokale regler for egen kommune (0301)",
        ),
        ("lege-oslo", {}, "ikke nasjonale regler"),
    ],
)
def test_crafted_submit_is_refused_and_audited(app, user_id, changes, expected) -> None:  # type: ignore[no-untyped-def]
    client = login(app.server.test_client(), user_id)
    rows, refused = _count(RuleVersion), _count(AuditLog, AuditLog.action == "refused")
    status, text = _submit(client, _fields(**changes), {"face_masks": None})
    assert status == 200
    assert expected in text
    assert "Ny versjon registrert" not in text
    assert _count(RuleVersion) == rows
    assert _count(AuditLog, AuditLog.action == "refused") == refused + 1


def test_crafted_submit_records_for_allowed_users(app) -> None:  # type: ignore[no-untyped-def]
    for user_id, changes in (
        ("admin", {"regelred-new-key": "test_callback_admin"}),
        (
            "lege-oslo",
            {
                "regelred-new-key": "test_callback_oslo",
                "regelred-level": "kommune",
                "regelred-code": "0301",
            },
        ),
    ):
        client = login(app.server.test_client(), user_id)
        rows = _count(RuleVersion)
        status, text = _submit(client, _fields(**changes), {"face_masks": None})
        assert status == 200 and "Ny versjon registrert" in text, text[:500]
        assert _count(RuleVersion) == rows + 1
    # bad input through the form: a clear message, nothing recorded
    client = login(app.server.test_client(), "admin")
    rows = _count(RuleVersion)
    status, text = _submit(
        client, _fields(**{"regelred-text": "", "regelred-from": None}), {"face_masks": None}
    )
    body = json.loads(text)
    errors = json.dumps(body["response"]["regelred-result"], ensure_ascii=False)
    assert "Regeltekst: må fylles ut" in errors and "Gjelder fra: må fylles ut" in errors
    assert _count(RuleVersion) == rows


def test_regler_page_refuses_kommuner_outside_the_scope(app) -> None:  # type: ignore[no-untyped-def]
    from tests.dash_http import REGLER_OUTPUTS as outputs
    from tests.dash_http import call

    inputs = [("regler-date", "date", "2022-01-20"), ("regler-upcoming-days", "value", 7)]
    client = login(app.server.test_client(), "lege-utsira")
    refused = _count(AuditLog, AuditLog.action == "refused")
    status, body, _ = call(
        client, outputs=outputs, inputs=[("regler-select", "value", "0301"), *inputs]
    )
    assert status == 200 and "regler-in-force" not in body.get("response", {})
    assert "Ingen tilgang" in json.dumps(body, ensure_ascii=False)
    assert _count(AuditLog, AuditLog.action == "refused") >= refused + 1
    status, body, _ = call(
        client, outputs=outputs, inputs=[("regler-select", "value", "1151"), *inputs]
    )
    page = json.dumps(body["response"], ensure_ascii=False)
    assert "Isolasjonstiden er redusert til 5 dager." in page
    assert "regler-edit-button" in page  # the own kommune's doctor may add a local rule
    ks = login(app.server.test_client(), "ks-analytiker")
    status, body, _ = call(
        ks, outputs=outputs, inputs=[("regler-select", "value", "0301"), *inputs]
    )
    assert "regler-edit-button" not in json.dumps(body["response"])


def test_morgenbrief_lists_rules_changed_since_yesterday_and_upcoming(store: Path) -> None:
    from dashboard.briefing import rule_changes

    # the national isolation period went from 7 to 5 days on 2022-01-14
    changed, upcoming = rule_changes(scope=FULL, kommunenummer="0301", date=D(2022, 1, 14))
    assert "Isolasjon (nasjonal) endret: Isolasjon (dager): 7 → 5." in changed
    assert not any("Isolasjon (dager): 7 → 5" in s for s in upcoming)
    changed, upcoming = rule_changes(scope=FULL, kommunenummer="0301", date=D(2022, 1, 8))
    assert not any("Isolasjon (dager)" in s for s in changed)
    assert "Fra 14.01.2022: Isolasjon (nasjonal) endres: Isolasjon (dager): 7 → 5." in upcoming
    # a week ahead and no more: 2022-01-06 is eight days before
    _, upcoming = rule_changes(scope=FULL, kommunenummer="0301", date=D(2022, 1, 6))
    assert not any("7 → 5" in s for s in upcoming)
    # a local rule lifted on 2021-02-08 is news in its own kommune only
    changed, _ = rule_changes(scope=FULL, kommunenummer="3207", date=D(2021, 2, 8))
    local = [s for s in changed if "lokal regel for" in s]
    assert len(local) == 1 and "oppheves" in local[0], changed
    changed, _ = rule_changes(scope=FULL, kommunenummer="0301", date=D(2021, 2, 8))
    assert not any("lokal regel" in s for s in changed)
    # a version recorded now shows up in that day's brief and in the days before it
    _record(parameters={"isolation_days": 6, "mandatory": True}, valid_from=D(2023, 2, 20))
    changed, _ = rule_changes(scope=FULL, kommunenummer="0301", date=D(2023, 2, 20))
    assert any("→ 6" in s and s.startswith("Isolasjon (nasjonal)") for s in changed), changed
    _, upcoming = rule_changes(scope=FULL, kommunenummer="0301", date=D(2023, 2, 15))
    assert any(s.startswith("Fra 20.02.2023: Isolasjon") for s in upcoming), upcoming


def test_regler_page_renders_in_english(app) -> None:  # type: ignore[no-untyped-def]
    from tests.dash_http import REGLER_OUTPUTS as outputs
    from tests.dash_http import call

    client = login(app.server.test_client(), "admin")
    client.set_cookie("sb_lang", "en")
    status, body, _ = call(
        client,
        outputs=outputs,
        inputs=[
            ("regler-select", "value", "0301"),
            ("regler-date", "date", "2022-01-20"),
            ("regler-upcoming-days", "value", 30),
        ],
    )
    assert status == 200
    response = body["response"]
    assert response["regler-title"]["children"].startswith("Rules – Oslo (0301)")
    assert response["regler-in-force-title"]["children"] == "Rules in force on 20 January 2022"
    cards = json.dumps(response["regler-cards"], ensure_ascii=False)
    assert "Isolation" in cards and "Contact quarantine" in cards and " days" in cards
    in_force = json.dumps(response["regler-in-force"], ensure_ascii=False)
    assert "Category" in in_force and "Authority" in in_force
    figure = response["regler-timeline"]["figure"]
    assert figure["layout"]["separators"] == ".,"
    assert "Norway" in {t.get("name") for t in figure["data"]}
    assert response["regler-source"]["children"].startswith("Data as of ")


def test_rule_parameter_and_demo_rule_texts_are_marked_for_translation() -> None:
    """The data layer keeps its texts in bokmål; the pages translate them through lists of
    marked strings, which must stay complete."""
    from dashboard.definitions.rule_texts import AUTHORITIES, DEMO_RULE_TEXTS
    from dashboard.definitions.rules import RULE_PARAMETER_TEXTS

    shown: set[str] = {"ja", "nei", "ved ankomst"}
    for spec in rules.PARAMETERS.values():
        if not spec.hidden:
            shown |= {spec.label, spec.null_label, *spec.choices.values()}
            shown |= {spec.unit} if spec.unit else set()
    assert shown <= set(RULE_PARAMETER_TEXTS), shown - set(RULE_PARAMETER_TEXTS)
    table = rule_table()
    assert set(table["text_nb"]) == set(DEMO_RULE_TEXTS)
    assert set(table["authority"]) - {"FHI"} == set(AUTHORITIES)


def test_parameter_texts_follow_the_language() -> None:
    from callbacks.rule_cards import parameters_text
    from dashboard import i18n

    params = {"quarantine_days": 10, "test_out": True, "contact_factor": 0.5, "face_masks": None}
    assert parameters_text(params) == rules.parameters_text(params)  # bokmål: the data layer's
    with i18n.language("en"):
        assert parameters_text(params) == [
            "Quarantine (days): 10",
            "Can test out of quarantine: yes",
            "Face masks: no recommendation",
        ]


def test_form_validation_messages_in_english(app) -> None:  # type: ignore[no-untyped-def]
    from dashboard.definitions.rules import RULE_FORM_TEXTS

    assert set(rules.FIELD_LABELS.values()) <= set(RULE_FORM_TEXTS)
    assert set(rules.validation._TYPE_MESSAGES.values()) <= set(RULE_FORM_TEXTS)
    client = login(app.server.test_client(), "admin")
    client.set_cookie("sb_lang", "en")
    rows = _count(RuleVersion)
    status, text = _submit(
        client, _fields(**{"regelred-text": "", "regelred-from": None}), {"face_masks": None}
    )
    assert status == 200
    errors = json.dumps(json.loads(text)["response"]["regelred-result"], ensure_ascii=False)
    assert "Not recorded. Correct the following and try again:" in errors
    assert "Rule text: must be filled in" in errors and "Valid from: must be filled in" in errors
    assert _count(RuleVersion) == rows


def test_rules_timeline_figure_is_valid_plain_json_on_two_panels() -> None:
    """The timeline is built as plain JSON on the panels make_subplots lays out: every
    property must be valid plotly, the curves on the upper panel (stringency on its right
    axis), the changes on the lower, one reference mark on each."""
    import plotly.graph_objects as go

    from dashboard.figures.rules import rules_timeline_figure

    days = pd.date_range("2021-01-01", periods=30)
    changes = pd.DataFrame(
        {
            "effective_date": [days[3], days[3], days[20]],
            "category": ["isolation", "isolation", "quarantine"],
            "source": ["national", "national", "kommune"],
            "hover": ["a", "b", "c"],
        }
    )
    curve = pd.DataFrame({"date": days, "incidence": np.linspace(0, 50, 30)})
    stringency = pd.DataFrame({"date": days, "value": np.linspace(20, 60, 30)})
    for with_index in (True, False):
        fig = rules_timeline_figure(
            changes,
            [("Oslo", curve), ("Hele landet", curve)],
            reference_date=days[10].date(),
            title="T",
            stringency=stringency if with_index else None,
        )
        go.Figure(fig)  # raises on any property plotly does not know
        axes = [(t["xaxis"], t["yaxis"], t.get("name")) for t in fig["data"]]
        upper = [a for a in axes if a[0] == "x"]
        lower = [a for a in axes if a[0] == "x2"]
        assert [a[2] for a in upper if a[1] == "y"] == ["Oslo", "Hele landet"]
        assert [a[1] for a in upper if a[1] == "y2"] == (["y2"] if with_index else [])
        assert {a[1] for a in lower} == {"y3"} and len(lower) == 3  # 2 sources + row keeper
        # two changes on the same day and category are one mark
        national = next(t for t in fig["data"] if t.get("name") == "Nasjonal regel")
        assert len(national["x"]) == 1 and "a<br>b" in national["hovertext"][0]
        layout = fig["layout"]
        assert layout["xaxis"]["matches"] == "x2" and layout["yaxis2"]["overlaying"] == "y"
        assert [s["xref"] for s in layout["shapes"]] == ["x", "x2"]
        assert len(layout["yaxis3"]["categoryarray"]) == len(CATEGORY_LABELS)
        assert layout["yaxis3"]["domain"][1] < layout["yaxis"]["domain"][0]
