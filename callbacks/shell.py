"""Header: data date and whether the data are demo data (or, for imported data, which sources
and data dates are loaded), on every page."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html
from flask_login import current_user

from dashboard import formatting
from dashboard.auth import current_scope
from dashboard.definitions import source_short_name
from data import queries
from data.queries import sources


def loaded_sources(runs: Any) -> list[tuple[str, str, str]]:
    """(short name, data dates, full source and files) per imported source, active imports
    only, in first-seen order (newest import first)."""
    active = runs[runs["status"] == "active"]
    grouped: dict[str, dict[str, Any]] = {}
    for row in active.itertuples():
        name = source_short_name(row.kind, row.source)
        entry = grouped.setdefault(name, {"dates": set(), "sources": set(), "files": []})
        if row.data_date is not None and not (isinstance(row.data_date, float)):
            entry["dates"].add(row.data_date)
        entry["sources"].add(str(row.source))
        entry["files"].append(str(row.file).rsplit("/", 1)[-1])
    out = []
    for name, entry in grouped.items():
        dates = sorted(entry["dates"])
        if name == "SSB 07459":
            when = "befolkning " + ", ".join(str(d.year) for d in dates)
        elif dates:
            when = f"til {formatting.date_short(dates[-1])}"
        else:
            when = ""
        detail = "; ".join(sorted(entry["sources"])) + ". Filer: " + ", ".join(entry["files"])
        out.append((name, when, detail))
    return out


def _real_data_status() -> list:
    runs = sources.data_sources(scope=current_scope())
    items = loaded_sources(runs)
    if not items:
        return []
    parts: list = [
        dbc.Badge(
            "EKTE DATA – importert",
            color="info",
            text_color="dark",
            id="real-data-badge",
            title="Publiserte tall importert med «situasjonsbilde import». Se Datakvalitet.",
        ),
        html.Span("Kilder:", className="text-muted"),
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
        return [dbc.Badge("Ingen data lastet", color="danger")]
    parts: list = [
        html.Span(f"Data per {formatting.date_short(info['data_date'])}", id="data-date")
    ]
    if info["is_demo"]:
        parts.append(
            dbc.Badge(
                "DEMODATA – syntetiske tall",
                color="warning",
                text_color="dark",
                id="demo-badge",
                title=(
                    "Alle tall er syntetiske demodata laget av Situasjonsbilde "
                    f"(skala {info['scale']}, frø {info['seed']}), ikke ekte personer."
                ),
            )
        )
    else:
        parts.extend(_real_data_status())
    return parts


def user_status(_pathname: str | None) -> list:
    if not current_user.is_authenticated:
        return []
    return [
        html.Span(
            [html.Span(current_user.display_name, id="user-name"), " · ", current_user.role_label],
            id="user-role",
        ),
        html.A("Logg ut", href="/logout", id="logout-link"),
    ]


TOGGLE = """
function(n, isOpen) { return n ? !isOpen : isOpen; }
"""


def register(app: Dash) -> None:
    app.clientside_callback(
        TOGGLE,
        Output("nav-collapse", "is_open"),
        Input("nav-toggler", "n_clicks"),
        State("nav-collapse", "is_open"),
    )
    app.callback(Output("data-status", "children"), Input("nav-location", "pathname"))(data_status)
    app.callback(Output("user-status", "children"), Input("nav-location", "pathname"))(user_status)
