"""Datakvalitet: sources and their freshness, imports with rows loaded and rejected, reasons,
rejected lines, kommuner missing population, code vintages, arrivals without F/D-number and
other quality flags. Filled by :mod:`callbacks.datakvalitet`."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import page_header

PAGE = dict(
    path="/datakvalitet",
    name="Datakvalitet",
    title="Datakvalitet – Situasjonsbilde",
    order=20,
)

SECTIONS = (
    ("dq-sources", "Ferskhet per kilde", "Siste data og siste innlesing for hver kilde."),
    (
        "dq-imports",
        "Innlesinger",
        "Rader lest, lastet inn, avvist og hoppet over for hver fil som er importert.",
    ),
    (
        "dq-reasons",
        "Vanligste avvisningsgrunner",
        "Avviste rader er holdt utenfor tallene, men tatt vare på med fil, linje og felt.",
    ),
    ("dq-sample", "Eksempler på avviste linjer", "Fil:linje:felt, verdien og grunnen."),
    (
        "dq-population",
        "Kommuner med manglende befolkningstall",
        "Kommuner uten befolkning for et år, eller som mangler befolkning i en kildefil.",
    ),
    (
        "dq-vintage",
        "Kodeversjoner (kommunestruktur)",
        "Hvilken kommunestruktur kodene i hver fil følger, og om tallene er oversatt til "
        "strukturen som vises.",
    ),
    (
        "dq-arrivals",
        "Ankomster uten F/D-nummer",
        "Andel registrerte ankomster uten fødselsnummer eller D-nummer.",
    ),
    (
        "dq-flags",
        "Andre kvalitetsflagg",
        "Kjente feil og særtrekk i kildene, og hvordan de er håndtert.",
    ),
)


def layout(**_: object) -> html.Div:
    sections = [
        html.Section(
            [
                html.H2(title, id=f"{section_id}-title", className="h5 mt-4 mb-1"),
                html.P(lead, className="small text-muted mb-2"),
                html.Div(id=section_id),
            ],
            className="mb-2",
        )
        for section_id, title, lead in SECTIONS
    ]
    return html.Div(
        [
            page_header(
                "Datakvalitet",
                "Hvor tallene kommer fra, hvor ferske de er, og hva som er avvist eller "
                "flagget underveis. Ingen rader forsvinner i stillhet.",
            ),
            dcc.Loading(
                [dbc.Row(id="dq-cards", className="g-3 mb-2"), *sections],
                type="default",
            ),
        ]
    )
