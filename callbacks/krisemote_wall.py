"""Krisemøte's first panel: the whole wall (1920×1080) at once.

Key numbers across the top; the 120-day chart, whose gaps are named (a week without a line is
a withheld count, "skjult: for få tilfeller", shaded and listed under the chart); beside it
what changed since the last meeting, the neighbours and the rules that start this week. Every
number comes from the same reads as the Morgenbrief (:mod:`dashboard.briefing`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from dash import html

from dashboard import formatting
from dashboard.briefing import Indicator, neighbour_table, rule_sentences
from dashboard.definitions import trend_label
from dashboard.i18n import _
from data.queries import rules as rule_queries
from data.scope import Scope

# the numbers compared with the last meeting, in this order
SINCE_KEYS = ("incidence_7d", "cases_7d", "admissions_7d", "positivity_7d", "active_clusters")
NEIGHBOURS_SHOWN = 5
RULES_SHOWN = 4


def hidden_spans(own: pd.DataFrame) -> list[tuple[dt.date, dt.date]]:
    """Runs of days on which the kommune's 7-day count is withheld (no line is drawn)."""
    frame = own.sort_values("date")
    hidden = frame["cases_7d"].isna()
    if "cases_7d_suppressed" in frame.columns:
        hidden |= frame["cases_7d_suppressed"].fillna(False).astype(bool)
    spans: list[tuple[dt.date, dt.date]] = []
    start = previous = None
    for day, off in zip(pd.to_datetime(frame["date"]).dt.date, hidden, strict=True):
        if off and start is None:
            start = day
        if not off and start is not None and previous is not None:
            spans.append((start, previous))
            start = None
        previous = day
    if start is not None and previous is not None:
        spans.append((start, previous))
    return spans


def shade_gaps(fig: Any, spans: list[tuple[dt.date, dt.date]]) -> None:
    """A grey band over each withheld stretch, the first one labelled."""
    for i, (start, end) in enumerate(spans):
        label: dict[str, Any] = {}
        if i == 0:  # once: a label on every band would crowd the chart
            label = dict(
                annotation_text=_("skjult: for få tilfeller"),
                annotation_position="top left",
                annotation_font=dict(size=18, color="#FFFFFF"),
            )
        fig.add_vrect(
            x0=start.isoformat(),
            x1=(end + dt.timedelta(days=1)).isoformat(),
            fillcolor="#9e9e9e",
            opacity=0.25,
            line_width=0,
            name="withheld",  # apart from the incomplete last days' band ("incomplete")
            **label,
        )


def gap_note(spans: list[tuple[dt.date, dt.date]], name: str) -> html.Div:
    if not spans:
        text = _("Linjen for {kommune} er hel: ingen dager er skjult.", kommune=name)
    else:
        periods = ", ".join(
            formatting.date_short(a)
            if a == b
            else f"{formatting.date_short(a)}–{formatting.date_short(b)}"
            for a, b in spans
        )
        text = _(
            "Der linjen for {kommune} mangler, er tallet skjult: for få tilfeller (1–4) til å "
            "vises for rollen din. Skjult: {perioder}.",
            kommune=name,
            perioder=periods,
        )
    return html.Div(text, className="krise-gaps", id="krise-gaps")


def _box(title: str, body: Any, box_id: str) -> html.Section:
    return html.Section(
        [html.H3(title, className="krise-box-title"), body], className="krise-box", id=box_id
    )


def since_box(today: dict[str, Indicator], before: dict[str, Indicator], since: dt.date) -> Any:
    """The kommune's own numbers now and at the last meeting (the same reads)."""
    lines = []
    for key in SINCE_KEYS:
        now, then = today.get(key), before.get(key)
        if now is None or then is None:
            continue
        lines.append(
            html.Li(
                [
                    html.Span(now.label + ": ", className="krise-since-label"),
                    html.Span(f"{then.display_percent()} → {now.display_percent()}"),
                ]
            )
        )
    trend_now, trend_then = today.get("trend"), before.get("trend")
    if trend_now is not None and trend_then is not None:
        lines.append(
            html.Li(
                [
                    html.Span(_("Trend") + ": ", className="krise-since-label"),
                    html.Span(f"{trend_label(trend_then.code)} → {trend_label(trend_now.code)}"),
                ]
            )
        )
    title = _("Siden forrige møte ({dato})", dato=formatting.date_short(since))
    return _box(title, html.Ul(lines, className="krise-list"), "krise-since")


def neighbours_box(*, scope: Scope, kommunenummer: str, date: dt.date) -> Any:
    table = neighbour_table(scope=scope, kommunenummer=kommunenummer, date=date)
    if table.empty:
        body: Any = html.P(_("Ingen nabokommuner å vise."), className="krise-list")
    else:
        table = table.sort_values("incidence_7d", ascending=False, na_position="last")
        rows = [
            html.Tr(
                [
                    html.Td(r.name),
                    html.Td(formatting.number(r.incidence_7d, 1), className="text-end"),
                    html.Td(trend_label(r.trend)),
                ]
            )
            for r in table.head(NEIGHBOURS_SHOWN).itertuples()
        ]
        names = (_("Kommune"), _("7-d insidens"), _("Trend"))
        head = html.Thead(
            html.Tr(
                [html.Th(n, className="text-end" if i == 1 else None) for i, n in enumerate(names)]
            )
        )
        body = html.Table([head, html.Tbody(rows)], className="krise-table")
    return _box(_("Nabokommuner"), body, "krise-neighbours")


def rules_box(*, scope: Scope, kommunenummer: str, date: dt.date) -> Any:
    """Rule changes that take effect this ISO week (Monday to Sunday) for the kommune."""
    monday = date - dt.timedelta(days=date.weekday())
    changes = rule_queries.rules_upcoming(
        scope=scope, kommunenummer=kommunenummer, date=monday - dt.timedelta(days=1), days=7
    )
    sentences = rule_sentences(changes, dated=True)
    if not sentences:
        body: Any = html.P(_("Ingen regelendringer denne uken."), className="krise-list")
    else:
        items = [html.Li(s) for s in sentences[:RULES_SHOWN]]
        if len(sentences) > RULES_SHOWN:
            more = len(sentences) - RULES_SHOWN
            items.append(html.Li(_("… og {n} til (se siden Regler).", n=more)))
        body = html.Ul(items, className="krise-list")
    title = _("Regler som starter denne uken (uke {uke})", uke=date.isocalendar()[1])
    return _box(title, body, "krise-rules")


__all__ = [
    "gap_note",
    "hidden_spans",
    "neighbours_box",
    "rules_box",
    "shade_gaps",
    "since_box",
]
