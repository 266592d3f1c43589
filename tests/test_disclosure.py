"""The disclosure method (data/disclosure.py) on arrays, and its published cells in the store."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import select

from data import db, disclosure, published
from data.schema import AggKeyFigures
from data.scope import Scope

SECRET = "test-secret"


def _keys(counts: np.ndarray, area: str = "0301", family: str = "cases") -> np.ndarray:
    days = np.arange("2022-01-01", "2022-01-01", dtype="datetime64[D]")
    days = np.datetime64("2022-01-01") + np.arange(len(counts))
    record = disclosure.record_keys(SECRET, family, [area], days)
    return disclosure.cell_keys(counts[:, None], record)


def test_small_counts_are_hidden_zero_is_zero_and_the_rest_move_a_little() -> None:
    values = np.arange(0, 400)
    keys = np.arange(400) % 256
    out = disclosure.publish(values, keys)
    assert out[0] == 0
    assert np.isnan(out[1:5]).all()  # 1–4: primary suppression
    shown = out[5:]
    assert not np.isnan(shown).any() and (shown >= 5).all()
    moved = shown - values[5:]
    assert np.abs(moved).max() <= disclosure.MAX_PERTURBATION
    assert (moved != 0).any()  # it does perturb
    daily = disclosure.publish(values, keys, daily=True)
    assert np.isnan(daily[:5]).all()  # a day's 0–4 is hidden with its zeros


def test_the_perturbation_is_mostly_small_and_centred() -> None:
    rng = np.random.default_rng(1)
    values = rng.integers(20, 5000, 200_000)
    keys = rng.integers(0, 256, 200_000)
    moved = disclosure.publish(values, keys) - values
    assert 0.5 < np.mean(moved == 0) < 0.6  # ≈ 54 % exact
    assert abs(np.mean(moved)) < 0.02
    assert 0.6 < np.mean(np.abs(moved)) < 0.72  # mean absolute change ≈ 0.66


def test_the_same_records_give_the_same_published_value_in_every_window() -> None:
    """Windows ending on different days over the same records (quiet days in between) get
    the same cell key and so the same value: repeating a cell gives nothing to average."""
    counts = np.array([0, 0, 6, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0], dtype=np.int64)
    keys = _keys(counts)
    windows = disclosure.window_keys(keys, 7)[:, 0]
    values = np.convolve(counts, np.ones(7, dtype=np.int64))[: len(counts)]
    published_values = disclosure.publish(values, windows)
    # days 2–8 hold the 6 only: the same cell, the same key and value
    assert len(set(windows[2:9])) == 1
    assert len(set(published_values[2:9])) == 1
    # a window with other records has another key
    assert windows[9] != windows[8]


def test_cell_keys_add_up_over_days_and_areas() -> None:
    counts = np.array([[3, 1], [0, 2], [7, 0]], dtype=np.int64)
    days = np.datetime64("2022-03-01") + np.arange(3)
    record = disclosure.record_keys(SECRET, "cases", ["0301", "4601"], days)
    daily = disclosure.cell_keys(counts, record)
    # the key of a window is the sum of its records' keys modulo 256
    expected = int((counts[:, 0] * record[:, 0]).sum() % 256)
    assert disclosure.window_keys(daily, 3)[-1, 0] == expected
    # record keys depend on the day, not on where the loaded period starts
    later = disclosure.record_keys(SECRET, "cases", ["0301", "4601"], days[1:])
    assert (later == record[1:]).all()
    other = disclosure.record_keys("another-secret", "cases", ["0301", "4601"], days)
    assert not (other == record).all()


def test_the_store_holds_the_published_cells_the_reads_hand_out(settings) -> None:  # type: ignore[no-untyped-def]
    """Every protected count in the store follows the rules against the true one, and a KS
    analyst's reads return exactly the stored published cell."""
    k = AggKeyFigures
    with db.engine().connect() as conn:
        rows = conn.execute(
            select(k.disease, k.area, k.date, k.cases, k.cases_pub, k.cases_7d, k.cases_7d_pub)
        ).all()
    frame = pd.DataFrame(rows, columns=["disease", "area", "date", "c", "c_pub", "w", "w_pub"])
    assert len(frame) > 1000
    # every disease's cells, each area's days in order
    frame = frame.sort_values(["disease", "area", "date"]).reset_index(drop=True)
    # a day in a 7-day window without cases is published as 0 (the window says so)
    empty = frame["w"].eq(0).astype(int)
    ahead = empty.groupby([frame["disease"], frame["area"]]).transform(
        lambda s: s[::-1].rolling(7, min_periods=1).max()[::-1]
    )
    # a county's or the nation's cell may be withheld to protect its parts (never a kommune's
    # day or week, which are no sums of other published cells)
    total = frame["area"].str.startswith(("F", "NO"))
    for pub in ("c_pub", "w_pub"):
        withheld = frame[pub] == disclosure.WITHHELD
        assert not (withheld & ~total).any()
    frame = frame[
        ~(frame["c_pub"] == disclosure.WITHHELD) & ~(frame["w_pub"] == disclosure.WITHHELD)
    ]
    ahead = ahead[frame.index]
    for true, pub, daily in (("c", "c_pub", True), ("w", "w_pub", False)):
        small = frame[true].between(0 if daily else 1, 4)
        if daily:
            assert frame.loc[small & ahead.eq(1), pub].eq(0).all()
            small &= ahead.eq(0)
        assert frame.loc[small, pub].isna().all()
        assert frame.loc[~small & (frame[true] == 0), pub].eq(0).all()
        big = frame[frame[true] >= 5]
        assert big[pub].notna().all() and (big[pub] >= 5).all()
        assert (big[pub] - big[true]).abs().max() <= disclosure.MAX_PERTURBATION
    analyst = Scope(user_id="ks", role="ks_analytiker", kommuner=None, small_numbers=False)
    frame = frame[frame["disease"] == "covid19"]  # the reads below are covid-19's
    day = frame.loc[frame["w"] >= 5, "date"].iloc[-1]
    from data import queries

    windows = queries.case_windows(scope=analyst, date=day).set_index("kommunenummer")
    stored = frame[frame["date"] == day].set_index("area")
    checked = 0
    for code, row in windows.iterrows():
        want = stored.loc[code, "w_pub"]
        got = row["cases_7d"]
        assert (pd.isna(want) and pd.isna(got)) or want == got, code
        assert bool(row["cases_7d_suppressed"]) == bool(pd.isna(want))
        checked += 1
    assert checked > 10
    # a full-access scope receives the true counts
    full = queries.case_windows(scope=Scope.full(), date=day).set_index("kommunenummer")
    assert (full["cases_7d"] == stored.loc[full.index, "w"]).all()
    assert published.STORED  # the registry of stored cells is not empty


def test_trend_is_decided_on_what_the_role_sees() -> None:
    from dashboard.metrics import trend

    assert trend(8, float("nan")) == "rising"  # 3 → 8 with the 3 hidden: still rising
    assert trend(float("nan"), 8) is None  # a hidden last week is below the volume rule
    assert trend(6, float("nan")) is None
    assert trend(20, 20) == "flat"


def test_date_span_of_a_published_series(settings) -> None:  # type: ignore[no-untyped-def]
    from data.queries import key_figures as key_queries

    info_date = dt.date(2022, 1, 20)
    analyst = Scope(user_id="ks", role="ks_analytiker", kommuner=None, small_numbers=False)
    series = key_queries.published_series(
        scope=analyst, area="NO", start=info_date - dt.timedelta(days=6), end=info_date
    )
    assert len(series) in (0, 7)


def test_the_cache_key_is_the_policy_and_scope_not_the_user() -> None:
    one = Scope(user_id="ks-1", role="ks_analytiker", kommuner=None, small_numbers=False)
    two = Scope(user_id="ks-2", role="ks_analytiker", kommuner=None, small_numbers=False)
    assert one.cache_key() == two.cache_key()  # the same published cells, one cache entry
    seeing = Scope(user_id="ks-1", role="ks_analytiker", kommuner=None, small_numbers=True)
    narrower = Scope(user_id="ks-1", role="ks_analytiker", kommuner=frozenset({"0301"}))
    assert len({one.cache_key(), seeing.cache_key(), narrower.cache_key()}) == 3


def test_a_weeks_signal_count_is_the_published_window_of_its_sunday(settings) -> None:  # type: ignore[no-untyped-def]
    """The Signaler page's observed count of a week is the same published cell as the 7-day
    window ending on that Sunday on the map and the Kommune page (one number, one value)."""
    from data import queries
    from data.queries import signals as signal_queries

    analyst = Scope(user_id="ks", role="ks_analytiker", kommuner=None, small_numbers=False)
    info = queries.dataset_info(scope=Scope.full())
    compared = 0
    for kommune in ("0301", "4601", "1106", "1151"):
        history = signal_queries.signals_for_kommune(
            scope=analyst, kommunenummer=kommune, date=info["data_date"]
        )
        full = signal_queries.signals_for_kommune(
            scope=Scope.full(), kommunenummer=kommune, date=info["data_date"]
        )
        cases = full[full["series"].eq("cases") & (full["observed"] >= 5)].tail(15)
        rows = history[history["series"].eq("cases")].merge(cases[["week_start"]], on="week_start")
        for _i, row in rows.iterrows():
            sunday = (row["week_start"] + pd.Timedelta(days=6)).date()
            windows = queries.case_windows(scope=analyst, date=sunday).set_index("kommunenummer")
            truth = full[(full["series"] == "cases") & (full["week_start"] == row["week_start"])]
            true_window = queries.case_windows(scope=Scope.full(), date=sunday)
            true_window = true_window.set_index("kommunenummer").loc[kommune, "cases_7d"]
            if int(truth["observed"].iloc[0]) != int(true_window):
                continue  # a week counted on another basis than the window
            want, got = windows.loc[kommune, "cases_7d"], row["observed"]
            assert (pd.isna(want) and pd.isna(got)) or want == got, (kommune, sunday)
            compared += 1
    assert compared > 10
