"""Datakvalitet callbacks: read the quality views with the user's scope, render tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, html

from dashboard import formatting
from dashboard.auth import current_scope
from dashboard.i18n import N_, _, ngettext
from data.queries import sources
from layouts.common import card_col

Column = tuple[str, str, Callable[[Any], str]]
SAMPLE_ROWS = 40
FLAG_DETAIL_KEYS = 4
STATUS_NB = {
    "active": N_("aktiv"),
    "superseded": N_("erstattet"),
    "failed": N_("feilet"),
    "demo": N_("demodata"),
}
ISSUE_NB = {
    "no_population": N_("ingen befolkning"),
    "missing_years": N_("mangler befolkning for år"),
    "missing_in_source": N_("mangler befolkning i kildefilen (hentet fra SSB)"),
    "no_population_table": N_("ingen befolkningstall er lastet"),
}
SEVERITY = {"warning": (N_("advarsel"), "warning"), "info": (N_("info"), "secondary")}


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "–"
    return str(value)


def _int(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    return formatting.number(int(value))


def _date(value: Any) -> str:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return "–"
    return formatting.date_short(pd.Timestamp(value).date())


def _datetime(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    return pd.Timestamp(value).strftime("%d.%m.%Y %H:%M")


def _source(value: Any) -> str:
    """A source name from the data; the demo load's identifier (demo:scale:seed) is labelled."""
    text = _text(value)
    if text.startswith("demo:"):
        return _("Syntetiske demodata ({kilde})", kilde=text)
    return text


def _kind(value: Any) -> str:
    """An import kind (a technical identifier from the data); the demo load's is labelled."""
    return _("demodata") if value == "demo" else _text(value)


def _file(value: Any) -> str:
    return Path(str(value)).name if value else "–"


def _table(frame: pd.DataFrame, columns: Sequence[Column], *, empty: str) -> Any:
    if frame.empty:
        return html.P(empty, className="text-muted small")
    head = html.Thead(html.Tr([html.Th(_(label), scope="col") for _key, label, _fmt in columns]))
    body = html.Tbody(
        [
            html.Tr([html.Td(fmt(getattr(row, key))) for key, _, fmt in columns])
            for row in frame.itertuples(index=False)
        ]
    )
    return dbc.Table([head, body], size="sm", striped=True, hover=True, responsive=True)


def _freshness(runs: pd.DataFrame, today: dt.date) -> Any:
    current = runs[runs["status"].isin(["active", "demo"])]
    if current.empty:
        return html.P(_("Ingen kilder er lastet inn."), className="text-muted small")
    grouped = (
        current.groupby("source", dropna=False)
        .agg(
            files=("import_id", "count"),
            data_date=("data_date", "max"),
            loaded_at=("loaded_at", "max"),
        )
        .reset_index()
    )
    rows = []
    for row in grouped.itertuples(index=False):
        data_date = None if pd.isna(row.data_date) else pd.Timestamp(row.data_date).date()
        age = (today - data_date).days if data_date else None
        if age is None:
            badge = dbc.Badge(_("referansedata"), color="secondary")
        elif age <= 2:
            badge = dbc.Badge(_("fersk"), color="success")
        elif age <= 14:
            badge = dbc.Badge(
                _("{n} dager gammel", n=formatting.number(age)), color="warning", text_color="dark"
            )
        else:
            badge = dbc.Badge(
                _("{n} dager gammel – oppdateres ikke", n=formatting.number(age)), color="danger"
            )
        rows.append(
            html.Tr(
                [
                    html.Td(_source(row.source)),
                    html.Td(_int(row.files)),
                    html.Td(_date(data_date)),
                    html.Td(_datetime(row.loaded_at)),
                    html.Td(badge),
                ]
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th(h, scope="col")
                for h in (
                    _("Kilde"),
                    _("Filer"),
                    _("Data til og med"),
                    _("Lest inn"),
                    _("Ferskhet"),
                )
            ]
        )
    )
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, responsive=True)


def _flag_detail(detail: Any) -> str:
    if not isinstance(detail, dict) or not detail:
        return ""
    parts = []
    for key, value in list(detail.items())[:FLAG_DETAIL_KEYS]:
        if isinstance(value, list):
            shown = ", ".join(map(str, value[:8])) + (" …" if len(value) > 8 else "")
            parts.append(f"{key}: {shown}")
        else:
            parts.append(f"{key}: {value}")
    return "; ".join(parts)


def _flags(flags: pd.DataFrame) -> Any:
    if flags.empty:
        return html.P(_("Ingen flagg."), className="text-muted small")
    rows = []
    for row in flags.itertuples(index=False):
        label, color = SEVERITY.get(row.severity, (row.severity, "secondary"))
        rows.append(
            html.Tr(
                [
                    html.Td(dbc.Badge(_(label), color=color)),
                    html.Td(row.text, style={"minWidth": "24rem"}),
                    html.Td(
                        _("på tvers av filer") if pd.isna(row.file) else _file(row.file),
                        className="small text-break",
                        style={"minWidth": "11rem"},
                    ),
                    html.Td(_text(row.measure)),
                    html.Td(_date(row.date)),
                    html.Td(_int(row.rows_affected)),
                    html.Td(_flag_detail(row.detail), className="small text-muted"),
                ]
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th(h, scope="col")
                for h in (
                    "",
                    _("Flagg"),
                    _("Fil"),
                    _("Mål"),
                    _("Dato"),
                    _("Rader"),
                    _("Detaljer"),
                )
            ]
        )
    )
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, responsive=True)


def _arrivals(info: dict[str, Any]) -> Any:
    if not info.get("available"):
        return html.P(
            _(
                "Ingen ankomstregistreringer er lastet inn, så andelen uten F/D-nummer kan ikke "
                "beregnes."
            ),
            className="text-muted small",
        )
    share = info["share"] * 100
    top = info["by_kommune"].assign(
        share_text=[
            "–" if pd.isna(s) else f"{formatting.number(s * 100, 1)} %"
            for s in info["by_kommune"]["share"]
        ],
        without_text=[
            formatting.count(v, suppressed=bool(h))
            for v, h in zip(
                info["by_kommune"]["without_fd"],
                info["by_kommune"]["without_fd_suppressed"],
                strict=True,
            )
        ],
    )
    return html.Div(
        [
            html.P(
                _(
                    "{uten} av {alle} registrerte ankomster ({andel} %) mangler F/D-nummer "
                    "({fra}–{til}).",
                    uten=formatting.number(info["without_fd"]),
                    alle=formatting.number(info["arrivals"]),
                    andel=formatting.number(share, 1),
                    fra=_date(info["start"]),
                    til=_date(info["end"]),
                ),
                id="dq-arrivals-total",
            ),
            _table(
                top,
                [
                    ("name", N_("Kommune"), _text),
                    ("arrivals", N_("Ankomster"), _int),
                    ("without_text", N_("Uten F/D-nummer"), _text),
                    ("share_text", N_("Andel"), _text),
                ],
                empty="",
            ),
        ]
    )


def _population(gaps: pd.DataFrame, available: dict[str, Any]) -> Any:
    columns: list[Column] = [
        ("kommunenummer", N_("Kommunenr."), _text),
        ("name", N_("Kommune"), _text),
        ("issue_text", N_("Mangel"), _text),
        ("detail", N_("Detaljer"), _text),
    ]
    gaps = gaps.assign(issue_text=gaps["issue"].map(lambda i: _(ISSUE_NB.get(i, str(i)))))
    in_table = gaps[gaps["issue"] != "missing_in_source"]
    in_source = gaps[gaps["issue"] == "missing_in_source"]
    years = available.get("population_years") or []
    parts: list[Any] = []
    if in_table.empty:
        text = (
            _(
                "Befolkningstabellen har tall for alle kommuner og alle år ({fra}–{til}).",
                fra=years[0],
                til=years[-1],
            )
            if years
            else _("Befolkningstabellen har tall for alle kommuner og alle år.")
        )
        parts.append(
            html.P(
                text,
                className="small",
                id="dq-population-complete",
            )
        )
    else:
        parts.append(dbc.Alert(_table(in_table, columns, empty=""), color="warning"))
    carried = available.get("notes", {}).get("population_carried_forward")
    if carried:
        parts.append(
            html.P(
                _(
                    "År uten publiserte SSB-tall bruker siste publiserte år før: {aar}.",
                    aar=carried,
                ),
                className="small text-muted",
            )
        )
    if not in_source.empty:
        parts.append(
            html.P(
                ngettext(
                    "{n} kommune mangler befolkning i en kildefil; befolkningen er hentet fra "
                    "SSB (tabell 07459) i stedet.",
                    "{n} kommuner mangler befolkning i en kildefil; befolkningen er hentet fra "
                    "SSB (tabell 07459) i stedet.",
                    len(in_source),
                    n=formatting.number(len(in_source)),
                ),
                className="small mb-1",
            )
        )
        parts.append(
            html.Details(
                [
                    html.Summary(_("Vis kommunene"), className="small"),
                    _table(in_source, columns, empty=""),
                ]
            )
        )
    return html.Div(parts)


def _vintage(frame: pd.DataFrame, available: dict[str, Any]) -> Any:
    note = available.get("notes", {}).get("crosswalk")
    table = _table(
        frame.assign(
            translated_text=[
                _("oversatt til 2024-strukturen")
                if t
                else (
                    _("2024-strukturen")
                    if k
                    else _("ingen kommunetall (kontrollert mot strukturen)")
                )
                for t, k in zip(frame["translated"], frame["kommune_facts"], strict=True)
            ]
        ),
        [
            ("file", N_("Fil"), _file),
            ("structure", N_("Kodene følger"), _text),
            ("translated_text", N_("Vises som"), _text),
            ("rejected_vintage", N_("Avvist: kode fra annen struktur"), _int),
        ],
        empty=_(
            "Ingen importerte filer med kommunekoder (demodata er kodet etter 2024-strukturen)."
        ),
    )
    parts: list[Any] = [table]
    if note:
        parts.insert(0, html.P(_("Kodeoversettelse: {note}.", note=note), className="small"))
    return html.Div(parts)


def update(_id: str | None) -> tuple:
    scope = current_scope()
    runs = sources.data_sources(scope=scope)
    reasons = sources.rejection_summary(scope=scope)
    sample = sources.rejected_sample(scope=scope, limit=SAMPLE_ROWS)
    flags = sources.quality_flags(scope=scope)
    gaps = sources.population_gaps(scope=scope)
    vintages = sources.code_vintages(scope=scope)
    arrivals = sources.arrivals_without_fd(scope=scope)
    available = sources.available_series(scope=scope)
    today = dt.date.today()

    current = runs[runs["status"].isin(["active", "demo", "failed"])]
    cards = [
        card_col(_("Kilder"), _int(current["source"].nunique()), md=3),
        card_col(_("Rader lastet inn"), _int(current["rows_loaded"].sum()), md=3),
        card_col(
            _("Rader avvist"),
            _int(current["rows_rejected"].sum()),
            note=ngettext(
                "{n} grunn",
                "{n} ulike grunner",
                int(reasons["reason"].nunique()),
                n=_int(reasons["reason"].nunique()),
            )
            if len(reasons)
            else None,
            card_id="dq-rejected-card",
            md=3,
        ),
        card_col(
            _("Kvalitetsflagg"),
            _int(len(flags)),
            note=ngettext(
                "{n} advarsel",
                "{n} advarsler",
                int((flags["severity"] == "warning").sum()),
                n=_int((flags["severity"] == "warning").sum()),
            )
            if len(flags)
            else None,
            md=3,
        ),
    ]
    if available["is_demo"]:
        cards.append(
            dbc.Col(
                dbc.Alert(
                    _(
                        "Dette er syntetiske demodata: de er laget uten feil, så det er ingen "
                        "avviste rader eller kildeflagg å vise. Importer ekte data for å se dem."
                    ),
                    color="warning",
                    className="mb-0",
                ),
                md=12,
            )
        )
    imports = _table(
        runs.assign(status_text=runs["status"].map(lambda s: _(STATUS_NB.get(s, str(s))))),
        [
            ("file", N_("Fil"), _file),
            ("kind", N_("Type"), _kind),
            ("status_text", N_("Status"), _text),
            ("rows_read", N_("Lest"), _int),
            ("rows_loaded", N_("Lastet inn"), _int),
            ("rows_rejected", N_("Avvist"), _int),
            ("rows_skipped", N_("Hoppet over"), _int),
            ("data_date", N_("Data til og med"), _date),
            ("loaded_at", N_("Lest inn"), _datetime),
        ],
        empty=_("Ingen innlesinger er registrert."),
    )
    reasons_table = _table(
        reasons.head(20),
        [
            ("file", N_("Fil"), _file),
            ("reason_text", N_("Grunn"), _text),
            ("field", N_("Felt"), _text),
            ("rows", N_("Rader"), _int),
        ],
        empty=_("Ingen rader er avvist."),
    )
    sample_table = _table(
        sample.assign(
            where=[
                f"{_file(f)}:{'' if pd.isna(line) else int(line)}:{field or ''}"
                for f, line, field in zip(
                    sample["file"], sample["line"], sample["field"], strict=True
                )
            ]
        ),
        [
            ("where", N_("Fil:linje:felt"), _text),
            ("value", N_("Verdi"), _text),
            ("reason_text", N_("Grunn"), _text),
        ],
        empty=(
            _("Ingen avviste linjer.")
            if scope.kommuner is None
            else _("Eksempellinjer vises bare for brukere med nasjonal tilgang.")
        ),
    )
    population = _population(gaps, available)
    return (
        cards,
        _freshness(runs, today),
        imports,
        reasons_table,
        sample_table,
        population,
        _vintage(vintages, available),
        _arrivals(arrivals),
        _flags(flags),
    )


def register(app: Dash) -> None:
    app.callback(
        Output("dq-cards", "children"),
        Output("dq-sources", "children"),
        Output("dq-imports", "children"),
        Output("dq-reasons", "children"),
        Output("dq-sample", "children"),
        Output("dq-population", "children"),
        Output("dq-vintage", "children"),
        Output("dq-arrivals", "children"),
        Output("dq-flags", "children"),
        Input("dq-cards", "id"),
    )(update)
