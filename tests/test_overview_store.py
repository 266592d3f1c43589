"""The Kommuneoversikt's precomputed tables (``data/overview_store.py``): the rows every
reader gets from the two policy tables equal the rows built for the reader's scope alone
(the live build; the same numbers), for the KS-analytiker, a fylkeslege, a kommuneoverlege and the
kriseledelse; a reader never gets a row outside the own area; the KS-analytiker and a
fylkeslege read the same precomputed protected table (it is built once)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.auth import DEMO_USERS, scope_for
from data import overview_store, queries
from data.codes import DEFAULT_DISEASE
from data.queries import overview
from data.scope import Scope
from geo import reference

READERS = ("ks-analytiker", "fylkeslege-vestland", "lege-oslo", "krise-bergen")


@pytest.fixture(scope="module")
def dates(app) -> list[dt.date]:  # type: ignore[no-untyped-def]
    day = queries.dataset_info(scope=Scope.full())["data_date"]
    return [day, day - dt.timedelta(days=17)]


@pytest.mark.parametrize("reader", READERS)
def test_each_readers_rows_are_those_built_for_the_scope_alone(app, dates, reader) -> None:  # type: ignore[no-untyped-def]
    scope = scope_for(DEMO_USERS[reader])
    area = scope.restrict(None)
    for date in dates:
        got = overview.kommune_overview(scope=scope, date=date)
        live = overview._publish(
            overview._in_scope(scope, date, DEFAULT_DISEASE),
            scope=scope,
            area_column="kommunenummer",
        )
        # the same numbers (a count the live build of a small area never had to protect
        # keeps its integer dtype there; the policy tables hold floats wherever any row is)
        pd.testing.assert_frame_equal(got, live, check_dtype=False)
        weekly = overview.weekly_cases(scope=scope, date=date, weeks=8)
        pd.testing.assert_frame_equal(
            weekly, overview._published_weeks(scope, date, 8, DEFAULT_DISEASE), check_dtype=False
        )
        # scope filtering: nothing outside the own area
        if area is not None:
            assert set(got["kommunenummer"]) == set(area)
            assert set(weekly["kommunenummer"]) <= set(area)
        else:
            assert len(got) == len(reference.kommuner(2024))


def test_ks_and_a_fylkeslege_read_one_protected_table(app, dates) -> None:  # type: ignore[no-untyped-def]
    ks = scope_for(DEMO_USERS["ks-analytiker"])
    fylkeslege = scope_for(DEMO_USERS["fylkeslege-vestland"])
    built: list[Scope] = []

    def build(policy: Scope) -> pd.DataFrame:
        built.append(policy)
        return overview._publish(
            overview._in_scope(policy, dates[0], DEFAULT_DISEASE),
            scope=policy,
            area_column="kommunenummer",
        )

    # arguments of this test only: nothing kept by another test answers
    arguments = ("test", id(built))
    for scope in (ks, fylkeslege, ks, fylkeslege):
        overview_store.published_rows("test", scope=scope, arguments=arguments, build=build)
    # the protected table once (for both), the open one once (the fylkeslege's county)
    assert built == [overview_store.PROTECTED, overview_store.OPEN]
