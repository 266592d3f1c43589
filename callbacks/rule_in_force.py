"""The Regler page's rules in force: the table of what applies on a day and the cards of
isolation and quarantine (helpers, not a page)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from callbacks.common import not_published
from callbacks.rule_pieces import (
    OVERRIDES_NATIONAL,
    OVERRIDES_TEXTS,
    category_label,
    level_badge,
    parameters_list,
    period_text,
    rules_table,
    short_date,
    source_links,
    where_text,
)
from dashboard import formatting
from dashboard.definitions.rules import (
    IN_ISOLATION,
    IN_QUARANTINE,
    NO_DUTY,
    NOT_IN_FORCE,
)
from dashboard.i18n import _
from dashboard.metrics.rules import headline
from data import rules
from layouts.common import card


# --------------------------------------------------------------------------- in force
def _in_force_rows(frame: pd.DataFrame) -> list[html.Tr]:
    rows = []
    for r in frame.itertuples(index=False):
        level_cell: list = [level_badge(r.scope_level, r.scope_code)]
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
                    html.Td(category_label(r.category), className="fw-semibold"),
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
                    html.Td(period_text(r.valid_from, r.valid_to), className="text-nowrap"),
                    html.Td(parameters_list(r.parameters)),
                    html.Td(source_links(r.authority, r.source_url)),
                ],
                className="rule-local" if r.scope_level == "kommune" else None,
            )
        )
    return rows


def in_force_section(frame: pd.DataFrame) -> list:
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
        out.append(rules_table(header, _in_force_rows(own), "regler-in-force-table"))
    if not imported.empty:
        compact = [
            html.Tr(
                [
                    html.Td(category_label(r.category)),
                    html.Td(_(r.text_nb)),
                    html.Td(period_text(r.valid_from, r.valid_to), className="text-nowrap"),
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
                        rules_table(
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
def in_force_cards(
    in_force: pd.DataFrame, isolation: pd.DataFrame, quarantine: pd.DataFrame
) -> list:
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
                where=where_text(version["scope_level"], version["scope_code"]),
                date=short_date(version["valid_from"]),
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
