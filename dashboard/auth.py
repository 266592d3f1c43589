"""Who is asking: the current user's access scope.

Until login and roles land (the access-control issue), every request reads with the full
scope; every callback already fetches its scope here so that the switch is one place.
"""

from __future__ import annotations

from data.scope import Scope


def current_scope() -> Scope:
    return Scope.full(user_id="anonymous")
