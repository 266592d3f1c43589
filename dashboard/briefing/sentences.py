"""Signals and rule changes near the kommune, as plain sentences in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from dashboard import formatting
from dashboard.definitions.rules import CATEGORY_LABELS
from dashboard.i18n import N_, _
from data.queries import rules as rule_queries
from data.queries import signals as signal_queries
from data.rules import parameter_parts
from data.scope import Scope
from geo import reference

RULE_UPCOMING_DAYS = 7
SIGNAL_SERIES_WORDS = {"cases": N_("tilfeller"), "admissions": N_("sykehusinnleggelser")}


def signal_sentences(frame: pd.DataFrame, *, own: str) -> list[str]:
    """Signals (rows of :func:`data.queries.signals.signals_on`) as sentences in the current
    language, the kommune's own first: «Signal på tilfeller i Bergen uke 7: observert 45,
    forventet 20,3, terskel 31 (siden uke 5).» A neighbour's sentence names it with the word
    ``_("nabokommunen")`` (the PDF tells them apart by it)."""
    rows = sorted(frame.itertuples(index=False), key=lambda r: r.kommunenummer != own)
    out = []
    for r in rows:
        observed = formatting.count(r.observed, suppressed=bool(r.observed_suppressed))
        since = pd.Timestamp(r.since_week_start)
        since_text = (
            ""
            if since == pd.Timestamp(r.week_start)
            else _(" (siden uke {uke})", uke=since.isocalendar().week)
        )
        values = dict(
            serie=_(SIGNAL_SERIES_WORDS.get(r.series, r.series)),
            kommune=r.name,
            uke=r.iso_week,
            observert=observed,
            forventet=formatting.number(r.expected, 1),
            terskel=formatting.number(r.threshold, 0),
            siden=since_text,
        )
        if r.kommunenummer == own:
            text = _(
                "Signal på {serie} i {kommune} uke {uke}: observert {observert}, "
                "forventet {forventet}, terskel {terskel}{siden}.",
                **values,
            )
        else:
            text = _(
                "Signal på {serie} i nabokommunen {kommune} uke {uke}: observert {observert}, "
                "forventet {forventet}, terskel {terskel}{siden}.",
                **values,
            )
        out.append(text)
    return out


def signals_near(
    *, scope: Scope, kommunenummer: str, neighbours: list[str], date: dt.date
) -> tuple[list[str], dt.date]:
    """Signals in the last complete ISO week on ``date`` for the kommune and the neighbours the
    user may compare it with, every series; and the Monday of that week."""
    frame = signal_queries.signals_on(
        scope=scope.comparison_for(kommunenummer),
        date=date,
        kommuner=[kommunenummer, *neighbours],
        series=None,
    )
    return signal_sentences(frame, own=kommunenummer), signal_queries.signal_week(date)


def _rule_where(level: Any, code: Any) -> str:
    if level == "kommune":
        names = reference.kommuner(2024).set_index("kommunenummer")["name"]
        return _("lokal regel for {kommune}", kommune=names.get(code, code))
    if level == "county":
        names = reference.fylker(2024).set_index("fylkesnummer")["name"]
        return _("{fylke} fylke", fylke=names.get(code, code))
    return _("nasjonal")


def _parameter_change(name: str, before: Any, after: Any) -> str:
    # parameter labels and values are bokmål from data.rules; translated where the catalogue
    # has them (marked by the rules module), else shown as they are
    label, old = parameter_parts(name, before)
    new = parameter_parts(name, after)[1]
    return f"{_(label)}: {_(old)} → {_(new)}"


def rule_sentences(changes: pd.DataFrame, *, dated: bool) -> list[str]:
    """Rule changes (rows of :func:`data.rules.rules_changed` / ``rules_upcoming``) as plain
    sentences in the current language (the rule texts themselves are bokmål data), e.g.
    «Fra 19.01.2022: Isolasjon (nasjonal) endres: Isolasjon (dager) 5 → 4.»
    With ``dated`` each sentence starts with the day the change takes effect."""
    out = []
    for r in changes.itertuples(index=False):
        ended = r.change == "ended"
        level = r.scope_level_before if ended else r.scope_level_after
        code = r.scope_code_before if ended else r.scope_code_after
        head = _(
            "{kategori} ({hvor})",
            kategori=_(CATEGORY_LABELS.get(r.category, r.category)),
            hvor=_rule_where(level, code),
        )
        if ended:
            body = _("{regel} oppheves: {tekst}", regel=head, tekst=r.text_nb_before)
        elif r.change == "added":
            body = _("{regel}, ny regel: {tekst}", regel=head, tekst=r.text_nb_after)
        else:
            before = r.parameters_before if isinstance(r.parameters_before, dict) else {}
            after = r.parameters_after if isinstance(r.parameters_after, dict) else {}
            names = list(r.changed_parameters or [])
            detail = "; ".join(_parameter_change(n, before.get(n), after.get(n)) for n in names)
            if dated:
                body = _("{regel} endres: {tekst}", regel=head, tekst=detail or r.text_nb_after)
            else:
                body = _("{regel} endret: {tekst}", regel=head, tekst=detail or r.text_nb_after)
        body = body.rstrip(". ") + "."
        if dated and not pd.isna(r.effective_date):
            body = _(
                "Fra {dato}: {regel}",
                dato=formatting.date_short(pd.Timestamp(r.effective_date).date()),
                regel=body,
            )
        out.append(body)
    return out


def rule_changes(*, scope: Scope, kommunenummer: str, date: dt.date) -> tuple[list[str], list[str]]:
    """Rules for the kommune that changed since the previous day, and those that start within
    the next :data:`RULE_UPCOMING_DAYS` days (national, county and the kommune's own)."""
    changed = rule_queries.rules_changed(scope=scope, kommunenummer=kommunenummer, date=date)
    upcoming = rule_queries.rules_upcoming(
        scope=scope, kommunenummer=kommunenummer, date=date, days=RULE_UPCOMING_DAYS
    )
    return rule_sentences(changed, dated=False), rule_sentences(upcoming, dated=True)
