"""The read API of the data layer: keyword-only functions returning DataFrames.

Every function takes the caller's :class:`~data.scope.Scope` and applies it here, server
side; there is no unscoped read for dashboard use. Results are cached (see :mod:`data.cache`)
with the scope and the data version in the key. One module per subject; this package
re-exports them so that callers write ``queries.case_windows(...)``.
"""

from data.queries.cases import (
    AreaLevel,
    case_windows,
    cases_daily,
    dataset_info,
    kommune_list,
    neighbour_list,
    read_data_version,
)

__all__ = [
    "AreaLevel",
    "case_windows",
    "cases_daily",
    "dataset_info",
    "kommune_list",
    "neighbour_list",
    "read_data_version",
]
