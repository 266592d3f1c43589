import math

import pandas as pd

from data.protection import protect
from data.scope import Scope


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kommunenummer": ["0301", "1151", "3201"],
            "cases": [120, 3, 0],
            "population": [700_000, 200, 125_000],
            "incidence": [17.1, 1500.0, 0.0],
        }
    )


def test_small_counts_and_their_rates_are_withheld() -> None:
    scope = Scope(user_id="ks", role="ks_analytiker", small_numbers=False)
    out = protect(_frame(), scope=scope, counts=["cases"], rates={"incidence": ["cases"]})
    row = out.set_index("kommunenummer")
    assert math.isnan(row.loc["1151", "cases"]) and row.loc["1151", "cases_suppressed"]
    assert math.isnan(row.loc["1151", "incidence"])
    assert row.loc["0301", "cases"] == 120 and not row.loc["0301", "cases_suppressed"]
    assert row.loc["3201", "cases"] == 0  # zero is not a small number
    assert 3 not in out["cases"].tolist()


def test_small_numbers_for_own_kommune_only() -> None:
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


def test_secondary_suppression_when_a_total_would_reveal_one_hidden_cell() -> None:
    frame = pd.DataFrame(
        {
            "kommunenummer": ["a", "b", "c", "d"],
            "fylkesnummer": ["01", "01", "02", "02"],
            "cases": [3, 50, 40, 60],
        }
    )
    scope = Scope(user_id="ks", role="ks_analytiker", small_numbers=False)
    out = protect(frame, scope=scope, counts=["cases"], secondary_groups=[None, "fylkesnummer"])
    hidden = dict(zip(out["kommunenummer"], out["cases_suppressed"], strict=True))
    # "a" is small; "b" would give it away through the county-01 total and is hidden too.
    assert hidden == {"a": True, "b": True, "c": False, "d": False}
    # the national total minus visible cells now covers two hidden cells, not one
    assert out["cases"].isna().sum() == 2


def test_no_secondary_suppression_when_nothing_is_hidden() -> None:
    frame = pd.DataFrame({"kommunenummer": ["a", "b"], "cases": [30, 50]})
    scope = Scope(user_id="ks", role="ks_analytiker")
    out = protect(frame, scope=scope, counts=["cases"], secondary_groups=[None])
    assert not out["cases_suppressed"].any()
