"""The rules registry: national, county and local rules as versioned data.

A rule (``rule_key``) has versions; each version has a category, structured parameters, a
Norwegian text, the authority and a link, a scope (national, one county or one kommune) and a
validity period ``valid_from`` … ``valid_to`` (inclusive; open when ``valid_to`` is empty).
Versions are never overwritten, only superseded: recording a new version sets the previous
version's ``valid_to`` to the day before the new one starts (the one update allowed) and points
the new row's ``supersedes_id`` at it.

What applies in a kommune on a day: the national versions, the county's and the kommune's own.
Where one rule has versions at several levels, the most local one applies, for that kommune
only (a local version of ``isolasjon`` for 0301 replaces the national ``isolasjon`` in Oslo).
Among versions of one rule at one level valid on the same day (imports may overlap) the one
that started last, then the one recorded last, applies.

Reads are keyword-only, take the caller's scope, return DataFrames and are cached with the data
version in the key; recording bumps the data version in the same transaction. Rules for one
kommune are read like every other kommune page: the kommune must be in the caller's scope.

The package is split by job: ``catalogue`` (levels, categories, parameter specs and texts),
``validation`` (a version checked before it is recorded), ``applicability`` (what applies
where and when, changes, timelines), ``isolation`` (persons in isolation and quarantine) and
``recording`` (authorised writes that supersede). Other modules import from here.
"""

from __future__ import annotations

from data.rules.applicability import (
    CHANGE_COLUMNS,
    IN_FORCE_COLUMNS,
    VERSION_COLUMNS,
    rule_keys,
    rule_versions,
    rules_changed,
    rules_diff,
    rules_in_force,
    rules_timeline,
    rules_upcoming,
)
from data.rules.catalogue import (
    CATEGORY_LABELS,
    CATEGORY_PARAMETERS,
    LEVEL_LABELS,
    PARAMETERS,
    SCOPE_LEVELS,
    ParameterSpec,
    is_oxcgrt,
    parameter_parts,
    parameter_text,
    parameters_text,
)
from data.rules.isolation import persons_in_isolation, persons_in_quarantine
from data.rules.recording import RecordedRule, record_rule_version
from data.rules.validation import FIELD_LABELS, RuleInput, RuleValidationError, validate_rule

__all__ = [
    "CATEGORY_LABELS",
    "CATEGORY_PARAMETERS",
    "CHANGE_COLUMNS",
    "FIELD_LABELS",
    "IN_FORCE_COLUMNS",
    "LEVEL_LABELS",
    "PARAMETERS",
    "SCOPE_LEVELS",
    "VERSION_COLUMNS",
    "ParameterSpec",
    "RecordedRule",
    "RuleInput",
    "RuleValidationError",
    "is_oxcgrt",
    "parameter_parts",
    "parameter_text",
    "parameters_text",
    "persons_in_isolation",
    "persons_in_quarantine",
    "record_rule_version",
    "rule_keys",
    "rule_versions",
    "rules_changed",
    "rules_diff",
    "rules_in_force",
    "rules_timeline",
    "rules_upcoming",
    "validate_rule",
]
