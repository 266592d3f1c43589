"""The fair ranking on a quiet day (issue 20, item 5): ties share a rank, "over"/"under" only
when the interval excludes the common level, kommuner without cases are never the highest,
and the common level is the area's own rate (not the mean of the visible counts)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import numpy as np
import pandas as pd

from dashboard.metrics import overview as om
from tests.conftest import login
from tests.dash_http import OVERVIEW_OUTPUTS as OUTPUTS
from tests.dash_http import call
from tests.test_page_testing import sql


def _quiet_table() -> pd.DataFrame:
    """A quiet day as a protected role sees it: most kommuner 0, those with 1–4 withheld
    (NaN), three with a few more cases."""
    rng = np.random.default_rng(3)
    population = np.r_[[700_000, 290_000, 210_000], rng.integers(800, 60_000, 300)]
    cases = np.r_[[60.0, 25.0, 12.0], np.zeros(300)]
    cases[3:60] = np.nan  # withheld 1–4
    return pd.DataFrame({"population": population, "cases_7d": cases})


def test_ties_share_a_rank_and_zero_kommuner_are_never_highest() -> None:
    rows = _quiet_table()
    prior = om.fit_prior(rows["cases_7d"], rows["population"], mean=8.1)
    smoothed = om.smoothed_rate(rows["cases_7d"], rows["population"], prior)
    rank = om.shared_rank(smoothed, rows["cases_7d"])
    # equal values (as shown) have equal ranks (the key: whether there are cases, then the
    # smoothed rate as shown)
    shown = smoothed.round(1)
    for _value, group in rank.groupby([rows["cases_7d"] > 0, shown]):
        assert group.nunique() <= 1
    # the three kommuner with cases first; every kommune without cases after them, together
    assert set(rank[rows["cases_7d"] > 0]) <= {1.0, 2.0, 3.0}
    zero = rows["cases_7d"] == 0
    assert (rank[zero] == 4).all()
    assert rank[rows["cases_7d"].isna()].isna().all()  # withheld: no rank
    # the data still order the kommuner with cases (the prior is not all there is)
    assert smoothed[0] != smoothed[1] and smoothed[zero].max() < 8.1


def test_common_level_is_the_area_rate_not_the_visible_mean() -> None:
    rows = _quiet_table()
    visible = om.fit_prior(rows["cases_7d"], rows["population"])
    assert visible.mean < 8.1 / 2  # what went wrong: zeros kept, the 1–4 kommuner dropped
    table = om.overview_metrics(
        rows.assign(
            cases_14d=rows["cases_7d"],
            cases_prev_7d=rows["cases_7d"],
            positive_7d=0,
            tests_7d=0,
            vaccinated_d2=0,
            vaccinated_d3=0,
            cert_valid=0,
        ),
        common_rate=8.1,
    )
    assert table.attrs["prior_mean"] == 8.1
    over = table["versus_all"] == "over"
    assert (table.loc[over, "incidence_7d_low"] > 8.1).all()
    # Oslo-like: 60 cases in 700 000 (8.6 per 100 000) is on the common level, not over it
    assert table.loc[0, "versus_all"] == "usikker"


def _quiet_date() -> dt.date:
    """The demo date (weekly) with the fewest kommuner with cases in its 7-day window, among
    dates where at least two kommuner have 5 or more (so that something is ranked)."""
    daily = sql(
        'select test_date, kommunenummer, count(*) as n from "case" '
        "where disease = 'covid19' group by 1, 2"
    )
    daily["test_date"] = pd.to_datetime(daily["test_date"])
    best: tuple[int, dt.date] | None = None
    first, last = daily["test_date"].min() + pd.Timedelta(days=13), daily["test_date"].max()
    for end in pd.date_range(first, last, freq="7D"):
        inside = (daily["test_date"] > end - pd.Timedelta(days=7)) & (daily["test_date"] <= end)
        per_kommune = daily[inside].groupby("kommunenummer")["n"].sum()
        if (per_kommune >= 5).sum() < 2:
            continue
        if best is None or len(per_kommune) < best[0]:
            best = (len(per_kommune), end.date())
    assert best is not None
    return best[1]


def test_quiet_day_overview_for_a_protected_role(app) -> None:
    date = _quiet_date()
    client = login(app.server.test_client(), "ks-analytiker")
    status, body, _ = call(client, outputs=OUTPUTS, inputs=[("ov-date", "date", date.isoformat())])
    assert status == 200
    response: dict[str, Any] = body["response"]
    rows = pd.DataFrame(response["ov-table"]["data"])
    ranked = rows.dropna(subset=["rank"])
    assert len(ranked)
    # equal smoothed values (one decimal, as shown) share one rank
    key = [ranked["cases_7d"] > 0, ranked["incidence_7d_smoothed"].round(1)]
    for _value, group in ranked.groupby(key):
        assert group["rank"].nunique() == 1, group[["id", "rank"]]
    # a kommune without cases is never above one with cases, and never first
    zero = ranked[ranked["cases_7d"] == 0]
    some = ranked[ranked["cases_7d"] > 0]
    if len(some):
        assert len(zero) == 0 or zero["rank"].min() > some["rank"].max()
        assert 1 in set(some["rank"])
    # the common level is stated beside the national rate, and on a national table they agree
    method = json.dumps(response["ov-method"], ensure_ascii=False)
    common = re.search(r"Fellesnivå: ([\d ,]+) per 100 000", method)
    national = re.search(r"Landet: ([\d ,]+) per 100 000", method)
    assert common and national, method
    assert common.group(1) == national.group(1)
    level = float(common.group(1).replace(" ", "").replace(",", "."))
    # "over"/"under" only when the interval excludes the common level (shown to one decimal)
    over = rows[rows["versus_all"] == "over"]
    assert (over["incidence_7d_low"] > level - 0.05).all()
    under = rows[rows["versus_all"] == "under"]
    assert (under["incidence_7d_high"] < level + 0.05).all()
    # small multiples: only kommuner with cases
    titles = [
        a["text"] for a in response["ov-multiples"]["figure"]["layout"].get("annotations", [])
    ]
    names_with_cases = set(some["name"].str.extract(r"\[(.*)\]")[0])
    for title in titles:
        name = re.sub(r"^(delt )?\d+\. ", "", title)
        assert name in names_with_cases, title
