"""Kommuneoversikt: every kommune in the user's scope in one sortable, filterable table, with
weekly sparklines, small multiples, a map of any column, county rows, export and the weekly
report."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html
from dash.dash_table.Format import Format, Group, Scheme

from dashboard import i18n
from dashboard.definitions.overview import (
    DEFAULT_MAP_COLUMN,
    OVERVIEW,
    OVERVIEW_COLUMNS,
    SIZE_CLASS_NOTE,
)
from dashboard.i18n import N_, _
from layouts.common import (
    EMPTY_FIGURE,
    date_picker,
    definition_block,
    dropdown,
    first_date,
    graph_config,
    lazy_graph,
    map_config,
    page_header,
)

PAGE = dict(
    path="/oversikt",
    name=N_("Kommuneoversikt"),
    title=lambda **_kw: _("Kommuneoversikt – Situasjonsbilde"),
    order=2,
    nav_group="oversikt",
)


def _format(kind: str, decimals: int, key: str = "") -> Format:
    english = i18n.get_language() == "en"
    base = (
        Format(precision=decimals, scheme=Scheme.fixed, group=Group.yes)
        .group_delimiter("," if english else "\u00a0")
        .decimal_delimiter("." if english else ",")
    )
    if kind == "count":
        return base.nully("1–4")
    # an incidence is empty only where its count is withheld (the population is known): it
    # reads "skjult", never "1–4"; other shares may be undefined ("–", e.g. no tests)
    return base.nully(_("skjult") if key.startswith("incidence") else "–")


def header_widths(columns: list[dict], minimum: int = 70) -> list[dict]:
    """A width per column that holds its header's longest word on one line (bold 0.85rem:
    about 8.5 px a character, plus the sort arrow and padding), so that no header breaks
    inside a word («Innbyg|gere») in either language."""
    out = []
    for column in columns:
        longest = max((len(word) for word in str(column["name"]).split()), default=0)
        width = max(minimum, round(longest * 8.5) + 24)
        out.append({"if": {"column_id": column["id"]}, "minWidth": f"{width}px"})
    return out


def table_columns() -> list[dict]:
    out = []
    for c in OVERVIEW_COLUMNS:
        column: dict = {"id": c.key, "name": _(c.label)}
        if c.key == "name":
            column["presentation"] = "markdown"
        elif c.kind in ("count", "rate", "share", "rank"):
            column["type"] = "numeric"
            column["format"] = _format(c.kind, c.decimals, c.key)
        else:
            column["type"] = "text"
        out.append(column)
    return out


COUNTY_COLUMNS = [
    ("fylke", N_("Fylke")),
    ("kommuner", N_("Kommuner")),
    ("population", N_("Innbyggere")),
    ("cases_7d", N_("Tilfeller 7 d")),
    ("incidence_7d", N_("Insidens 7 d")),
    ("incidence_14d", N_("Insidens 14 d")),
    ("trend", N_("Trend")),
    ("positivity_7d", N_("Positivandel %")),
    ("coverage_d2", N_("Dose 2 %")),
    ("coverage_d3", N_("Dose 3 %")),
    ("cert_share", N_("Sertifikat %")),
    ("arrivals_14d", N_("Ankomster 14 d")),
]


def layout(dato: str | None = None, kart: str | None = None, **_kwargs: object) -> html.Div:
    # plotly.js locale (month names, modebar) follows the language
    config = graph_config()
    mappable = [c for c in OVERVIEW_COLUMNS if c.mappable]
    map_column = kart if kart in {c.key for c in mappable} else DEFAULT_MAP_COLUMN
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Dato (til og med)"), html_for="ov-date", className="small"),
                    html.Div(date_picker("ov-date", first_date(dato))),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    html.Div(_("Eksport (med skjerming av små tall)"), className="small"),
                    dbc.ButtonGroup(
                        [
                            dbc.Button(
                                _("CSV"),
                                id="ov-export-csv",
                                href="#",
                                external_link=True,
                                color="secondary",
                                outline=True,
                                size="sm",
                            ),
                            dbc.Button(
                                _("Excel"),
                                id="ov-export-xlsx",
                                href="#",
                                external_link=True,
                                color="secondary",
                                outline=True,
                                size="sm",
                            ),
                        ]
                    ),
                    # for scripts: English column names, decimal point, ISO dates
                    html.Div(
                        [
                            html.Span(_("Maskinlesbart:"), className="me-1"),
                            html.A(_("CSV"), id="ov-export-data-csv", href="#", className="me-2"),
                            html.A(_("JSON"), id="ov-export-json", href="#"),
                        ],
                        className="small mt-1",
                    ),
                ],
                md=3,
            ),
        ],
        className="g-3 mb-2 align-items-end",
    )
    columns = table_columns()
    table = dash_table.DataTable(  # type: ignore[attr-defined]
        id="ov-table",
        columns=columns,
        data=[],
        sort_action="native",
        filter_action="native",
        sort_by=[{"column_id": "rank", "direction": "asc"}],
        page_action="native",
        page_size=50,
        markdown_options={"link_target": "_self"},
        fixed_rows={"headers": True},
        style_table={"overflowX": "auto", "maxHeight": "70vh", "overflowY": "auto"},
        style_cell={"fontSize": "0.85rem", "padding": "2px 6px", "minWidth": "70px"},
        style_cell_conditional=[
            *header_widths(columns),
            {"if": {"column_id": "spark"}, "fontFamily": "monospace", "minWidth": "90px"},
            {"if": {"column_id": "name"}, "minWidth": "130px", "textAlign": "left"},
        ],
        style_header={
            "fontWeight": "600",
            "whiteSpace": "normal",
            "height": "auto",
            "wordBreak": "normal",  # whole words only; header_widths makes them fit
            "overflowWrap": "normal",
        },
        tooltip_header={c.key: _(c.definition) for c in OVERVIEW_COLUMNS},
        tooltip_delay=300,
        filter_options={"case": "insensitive", "placeholder_text": _("filter …")},
    )
    report = dbc.Card(
        dbc.CardBody(
            [
                html.H2(_("Ukerapport"), className="h5"),
                html.P(
                    _(
                        "Ukens situasjonsrapport for en kommune (til Statsforvalteren / "
                        "Helsedirektoratet): PDF med nøkkeltall og figur, og de samme tallene "
                        "som CSV og JSON (fast kolonneoppsett, se dokumentasjonen)."
                    ),
                    className="small text-muted",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            dropdown(id="ov-report-kommune", placeholder=_("Velg kommune")),
                            md=4,
                        ),
                        dbc.Col(
                            dbc.Input(id="ov-report-week", placeholder="2022-W05", type="text"),
                            md=2,
                        ),
                        dbc.Col(
                            # the report's language (bokmål unless chosen): a report is sent on
                            dropdown(
                                id="ov-report-language",
                                options=[
                                    {"label": _("Rapport på bokmål"), "value": "nb"},
                                    {"label": _("Rapport på engelsk"), "value": "en"},
                                ],
                                value="nb",
                                clearable=False,
                            ),
                            md=2,
                        ),
                        dbc.Col(
                            dbc.ButtonGroup(
                                [
                                    dbc.Button(
                                        _("PDF"),
                                        id="ov-report-pdf",
                                        href="#",
                                        external_link=True,
                                        size="sm",
                                    ),
                                    dbc.Button(
                                        _("CSV"),
                                        id="ov-report-csv",
                                        href="#",
                                        external_link=True,
                                        size="sm",
                                        outline=True,
                                    ),
                                    dbc.Button(
                                        _("JSON"),
                                        id="ov-report-json",
                                        href="#",
                                        external_link=True,
                                        size="sm",
                                        outline=True,
                                    ),
                                ]
                            ),
                            md=4,
                        ),
                    ],
                    className="g-2",
                ),
            ]
        ),
        className="mt-3",
    )
    return html.Div(
        [
            page_header(
                _("Kommuneoversikt"),
                _(
                    "Alle kommuner du har tilgang til, side om side. Sorter og filtrer i "
                    "kolonneoverskriftene (f.eks. «>100» eller «Vestland»); klikk et kommunenavn "
                    "for å åpne kommunen."
                ),
            ),
            html.H2(id="ov-title", className="h5"),
            controls,
            dcc.Loading(table, parent_className="ov-table-box"),
            html.Div(id="ov-method", className="small mt-2"),
            html.P(_(SIZE_CLASS_NOTE), className="small text-muted"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H2(_("Kart"), className="h5 mt-3"),
                            dropdown(
                                id="ov-map-column",
                                options=[{"label": _(c.label), "value": c.key} for c in mappable],
                                value=map_column,
                                clearable=False,
                            ),
                            lazy_graph(
                                "ov-map",
                                figure=EMPTY_FIGURE,
                                config=map_config(),
                                style={"height": "560px"},
                                className="graph-h560",  # reserved while plotly.js loads
                            ),
                            html.Div(id="ov-map-definition", className="small"),
                        ],
                        lg=5,
                    ),
                    dbc.Col(
                        [
                            html.H2(_("Høyest glattet insidens"), className="h5 mt-3"),
                            lazy_graph("ov-multiples", figure=EMPTY_FIGURE, config=config),
                        ],
                        lg=7,
                    ),
                ]
            ),
            html.H2(_("Fylker"), className="h5 mt-3"),
            dash_table.DataTable(  # type: ignore[attr-defined]
                id="ov-counties",
                columns=[{"id": k, "name": _(n)} for k, n in COUNTY_COLUMNS],
                data=[],
                sort_action="native",
                style_cell={"fontSize": "0.85rem", "padding": "2px 6px"},
                style_header={"fontWeight": "600"},
            ),
            report,
            html.Div(definition_block(OVERVIEW), className="mt-3"),
            html.Div(id="ov-source", className="small text-muted"),
            dcc.Store(id="ov-url-sync"),
            dcc.Store(id="ov-map-rendered", data=False),
        ]
    )
