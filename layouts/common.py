"""Small building blocks shared by pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html

from dashboard import i18n
from dashboard.definitions import MetricDefinition
from dashboard.i18n import _
from layouts.lazy_graph import LazyGraph

# Shown until a callback fills a graph: no stray axes from -1 to 6 (and no text to translate).
EMPTY_FIGURE = {
    "data": [],
    "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}, "height": 360},
}
# The bokmål graph config, for layouts not yet converted; use graph_config() in new code.
# Maps: no modebar or scroll zoom; plotly fetches a world outline even with the base map
# hidden, so it is served by the app (offline).
MAP_CONFIG: Any = {
    "displayModeBar": False,
    "scrollZoom": False,
    "topojsonURL": "/assets/vendor/topojson/",
}


def graph_config(**extra: Any) -> Any:
    """A dcc.Graph config whose plotly.js locale (month names, modebar) follows the language."""
    return {
        "displaylogo": False,
        # plotly.js offers an upload to Plotly Cloud: never from a health dashboard
        "showSendToCloud": False,
        "locale": i18n.plotly_locale(),
        **extra,
    }


def dropdown_labels() -> Any:
    """The texts Dash's dropdown shows of its own (English by default), translated."""
    return {
        "select_all": _("Velg alle"),
        "deselect_all": _("Fjern alle"),
        "selected_count": _("{num_selected} valgt"),
        "search": _("Søk"),
        "clear_search": _("Tøm søket"),
        "clear_selection": _("Fjern valget"),
        "no_options_found": _("Ingen treff"),
    }


def dropdown(**kwargs: Any) -> html.Div:
    """A dcc.Dropdown with its own texts in the user's language, in a box as high as the
    dropdown will be: Dash draws nothing in its place until the dropdown's script has loaded,
    and the page below would move down when it arrives (CLS; assets/app.css)."""
    return html.Div(dcc.Dropdown(labels=dropdown_labels(), **kwargs), className="control-box")


def map_config() -> Any:
    return graph_config(**MAP_CONFIG)


def page_title(name: str) -> Callable[..., str]:
    """``PAGE["title"]`` as a callable (Dash calls it per request with the path variables):
    the translated page name (an ``N_``-marked source string) and the product name."""

    def title(**_path_variables: object) -> str:
        return _("{side} – Situasjonsbilde", side=_(name))

    return title


def date_display_format() -> str:
    """The date pickers' display format, as formatting.date_short writes dates."""
    return "DD/MM/YYYY" if i18n.get_language() == "en" else "DD.MM.YYYY"


def definition_block(metric: MetricDefinition, *, extra: str | None = None) -> html.Div:
    """A number's definition and source, shown beside it (label, definition and source are
    source strings, translated here; ``extra`` comes translated)."""
    parts: list = [
        html.Strong(_(metric.label) + ": "),
        _(metric.definition),
        html.Br(),
        html.Span(_("Kilde: {kilde}.", kilde=_(metric.source)), className="text-muted"),
    ]
    if extra:
        parts += [html.Br(), html.Span(extra, className="text-muted")]
    return html.Div(parts, className="small definition mb-2")


def page_header(title: str, lead: str) -> html.Div:
    """A page's heading and lead paragraph (both given translated)."""
    return html.Div([html.H1(title, className="h3 mb-1"), html.P(lead, className="text-muted")])


def card(
    title: str,
    value: str,
    *,
    note: str | None = None,
    card_id: str | None = None,
    flag: str | None = None,
) -> dbc.Card:
    """A key-figure card; ``flag``: a warning line of its own (e.g. incomplete last days)."""
    body = [
        html.Div(title, className="small text-muted"),
        html.Div(value, className="fs-3 fw-semibold"),
    ]
    if note:
        body.append(html.Div(note, className="small text-muted"))
    if flag:
        body.append(html.Div(flag, className="small card-flag"))
    kwargs = {"id": card_id} if card_id else {}
    return dbc.Card(dbc.CardBody(body), className="h-100 shadow-sm", **kwargs)


# How a page's first date is found: the callbacks layer provides it (layouts read no data).
_date_provider: list[Callable[[str | None], str | None]] = [lambda requested: requested]


def set_first_date(provider: Callable[[str | None], str | None]) -> None:
    """Install how a date picker's first value is found (callbacks/common.py does)."""
    _date_provider[0] = provider


def first_date(requested: str | None) -> str | None:
    """A page's date picker's first value: the requested date clamped to the data, else the
    data date. Not None: an empty picker sets its date once more when it is mounted, and the
    page's main callback would run twice on every first view."""
    return _date_provider[0](requested)


def kommune_date_controls(prefix: str, kommunenummer: str | None, dato: str | None) -> dbc.Row:
    """Title, kommune picker and "as of" date picker shared by every kommune page (translated).

    Ids: ``{prefix}-title``, ``{prefix}-select``, ``{prefix}-date``; the options, date bounds
    and URL come from :func:`callbacks.common.register_kommune_controls`.
    """
    return dbc.Row(
        [
            dbc.Col(html.H1(id=f"{prefix}-title", className="h3 mb-1"), md=6),
            dbc.Col(
                [
                    dbc.Label(_("Kommune"), html_for=f"{prefix}-select", className="small"),
                    dropdown(
                        id=f"{prefix}-select",
                        # the full, scoped list comes from a callback; until then the current
                        # value must be an option or the dropdown drops it
                        options=[{"label": kommunenummer, "value": kommunenummer}]
                        if kommunenummer
                        else [],
                        value=kommunenummer,
                        clearable=False,
                        placeholder=_("Velg kommune"),
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Dato (til og med)"), html_for=f"{prefix}-date", className="small"),
                    html.Div(date_picker(f"{prefix}-date", first_date(dato))),
                ],
                md=2,
            ),
            dcc.Store(id=f"{prefix}-url-sync"),
        ],
        className="g-3 mb-3 align-items-end page-controls",
    )


def page_entry(path: str, name: str, order: int, nav_group: str, **extra: Any) -> dict[str, Any]:
    """A page module's ``PAGE`` (the keyword arguments of ``dash.register_page``): its path,
    its N_-marked name, its title in the user's language (:func:`page_title`) and its place in
    the navigation; ``extra``: e.g. ``permission``."""
    return dict(
        path=path, name=name, title=page_title(name), order=order, nav_group=nav_group, **extra
    )


def kommune_page_entry(slug: str, name: str, order: int, nav_group: str) -> dict[str, Any]:
    """The ``PAGE`` of a page about one kommune, ``/{slug}/<kommunenummer>`` (Oslo's, 0301,
    where none is given); the navigation links to the user's current kommune."""
    return page_entry(
        f"/{slug}/0301",
        name,
        order,
        nav_group,
        path_template=f"/{slug}/<kommunenummer>",
        nav_href=f"/{slug}/{{kommune}}",
    )


def date_picker(component_id: str, date: str | None = None, **extra: Any) -> dcc.DatePickerSingle:
    """A date picker writing dates as :mod:`dashboard.formatting` does in the user's language,
    weeks from Monday; ``extra``: e.g. ``clearable``."""
    return dcc.DatePickerSingle(
        id=component_id,
        date=date,
        display_format=date_display_format(),
        first_day_of_week=1,
        placeholder=_("Velg dato"),
        **extra,
    )


def lazy_graph(component_id: str, **props: Any) -> LazyGraph:
    """Every chart of the app: a :class:`~layouts.lazy_graph.LazyGraph` (a dcc.Graph's props),
    drawn first as a static picture so that neither the page's callbacks nor its first paint
    wait for plotly.js; ``props``: figure, config, style, className."""
    props.setdefault("config", graph_config())
    return LazyGraph(id=component_id, **props)


def graph(component_id: str) -> LazyGraph:
    """A chart as a page first draws it: empty (no stray axes) until its callback fills it."""
    return lazy_graph(component_id, figure=EMPTY_FIGURE)


def graph_row(*component_ids: str, class_name: str | None = None) -> dbc.Row:
    """Charts side by side, in equal columns from the ``lg`` breakpoint."""
    width = 12 // len(component_ids)
    return dbc.Row([dbc.Col(graph(i), lg=width) for i in component_ids], className=class_name)


def data_table(
    component_id: str, columns: Sequence[tuple[str, str]], *, wrap: bool = False, **extra: Any
) -> Any:
    """A table filled by its callback: ``columns`` are (key, N_-marked heading) pairs,
    translated here; ``wrap``: long cells wrap; ``extra``: sorting, paging and the like."""
    style_cell = {"textAlign": "left", "fontSize": "0.85rem"}
    if wrap:
        style_cell["whiteSpace"] = "normal"
    return dash_table.DataTable(  # type: ignore[attr-defined]
        id=component_id,
        columns=[{"name": _(name), "id": key} for key, name in columns],
        data=[],
        style_cell=style_cell,
        style_header={"fontWeight": "bold"},
        **extra,
    )


def card_col(title: str, value: str, *, md: int, xl: int | None = None, **details: Any) -> dbc.Col:
    """A key-figure :func:`card` in a row's column ``md`` (and ``xl``) wide (``details``: its
    note, id, flag)."""
    return dbc.Col(card(title, value, **details), md=md, xl=xl)
