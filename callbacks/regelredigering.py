"""Rediger regler: the form's choices from the user's scope, prefilled values from the current
version, and recording through :func:`data.rules.record_rule_version` (which refuses, and
audits, anyone who may not record the rule)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Dash, Input, Output, State, html, no_update

from callbacks.rule_cards import parameters_text
from dashboard import formatting
from dashboard.auth import current_scope
from dashboard.definitions.rules import (
    CATEGORY_LABELS,
    KEY_NEW,
    LEVEL_LABELS,
    RULE_FORM_TEXTS,
)
from dashboard.i18n import _
from data import rules
from data.scope import Scope
from geo import reference
from layouts.common import dropdown

PARAM_TYPE = "regelred-param"
DEFAULT_KOMMUNE = "0301"


def _kommune_names() -> pd.Series:
    return reference.kommuner(2024).set_index("kommunenummer")["name"]


def _levels(scope: Scope) -> list[dict[str, Any]]:
    if scope.edit_rules:
        return [{"label": _(LEVEL_LABELS[k]), "value": k} for k in rules.SCOPE_LEVELS]
    return [{"label": _("Kommune (lokal regel)"), "value": "kommune"}]


def init_levels(kommune: str | None) -> tuple:
    scope = current_scope()
    options = _levels(scope)
    value = "national" if scope.edit_rules else "kommune"
    notice = None
    if not scope.edit_rules and not scope.edit_local_rules_for:
        notice = dbc.Alert(
            _(
                "Rollen din ({role}) kan ikke registrere regler. Forsøk blir avvist og ført i "
                "revisjonsloggen.",
                role=scope.role,
            ),
            color="warning",
            id="regelred-no-access",
        )
    elif not scope.edit_rules:
        own = ", ".join(sorted(scope.edit_local_rules_for))
        notice = dbc.Alert(
            _(
                "Du kan registrere lokale regler for egen kommune ({own}). Nasjonale regler og "
                "fylkesregler registreres av regelredaktør eller administrator.",
                own=own,
            ),
            color="info",
            id="regelred-local-only",
        )
    return options, value, notice


def code_options(level: str | None, kommune: str | None) -> tuple:
    scope = current_scope()
    if level == "national" or not level:
        return [], None, True, _("Hele landet")
    if level == "county":
        fylker = reference.fylker(2024)
        options = [
            {"label": f"{r.name} ({r.fylkesnummer})", "value": r.fylkesnummer}
            for r in fylker.itertuples()
        ]
        return options, None, False, _("Velg fylke")
    names = _kommune_names()
    codes = sorted(names.index) if scope.edit_rules else sorted(scope.edit_local_rules_for)
    options = [{"label": f"{names.get(c, c)} ({c})", "value": c} for c in codes]
    preferred = kommune if kommune in codes else (codes[0] if len(codes) == 1 else None)
    return options, preferred, False, _("Velg kommune")


def key_options(category: str | None, level: str | None, code: str | None) -> tuple:
    scope = current_scope()
    keys = rules.rule_keys(scope=scope)
    keys = keys[(keys["category"] == category) & ~keys["from_oxcgrt"]]
    options = [
        {"label": _("{key} – {text}", key=r.rule_key, text=_(r.text_nb)), "value": r.rule_key}
        for r in keys.itertuples()
    ]
    options.append({"label": _("Ny regel (ny regelnøkkel) …"), "value": KEY_NEW})
    # a rule with a version at this scope; else the national rule, which a local one replaces
    versions = rules.rule_versions(scope=scope)
    versions = versions[versions["rule_key"].isin(keys["rule_key"])]
    level = level or "national"
    wanted = "" if level == "national" else (code or "")
    here = versions[
        (versions["scope_level"] == level) & (versions["scope_code"].fillna("") == wanted)
    ]
    national = versions[versions["scope_level"] == "national"]
    value = KEY_NEW
    if len(here):
        value = here["rule_key"].iloc[0]
    elif len(national):
        value = national["rule_key"].iloc[0]
    return options, value


def error_text(field: str, message: str) -> str:
    """A validation message of :func:`data.rules.record_rule_version` («Regeltekst: må fylles
    ut») in the reader's language: the field label and a fixed message are translated, a
    message with values in it is shown as written."""
    label = rules.FIELD_LABELS.get(field)
    if label and message.startswith(f"{label}: "):
        body = message[len(label) + 2 :]
        # the data layer ends a type message with a full stop: «Gjelder fra: må fylles ut.»
        stem, stop = (body[:-1], ".") if body[:-1] in RULE_FORM_TEXTS else (body, "")
        return _("{label}: {message}", label=_(label), message=_(stem) + stop)
    return _(message)


def _param_input(spec: rules.ParameterSpec, value: Any) -> dbc.Col:
    pid = {"type": PARAM_TYPE, "name": spec.name}
    help_text = None
    if spec.kind == "bool":
        control: Any = dbc.Switch(id=pid, label=_(spec.label), value=bool(value))
        return dbc.Col(html.Div(control, className="pt-4"), md=4)
    if spec.kind == "int":
        control = dbc.Input(
            id=pid, type="number", step=1, min=spec.lo, max=spec.hi, value=value, debounce=True
        )
        help_text = f"{spec.lo}–{spec.hi}" + (f" {_(spec.unit)}" if spec.unit else "")
        if spec.nullable:
            help_text += "; " + _("tomt = {meaning}", meaning=_(spec.null_label))
    elif spec.kind == "choice":
        control = dropdown(
            id=pid,
            options=[{"label": _(label), "value": key} for key, label in spec.choices.items()],
            value=value,
            clearable=spec.nullable,
            placeholder=_(spec.null_label) if spec.nullable else _("Velg"),
        )
        if spec.nullable:
            help_text = _("Tomt = {meaning}", meaning=_(spec.null_label))
    else:
        control = dbc.Input(id=pid, type="text", value=value, debounce=True)
        if spec.nullable:
            help_text = _("Tomt = {meaning}", meaning=_(spec.null_label))
    label_id = f"regelred-param-{spec.name}"
    parts: list = [dbc.Label(_(spec.label), className="small", id=label_id), control]
    if help_text:
        parts.append(dbc.FormText(help_text))
    return dbc.Col(parts, md=4)


def _current(
    scope: Scope, key: str | None, level: str | None, code: str | None
) -> tuple[dict[str, Any] | None, pd.DataFrame]:
    """The newest version of the rule at this scope (else the national one), and the history."""
    if not key or key == KEY_NEW:
        return None, pd.DataFrame()
    versions = rules.rule_versions(scope=scope, rule_key=key)
    code = None if level == "national" else code
    here = versions[
        (versions["scope_level"] == level) & (versions["scope_code"].fillna("") == (code or ""))
    ]
    base = here if len(here) else versions[versions["scope_level"] == "national"]
    current = base.iloc[0].to_dict() if len(base) else None
    return current, versions


def _history(versions: pd.DataFrame) -> Any:
    if versions.empty:
        return html.P(_("Ingen versjoner ennå."), className="text-muted small")
    rows = []
    names = _kommune_names()
    for r in versions.head(30).itertuples(index=False):
        where = _(LEVEL_LABELS[r.scope_level]) if r.scope_level in LEVEL_LABELS else r.scope_level
        if r.scope_level == "kommune":
            where = _("Lokal: {name}", name=names.get(r.scope_code, r.scope_code))
        elif r.scope_level == "county":
            where = _("Fylke {number}", number=r.scope_code)
        end = (
            _("inntil videre") if pd.isna(r.valid_to) else formatting.date_short(r.valid_to.date())
        )
        rows.append(
            html.Tr(
                [
                    html.Td(str(r.id)),
                    html.Td(where),
                    html.Td(f"{formatting.date_short(r.valid_from.date())} – {end}"),
                    html.Td(_(r.text_nb)),
                    html.Td(html.Ul([html.Li(t) for t in parameters_text(r.parameters)])),
                    html.Td(
                        _(
                            "{who}, {when}",
                            who=r.recorded_by,
                            when=f"{formatting.date_short(pd.Timestamp(r.recorded_at))} "
                            f"{pd.Timestamp(r.recorded_at):%H:%M}",
                        )
                    ),
                ]
            )
        )
    header = [_("Id"), _("Nivå"), _("Gjelder"), _("Tekst"), _("Parametere"), _("Registrert av")]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)],
        size="sm",
        responsive=True,
        className="small align-top",
        id="regelred-history-table",
    )


def prefill(category: str | None, key: str | None, level: str | None, code: str | None) -> tuple:
    scope = current_scope()
    current, versions = _current(scope, key, level, code)
    params = dict(current["parameters"]) if current else {}
    names = rules.CATEGORY_PARAMETERS.get(category or "", ())
    fields = [_param_input(rules.PARAMETERS[n], params.get(n)) for n in names]
    extra = {k: v for k, v in params.items() if k not in names}
    note = []
    if extra:
        shown = parameters_text(extra)
        if shown:
            note.append(
                dbc.FormText(
                    _("Beholdes fra gjeldende versjon: {parameters}", parameters="; ".join(shown)),
                    className="d-block mt-2",
                )
            )
    same_scope = bool(
        current
        and current["scope_level"] == level
        and (level == "national" or current["scope_code"] == code)
    )
    authority = current["authority"] if current and same_scope else None
    if authority is None and level == "kommune" and code:
        # a value for the rule register, which is kept in bokmål
        authority = f"{_kommune_names().get(code, code)} kommune"
    if authority is None and current:
        authority = current["authority"]
    show_new = {"display": "block"} if key == KEY_NEW else {"display": "none"}
    return (
        [dbc.Row(fields, className="g-3"), *note],
        extra,
        current["text_nb"] if current else "",
        authority or "",
        (current["source_url"] if current else None) or "",
        _history(versions),
        show_new,
    )


def submit(
    n_clicks: int | None,
    category: str | None,
    key: str | None,
    new_key: str | None,
    level: str | None,
    code: str | None,
    param_ids: list[dict[str, str]],
    param_values: list[Any],
    extra: dict[str, Any] | None,
    text: str | None,
    authority: str | None,
    url: str | None,
    valid_from: str | None,
    valid_to: str | None,
    kommune: str | None,
) -> tuple:
    if not n_clicks:
        return no_update, no_update
    parameters: dict[str, Any] = dict(extra or {})
    for pid, value in zip(param_ids or [], param_values or [], strict=True):
        if isinstance(pid, dict) and isinstance(pid.get("name"), str):
            parameters[pid["name"]] = None if value == "" else value
    rule_key = (new_key or "") if key == KEY_NEW else (key or "")
    try:
        recorded = rules.record_rule_version(
            scope=current_scope(),
            rule_key=rule_key,
            category=category or "",
            scope_level=level or "",
            scope_code=code if level != "national" else None,
            parameters=parameters,
            text_nb=text or "",
            authority=authority or "",
            source_url=url or None,
            valid_from=valid_from[:10] if valid_from else None,  # type: ignore[arg-type]
            valid_to=valid_to[:10] if valid_to else None,
        )
    except rules.RuleValidationError as error:
        alert = dbc.Alert(
            [
                html.Strong(_("Ikke registrert. Rett opp dette og prøv igjen:")),
                html.Ul(
                    [html.Li(error_text(field, message)) for field, message in error.errors],
                    className="mb-0",
                ),
            ],
            color="danger",
            id="regelred-errors",
        )
        return alert, no_update
    target = code if level == "kommune" and code else (kommune or DEFAULT_KOMMUNE)
    category_label = (
        _(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else (category or "")
    )
    rule_values = dict(
        key=recorded.rule_key,
        category=category_label,
        start=formatting.date_short(recorded.valid_from),
    )
    parts: list = [
        html.Strong(_("Ny versjon registrert: id {id}.", id=recorded.id) + " "),
        _(
            "Regel «{key}» ({category}) gjelder fra {start} til {end}.",
            end=formatting.date_short(recorded.valid_to),
            **rule_values,
        )
        if recorded.valid_to
        else _("Regel «{key}» ({category}) gjelder fra {start}.", **rule_values),
    ]
    if recorded.supersedes_id is not None:
        if recorded.superseded_valid_to is not None:
            parts.append(
                " "
                + _(
                    "Den avløser versjon {id}, som nå gjelder til {end}.",
                    id=recorded.supersedes_id,
                    end=formatting.date_short(recorded.superseded_valid_to),
                )
            )
        else:
            parts.append(" " + _("Den avløser versjon {id}.", id=recorded.supersedes_id))
    if recorded.certificates is not None:
        c = recorded.certificates
        parts.append(
            " "
            + _(
                "Koronasertifikatene fra {start} er beregnet på nytt ({n} perioder).",
                start=formatting.date_short(recorded.valid_from),
                n=formatting.number(c.rows_inserted),
            )
        )
    parts += [
        " ",
        html.A(
            _("Se reglene i kraft"),
            href=f"/regler/{target}?dato={recorded.valid_from.isoformat()}",
            id="regelred-view-link",
        ),
    ]
    _current_version, versions = _current(current_scope(), recorded.rule_key, level, code)
    return dbc.Alert(parts, color="success", id="regelred-success"), _history(versions)


def register(app: Dash) -> None:
    app.callback(
        Output("regelred-level", "options"),
        Output("regelred-level", "value"),
        Output("regelred-access", "children"),
        Input("regelred-kommune", "data"),
    )(init_levels)
    app.callback(
        Output("regelred-code", "options"),
        Output("regelred-code", "value"),
        Output("regelred-code", "disabled"),
        Output("regelred-code", "placeholder"),
        Input("regelred-level", "value"),
        State("regelred-kommune", "data"),
    )(code_options)
    app.callback(
        Output("regelred-key", "options"),
        Output("regelred-key", "value"),
        Input("regelred-category", "value"),
        Input("regelred-level", "value"),
        Input("regelred-code", "value"),
    )(key_options)
    app.callback(
        Output("regelred-params", "children"),
        Output("regelred-extra", "data"),
        Output("regelred-text", "value"),
        Output("regelred-authority", "value"),
        Output("regelred-url", "value"),
        Output("regelred-history", "children"),
        Output("regelred-new-key-group", "style"),
        Input("regelred-category", "value"),
        Input("regelred-key", "value"),
        Input("regelred-level", "value"),
        Input("regelred-code", "value"),
    )(prefill)
    app.callback(
        Output("regelred-result", "children"),
        Output("regelred-history", "children", allow_duplicate=True),
        Input("regelred-submit", "n_clicks"),
        State("regelred-category", "value"),
        State("regelred-key", "value"),
        State("regelred-new-key", "value"),
        State("regelred-level", "value"),
        State("regelred-code", "value"),
        State({"type": PARAM_TYPE, "name": ALL}, "id"),
        State({"type": PARAM_TYPE, "name": ALL}, "value"),
        State("regelred-extra", "data"),
        State("regelred-text", "value"),
        State("regelred-authority", "value"),
        State("regelred-url", "value"),
        State("regelred-from", "date"),
        State("regelred-to", "date"),
        State("regelred-kommune", "data"),
        prevent_initial_call=True,
    )(submit)


__all__ = ["register"]
