"""Header: data date and whether the data are demo data (or, for imported data, which sources
and data dates are loaded), on every page."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html
from flask_login import current_user

from dashboard import disease, formatting, warmup
from dashboard.auth import current_scope, display_name
from dashboard.definitions import source_short_name
from dashboard.i18n import _
from data import queries
from data.queries import sources
from layouts.shell import DiseaseChoice, set_disease_choice


def loaded_sources(runs: Any) -> list[tuple[str, str, str]]:
    """(short name, data dates, full source and files) per imported source, active imports
    only, in first-seen order (newest import first); translated."""
    active = runs[runs["status"] == "active"]
    grouped: dict[str, dict[str, Any]] = {}
    for row in active.itertuples():
        name = source_short_name(row.kind, row.source)
        entry = grouped.setdefault(
            name, {"dates": set(), "sources": set(), "files": [], "population": False}
        )
        entry["population"] |= str(row.kind).startswith("ssb_population")
        if row.data_date is not None and not (isinstance(row.data_date, float)):
            entry["dates"].add(row.data_date)
        entry["sources"].add(str(row.source))
        entry["files"].append(str(row.file).rsplit("/", 1)[-1])
    out = []
    for name, entry in grouped.items():
        dates = sorted(entry["dates"])
        if entry["population"]:
            when = _("befolkning {aar}", aar=", ".join(str(d.year) for d in dates))
        elif dates:
            when = _("til {dato}", dato=formatting.date_short(dates[-1]))
        else:
            when = ""
        detail = _(
            "{kilder}. Filer: {filer}",
            kilder="; ".join(sorted(entry["sources"])),
            filer=", ".join(entry["files"]),
        )
        out.append((name, when, detail))
    return out


def _real_data_status() -> list:
    runs = sources.data_sources(scope=current_scope())
    items = loaded_sources(runs)
    if not items:
        return []
    parts: list = [
        dbc.Badge(
            _("EKTE DATA – importert"),
            color="info",
            text_color="dark",
            id="real-data-badge",
            title=_("Publiserte tall importert med «situasjonsbilde import». Se Datakvalitet."),
        ),
        html.Span(_("Kilder:"), className="text-muted"),
    ]
    for name, when, detail in items:
        parts.append(
            html.Span(
                f"{name} {when}".strip(),
                title=detail,
                className="badge text-bg-light border fw-normal",
            )
        )
    return [html.Span(parts, id="data-sources", className="d-flex flex-wrap gap-1")]


def data_status(_pathname: str | None) -> list:
    try:
        info = queries.dataset_info(scope=current_scope())
    except LookupError:
        return [dbc.Badge(_("Ingen data lastet"), color="danger")]
    parts: list = [
        html.Span(
            _("Data per {dato}", dato=formatting.date_short(info["data_date"])), id="data-date"
        )
    ]
    if info["is_demo"]:
        parts.append(
            dbc.Badge(
                _("DEMODATA – syntetiske tall"),
                color="warning",
                text_color="dark",
                id="demo-badge",
                title=_(
                    "Alle tall er syntetiske demodata laget av Situasjonsbilde "
                    "(skala {skala}, frø {seed}), ikke ekte personer.",
                    skala=info["scale"],
                    seed=info["seed"],
                ),
            )
        )
    else:
        parts.extend(_real_data_status())
    parts.extend(_warmup_status())
    return parts


def _warmup_status() -> list:
    """While the warm-up computes the morning's pages after a load: how far it has come."""
    state = warmup.shared_state()
    if not state or state.get("state") != "running":
        return []
    return [
        dbc.Badge(
            _("Forbereder sidene: {ferdig} av {alle}", ferdig=state["done"], alle=state["total"]),
            color="info",
            id="warmup-status",
            title=_(
                "Etter hver innlasting regnes alle kommuners morgenbrief og kommuneside ut på "
                "forhånd. Sidene virker imens, men den første visningen kan ta litt lenger tid."
            ),
        )
    ]


def user_status(_pathname: str | None) -> list:
    if not current_user.is_authenticated:
        return []
    return [
        html.Span(
            [html.Span(display_name(current_user), id="user-name"), " · ", current_user.role_label],
            id="user-role",
        ),
        html.A(_("Logg ut"), href="/logout", id="logout-link"),
    ]


def disease_choice() -> DiseaseChoice:
    """The request's disease as the shell shows it (:mod:`dashboard.disease`)."""
    chosen = disease.chosen()
    asked = disease.unknown_choice()
    return DiseaseChoice(
        code=chosen.code,
        options=tuple((o["label"], o["value"]) for o in disease.options()),
        subjects=chosen.subjects,
        query=disease.query(),
        unknown=None
        if asked is None
        else _("Ukjent sykdom «{verdi}». Viser {sykdom}.", verdi=asked, sykdom=disease.name()),
    )


TOGGLE = """
function(n, isOpen) { return n ? !isOpen : isOpen; }
"""
# the header's disease choice: the tab's new address, every page read again (assets/disease.js)
CHOOSE_DISEASE = """
function(code) {
    const choose = window.situasjonsbilde && window.situasjonsbilde.chooseDisease;
    if (choose) { choose(code); }
    return window.dash_clientside.no_update;
}
"""


def register(app: Dash) -> None:
    set_disease_choice(disease_choice)
    app.clientside_callback(
        TOGGLE,
        Output("nav-collapse", "is_open"),
        Input("nav-toggler", "n_clicks"),
        State("nav-collapse", "is_open"),
    )
    app.clientside_callback(
        CHOOSE_DISEASE,
        Output("disease-choice-sync", "data"),
        Input("disease-select", "value"),
        prevent_initial_call=True,
    )
    app.callback(Output("data-status", "children"), Input("nav-location", "pathname"))(data_status)
    app.callback(Output("user-status", "children"), Input("nav-location", "pathname"))(user_status)
