"""What the rules in force mean in numbers, for the cards of the Regler page and the
Morgenbrief: the version that sets a parameter for a kommune (pure; DataFrame in)."""

from __future__ import annotations

from typing import Any

import pandas as pd

LEVEL_RANK = {"national": 0, "county": 1, "kommune": 2}
HEADLINE_PARAMETERS: dict[str, tuple[str, str]] = {
    "isolation": ("isolation", "isolation_days"),
    "quarantine": ("quarantine", "quarantine_days"),
    "entry_quarantine": ("entry", "quarantine_days"),
    "certificate": ("certificate", "vaccinated_valid_days"),
}


def setting_version(in_force: pd.DataFrame, category: str, name: str) -> dict[str, Any] | None:
    """The rule in force that sets parameter ``name`` of ``category``: the most local one, then
    the one that started last. ``None`` when no rule in force has the parameter."""
    if in_force.empty:
        return None
    rows = in_force[
        (in_force["category"] == category)
        & in_force["parameters"].map(lambda p: isinstance(p, dict) and name in p)
    ]
    if rows.empty:
        return None
    ranked = rows.assign(_rank=rows["scope_level"].map(LEVEL_RANK).fillna(0))
    best = ranked.sort_values(["_rank", "valid_from", "id"]).iloc[-1]
    return {k: v for k, v in best.items() if k != "_rank"}


def headline(in_force: pd.DataFrame) -> dict[str, dict[str, Any] | None]:
    """The versions behind the key numbers (isolation, quarantine, entry quarantine, certificate
    validity), keyed as :data:`HEADLINE_PARAMETERS`."""
    return {
        key: setting_version(in_force, category, name)
        for key, (category, name) in HEADLINE_PARAMETERS.items()
    }


__all__ = ["HEADLINE_PARAMETERS", "headline", "setting_version"]
