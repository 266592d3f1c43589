"""Figure builders: pure ``(DataFrame, options) -> go.Figure``; one module per subject."""

from dashboard.figures import theme  # noqa: F401  (registers the default plotly template)
from dashboard.figures.core import *  # noqa: F403
from dashboard.figures.core import __all__ as _core_all

__all__ = list(_core_all)
