"""Rules read API (thin re-export of :mod:`data.rules`, which also records rule versions)."""

from data.rules import (
    CHANGE_COLUMNS,
    IN_FORCE_COLUMNS,
    persons_in_isolation,
    persons_in_quarantine,
    rule_keys,
    rule_versions,
    rules_changed,
    rules_diff,
    rules_in_force,
    rules_timeline,
    rules_upcoming,
)

__all__ = [
    "CHANGE_COLUMNS",
    "IN_FORCE_COLUMNS",
    "persons_in_isolation",
    "persons_in_quarantine",
    "rule_keys",
    "rule_versions",
    "rules_changed",
    "rules_diff",
    "rules_in_force",
    "rules_timeline",
    "rules_upcoming",
]
