"""The indicator registry (data/indicators.py) is the one declaration of every published key
number: well-formed entries, counts that have published cells, rates built on them, texts
translated, and the screens that show these numbers take label, unit and definition from it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dashboard import i18n
from dashboard.briefing import build_briefing
from dashboard.definitions import definition_of, label_of, unit_of
from data import indicators, published
from data.key_figures import VACCINATED
from data.scope import Scope

REGISTRY = list(indicators.INDICATORS.values())
# counts that are not key figures are perturbed on reading by data.protection.protect()
PROTECTED_ON_READ = {
    "unvaccinated_65",
    "active_clusters",
    "valid_certificates",
    "ili_consultations",
}


def test_ids_are_stable_machine_names() -> None:
    for indicator in REGISTRY:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", indicator.id), indicator.id
        assert indicator.levels and set(indicator.levels) <= set(indicators.LEVELS)
        assert indicator.decimals >= 0 and indicator.per >= 1


def test_every_count_has_published_cells_and_every_rate_a_published_numerator() -> None:
    stored = set(published.STORED)
    for indicator in REGISTRY:
        if indicator.is_count:
            assert indicator.numerator in stored | PROTECTED_ON_READ, indicator.id
        elif indicator.kind in ("rate", "share"):
            assert indicator.denominator, f"{indicator.id}: a rate needs a denominator"
            assert indicator.numerator in stored | PROTECTED_ON_READ | set(VACCINATED), indicator.id
            if indicator.denominator not in ("population", "population_alle", "population_65"):
                assert indicator.denominator in stored, indicator.id


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_texts_translate_and_fill_their_placeholders(language: str) -> None:
    with i18n.language(language):
        for indicator in REGISTRY:
            for text in (
                label_of(indicator.id),
                label_of(indicator.id, short=True),
                definition_of(indicator.id),
            ):
                assert text and "{" not in text, (indicator.id, text)
            if language != i18n.DEFAULT_LANGUAGE:
                # an untranslated text would come back as the bokmål source string
                assert definition_of(indicator.id) != indicator.definition, indicator.id


def test_the_morgenbrief_reads_labels_units_and_definitions_from_the_registry(app) -> None:  # type: ignore[no-untyped-def]
    """The brief's (and so Krisemøte's, the PDF's and the weekly report's) texts are the
    registry's, not written again beside it."""
    brief = build_briefing(scope=Scope.full(), kommunenummer="0301", date=dt.date(2022, 1, 20))
    checked = 0
    for key, shown in brief.indicators.items():
        registered = key if key in indicators.INDICATORS else {"cases_24h": "cases"}.get(key)
        if registered is None:
            continue
        assert shown.label == label_of(registered, short=True), key
        if shown.text is None:  # a number: its unit is the registry's ("%" or translated)
            assert shown.unit in (unit_of(registered), indicators.get(registered).unit), key
            assert shown.decimals == indicators.get(registered).decimals, key
        # (the demo counts cases by test date: no rewording for another date basis)
        assert shown.definition == definition_of(registered), key
        checked += 1
    assert checked >= 12
