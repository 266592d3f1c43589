"""protect(): the counts of every read that is not a key figure, as a role's policy publishes
them (cell-key perturbation, data/disclosure.py). Needs the store: its secret keys the cells."""

import math

import numpy as np
import pandas as pd

from data import disclosure
from data.protection import protect
from data.scope import Scope

ANALYST = Scope(user_id="ks", role="ks_analytiker", small_numbers=False)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kommunenummer": ["0301", "1151", "3201"],
            "cases": [120, 3, 0],
            "population": [700_000, 200, 125_000],
            "incidence": [17.1, 1500.0, 0.0],
        }
    )


def test_small_counts_and_their_rates_are_withheld(settings) -> None:  # type: ignore[no-untyped-def]
    out = protect(_frame(), scope=ANALYST, counts=["cases"], rates={"incidence": ["cases"]})
    row = out.set_index("kommunenummer")
    assert math.isnan(row.loc["1151", "cases"]) and row.loc["1151", "cases_suppressed"]
    assert math.isnan(row.loc["1151", "incidence"])
    assert abs(row.loc["0301", "cases"] - 120) <= disclosure.MAX_PERTURBATION
    assert not row.loc["0301", "cases_suppressed"]
    assert row.loc["3201", "cases"] == 0  # zero is not a small number
    assert 3 not in out["cases"].tolist()


def test_small_numbers_for_own_kommune_only(settings) -> None:  # type: ignore[no-untyped-def]
    scope = Scope(
        user_id="lege",
        role="kommuneoverlege",
        kommuner=frozenset({"1151"}),
        small_numbers=True,
        small_number_kommuner=frozenset({"1151"}),
    )
    frame = _frame()
    frame.loc[0, "cases"] = 2
    out = protect(frame, scope=scope, counts=["cases"]).set_index("kommunenummer")
    assert out.loc["1151", "cases"] == 3
    assert math.isnan(out.loc["0301", "cases"])


def test_full_scope_sees_everything() -> None:
    out = protect(_frame(), scope=Scope.full(), counts=["cases"], rates={"incidence": ["cases"]})
    assert out["cases"].tolist() == [120, 3, 0]
    assert not out["cases_suppressed"].any()


def test_only_small_counts_are_hidden_and_parts_carry_their_own_noise(settings) -> None:  # type: ignore[no-untyped-def]
    """No secondary suppression: beside a published total, the visible parts are perturbed, so
    total minus parts does not give the hidden part back; nothing but 1–4 is hidden."""
    rng = np.random.default_rng(3)
    kommuner = [f"{i:04d}" for i in range(1, 301)]
    cases = rng.choice([0, 1, 2, 3, 4, 6, 9, 14, 40, 120], len(kommuner))
    frame = pd.DataFrame({"kommunenummer": kommuner, "cases": cases})
    out = protect(frame, scope=ANALYST, counts=["cases"])
    small = (cases >= 1) & (cases <= 4)
    assert (out["cases_suppressed"].to_numpy() == small).all()
    shown = out["cases"].to_numpy()[~small]
    moved = shown - cases[~small]
    assert (np.abs(moved) <= disclosure.MAX_PERTURBATION).all()
    # it does perturb (how many depends on the store's secret: about a third of the cells)
    assert (moved != 0).sum() > 0.2 * len(moved)
    assert (shown[cases[~small] > 0] >= 5).all()


def test_the_same_count_of_the_same_area_is_published_alike(settings) -> None:  # type: ignore[no-untyped-def]
    one = pd.DataFrame({"kommunenummer": ["0301", "0301", "4601"], "cases": [57, 57, 57]})
    out = protect(one, scope=ANALYST, counts=["cases"])["cases"].tolist()
    assert out[0] == out[1]  # the same count of the same area
    again = protect(one.iloc[::-1], scope=ANALYST, counts=["cases"])["cases"].tolist()
    assert again[::-1] == out  # in any frame, in any order
    many = pd.DataFrame({"kommunenummer": ["0301"] * 200, "cases": np.arange(5, 205)})
    values = protect(many, scope=ANALYST, counts=["cases"])["cases"].to_numpy()
    assert (values - np.arange(5, 205) != 0).any()  # but not all counts alike
