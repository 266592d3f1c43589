"""Invariants of the synthetic demo data (scale "tiny")."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from data.codes import (
    AGE_BANDS,
    CLUSTER_SETTINGS,
    DEFAULT_DISEASE,
    DISEASES,
    INFECTION_SETTINGS,
)
from data.reference import ssb_population
from data.schema import EVENT_TABLES, Base
from data.synthetic import SCALES, generate
from data.synthetic._common import PERIOD_END, POPULATION_YEARS
from data.synthetic.geography import ENTRY_POINTS
from data.synthetic.rules import rule_table
from data.synthetic.window import EVENT_DATES, trim_to
from data.tracing_schema import TracingBase
from geo import reference

SEED = 7
# the event tables (their ids are numbered by the store; a cluster's id is its own string)
EVENTS = {table.__tablename__ for table in EVENT_TABLES}
AUTOINCREMENT_ID = (EVENTS - {"cluster"}) | {"ili_consultation"}  # a weekly count table


@pytest.fixture(scope="session")
def ds():
    return generate("tiny", seed=SEED, progress=False)


@pytest.fixture(scope="session")
def tables(ds):
    return ds.tables


@pytest.fixture(scope="session")
def codes_2024() -> set[str]:
    return set(reference.kommuner(2024)["kommunenummer"])


@pytest.fixture(scope="session")
def residents(tables) -> pd.DataFrame:
    """Smallest population over the years per kommune × age band (what coverage divides by)."""
    pop = tables["population"]
    return (
        pop.groupby(["kommunenummer", "age_band", "year"], observed=True)["population"]
        .sum()
        .groupby(["kommunenummer", "age_band"], observed=True)
        .min()
    )


def _str(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), None)


# ------------------------------------------------------------------ API and shape
def test_scales_are_frozen_and_complete():
    assert set(SCALES) == {"tiny", "small", "full"}
    assert SCALES["full"].population_fraction == 1.0
    assert SCALES["small"].population_fraction == 1.0
    assert SCALES["tiny"].population_fraction == 0.01
    with pytest.raises(AttributeError):
        SCALES["tiny"].population_fraction = 0.5  # type: ignore[misc]


def test_unknown_scale_is_rejected():
    with pytest.raises(ValueError, match="Unknown scale"):
        generate("huge", seed=1, progress=False)


def test_columns_match_schema(ds):
    for name, df in ds.tables.items():
        columns = [c.name for c in Base.metadata.tables[name].columns]
        if name in AUTOINCREMENT_ID:
            columns.remove("id")
        assert sorted(df.columns) == sorted(columns), name
    assert set(ds.tracing) == {"cluster_membership", "transmission_link"}
    for name, df in ds.tracing.items():
        columns = [c.name for c in TracingBase.metadata.tables[name].columns]
        assert sorted(df.columns) == sorted(columns), name
    assert set(ds.tables) == EVENTS | {"population", "rule_version", "ili_consultation"}


def test_meta(ds):
    assert ds.meta["scale"] == "tiny"
    assert ds.meta["seed"] == str(SEED)
    assert ds.meta["data_date"] == ds.meta["period_end"] == PERIOD_END.isoformat()
    assert ds.meta["period_start"] == "2020-03-01"
    assert float(ds.meta["population_fraction"]) == 0.01
    assert ds.meta["generated_by"]


def test_dtypes_dates_and_constants(tables):
    for name, df in tables.items():
        if "disease" in df:
            diseases = set(_str(df["disease"]).unique())
            assert DEFAULT_DISEASE in diseases and diseases <= set(DISEASES), name
            subject = {"vaccination": "vaccination_doses", "certificate": "certificates"}
            if name in subject:  # what a disease has, the codes say
                assert all(DISEASES[d].has(subject[name]) for d in diseases), name
        if "structure" in df:
            assert set(df["structure"].unique()) == {2024}, name
        for col in df.columns:
            if col.endswith("_date") or col in ("valid_from", "valid_to"):
                assert pd.api.types.is_datetime64_any_dtype(df[col]), (name, col)
                values = df[col].dropna()
                assert (values == values.dt.normalize()).all(), (name, col)
    for name, col in (
        ("test_event", "positive"),
        ("case", "imported"),
        ("hospital_admission", "icu"),
        ("arrival", "has_fd_number"),
        ("arrival", "tested_at_border"),
    ):
        assert tables[name][col].dtype == bool, (name, col)
    for name in ("test_event", "case", "vaccination", "hospital_admission"):
        assert set(_str(tables[name]["age_band"]).unique()) <= set(AGE_BANDS)


def test_no_identifying_columns(ds):
    forbidden = re.compile(r"name|navn|fnr|fodselsnummer|fødselsnummer|personnummer|birth", re.I)
    for name, df in {**ds.tables, **ds.tracing}.items():
        assert not [c for c in df.columns if forbidden.search(c)], name


def test_all_kommune_codes_are_valid_2024(ds, codes_2024):
    for name, df in {**ds.tables, **ds.tracing}.items():
        for col in df.columns:
            if "kommunenummer" in col:
                values = set(_str(df[col]).dropna().unique())
                assert values, (name, col)
                assert values <= codes_2024, (name, col, values - codes_2024)
    involved = ds.tables["cluster"]["kommuner_involved"].str.split(" ").explode()
    assert set(involved) <= codes_2024


# ------------------------------------------------------------------ population
def test_population_is_a_share_of_ssb(tables, codes_2024):
    """The test scale keeps a stochastic share of SSB's residents in every kommune × age band."""
    pop = tables["population"]
    assert len(pop) == len(codes_2024) * len(POPULATION_YEARS) * len(AGE_BANDS) * 2
    got = pop.groupby(["kommunenummer", "year", "age_band"], observed=True)["population"].sum()
    ssb = ssb_population().set_index(["kommunenummer", "year", "age_band"])["population"]
    expected = ssb.reindex(got.index) * SCALES["tiny"].population_fraction
    assert (abs(got - expected) < 1).all()
    assert (pop["population"] >= 0).all()


# ------------------------------------------------------------------ cases and tests
def test_no_kommune_has_more_cases_than_residents(tables, residents):
    cases = tables["case"].groupby("kommunenummer", observed=True).size()
    people = residents.groupby("kommunenummer", observed=True).sum()
    assert (cases <= people.reindex(cases.index).fillna(0)).all()


def test_cases_have_one_person_each_and_sane_dates(tables):
    case = tables["case"]
    assert not case.duplicated(["disease", "person_key"]).any()  # one case per disease
    assert (case["registration_date"] >= case["test_date"]).all()
    delay = (case["registration_date"] - case["test_date"]).dt.days
    covid = _str(case["disease"]) == DEFAULT_DISEASE
    assert (delay[covid] <= 3).all()
    assert (delay[~covid] <= 9).all()  # notifications of the other diseases lag more
    assert case["test_date"].min() >= pd.Timestamp("2020-03-01")
    assert case["registration_date"].max() <= pd.Timestamp(PERIOD_END)
    assert set(_str(case["infection_setting"]).dropna()) <= set(INFECTION_SETTINGS)
    assert (_str(case.loc[case["imported"], "infection_setting"]) == "travel").all()


def test_every_case_has_a_positive_test_event(tables):
    case = tables["case"][["disease", "person_key", "test_date"]]
    tests = tables["test_event"]
    positive = tests.loc[tests["positive"], ["disease", "person_key", "sample_date"]]
    merged = case.merge(
        positive,
        left_on=["disease", "person_key", "test_date"],
        right_on=["disease", "person_key", "sample_date"],
        how="left",
        indicator=True,
    )
    assert (merged["_merge"] == "both").all()
    assert len(positive) == len(case)


def test_test_events_results(tables):
    tests = tables["test_event"]
    known = tests["result_date"].notna()
    assert (tests.loc[known, "result_date"] >= tests.loc[known, "sample_date"]).all()
    antigen = known & (_str(tests["test_type"]) == "antigen")
    assert (tests.loc[antigen, "result_date"] == tests.loc[antigen, "sample_date"]).all()
    assert 0.0 < tests["positive"].mean() < 0.5


def test_epidemic_has_waves(tables):
    by_month = tables["case"].groupby(tables["case"]["test_date"].dt.to_period("M")).size()
    # the period ends in the omicron wave of January 2022, the largest; summer 2020 is quiet
    by_week = tables["case"].groupby(tables["case"]["test_date"].dt.to_period("W")).size()
    assert by_week.idxmax() >= pd.Period(PERIOD_END, "W") - 2
    assert by_month.get(pd.Period("2020-07"), 0) < by_month[pd.Period("2020-11")]
    assert by_month[pd.Period("2021-12")] > 3 * by_month[pd.Period("2021-06")]


# ------------------------------------------------------------------ vaccination
def test_coverage_never_above_population(tables, residents):
    vacc = tables["vaccination"]
    persons = vacc.groupby(["kommunenummer", "age_band", "dose_number"], observed=True)[
        "person_key"
    ].nunique()
    for dose in sorted(set(persons.index.get_level_values("dose_number"))):
        got = persons.xs(dose, level="dose_number")
        assert (got <= residents.reindex(got.index).fillna(0)).all(), dose
        by_kommune = got.groupby(level="kommunenummer", observed=True).sum()
        pop = residents.groupby(level="kommunenummer", observed=True).sum()
        assert (by_kommune <= pop.reindex(by_kommune.index)).all(), dose
    assert persons.xs(1, level="dose_number").sum() > 0


def test_dose_n_only_after_dose_n_minus_1(tables):
    vacc = tables["vaccination"]
    assert not vacc.duplicated(["person_key", "dose_number"]).any()
    wide = vacc.pivot(index="person_key", columns="dose_number", values="vaccination_date")
    assert {1, 2, 3} <= set(wide.columns)
    for dose in sorted(set(wide.columns) - {1}):
        has = wide[dose].notna()
        assert wide.loc[has, dose - 1].notna().all(), dose
        assert (wide.loc[has, dose] > wide.loc[has, dose - 1]).all(), dose
    assert vacc["vaccination_date"].min() >= pd.Timestamp("2020-12-27")
    young = vacc["age_band"].astype(str) == "0-11"
    assert not young.any()
    vaxzevria = vacc[vacc["product"].astype(str) == "Vaxzevria"]
    assert (vaxzevria["dose_number"] == 1).all()
    assert (vaxzevria["vaccination_date"] < pd.Timestamp("2021-04-01")).all()


# ------------------------------------------------------------------ arrivals
def test_arrivals_at_entry_points_and_stay_where_people_live(tables, residents):
    arr = tables["arrival"]
    entry = {name: code for name, code, _, _ in ENTRY_POINTS}
    assert set(_str(arr["border_kommunenummer"])) <= set(entry.values())
    assert (_str(arr["border_point"]).map(entry) == _str(arr["border_kommunenummer"])).all()
    living = residents.groupby(level="kommunenummer", observed=True).sum()
    stay = _str(arr["kommunenummer"]).unique()
    assert (living.reindex(stay).fillna(0) > 0).all()
    assert arr.loc[~arr["tested_at_border"], "test_positive"].isna().all()
    assert arr.loc[arr["tested_at_border"], "test_positive"].notna().all()
    no_fd = 1 - arr["has_fd_number"].mean()
    assert 0.03 < no_fd < 0.15


def test_imported_cases_are_arrivals(tables):
    case = tables["case"]
    imported = case.loc[case["imported"], ["person_key", "test_date", "kommunenummer"]]
    assert len(imported) > 0
    arrivals = tables["arrival"].drop_duplicates("person_key")
    merged = imported.merge(arrivals, on="person_key", how="left", suffixes=("", "_arrival"))
    assert merged["arrival_date"].notna().all()
    assert (merged["arrival_date"] <= merged["test_date"]).all()
    assert (_str(merged["kommunenummer"]) == _str(merged["kommunenummer_arrival"])).all()


def test_arrivals_follow_entry_rules(tables):
    arr = tables["arrival"]
    strict = arr["arrival_date"].between("2021-01-29", "2021-07-04")
    # from 2021-07-05 a certificate exempted from the test at the border (until 2021-11-26)
    exempt = arr["arrival_date"].between("2021-08-01", "2021-11-25")
    assert arr.loc[strict, "tested_at_border"].mean() > 0.5
    assert arr.loc[exempt, "tested_at_border"].mean() < arr.loc[strict, "tested_at_border"].mean()


# ------------------------------------------------------------------ clusters and tracing
def test_cluster_sizes_and_membership(ds):
    cluster = ds.tables["cluster"].set_index("id")
    members = ds.tracing["cluster_membership"]
    counts = members.groupby("cluster_id", observed=True).size()
    assert (cluster["size"] == counts.reindex(cluster.index)).all()
    assert (cluster["size"] >= 3).all()
    index = members[_str(members["role"]) == "index"]
    assert index["cluster_id"].astype(str).is_unique and len(index) == len(cluster)
    dates = members.groupby("cluster_id", observed=True)["test_date"].agg(["min", "max"])
    assert (dates["min"].reindex(cluster.index) == cluster["first_case_date"]).all()
    assert (dates["max"].reindex(cluster.index) == cluster["last_case_date"]).all()
    first = index.set_index(index["cluster_id"].astype(str))["test_date"]
    assert (first.reindex(cluster.index) == cluster["first_case_date"]).all()
    kommuner = members.groupby("cluster_id", observed=True)["kommunenummer"].agg(
        lambda s: " ".join(sorted(set(s.astype(str))))
    )
    assert (kommuner.reindex(cluster.index) == cluster["kommuner_involved"]).all()
    active = cluster["last_case_date"] >= pd.Timestamp(PERIOD_END) - pd.Timedelta(days=14)
    assert ((_str(cluster["status"]) == "active") == active).all()
    assert set(_str(cluster["setting"])) <= set(CLUSTER_SETTINGS)


def test_cluster_members_are_cases(ds):
    case = ds.tables["case"]
    members = ds.tracing["cluster_membership"]
    merged = members.merge(case, on=["disease", "person_key"], how="left", suffixes=("", "_case"))
    assert merged["test_date_case"].notna().all()
    assert (merged["test_date"] == merged["test_date_case"]).all()
    assert (_str(merged["kommunenummer"]) == _str(merged["kommunenummer_case"])).all()
    assert (_str(merged["age_band"]) == _str(merged["age_band_case"])).all()
    assert (_str(merged["cluster_id"]) == _str(merged["cluster_id_case"])).all()
    assert case["cluster_id"].notna().sum() == len(members)


def test_transmission_links_are_trees_with_ordered_dates(ds):
    members = ds.tracing["cluster_membership"].assign(
        cluster_id=lambda d: d["cluster_id"].astype(str)
    )
    links = ds.tracing["transmission_link"].assign(cluster_id=lambda d: d["cluster_id"].astype(str))
    size = members.groupby("cluster_id").size()
    n_links = links.groupby("cluster_id").size().reindex(size.index).fillna(0)
    assert (n_links == size - 1).all()
    key = ["cluster_id", "person_key"]
    date = members.set_index(key)["test_date"]
    source = pd.MultiIndex.from_frame(links[["cluster_id", "source_person_key"]])
    target = pd.MultiIndex.from_frame(links[["cluster_id", "target_person_key"]])
    assert source.isin(date.index).all() and target.isin(date.index).all()
    assert target.is_unique
    index_members = pd.MultiIndex.from_frame(members.loc[_str(members["role"]) == "index", key])
    assert not target.isin(index_members).any()
    assert (links["link_date"].to_numpy() == date.reindex(target).to_numpy()).all()
    assert (date.reindex(target).to_numpy() >= date.reindex(source).to_numpy()).all()
    # Walking up from every member reaches the index: no cycles.
    parent = dict(zip(target, source, strict=True))
    roots = set(index_members)
    for node in date.index:
        steps = 0
        while node in parent and steps <= len(parent):
            node = parent[node]
            steps += 1
        assert node in roots


def test_there_are_large_and_cross_border_clusters(tables):
    cluster = tables["cluster"]
    assert cluster["size"].max() >= 20
    assert cluster["kommuner_involved"].str.contains(" ").any()
    assert (cluster["size"] <= 10).mean() > 0.6


# ------------------------------------------------------------------ rules and certificates
def test_rule_versions_never_overlap(tables):
    rules = tables["rule_version"]
    assert list(rules["id"]) == list(range(1, len(rules) + 1))
    for _, group in rules.groupby(["rule_key", "scope_level", rules["scope_code"].fillna("")]):
        group = group.sort_values("valid_from")
        ends = group["valid_to"].to_numpy()
        starts = group["valid_from"].to_numpy()
        assert (starts[1:] > ends[:-1]).all()
        assert (ends[:-1] == starts[1:] - np.timedelta64(1, "D")).all()
        assert group["supersedes_id"].iloc[1:].tolist() == group["id"].iloc[:-1].tolist()
        assert pd.isna(group["supersedes_id"].iloc[0])
    assert rules["text_nb"].str.len().gt(10).all()
    assert set(rules["scope_level"]) == {"national", "county", "kommune"}
    assert (
        rules["valid_to"].isna().sum()
        == rules.loc[rules["scope_level"] == "national", "rule_key"].nunique()
    )


def test_certificates_follow_rule_version_in_force(tables):
    cert = tables["certificate"]
    rules = tables["rule_version"].set_index("id")
    assert set(cert["rule_version_id"]) <= set(rules.index)
    version = rules.loc[cert["rule_version_id"]]
    assert (version["category"].to_numpy() == "certificate").all()
    starts = version["valid_from"].to_numpy()
    ends = version["valid_to"].fillna(pd.Timestamp("2100-01-01")).to_numpy()
    assert (
        (cert["valid_from"].to_numpy() >= starts) & (cert["valid_from"].to_numpy() <= ends)
    ).all()
    assert (cert["valid_to"] > cert["valid_from"]).all()
    tested = cert[_str(cert["basis"]) == "tested"]
    assert len(tested) > 0
    hours = rules.loc[tested["rule_version_id"], "parameters"].map(
        lambda p: max(p["tested_pcr_valid_hours"], p["tested_antigen_valid_hours"])
    )
    days = (tested["valid_to"] - tested["valid_from"]).dt.days.to_numpy()
    assert (days <= np.ceil(hours.to_numpy() / 24)).all()
    assert tested["valid_from"].between("2021-06-11", "2022-02-11").all()


def test_hospital_admissions_belong_to_cases(tables):
    adm = tables["hospital_admission"]
    case = tables["case"].assign(disease=lambda d: _str(d["disease"]))
    case = case.set_index(["disease", "person_key"])
    key = pd.MultiIndex.from_arrays([_str(adm["disease"]), adm["person_key"]])
    assert key.isin(case.index).all()
    test_date = case.loc[key, "test_date"].to_numpy()
    assert (adm["admission_date"].to_numpy() >= test_date).all()
    discharged = adm["discharge_date"].notna()
    assert (adm.loc[discharged, "discharge_date"] > adm.loc[discharged, "admission_date"]).all()


# ------------------------------------------------------------------ determinism
@pytest.fixture(scope="module")
def other_seed():
    return generate("tiny", seed=SEED + 1, progress=False)


def test_same_seed_gives_identical_data(ds):
    again = generate("tiny", seed=SEED, progress=False)
    assert again.meta == ds.meta
    for name in ds.tables:
        pd.testing.assert_frame_equal(again.tables[name], ds.tables[name], check_exact=True)
    for name in ds.tracing:
        pd.testing.assert_frame_equal(again.tracing[name], ds.tracing[name], check_exact=True)


def test_different_seed_gives_different_data(ds, other_seed):
    for name in ("population", "case", "test_event", "vaccination", "arrival"):
        a, b = ds.tables[name], other_seed.tables[name]
        assert len(a) != len(b) or not a.equals(b), name


# ------------------------------------------------------------------ shorter windows
def test_default_scale_shrinks_time_not_people():
    small, full = SCALES["small"], SCALES["full"]
    assert small.population_fraction == full.population_fraction == 1.0
    assert full.period_start < small.period_start < small.period_end == full.period_end


def test_trimmed_window_keeps_what_happened_from_its_first_day(ds):
    first = pd.Timestamp(SCALES["small"].period_start)
    tables = {name: df.copy() for name, df in ds.tables.items()}
    tracing = {name: df.copy() for name, df in ds.tracing.items()}
    trim_to(tables, tracing, first.date())
    for name, column in EVENT_DATES.items():
        before = ds.tables[name]
        assert tables[name][column].min() >= first, name
        assert len(tables[name]) == int((before[column] >= first).sum()), name
    for name in ("vaccination", "population", "rule_version"):
        pd.testing.assert_frame_equal(tables[name], ds.tables[name])
    kept = set(tables["cluster"]["id"])
    assert set(_str(tables["case"]["cluster_id"]).dropna()) <= kept
    for frame in tracing.values():
        assert set(frame["cluster_id"].astype(str)) == kept
    members = tracing["cluster_membership"].groupby("cluster_id", observed=True).size()
    sizes = tables["cluster"].set_index("id")["size"]
    assert (members.reindex(sizes.index) == sizes).all()


def test_rule_versions_are_those_known_on_the_data_date(tables):
    """Decisions recorded after the data date are not in the demo; a version whose successor
    was decided later has no end yet."""
    full = rule_table()
    rules = tables["rule_version"]
    end = pd.Timestamp(PERIOD_END) + pd.Timedelta(days=1)
    assert (rules["recorded_at"] < end).all()
    assert len(rules) == int((full["recorded_at"] < end).sum()) < len(full)
    later = set(full.loc[full["recorded_at"] >= end, "supersedes_id"].dropna())
    original = full.set_index("id")["valid_to"]
    reopened = 0
    for rule_id, valid_to in rules.set_index("id")["valid_to"].items():
        if rule_id in later:  # superseded only by a later decision: open-ended on the data date
            assert pd.isna(valid_to), rule_id
            reopened += 1
        else:
            was = original[rule_id]
            assert (pd.isna(valid_to) and pd.isna(was)) or valid_to == was, rule_id
    assert reopened > 0


def test_other_diseases_leave_covid19_as_it_was(ds):
    """Influenza, RSV and the new pathogen draw from streams of their own: covid-19's rows
    are those of a data set without them, row for row."""
    alone = generate("tiny", seed=SEED, progress=False, diseases=())
    assert set(alone.tables["case"]["disease"].astype(str)) == {DEFAULT_DISEASE}
    for name, frame in {**ds.tables, **ds.tracing}.items():
        other = {**alone.tables, **alone.tracing}[name]
        if "disease" in frame:
            frame = frame[_str(frame["disease"]) == DEFAULT_DISEASE]
        elif "cluster_id" in frame:
            frame = frame[frame["cluster_id"].isin(set(alone.tables["cluster"]["id"]))]
        frame = frame.reset_index(drop=True)
        assert len(frame) == len(other), name
        for column in frame.columns:
            left, right = _str(frame[column]), _str(other[column])
            assert left.equals(right), (name, column)
