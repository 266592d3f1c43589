"""Metric definitions as pure functions (DataFrame in, DataFrame or number out).

``core`` holds the shared ones (incidence, trend, windows); each subject page adds a module
(``testing``, ``vaccination`` …). No Dash, no SQL.
"""

from dashboard.metrics.core import *  # noqa: F403
from dashboard.metrics.core import __all__ as _core_all

__all__ = list(_core_all)
