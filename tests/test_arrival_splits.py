"""The arrivals-per-day split summed on arrays equals the group-by it replaced: the same rows,
order, values and types (date unit included), for few and many categories, ties, missing
categories, gaps and an empty read."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data.queries.arrivals import OTHERS, _split_counts

START, END = dt.date(2022, 1, 1), dt.date(2022, 2, 25)


def _group_by(both: pd.DataFrame, start: dt.date, end: dt.date, by: str, top: int):  # type: ignore[no-untyped-def]
    raw = both.groupby(["date", by], as_index=False)["arrivals"].sum()
    raw = raw.rename(columns={by: "category"})
    totals = raw.groupby("category")["arrivals"].sum().sort_values(ascending=False, kind="stable")
    kept = list(totals.index[:top])
    if len(totals) > top:
        raw["category"] = raw["category"].where(raw["category"].isin(kept), OTHERS)
        kept.append(OTHERS)
    days = pd.date_range(start, end, freq="D")
    grid = pd.MultiIndex.from_product([days, kept], names=["date", "category"])
    return (
        raw.groupby(["date", "category"])["arrivals"]
        .sum()
        .reindex(grid, fill_value=0)
        .astype("int64")
        .reset_index()
    )


def _read(seed: int, n_categories: int, density: float, missing: bool) -> pd.DataFrame:
    """Rows as the kommune's daily read gives them: one per day × entry point × country."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(START, END, freq="D")
    points = [f"P{i}" for i in range(n_categories)]
    countries = ["SE", "DK", "PL", "DE", "GB", "ES", "LT", "FI", "US"][: max(1, n_categories)]
    rows = [(d, p, c) for d in days for p in points for c in countries if rng.random() < density]
    frame = pd.DataFrame(rows, columns=["date", "border_point", "country_of_departure"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[us]")
    frame["arrivals"] = rng.integers(1, 4, len(frame)).astype("int64")
    if missing and len(frame):
        frame.loc[frame.index[::7], "border_point"] = None
    return frame


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    ("n_categories", "density", "missing"),
    [
        (1, 1.0, False),
        (1, 0.5, False),
        (3, 1.0, False),
        (3, 0.3, True),
        (9, 0.2, False),
        (9, 0.9, True),
        (2, 0.05, False),
    ],
)
@pytest.mark.parametrize("by", ["border_point", "country_of_departure"])
@pytest.mark.parametrize("top", [1, 6])
def test_split_equals_the_group_by(seed, n_categories, density, missing, by, top) -> None:  # type: ignore[no-untyped-def]
    both = _read(seed, n_categories, density, missing)
    expected = _group_by(both, START, END, by, top)
    pd.testing.assert_frame_equal(_split_counts(both, START, END, by, top), expected)


def test_ties_keep_name_order_and_an_empty_read() -> None:
    days = pd.to_datetime(["2022-01-03", "2022-01-04"]).astype("datetime64[us]")
    both = pd.DataFrame(
        {
            "date": days.repeat(3),
            "border_point": ["B", "A", "C"] * 2,
            "country_of_departure": ["X"] * 6,
            "arrivals": np.array([2, 2, 1, 2, 2, 5], dtype="int64"),
        }
    )
    for top in (1, 2, 3):
        expected = _group_by(both, START, END, "border_point", top)
        pd.testing.assert_frame_equal(
            _split_counts(both, START, END, "border_point", top), expected
        )
    empty = both.iloc[0:0]
    got = _split_counts(empty, START, END, "border_point", 6)
    assert got.empty and list(got.columns) == ["date", "category", "arrivals"]


# --------------------------------------------------------------------------- stored counts
@pytest.mark.parametrize("kommune", ["0301", "4601", "1151", "5501", "9999"])
def test_stored_counts_equal_the_register(app, kommune) -> None:  # type: ignore[no-untyped-def]
    from data import arrival_splits
    from data.codes import DEFAULT_DISEASE
    from data.queries import arrivals as a
    from data.queries import dataset_info
    from data.scope import Scope

    assert arrival_splits.built(disease=DEFAULT_DISEASE), "the demo load built no split counts"
    last = dataset_info(scope=Scope.full())["data_date"]
    seen = 0
    for back in (0, 45, 400, 700):
        end = last - dt.timedelta(days=back)
        args = dict(kommunenummer=kommune, start=end - dt.timedelta(days=55), end=end)
        stored = a._kommune_daily.__wrapped__(**args, disease=DEFAULT_DISEASE)
        live = a._live_kommune_daily(**args, disease=DEFAULT_DISEASE)
        pd.testing.assert_frame_equal(stored, live)
        seen += len(live)
    assert seen > 0 or kommune not in ("0301", "4601")  # the big ones have arrivals


def test_ensure_rebuilds_the_same_counts(app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete, select

    from data import arrival_splits, db
    from data.schema import AggArrivalsSplit

    t = AggArrivalsSplit
    order = (t.disease, t.kommunenummer, t.date, t.border_point, t.country_of_departure)
    with db.engine().connect() as conn:
        trans = conn.begin()
        try:
            before = conn.execute(select(t).order_by(*order)).all()
            assert before and arrival_splits.ensure(conn) is False
            conn.execute(delete(t))
            assert arrival_splits.ensure(conn) is True
            after = conn.execute(select(t).order_by(*order)).all()
        finally:
            trans.rollback()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
