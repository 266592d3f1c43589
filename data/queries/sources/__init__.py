"""What the loaded data are and what they have: sources, imports, quality, available series.

Pages ask here before they show a number, so that on real data they can say plainly what is
missing (for example: no kommune-level test data were published) instead of showing zeros:

* :func:`available_series` – which series exist at kommune and national level, over which
  dates, on which date basis (``case_date_basis``: ``test`` or ``registration``), and how
  codes were translated. Works on the demo database (from the aggregates) and on imports.
* :func:`data_sources` – one row per import (or the demo load): file, dates, rows loaded,
  rejected and skipped, status.
* :func:`rejection_summary`, :func:`rejected_sample`, :func:`quality_flags`,
  :func:`population_gaps`, :func:`code_vintages`, :func:`arrivals_without_fd` – the
  Datakvalitet page.
* :func:`reported_series` and :func:`reported_coverage` – published facts that the daily
  kommune aggregates cannot hold (national hospital, ICU and test series; coverage by age band
  and sex), scoped and small-number protected like every other read.
* :func:`boundary_geojson` – the imported boundaries that replace the built-in geometry.


One module per job: :mod:`.availability`, :mod:`.import_runs`, :mod:`.quality`,
:mod:`.published` and :mod:`.geometry`; the names are re-exported here.
"""

from data.queries.sources.availability import (
    KOMMUNE_AGGREGATES,
    SUBJECT_SERIES,
    available_series,
    has_rows,
    subject_availability,
)
from data.queries.sources.geometry import (
    boundary_geojson,
    kommuner_without_geometry,
    polygons_drawn,
)
from data.queries.sources.import_runs import DATA_SOURCE_COLUMNS, data_sources
from data.queries.sources.published import coverage_rows, reported_coverage, reported_series
from data.queries.sources.quality import (
    arrivals_without_fd,
    code_vintages,
    population_fallbacks,
    population_gaps,
    quality_flags,
    rejected_sample,
    rejection_summary,
)

__all__ = [
    "DATA_SOURCE_COLUMNS",
    "KOMMUNE_AGGREGATES",
    "SUBJECT_SERIES",
    "arrivals_without_fd",
    "available_series",
    "boundary_geojson",
    "code_vintages",
    "coverage_rows",
    "data_sources",
    "has_rows",
    "kommuner_without_geometry",
    "polygons_drawn",
    "population_fallbacks",
    "population_gaps",
    "quality_flags",
    "rejected_sample",
    "rejection_summary",
    "reported_coverage",
    "reported_series",
    "subject_availability",
]
