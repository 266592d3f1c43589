"""Datakvalitet: sources and their freshness, imports with rows loaded and rejected, reasons,
rejected lines, kommuner missing population, code vintages, arrivals without F/D-number and
other quality flags. Filled by :mod:`callbacks.datakvalitet`."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import N_, _
from layouts.common import page_entry, page_header

PAGE = page_entry("/datakvalitet", N_("Datakvalitet"), 20, "admin")

SECTIONS = (
    ("dq-sources", N_("Ferskhet per kilde"), N_("Siste data og siste innlesing for hver kilde.")),
    (
        "dq-imports",
        N_("Innlesinger"),
        N_("Rader lest, lastet inn, avvist og hoppet over for hver fil som er importert."),
    ),
    (
        "dq-reasons",
        N_("Vanligste avvisningsgrunner"),
        N_("Avviste rader er holdt utenfor tallene, men tatt vare på med fil, linje og felt."),
    ),
    ("dq-sample", N_("Eksempler på avviste linjer"), N_("Fil:linje:felt, verdien og grunnen.")),
    (
        "dq-population",
        N_("Kommuner med manglende befolkningstall"),
        N_("Kommuner uten befolkning for et år, eller som mangler befolkning i en kildefil."),
    ),
    (
        "dq-vintage",
        N_("Kodeversjoner (kommunestruktur)"),
        N_(
            "Hvilken kommunestruktur kodene i hver fil følger, og om tallene er oversatt til "
            "strukturen som vises."
        ),
    ),
    (
        "dq-arrivals",
        N_("Ankomster uten F/D-nummer"),
        N_("Andel registrerte ankomster uten fødselsnummer eller D-nummer."),
    ),
    (
        "dq-flags",
        N_("Andre kvalitetsflagg"),
        N_("Kjente feil og særtrekk i kildene, og hvordan de er håndtert."),
    ),
)


def layout(**_kwargs: object) -> html.Div:
    sections = [
        html.Section(
            [
                html.H2(_(title), id=f"{section_id}-title", className="h5 mt-4 mb-1"),
                html.P(_(lead), className="small text-muted mb-2"),
                html.Div(id=section_id),
            ],
            className="mb-2",
        )
        for section_id, title, lead in SECTIONS
    ]
    return html.Div(
        [
            page_header(
                _("Datakvalitet"),
                _(
                    "Hvor tallene kommer fra, hvor ferske de er, og hva som er avvist eller "
                    "flagget underveis. Ingen rader forsvinner i stillhet."
                ),
            ),
            dcc.Loading(
                [dbc.Row(id="dq-cards", className="g-3 mb-2"), *sections],
                type="default",
            ),
        ]
    )
