"""protect() on frames with repeated labels gives what it gives on the same frame with unique
labels, and leaves its input alone."""

import numpy as np
import pandas as pd

from data.protection import protect
from data.scope import Scope

ANALYST = Scope(user_id="ks", role="ks_analytiker", small_numbers=False)


def test_repeated_labels_are_protected_like_unique_ones(settings) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "kommunenummer": rng.choice(["0301", "4601", "1151"], 40),
            "cases": rng.choice([0, 1, 2, 3, 4, 5, 7, 12, 40], 40),
            "rate": rng.random(40),
        }
    )
    repeated = frame.set_axis([0] * 20 + list(range(1, 21)), axis=0)
    kwargs = dict(scope=ANALYST, counts=["cases"], rates={"rate": ["cases"]})
    unique = protect(frame, **kwargs)  # type: ignore[arg-type]
    got = protect(repeated, **kwargs)  # type: ignore[arg-type]
    assert list(got.index) == list(repeated.index)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), unique.reset_index(drop=True))


def test_input_frame_is_not_changed(settings) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame({"kommunenummer": ["a", "b"], "cases": [2, 30]})
    before = frame.copy()
    out = protect(frame, scope=ANALYST, counts=["cases"])
    pd.testing.assert_frame_equal(frame, before)
    assert out["cases_suppressed"].tolist() == [True, False]


def test_existing_flags_are_replaced_in_place(settings) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(
        {"kommunenummer": ["a", "b"], "cases": [2, 30], "cases_suppressed": [False, False]}
    )
    out = protect(frame, scope=ANALYST, counts=["cases"])
    assert list(out.columns) == ["kommunenummer", "cases", "cases_suppressed"]
    assert out["cases_suppressed"].tolist() == [True, False]
