"""protect() works on arrays for speed; it must hide exactly what the column-by-column
implementation hides (kept as the fallback for frames with repeated labels)."""

import numpy as np
import pandas as pd
import pytest

from data.protection import _protect_frame, protect
from data.scope import Scope

SCOPES = [
    Scope(user_id="ks", role="ks_analytiker", small_numbers=False),
    Scope.full(),
    Scope(
        user_id="lege",
        role="kommuneoverlege",
        kommuner=frozenset({"a", "b", "c"}),
        small_numbers=True,
        small_number_kommuner=frozenset({"b"}),
    ),
]


def _random_frame(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kommunenummer": rng.choice(["a", "b", "c", "d"], rows),
            "fylkesnummer": rng.choice(["01", "02", "03"], rows),
            "dose": rng.integers(1, 4, rows),
            "cases": rng.choice([0, 1, 2, 3, 4, 5, 7, 12, 40], rows),
            "tests": rng.choice([0, 3, 6, 9, 30, 200], rows).astype("float64"),
            "rate": rng.random(rows),
        }
    )


@pytest.mark.parametrize("seed", range(40))
def test_array_protection_hides_what_the_column_version_hides(seed: int) -> None:
    rng = np.random.default_rng(seed)
    frame = _random_frame(rng, int(rng.integers(0, 30)))
    if seed % 5 == 0 and len(frame):
        frame.loc[frame.index[0], "tests"] = np.nan
    groups_choices = [
        None,
        [None],
        ["fylkesnummer"],
        [None, "fylkesnummer"],
        ["dose", "fylkesnummer"],
    ]
    for scope in SCOPES:
        for groups in groups_choices:
            for column, area in (("kommunenummer", None), (None, "b"), (None, None)):
                kwargs = dict(
                    scope=scope,
                    counts=["cases", "tests"],
                    rates={"rate": ["cases"]},
                    kommune_column=column,
                    area_code=area,
                    secondary_groups=groups,
                )
                fast = protect(frame, **kwargs)  # type: ignore[arg-type]
                slow = _protect_frame(frame, **kwargs)  # type: ignore[arg-type]
                pd.testing.assert_frame_equal(fast, slow)


def test_input_frame_is_not_changed() -> None:
    frame = pd.DataFrame({"kommunenummer": ["a", "b"], "cases": [2, 30]})
    before = frame.copy()
    out = protect(frame, scope=SCOPES[0], counts=["cases"])
    pd.testing.assert_frame_equal(frame, before)
    assert out["cases_suppressed"].tolist() == [True, False]


def test_existing_flags_are_replaced_in_place() -> None:
    frame = pd.DataFrame(
        {"kommunenummer": ["a", "b"], "cases": [2, 30], "cases_suppressed": [False, False]}
    )
    kwargs = dict(scope=SCOPES[0], counts=["cases"])
    pd.testing.assert_frame_equal(protect(frame, **kwargs), _protect_frame(frame, **kwargs))  # type: ignore[arg-type]
