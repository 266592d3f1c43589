"""Figures of the Innreise page: the follow-up funnel and arrivals per day by a category.

Figures are built from one dict each (not trace by trace through ``update_*``): plotly
validates a whole figure in one pass, which keeps the page's callback within its time budget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard import formatting
from dashboard.figures.core import KOMMUNE_COLOUR, base_layout, day_span, paper_note, plain_figure
from dashboard.figures.theme import COLOURS, QUALITATIVE
from dashboard.i18n import _, get_language

# Qualitative, distinguishable in print and for the common colour-vision deficiencies
# (Okabe–Ito), grey last for "Andre".
CATEGORY_COLOURS = QUALITATIVE[:7]
OTHERS_COLOUR = COLOURS["others"]
FUNNEL_COLOURS = QUALITATIVE[:5]


def d3_date(kind: str = "date") -> str:
    """A plotly (d3) date format in the reader's language, as :mod:`dashboard.formatting`
    writes dates: "date" 02.11.2026 / 02/11/2026, "day" 02.11 / 02/11, "month" 11.2026 /
    11/2026 (numeric: month names would follow the browser's plotly locale)."""
    sep = "/" if get_language() == "en" else "."
    return {"date": "%d{0}%m{0}%Y", "day": "%d{0}%m", "month": "%m{0}%Y"}[kind].format(sep)


def percent(value: float | None, decimals: int = 1) -> str:
    """A share (0–1) as Norwegian percent text, "–" when unknown."""
    if value is None or pd.isna(value):
        return "–"
    return f"{formatting.number(float(value) * 100, decimals)}\u00a0%"


def note(text: str, *, corner: bool = False) -> dict[str, Any]:
    """An annotation: a message in the middle of an empty figure, or a small corner note."""
    if corner:
        return paper_note(text, 1, 1.1, xanchor="right")
    return paper_note(text, 0.5, 0.5, size=14, bgcolor=COLOURS["background"])


def funnel_figure(
    funnel: pd.DataFrame,
    *,
    stage_labels: Mapping[str, str],
    base_labels: Mapping[str, str],
    title: str,
) -> dict[str, Any]:
    """The follow-up funnel with count and share on every stage.

    ``funnel`` columns: stage, count, suppressed, base, share, share_suppressed (from
    :func:`dashboard.metrics.arrivals.funnel`).
    """
    # The count and share sit in the stage label, so that a stage with 0 or a withheld
    # count (drawn without a bar) still says what it is.
    labels, texts = [], []
    for row in funnel.itertuples(index=False):
        value = formatting.count(row.count, suppressed=bool(row.suppressed))
        stage = _(stage_labels[row.stage]) if row.stage in stage_labels else row.stage
        if row.stage == "registered":
            text = f"<b>{value}</b>"
        else:
            share = _("skjult") if row.share_suppressed else percent(row.share)
            base = _(base_labels[row.base]) if row.base in base_labels else ""
            text = f"<b>{value}</b> · {share} {base}"
        labels.append(f"{stage}<br>{text}")
        texts.append(text)
    values = [0 if pd.isna(v) else float(v) for v in funnel["count"]]
    annotations = []
    if not any(values):
        hidden = bool(funnel["suppressed"].any())
        annotations.append(
            note(_("Tallene er 1–4 og vises ikke") if hidden else _("Ingen registrerte ankomster"))
        )
    trace = dict(
        type="funnel",
        y=labels,
        x=values,
        text=texts,
        textinfo="none",
        hoverinfo="y",
        marker=dict(color=list(FUNNEL_COLOURS[: len(labels)])),
        connector=dict(line=dict(color=COLOURS["withheld"], width=1)),
    )
    layout = base_layout(
        title,
        margin=dict(l=10, r=10, t=50, b=20),
        showlegend=False,
        xaxis=dict(visible=False),
        # an empty list is left out, as go.Figure left it out
        **({"annotations": annotations} if annotations else {}),
    )
    return plain_figure([trace], layout)


def daily_by_figure(
    daily: pd.DataFrame,
    *,
    title: str,
    category_labels: Mapping[str, str] | None = None,
    window: tuple[dt.date, dt.date] | None = None,
    others: str = "Andre",
) -> dict[str, Any]:
    """Stacked bars of arrivals per day by category, the funnel window shaded.

    ``daily`` columns: date, category, arrivals (NaN where withheld), arrivals_suppressed.
    Categories are drawn in the order they first appear.
    """
    names = category_labels or {}
    traces = []
    colour_index = 0
    for category, rows in daily.groupby("category", sort=False):
        label = _(names[str(category)]) if str(category) in names else str(category)
        if category == others:
            label = _("Andre")
        if category == others:
            colour = OTHERS_COLOUR
        else:
            colour = CATEGORY_COLOURS[colour_index % len(CATEGORY_COLOURS)]
            colour_index += 1
        hidden = rows["arrivals_suppressed"].astype(bool)
        text = [
            "1–4" if h else formatting.number(v)
            for v, h in zip(rows["arrivals"], hidden, strict=True)
        ]
        traces.append(
            dict(
                type="bar",
                x=rows["date"].to_numpy(),
                y=rows["arrivals"].to_numpy(),
                name=label,
                marker=dict(color=colour),
                customdata=text,
                hovertemplate=f"{label}: %{{customdata}}<extra></extra>",
            )
        )
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if window is not None:
        band, window_label = day_span(
            window[0], window[1], _("Vindu"), colour=KOMMUNE_COLOUR, opacity=0.08, at="left"
        )
        shapes.append(band)
        annotations.append(window_label)
    visible = pd.to_numeric(daily["arrivals"], errors="coerce").fillna(0)
    hidden_any = bool(daily["arrivals_suppressed"].astype(bool).any())
    if not (visible > 0).any():
        annotations.append(
            note(_("Alle dagstall er 1–4 og vises ikke") if hidden_any else _("Ingen ankomster"))
        )
    elif hidden_any:
        annotations.append(note(_("Dagstall 1–4 vises ikke"), corner=True))
    layout = base_layout(
        title,
        barmode="stack",
        bargap=0.15,
        legend=dict(orientation="h", y=-0.15, traceorder="normal"),
        hovermode="x unified",
        shapes=shapes,
        annotations=annotations,
        yaxis=dict(title=dict(text=_("Ankomster")), gridcolor=COLOURS["grid"], rangemode="tozero"),
        # numeric dates: month names would follow the browser's plotly locale, not Norwegian
        xaxis=dict(
            gridcolor=COLOURS["grid_light"], hoverformat=d3_date(), tickformat=d3_date("day")
        ),
    )
    return plain_figure(traces, layout)


__all__ = ["base_layout", "d3_date", "daily_by_figure", "funnel_figure", "note", "percent"]
