"""Definitions translate as whole sentences, for either case date basis."""

from __future__ import annotations

from dashboard import definitions, i18n
from dashboard.definitions import core


def test_every_reworded_case_text_is_in_the_catalogue() -> None:
    metrics = [*definitions.MAP_METRICS.values(), definitions.DAILY_CASES, definitions.TREND]
    texts = {t for m in metrics for t in (m.definition, m.source)}
    texts |= {
        "Tilfeller med prøvedato på valgt dato.",
        "Tilfeller med prøvedato de siste 7 dagene til og med valgt dato.",
    }
    catalogue = i18n.catalogue("en")
    for text in texts:
        reworded = core._reworded(text, "registration")
        assert reworded == text or reworded in core.REGISTRATION_WORDINGS, reworded
        assert reworded in catalogue, reworded


def test_definitions_follow_the_language() -> None:
    metric = definitions.MAP_METRICS["incidence_7d"]
    with i18n.language("en"):
        reg = definitions.for_case_basis(metric, "registration")
        assert reg.definition.startswith("Cases by registration date in the 7 days")
        assert "FHI did not publish" in reg.definition
        assert reg.source == "MSIS cases by registration date; population from SSB"
        assert definitions.trend_label("rising") == "↑ Rising"
        assert definitions.case_basis_label("registration") == "by registration date"
        assert "3 municipalities merged/split" in definitions.map_structure_note(
            [2020], 2024, {"split": 1, "merged": 2}
        )
    assert definitions.trend_label("rising") == "↑ Økende"
    assert "1 kommune slått" in definitions.map_structure_note([2020], 2024, {"split": 1})
    assert definitions.source_short_name("crosswalk_x", "") == "SSB kodeendringer"
