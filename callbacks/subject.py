"""Helpers the subject pages share (Testing, Vaksinasjon, Sykehus, Klynger): the source line,
numbers as text, comparison notes, the neighbour table, age labels, the areas' reads and the
national cards shown where a kommune has no data of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from callbacks.common import NATION_LABEL, Context, compare_line
from callbacks.subjects import SubjectPage, View
from dashboard import figures, formatting
from dashboard.definitions import DEMO_SOURCE, MetricDefinition
from dashboard.figures import testing as testing_figures
from dashboard.figures.testing import Measure
from dashboard.i18n import N_, _, ngettext
from data import indicators, queries
from data.codes import AGE_BANDS
from data.queries.completeness import case_completeness, mark_complete
from data.scope import Scope
from layouts.common import card_col
from layouts.subject_page import PageLayout, Part

HIDDEN = N_("skjult")


def source_line(context: Context, extra: str | None = None, *, default: str | None = None) -> str:
    """Data date, the date shown and the source: the demo label for demo data, else the
    loaded data's source, else ``default`` (an N_-marked source string)."""
    info = context.info
    origin = info.get("source") or (_(default) if default else _("importerte data"))
    text = _(
        "Data per {data_date}. Vist til og med {date}. Kilde: {source}.",
        data_date=formatting.date_short(info["data_date"]),
        date=formatting.date_short(context.date),
        source=_(DEMO_SOURCE) if info["is_demo"] else origin,
    )
    return f"{text} {extra}" if extra else text


def percent(value: float | None, decimals: int = 1, *, hidden: bool = False) -> str:
    """A share (0–1) as Norwegian percent text: "12,3 %"; "skjult" when withheld."""
    if hidden:
        return _(HIDDEN)
    text = formatting.number(None if value is None else float(value) * 100, decimals)
    return text if text == "–" else f"{text} %"


def rate(value: float | None, decimals: int = 1, *, hidden: bool = False) -> str:
    if hidden:
        return _(HIDDEN)
    return formatting.number(None if value is None else float(value), decimals)


def count(value: Any, suppressed: bool = False) -> str:
    if suppressed:
        return formatting.SUPPRESSED
    if value is None or pd.isna(value):
        return _(HIDDEN)
    return formatting.number(float(value))


Cell = Callable[[Mapping[str, Any]], str]


def count_of(key: str) -> Cell:
    """The count ``key`` of a published row or window (a mapping) as text, withheld where
    its ``<key>_suppressed`` flag says so: the one reading of the flag convention."""
    return lambda values: count(values[key], bool(values[f"{key}_suppressed"]))


def rate_of(key: str, decimals: int = 1) -> Cell:
    """The rate ``key`` as text, "skjult" where its ``<key>_hidden`` flag says so."""
    return lambda values: rate(values[key], decimals, hidden=bool(values[f"{key}_hidden"]))


def percent_of(key: str, decimals: int = 1) -> Cell:
    """The share ``key`` as percent text, "skjult" where its ``<key>_hidden`` flag says so."""
    return lambda values: percent(values[key], decimals, hidden=bool(values[f"{key}_hidden"]))


def compare_note(context: Context, fylke_text: str, nation_text: str) -> str:
    return compare_line(context.fylkesnavn, fylke_text, nation_text)


def neighbours(scope: Scope, kommunenummer: str) -> tuple[pd.DataFrame, int]:
    """The neighbours the user may compare the own kommune with, and how many were left out.
    Their rows are read with ``scope.comparison_for(kommunenummer)``: key numbers beside the
    own kommune's, protected; never their own pages."""
    frame = queries.neighbour_list(scope=scope, kommunenummer=kommunenummer)
    allowed = frame[
        frame["kommunenummer"].map(scope.comparison_for(kommunenummer).allows).astype(bool)
    ]
    return allowed.reset_index(drop=True), len(frame) - len(allowed)


def comparison_table(
    header: Sequence[str],
    rows: Sequence[tuple[str, Sequence[str], str]],
    *,
    table_id: str,
    left_out: int = 0,
    show_neighbour_note: bool = True,
) -> html.Div:
    """A compact table: a name column, then values; row kinds "own", "neighbour", "area"
    (and any other kind for plain rows)."""
    head = html.Thead(
        html.Tr(
            [html.Th(header[0], scope="col")]
            + [html.Th(h, scope="col", className="text-end") for h in header[1:]]
        )
    )
    body = []
    for name, values, kind in rows:
        cls = {"own": "fw-semibold table-primary", "area": "text-muted"}.get(kind, "")
        body.append(
            html.Tr(
                [html.Th(name, scope="row", className="fw-normal" if kind != "own" else "")]
                + [html.Td(v, className="text-end text-nowrap") for v in values],
                className=cls,
            )
        )
    parts: list[Any] = [
        dbc.Table(
            [head, html.Tbody(body)],
            size="sm",
            hover=True,
            responsive=True,
            className="mb-1",
            id=table_id,
        )
    ]
    if show_neighbour_note and not left_out and not any(r[2] == "neighbour" for r in rows):
        parts.append(
            html.Div(
                _("Kommunen har ingen nabokommuner over land, bro, tunnel eller ferje."),
                className="small",
            )
        )
    if left_out:
        parts.append(
            html.Div(
                ngettext(
                    "{n} nabokommune vises ikke fordi din rolle ikke har tilgang til den.",
                    "{n} nabokommuner vises ikke fordi din rolle ikke har tilgang til dem.",
                    left_out,
                    n=left_out,
                ),
                className="small text-muted",
            )
        )
    return html.Div(parts)


def age_label(band: str) -> str:
    return band.replace("-", "–")


AGE_LABELS = [age_label(b) for b in AGE_BANDS]


def with_age_labels(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["age_band"] = out["age_band"].map(age_label)
    return out


@dataclass(frozen=True)
class AreaSeries:
    """The reads of a page that sets the kommune's daily series beside its county's and the
    country's (Testing, Sykehus): the registry ``indicator`` the series counts, the daily read
    and its metrics (``to_series``, the window values ``at`` a date), the age bands' and the
    neighbours' window reads and their metrics (``to_groups``)."""

    indicator: str
    daily: Callable[..., pd.DataFrame]
    to_series: Callable[..., pd.DataFrame]
    at: Callable[[pd.DataFrame, Any], dict[str, Any]]
    by_age: Callable[..., pd.DataFrame]
    by_kommune: Callable[..., pd.DataFrame]
    to_groups: Callable[[pd.DataFrame], pd.DataFrame]


@dataclass(frozen=True)
class Areas:
    """The kommune's, its county's and the country's series, age bands and window values
    (``windows``: the kommune's, the county's, the country's), as read by :func:`read_areas`."""

    view: View
    reads: AreaSeries
    series: list[pd.DataFrame]
    ages: list[pd.DataFrame]
    windows: list[dict[str, Any]]

    def _labelled(self, frames: list[pd.DataFrame]) -> list[tuple[str, pd.DataFrame]]:
        areas = self.view.context.areas
        return [(label, frame) for (label, _l, _c), frame in zip(areas, frames, strict=True)]

    def lines(self, measure: Measure, title: str) -> dict[str, Any]:
        """One measure of the three series over time."""
        return testing_figures.comparison_lines(self._labelled(self.series), measure, title=title)

    def by_age(self, measures: list[Measure]) -> dict[str, Any]:
        """The date's 7-day window by age band, one panel per measure."""
        date = formatting.date_short(self.view.context.date)
        return testing_figures.age_comparison(
            self._labelled(self.ages),
            measures,
            title=_("Etter aldersgruppe, siste 7 dager til {date}", date=date),
            bands=AGE_LABELS,
        )

    def neighbours(self, columns: Sequence[TableColumn], *, table_id: str) -> html.Div:
        """The kommune and its neighbours, then its county and the country."""
        return neighbour_table(
            self.view,
            read=self.reads.by_kommune,
            to_groups=self.reads.to_groups,
            columns=columns,
            areas=self.windows[1:],
            table_id=table_id,
        )


def read_areas(view: View, reads: AreaSeries) -> Areas:
    """A subject page's reads for the kommune, its county and the country: the daily series
    over the whole period (as of the page's date), the age bands of the date's window and the
    window values on the date.

    A series whose indicator (:mod:`data.indicators`) counts by test date carries the data
    layer's ``complete`` column (:mod:`data.queries.completeness`), so every figure drawn from
    it shades the test dates not yet complete."""
    context, scope = view.context, view.scope
    start, end = context.info["period_start"], context.info["data_date"]
    by_test_date = indicators.get(reads.indicator).time_basis == "test"
    completeness = case_completeness(scope=scope) if by_test_date else None
    series = []
    for _label, level, code in context.areas:
        frame = reads.daily(scope=scope, level=level, code=code, start=start, end=end)
        if completeness is not None:
            frame = mark_complete(frame, completeness)
        series.append(reads.to_series(frame, date=context.date))
    ages = [
        with_age_labels(
            reads.to_groups(reads.by_age(scope=scope, level=level, code=code, date=context.date))
        )
        for _label, level, code in context.areas
    ]
    windows = [reads.at(s, context.date) for s in series]
    return Areas(view=view, reads=reads, series=series, ages=ages, windows=windows)


def neighbour_window(
    view: View, read: Callable[..., pd.DataFrame]
) -> tuple[pd.DataFrame, dict[str, str], int]:
    """The own kommune's and its allowed neighbours' window (``read(scope=, kommuner=,
    date=)``, read with the comparison scope), their names, and how many were left out."""
    context = view.context
    near, left_out = neighbours(view.scope, context.kommunenummer)
    frame = read(
        scope=view.scope.comparison_for(context.kommunenummer),
        kommuner=[context.kommunenummer, *near["kommunenummer"]],
        date=context.date,
    )
    names = dict(zip(near["kommunenummer"], near["name"], strict=True))
    names[context.kommunenummer] = context.name
    return frame, names, left_out


@dataclass(frozen=True)
class TableColumn:
    """A column of a neighbour table: its (N_-marked) header, a kommune's value from its
    row of the by-kommune window, and the county's or country's from their window values
    (both mappings, e.g. :func:`count_of`)."""

    header: str
    row: Cell
    area: Cell


def neighbour_table(
    view: View,
    *,
    read: Callable[..., pd.DataFrame],
    to_groups: Callable[[pd.DataFrame], pd.DataFrame],
    columns: Sequence[TableColumn],
    areas: Sequence[Mapping[str, Any]],
    table_id: str,
) -> html.Div:
    """The kommune, its neighbours, then its county and the country (``areas``: their
    window values, in that order), one :class:`TableColumn` each."""
    context = view.context
    frame, names, left_out = neighbour_window(view, read)
    rows = []
    for r in to_groups(frame).to_dict("records"):
        code = str(r["kommunenummer"])
        kind = "own" if code == context.kommunenummer else "neighbour"
        rows.append((f"{names.get(code, code)} ({code})", [c.row(r) for c in columns], kind))
    for label, values in zip((context.fylke_label, _(NATION_LABEL)), areas, strict=True):
        rows.append((label, [c.area(values) for c in columns], "area"))
    return comparison_table(
        [_("Kommune"), *(_(c.header) for c in columns)],
        rows,
        table_id=table_id,
        left_out=left_out,
    )


def national_figure(daily: pd.DataFrame, title: str, name: str, yaxis_title: str) -> go.Figure:
    """A published national daily series (bars) with its 7-day mean (line): the figures of a
    subject page that falls back to the nation where kommune-level data is not published."""
    return figures.national_series_figure(
        daily, title=title, name=name, yaxis_title=yaxis_title, line="mean_7d"
    )


def national_cards(cards: list[tuple[str, dict[str, Any], int]]) -> list[dbc.Col]:
    """Cards of published national 7-day sums: (title, window, decimals)."""
    out = []
    for title, window, decimals in cards:
        value = window["value"]
        note = (
            _("Hele landet, 7 dager til {date}", date=formatting.date_short(window["end"]))
            if window["end"]
            else _("Ikke publisert for perioden")
        )
        text = formatting.number(value, decimals) if value is not None else "–"
        out.append(card_col(title, text, note=note, md=4))
    return out


def simple_table(
    header: list[str], rows: list[list[Any]], *, table_id: str | None = None
) -> dbc.Table:
    kwargs = {"id": table_id} if table_id else {}
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows]),
        ],
        size="sm",
        striped=True,
        className="small mb-2",
        **kwargs,
    )


def persons_count(row: Mapping[str, Any], column: str) -> str:
    return formatting.count(row.get(column), suppressed=bool(row.get(f"{column}_suppressed")))


def persons(row: Mapping[str, Any], column: str) -> str:
    """A count with "person" or "personer"."""
    value = row.get(column)
    one = value == 1 and not row.get(f"{column}_suppressed")
    return ngettext("{n} person", "{n} personer", 1 if one else 2, n=persons_count(row, column))


Definition = MetricDefinition | tuple[MetricDefinition, str]


class Place(NamedTuple):
    """A subject page's place in the app: ``/{prefix}/<kommunenummer>``, its N_-marked name
    and its order in its navigation group."""

    prefix: str
    name: str
    order: int
    nav_group: str


def declare(
    place: Place,
    *,
    parts: tuple[Part, ...],
    definitions: tuple[Definition, ...] = (),
    controls: Callable[[Mapping[str, Any]], list[Any]] | None = None,
    loading: Literal["page", "slot"] = "page",
    **page: Any,
) -> SubjectPage:
    """A subject page's declaration: its place, its layout (parts, the definitions under it,
    its own controls, its spinners: :class:`layouts.subject_page.PageLayout`) and how it is
    filled (the other fields of :class:`callbacks.subjects.SubjectPage`)."""
    layout = PageLayout(
        *place, parts=parts, definitions=definitions, controls=controls, loading=loading
    )
    return SubjectPage(layout=layout, **page)
