"""Regler page callbacks: rules in force, upcoming changes, timeline and the two-date diff,
all read through :mod:`data.rules` with the user's scope."""

from __future__ import annotations

import datetime as dt
import html as html_lib
from functools import cache
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, html, no_update
from flask_login import current_user

from callbacks.common import as_of, not_published, register_kommune_controls
from callbacks.rule_cards import parameters_text
from dashboard import formatting
from dashboard import metrics as core_metrics
from dashboard.auth import current_scope
from dashboard.definitions import DEMO_SOURCE
from dashboard.definitions.rules import (
    CATEGORY_LABELS,
    CHANGE_LABELS,
    DEFAULT_UPCOMING_DAYS,
    DIFF_DEFAULT_DAYS,
    IN_ISOLATION,
    IN_QUARANTINE,
    LEVEL_LABELS,
    NO_DUTY,
    NOT_IN_FORCE,
    TIMELINE_AFTER_DAYS,
)
from dashboard.figures.rules import rules_timeline_figure
from dashboard.i18n import N_, _, ngettext
from dashboard.metrics.rules import headline
from data import queries, rules
from data.cache import cached
from data.queries import AreaLevel
from data.queries import sources as source_queries
from data.scope import Scope
from geo import reference
from layouts.common import EMPTY_FIGURE, card

STRINGENCY_MEASURE = "stringency_index"  # imported from OxCGRT as a national series
# "replaces the national / county rule" under a local or county version
OVERRIDES_NATIONAL = N_("gjelder i stedet for nasjonal regel")
OVERRIDES_TEXTS = {
    "national": OVERRIDES_NATIONAL,
    "county": N_("gjelder i stedet for fylkets regel"),
    "kommune": N_("gjelder i stedet for kommunens regel"),
}


def _change_count(change: str, n: int) -> str:
    """A part of the diff summary: "2 nye", "1 endret"."""
    if change == "added":
        return ngettext("{n} ny", "{n} nye", n, n=n)
    if change == "ended":
        return ngettext("{n} opphører", "{n} opphører", n, n=n)
    return ngettext("{n} endret", "{n} endret", n, n=n)


def _category(code: str) -> str:
    return _(CATEGORY_LABELS[code]) if code in CATEGORY_LABELS else code


# --------------------------------------------------------------------------- small pieces
@cache
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """Kommune and fylke names by number (reference data: built once per process)."""
    kommuner = reference.kommuner(2024).set_index("kommunenummer")["name"]
    fylker = reference.fylker(2024).set_index("fylkesnummer")["name"]
    return dict(kommuner), dict(fylker)


def _date(value: Any) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _short(value: Any) -> str:
    day = _date(value)
    return formatting.date_short(day) if day else "–"


def _period(valid_from: Any, valid_to: Any) -> str:
    end = _date(valid_to)
    return f"{_short(valid_from)} – {formatting.date_short(end) if end else _('inntil videre')}"


def _where(level: str | None, code: str | None) -> str:
    kommuner, fylker = _names()
    if level == "kommune":
        return _("Lokal: {name}", name=kommuner.get(str(code), code))
    if level == "county":
        return _("Fylke: {name}", name=fylker.get(str(code), code))
    national = LEVEL_LABELS["national"]
    return _(national)


def _level_badge(level: str | None, code: str | None) -> dbc.Badge:
    colour = {"kommune": "warning", "county": "info"}.get(level or "", "secondary")
    return dbc.Badge(
        _where(level, code),
        color=colour,
        text_color="dark" if colour in ("warning", "info") else None,
        className="me-1",
    )


def _parameters(params: Any, only: list[str] | None = None) -> html.Ul | str:
    values = params if isinstance(params, dict) else {}
    if only is not None:
        values = {k: v for k, v in values.items() if k in only}
    lines = parameters_text(values)
    if not lines:
        return ""
    return html.Ul([html.Li(line) for line in lines], className="mb-0 ps-3 small")


def _source(authority: Any, url: Any) -> list:
    parts: list = [html.Span(_(str(authority)) if authority else "")]
    if isinstance(url, str) and url:
        parts += [
            html.Br(),
            html.A(_("Kilde"), href=url, target="_blank", rel="noopener noreferrer"),
        ]
    return parts


def _table(header: list[str], rows: list[html.Tr], table_id: str) -> dbc.Table:
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)],
        id=table_id,
        size="sm",
        hover=True,
        responsive=True,
        className="align-top small",
    )


# --------------------------------------------------------------------------- in force
def _in_force_rows(frame: pd.DataFrame) -> list[html.Tr]:
    rows = []
    for r in frame.itertuples(index=False):
        level_cell: list = [_level_badge(r.scope_level, r.scope_code)]
        if not pd.isna(r.overrides_id):
            level_cell.append(
                html.Div(
                    _(OVERRIDES_TEXTS.get(r.overrides_scope_level, OVERRIDES_NATIONAL)),
                    className="small text-muted",
                )
            )
        rows.append(
            html.Tr(
                [
                    html.Td(_category(r.category), className="fw-semibold"),
                    html.Td(
                        [
                            html.Div(_(r.text_nb)),
                            html.Div(
                                _("Regel: {key} · versjon {id}", key=r.rule_key, id=r.id),
                                className="small text-muted",
                            ),
                        ]
                    ),
                    html.Td(level_cell),
                    html.Td(_period(r.valid_from, r.valid_to), className="text-nowrap"),
                    html.Td(_parameters(r.parameters)),
                    html.Td(_source(r.authority, r.source_url)),
                ],
                className="rule-local" if r.scope_level == "kommune" else None,
            )
        )
    return rows


def _in_force(frame: pd.DataFrame) -> list:
    oxcgrt = frame["authority"].map(rules.is_oxcgrt)
    own, imported = frame[~oxcgrt], frame[oxcgrt]
    header = [
        _("Kategori"),
        _("Regel"),
        _("Nivå"),
        _("Gjelder"),
        _("Parametere"),
        _("Myndighet"),
    ]
    out: list = []
    if own.empty:
        out.append(dbc.Alert(_("Ingen regler i kraft på denne datoen."), color="light"))
    else:
        out.append(_table(header, _in_force_rows(own), "regler-in-force-table"))
    if not imported.empty:
        compact = [
            html.Tr(
                [
                    html.Td(_category(r.category)),
                    html.Td(_(r.text_nb)),
                    html.Td(_period(r.valid_from, r.valid_to), className="text-nowrap"),
                ]
            )
            for r in imported.itertuples(index=False)
        ]
        out.append(
            dbc.Accordion(
                dbc.AccordionItem(
                    [
                        html.P(
                            _(
                                "Nivåene i Oxford-sporingen av myndighetstiltak (OxCGRT) for "
                                "Norge, importert som nasjonal regelhistorikk. De beskriver "
                                "tiltakenes strenghet, ikke regelteksten."
                            ),
                            className="small text-muted",
                        ),
                        _table(
                            [_("Kategori"), _("Indikator"), _("Gjelder")], compact, "regler-oxcgrt"
                        ),
                    ],
                    title=_("Indikatorer fra OxCGRT i kraft ({n})", n=len(imported)),
                ),
                start_collapsed=True,
                className="mb-3",
            )
        )
    return out


# --------------------------------------------------------------------------- cards
def _cards(in_force: pd.DataFrame, isolation: pd.DataFrame, quarantine: pd.DataFrame) -> list:
    top = headline(in_force)

    def days_card(key: str, title: str, name: str, card_id: str) -> dbc.Col:
        version = top[key]
        if version is None:
            value, note = _(NOT_IN_FORCE), _("Ingen regel med dette i kraft")
        else:
            days = version["parameters"].get(name)
            value = _(NO_DUTY) if days is None else _("{n} dager", n=days)
            note = _(
                "{where} · fra {date}",
                where=_where(version["scope_level"], version["scope_code"]),
                date=_short(version["valid_from"]),
            )
            if key == "quarantine" and version["parameters"].get("test_out"):
                note += " · " + _("kan teste seg ut")
        return dbc.Col(card(title, value, note=note, card_id=card_id), md=4, lg=2)

    cert = top["certificate"]
    if cert is None:
        cert_value, cert_note = _(NOT_IN_FORCE), _("Koronasertifikat ikke innført")
    else:
        p = cert["parameters"]
        cert_value = _("{n} dager", n=p.get("vaccinated_valid_days"))
        cert_note = (
            _("gyldighet etter dose 2 · brukes innenlands")
            if p.get("domestic_use")
            else _("gyldighet etter dose 2 · ikke i bruk innenlands")
        )

    def persons_card(
        frame: pd.DataFrame, title: str, card_id: str, duty: str, key: str, subject: str
    ) -> dbc.Col:
        last = frame.iloc[-1]
        value = formatting.count(last["persons"], suppressed=bool(last["persons_suppressed"]))
        days = last[duty]
        note = (
            _("Ingen plikt på datoen · anslag")
            if pd.isna(days)
            else _("Regelen: {n} dager · anslag", n=int(days))
        )
        missing = not_published(subject)
        if missing is not None:
            # the estimate's series is not in the data: say so instead of 0
            value, note = _("Ikke publisert"), str(missing.children)
        elif top[key] is None:
            value, note = "–", _("Ingen regel i datagrunnlaget · anslag ikke mulig")
        return dbc.Col(card(title, value, note=note, card_id=card_id), md=4, lg=2)

    return [
        days_card("isolation", _("Isolasjon"), "isolation_days", "regler-card-isolation"),
        days_card("quarantine", _("Smittekarantene"), "quarantine_days", "regler-card-quarantine"),
        days_card(
            "entry_quarantine", _("Innreisekarantene"), "quarantine_days", "regler-card-entry"
        ),
        dbc.Col(
            card(
                _("Koronasertifikat"),
                cert_value,
                note=cert_note,
                card_id="regler-card-certificate",
            ),
            md=4,
            lg=2,
        ),
        persons_card(
            isolation,
            _(IN_ISOLATION.label),
            "regler-card-in-isolation",
            "isolation_days",
            "isolation",
            "cases",
        ),
        persons_card(
            quarantine,
            _(IN_QUARANTINE.label),
            "regler-card-in-quarantine",
            "quarantine_days",
            "entry_quarantine",
            "arrivals",
        ),
    ]


# --------------------------------------------------------------------------- changes
def _change_text(r: Any) -> list:
    if r.change == "ended":
        return [html.Div(_("Opphører: {text}", text=_(r.text_nb_before)))]
    parts: list = [html.Div(_(r.text_nb_after))]
    if r.change == "changed":
        names = list(r.changed_parameters or [])
        before = _parameters(r.parameters_before, names)
        after = _parameters(r.parameters_after, names)
        if names and (before or after):
            parts.append(
                dbc.Row(
                    [
                        dbc.Col([html.Div(_("Før"), className="small text-muted"), before], md=6),
                        dbc.Col([html.Div(_("Etter"), className="small text-muted"), after], md=6),
                    ],
                    className="g-2 mt-1",
                )
            )
    elif r.change == "added":
        parts.append(_parameters(r.parameters_after))
    return parts


def _upcoming(frame: pd.DataFrame, date: dt.date, days: int) -> Any:
    last = date + dt.timedelta(days=days)
    if frame.empty:
        return dbc.Alert(
            _(
                "Ingen registrerte endringer de neste {days} dagene (til og med {date}).",
                days=days,
                date=formatting.date_short(last),
            ),
            color="light",
            id="regler-upcoming-empty",
        )
    items = []
    for r in frame.itertuples(index=False):
        level = r.scope_level_after if r.change != "ended" else r.scope_level_before
        code = r.scope_code_after if r.change != "ended" else r.scope_code_before
        items.append(
            dbc.ListGroupItem(
                [
                    html.Div(
                        [
                            html.Strong(formatting.date_long(_date(r.effective_date) or date)),
                            html.Span(
                                f" · {_category(r.category)} · {_(CHANGE_LABELS[r.change])}",
                                className="text-muted",
                            ),
                            " ",
                            _level_badge(level, code),
                        ]
                    ),
                    *_change_text(r),
                ],
                className="small",
            )
        )
    return dbc.ListGroup(items, id="regler-upcoming-list")


def _timeline_points(changes: pd.DataFrame) -> pd.DataFrame:
    if changes.empty:
        return changes.assign(source=[], hover=[])
    level = changes["scope_level_after"].where(
        changes["change"] != "ended", changes["scope_level_before"]
    )
    source = level.where(~changes["authority"].map(rules.is_oxcgrt), "oxcgrt")

    def hover(r: Any) -> str:
        ended = r.change == "ended"
        text = _(r.text_nb_before if ended else r.text_nb_after)
        label = _(CHANGE_LABELS[r.change])
        params = (
            parameters_text({k: r.parameters_after.get(k) for k in r.changed_parameters})
            if r.change == "changed" and isinstance(r.parameters_after, dict)
            else []
        )
        body = html_lib.escape(f"{label}: {text}")
        wrapped = "<br>".join(_wrap(body))
        if params:
            wrapped += "<br><i>" + html_lib.escape("; ".join(params[:4])) + "</i>"
        return wrapped

    return changes.assign(source=source, hover=[hover(r) for r in changes.itertuples()])


def _wrap(text: str, width: int = 70) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def _diff(frame: pd.DataFrame, start: dt.date, end: dt.date) -> list:
    dates = dict(start=formatting.date_short(start), end=formatting.date_short(end))
    if frame.empty:
        return [
            html.P(
                _(
                    "Fra {start} til {end}: ingen endringer i reglene som gjelder i kommunen.",
                    **dates,
                ),
                id="regler-diff-summary",
            )
        ]
    counts = frame["change"].value_counts()
    summary = ", ".join(_change_count(c, int(counts[c])) for c in CHANGE_LABELS if c in counts)
    rows = []
    for r in frame.itertuples(index=False):
        names = list(r.changed_parameters or [])
        before = (
            [html.Div(_(r.text_nb_before)), _parameters(r.parameters_before, names or None)]
            if r.change != "added"
            else "–"
        )
        after = (
            [html.Div(_(r.text_nb_after)), _parameters(r.parameters_after, names or None)]
            if r.change != "ended"
            else "–"
        )
        level = r.scope_level_after if r.change != "ended" else r.scope_level_before
        code = r.scope_code_after if r.change != "ended" else r.scope_code_before
        rows.append(
            html.Tr(
                [
                    html.Td(_category(r.category), className="fw-semibold"),
                    html.Td([_(CHANGE_LABELS[r.change]), html.Br(), _level_badge(level, code)]),
                    html.Td(before),
                    html.Td(after),
                ]
            )
        )
    return [
        html.P(
            _("Fra {start} til {end}: {summary}.", summary=summary, **dates),
            id="regler-diff-summary",
        ),
        _table(
            [
                _("Kategori"),
                _("Endring"),
                _("Før ({date})", date=dates["start"]),
                _("Etter ({date})", date=dates["end"]),
            ],
            rows,
            "regler-diff-table",
        ),
    ]


def _edit_link(kommunenummer: str, name: str) -> Any:
    if not current_user.is_authenticated:
        return None
    if current_user.may("edit_rules"):
        label = _("Registrer ny regelversjon")
    elif current_user.may("edit_local_rules") and current_user.kommunenummer == kommunenummer:
        label = _("Registrer lokal regel for {kommune}", kommune=name)
    else:
        return None
    return dbc.Button(
        label,
        href=f"/regler-rediger?kommune={kommunenummer}",
        color="primary",
        outline=True,
        size="sm",
        id="regler-edit-button",
    )


# --------------------------------------------------------------------------- callbacks
@cached()
def timeline_figure(*, scope: Scope, kommunenummer: str, name: str, date: dt.date) -> dict:
    """The timeline beside the epidemic curves and the OxCGRT stringency index, as plotly
    JSON, memoized like the data reads (data version and scope in the key): building the
    figure costs more than reading what it shows."""
    info = queries.dataset_info(scope=scope)
    start = info["period_start"]
    changes = rules.rules_timeline(
        scope=scope,
        kommunenummer=kommunenummer,
        start=start,
        end=info["data_date"] + dt.timedelta(days=TIMELINE_AFTER_DAYS),
    )
    curves = []
    areas: list[tuple[str, AreaLevel, str | None]] = [
        (name, "kommune", kommunenummer),
        (_("Hele landet"), "nation", None),
    ]
    for label, level, code in areas:
        daily = queries.cases_daily(scope=scope, level=level, code=code, start=start, end=date)
        curves.append((label, core_metrics.daily_incidence(daily, days=7)))
    stringency = source_queries.reported_series(
        scope=scope, measure=STRINGENCY_MEASURE, level="nation", start=start, end=date
    )
    figure = rules_timeline_figure(
        _timeline_points(changes),
        curves,
        stringency=stringency if stringency["value"].notna().any() else None,
        reference_date=date,
        title=_("Regelendringer og 7-dagers insidens per 100 000 – {kommune}", kommune=name),
    )
    return figure


def update_regler(
    kommunenummer: str | None, requested_date: str | None, upcoming_days: int | None
) -> tuple:
    date, info = as_of(requested_date)
    date_out = date.isoformat() if date.isoformat() != requested_date else no_update
    kommuner = reference.kommuner(2024).set_index("kommunenummer")
    if not kommunenummer or kommunenummer not in kommuner.index:
        text = _("Velg en kommune i listen.")
        if kommunenummer:
            text = _(
                "Fant ingen kommune med nummer {number}. Velg en kommune i listen.",
                number=kommunenummer,
            )
        alert = dbc.Alert(text, color="warning")
        return (_("Regler"), [], "", [], None, EMPTY_FIGURE, alert, date_out, "", None)
    scope = current_scope()
    row = kommuner.loc[kommunenummer]
    days = int(upcoming_days or DEFAULT_UPCOMING_DAYS)
    in_force = rules.rules_in_force(scope=scope, kommunenummer=kommunenummer, date=date)
    isolation = rules.persons_in_isolation(scope=scope, kommunenummer=kommunenummer, date=date)
    quarantine = rules.persons_in_quarantine(scope=scope, kommunenummer=kommunenummer, date=date)
    upcoming = rules.rules_upcoming(scope=scope, kommunenummer=kommunenummer, date=date, days=days)
    figure = timeline_figure(
        scope=scope, kommunenummer=kommunenummer, name=str(row["name"]), date=date
    )
    title = _(
        "Regler – {kommune} ({number}), {fylke}",
        kommune=row["name"],
        number=kommunenummer,
        fylke=row["fylkesnavn"],
    )
    in_force_title = _("Regler i kraft {date}", date=formatting.date_long(date))
    source = _(
        "Data per {data_date}. Vist til og med {date}. Regler fra regelregisteret "
        "(demo-tidslinjen følger hovedlinjene i norske koronaregler 2020–2023, forenklet). "
        "Tall: {source}.",
        data_date=formatting.date_short(info["data_date"]),
        date=formatting.date_short(date),
        source=_(DEMO_SOURCE) if info["is_demo"] else info["source"] or _("importerte data"),
    )
    return (
        title,
        _cards(in_force, isolation, quarantine),
        in_force_title,
        _in_force(in_force),
        _upcoming(upcoming, date, days),
        figure,
        None,
        date_out,
        source,
        _edit_link(kommunenummer, str(row["name"])),
    )


def diff_defaults(requested_date: str | None, start: str | None, end: str | None) -> tuple:
    """The comparison starts as the four weeks up to the reference date."""
    if start and end:
        return no_update, no_update
    date, _info = as_of(requested_date)
    return (
        start or (date - dt.timedelta(days=DIFF_DEFAULT_DAYS)).isoformat(),
        end or date.isoformat(),
    )


def update_diff(kommunenummer: str | None, start: str | None, end: str | None) -> list:
    if not kommunenummer or kommunenummer not in set(reference.kommuner(2024)["kommunenummer"]):
        return []
    date, _info = as_of(None)
    try:
        last = dt.date.fromisoformat(str(end)[:10]) if end else date
        first = (
            dt.date.fromisoformat(str(start)[:10])
            if start
            else last - dt.timedelta(days=DIFF_DEFAULT_DAYS)
        )
    except ValueError:
        return [dbc.Alert(_("Ugyldig dato. Bruk datovelgerne."), color="warning")]
    frame = rules.rules_diff(
        scope=current_scope(), kommunenummer=kommunenummer, date_from=first, date_to=last
    )
    return _diff(frame, first, last)


def register(app: Dash) -> None:
    register_kommune_controls(app, prefix="regler", path="regler")
    app.callback(
        Output("regler-title", "children"),
        Output("regler-cards", "children"),
        Output("regler-in-force-title", "children"),
        Output("regler-in-force", "children"),
        Output("regler-upcoming", "children"),
        Output("regler-timeline", "figure"),
        Output("regler-alert", "children"),
        Output("regler-date", "date"),
        Output("regler-source", "children"),
        Output("regler-edit-link", "children"),
        Input("regler-select", "value"),
        Input("regler-date", "date"),
        Input("regler-upcoming-days", "value"),
    )(update_regler)
    app.callback(
        Output("regler-diff-from", "date"),
        Output("regler-diff-to", "date"),
        Input("regler-date", "date"),
        State("regler-diff-from", "date"),
        State("regler-diff-to", "date"),
    )(diff_defaults)
    app.callback(
        Output("regler-diff", "children"),
        Input("regler-select", "value"),
        Input("regler-diff-from", "date"),
        Input("regler-diff-to", "date"),
    )(update_diff)
