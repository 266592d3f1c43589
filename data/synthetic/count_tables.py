"""Count tables of the demo declared by their modules, not listed in the generator.

A module of :mod:`data.synthetic` that generates a table of counts from the synthetic
population (not person rows; e.g. weekly ILI consultations per kommune) declares it with a
module constant ``COUNT_TABLE`` (the table's name in :mod:`data.schema`) and a function
``count_table(pop, codes, scale, seed)`` returning its rows. :func:`count_tables` finds every
such module, so a new indicator's synthetic data is its own module and nothing else: the
generator (:mod:`data.synthetic.generate`) adds what it finds, after the person tables, in
name order.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType

import pandas as pd

import data.synthetic

CountTable = Callable[..., pd.DataFrame]  # (pop, codes, scale, seed) -> rows


def _modules() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(data.synthetic.__path__))
    return [importlib.import_module(f"data.synthetic.{n}") for n in names if not n.startswith("_")]


def count_tables() -> dict[str, CountTable]:
    """Table name → generating function of every module that declares ``COUNT_TABLE``."""
    found = {}
    for module in _modules():
        name = getattr(module, "COUNT_TABLE", None)
        if name is not None:
            if name in found:
                raise ValueError(f"count table {name!r} declared twice ({module.__name__})")
            found[str(name)] = module.count_table
    return dict(sorted(found.items()))


__all__ = ["CountTable", "count_tables"]
