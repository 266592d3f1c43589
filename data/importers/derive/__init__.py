"""Derive what the dashboard reads from the imported facts, after every import.

* ``population``: SSB single-year counts → the app's age bands, for both structures. A year
  published in one structure is translated to the other through the crosswalk (2020 → 2024
  splits 1507 into 1508 and 1580 with weight 0.5; 2024 → 2020 is an exact sum). Years between
  published years carry the latest published year before them forward (said in dataset_meta
  and flagged), so that "population on 1 January of the date's year" always exists.
* ``agg_cases_daily`` and ``agg_vaccination_daily`` from the kommune-level daily series, in the
  2024 structure. Counts of a split kommune are allocated with weights and rounded so that the
  parts add up to the whole (1508 gets the odd one). Values with a quality flag that marks them
  as artefacts (the re-registration spike) are left out. Series with no kommune-level data
  (tests, hospital, arrivals) leave their aggregate empty: the pages must say "not available"
  (see :func:`data.queries.sources.available_series`), not zero.
* ``dataset_meta``: data date and period, ``is_demo=false``, the date basis of the kommune case
  series, which series exist, the sources and their dates, and how codes were translated.

One module per step (:mod:`.crosswalk`, :mod:`.population`, :mod:`.aggregates`, :mod:`.checks`);
:func:`refresh` runs them in order and writes ``dataset_meta``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, func, select

from data import certificate_aggregates, page_tables, rollups
from data.codes import CURRENT_STRUCTURE
from data.importers.base import Flag
from data.importers.derive.aggregates import derive_cases, derive_vaccination, kommune_facts
from data.importers.derive.checks import cross_checks
from data.importers.derive.common import TOTAL_AGE
from data.importers.derive.crosswalk import crosswalk as crosswalk
from data.importers.derive.crosswalk import to_structure as to_structure
from data.importers.derive.population import derive_population
from data.importers.store import store_flags
from data.load import bump_data_version, set_meta
from data.schema import (
    AGGREGATE_TABLES,
    BoundarySet,
    DatasetMeta,
    ImportRun,
    QualityFlag,
    ReportedCoverage,
    ReportedSeries,
)


def series_available(conn: Connection) -> dict[str, list[str]]:
    """What the imported facts hold, in broad names: kommune level, national level, other."""
    have = {
        (m, lvl)
        for m, lvl in conn.execute(
            select(ReportedSeries.measure, ReportedSeries.area_level).distinct()
        ).all()
    }

    def at(level: str, *named: tuple[str, str]) -> list[str]:
        """The names whose measure prefix has series at ``level``."""
        return [
            name
            for name, prefix in named
            if any(m.startswith(prefix) and lvl == level for m, lvl in have)
        ]

    kommune = at(
        "kommune",
        ("cases", "cases_by"),
        ("tests", "tests_"),
        ("hospital", "hospital_"),
        ("vaccination_doses", "doses_by"),
        ("population", "population"),
    )
    if conn.execute(
        select(func.count()).where(ReportedCoverage.area_level == "kommune")
    ).scalar_one():
        kommune.append("vaccination_coverage")
    nation = at(
        "nation",
        ("cases", "cases_by"),
        ("tests", "tests_"),
        ("hospital", "hospital_"),
        ("icu", "icu_"),
        ("vaccination_doses", "doses_"),
        ("policy_indices", "stringency_index"),
    )
    if conn.execute(
        select(func.count()).where(
            ReportedSeries.area_level == "nation",
            ReportedSeries.age_band != TOTAL_AGE,
            ReportedSeries.measure.like("cases_by%"),  # not ERVISS's ILI rates by age
        )
    ).scalar_one():
        nation.append("cases_by_age_sex")
    other = [
        f"boundaries_{int(s)}"
        for (s,) in conn.execute(
            select(BoundarySet.structure).distinct().order_by(BoundarySet.structure)
        )
    ]
    if conn.execute(
        select(func.count())
        .select_from(ImportRun)
        .where(ImportRun.kind == "oxcgrt", ImportRun.status == "active")
    ).scalar_one():
        other.append("rules")
    if conn.execute(
        select(func.count())
        .select_from(ImportRun)
        .where(ImportRun.kind == "erviss", ImportRun.status == "active")
    ).scalar_one():
        other.append("erviss_respiratory")  # influenza, RSV, SARS-CoV-2 and ILI (national)
    return {"kommune": kommune, "nation": nation, "other": other}


def _meta(conn: Connection, cases: dict[str, Any], population: dict[str, Any]) -> dict[str, str]:
    runs = conn.execute(
        select(ImportRun.kind, ImportRun.source, ImportRun.data_date, ImportRun.period_start).where(
            ImportRun.status == "active"
        )
    ).all()
    dates = [r.data_date for r in runs if r.data_date is not None]
    data_date = cases.get("end") or (max(dates) if dates else dt.date.today())
    period_start = cases.get("start") or min(
        [r.period_start for r in runs if r.period_start is not None] or [data_date]
    )
    meta = {
        "data_date": data_date.isoformat(),
        "period_start": period_start.isoformat(),
        "is_demo": "false",
        "source": "import",
        "scale": "",
        "seed": "",
        "population_fraction": "1",
        "structure_shown": str(CURRENT_STRUCTURE),
    }
    measures = cases.get("measures", [])
    if measures:
        meta["case_date_basis"] = "test" if "cases_by_testdate" in measures else "registration"
        meta["structure_data"] = ",".join(map(str, cases.get("structures", [])))
    available = series_available(conn)
    meta["series_available"] = ",".join(available["kommune"])[:200]
    meta["series_national"] = ",".join(available["nation"])[:200]
    meta["series_other"] = ",".join(available["other"])[:200]
    if population:
        years = population["years"]
        meta["population_years"] = ",".join(map(str, range(years[0], years[-1] + 1)))
        meta["population_years_published"] = ";".join(
            f"{s}:{','.join(map(str, y))}" for s, y in sorted(population["published"].items())
        )
        meta["population_carried_forward"] = ",".join(population["carried"])[:200]
        meta["population_from_series"] = ",".join(population.get("from_series", []))[:200]
    cw_note = "2020→2024 via kodeoversettelsen; 1507→1508+1580 med vekt 0,5 for antall"
    meta["crosswalk"] = cw_note
    by_source: dict[str, dt.date] = {}
    for r in runs:
        if r.data_date is not None:
            by_source[r.kind] = max(by_source.get(r.kind, r.data_date), r.data_date)
    for kind, date in by_source.items():
        meta[f"source_date:{kind}"[:40]] = date.isoformat()
    coverage_date = conn.execute(select(func.max(ReportedCoverage.snapshot_date))).scalar()
    if coverage_date:
        meta["vaccination_coverage_date"] = str(coverage_date)[:10]
    return meta


def refresh(conn: Connection) -> dict[str, Any]:
    """Rebuild population, aggregates, cross-file flags and dataset_meta from the facts."""
    cw = crosswalk(conn)
    for table in AGGREGATE_TABLES:
        conn.execute(delete(table))
    population = derive_population(conn, cw)
    facts = kommune_facts(conn)
    cases = derive_cases(conn, cw, facts)
    vaccination = derive_vaccination(conn, cw, facts)
    conn.execute(delete(QualityFlag).where(QualityFlag.import_id.is_(None)))
    flags = cross_checks(conn, cw, facts)
    for entry in population.get("nearest", []):
        if entry["structure"] != CURRENT_STRUCTURE:
            continue
        flags.append(
            Flag(
                "population_nearest_year",
                severity="warning",
                rows_affected=len(entry["codes"]),
                date=dt.date(entry["year"], 1, 1),
                detail={"year": entry["year"], "used": entry["used"], "codes": entry["codes"]},
            )
        )
    if population.get("translated"):
        flags.append(Flag("population_translated", detail={"years": population["translated"]}))
    store_flags(conn, run_id=None, flags=flags)
    conn.execute(delete(DatasetMeta).where(DatasetMeta.key.like("source_date:%")))
    meta = _meta(conn, cases, population)
    set_meta(conn, meta)
    rollups.refresh(conn)
    # key figures; the vaccination series and arrival splits stay empty in published data
    page_tables.refresh(conn)
    certificate_aggregates.refresh(conn)  # none in published data; kept true if present
    bump_data_version(conn)
    return {"cases": cases, "vaccination": vaccination, "population": population, "meta": meta}
