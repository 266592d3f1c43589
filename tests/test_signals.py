"""The signal method against an independent implementation (statsmodels' GLM), a
planted-outbreak benchmark, and the signal list page against a recomputation from the raw
case table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from bench import signals as planted_bench
from dashboard.definitions import clusters as definitions
from data import signals
from tests.conftest import login
from tests.dash_http import SIGNALER_OUTPUTS, call, call_named
from tests.test_page_testing import sql

P = signals.DEFAULT_PARAMS


def reference_expected(y: np.ndarray, x: np.ndarray, *, trend: bool) -> tuple[float, float]:
    """Farrington/Noufaily baseline with statsmodels, written from the papers (and the R
    package surveillance's algo.farrington.fitGLM / anscombe.residuals), not from our code.
    ``trend`` forces the model; returns (μ₀ at x = 0, φ)."""
    n = len(y)
    design = np.column_stack([np.ones(n), x]) if trend else np.ones((n, 1))
    p = design.shape[1]
    fit = sm.GLM(y, design, family=sm.families.Poisson()).fit()
    mu = fit.fittedvalues
    phi = max(1.0, float(np.sum((y - mu) ** 2 / mu)) / (n - p))
    hat = fit.get_hat_matrix_diag()
    s = 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - mu ** (1 / 2)) / np.sqrt(phi * (1 - hat))
    w = np.where(s > P.reweight_at, s**-2.0, 1.0)
    w = w * n / w.sum()
    fit = sm.GLM(y, design, family=sm.families.Poisson(), var_weights=w).fit()
    mu = fit.fittedvalues
    phi = max(1.0, float(np.sum(w * (y - mu) ** 2 / mu)) / (n - p))
    mu0 = float(np.exp(fit.params[0]))
    return mu0, phi


def reference_threshold(mu0: float, phi: float) -> float:
    if mu0 == 0:
        return 0.0
    if phi <= 1 + 1e-9:
        return float(stats.poisson.ppf(1 - P.alpha, mu0))
    size = mu0 / (phi - 1)
    return float(stats.nbinom.ppf(1 - P.alpha, size, size / (size + mu0)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_intercept_model_equals_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = 52 * 2 + 10
    idx = signals.baseline_weeks(t)
    idx = idx[idx < t]
    y = rng.negative_binomial(5, 5 / (5 + rng.uniform(1, 40, (20, 1))), (20, len(idx)))
    y[3, 2] += 60  # a past outbreak to be down-weighted
    mu0, phi, used = signals.fit_expected(y.astype(float), (idx - t).astype(float))
    assert not used.any()  # two years back: no trend (Farrington needs three)
    for k in range(20):
        ref_mu, ref_phi = reference_expected(
            y[k].astype(float), (idx - t).astype(float), trend=False
        )
        assert mu0[k] == pytest.approx(ref_mu, rel=1e-6)
        assert phi[k] == pytest.approx(ref_phi, rel=1e-6)
        assert signals.nb_threshold(mu0[k : k + 1], phi[k : k + 1], P.alpha)[0] == (
            reference_threshold(ref_mu, ref_phi)
        )


def test_trend_model_equals_statsmodels() -> None:
    rng = np.random.default_rng(5)
    t = 52 * 5 + 5
    idx = signals.baseline_weeks(t)
    x = (idx - t).astype(float)
    mean = 30 * np.exp(0.004 * x)  # a clear upward trend
    y = rng.poisson(np.broadcast_to(mean, (10, len(idx)))).astype(float)
    mu0, phi, used = signals.fit_expected(y, x)
    assert used.sum() >= 5
    for k in np.nonzero(used)[0]:
        ref_mu, ref_phi = reference_expected(y[k], x, trend=True)
        assert mu0[k] == pytest.approx(ref_mu, rel=1e-5)
        assert phi[k] == pytest.approx(ref_phi, rel=1e-5)


def test_screen_definitions_match_the_method() -> None:
    assert definitions.METHOD_CITATION == signals.METHOD_CITATION
    assert definitions.METHOD_NAME_NB == signals.METHOD_NAME_NB
    assert (P.years_back, P.half_window, P.alpha, P.recent_min, P.recent_weeks) == (
        definitions.YEARS_BACK,
        definitions.HALF_WINDOW,
        definitions.ALPHA,
        definitions.RECENT_MIN,
        definitions.RECENT_WEEKS,
    )


def test_planted_outbreaks_are_found() -> None:
    """A smaller run of bench/signals.py: outbreaks of five or more standard deviations are
    found, and false signals stay near the nominal 1 % of quiet kommune-weeks."""
    result = planted_bench.run(kommuner=60, seed=11)
    by_size = result["by_size"]
    assert isinstance(by_size, dict)
    assert by_size[10] >= 0.95 and by_size[8] >= 0.85 and by_size[5] >= 0.6
    assert by_size[2] < by_size[10]  # it can fail: small outbreaks are harder
    assert float(result["false_per_1000"]) < 30  # type: ignore[arg-type]


def test_no_signal_without_history_or_with_few_cases() -> None:
    counts = np.zeros((2, 120))
    counts[0, 100] = 4  # above a zero baseline but fewer than 5 cases in 4 weeks
    counts[1, 100] = 6
    result = signals.detect(counts)
    assert not result["evaluated"][:, :55].any()
    assert not result["alarm"][0].any()
    assert result["alarm"][1, 100] and result["since"][1, 100] == 100


# --------------------------------------------------------------------------- the page
def weekly_cases(kommune: str) -> pd.Series:
    frame = sql(
        "select test_date from \"case\" where kommunenummer = :k and disease = 'covid19' "
        "and test_date is not null",
        k=kommune,
    )
    days = pd.to_datetime(frame["test_date"])
    weeks = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return weeks.value_counts()


def recompute(kommune: str, week: pd.Timestamp) -> tuple[int, float, float]:
    """Observed, expected and threshold of one kommune-week from the raw case table."""
    counts = weekly_cases(kommune)
    meta = sql("select key, value from dataset_meta")
    start = pd.Timestamp(meta.set_index("key").loc["period_start", "value"])
    first = start + pd.Timedelta(days=(7 - start.weekday()) % 7)
    t = (week - first).days // 7
    idx = signals.baseline_weeks(t)
    idx = idx[idx < t]
    y = np.array([counts.get(first + pd.Timedelta(weeks=int(i)), 0) for i in idx], dtype=float)
    if y.sum() == 0:
        return int(counts.get(week, 0)), 0.0, 0.0
    mu0, phi = reference_expected(y, (idx - t).astype(float), trend=False)
    return int(counts.get(week, 0)), mu0, reference_threshold(mu0, phi)


def page(client: Any, **inputs: Any) -> dict[str, Any]:
    status, body, _ = call(
        client,
        outputs=SIGNALER_OUTPUTS,
        inputs=[
            ("signaler-select", "value", inputs.get("kommuner")),
            ("signaler-date", "date", inputs.get("date")),
            ("signaler-fylke", "value", inputs.get("fylke")),
            ("signaler-series", "value", inputs.get("series", "cases")),
            ("signaler-every-disease", "value", []),
        ],
    )
    assert status == 200, body
    return body["response"]


def alarm_week_end(kommune: str | None = None) -> dt.date:
    """The last day of a week with case signals in the demo: the week with the most, or
    ``kommune``'s latest."""
    where, order = ("and kommunenummer = :k ", "week_start desc") if kommune else ("", "n desc")
    frame = sql(
        "select week_start, count(*) as n from signal where alarm and series = 'cases' "
        f"and disease = 'covid19' {where}group by week_start order by {order} limit 1",
        k=kommune,
    )
    return pd.Timestamp(frame["week_start"].iloc[0]).date() + dt.timedelta(days=6)


@pytest.fixture(scope="module")
def busy_week(app) -> dt.date:
    return alarm_week_end()


def test_signal_list_numbers_equal_an_independent_recomputation(client, busy_week) -> None:
    rows = page(client, date=busy_week.isoformat())["signaler-table"]["data"]
    assert len(rows) >= 3
    week = pd.Timestamp(busy_week - dt.timedelta(days=6))
    for r in rows[:25]:
        observed, expected, threshold = recompute(r["kommunenummer"], week)
        assert r["observed"] == str(observed)
        assert r["expected"] == f"{expected:.1f}".replace(".", ",")
        assert r["threshold"] == f"{threshold:.0f}"
        assert observed > threshold  # it is a signal
        assert r["week"].startswith(f"Uke {week.isocalendar()[1]} ")


def test_signal_list_filters_by_county_and_kommune(client, busy_week) -> None:
    everything = page(client, date=busy_week.isoformat())["signaler-table"]["data"]
    fylke = everything[0]["kommunenummer"][:2]
    in_county = page(client, date=busy_week.isoformat(), fylke=fylke)["signaler-table"]["data"]
    assert {r["kommunenummer"] for r in in_county} == {
        r["kommunenummer"] for r in everything if r["kommunenummer"][:2] == fylke
    }
    one = everything[0]["kommunenummer"]
    only = page(client, date=busy_week.isoformat(), kommuner=[one])["signaler-table"]["data"]
    assert [r["kommunenummer"] for r in only] == [one]


def test_signal_list_is_scoped(app, busy_week) -> None:
    client = login(app.server.test_client(), "fylkeslege-vestland")
    rows = page(client, date=busy_week.isoformat())["signaler-table"]["data"]
    assert all(r["kommunenummer"].startswith("46") for r in rows)
    _status, body, _ = call(
        client,
        outputs=SIGNALER_OUTPUTS,
        inputs=[
            ("signaler-select", "value", ["0301"]),
            ("signaler-date", "date", busy_week.isoformat()),
            ("signaler-fylke", "value", None),
            ("signaler-series", "value", "cases"),
            ("signaler-every-disease", "value", []),
        ],
    )
    assert not body.get("response") and "Ingen tilgang" in str(body)


def overlay(client: Any, value: list[str], date: dt.date) -> dict[str, Any]:
    """POST the overlay callback as the browser does: its map output carries the
    allow_duplicate suffix that /_dash-dependencies names."""
    status, body = call_named(
        client,
        "map-overlay-note.children",
        {
            "map-overlay.value": value,
            "map-date.date": date.isoformat(),
            "map-rendered.data": True,
        },
        changed=["map-overlay.value"],
    )
    assert status == 200
    body = body["response"]
    key = next(k for k in body if k.startswith("map"))
    return body[key]["figure"]


def test_map_overlay_patches_markers_only_and_is_scoped(app, busy_week) -> None:
    client = login(app.server.test_client(), "fylkeslege-vestland")
    patch = overlay(client, ["on"], busy_week)
    assert patch.get("__dash_patch_update")
    assert "geojson" not in str(patch) and "kommuner-2020" not in str(patch)
    traces = {tuple(op["location"]): op["params"]["value"] for op in patch["operations"]}
    signal_trace = traces[("data", 1)]
    week = busy_week - dt.timedelta(days=6)
    expected = sql(
        "select kommunenummer from signal where alarm and series = 'cases' and "
        "disease = 'covid19' and "
        "week_start = :w and kommunenummer like '46%'",
        w=week.isoformat(),
    )
    assert len(signal_trace["lon"]) == len(expected)
    assert all("(46" in text for text in signal_trace["text"])
    assert all("(46" in text for text in traces[("data", 2)]["text"])
    off = overlay(client, [], busy_week)
    assert all(op["params"]["value"]["lon"] == [] for op in off["operations"])


def test_per_disease_settings_seasonal_fallback_and_new_pathogen() -> None:
    """Influenza and RSV without a season of history are watched on the weeks before (the
    stated fallback, its own method key); covid-19's settings wait for a year of history. A
    new pathogen's all-zero baseline signals on its first few cases."""
    rng = np.random.default_rng(3)
    weeks = 30  # less than a year: no seasonal baseline anywhere
    counts = rng.poisson(4.0, size=(2, weeks)).astype(float)
    counts[1, -1] = 40.0  # an onset in the last week of kommune 1
    seasonal = signals.detect(counts, signals.params_for("influensa"))
    covid = signals.detect(counts, signals.params_for("covid19"))
    assert not covid["evaluated"].any()
    fallback = signals.params_for("rsv").fallback_weeks
    assert (
        seasonal["evaluated"][:, fallback:].all() and not seasonal["evaluated"][:, :fallback].any()
    )
    assert seasonal["fallback"][:, fallback:].all()
    assert seasonal["alarm"][1, -1] and not seasonal["alarm"][0, -1]
    # the expected count is the mean of the weeks before (intercept only)
    recent = counts[0, weeks - 1 - fallback : weeks - 1]
    assert seasonal["expected"][0, -1] == pytest.approx(recent.mean(), rel=0.15)
    # with a full year of history the seasonal baseline (same weeks a year back) is used
    long = rng.poisson(4.0, size=(1, 80)).astype(float)
    frame = signals.signal_frame(
        pd.DataFrame(
            {
                "kommunenummer": "0301",
                "week_start": pd.date_range("2020-01-06", periods=80, freq="7D"),
                "count": long[0],
            }
        ),
        kommuner=["0301"],
        weeks=pd.date_range("2020-01-06", periods=80, freq="7D"),
        params=signals.params_for("influensa"),
    )
    assert set(frame.loc[frame["week_start"] >= "2021-01-25", "method"]) == {signals.METHOD_KEY}
    assert set(frame.loc[frame["week_start"] < "2021-01-04", "method"]) == {signals.FALLBACK_KEY}
    # a new pathogen: nothing for a year, then three cases
    new = np.zeros((1, 60))
    new[0, -1] = 3.0
    assert signals.detect(new, signals.params_for("ukjent"))["alarm"][0, -1]
    assert not signals.detect(new, signals.params_for("covid19"))["alarm"][0, -1]
