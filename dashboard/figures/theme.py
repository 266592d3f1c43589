"""One look for every chart: the plotly template "situasjonsbilde" and named, colour-blind-safe
colours.

- Qualitative colours are Okabe & Ito's (2008) palette, safe for the common colour-vision
  deficiencies; the same geography always has the same colour on every page: own kommune blue,
  county vermillion, the country dark grey, neighbours in the remaining Okabe–Ito hues.
  Lines also differ in width and dash, so no series is told apart by colour alone.
- Maps: a sequential single-hue scale (ColorBrewer Purples, without the near-white end so that
  low values stay distinct from "no data") and a diverging scale (ColorBrewer PuOr) for change
  and ratio maps, centred on "no change".
- The template is lean on purpose: plotly.py copies the default template into every figure it
  sends to the browser, and the built-in "plotly" template is several kilobytes per figure.

Importing this module registers the template and makes it plotly's default (see
:func:`use`); ``dashboard.figures`` imports it, so every figure built in the app uses it.
A chart without data says why with :func:`dashboard.figures.core.message_figure` (its text is
also the chart's text alternative, see ``assets/charts.js``).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE = "situasjonsbilde"
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

# Okabe–Ito, by name
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Roles: one colour per meaning, the same on every page.
COLOURS: dict[str, str] = {
    "kommune": OKABE_ITO["blue"],  # the own / selected kommune
    "kommune_light": "#9CCBEA",  # bars behind the kommune's line (daily counts)
    "fylke": OKABE_ITO["vermillion"],  # the county
    "land": "#4D4D4D",  # the country (dark grey: also fine in black-and-white print)
    "alert": OKABE_ITO["vermillion"],  # alarms, thresholds crossed
    "accent": OKABE_ITO["orange"],
    "secondary": OKABE_ITO["sky_blue"],
    "positive": OKABE_ITO["bluish_green"],
    "others": "#9E9E9E",  # "others" / remainder groups
    "withheld": "#BDBDBD",  # small-number protected values
    "muted_text": "#555555",  # notes inside figures (7.5:1 on white)
    "annotation_bg": "rgba(255, 255, 255, 0.85)",
    "grid": "#E5E5E5",
    "grid_light": "#F0F0F0",
    "border": "#8A8A8A",  # map borders, connectors
    "background": "#FFFFFF",
    "transparent": "rgba(0,0,0,0)",
    "overlay": "rgba(20, 20, 20, 0.55)",  # map overlay markers: dark, see-through
    "nowcast": OKABE_ITO["reddish_purple"],  # the nowcast of the incomplete days (3:1 on white)
    "nowcast_band": "rgba(204, 121, 167, 0.25)",  # its interval: the same, see-through
}

# Krisemøte's wall screen: high contrast on black (the same roles, brighter hues).
WALL: dict[str, str] = {
    "background": "#000000",
    "text": "#FFFFFF",
    "grid": "#333333",
    "kommune": "#FFD54A",
    "fylke": "#4FC3F7",
    "land": "#FFFFFF",
}

# Neighbours and other comparison series, after kommune/fylke/land.
NEIGHBOURS: tuple[str, ...] = (
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)

# General-purpose order (categories without a fixed meaning).
QUALITATIVE: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)

# Kommune / fylke / land as (colour, width, dash): told apart without colour too.
GEOGRAPHY_LINES: tuple[tuple[str, int, str], ...] = (
    (COLOURS["kommune"], 3, "solid"),
    (COLOURS["fylke"], 2, "dash"),
    (COLOURS["land"], 2, "dot"),
)

# ColorBrewer Purples (9 classes) from class 2: low values stay visible against white.
SEQUENTIAL: list[list[Any]] = [
    [i / 7, c]
    for i, c in enumerate(
        ["#EFEDF5", "#DADAEB", "#BCBDDC", "#9E9AC8", "#807DBA", "#6A51A3", "#54278F", "#3F007D"]
    )
]
# ColorBrewer PuOr (9 classes), orange = decrease, purple = increase, centre light grey.
DIVERGING: list[list[Any]] = [
    [i / 8, c]
    for i, c in enumerate(
        [
            "#B35806",
            "#E08214",
            "#FDB863",
            "#FEE0B6",
            "#F7F7F7",
            "#D8DAEB",
            "#B2ABD2",
            "#8073AC",
            "#542788",
        ]
    )
]
COLORSCALES: dict[str, list[list[Any]]] = {"sequential": SEQUENTIAL, "diverging": DIVERGING}


def colour(name: str) -> str:
    """A named colour (raises KeyError for an unknown name: no silent fallback colour)."""
    return COLOURS[name]


def neighbour_colour(index: int) -> str:
    return NEIGHBOURS[index % len(NEIGHBOURS)]


def template() -> go.layout.Template:
    axis = dict(
        gridcolor=COLOURS["grid"],
        linecolor=COLOURS["border"],
        zeroline=False,
        ticks="outside",
        tickcolor=COLOURS["border"],
        automargin=True,
        title=dict(standoff=8),
    )
    return go.layout.Template(
        layout=dict(
            font=dict(family=FONT_FAMILY, size=13, color="#212529"),
            colorway=list(QUALITATIVE),
            colorscale=dict(sequential=SEQUENTIAL, diverging=DIVERGING),
            paper_bgcolor=COLOURS["transparent"],
            plot_bgcolor=COLOURS["background"],
            xaxis=axis,
            yaxis=axis,
            hoverlabel=dict(
                bgcolor=COLOURS["background"],
                bordercolor=COLOURS["border"],
                font=dict(family=FONT_FAMILY, size=13, color="#212529"),
                align="left",
            ),
            legend=dict(bgcolor=COLOURS["transparent"]),
            margin=dict(l=48, r=16, t=48, b=40),
            title=dict(x=0, xanchor="left", font=dict(size=15)),
        )
    )


def use() -> None:
    """Register the template and make it the default for every figure built in this process."""
    pio.templates[TEMPLATE] = template()
    pio.templates.default = TEMPLATE


use()
