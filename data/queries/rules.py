"""Rules read API (thin re-export of :mod:`data.rules`, which also records rule versions).

Each name is re-exported explicitly (``X as X``), so the list is written once."""

from data.rules import CHANGE_COLUMNS as CHANGE_COLUMNS
from data.rules import IN_FORCE_COLUMNS as IN_FORCE_COLUMNS
from data.rules import persons_in_isolation as persons_in_isolation
from data.rules import persons_in_quarantine as persons_in_quarantine
from data.rules import rule_keys as rule_keys
from data.rules import rule_versions as rule_versions
from data.rules import rules_changed as rules_changed
from data.rules import rules_diff as rules_diff
from data.rules import rules_in_force as rules_in_force
from data.rules import rules_timeline as rules_timeline
from data.rules import rules_upcoming as rules_upcoming
