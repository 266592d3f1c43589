"""Definitions shown next to every number (Norwegian bokmål); one module per subject."""

from dashboard.definitions.core import *  # noqa: F403
from dashboard.definitions.core import __all__ as _core_all

__all__ = list(_core_all)
