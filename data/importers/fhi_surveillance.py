"""FHI's own published files (``surveillance_data/covid19/*_latest.csv``).

* ``data_covid19_sysvak_by_location_sex_age_latest``: persons vaccinated with at least dose n
  up to the day before publication, by kommune / fylke / nation × age band × sex, with the SSB
  population of each group → ``reported_coverage``.
* ``data_covid19_msis_by_time_sex_age_latest``: weekly cases for Norway by 10-year age group and
  sex, by test date → ``reported_series``.

Codes are ``municip0301`` / ``county03`` / ``norge``; the ``border`` column names the structure.
The ``date``/``year``/``week`` columns of the coverage file are placeholders (1900-01-01).
"""

from __future__ import annotations

# One module per job: shared parsing helpers (fhi_common), the SYSVAK and MSIS files
# (fhi_sysvak_msis) and the other layouts (fhi_time_totals); the registry finds them here.
from data.importers.fhi_common import (
    SOURCE_LABEL,
    SOURCE_MSIS,
    SOURCE_SYSVAK,
    detect_msis,
    detect_sysvak,
)
from data.importers.fhi_sysvak_msis import parse_msis, parse_sysvak
from data.importers.fhi_time_totals import (
    detect_time_location,
    detect_total,
    parse_time_location,
    parse_total,
)

__all__ = [
    "DIMENSION_NB",
    "MEASURE_NB",
    "SOURCE_LABEL",
    "SOURCE_MSIS",
    "SOURCE_SYSVAK",
    "SUPPORTED_LAYOUTS",
    "detect_msis",
    "detect_sysvak",
    "detect_time_location",
    "detect_total",
    "layout",
    "layout_name",
    "parse_msis",
    "parse_sysvak",
    "parse_time_location",
    "parse_total",
    "unsupported_message",
]

# --------------------------------------------------------------------------- layouts
# FHI published every series of surveillance_data in several layouts with the same columns
# (granularity_time day/isoweek/total, granularity_geo municip/county/nation, age and sex
# "total" where not split). Which layout a file has shows in its rows, not its header.
SUPPORTED_LAYOUTS = {
    ("vaccinations", "location × sex × age"): "sysvak_coverage",
    ("cases", "time × sex × age"): "msis_age_sex",
    ("cases", "time × location"): "fhi_time_location",
    ("cases", "time"): "fhi_time_location",
    ("vaccinations", "time × location"): "fhi_time_location",
    ("vaccinations", "time"): "fhi_time_location",
    ("cases", "location"): "fhi_total",
    ("cases", "total"): "fhi_total",
    ("vaccinations", "location"): "fhi_total",
    ("vaccinations", "total"): "fhi_total",
}

MEASURE_NB = {"vaccinations": "vaksinasjoner", "cases": "tilfeller", "other": "ukjent mål"}
DIMENSION_NB = {"time": "tid", "location": "sted", "sex": "kjønn", "age": "alder"}


def layout(columns: list[str], rows: list[dict[str, str]]) -> tuple[str, str] | None:
    """(measure, dimensions) of an FHI surveillance_data file, from its first rows, e.g.
    ("cases", "time × location"); None when the file is not of that family."""
    cols = set(columns)
    if not {"granularity_time", "granularity_geo", "location_code"} <= cols or not rows:
        return None
    if "n_dose_1" in cols or "cum_n_dose_1" in cols:
        measure = "vaccinations"
    elif "n" in cols:
        measure = "cases"
    else:
        measure = "other"

    def values(column: str) -> set[str]:
        return {r.get(column, "").strip() for r in rows if r.get(column)}

    dims = []
    if values("granularity_time") - {"total", ""}:
        dims.append("time")
    if values("granularity_geo") - {"nation", ""}:
        dims.append("location")
    if values("sex") - {"total", ""}:
        dims.append("sex")
    if values("age") - {"total", ""}:
        dims.append("age")
    return measure, " × ".join(dims) or "total"


def layout_name(measure: str, dimensions: str) -> str:
    dims = " × ".join(DIMENSION_NB.get(d, d) for d in dimensions.split(" × "))
    return f"FHI surveillance_data, {MEASURE_NB[measure]} etter {dims}"


def unsupported_message(measure: str, dimensions: str) -> str:
    """What the file is, and which layouts of its family can be imported."""
    supported = "; ".join(layout_name(m, d) for m, d in SUPPORTED_LAYOUTS)
    return (
        f"{layout_name(measure, dimensions)} ({measure} by {dimensions}): dette oppsettet "
        f"importeres ikke ennå. Støttet fra samme kilde: {supported}."
    )
