"""Importers for real published data: FHI, SSB, Kartverket and OxCGRT formats.

Use :func:`data.importers.runner.run` (the CLI ``situasjonsbilde import`` calls it). Facts land
in ``reported_series`` / ``reported_coverage`` (with their code and structure vintage), bad rows
in ``rejected_row``, findings in ``quality_flag``, one ``import_run`` and one
``data_source_status`` row per import; the dashboard's aggregate tables, population and
``dataset_meta`` are then derived (:mod:`data.importers.derive`).
"""

from data.importers.registry import GROUPS, KINDS, Kind, detect
from data.importers.runner import ImportRefused, ImportReport, ImportResult, run

__all__ = [
    "GROUPS",
    "KINDS",
    "ImportRefused",
    "ImportReport",
    "ImportResult",
    "Kind",
    "detect",
    "run",
]
