"""One plotly template and named colours for every chart (dashboard/figures/theme.py)."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import figures
from dashboard.figures import theme

FIGURES_DIR = Path(figures.__file__).parent
HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")


def _luminance(colour: str) -> float:
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_app_template_is_the_default() -> None:
    assert pio.templates.default == theme.TEMPLATE
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    assert fig.layout.template.layout.colorway == theme.QUALITATIVE


def test_the_template_is_lean() -> None:
    """plotly.py copies the default template into every figure sent to the browser."""
    ours = len(go.Figure(layout=dict(template=theme.TEMPLATE)).to_json())
    builtin = len(go.Figure(layout=dict(template="plotly")).to_json())
    print(f"empty figure JSON: {ours} bytes with our template, {builtin} with plotly's")
    assert ours < builtin / 3


def test_no_hard_coded_colours_in_figure_builders() -> None:
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(FIGURES_DIR.glob("*.py"))
        if path.name != "theme.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HEX.search(line.split("#  ")[0]) or re.search(r"""color\w*=["'](white|black)""", line)
    ]
    assert not found, "use dashboard.figures.theme colours:\n" + "\n".join(found)


def test_geography_colours_are_fixed_and_distinct() -> None:
    kommune, fylke, land = (c for c, _w, _d in theme.GEOGRAPHY_LINES)
    assert (kommune, fylke, land) == (
        theme.COLOURS["kommune"],
        theme.COLOURS["fylke"],
        theme.COLOURS["land"],
    )
    assert kommune == figures.KOMMUNE_COLOUR and fylke == figures.FYLKE_COLOUR
    # also apart without colour: line width and dash differ
    assert len({(w, d) for _c, w, d in theme.GEOGRAPHY_LINES}) == 3


@pytest.mark.parametrize("name", ["kommune", "fylke", "land", "alert", "muted_text"])
def test_lines_and_text_contrast_with_white(name: str) -> None:
    """WCAG 1.4.11 (graphics, 3:1); muted text inside figures 4.5:1."""
    needed = 4.5 if name == "muted_text" else 3.0
    assert _contrast(theme.COLOURS[name], "#FFFFFF") >= needed


def test_colour_scales_run_from_0_to_1_and_sequential_gets_darker() -> None:
    for scale in theme.COLORSCALES.values():
        stops = [s for s, _c in scale]
        assert stops[0] == 0 and stops[-1] == 1 and stops == sorted(stops)
    lum = [_luminance(c) for _s, c in theme.SEQUENTIAL]
    assert lum == sorted(lum, reverse=True)
    assert figures.MAP_COLORSCALE == theme.SEQUENTIAL


def test_unknown_colour_name_is_an_error() -> None:
    with pytest.raises(KeyError):
        theme.colour("hot-pink")
