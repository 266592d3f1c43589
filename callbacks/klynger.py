"""Klynger og utbrudd callbacks. The cluster view is aggregate and open to every role in its
scope; the transmission-chain view reads person-level data through :mod:`data.tracing` only,
which refuses (and audits) every role without tracing permission and audits every read."""

from __future__ import annotations

from functools import cache
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State

from callbacks.common import not_published, page_context, register_kommune_page
from callbacks.subject import count, source_line
from dashboard import figures, formatting
from dashboard.auth import current_scope
from dashboard.definitions.clusters import SETTING_LABELS, STATUS_LABELS
from dashboard.figures import clusters as cluster_figures
from dashboard.i18n import _, ngettext
from dashboard.metrics import clusters as cluster_metrics
from data import tracing
from data.queries import clusters as cluster_queries
from geo import reference
from layouts.common import EMPTY_FIGURE, card_col


@cache
def _names() -> dict[str, str]:
    kommuner = reference.kommuner(2024)
    return dict(zip(kommuner["kommunenummer"], kommuner["name"], strict=True))


def _kommuner_text(codes: list[str], names: dict[str, str]) -> str:
    # a kommune outside the reader's scope comes from the data layer as OTHER_KOMMUNE
    text = ", ".join(
        _("annen kommune") if c == cluster_queries.OTHER_KOMMUNE else f"{names.get(c, c)} ({c})"
        for c in codes
    )
    return _("På tvers av kommuner: {kommuner}", kommuner=text) if len(codes) > 1 else text


def _cards(overview: pd.DataFrame) -> list[dbc.Col]:
    active = overview[overview["status"] == "active"]
    growth = active["growth_7d"]
    hidden = int(active["growth_7d_suppressed"].sum())
    growth_text = formatting.number(float(growth.fillna(0).sum()))
    if hidden:
        growth_text = _("minst {antall}", antall=growth_text)
    settings = active["setting"].value_counts()
    top = ", ".join(f"{_(SETTING_LABELS.get(s, s))} ({n})" for s, n in settings.head(3).items())
    return [
        card_col(
            _("Aktive klynger"),
            formatting.number(len(active)),
            note=_("Flest i: {miljoer}", miljoer=top) if top else _("Ingen aktive klynger"),
            card_id="klynger-card-active",
            md=3,
        ),
        card_col(
            _("Nye klynger siste 7 dager"),
            formatting.number(int(overview["new"].sum())),
            card_id="klynger-card-new",
            md=3,
        ),
        card_col(
            _("Nye tilfeller i aktive klynger (7 d)"),
            growth_text,
            note=ngettext(
                "{n} klynge med 1–4 nye vises ikke",
                "{n} klynger med 1–4 nye vises ikke",
                hidden,
                n=formatting.number(hidden),
            )
            if hidden
            else None,
            card_id="klynger-card-growth",
            md=3,
        ),
        card_col(
            _("Klynger på tvers av kommuner"),
            formatting.number(int(active["cross_border"].sum())),
            note=_("aktive klynger med tilfeller i flere kommuner"),
            card_id="klynger-card-cross",
            md=3,
        ),
    ]


MAX_TABLE_ROWS = 500


def _table(overview: pd.DataFrame, names: dict[str, str]) -> list[dict[str, Any]]:
    # active first, fastest growing first: the rest is one kommune or county away
    overview = overview.head(MAX_TABLE_ROWS)
    return [
        {
            "id": r.id,
            "setting": _(SETTING_LABELS.get(r.setting, r.setting)),
            "status": _(STATUS_LABELS.get(r.status, r.status)),
            "first": formatting.date_short(r.first_case_date.date()),
            "last": formatting.date_short(r.last_case_date.date()),
            "size": count(r.size, bool(r.size_suppressed)),
            "growth": count(r.growth_7d, bool(r.growth_7d_suppressed)),
            "kommuner": _kommuner_text(list(r.kommuner_involved), names),
        }
        for r in overview.itertuples()
    ]


def update_klynger(
    kommunenummer: str | None, requested_date: str | None, view: str | None
) -> tuple:
    across = view == "scope"
    if across:
        # the whole scope: the kommune picker only sets the date context
        context, date_out, alert = page_context(kommunenummer or "0301", requested_date)
    else:
        context, date_out, alert = page_context(kommunenummer, requested_date)
    if context is None:
        return (_("Klynger og utbrudd"), [], EMPTY_FIGURE, [], [], alert, date_out, "")
    notice = not_published("clusters", context.kommunenummer)
    if notice is not None:  # e.g. published data: no cluster register; say so, not zeros
        title = context.title(_("Klynger og utbrudd"))
        nothing = figures.message_figure(_("Ingen klyngedata i datagrunnlaget."))
        return (title, [], nothing, [], [], notice, date_out, source_line(context))
    scope = current_scope()
    code = None if across else context.kommunenummer
    page = cluster_queries.cluster_page(scope=scope, date=context.date, kommunenummer=code)
    overview, weekly = page["overview"], page["weekly"]
    names = _names()
    setting_labels = {k: _(v) for k, v in SETTING_LABELS.items()}
    label_text = (
        overview["id"]
        + " ("
        + overview["setting"].map(setting_labels).fillna(overview["setting"])
        + ")"
    )
    labels = dict(zip(overview["id"], label_text, strict=True))
    title = (
        _("Klynger og utbrudd – alle kommuner i din tilgang")
        if across
        else context.title(_("Klynger og utbrudd"))
    )
    hidden_weeks = int(weekly["cases_suppressed"].sum())
    if across:
        figure_title = _("Klyngetilfeller per uke – alle kommuner i din tilgang")
    else:
        figure_title = _("Klyngetilfeller per uke – {kommune}", kommune=context.name)
    if hidden_weeks:
        figure_title += " " + ngettext(
            "({n} klynge-uke med 1–4 tilfeller vises ikke)",
            "({n} klynge-uker med 1–4 tilfeller vises ikke)",
            hidden_weeks,
            n=formatting.number(hidden_weeks),
        )
    figure = cluster_figures.cluster_epicurve(weekly, labels, title=figure_title)
    options = [
        {
            "label": labels[r.id] + f", {formatting.date_short(r.first_case_date.date())}",
            "value": r.id,
        }
        for r in overview.head(MAX_TABLE_ROWS).itertuples()
    ]
    if len(overview) > MAX_TABLE_ROWS:
        alert = dbc.Alert(
            _(
                "Tabellen viser de {vist} første av {antall} klynger (aktive og raskest "
                "voksende først); velg én kommune for å se alle der.",
                vist=formatting.number(MAX_TABLE_ROWS),
                antall=formatting.number(len(overview)),
            ),
            color="info",
            className="small py-2",
        )
    return (
        title,
        _cards(overview),
        figure,
        _table(overview, names),
        options,
        alert,
        date_out,
        source_line(context),
    )


def chain_section(_id: Any) -> tuple[dict[str, str], str]:
    """Show the chain section to users with tracing permission. This only decides what is
    drawn; the tracing store refuses everyone else whatever they send."""
    if not current_scope().tracing:
        return {"display": "none"}, ""
    return (
        {"display": "block"},
        _("Personnivå (pseudonymt) fra smittesporingen. Visningen logges i revisjonsloggen."),
    )


def update_chain(cluster_id: str | None) -> tuple[Any, str]:
    if not cluster_id:
        return EMPTY_FIGURE, _("Velg en klynge for å se smittekjedene.")
    scope = current_scope()
    # Both reads refuse a scope without tracing permission (ScopeError → the app's error
    # handler shows the message and sends no output) and write one audit row each.
    members = tracing.cluster_members(scope=scope, cluster_id=cluster_id)
    links = tracing.transmission_links(scope=scope, cluster_id=cluster_id)
    outside = links.attrs.get("outside")
    total = int(members.attrs.get("members_total", len(members)))
    away = int(members.attrs.get("members_outside", 0))
    elsewhere = (
        " "
        + _(
            "{n} av {m} medlemmer er utenfor ditt område; de som er knyttet til dine tilfeller "
            "vises som «tilfelle i annen kommune», uten persondetaljer.",
            n=formatting.number(away),
            m=formatting.number(total),
        )
        if away
        else ""
    )
    if members.empty:
        return EMPTY_FIGURE, _("Ingen tilfeller i klyngen du har tilgang til.") + elsewhere
    title = ngettext(
        "Smittekjeder i {klynge}: {n} tilfelle",
        "Smittekjeder i {klynge}: {n} tilfeller",
        len(members),
        klynge=cluster_id,
        n=formatting.number(len(members)),
    )
    if away:
        title += " " + _("(+ {n} i annen kommune)", n=formatting.number(away))
    drawn = cluster_metrics.with_outside(members, links, outside)
    if len(drawn) > cluster_metrics.MAX_NODES:
        groups, edges = cluster_metrics.collapse_network(drawn, links)
        figure = cluster_figures.collapsed_network(
            groups, edges, title=title + " " + _("(samlet per dag og kommune)")
        )
        return figure, _(
            "Klyngen er for stor til å vise hvert tilfelle; tilfellene er samlet."
        ) + elsewhere
    nodes, edges = cluster_metrics.network_layout(drawn, links)
    figure = cluster_figures.transmission_network(
        nodes,
        edges,
        title=title,
        setting_labels=SETTING_LABELS,
        age_labels={a: a.replace("-", "–") for a in members["age_band"].unique()},
        kommune_names=_names(),
    )
    return figure, _("Klikk på et tilfelle for detaljer.") + elsewhere


NODE_DETAIL = r"""
function(click, texts) {
    if (!click || !click.points || !click.points.length || !click.points[0].customdata) {
        return window.dash_clientside.no_update;
    }
    const c = click.points[0].customdata;
    // texts: translated templates from layouts.klynger.chain_texts ({0} … {6})
    const template = c.length === 1 ? texts.outside : (c.length < 7 ? texts.group : texts.case);
    return template.replace(/\{(\d)\}/g, (_m, i) => String(c[Number(i)]));
}
"""


def register(app: Dash) -> None:
    register_kommune_page(
        app,
        update_klynger,
        prefix="klynger",
        path="klynger",
        outputs="title cards epicurve.figure table.data chain-cluster.options "
        "alert date.date source",
        inputs="view.value",
    )
    app.callback(
        Output("klynger-chain-section", "style"),
        Output("klynger-chain-note", "children"),
        Input("klynger-chain-section", "id"),
    )(chain_section)
    app.callback(
        Output("klynger-chain", "figure"),
        Output("klynger-chain-detail", "children"),
        Input("klynger-chain-cluster", "value"),
    )(update_chain)
    app.clientside_callback(
        NODE_DETAIL,
        Output("klynger-chain-detail", "children", allow_duplicate=True),
        Input("klynger-chain", "clickData"),
        State("klynger-chain-texts", "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        """
        function(view) {
            const params = new URLSearchParams(window.location.search);
            if (view && view !== 'kommune') { params.set('visning', view); }
            else { params.delete('visning'); }
            const q = params.toString();
            window.history.replaceState(null, '', window.location.pathname + (q ? '?' + q : ''));
            return view;
        }
        """,
        Output("klynger-view-url", "data"),
        Input("klynger-view", "value"),
    )
