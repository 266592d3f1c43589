"""Nowcast and growth read from the demo store (issue 21, item 4): the delay distribution is
the raw cases' own, the nowcast covers exactly the incomplete days and is computed from what
the caller's role sees (a withheld day gets none), and a kommune with few cases is not shown.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data import nowcast as nc
from data.queries import cases_daily, completeness, growth
from data.scope import Scope
from tests.dash_http import KOMMUNE_OUTPUTS, call, find, values
from tests.test_morgenbrief import OUTPUTS as BRIEF_OUTPUTS
from tests.test_page_testing import data_date, sql

ANALYST = Scope(user_id="ks", role="ks_analytiker", kommuner=None, small_numbers=False)


def test_delay_distribution_is_the_raw_cases(app) -> None:
    end = data_date()
    until = end - dt.timedelta(days=nc.MAX_DELAY)
    rows = sql(
        'select test_date, registration_date from "case" where test_date between :a and :b '
        "and disease = 'covid19'",
        a=(until - dt.timedelta(weeks=growth.DELAY_WEEKS)).isoformat(),
        b=until.isoformat(),
    )
    delay = (pd.to_datetime(rows["registration_date"]) - pd.to_datetime(rows["test_date"])).dt.days
    shares = delay.clip(upper=nc.MAX_DELAY).value_counts(normalize=True)
    got = growth.delay(disease="covid19", data_date=end)
    assert got.cases == len(rows) > 0
    for days, share in shares.items():
        assert got.pmf[int(days)] == pytest.approx(share)


def _kommune_case_counts(end: dt.date, then: str) -> pd.DataFrame:
    """Kommuner with their covid-19 cases (``n``) in the nowcast window to ``end``, grouped and
    then filtered and ordered by the SQL of ``then``."""
    return sql(
        'select kommunenummer, count(*) as n from "case" where test_date > :since '
        "and disease = 'covid19' group by kommunenummer " + then,
        since=(end - dt.timedelta(days=nc.WINDOW)).isoformat(),
    )


def _busiest_kommune() -> str:
    frame = _kommune_case_counts(data_date(), "order by n desc limit 1")
    return str(frame["kommunenummer"].iloc[0])


def test_nowcast_covers_the_incomplete_days(app) -> None:
    kommune, end = _busiest_kommune(), data_date()
    result = growth.kommune_growth(scope=Scope.full(), kommunenummer=kommune, date=end)
    window = completeness.case_completeness(scope=Scope.full())
    frame = result["nowcast"]
    assert window["days"] >= 1
    assert list(frame["date"].dt.date) == [
        window["incomplete_from"] + dt.timedelta(days=i) for i in range(window["days"])
    ]
    seen = cases_daily(
        scope=Scope.full(), level="kommune", code=kommune, start=end - dt.timedelta(13), end=end
    ).set_index("date")["cases"]
    so_far = seen.reindex(frame["date"]).to_numpy()
    assert (frame["nowcast_low"].to_numpy() >= so_far).all()
    assert (frame["nowcast"].to_numpy() >= so_far).all()
    assert (frame["nowcast_high"] >= frame["nowcast"]).all()
    # the last day (fewest registered) is raised most
    raised = frame["nowcast"].to_numpy() - so_far
    assert raised[-1] == raised.max() > 0
    g = result["growth"]
    assert g.shown, g
    assert g.rate_low < g.rate < g.rate_high and 0 <= g.p_growth <= 1
    assert 0 < g.weight <= 1 and np.isfinite(result["tau2"])


def test_a_role_gets_growth_from_what_it_sees(app) -> None:
    """The analyst (no small numbers) gets the estimate of the published series (which here
    differs from the true one): its cases are the analyst's, its rate lies between the fit of
    the analyst's series and the prior, and days the analyst receives as 0–4 get no nowcast."""
    end = data_date()
    small = _kommune_case_counts(end, "having n between 40 and 200 order by n limit 1")
    kommune = str(small["kommunenummer"].iloc[0]) if len(small) else _busiest_kommune()
    result = growth.kommune_growth(scope=ANALYST, kommunenummer=kommune, date=end)
    seen = cases_daily(
        scope=ANALYST, level="kommune", code=kommune, start=end - dt.timedelta(13), end=end
    )
    counts = seen["cases"].to_numpy(dtype="float64")
    fraction = nc.reported_fraction(
        growth.delay(disease="covid19", data_date=end),
        (pd.Timestamp(end) - pd.to_datetime(seen["date"])).dt.days.to_numpy(),
    )
    weekday = result["offset"] / fraction  # the nation's weekday pattern, mean 1
    assert weekday.mean() == pytest.approx(1.0)
    fit = nc.fit_growth(counts[None, :], result["offset"])
    g = result["growth"]
    assert g.cases == np.nansum(counts)
    assert withheld_any(seen) or not np.array_equal(counts, true_counts(kommune, end))
    if g.shown:
        # the prior only pulls: the estimate lies between the own fit and the prior
        lo, hi = sorted([float(fit.rate[0]), result["prior"]])
        assert lo - 1e-9 <= g.rate <= hi + 1e-9
    withheld = seen.set_index("date")["cases"].isna()
    for row in result["nowcast"].itertuples():
        assert np.isnan(row.nowcast) == bool(withheld.get(row.date, False))


def withheld_any(seen: pd.DataFrame) -> bool:
    return bool(seen["cases"].isna().any())


def true_counts(kommune: str, end: dt.date) -> np.ndarray:
    return cases_daily(
        scope=Scope.full(), level="kommune", code=kommune, start=end - dt.timedelta(13), end=end
    )["cases"].to_numpy(dtype="float64")


def quiet_kommune(end: dt.date) -> str:
    """A kommune with fewer cases than the growth estimate needs in the window ending on
    ``end`` (from the raw cases)."""
    quiet = sql(
        'select k.kommunenummer from kommune k left join "case" c on c.kommunenummer = '
        "k.kommunenummer and c.test_date > :since and c."
        "disease = 'covid19' where k.structure = 2024 "
        "group by k.kommunenummer having count(c.id) < :n limit 1",
        since=(end - dt.timedelta(days=nc.WINDOW)).isoformat(),
        n=nc.MIN_CASES,
    )
    return str(quiet["kommunenummer"].iloc[0])


def test_few_cases_are_not_shown(app) -> None:
    end = data_date()
    kommune = quiet_kommune(end)
    g = growth.kommune_growth(scope=Scope.full(), kommunenummer=kommune, date=end)["growth"]
    assert not g.shown and g.reason == "few_cases"
    assert np.isnan(g.p_growth) and g.rt is None


def _kommune_page(client, kommune: str, date: dt.date) -> dict:
    status, body, _ = call(
        client,
        outputs=KOMMUNE_OUTPUTS,
        inputs=[("kommune-select", "value", kommune), ("kommune-date", "date", date.isoformat())],
    )
    assert status == 200
    return body["response"]


def _text(tree: dict | None) -> str:
    assert tree is not None
    return str(tree["props"]["children"])


def test_kommune_page_and_brief_show_growth_and_the_nowcast_band(client) -> None:
    kommune, end = _busiest_kommune(), data_date()
    result = growth.kommune_growth(scope=Scope.full(), kommunenummer=kommune, date=end)
    g = result["growth"]
    response = _kommune_page(client, kommune, end)
    cards = response["kommune-cards"]["children"]
    value = _text(find(cards, "kommune-growth-value"))
    line = _text(find(cards, "kommune-growth-line"))
    weekly = round(100 * g.weekly[0])
    assert value == f"{'+' if weekly > 0 else '−' if weekly < 0 else ''}{abs(weekly)} % per uke"
    p = round(100 * g.p_growth)
    shown = "> 99" if g.p_growth > 0.99 else "< 1" if g.p_growth < 0.01 else str(p)
    assert f"P(vekst) {shown} %" in line and "Rt " in line and "95 % KI" in line
    traces = response["kommune-daily"]["figure"]["data"]
    band = [t for t in traces if t.get("name") == "Anslag når alle er registrert"]
    assert len(band) == 1
    nowcast = result["nowcast"]
    assert [pd.Timestamp(x).date() for x in values(band[0]["x"])] == list(nowcast["date"].dt.date)
    assert values(band[0]["y"]) == pytest.approx(list(nowcast["nowcast"]))
    # a month back every day is complete: no band
    earlier = _kommune_page(client, kommune, end - dt.timedelta(days=30))
    names = [t.get("name") for t in earlier["kommune-daily"]["figure"]["data"]]
    assert "Anslag når alle er registrert" not in names
    status, body, _ = call(
        client,
        outputs=BRIEF_OUTPUTS,
        inputs=[("brief-select", "value", kommune), ("brief-date", "date", end.isoformat())],
    )
    assert status == 200
    assert _text(find(body["response"]["brief-body"], "brief-growth-value")) == value
    brief_band = [
        t
        for t in body["response"]["brief-daily"]["figure"]["data"]
        if t.get("name") == "Anslag når alle er registrert"
    ]
    assert len(brief_band) == 1
    assert values(brief_band[0]["y"]) == pytest.approx(list(nowcast["nowcast"]))


def test_kommune_page_says_why_growth_is_not_shown(client) -> None:
    end = data_date()
    response = _kommune_page(client, quiet_kommune(end), end)
    cards = response["kommune-cards"]["children"]
    assert _text(find(cards, "kommune-growth-value")) == "–"
    assert _text(find(cards, "kommune-growth-line")) == (
        f"Ikke vist: færre enn {nc.MIN_CASES} tilfeller siste {nc.WINDOW} dager."
    )


def test_no_growth_before_two_weeks_of_data(app) -> None:
    """On the first days of the loaded period the days before it are no zeros: not shown."""
    first = dt.date.fromisoformat(
        sql("select value from dataset_meta where key = 'period_start'")["value"].iloc[0]
    )
    kommune = _busiest_kommune()
    early = growth.kommune_growth(scope=Scope.full(), kommunenummer=kommune, date=first)
    assert not early["growth"].shown and early["growth"].reason == "short"
    later = first + dt.timedelta(days=nc.WINDOW - 1)
    assert (
        growth.kommune_growth(scope=Scope.full(), kommunenummer=kommune, date=later)[
            "growth"
        ].reason
        != "short"
    )


def test_probability_is_never_read_as_certainty() -> None:
    from callbacks.growth import probability

    assert probability(0.9996) == "> 99 %"
    assert probability(0.0004) == "< 1 %"
    assert probability(0.5) == "50 %"
