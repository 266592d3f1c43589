"""The app shell: header with data date and demo label, navigation, page container."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask_login import current_user

from dashboard import i18n
from dashboard.i18n import N_, _
from geo import reference
from layouts import a11y


def home_kommune() -> str:
    """The kommune a user's kommune pages open on: the own one, else the county's first."""
    own = getattr(current_user, "kommunenummer", None)
    if own:
        return str(own)
    fylke = getattr(current_user, "fylkesnummer", None)
    return (reference.first_kommune_in(fylke) if fylke else None) or "0301"


@dataclass(frozen=True)
class DiseaseChoice:
    """The request's disease as the shell shows it: the header's choice, the menus' links and
    pages (``PAGE["subject"]``), a message when the address named no disease. Provided by
    the callbacks layer (:func:`set_disease_choice`; layouts read no data)."""

    code: str = "covid19"
    options: tuple[tuple[str, str], ...] = ()  # (label, code)
    subjects: frozenset[str] | None = None  # the disease's page subjects; None: every one
    query: str = ""  # what a link adds to keep the disease ("?sykdom=influensa")
    unknown: str | None = None  # the message when the request named no disease


_disease_choice: list[Callable[[], DiseaseChoice]] = [DiseaseChoice]


def set_disease_choice(provider: Callable[[], DiseaseChoice]) -> None:
    _disease_choice[0] = provider


def current_disease_choice() -> DiseaseChoice:
    return _disease_choice[0]()


# The navigation's menus, in order: each page names its group in ``PAGE["nav_group"]``.
NAV_GROUPS: dict[str, str] = {
    "oversikt": N_("Oversikt"),
    "smitte": N_("Smitte"),
    "tiltak": N_("Tiltak"),
    "admin": N_("Data og varsler"),
}


def nav_entries() -> list[tuple[str, list[tuple[str, str]]]]:
    """(group label, [(page name, href)]) of the pages the user may see, translated; a group
    without a visible page is left out."""

    # Pages needing a permission are listed only for users who have it; the data layer
    # refuses the data to everyone else in any case.
    def visible(page: dict) -> bool:
        permission = page.get("permission")
        if permission is None:
            return True
        return bool(current_user.is_authenticated and current_user.may(permission))

    # A page about a subject the chosen disease does not have (certificates for influenza,
    # from data.codes.DISEASES) is left out; the links keep the chosen disease.
    chosen = current_disease_choice()
    query = chosen.query
    home = home_kommune()
    groups: dict[str, list[tuple[str, str]]] = {key: [] for key in NAV_GROUPS}
    for page in dash.page_registry.values():
        if not page.get("nav", True) or not visible(page):
            continue
        subject = page.get("subject")
        if subject is not None and chosen.subjects is not None and subject not in chosen.subjects:
            continue
        group = page.get("nav_group")
        if group not in NAV_GROUPS:
            raise ValueError(f"page {page['path']} names no nav_group of {list(NAV_GROUPS)}")
        href = page.get("nav_href", page["path"]).replace("{kommune}", home) + query
        groups[group].append((_(str(page["name"])), href))  # an N_-marked source string
    return [(_(NAV_GROUPS[key]), items) for key, items in groups.items() if items]


def _nav_menus() -> list[dbc.DropdownMenu]:
    """One menu per group (Bootstrap dropdowns: Enter/space open, arrows move, Esc closes),
    so the navigation keeps to one line at 1,280 px."""
    return [
        dbc.DropdownMenu(
            [dbc.DropdownMenuItem(name, href=href) for name, href in items],
            label=label,
            nav=True,
            in_navbar=True,
            id=f"nav-menu-{n}",
            className="nav-menu",
        )
        for n, (label, items) in enumerate(nav_entries())
    ]


def language_switch() -> html.Div:
    """Links to the other languages, each named in its own language (and marked with it)."""
    current = i18n.get_language()
    links = [
        html.A(
            name,
            href=f"/sprak/{code}",
            lang=code,
            hrefLang=code,
            className="link-light small",
            id=f"lang-{code}",
        )
        for code, (name, _locale, _html) in i18n.LANGUAGES.items()
        if code != current
    ]
    return html.Div(links, className="ms-lg-3 d-flex gap-2", id="language-switch")


def disease_choice() -> html.Div:
    """The disease every page shows (:mod:`dashboard.disease`): kept in the tab's address."""
    chosen = current_disease_choice()
    return html.Div(
        [
            html.Label(_("Sykdom"), htmlFor="disease-select", className="text-light small mb-0"),
            dbc.Select(
                id="disease-select",
                options=[{"label": label, "value": code} for label, code in chosen.options],
                value=chosen.code,
                size="sm",
                className="w-auto",
            ),
            dcc.Store(id="disease-choice-sync"),
        ],
        className="ms-lg-3 d-flex align-items-center gap-2",
        id="disease-choice",
    )


def unknown_disease_alert() -> list:
    """A page asked for with a ``sykdom`` that names no disease shows the default, and says so."""
    message = current_disease_choice().unknown
    if message is None:
        return []
    return [
        dbc.Alert(
            message,
            color="warning",
            id="unknown-disease",
            className="mb-3",
        )
    ]


def layout() -> html.Div:
    toggler_aria: Any = {"aria-label": _("Vis eller skjul menyen"), "aria-controls": "nav-collapse"}
    header = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Situasjonsbilde", href="/", className="fw-bold"),
                # a plain button: dbc.NavbarToggler hard-codes an English aria-label
                html.Button(
                    html.Span(className="navbar-toggler-icon"),
                    id="nav-toggler",
                    n_clicks=0,
                    type="button",
                    className="navbar-toggler",
                    **toggler_aria,
                ),
                dbc.Collapse(
                    dbc.Nav(_nav_menus(), navbar=True, className="me-auto", id="main-nav"),
                    id="nav-collapse",
                    is_open=False,
                    navbar=True,
                ),
                disease_choice(),
                language_switch(),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        expand="lg",
    )
    # Data date, demo label and the user on their own line: always visible, never squeezed.
    status = html.Div(
        dbc.Container(
            [
                html.Div(id="data-status", className="d-flex align-items-center gap-2"),
                html.Div(id="user-status", className="d-flex align-items-center gap-2"),
            ],
            fluid=True,
            className="d-flex flex-wrap justify-content-between gap-2",
        ),
        className="bg-body-secondary border-bottom small py-1 mb-3",
    )
    return html.Div(
        [
            html.A(_("Hopp til innhold"), href="#innhold", className="visually-hidden-focusable"),
            dcc.Location(id="nav-location", refresh="callback-nav"),
            a11y.strings_element(),
            html.Header([header, status]),  # banner landmark: navigation and data status
            dbc.Container(
                [
                    dbc.Alert(
                        id="global-alert",
                        is_open=False,
                        color="danger",
                        dismissable=True,
                    ),
                    *source_banner(),
                    *unknown_disease_alert(),
                    html.Main(dash.page_container, id="innhold", tabIndex="-1"),
                ],
                fluid=True,
            ),
            html.Footer(
                dbc.Container(
                    html.Small(
                        _("Situasjonsbilde – situasjonsoversikt for smittevern i kommunene."),
                        className="text-muted",
                    ),
                    fluid=True,
                ),
                className="py-3 mt-4 border-top",
            ),
        ]
    )


def source_banner() -> list:
    """The data-source outage banner and its availability check (dashboard/outage.py)."""
    from dashboard.outage import banner_components

    return banner_components()
