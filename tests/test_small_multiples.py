"""The Kommuneoversikt's small multiples lay their panels out as plotly's make_subplots does
(shared x axes, titles over the panels), written out instead of built by make_subplots (which
took most of a new date's server time)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from plotly.subplots import make_subplots

from dashboard.figures.overview import small_multiples


def _close(a, b) -> bool:  # type: ignore[no-untyped-def]
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return bool(np.isclose(a, b))
    return bool(a == b)


@pytest.mark.parametrize("n", [12, 10, 5, 1])
def test_panels_sit_where_make_subplots_puts_them(n) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(n)
    kommuner = pd.DataFrame(
        {
            "kommunenummer": [f"{i:04d}" for i in range(20)],
            "name": [f"Kommune {i}" for i in range(20)],
            "population": rng.integers(1000, 50_000, 20),
            "rank": range(1, 21),
            "cases_7d": rng.integers(1, 100, 20),
        }
    )
    weekly = pd.DataFrame(
        {"kommunenummer": kommuner["kommunenummer"]}
        | {f"w{w}": rng.integers(0, 50, 20).astype(float) for w in range(8)}
    )
    figure = small_multiples(kommuner, weekly, weeks=8, reference=10.0, n=n).to_plotly_json()
    rows = -(-n // 4)
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert titles == [f"{i + 1}. Kommune {i}" for i in range(n)]
    oracle = make_subplots(
        rows=rows, cols=4, subplot_titles=titles, shared_xaxes=True, vertical_spacing=0.12
    ).to_plotly_json()["layout"]
    for name, axis in oracle.items():
        if name.startswith(("xaxis", "yaxis")):
            assert _close(figure["layout"][name], axis), (name, figure["layout"][name], axis)
    for ours, theirs in zip(figure["layout"]["annotations"], oracle["annotations"], strict=True):
        assert _close({**ours, "font": None}, {**theirs, "font": None})
    # each kommune's line in its own panel
    assert [t["xaxis"] for t in figure["data"]] == ["x"] + [f"x{i + 1}" for i in range(1, n)]
    assert [t["yaxis"] for t in figure["data"]] == ["y"] + [f"y{i + 1}" for i in range(1, n)]
