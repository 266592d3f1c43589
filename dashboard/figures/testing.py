"""Testing figures, and the comparison builders shared by the situation pages (testing,
vaccination, hospital): the kommune against its county and the whole country."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting
from dashboard.figures.core import (
    FYLKE_COLOUR,
    KOMMUNE_COLOUR,
    NATION_COLOUR,
    base_layout,
    incomplete_marking,
    paper_note,
    plain_figure,
    time_layout,
)
from dashboard.figures.theme import COLOURS
from dashboard.i18n import N_, _, plotly_separators

PCR_COLOUR = COLOURS["kommune"]
ANTIGEN_COLOUR = COLOURS["kommune_light"]
POSITIVE_COLOUR = COLOURS["fylke"]
# Kommune, fylke, nation: told apart by colour, line style and marker, never colour alone.
AREA_STYLES = (
    dict(colour=KOMMUNE_COLOUR, dash="solid", width=3, symbol="circle"),
    dict(colour=FYLKE_COLOUR, dash="dash", width=2, symbol="diamond"),
    dict(colour=NATION_COLOUR, dash="dot", width=2, symbol="square"),
)
Areas = list[tuple[str, pd.DataFrame]]
# "5 000", not "5k": no SI suffixes on Norwegian axes
NUMBER_TICKS: dict[str, Any] = {"exponentformat": "none", "separatethousands": True}


def panel_trace(label: str, i: int, col: int, suffix: str, **trace: Any) -> dict[str, Any]:
    """Area ``i``'s scatter trace (kommune, county, nation) in the small-multiples panel
    ``suffix`` of column ``col``: the areas keep their order in the legend, one entry each
    (with the first column's traces) that shows or hides the area in every panel."""
    return dict(
        type="scatter",
        xaxis=f"x{suffix}",
        yaxis=f"y{suffix}",
        name=label,
        legendrank=i + 1,
        legendgroup=label,
        showlegend=col == 0,
        **trace,
    )


@dataclass(frozen=True)
class Measure:
    """One value column and how to show it: ``scale`` × value, ``decimals``, ``suffix``."""

    column: str
    title: str
    scale: float = 1.0
    decimals: int = 1
    suffix: str = ""
    range: tuple[float, float] | None = None  # fixed axis range (after scaling)


DAY_MS = 86_400_000
# The range buttons that _time_layout (figures/core.py) adds, marked for translation
RANGE_BUTTON_LABELS = (N_("3 mnd"), N_("1 år"), N_("Alt"))


def localise(fig: go.Figure) -> None:
    """Number separators and range buttons of a time figure in the reader's language."""
    fig.update_layout(separators=plotly_separators())
    buttons = fig.layout.xaxis.rangeselector.buttons or ()
    if buttons:
        fig.update_xaxes(
            rangeselector=dict(
                buttons=[{**b.to_plotly_json(), "label": _(b.label)} for b in buttons]
            )
        )


def _days(frame: pd.DataFrame) -> dict[str, Any]:
    """The x of a daily series: a start and a step when every day is there (no date array in
    the JSON), else the ISO dates."""
    dates = frame["date"].to_numpy(dtype="datetime64[D]")
    if len(dates) == 0:
        return {"x": []}
    if (np.diff(dates) == np.timedelta64(1, "D")).all():
        return {"x0": str(dates[0]), "dx": DAY_MS}
    return {"x": np.asarray([str(d) for d in dates], dtype=object)}


def _values(values: pd.Series, scale: float) -> np.ndarray:
    # float32 arrays travel as compact typed arrays; NaN (withheld or undefined) draws as a gap
    return (pd.to_numeric(values, errors="coerce").to_numpy("float64") * scale).astype("float32")


def comparison_lines(areas: Areas, measure: Measure, *, title: str) -> dict[str, Any]:
    """One measure over time for the kommune, its county and the nation (in that order), as
    plain figure JSON; the kommune's test dates not yet complete shaded (a ``complete``
    column, :func:`~dashboard.figures.core.incomplete_marking`)."""
    fmt = f"%{{y:.{measure.decimals}f}}{measure.suffix}"
    traces = []
    for i, (label, frame) in reversed(list(enumerate(areas))):  # kommune drawn on top
        style = AREA_STYLES[i % len(AREA_STYLES)]
        traces.append(
            dict(
                type="scatter",
                **_days(frame),
                y=_values(frame[measure.column], measure.scale),
                name=label,
                legendrank=i + 1,
                mode="lines",
                connectgaps=False,
                line=dict(color=style["colour"], width=style["width"], dash=style["dash"]),
                hovertemplate=f"{label}: {fmt}<extra></extra>",
            )
        )
    layout = _time_axes(time_layout(title=title, yaxis_title=measure.title), measure)
    # the windows ending on an incomplete test date are incomplete too: the kommune's shading
    incomplete_marking(layout, *(frame for _label, frame in areas[:1]))
    return plain_figure(traces, layout)


def _time_axes(layout: dict[str, Any], measure: Measure | None = None) -> dict[str, Any]:
    layout["xaxis"]["type"] = "date"  # x0/dx carry no type of their own
    layout["yaxis"].update(NUMBER_TICKS)
    if measure is not None and measure.suffix.strip() == "%":
        layout["yaxis"]["ticksuffix"] = " %"
    return layout


def panels(titles: list[str], *, gap: float = 0.05) -> dict[str, Any]:
    """Layout of side-by-side panels sharing the y axis (what ``make_subplots`` builds, in one
    dict: make_subplots costs tens of milliseconds per figure)."""
    n = len(titles)
    width = (1 - gap * (n - 1)) / n
    layout: dict[str, Any] = {"annotations": []}
    for i, title in enumerate(titles):
        suffix = "" if i == 0 else str(i + 1)
        left = i * (width + gap)
        layout[f"xaxis{suffix}"] = {"domain": [left, left + width], "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}"}
        if i:
            layout[f"yaxis{suffix}"].update(matches="y", showticklabels=False)
        layout["annotations"].append(
            dict(
                text=title,
                x=left + width / 2,
                y=1.0,
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=13),
            )
        )
    return layout


def age_comparison(
    areas: Areas, measures: list[Measure], *, title: str, bands: list[str]
) -> dict[str, Any]:
    """Dot plot by age band, one panel per measure; one marker style per area.

    Each frame in ``areas`` has ``age_band`` and the measures' columns; withheld values (NaN)
    are left out rather than drawn as 0.
    """
    layout = panels([m.title for m in measures], gap=0.06)
    traces = []
    for col, measure in enumerate(measures):
        suffix = "" if col == 0 else str(col + 1)
        fmt = f"%{{x:.{measure.decimals}f}}{measure.suffix}"
        for i, (label, frame) in reversed(list(enumerate(areas))):  # kommune drawn on top
            style = AREA_STYLES[i % len(AREA_STYLES)]
            ordered = frame.set_index("age_band").reindex(bands)
            traces.append(
                panel_trace(
                    label,
                    i,
                    col,
                    suffix,
                    x=_values(ordered[measure.column], measure.scale),
                    y=bands,
                    mode="markers",
                    marker=dict(
                        color=style["colour"],
                        symbol=style["symbol"],
                        size=11 if i == 0 else 9,
                        line=dict(width=1, color=COLOURS["background"]),
                    ),
                    hovertemplate=_("{label}, %{{y}} år: {value}", label=label, value=fmt)
                    + "<extra></extra>",
                )
            )
        layout[f"xaxis{suffix}"].update(
            rangemode="tozero",
            gridcolor=COLOURS["grid"],
            zeroline=True,
            nticks=4,
            **NUMBER_TICKS,
            ticksuffix=" %" if measure.suffix.strip() == "%" else "",
        )
        if measure.range is not None:
            layout[f"xaxis{suffix}"]["range"] = list(measure.range)
        layout[f"yaxis{suffix}"].update(
            autorange="reversed", type="category", gridcolor=COLOURS["grid_light"], ticksuffix=" "
        )
    layout["yaxis"]["title"] = {"text": _("Alder")}
    layout.update(
        base_layout(
            title,
            height=420,
            margin=dict(l=60, r=10, t=70, b=40),
            legend=dict(orientation="h", y=-0.12),
            hovermode="closest",
        )
    )
    return plain_figure(traces, layout)


HIDDEN_COLOUR = COLOURS["withheld"]


def suppressed_flags(frame: pd.DataFrame, *columns: str) -> np.ndarray:
    """How many of ``columns`` are withheld (1–4) on each row (0 where the flags are absent)."""
    out = np.zeros(len(frame), dtype="int64")
    for column in columns:
        name = f"{column}_suppressed"
        if name in frame:
            out += frame[name].eq(True).to_numpy()
    return out


def hidden_bars(
    days: dict[str, Any], hidden: np.ndarray
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The trace and the note of :func:`add_hidden_bars`, as dicts (none when nothing is
    withheld)."""
    if not hidden.any():
        return [], []
    bar = dict(
        type="bar",
        **days,
        y=np.where(hidden > 0, 4.0 * hidden, np.nan).astype("float32"),
        name=_("1–4 (skjult)"),
        marker=dict(color=HIDDEN_COLOUR, pattern=dict(shape="/", fgcolor=COLOURS["border"])),
        hovertemplate=_("1–4 (skjult for din rolle)") + "<extra></extra>",
    )
    note = paper_note(
        _("Grå skravur: dager med 1–4, skjult for din rolle"),
        1,
        1.02,
        xanchor="right",
        yanchor="bottom",
    )
    return [bar], [note]


def add_hidden_bars(fig: go.Figure, days: dict[str, Any], hidden: np.ndarray) -> None:
    """Mark days whose count is withheld as hatched grey bars of height 4 (the upper bound),
    so that a hidden day does not read as a day with nothing; adds a short note."""
    bars, notes = hidden_bars(days, hidden)
    for bar in bars:
        fig.add_trace(bar)
    for note in notes:
        fig.add_annotation(**note)


def daily_bars_figure(
    series: pd.DataFrame,
    *,
    bars: list[tuple[str, str, str, str]],
    line: tuple[str, str, dict[str, Any], str],
    hidden: np.ndarray,
    title: str,
    yaxis_title: str,
    barmode: str,
) -> dict[str, Any]:
    """Daily counts as bars, withheld days as hatched bars, and one line over them (plain
    figure JSON). ``bars``: (column, name, colour, hover template) each; ``line``: (column,
    name, line style, hover template); ``hidden``: the withheld days (see :func:`hidden_bars`)."""
    days = _days(series)
    hidden_traces, notes = hidden_bars(days, hidden)
    column, name, style, hover = line
    traces = [
        *(
            dict(
                type="bar",
                **days,
                y=_values(series[c], 1),
                name=n,
                marker=dict(color=colour),
                hovertemplate=h + "<extra></extra>",
            )
            for c, n, colour, h in bars
        ),
        *hidden_traces,
        dict(
            type="scatter",
            **days,
            y=_values(series[column], 1),
            name=name,
            mode="lines",
            line=style,
            hovertemplate=hover + "<extra></extra>",
        ),
    ]
    layout = _time_axes(time_layout(title=title, yaxis_title=yaxis_title))
    if notes:
        layout["annotations"] = notes
    incomplete_marking(layout, series)  # a series by test date: its incomplete last days
    layout.update(barmode=barmode, bargap=0)
    return plain_figure(traces, layout)


def tests_per_day_figure(series: pd.DataFrame, *, title: str) -> dict[str, Any]:
    """Test events per sample date, stacked by test type, with positive test events as a line
    (plain figure JSON).

    ``series`` columns: date, tests_pcr, tests_antigen, positive (and ``_suppressed`` flags:
    withheld days are drawn as hatched bars).
    """
    return daily_bars_figure(
        series,
        bars=[
            ("tests_pcr", _("PCR"), PCR_COLOUR, _("PCR: %{y}")),
            ("tests_antigen", _("Antigen"), ANTIGEN_COLOUR, _("Antigen: %{y}")),
        ],
        line=(
            "positive",
            _("Positive"),
            dict(color=POSITIVE_COLOUR, width=1.5),
            _("Positive: %{y}"),
        ),
        hidden=suppressed_flags(series, "tests_pcr", "tests_antigen"),
        title=title,
        yaxis_title=_("Testhendelser"),
        barmode="stack",
    )


SENTINEL_COLOUR = COLOURS["land"]  # the country's series, dotted
MAX_WEEKS_LISTED = 8  # of the weeks ERVISS did not report, named under the figure


def with_sentinel(fig: Any, weekly: pd.DataFrame, *, source: str) -> Any:
    """``fig`` (a positivity figure in %, plain JSON or a go.Figure) with Norway's weekly
    sentinel positivity from ERVISS as a national line (``weekly``: date, positivity; NaN =
    not reported, drawn as a gap and named «ikke rapportert» under the figure). Unchanged
    when there is no such series for the period."""
    if weekly.empty:
        return fig
    name = _("Norge, ERVISS sentinel (uke)")
    values = weekly["positivity"].astype("float64")
    missing = values.isna().to_numpy()
    trace = dict(
        type="scatter",
        x=[d.date().isoformat() for d in weekly["date"]],
        y=[None if pd.isna(v) else round(float(v), 1) for v in values],
        text=[
            _("ikke rapportert") if pd.isna(v) else f"{formatting.number(float(v), 1)} %"
            for v in values
        ],
        name=name,
        mode="lines+markers",
        connectgaps=False,
        line=dict(color=SENTINEL_COLOUR, width=1.5, dash="dot"),
        marker=dict(size=4),
        hovertemplate=f"{name}: %{{text}}<extra></extra>",
    )
    weeks = [f"{d.isocalendar()[1]}" for d in weekly["date"][missing]]
    note = _("Landet: ERVISS sentinelpositivitet per uke. Kilde: {kilde}.", kilde=source)
    if weeks:
        listed = ", ".join(weeks[:MAX_WEEKS_LISTED]) + (
            " …" if len(weeks) > MAX_WEEKS_LISTED else ""
        )
        note = f"{note} " + _("Uke {uker}: ikke rapportert.", uker=listed)
    annotation = dict(
        text=note,
        xref="paper",
        yref="paper",
        x=0,
        y=-0.22,
        showarrow=False,
        xanchor="left",
        font=dict(size=10),
        name="sentinel-note",
    )
    if isinstance(fig, go.Figure):
        fig.add_trace(go.Scatter(**{k: v for k, v in trace.items() if k != "type"}))
        fig.add_annotation(**annotation)
        fig.update_layout(margin=dict(b=90))
        return fig
    fig["data"].append(trace)
    layout = fig["layout"]
    layout["annotations"] = [*layout.get("annotations", []), annotation]
    layout["margin"] = {**layout.get("margin", {}), "b": 90}
    return fig
