"""The disease codes: one list, with the page subjects each disease has as data."""

from __future__ import annotations

import pytest

from data import codes


def test_the_diseases_and_their_subjects_are_declared_once() -> None:
    assert codes.DISEASE_CODES == ("covid19", "influensa", "rsv", "ukjent")
    assert codes.DEFAULT_DISEASE in codes.DISEASES
    for d in codes.DISEASES.values():
        assert d.subjects <= set(codes.SUBJECTS), d.code
        assert {"cases", "tests", "hospital", "clusters"} <= d.subjects, d.code
    # certificates and vaccination exist for covid-19 only
    for subject in ("certificates", "vaccination_doses", "vaccination_by_age"):
        assert [d.code for d in codes.DISEASES.values() if d.has(subject)] == ["covid19"]
    assert codes.DISEASES["influensa"].subtypes == ("A", "B")
    assert codes.DISEASES["rsv"].cadence == "weekly"


def test_the_subjects_are_the_availability_keys() -> None:
    from data.queries.sources.availability import SUBJECT_SERIES

    extra = {"vaccination_by_age", "coverage_snapshot", "certificates", "clusters"}
    assert set(codes.SUBJECTS) == set(SUBJECT_SERIES) | extra


def test_an_unknown_code_is_refused() -> None:
    assert codes.disease(None).code == "covid19"
    assert codes.disease("rsv").name == "RS-virus"
    with pytest.raises(ValueError):
        codes.disease("pest")
    assert not codes.is_disease("pest")
